//! The session revocation set in Redis: a revoked session id stays listed for as long as an
//! access token of it could still be unexpired, and every authenticated request checks it.
//! A blocked user (suspended) is listed too, for as long as the block lasts: every token of
//! theirs stops working at once, whatever its session.

use redis::AsyncCommands;
use redis::aio::ConnectionManager;
use uuid::Uuid;

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

    /// Whether the session is revoked or its user blocked (one round trip).
    pub async fn is_revoked(&self, user: Uuid, sid: Uuid) -> redis::RedisResult<bool> {
        let mut conn = self.redis.clone();
        let n: u32 = redis::cmd("EXISTS").arg(&self.keys(user, sid)).query_async(&mut conn).await?;
        Ok(n > 0)
    }
}
