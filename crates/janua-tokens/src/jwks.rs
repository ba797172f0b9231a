//! Where a verifier gets its keys. Services other than auth fetch auth's JWKS and cache it;
//! a token with an unknown `kid` may trigger a refetch, so a new key is picked up at once and
//! a retired one disappears on the next refresh. Clients cannot drive key fetches: at most
//! one refetch per [`RefreshGate::MIN_INTERVAL`], however many tokens name unknown keys; the
//! others are refused at once (after waiting for a refetch already under way). A refetch that
//! finds the same keys keeps the ring, and with it the cache of verified tokens.

use crate::keys::{KeyRing, TokenError};
use futures::future::BoxFuture;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// Spaces out key reloads triggered by unknown key ids: at most one per interval, however
/// many such tokens arrive. A caller waits only for a reload already under way (whose keys it
/// then uses), never for the interval: within it, no reload happens and the token is refused.
pub struct RefreshGate {
    last: tokio::sync::Mutex<Option<Instant>>,
    interval: Duration,
}

impl RefreshGate {
    pub const MIN_INTERVAL: Duration = Duration::from_secs(10);

    pub fn new() -> Self {
        Self::every(Self::MIN_INTERVAL)
    }

    pub fn every(interval: Duration) -> Self {
        Self { last: tokio::sync::Mutex::new(None), interval }
    }

    /// This caller's turn to reload, if one is due; the reload happens while the guard is
    /// held. `None`: a reload happened within the interval.
    pub async fn turn(&self) -> Option<tokio::sync::MutexGuard<'_, Option<Instant>>> {
        let mut last = self.last.lock().await;
        if let Some(t) = *last
            && t.elapsed() < self.interval
        {
            return None;
        }
        *last = Some(Instant::now());
        Some(last)
    }

    /// A reload that is not asked for by a token (the periodic refresh): always, and without
    /// taking the slot of the next token-driven one (a new key stays reachable at once).
    pub async fn force(&self) -> tokio::sync::MutexGuard<'_, Option<Instant>> {
        self.last.lock().await
    }
}

impl Default for RefreshGate {
    fn default() -> Self {
        Self::new()
    }
}

pub trait KeySource: Send + Sync {
    fn current(&self) -> Arc<KeyRing>;
    /// Reloads the keys if a reload is due (see [`RefreshGate`]); called when a token names
    /// a key the ring does not know.
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
                {
                    let _turn = this.gate.force().await;
                    this.reload().await;
                }
                tokio::time::sleep(every).await;
            }
        })
    }

    /// Fetches the JWKS and installs it, unless the fetch failed, found no usable key, or
    /// found the keys the ring has already (which keeps the ring and its verified tokens).
    async fn reload(&self) {
        match self.fetch().await {
            Ok(ring) if ring.kids().is_empty() => {
                tracing::warn!(url = %self.url, "the JWKS has no usable key; keeping the keys in use")
            }
            Ok(ring) => {
                if ring.kids() == self.current().kids() {
                    return;
                }
                if let Ok(mut slot) = self.ring.write() {
                    *slot = Arc::new(ring);
                }
            }
            Err(e) => tracing::warn!(error = %e, url = %self.url, "cannot fetch the JWKS"),
        }
    }
}

impl KeySource for JwksClient {
    fn current(&self) -> Arc<KeyRing> {
        self.ring.read().map(|r| Arc::clone(&r)).unwrap_or_else(|p| Arc::clone(&p.into_inner()))
    }

    fn refresh(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            if let Some(_turn) = self.gate.turn().await {
                self.reload().await;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Claims;
    use crate::keys::SigningKey;
    use janua_testkit::webhook_receiver::{Reply, WebhookReceiver};

    fn claims() -> Claims {
        let now = chrono::Utc::now().timestamp();
        Claims {
            iss: "https://janua.test".into(),
            sub: uuid::Uuid::now_v7(),
            sid: uuid::Uuid::now_v7(),
            aud: "janua".into(),
            iat: now,
            exp: now + 300,
            jti: uuid::Uuid::now_v7(),
            roles: vec![],
            scope: None,
            auth_time: Some(now),
        }
    }

    fn ring_of(key: &SigningKey) -> KeyRing {
        let mut ring = KeyRing::new("https://janua.test", "janua");
        ring.add_public(&key.public_jwk).unwrap();
        ring.set_signer(&key.private_jwk).unwrap();
        ring
    }

    /// Serves one key's JWKS; its requests are the fetches.
    async fn jwks_server(published: &SigningKey) -> WebhookReceiver {
        let server = WebhookReceiver::start().await;
        let jwks = serde_json::to_value(ring_of(published).jwks()).unwrap();
        server.answer_always_with(Reply::json(&jwks));
        server
    }

    #[tokio::test]
    async fn unknown_key_ids_cannot_drive_fetches_or_empty_the_verified_tokens() {
        let published = SigningKey::generate().unwrap();
        let server = jwks_server(&published).await;
        let fetches = || server.requests().len();
        let client = Arc::new(JwksClient::new(
            &format!("{}/jwks", server.base()),
            "https://janua.test",
            "janua",
            reqwest::Client::new(),
        ));
        let good = ring_of(&published).sign(&claims()).unwrap();
        assert!(verify_with(client.as_ref(), &good).await.is_ok(), "the first unknown key is fetched");
        assert_eq!(fetches(), 1);
        let ring = client.current();

        // A flood of tokens naming keys nobody published: refused, no more fetches.
        let strangers: Vec<String> =
            (0..20).map(|_| ring_of(&SigningKey::generate().unwrap()).sign(&claims()).unwrap()).collect();
        let refused =
            futures::future::join_all(strangers.iter().map(|t| verify_with(client.as_ref(), t))).await;
        assert!(refused.iter().all(|r| matches!(r, Err(TokenError::UnknownKey))));
        assert_eq!(fetches(), 1);

        // A refetch that finds the same keys keeps the ring and the tokens it verified.
        let _ = client.gate.force().await;
        client.reload().await;
        assert_eq!(fetches(), 2);
        assert!(Arc::ptr_eq(&ring, &client.current()));
        assert!(verify_with(client.as_ref(), &good).await.is_ok());
    }
}
