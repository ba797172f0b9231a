//! Brute-force protection for sign-in that a stranger cannot turn against the owner.
//!
//! - Failures count per account *and address* (an IPv4 address, an IPv6 /64): past
//!   `signin_failures_per_account` in a row, that address waits growing delays (2 s, 4 s,
//!   8 s ... capped) for that account. Someone who knows an email locks out only themself;
//!   the owner signing in from anywhere else gets in at once.
//! - A guess spread over many addresses: once `signin_failing_addresses_per_account`
//!   distinct addresses failed within an hour, the account is delayed for every device that
//!   never signed in to it. A device that did (it holds a device token, see [`DeviceTokens`])
//!   keeps its own budget, so the owner still gets in.
//! - Per address, failures per minute across accounts (credential stuffing).

use janua_core::ApiError;
use janua_core::config::RateLimitSettings;
use redis::aio::ConnectionManager;

#[derive(Clone)]
pub struct SigninThrottle {
    redis: ConnectionManager,
    prefix: String,
    limits: RateLimitSettings,
}

/// Where an attempt comes from: the client's address and, when it proved one, the device
/// that signed in to this account before (its id).
#[derive(Debug, Clone, Copy, Default)]
pub struct Origin<'a> {
    pub ip: Option<&'a str>,
    pub device: Option<&'a str>,
}

impl<'a> Origin<'a> {
    pub fn ip(ip: Option<&'a str>) -> Self {
        Origin { ip, device: None }
    }
}

impl SigninThrottle {
    pub fn new(redis: ConnectionManager, prefix: &str, limits: RateLimitSettings) -> Self {
        Self { redis, prefix: prefix.to_string(), limits }
    }

    fn account(account: &str) -> String {
        janua_core::crypto::sha256_hex(account.as_bytes())
    }

    /// The budget an attempt on `account` spends: its device's, or its address's.
    fn budget(&self, account: &str, origin: Origin<'_>) -> String {
        let account = Self::account(account);
        match (origin.device, origin.ip) {
            (Some(device), _) => format!("dev:{account}:{device}"),
            (None, Some(ip)) => format!("addr:{account}:{}", janua_core::http::address_bucket(ip)),
            (None, None) => format!("addr:{account}:-"),
        }
    }

    fn failures_key(&self, budget: &str) -> String {
        format!("{}:bf:fail:{budget}", self.prefix)
    }

    fn lock_key(&self, budget: &str) -> String {
        format!("{}:bf:lock:{budget}", self.prefix)
    }

    /// The account-wide delay for devices that never signed in to it (a distributed guess).
    fn wide_lock_key(&self, account: &str) -> String {
        format!("{}:bf:wide:{}", self.prefix, Self::account(account))
    }

    fn failing_addresses_key(&self, account: &str) -> String {
        let hour = chrono::Utc::now().timestamp() / 3600;
        format!("{}:bf:addrs:{}:{hour}", self.prefix, Self::account(account))
    }

    fn ip_key(&self, ip: &str) -> String {
        let minute = chrono::Utc::now().timestamp() / 60;
        format!("{}:bf:ip:{}:{}", self.prefix, janua_core::http::address_bucket(ip), minute)
    }

    /// Refuses (429 with Retry-After) while the attempt's budget is in a delay, the account
    /// is delayed for unknown devices, or the address is over its failures for this minute.
    pub async fn check(&self, account: &str, ip: Option<&str>) -> Result<(), ApiError> {
        self.check_from(account, Origin::ip(ip)).await
    }

    pub async fn check_from(&self, account: &str, origin: Origin<'_>) -> Result<(), ApiError> {
        let budget = self.budget(account, origin);
        let mut conn = self.redis.clone();
        let mut pipe = redis::pipe();
        pipe.cmd("PTTL").arg(self.lock_key(&budget));
        pipe.cmd("PTTL").arg(self.wide_lock_key(account));
        pipe.cmd("GET").arg(origin.ip.map(|ip| self.ip_key(ip)).unwrap_or_else(|| self.ip_key("-")));
        let (lock_ms, wide_ms, ip_failures): (i64, i64, Option<u32>) = pipe.query_async(&mut conn).await?;
        let known_device = origin.device.is_some();
        let wait_ms = if known_device { lock_ms } else { lock_ms.max(wide_ms) };
        if wait_ms > 0 {
            return Err(throttled(ApiError::too_many_requests(((wait_ms + 999) / 1000) as u64)));
        }
        if !known_device
            && origin.ip.is_some()
            && ip_failures.unwrap_or(0) >= self.limits.signin_failures_per_ip_per_min
        {
            let now = chrono::Utc::now().timestamp();
            return Err(throttled(ApiError::too_many_requests((60 - now % 60).max(1) as u64)));
        }
        Ok(())
    }

    /// The address's budget alone, before the account is known (a passkey names its user only
    /// once its assertion is read).
    pub async fn check_ip(&self, ip: Option<&str>) -> Result<(), ApiError> {
        let Some(ip) = ip else {
            return Ok(());
        };
        let mut conn = self.redis.clone();
        let failures: Option<u32> = redis::cmd("GET").arg(self.ip_key(ip)).query_async(&mut conn).await?;
        if failures.unwrap_or(0) >= self.limits.signin_failures_per_ip_per_min {
            let now = chrono::Utc::now().timestamp();
            return Err(throttled(ApiError::too_many_requests((60 - now % 60).max(1) as u64)));
        }
        Ok(())
    }

    pub async fn record_failure(&self, account: &str, ip: Option<&str>) -> Result<(), ApiError> {
        self.record_failure_from(account, Origin::ip(ip)).await
    }

    pub async fn record_failure_from(&self, account: &str, origin: Origin<'_>) -> Result<(), ApiError> {
        let budget = self.budget(account, origin);
        let mut conn = self.redis.clone();
        let mut pipe = redis::pipe();
        if let Some(ip) = origin.ip {
            pipe.cmd("INCR").arg(self.ip_key(ip)).ignore();
            pipe.cmd("EXPIRE").arg(self.ip_key(ip)).arg(120).ignore();
        }
        pipe.cmd("INCR").arg(self.failures_key(&budget));
        pipe.cmd("EXPIRE").arg(self.failures_key(&budget)).arg(24 * 3600).ignore();
        let addresses = self.failing_addresses_key(account);
        let counts_addresses = origin.device.is_none() && origin.ip.is_some();
        if counts_addresses {
            let bucket = janua_core::http::address_bucket(origin.ip.unwrap_or("-"));
            pipe.cmd("SADD").arg(&addresses).arg(bucket).ignore();
            pipe.cmd("EXPIRE").arg(&addresses).arg(3600).ignore();
            pipe.cmd("SCARD").arg(&addresses);
        }
        let (failures, distinct): (u32, u32) = if counts_addresses {
            pipe.query_async(&mut conn).await?
        } else {
            let (failures,): (u32,) = pipe.query_async(&mut conn).await?;
            (failures, 0)
        };
        let threshold = self.limits.signin_failures_per_account.max(1);
        if failures >= threshold {
            self.delay(&self.lock_key(&budget), failures - threshold).await?;
        }
        let spread = self.limits.signin_failing_addresses_per_account.max(1);
        if distinct >= spread {
            self.delay(&self.wide_lock_key(account), distinct - spread).await?;
        }
        Ok(())
    }

    /// Sets `key` for the base delay doubled `doublings` times (capped).
    async fn delay(&self, key: &str, doublings: u32) -> Result<(), ApiError> {
        let delay = self
            .limits
            .signin_lockout_base_secs
            .saturating_mul(1u64 << doublings.min(20))
            .min(self.limits.signin_lockout_max_secs)
            .max(1);
        let mut conn = self.redis.clone();
        redis::cmd("SET").arg(key).arg(1).arg("EX").arg(delay).query_async::<()>(&mut conn).await?;
        Ok(())
    }

    /// A failure that names no account (unknown or spent passkey ceremony): it counts
    /// against the address only.
    pub async fn record_ip_failure(&self, ip: Option<&str>) -> Result<(), ApiError> {
        let Some(ip) = ip else {
            return Ok(());
        };
        let mut conn = self.redis.clone();
        redis::pipe()
            .cmd("INCR")
            .arg(self.ip_key(ip))
            .ignore()
            .cmd("EXPIRE")
            .arg(self.ip_key(ip))
            .arg(120)
            .ignore()
            .query_async::<()>(&mut conn)
            .await?;
        Ok(())
    }

    pub async fn record_success(&self, account: &str, ip: Option<&str>) -> Result<(), ApiError> {
        self.record_success_from(account, Origin::ip(ip)).await
    }

    /// A success clears the budget the attempt spent (the address's or the device's).
    pub async fn record_success_from(&self, account: &str, origin: Origin<'_>) -> Result<(), ApiError> {
        let budget = self.budget(account, origin);
        let mut conn = self.redis.clone();
        redis::cmd("DEL")
            .arg(self.failures_key(&budget))
            .arg(self.lock_key(&budget))
            .query_async::<()>(&mut conn)
            .await?;
        Ok(())
    }
}

/// Devices that signed in to an account before. A successful sign-in hands the device a token
/// (in the answer and a cookie) that names it for that account: `<id>.<mac>`, the MAC an
/// HMAC-SHA256 of the account and the id under a key derived from the operator's encryption
/// key. Nothing is stored; a token proves only "this device signed in to this account".
#[derive(Clone)]
pub struct DeviceTokens {
    key: [u8; 32],
}

pub const DEVICE_COOKIE: &str = "janua_device";

impl DeviceTokens {
    pub fn new(encryption_key: &str) -> DeviceTokens {
        DeviceTokens { key: Self::derive(encryption_key) }
    }

    /// The key as it was derived before auth kept it (`service_keys`), so the devices known
    /// then stay known.
    pub fn derive(encryption_key: &str) -> [u8; 32] {
        let mut material = b"janua device tokens\0".to_vec();
        material.extend_from_slice(encryption_key.as_bytes());
        janua_core::crypto::sha256(&material)
    }

    pub fn from_key(key: [u8; 32]) -> DeviceTokens {
        DeviceTokens { key }
    }

    fn mac(&self, account: &str, id: &str) -> String {
        use base64::Engine;
        use hmac::{KeyInit, Mac};
        let mut mac =
            hmac::Hmac::<sha2::Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(account.as_bytes());
        mac.update(b"\0");
        mac.update(id.as_bytes());
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&mac.finalize().into_bytes()[..16])
    }

    /// A token naming a new device for `account` (a lower-case email).
    pub fn issue(&self, account: &str) -> String {
        use base64::Engine;
        let id =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(janua_core::crypto::random_bytes(16));
        let mac = self.mac(account, &id);
        format!("{id}.{mac}")
    }

    /// The device's id, if `token` was issued for `account`.
    pub fn verify(&self, account: &str, token: &str) -> Option<String> {
        let (id, mac) = token.split_once('.')?;
        if id.is_empty() || id.len() > 64 {
            return None;
        }
        janua_core::crypto::constant_time_eq(self.mac(account, id).as_bytes(), mac.as_bytes())
            .then(|| id.to_owned())
    }
}

impl SigninThrottle {
    /// One address cannot be flooded with mail of one kind (`reset`, `verify`, `magic`): past
    /// `per_hour` in the current hour, requests are accepted and dropped (the answer is the
    /// same 202, so it tells nothing). Counted by the address's SHA-256.
    pub async fn mail_allowed(&self, kind: &str, email: &str, per_hour: u32) -> Result<bool, ApiError> {
        let key = format!(
            "{}:mail:{kind}:{}:{}",
            self.prefix,
            janua_core::crypto::sha256_hex(email.as_bytes()),
            chrono::Utc::now().timestamp() / 3600
        );
        let mut conn = self.redis.clone();
        let (count,): (u32,) = redis::pipe()
            .cmd("INCR")
            .arg(&key)
            .cmd("EXPIRE")
            .arg(&key)
            .arg(3600)
            .ignore()
            .query_async(&mut conn)
            .await?;
        if count > per_hour {
            tracing::info!(kind, "the mail budget of an address is spent; request dropped");
            metrics::counter!(janua_core::metrics::THROTTLED, "kind" => "mail").increment(1);
        }
        Ok(count <= per_hour)
    }
}

/// A sign-in refused by a lock-out or an address's failure budget, counted.
fn throttled(refusal: ApiError) -> ApiError {
    metrics::counter!(janua_core::metrics::THROTTLED, "kind" => "signin").increment(1);
    refusal
}

/// The throttle's account for checks made once the user is known (second factors, passkeys).
pub fn user_account(user_id: uuid::Uuid) -> String {
    format!("user:{user_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_tokens_name_their_account_only() {
        let tokens = DeviceTokens::new("key");
        let token = tokens.issue("ada@example.com");
        let id = tokens.verify("ada@example.com", &token).expect("its own account");
        assert_eq!(token.split('.').next(), Some(id.as_str()));
        assert!(tokens.verify("bob@example.com", &token).is_none());
        assert!(DeviceTokens::new("other key").verify("ada@example.com", &token).is_none());
        assert!(tokens.verify("ada@example.com", "forged.token").is_none());
        assert!(tokens.verify("ada@example.com", "no-dot").is_none());
    }
}
