//! Where a verifier gets its keys. Services other than auth fetch auth's JWKS and cache it;
//! a token with an unknown `kid` triggers one (rate-limited) refetch, so a new key is picked
//! up at once and a retired one disappears on the next refresh.

use crate::keys::{KeyRing, TokenError};
use futures::future::BoxFuture;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// Spaces out key reloads triggered by unknown key ids: at most one per interval, however
/// many such tokens arrive. Callers queue and wait out the interval instead of being turned
/// away, so a genuinely new key is still picked up at once.
pub struct RefreshGate {
    last: tokio::sync::Mutex<Option<Instant>>,
}

impl RefreshGate {
    pub const MIN_INTERVAL: Duration = Duration::from_millis(200);

    pub fn new() -> Self {
        Self {
            last: tokio::sync::Mutex::new(None),
        }
    }

    /// Waits for this caller's turn; the reload happens while the guard is held.
    pub async fn turn(&self) -> tokio::sync::MutexGuard<'_, Option<Instant>> {
        let mut last = self.last.lock().await;
        if let Some(t) = *last
            && t.elapsed() < Self::MIN_INTERVAL
        {
            tokio::time::sleep(Self::MIN_INTERVAL - t.elapsed()).await;
        }
        *last = Some(Instant::now());
        last
    }
}

impl Default for RefreshGate {
    fn default() -> Self {
        Self::new()
    }
}

pub trait KeySource: Send + Sync {
    fn current(&self) -> Arc<KeyRing>;
    /// Reloads the keys; called when a token names a key the ring does not know.
    fn refresh(&self) -> BoxFuture<'_, ()>;
}

pub struct JwksClient {
    url: String,
    issuer: String,
    audience: String,
    http: reqwest::Client,
    ring: RwLock<Arc<KeyRing>>,
    gate: RefreshGate,
}

impl JwksClient {
    pub fn new(url: &str, issuer: &str, audience: &str, http: reqwest::Client) -> Self {
        Self {
            url: url.to_string(),
            issuer: issuer.to_string(),
            audience: audience.to_string(),
            http,
            ring: RwLock::new(Arc::new(KeyRing::new(issuer, audience))),
            gate: RefreshGate::new(),
        }
    }

    async fn fetch(&self) -> Result<KeyRing, String> {
        let body: serde_json::Value = self
            .http
            .get(&self.url)
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .map_err(|e| e.to_string())?
            .error_for_status()
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        let mut ring = KeyRing::new(&self.issuer, &self.audience);
        for key in body["keys"].as_array().into_iter().flatten() {
            if let Err(e) = ring.add_public(key) {
                tracing::warn!(error = %e, "ignoring an unusable key in the JWKS");
            }
        }
        Ok(ring)
    }

    /// Keeps the ring fresh in the background (picks up retirements).
    pub fn spawn_refresher(self: &Arc<Self>, every: Duration) -> tokio::task::JoinHandle<()> {
        let this = Arc::clone(self);
        tokio::spawn(async move {
            loop {
                this.refresh().await;
                tokio::time::sleep(every).await;
            }
        })
    }
}

impl KeySource for JwksClient {
    fn current(&self) -> Arc<KeyRing> {
        self.ring
            .read()
            .map(|r| Arc::clone(&r))
            .unwrap_or_else(|p| Arc::clone(&p.into_inner()))
    }

    fn refresh(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let _turn = self.gate.turn().await;
            match self.fetch().await {
                Ok(ring) => {
                    if let Ok(mut slot) = self.ring.write() {
                        *slot = Arc::new(ring);
                    }
                }
                Err(e) => tracing::warn!(error = %e, url = %self.url, "cannot fetch the JWKS"),
            }
        })
    }
}

/// Verifies with the source's keys, refreshing once if the key id is unknown.
pub async fn verify_with(source: &dyn KeySource, token: &str) -> Result<crate::Claims, TokenError> {
    match source.current().verify(token) {
        Err(TokenError::UnknownKey) => {
            source.refresh().await;
            source.current().verify(token)
        }
        other => other,
    }
}
