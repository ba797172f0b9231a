//! Fixed-window rate limits in Redis (API.md): anonymous 100/min per IP, authenticated
//! 1000/min per user, admin 5000/min. One round trip per request.

use janua_core::ApiError;
use janua_core::config::RateLimitSettings;
use redis::aio::ConnectionManager;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Anonymous,
    Authenticated,
    Admin,
    /// A provisioning client, by its SCIM token.
    Scim,
}

impl Tier {
    /// The tier's name in metrics.
    pub fn name(self) -> &'static str {
        match self {
            Tier::Anonymous => "anonymous",
            Tier::Authenticated => "authenticated",
            Tier::Admin => "admin",
            Tier::Scim => "scim",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Decision {
    pub limit: u32,
    pub remaining: u32,
    pub reset: i64,
    pub allowed: bool,
}

#[derive(Clone)]
pub struct RateLimiter {
    redis: ConnectionManager,
    prefix: String,
    limits: RateLimitSettings,
}

impl RateLimiter {
    pub fn new(redis: ConnectionManager, prefix: &str, limits: RateLimitSettings) -> Self {
        Self { redis, prefix: prefix.to_string(), limits }
    }

    pub fn limit_of(&self, tier: Tier) -> u32 {
        match tier {
            Tier::Anonymous => self.limits.anonymous_per_min,
            Tier::Authenticated => self.limits.authenticated_per_min,
            Tier::Admin => self.limits.admin_per_min,
            Tier::Scim => self.limits.scim_per_min,
        }
    }

    /// Counts this request against `who` (an IP or a user id) in the current minute and, in
    /// the same round trip, looks up `revocation_keys` (the caller's session and user in the
    /// revocation set) and the set's `restored_keys` (its owners' markers). Returns the
    /// decision and whether any of them is listed; 503 while the set is being restored.
    pub async fn hit(
        &self, tier: Tier, who: &str, revocation_keys: &[String], restored_keys: &[String],
    ) -> Result<(Decision, bool), ApiError> {
        let now = chrono::Utc::now().timestamp();
        let window = now / 60;
        let key = format!("{}:rl:{:?}:{}:{}", self.prefix, tier, who, window);
        let mut conn = self.redis.clone();
        let mut pipe = redis::pipe();
        pipe.cmd("INCR").arg(&key).cmd("EXPIRE").arg(&key).arg(61).ignore();
        let (count, revoked): (u32, bool) = if revocation_keys.is_empty() {
            let (count,): (u32,) = pipe.query_async(&mut conn).await?;
            (count, false)
        } else {
            let (count, listed, restored): (u32, u32, usize) = pipe
                .cmd("EXISTS")
                .arg(revocation_keys)
                .cmd("EXISTS")
                .arg(restored_keys)
                .query_async(&mut conn)
                .await?;
            if restored < restored_keys.len() {
                return Err(janua_tokens::revocation::unrestored());
            }
            (count, listed > 0)
        };
        let limit = self.limit_of(tier);
        let decision = Decision {
            limit,
            remaining: limit.saturating_sub(count),
            reset: (window + 1) * 60,
            allowed: count <= limit,
        };
        Ok((decision, revoked))
    }
}
