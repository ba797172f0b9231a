//! The delivery worker: claims due deliveries (`FOR UPDATE SKIP LOCKED`, so any number of
//! replicas share the work), sends up to `concurrency` at once, records every attempt, and
//! settles each delivery as succeeded, due again later (exponential backoff with jitter), or
//! failed. An endpoint whose deliveries have failed for `disable_after_secs` is disabled.
//! Never called from a request handler: handlers and the event consumer only add rows and
//! wake it.

use crate::domain::backoff::RetryPolicy;
use crate::domain::signature::{SigningKey, signature_header};
use crate::store::deliveries::{self, Attempt, Claimed, Next};
use crate::store::endpoints;
use chrono::Utc;
use diesel_async::AsyncConnection;
use janua_core::config::WebhookSettings;
use janua_core::outbound::{NetworkGuard, Outbound, OutboundError};
use janua_db::Pool;
use janua_tokens::SecretBox;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tracing::Instrument;

/// How often the dispatcher looks for due retries when nobody wakes it.
const POLL: Duration = Duration::from_millis(250);
/// A claim outlives the attempt's timeout by this much before another replica may take over.
const LEASE_MARGIN_MS: u64 = 30_000;
/// Errors are kept this long on the attempt record.
const ERROR_MAX_CHARS: usize = 512;

pub const USER_AGENT: &str = concat!("Janua-Webhooks/", env!("CARGO_PKG_VERSION"));

/// The client for deliveries: the one outbound client (`janua_core::outbound`) with the
/// webhooks' timeout and no redirects (a 3xx could point anywhere).
pub fn delivery_client(settings: &WebhookSettings, guard: Arc<NetworkGuard>) -> reqwest::Result<Outbound> {
    Outbound::new(guard, Duration::from_millis(settings.timeout_ms.max(1)), 0, USER_AGENT)
}

#[derive(Clone)]
pub struct Dispatcher {
    inner: Arc<Inner>,
}

struct Inner {
    pool: Pool,
    client: Outbound,
    secrets: SecretBox,
    policy: RetryPolicy,
    timeout_ms: u64,
    excerpt_bytes: usize,
    concurrency: usize,
    disable_after_secs: i64,
    wake: Arc<Notify>,
}

/// What the receiver made of one attempt.
struct Outcome {
    status: Option<u16>,
    excerpt: Option<String>,
    error: Option<String>,
}

impl Outcome {
    fn error(message: impl Into<String>) -> Outcome {
        Outcome { status: None, excerpt: None, error: Some(message.into()) }
    }

    fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

impl Dispatcher {
    pub fn new(
        pool: Pool, settings: &WebhookSettings, client: Outbound, secrets: SecretBox, wake: Arc<Notify>,
    ) -> Dispatcher {
        Dispatcher {
            inner: Arc::new(Inner {
                pool,
                client,
                secrets,
                policy: RetryPolicy::from_settings(settings),
                timeout_ms: settings.timeout_ms,
                excerpt_bytes: settings.response_excerpt_bytes,
                concurrency: settings.concurrency.max(1),
                disable_after_secs: settings.disable_after_secs,
                wake,
            }),
        }
    }

    /// Runs until the task is dropped; attempts in flight are dropped with it (their claims
    /// lapse and another replica, or the next start, makes them again).
    pub async fn run(self) {
        let mut in_flight = JoinSet::new();
        loop {
            while let Some(done) = in_flight.try_join_next() {
                if let Err(e) = done {
                    tracing::error!(error = %e, "a webhook delivery task failed");
                }
            }
            let free = self.inner.concurrency.saturating_sub(in_flight.len());
            if free > 0 {
                match self.claim(free).await {
                    Ok(batch) => {
                        let full = batch.len() == free;
                        for claimed in batch {
                            let this = self.clone();
                            in_flight.spawn(async move { this.deliver(claimed).await });
                        }
                        if full {
                            continue;
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "claiming due webhook deliveries failed"),
                }
            }
            tokio::select! {
                _ = self.inner.wake.notified() => {}
                Some(done) = in_flight.join_next(), if !in_flight.is_empty() => {
                    if let Err(e) = done {
                        tracing::error!(error = %e, "a webhook delivery task failed");
                    }
                }
                _ = tokio::time::sleep(POLL) => {}
            }
        }
    }

    async fn claim(&self, limit: usize) -> anyhow::Result<Vec<Claimed>> {
        let mut conn = self.inner.pool.get().await?;
        let lease = self.inner.timeout_ms.saturating_add(LEASE_MARGIN_MS);
        Ok(deliveries::claim_due(&mut conn, limit as i64, lease as i64).await?)
    }

    /// One attempt, in a span of its own that joins the trace of the request that caused the
    /// event.
    async fn deliver(&self, claimed: Claimed) {
        let span = tracing::info_span!(
            "deliver",
            otel.name = "webhook delivery",
            otel.kind = "client",
            delivery_id = %claimed.id,
            endpoint_id = %claimed.endpoint_id,
            attempt = claimed.attempt,
        );
        if let Some(traceparent) = &claimed.traceparent {
            janua_core::telemetry::parent_from(&span, traceparent, None);
        }
        self.attempt(claimed).instrument(span).await
    }

    async fn attempt(&self, claimed: Claimed) {
        let started_at = Utc::now();
        let clock = Instant::now();
        let outcome = self.send(&claimed).await;
        let latency_ms = i32::try_from(clock.elapsed().as_millis()).unwrap_or(i32::MAX);
        let next = if outcome.succeeded() {
            Next::Succeeded
        } else {
            match self.inner.policy.after_failure(claimed.attempt.max(1) as u32) {
                Some(wait) => Next::RetryAfterMs(i64::try_from(wait.as_millis()).unwrap_or(i64::MAX)),
                None => Next::Failed,
            }
        };
        tracing::debug!(status = ?outcome.status, ?next, latency_ms, "webhook attempt made");
        let counted = match next {
            Next::Succeeded => "delivered",
            Next::RetryAfterMs(_) => "failed",
            Next::Failed => "exhausted",
        };
        metrics::counter!(janua_core::metrics::WEBHOOK_DELIVERIES, "outcome" => counted).increment(1);
        let record = Attempt {
            id: janua_core::ids::new_id(),
            delivery_id: claimed.id,
            attempt: claimed.attempt,
            started_at,
            latency_ms,
            response_status: outcome.status.map(i32::from),
            error: outcome.error,
            response_excerpt: outcome.excerpt,
        };
        if let Err(e) = self.settle(&claimed, record, next).await {
            // The claim lapses and the attempt is made again.
            tracing::warn!(error = %e, "recording a webhook attempt failed");
        }
    }

    async fn settle(&self, claimed: &Claimed, record: Attempt, next: Next) -> anyhow::Result<()> {
        let disable_after = self.inner.disable_after_secs;
        let mut conn = self.inner.pool.get().await?;
        conn.transaction::<_, diesel::result::Error, _>(async |conn| {
            deliveries::record_attempt(conn, &record).await?;
            if !deliveries::settle(conn, claimed.id, claimed.attempt, record.response_status, next).await? {
                return Ok(());
            }
            if matches!(next, Next::Succeeded) {
                endpoints::mark_healthy(conn, claimed.endpoint_id).await?;
                return Ok(());
            }
            let reason = format!("deliveries failed for more than {disable_after} seconds");
            if let Some(disabled) =
                endpoints::mark_failing(conn, claimed.endpoint_id, disable_after, &reason).await?
            {
                deliveries::abandon_outstanding(conn, disabled.id).await?;
                janua_db::outbox::enqueue(
                    conn,
                    &crate::events::endpoint(
                        "webhook.disabled",
                        &disabled,
                        None,
                        serde_json::json!({ "reason": reason }),
                        janua_events::EventContext::default(),
                    ),
                )
                .await?;
                tracing::warn!(endpoint_id = %disabled.id, "webhook endpoint disabled after failing too long");
            }
            Ok(())
        })
        .await?;
        Ok(())
    }

    fn signing_keys(&self, claimed: &Claimed) -> Option<Vec<SigningKey>> {
        let mut keys = vec![SigningKey::from_bytes(self.inner.secrets.open(&claimed.secret).ok()?)];
        if let Some(previous) = &claimed.previous_secret {
            keys.push(SigningKey::from_bytes(self.inner.secrets.open(previous).ok()?));
        }
        Some(keys)
    }

    async fn send(&self, claimed: &Claimed) -> Outcome {
        let request = match self.inner.client.post(&claimed.url) {
            Ok(request) => request,
            Err(OutboundError::NotAllowed) => return Outcome::error("the endpoint's address is not allowed"),
            Err(_) => return Outcome::error("the endpoint's URL is not valid"),
        };
        let Some(keys) = self.signing_keys(claimed) else {
            tracing::error!("a webhook signing secret does not open with the configured encryption key");
            return Outcome::error("the endpoint's signing secret is unavailable");
        };
        // Standard Webhooks: the same id on every attempt (receivers dedupe on it), a fresh
        // timestamp and signature each time.
        let msg_id = claimed.event_id.to_string();
        let timestamp = Utc::now().timestamp();
        let signature = signature_header(&keys, &msg_id, timestamp, &claimed.body);
        let sent = request
            .header("webhook-id", &msg_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .headers(janua_core::telemetry::trace_headers())
            .body(claimed.body.clone())
            .send()
            .await;
        match sent {
            Ok(response) => {
                let status = response.status().as_u16();
                Outcome {
                    status: Some(status),
                    excerpt: excerpt(response, self.inner.excerpt_bytes).await,
                    error: None,
                }
            }
            Err(e) => Outcome::error(describe(e, self.inner.timeout_ms)),
        }
    }
}

/// The first `cap` bytes of the answer, as text; the rest is never read.
async fn excerpt(mut response: reqwest::Response, cap: usize) -> Option<String> {
    let mut kept: Vec<u8> = Vec::new();
    while kept.len() < cap {
        match response.chunk().await {
            Ok(Some(chunk)) => kept.extend_from_slice(&chunk[..chunk.len().min(cap - kept.len())]),
            Ok(None) | Err(_) => break,
        }
    }
    if kept.is_empty() {
        return None;
    }
    // PostgreSQL text cannot hold NUL.
    Some(String::from_utf8_lossy(&kept).replace('\0', "\u{fffd}"))
}

/// Why an attempt got no answer, without the URL (its query may hold a credential).
fn describe(e: reqwest::Error, timeout_ms: u64) -> String {
    if e.is_timeout() {
        return format!("no answer within {timeout_ms} ms");
    }
    let kind = if e.is_connect() {
        "connection failed"
    } else if e.is_request() || e.is_body() {
        "sending failed"
    } else {
        "request failed"
    };
    let mut message = kind.to_string();
    let e = e.without_url();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message.chars().take(ERROR_MAX_CHARS).collect()
}
