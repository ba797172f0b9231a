//! Password rules and hashing. argon2id runs on the blocking pool behind a semaphore, so
//! hashing never stalls the async executor and a burst of sign-ins queues instead of
//! exhausting memory (each hash holds `m` KiB).

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _, phc::PasswordHash};
use argon2::{Algorithm, Argon2, Params, Version};
use janua_core::ApiError;
use janua_core::config::PasswordSettings;
use std::collections::HashSet;
use std::sync::Arc;
use tokio::sync::Semaphore;

pub const MIN_LEN: usize = 10;
pub const MAX_LEN: usize = 128;

static COMMON_PASSWORDS_TXT: &str = include_str!("../../data/common-passwords.txt");

/// The shipped list of common passwords (lower-case).
pub fn common_passwords() -> HashSet<&'static str> {
    COMMON_PASSWORDS_TXT
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

/// Length is counted in characters, never truncated; a common password is refused whatever
/// its case.
pub fn check_policy(password: &str, common: &HashSet<&'static str>, field: &str) -> Result<(), ApiError> {
    let len = password.chars().count();
    if len < MIN_LEN {
        return Err(ApiError::validation(
            field,
            format!("{field} must be at least {MIN_LEN} characters"),
        ));
    }
    if len > MAX_LEN {
        return Err(ApiError::validation(
            field,
            format!("{field} must be at most {MAX_LEN} characters"),
        ));
    }
    if common.contains(password.to_lowercase().as_str()) {
        return Err(ApiError::validation(
            field,
            format!("{field} is too common; choose another"),
        ));
    }
    Ok(())
}

#[derive(Clone)]
pub struct PasswordHasher {
    argon2: Arc<Argon2<'static>>,
    permits: Arc<Semaphore>,
    /// A real hash of a random password, verified against when the email is unknown so that
    /// both answers cost the same time.
    dummy_hash: Arc<String>,
}

impl PasswordHasher {
    pub fn new(settings: &PasswordSettings) -> anyhow::Result<PasswordHasher> {
        let params = Params::new(
            settings.argon2_memory_kib,
            settings.argon2_iterations,
            settings.argon2_parallelism,
            None,
        )
        .map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?;
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let concurrency = settings
            .hashing_concurrency
            .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2));
        let dummy = janua_core::crypto::random_token();
        let dummy_hash = argon2
            .hash_password(dummy.as_bytes())
            .map_err(|e| anyhow::anyhow!("argon2: {e}"))?
            .to_string();
        Ok(PasswordHasher {
            argon2: Arc::new(argon2),
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            dummy_hash: Arc::new(dummy_hash),
        })
    }

    pub async fn hash(&self, password: &str) -> Result<String, ApiError> {
        let _permit = self.permits.acquire().await.map_err(ApiError::internal)?;
        let argon2 = Arc::clone(&self.argon2);
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || argon2.hash_password(password.as_bytes()).map(|h| h.to_string()))
            .await
            .map_err(ApiError::internal)?
            .map_err(ApiError::internal)
    }

    /// `None` for an unknown account: the dummy hash is checked instead and the answer is false.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> Result<bool, ApiError> {
        let _permit = self.permits.acquire().await.map_err(ApiError::internal)?;
        let argon2 = Arc::clone(&self.argon2);
        let known = stored.is_some();
        let hash = stored
            .map(str::to_owned)
            .unwrap_or_else(|| self.dummy_hash.as_ref().clone());
        let password = password.to_owned();
        let ok = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&hash)
                .map(|parsed| argon2.verify_password(password.as_bytes(), &parsed).is_ok())
                .unwrap_or(false)
        })
        .await
        .map_err(ApiError::internal)?;
        Ok(ok && known)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_list_is_large_enough() {
        assert!(common_passwords().len() >= 10_000);
    }

    #[test]
    fn policy_checks_length_and_common_passwords() {
        let common = common_passwords();
        assert!(check_policy("short", &common, "password").is_err());
        assert!(check_policy(&"x".repeat(129), &common, "password").is_err());
        assert!(check_policy("correct horse battery staple", &common, "password").is_ok());
        let a_common_long_one = common.iter().find(|p| p.chars().count() >= 10).unwrap();
        let err = check_policy(&a_common_long_one.to_uppercase(), &common, "password").unwrap_err();
        assert_eq!(err.details().unwrap()["field"], "password");
        // 128 multi-byte characters are 128 characters, not 512 bytes.
        assert!(check_policy(&"é".repeat(128), &common, "password").is_ok());
    }

    #[tokio::test]
    async fn hashes_verify_and_unknown_accounts_never_match() {
        let hasher = PasswordHasher::new(&PasswordSettings {
            argon2_memory_kib: 256,
            argon2_iterations: 1,
            argon2_parallelism: 1,
            hashing_concurrency: Some(2),
        })
        .unwrap();
        let h = hasher.hash("correct horse battery").await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=256,t=1,p=1$"));
        assert!(hasher.verify("correct horse battery", Some(&h)).await.unwrap());
        assert!(!hasher.verify("wrong horse battery", Some(&h)).await.unwrap());
        assert!(!hasher.verify("anything", None).await.unwrap());
    }
}
