//! What the webhooks service consumes: every event on `janua.events`. Each one becomes a
//! delivery for every enabled endpoint that subscribed to its type and may see it (an
//! organization's endpoints only get that organization's events); the dispatcher sends them.
//! `organization.deleted` also removes the organization's endpoints.

use crate::domain::event_types;
use crate::store::{deliveries, endpoints};
use diesel_async::AsyncConnection;
use janua_db::Pool;
use janua_events::EventEnvelope;
use janua_events::consumer::{BatchHandler, HandleError, Subscription};
use std::sync::Arc;
use tokio::sync::Notify;
use uuid::Uuid;

/// The inbox's consumer name; the queue's name too.
pub const QUEUE: &str = "webhooks";

/// Every event (`#`), as the shared topology declares the queue.
pub fn subscription() -> Subscription {
    janua_events::topology::webhooks()
}

/// Events applied in one transaction at most.
pub const MAX_BATCH: usize = 64;

/// `wake` is told when deliveries were added, so the dispatcher starts at once. Events already
/// waiting in the queue are applied together, in one transaction.
pub fn handler(pool: Pool, wake: Arc<Notify>) -> BatchHandler {
    Arc::new(move |envelopes: Vec<EventEnvelope>| {
        let (pool, wake) = (pool.clone(), wake.clone());
        Box::pin(async move {
            let added = apply_all(&pool, envelopes).await?;
            if added > 0 {
                wake.notify_one();
            }
            Ok(())
        })
    })
}

/// The body receivers get (API.md, "Events on the wire"): the exact bytes are stored with the
/// delivery and signed on each attempt.
pub fn body(event_id: Uuid, event_type: &str, occurred_at: &str, data: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "id": event_id,
        "type": event_type,
        "occurred_at": occurred_at,
        "data": data,
    }))
    .unwrap_or_default()
}

fn optional_id(s: &str) -> Result<Option<Uuid>, HandleError> {
    if s.is_empty() {
        return Ok(None);
    }
    Uuid::parse_str(s).map(Some).map_err(|e| HandleError::Reject(format!("organization id: {e}")))
}

/// One event, ready to be turned into deliveries.
struct Deliverable {
    event_id: Uuid,
    organization: Option<Uuid>,
    event_type: String,
    body: Vec<u8>,
    selectors: Vec<String>,
    /// The trace of the request that caused the event.
    traceparent: Option<String>,
}

/// `None` for an event no endpoint can subscribe to (nor the test ping, which never travels
/// the bus); an error for one that can never be handled.
fn deliverable(envelope: EventEnvelope) -> Result<Option<Deliverable>, HandleError> {
    let (event_id, data) = (envelope.event_id()?, envelope.json_payload()?);
    let organization = optional_id(&envelope.organization_id)?;
    let event_type = envelope.r#type;
    let traceparent = Some(envelope.traceparent).filter(|t| !t.is_empty());
    if !event_types::is_valid(&event_type) || event_type == crate::events::TEST_EVENT {
        return Ok(None);
    }
    Ok(Some(Deliverable {
        body: body(event_id, &event_type, &envelope.occurred_at, &data),
        selectors: event_types::selectors(&event_type),
        event_id,
        organization,
        event_type,
        traceparent,
    }))
}

/// Records the deliveries of one event; answers how many were added (none for an event seen
/// before: the inbox drops it, and the unique (endpoint, event) pair would too).
pub async fn apply(pool: &Pool, envelope: EventEnvelope) -> Result<usize, HandleError> {
    apply_all(pool, vec![envelope]).await
}

/// Records the deliveries of several events in one transaction; answers how many were added.
pub async fn apply_all(pool: &Pool, envelopes: Vec<EventEnvelope>) -> Result<usize, HandleError> {
    let events: Vec<Deliverable> = envelopes
        .into_iter()
        .map(deliverable)
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect();
    if events.is_empty() {
        return Ok(0);
    }
    let mut conn = pool.get().await.map_err(|e| HandleError::Retry(e.to_string()))?;
    // Three statements for the batch whatever its size: which events are new, the endpoints
    // that may want them, and their deliveries (one per event that has any).
    conn.transaction::<_, diesel::result::Error, _>(async |conn| {
        let ids: Vec<Uuid> = events.iter().map(|e| e.event_id).collect();
        let mut new = janua_db::inbox::first_deliveries(conn, QUEUE, &ids).await?;
        // Each new event once, even if the batch holds it twice.
        let events: Vec<&Deliverable> = events.iter().filter(|e| new.remove(&e.event_id)).collect();
        let mut organizations: Vec<Uuid> = events.iter().filter_map(|e| e.organization).collect();
        organizations.sort_unstable();
        organizations.dedup();
        let mut selectors: Vec<String> = events.iter().flat_map(|e| e.selectors.iter().cloned()).collect();
        selectors.sort_unstable();
        selectors.dedup();
        let mut subscribers =
            if events.is_empty() { Vec::new() } else { endpoints::subscribers(conn, &organizations, &selectors).await? };
        let mut added = 0;
        for e in events {
            let targets: Vec<Uuid> =
                subscribers.iter().filter(|s| s.wants(e.organization, &e.event_type)).map(|s| s.id).collect();
            added += deliveries::insert_for_event(conn, &targets, e.event_id, &e.event_type, &e.body, e.traceparent.as_deref())
                .await?;
            if e.event_type == "organization.deleted"
                && let Some(org) = e.organization
            {
                let removed = endpoints::delete_of_organization(conn, org).await?;
                subscribers.retain(|s| s.organization_id != Some(org));
                if removed > 0 {
                    tracing::info!(organization_id = %org, removed, "webhook endpoints of a deleted organization removed");
                }
            }
        }
        Ok(added)
    })
    .await
    .map_err(|e| HandleError::Retry(e.to_string()))
}
