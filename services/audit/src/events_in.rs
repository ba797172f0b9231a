//! Audit consumes every event (`#`) into the chain. Events waiting in the queue are appended
//! together in one transaction (one head lock, one commit); a redelivered event finds its id
//! in the chain and is skipped, so a crash between commit and ack never makes a second entry.

use crate::chain::HeadSeal;
use crate::store::{self, Pending};
use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use janua_db::Pool;
use janua_events::EventEnvelope;
use janua_events::consumer::{BatchHandler, HandleError, Subscription};
use std::sync::Arc;
use uuid::Uuid;

pub const QUEUE: &str = "audit";
/// Events appended in one transaction at most.
pub const MAX_BATCH: usize = 256;

pub fn subscription() -> Subscription {
    janua_events::topology::audit()
}

pub fn handler(pool: Pool, seal: HeadSeal) -> BatchHandler {
    Arc::new(move |envelopes: Vec<EventEnvelope>| {
        let (pool, seal) = (pool.clone(), seal.clone());
        Box::pin(async move { record(&pool, &seal, envelopes).await.map(|_| ()) })
    })
}

/// Appends the events to the chain; answers how many were new.
pub async fn record(
    pool: &Pool, seal: &HeadSeal, envelopes: Vec<EventEnvelope>,
) -> Result<usize, HandleError> {
    let pending = envelopes.into_iter().map(pending).collect::<Result<Vec<_>, _>>()?;
    let mut conn = pool.get().await.map_err(|e| HandleError::Retry(e.to_string()))?;
    conn.transaction::<_, diesel::result::Error, _>(async |conn| store::append(conn, pending, seal).await)
        .await
        .map_err(|e| HandleError::Retry(e.to_string()))
}

fn id(s: &str) -> Option<Uuid> {
    Uuid::parse_str(s).ok()
}

fn text(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// An envelope as an entry; one without a valid id or time can never be recorded.
pub fn pending(e: EventEnvelope) -> Result<Pending, HandleError> {
    let event_id = e.event_id()?;
    let occurred_at = DateTime::parse_from_rfc3339(&e.occurred_at)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| HandleError::Reject(format!("event {event_id}: occurred_at")))?;
    let outcome = if janua_events::catalogue::is_failure(&e.r#type) { "failure" } else { "success" };
    Ok(Pending {
        id: event_id,
        outcome: outcome.into(),
        actor_id: id(&e.actor_id),
        subject_id: id(&e.subject_id),
        organization_id: id(&e.organization_id),
        event_type: e.r#type,
        source: e.source,
        ip: text(e.ip),
        user_agent: text(e.user_agent),
        request_id: text(e.request_id),
        occurred_at,
        data: if e.payload.is_empty() { b"{}".to_vec() } else { e.payload },
        pii_commitment: None,
    })
}
