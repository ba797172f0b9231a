//! Fixed-window rate limits (API.md): anonymous 100/min per IP, authenticated 1000/min per
//! user, admin 5000/min, counted in Redis so that every gateway replica shares them.
//!
//! Counting stays off the request's path. The first request of a key in a window asks Redis
//! (INCR) and learns the count so far; later ones count in this replica, and every
//! [`SYNC_EVERY`] the replica adds what it counted to Redis (INCRBY, one pipeline for all
//! keys) and learns the totals. One replica counts exactly; N replicas together may let
//! through up to (N-1) × their rate × [`SYNC_EVERY`] more than a limit before each learns of
//! the others' requests.

use janua_core::ApiError;
use janua_core::config::RateLimitSettings;
use redis::aio::ConnectionManager;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use uuid::Uuid;

/// How often a replica adds its counts to Redis and learns the others'.
pub const SYNC_EVERY: Duration = Duration::from_millis(100);

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

/// One key's count in one window, as this replica knows it.
#[derive(Debug, Default)]
struct Count {
    window: i64,
    /// The total Redis last answered (every replica's requests).
    known: u32,
    /// Counted here and on the way to Redis.
    sending: u32,
    /// Counted here since.
    pending: u32,
}

impl Count {
    fn total(&self) -> u32 {
        self.known.saturating_add(self.sending).saturating_add(self.pending)
    }
}

#[derive(Clone)]
pub struct RateLimiter {
    redis: ConnectionManager,
    prefix: String,
    limits: RateLimitSettings,
    counts: Arc<Mutex<HashMap<String, Count>>>,
}

impl RateLimiter {
    pub fn new(redis: ConnectionManager, prefix: &str, limits: RateLimitSettings) -> Self {
        Self { redis, prefix: prefix.to_string(), limits, counts: Arc::default() }
    }

    pub fn limit_of(&self, tier: Tier) -> u32 {
        match tier {
            Tier::Anonymous => self.limits.anonymous_per_min,
            Tier::Authenticated => self.limits.authenticated_per_min,
            Tier::Admin => self.limits.admin_per_min,
            Tier::Scim => self.limits.scim_per_min,
        }
    }

    fn counts(&self) -> std::sync::MutexGuard<'_, HashMap<String, Count>> {
        self.counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Counts this request against `who` (an IP, a user id or a SCIM token's hash) in the
    /// current minute. Only a key's first request in a window waits for Redis.
    pub async fn hit(&self, tier: Tier, who: &str) -> Result<Decision, ApiError> {
        let window = chrono::Utc::now().timestamp() / 60;
        let key = format!("{}:rl:{:?}:{}:{}", self.prefix, tier, who, window);
        let counted = self.counts().get_mut(&key).map(|c| {
            c.pending += 1;
            c.total()
        });
        let count = match counted {
            Some(count) => count,
            None => {
                let mut conn = self.redis.clone();
                let (total,): (u32,) = redis::pipe()
                    .cmd("INCR")
                    .arg(&key)
                    .cmd("EXPIRE")
                    .arg(&key)
                    .arg(61)
                    .ignore()
                    .query_async(&mut conn)
                    .await?;
                let mut counts = self.counts();
                let c = counts.entry(key).or_insert_with(|| Count { window, ..Count::default() });
                c.known = c.known.max(total);
                c.total()
            }
        };
        let limit = self.limit_of(tier);
        Ok(Decision {
            limit,
            remaining: limit.saturating_sub(count),
            reset: (window + 1) * 60,
            allowed: count <= limit,
        })
    }

    /// Adds what this replica counted since the last call to Redis and learns the totals;
    /// forgets windows that are over. What cannot be sent now is sent next time.
    pub async fn sync(&self) {
        let now = chrono::Utc::now().timestamp() / 60;
        let batch: Vec<(String, u32)> = {
            let mut counts = self.counts();
            counts.retain(|_, c| c.window >= now || c.pending > 0 || c.sending > 0);
            counts
                .iter_mut()
                .filter(|(_, c)| c.pending > 0)
                .map(|(key, c)| {
                    let n = std::mem::take(&mut c.pending);
                    c.sending += n;
                    (key.clone(), n)
                })
                .collect()
        };
        if batch.is_empty() {
            return;
        }
        let mut pipe = redis::pipe();
        for (key, n) in &batch {
            pipe.cmd("INCRBY").arg(key).arg(*n).cmd("EXPIRE").arg(key).arg(61).ignore();
        }
        let mut conn = self.redis.clone();
        let totals: Result<Vec<u32>, _> = pipe.query_async(&mut conn).await;
        let mut counts = self.counts();
        for (i, (key, n)) in batch.iter().enumerate() {
            let Some(c) = counts.get_mut(key) else { continue };
            c.sending = c.sending.saturating_sub(*n);
            match totals.as_ref().ok().and_then(|t| t.get(i)) {
                Some(total) => c.known = c.known.max(*total),
                None => c.pending += n,
            }
        }
        if let Err(e) = totals {
            tracing::warn!(error = %e, "rate-limit counts cannot reach Redis yet; kept for the next sync");
        }
    }

    /// Runs until dropped: [`RateLimiter::sync`] every [`SYNC_EVERY`].
    pub async fn keep_synced(self) {
        let mut tick = tokio::time::interval(SYNC_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            self.sync().await;
        }
    }

    /// Forgets this replica's counts (after the windows in Redis were cleared).
    pub fn forget(&self) {
        self.counts().clear();
    }
}

/// Sessions whose tokens a service refused as revoked, until those tokens expire: their
/// requests count as anonymous from the start. The services decide (every one checks the
/// revocation set); this only keeps a revoked token from earning its user's tier.
#[derive(Default)]
pub struct RevokedSessions {
    sessions: Mutex<HashMap<Uuid, i64>>,
}

/// Sessions remembered at most; beyond it the expired ones go, then all.
const REVOKED_REMEMBERED: usize = 100_000;

impl RevokedSessions {
    fn sessions(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, i64>> {
        self.sessions.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn contains(&self, sid: Uuid) -> bool {
        self.sessions().contains_key(&sid)
    }

    /// Remembers `sid` until `expires` (its token's `exp`).
    pub fn learn(&self, sid: Uuid, expires: i64) {
        let mut sessions = self.sessions();
        if sessions.len() >= REVOKED_REMEMBERED {
            let now = chrono::Utc::now().timestamp();
            sessions.retain(|_, exp| *exp > now);
            if sessions.len() >= REVOKED_REMEMBERED {
                sessions.clear();
            }
        }
        sessions.insert(sid, expires);
    }

    /// A service took a token of `sid` after all (its user was unblocked).
    pub fn forget(&self, sid: Uuid) {
        self.sessions().remove(&sid);
    }
}
