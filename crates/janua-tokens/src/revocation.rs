//! The session revocation set in Redis: a revoked session id stays listed for as long as an
//! access token of it could still be unexpired, and every authenticated request checks it.
//! A blocked user (suspended) is listed too, for as long as the block lasts: every token of
//! theirs stops working at once, whatever its session.
//!
//! Redis is not the source of truth: PostgreSQL is (auth's revoked sessions, identity's
//! suspended and deleted users). Each owner keeps a marker key beside its facts; a Redis that
//! restarted empty has no markers, and until both owners have written their facts back
//! ([`RevocationSet::keep_restored`]) no token is taken on trust: the check answers 503 with
//! `Retry-After` rather than let a suspended user's unexpired token through.

use futures::future::BoxFuture;
use janua_core::ApiError;
use redis::AsyncCommands;
use redis::aio::ConnectionManager;
use std::time::Duration;
use uuid::Uuid;

/// Who writes which facts back after Redis lost them: auth its revoked sessions, identity its
/// blocked users.
pub const OWNERS: [&str; 2] = ["sessions", "users"];

/// What an owner holds in PostgreSQL that belongs in the revocation set.
#[derive(Debug, Default)]
pub struct Restore {
    /// Revoked sessions, with the seconds their access tokens may still live.
    pub sessions: Vec<(Uuid, u64)>,
    /// Users blocked until unblocked (suspended).
    pub blocked_users: Vec<Uuid>,
    /// Users blocked for a while yet (deleted: until their tokens expire), with the seconds.
    pub users_for: Vec<(Uuid, u64)>,
}

/// How often an owner checks that its marker is still there.
const RESTORE_CHECK: Duration = Duration::from_secs(1);

/// The answer while the set is being restored.
pub fn unrestored() -> ApiError {
    ApiError::unavailable("the revocation list").with_header(actix_web::http::header::RETRY_AFTER, "1")
}

#[derive(Clone)]
pub struct RevocationSet {
    redis: ConnectionManager,
    prefix: String,
    ttl_secs: u64,
}

impl RevocationSet {
    /// `ttl_secs` should be the access-token lifetime; a minute of leeway is added.
    pub fn new(redis: ConnectionManager, prefix: &str, ttl_secs: u64) -> Self {
        Self { redis, prefix: prefix.to_string(), ttl_secs: ttl_secs + 60 }
    }

    pub fn key(&self, sid: Uuid) -> String {
        format!("{}:revoked:sid:{}", self.prefix, sid)
    }

    pub async fn revoke(&self, sid: Uuid) -> redis::RedisResult<()> {
        let mut conn = self.redis.clone();
        conn.set_ex::<_, _, ()>(self.key(sid), 1u8, self.ttl_secs).await
    }

    pub async fn revoke_many(&self, sids: &[Uuid]) -> redis::RedisResult<()> {
        if sids.is_empty() {
            return Ok(());
        }
        let mut pipe = redis::pipe();
        for sid in sids {
            pipe.set_ex(self.key(*sid), 1u8, self.ttl_secs).ignore();
        }
        let mut conn = self.redis.clone();
        pipe.query_async::<()>(&mut conn).await
    }

    pub fn user_key(&self, user: Uuid) -> String {
        format!("{}:revoked:user:{}", self.prefix, user)
    }

    /// The keys whose presence refuses a token of `user` in session `sid`.
    pub fn keys(&self, user: Uuid, sid: Uuid) -> [String; 2] {
        [self.key(sid), self.user_key(user)]
    }

    /// Refuses every token of the user until [`RevocationSet::unblock_user`].
    pub async fn block_user(&self, user: Uuid) -> redis::RedisResult<()> {
        let mut conn = self.redis.clone();
        conn.set::<_, _, ()>(self.user_key(user), 1u8).await
    }

    /// Refuses every token of a deleted user until they have all expired.
    pub async fn block_user_until_tokens_expire(&self, user: Uuid) -> redis::RedisResult<()> {
        let mut conn = self.redis.clone();
        conn.set_ex::<_, _, ()>(self.user_key(user), 1u8, self.ttl_secs).await
    }

    pub async fn unblock_user(&self, user: Uuid) -> redis::RedisResult<()> {
        let mut conn = self.redis.clone();
        conn.del::<_, ()>(self.user_key(user)).await
    }

    /// Whether the session is revoked or its user blocked (one round trip). While Redis has
    /// lost the set and its owners have not restored it yet, the answer is 503 (fail closed).
    pub async fn is_revoked(&self, user: Uuid, sid: Uuid) -> Result<bool, ApiError> {
        let mut conn = self.redis.clone();
        let (listed, restored): (u32, u32) = redis::pipe()
            .cmd("EXISTS")
            .arg(&self.keys(user, sid))
            .cmd("EXISTS")
            .arg(self.restored_keys())
            .query_async(&mut conn)
            .await?;
        if restored < OWNERS.len() as u32 {
            return Err(unrestored());
        }
        Ok(listed > 0)
    }

    /// The marker an owner keeps beside its facts.
    pub fn restored_key(&self, owner: &str) -> String {
        format!("{}:revoked:restored:{owner}", self.prefix)
    }

    /// Every owner's marker: all of them present means the set is whole.
    pub fn restored_keys(&self) -> Vec<String> {
        OWNERS.iter().map(|owner| self.restored_key(owner)).collect()
    }

    /// Writes `owner`'s facts back if its marker is gone (Redis restarted empty, or was
    /// flushed), the facts and the marker in one transaction; answers whether it did.
    pub async fn restore_if_lost(
        &self, owner: &str, load: impl std::future::Future<Output = anyhow::Result<Restore>>,
    ) -> anyhow::Result<bool> {
        let mut conn = self.redis.clone();
        let marker = self.restored_key(owner);
        if conn.exists::<_, bool>(&marker).await? {
            return Ok(false);
        }
        let facts = load.await?;
        let mut pipe = redis::pipe();
        pipe.atomic();
        for (sid, secs) in &facts.sessions {
            pipe.set_ex(self.key(*sid), 1u8, (*secs).max(1)).ignore();
        }
        for user in &facts.blocked_users {
            pipe.set(self.user_key(*user), 1u8).ignore();
        }
        for (user, secs) in &facts.users_for {
            pipe.set_ex(self.user_key(*user), 1u8, (*secs).max(1)).ignore();
        }
        pipe.set(&marker, 1u8).ignore();
        pipe.query_async::<()>(&mut conn).await?;
        tracing::warn!(
            owner,
            sessions = facts.sessions.len(),
            blocked_users = facts.blocked_users.len() + facts.users_for.len(),
            "the revocation set was missing from Redis; restored from PostgreSQL"
        );
        Ok(true)
    }

    /// Runs until dropped: whenever `owner`'s marker is missing, loads its facts with `load`
    /// and writes them back. Started by the owning service (auth: sessions; identity: users).
    pub async fn keep_restored(
        self, owner: &'static str, load: impl Fn() -> BoxFuture<'static, anyhow::Result<Restore>> + Send,
    ) {
        loop {
            if let Err(e) = self.restore_if_lost(owner, load()).await {
                tracing::warn!(owner, error = %e, "the revocation set cannot be restored yet");
            }
            tokio::time::sleep(RESTORE_CHECK).await;
        }
    }

    /// The access-token lifetime plus leeway: how long a revocation must stay listed.
    pub fn ttl_secs(&self) -> u64 {
        self.ttl_secs
    }
}
