//! Events the webhooks service publishes through its outbox: `webhook.created`,
//! `webhook.updated`, `webhook.deleted`, `webhook.secret_rotated`, `webhook.disabled`. They
//! never carry a secret, nor the URL's path or query (which may hold a receiver's credential).

use crate::domain::target::origin;
use crate::store::endpoints::Endpoint;
use janua_events::{Event, EventContext};
use uuid::Uuid;

pub const SOURCE: &str = "webhooks";

/// The type of the test ping (`POST /webhooks/{id}/test`); it goes to one endpoint and never
/// onto the bus.
pub const TEST_EVENT: &str = "webhook.test";

pub fn endpoint(
    event_type: &str, e: &Endpoint, actor: Option<Uuid>, extra: serde_json::Value, ctx: EventContext,
) -> Event {
    let mut payload = serde_json::json!({
        "webhook_id": e.id,
        "organization_id": e.organization_id,
        "url_origin": origin(&e.url),
        "events": e.event_types,
        "enabled": e.enabled,
    });
    if let (Some(p), serde_json::Value::Object(more)) = (payload.as_object_mut(), extra) {
        p.extend(more);
    }
    let mut event = Event::new(SOURCE, event_type, payload).subject(e.id).context(ctx);
    if let Some(org) = e.organization_id {
        event = event.organization(org);
    }
    if let Some(actor) = actor {
        event = event.actor(actor);
    }
    event
}
