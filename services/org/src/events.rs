//! Events org publishes through its outbox. Each carries the organization id.

use crate::store::roles::RoleRow;
use janua_events::{Event, EventContext};
use uuid::Uuid;

pub const SOURCE: &str = "org";

pub fn organization(
    event_type: &str, org: Uuid, actor: Uuid, payload: serde_json::Value, ctx: EventContext,
) -> Event {
    Event::new(SOURCE, event_type, payload).organization(org).subject(org).actor(actor).context(ctx)
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

/// `role.created`, `role.updated`, `role.deleted`, `role.assigned`, `role.removed`: the role
/// (id, name, organization, permissions) plus `extra` (e.g. the `user_id` of an assignment).
pub fn role(kind: &str, row: &RoleRow, actor: Uuid, extra: serde_json::Value, ctx: EventContext) -> Event {
    let mut payload = serde_json::json!({
        "role_id": row.id,
        "name": row.name,
        "organization_id": row.organization_id,
        "permissions": row.permissions,
    });
    if let (Some(p), Some(e)) = (payload.as_object_mut(), extra.as_object()) {
        p.extend(e.clone());
    }
    let event = Event::new(SOURCE, kind, payload).subject(row.id).actor(actor).context(ctx);
    match row.organization_id {
        Some(org) => event.organization(org),
        None => event,
    }
}
