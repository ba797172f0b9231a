//! Whether a presented SCIM token exists, for the rate-limit tier: only a working token earns
//! the SCIM tier (counted per token); a made-up one is anonymous, counted by address. The
//! enterprise service owns the tokens; the gateway asks it (by the token's SHA-256, never the
//! token) and remembers the answer for a minute, so a revoked token keeps the tier that long at
//! most (enterprise itself refuses it at once).

use secrecy::ExposeSecret;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const REMEMBERED: Duration = Duration::from_secs(60);
/// Answers kept at most; a flood of made-up tokens empties the memory rather than growing it.
const MAX_REMEMBERED: usize = 10_000;

#[derive(Default)]
pub struct ScimTokens {
    known: Mutex<HashMap<String, (bool, Instant)>>,
}

impl ScimTokens {
    /// What is remembered of a token (by its SHA-256, hex): `Some(works)`, or `None`.
    pub fn remembered(&self, hash: &str) -> Option<bool> {
        let known = self.known.lock().ok()?;
        known.get(hash).filter(|(_, at)| at.elapsed() < REMEMBERED).map(|(works, _)| *works)
    }

    /// Asks enterprise whether the token works, and remembers the answer. Enterprise being
    /// unreachable counts as "no" (anonymous) and is not remembered.
    pub async fn check(&self, state: &crate::GatewayState, hash: &str) -> bool {
        let url =
            format!("{}/internal/v1/scim-tokens/{hash}", state.settings.enterprise.url.trim_end_matches('/'));
        let answer = state
            .http
            .get(url)
            .header(
                janua_core::http::SERVICE_TOKEN_HEADER,
                state.settings.secrets.service_token.expose_secret(),
            )
            .timeout(Duration::from_secs(2))
            .send()
            .await;
        let works = match answer {
            Ok(resp) if resp.status().is_success() => true,
            Ok(resp) if resp.status().as_u16() == 404 => false,
            _ => return false,
        };
        if let Ok(mut known) = self.known.lock() {
            if known.len() >= MAX_REMEMBERED {
                known.clear();
            }
            known.insert(hash.to_owned(), (works, Instant::now()));
        }
        works
    }
}
