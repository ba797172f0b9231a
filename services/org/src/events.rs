//! Events org publishes through its outbox. Each carries the organization id.

use janua_events::{Event, EventContext};
use uuid::Uuid;

pub const SOURCE: &str = "org";

pub fn organization(
    event_type: &str,
    org: Uuid,
    actor: Uuid,
    payload: serde_json::Value,
    ctx: EventContext,
) -> Event {
    Event::new(SOURCE, event_type, payload)
        .organization(org)
        .subject(org)
        .actor(actor)
        .context(ctx)
}

pub fn member(event_type: &str, org: Uuid, actor: Uuid, user: Uuid, role: &str, ctx: EventContext) -> Event {
    Event::new(
        SOURCE,
        event_type,
        serde_json::json!({ "organization_id": org, "user_id": user, "role": role }),
    )
    .organization(org)
    .subject(user)
    .actor(actor)
    .context(ctx)
}
