//! Second factors: TOTP (RFC 6238, SHA-1, 6 digits, 30 s steps, one step of skew) and
//! single-use backup codes; and the short-lived `mfa_token` between password and second
//! factor (a JWT with `scope: "mfa"`, good for the two verify routes only, five attempts,
//! one success).

use crate::AuthState;
use chrono::Utc;
use janua_core::ApiError;
use janua_tokens::Claims;
use janua_tokens::jwks::KeySource;
use totp_rs::{Algorithm, Builder, Totp};
use uuid::Uuid;

pub const ISSUER: &str = "Janua";
pub const MFA_TOKEN_TTL_SECS: i64 = 300;
pub const MFA_MAX_ATTEMPTS: u32 = 5;
pub const BACKUP_CODES: usize = 10;
/// No 0/o, 1/l/i: codes are read off paper.
const BACKUP_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

pub fn totp(secret: &[u8], account: &str) -> Result<Totp, ApiError> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_step_duration(30)
        .with_skew(1)
        .with_secret(secret.to_vec())
        .with_account_name(account)
        .with_issuer(Some(ISSUER))
        .build()
        .map_err(ApiError::internal)
}

/// The step a code matches (within the skew), if any.
pub fn matching_step(totp: &Totp, code: &str) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    totp.check_current(&code).map(|s| s as i64)
}

/// Ten fresh codes (shown once) and their SHA-256 digests (stored). ~49 bits each.
pub fn backup_codes() -> (Vec<String>, Vec<[u8; 32]>) {
    let mut codes = Vec::with_capacity(BACKUP_CODES);
    let mut hashes = Vec::with_capacity(BACKUP_CODES);
    for _ in 0..BACKUP_CODES {
        let raw: String = janua_core::crypto::random_bytes(10)
            .iter()
            .map(|b| BACKUP_ALPHABET[*b as usize % BACKUP_ALPHABET.len()] as char)
            .collect();
        hashes.push(janua_core::crypto::sha256(raw.as_bytes()));
        codes.push(format!("{}-{}", &raw[..5], &raw[5..]));
    }
    (codes, hashes)
}

/// The digest of a code as typed (any case, with or without the dash or spaces).
pub fn backup_code_hash(typed: &str) -> [u8; 32] {
    let normal: String =
        typed.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_lowercase();
    janua_core::crypto::sha256(normal.as_bytes())
}

/// The token that stands between a correct password and the second factor.
pub fn mfa_token(state: &AuthState, user_id: Uuid) -> Result<String, ApiError> {
    let now = Utc::now().timestamp();
    let claims = Claims {
        iss: state.settings.public_url.clone(),
        sub: user_id,
        sid: janua_core::ids::new_id(),
        aud: state.settings.tokens.audience.clone(),
        iat: now,
        exp: now + MFA_TOKEN_TTL_SECS,
        jti: janua_core::ids::new_id(),
        roles: Vec::new(),
        scope: Some("mfa".into()),
        auth_time: None,
    };
    state.keys.current().sign(&claims).map_err(ApiError::internal)
}

/// Counts an attempt on a challenge; refuses past the limit or once it succeeded.
pub async fn attempt(state: &AuthState, challenge: Uuid) -> Result<(), ApiError> {
    let prefix = &state.settings.redis_prefix;
    let attempts = format!("{prefix}:mfa:attempts:{challenge}");
    let done = format!("{prefix}:mfa:done:{challenge}");
    let mut redis = state.redis.clone();
    let (count, finished): (u32, bool) = redis::pipe()
        .cmd("INCR")
        .arg(&attempts)
        .cmd("EXPIRE")
        .arg(&attempts)
        .arg(MFA_TOKEN_TTL_SECS + 60)
        .ignore()
        .cmd("EXISTS")
        .arg(&done)
        .query_async(&mut redis)
        .await?;
    if finished || count > MFA_MAX_ATTEMPTS {
        return Err(ApiError::unauthorized("mfa_token_spent"));
    }
    Ok(())
}

/// Marks a challenge as used; false if another request completed it first.
pub async fn complete(state: &AuthState, challenge: Uuid) -> Result<bool, ApiError> {
    let done = format!("{}:mfa:done:{challenge}", state.settings.redis_prefix);
    let mut redis = state.redis.clone();
    let set: Option<String> = redis::cmd("SET")
        .arg(&done)
        .arg(1)
        .arg("NX")
        .arg("EX")
        .arg(MFA_TOKEN_TTL_SECS + 60)
        .query_async(&mut redis)
        .await?;
    Ok(set.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_codes_are_distinct_and_forgiving_to_type() {
        let (codes, hashes) = backup_codes();
        assert_eq!(codes.len(), 10);
        let unique: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), 10);
        assert_eq!(backup_code_hash(&codes[0]), hashes[0]);
        assert_eq!(backup_code_hash(&codes[0].to_uppercase().replace('-', " ")), hashes[0]);
    }

    #[test]
    fn totp_codes_match_their_step_only() {
        let t = totp(&[7u8; 20], "ada@example.com").unwrap();
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        let code = t.generate(now).to_string();
        assert_eq!(matching_step(&t, &code), Some((now / 30) as i64));
        assert_eq!(matching_step(&t, "12345"), None);
        assert_eq!(matching_step(&t, "abcdef"), None);
        let old = t.generate(now - 300).to_string();
        if old != code {
            assert_eq!(matching_step(&t, &old), None, "outside the skew");
        }
    }
}
