//! Auth's signing keys: created at first start, sealed at rest, rotated with overlap.
//! A key signs for `tokens.signing_key_rotation_days`, then verifies for one more access-token
//! lifetime so no token it signed is cut short.

use crate::store::signing_keys as store;
use chrono::{Duration, Utc};
use diesel_async::{AsyncConnection, SimpleAsyncConnection};
use futures::future::BoxFuture;
use janua_core::config::Settings;
use janua_db::Pool;
use janua_tokens::jwks::KeySource;
use janua_tokens::{KeyRing, SecretBox, SigningKey};
use std::sync::{Arc, RwLock};

pub struct LocalKeys {
    pool: Pool,
    sealer: SecretBox,
    issuer: String,
    audience: String,
    rotation: Duration,
    access_ttl: Duration,
    ring: RwLock<Arc<KeyRing>>,
    gate: janua_tokens::jwks::RefreshGate,
    /// When the current signer began signing (Unix seconds), for its age in the metrics.
    signing_since: std::sync::atomic::AtomicI64,
}

impl LocalKeys {
    pub async fn load(pool: Pool, settings: &Settings, sealer: SecretBox) -> anyhow::Result<Arc<LocalKeys>> {
        let keys = Arc::new(LocalKeys {
            pool,
            sealer,
            issuer: settings.public_url.clone(),
            audience: settings.tokens.audience.clone(),
            rotation: Duration::days(settings.tokens.signing_key_rotation_days.max(1)),
            access_ttl: Duration::seconds(settings.tokens.access_ttl_secs),
            ring: RwLock::new(Arc::new(KeyRing::new(&settings.public_url, &settings.tokens.audience))),
            gate: janua_tokens::jwks::RefreshGate::new(),
            signing_since: std::sync::atomic::AtomicI64::new(0),
        });
        keys.reload(false).await?;
        Ok(keys)
    }

    /// Reloads the ring from the database, creating a signing key if none is current.
    /// `force_rotation` retires the current signer first.
    pub async fn reload(&self, force_rotation: bool) -> anyhow::Result<()> {
        let mut conn = self.pool.get().await?;
        let sealer = self.sealer.clone();
        let (rotation, access_ttl) = (self.rotation, self.access_ttl);
        let stored = conn
            .transaction::<_, anyhow::Error, _>(async |conn| {
                // Replicas starting together must agree on one new key.
                conn.batch_execute("SELECT pg_advisory_xact_lock(hashtext('janua-signing-keys'))").await?;
                let now = Utc::now();
                let mut keys = store::live(conn, now).await?;
                if force_rotation {
                    for k in keys.iter().filter(|k| k.signing_until > now) {
                        store::retire(conn, &k.kid, now, now + access_ttl).await?;
                    }
                    keys = store::live(conn, now).await?;
                }
                if !keys.iter().any(|k| k.signing_until > now) {
                    let key = SigningKey::generate()?;
                    let sealed = sealer.seal(key.private_jwk.as_bytes());
                    let signing_until = now + rotation;
                    store::insert(
                        conn,
                        &key.kid,
                        &sealed,
                        &key.public_jwk,
                        signing_until,
                        signing_until + access_ttl,
                    )
                    .await?;
                    tracing::info!(kid = %key.kid, "created a new signing key");
                    keys = store::live(conn, now).await?;
                }
                Ok(keys)
            })
            .await?;
        let now = Utc::now();
        let mut ring = KeyRing::new(&self.issuer, &self.audience);
        for key in &stored {
            ring.add_public(&key.public_jwk)?;
        }
        if let Some(signer) = stored.iter().find(|k| k.signing_until > now) {
            let private = self.sealer.open(&signer.private_jwk_sealed)?;
            ring.set_signer(std::str::from_utf8(&private)?)?;
            // It began signing one rotation period before it stops.
            let since = (signer.signing_until - self.rotation).timestamp();
            self.signing_since.store(since, std::sync::atomic::Ordering::Relaxed);
        }
        // The same keys: keep the ring, and with it the tokens it has verified already.
        let current = self.current();
        if ring.kids() == current.kids() && ring.signing_kid() == current.signing_kid() {
            return Ok(());
        }
        if let Ok(mut slot) = self.ring.write() {
            *slot = Arc::new(ring);
        }
        Ok(())
    }

    /// The signer's age, sampled at each scrape: it keeps growing if rotation stalls.
    pub fn collect_metrics(self: &Arc<Self>) {
        let this = Arc::clone(self);
        janua_core::metrics::on_scrape(move || {
            let since = this.signing_since.load(std::sync::atomic::Ordering::Relaxed);
            Box::pin(async move {
                if since > 0 {
                    let age = (Utc::now().timestamp() - since).max(0);
                    metrics::gauge!(janua_core::metrics::SIGNING_KEY_AGE).set(age as f64);
                }
            })
        });
    }

    /// Checks once a minute whether the signer is due for replacement and picks up keys
    /// made by other replicas.
    pub fn spawn_rotation(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let this = Arc::clone(self);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                if let Err(e) = this.reload(false).await {
                    tracing::warn!(error = %e, "signing key refresh failed");
                }
            }
        })
    }
}

impl KeySource for LocalKeys {
    fn current(&self) -> Arc<KeyRing> {
        self.ring.read().map(|r| Arc::clone(&r)).unwrap_or_else(|p| Arc::clone(&p.into_inner()))
    }

    /// A token naming an unknown key may come from a key another replica just made. Reloads
    /// are spaced out, so tokens with made-up key ids cannot turn into a database load.
    fn refresh(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let Some(_turn) = self.gate.turn().await else {
                return;
            };
            if let Err(e) = self.reload(false).await {
                tracing::warn!(error = %e, "signing key reload failed");
            }
        })
    }
}
