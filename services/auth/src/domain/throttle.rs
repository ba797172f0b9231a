//! Brute-force protection for sign-in: per-IP failures per minute, and per-account
//! consecutive failures answered with growing delays (2 s, 4 s, 8 s ... capped) instead of a
//! hard lock-out that an attacker could use to lock a victim out for good.

use janua_core::ApiError;
use janua_core::config::RateLimitSettings;
use redis::aio::ConnectionManager;

#[derive(Clone)]
pub struct SigninThrottle {
    redis: ConnectionManager,
    prefix: String,
    limits: RateLimitSettings,
}

impl SigninThrottle {
    pub fn new(redis: ConnectionManager, prefix: &str, limits: RateLimitSettings) -> Self {
        Self {
            redis,
            prefix: prefix.to_string(),
            limits,
        }
    }

    fn account_key(&self, account: &str) -> String {
        format!(
            "{}:bf:acct:{}",
            self.prefix,
            janua_core::crypto::sha256_hex(account.as_bytes())
        )
    }

    fn lock_key(&self, account: &str) -> String {
        format!(
            "{}:bf:lock:{}",
            self.prefix,
            janua_core::crypto::sha256_hex(account.as_bytes())
        )
    }

    fn ip_key(&self, ip: &str) -> String {
        let minute = chrono::Utc::now().timestamp() / 60;
        format!("{}:bf:ip:{}:{}", self.prefix, ip, minute)
    }

    /// Refuses (429 with Retry-After) while the account is in a delay or the IP is over its
    /// budget of failures for this minute.
    pub async fn check(&self, account: &str, ip: Option<&str>) -> Result<(), ApiError> {
        self.check_parts(Some(account), ip).await
    }

    /// The IP's budget alone, before the account is known (a passkey names its user only
    /// once its assertion is read).
    pub async fn check_ip(&self, ip: Option<&str>) -> Result<(), ApiError> {
        self.check_parts(None, ip).await
    }

    async fn check_parts(&self, account: Option<&str>, ip: Option<&str>) -> Result<(), ApiError> {
        if account.is_none() && ip.is_none() {
            return Ok(());
        }
        let mut conn = self.redis.clone();
        let mut pipe = redis::pipe();
        pipe.cmd("PTTL").arg(
            account
                .map(|a| self.lock_key(a))
                .unwrap_or_else(|| self.lock_key("")),
        );
        pipe.cmd("GET")
            .arg(ip.map(|ip| self.ip_key(ip)).unwrap_or_else(|| self.ip_key("-")));
        let (lock_ms, ip_failures): (i64, Option<u32>) = pipe.query_async(&mut conn).await?;
        if account.is_some() && lock_ms > 0 {
            return Err(ApiError::too_many_requests(((lock_ms + 999) / 1000) as u64));
        }
        if ip.is_some() && ip_failures.unwrap_or(0) >= self.limits.signin_failures_per_ip_per_min {
            let now = chrono::Utc::now().timestamp();
            return Err(ApiError::too_many_requests((60 - now % 60).max(1) as u64));
        }
        Ok(())
    }

    pub async fn record_failure(&self, account: &str, ip: Option<&str>) -> Result<(), ApiError> {
        self.record_failure_parts(Some(account), ip).await
    }

    /// A failure that names no account (unknown or spent passkey ceremony): it counts
    /// against the IP only.
    pub async fn record_ip_failure(&self, ip: Option<&str>) -> Result<(), ApiError> {
        self.record_failure_parts(None, ip).await
    }

    async fn record_failure_parts(&self, account: Option<&str>, ip: Option<&str>) -> Result<(), ApiError> {
        let mut conn = self.redis.clone();
        let mut pipe = redis::pipe();
        if let Some(ip) = ip {
            pipe.cmd("INCR").arg(self.ip_key(ip)).ignore();
            pipe.cmd("EXPIRE").arg(self.ip_key(ip)).arg(120).ignore();
        }
        let Some(account) = account else {
            if ip.is_some() {
                pipe.query_async::<()>(&mut conn).await?;
            }
            return Ok(());
        };
        pipe.cmd("INCR").arg(self.account_key(account));
        pipe.cmd("EXPIRE")
            .arg(self.account_key(account))
            .arg(24 * 3600)
            .ignore();
        let (failures,): (u32,) = pipe.query_async(&mut conn).await?;
        let threshold = self.limits.signin_failures_per_account.max(1);
        if failures >= threshold {
            let doublings = (failures - threshold).min(20);
            let delay = self
                .limits
                .signin_lockout_base_secs
                .saturating_mul(1u64 << doublings)
                .min(self.limits.signin_lockout_max_secs)
                .max(1);
            redis::cmd("SET")
                .arg(self.lock_key(account))
                .arg(1)
                .arg("EX")
                .arg(delay)
                .query_async::<()>(&mut conn)
                .await?;
        }
        Ok(())
    }

    pub async fn record_success(&self, account: &str) -> Result<(), ApiError> {
        let mut conn = self.redis.clone();
        redis::cmd("DEL")
            .arg(self.account_key(account))
            .query_async::<()>(&mut conn)
            .await?;
        Ok(())
    }
}

/// The throttle's account for checks made once the user is known (second factors, passkeys).
pub fn user_account(user_id: uuid::Uuid) -> String {
    format!("user:{user_id}")
}
