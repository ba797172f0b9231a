//! Events org publishes through its outbox. Each carries the organization id, when the thing
//! it is about has one (custom roles and policies may be platform-wide).

use crate::store::invitations::Invitation;
use crate::store::policies::PolicyRow;
use crate::store::roles::RoleRow;
use janua_events::{Event, EventContext};
use serde_json::{Value, json};
use uuid::Uuid;

pub const SOURCE: &str = "org";

/// What every org event carries besides its payload: what it is about, where, and who did it.
fn event(
    event_type: &str, subject: Uuid, org: Option<Uuid>, actor: Uuid, payload: Value, ctx: EventContext,
) -> Event {
    let event = Event::new(SOURCE, event_type, payload).subject(subject).actor(actor).context(ctx);
    match org {
        Some(org) => event.organization(org),
        None => event,
    }
}

/// `base` with the fields of `extra` after its own.
fn merged(mut base: Value, extra: Value) -> Value {
    if let (Some(fields), Value::Object(more)) = (base.as_object_mut(), extra) {
        fields.extend(more);
    }
    base
}

pub fn organization(event_type: &str, org: Uuid, actor: Uuid, payload: Value, ctx: EventContext) -> Event {
    event(event_type, org, Some(org), actor, payload, ctx)
}

pub fn member(event_type: &str, org: Uuid, actor: Uuid, user: Uuid, role: &str, ctx: EventContext) -> Event {
    let payload = json!({ "organization_id": org, "user_id": user, "role": role });
    event(event_type, user, Some(org), actor, payload, ctx)
}

/// `invitation.*`: the invitation and its organization, then `extra`.
pub fn invitation(kind: &str, inv: &Invitation, actor: Uuid, extra: Value, ctx: EventContext) -> Event {
    let payload = json!({ "invitation_id": inv.id, "organization_id": inv.organization_id });
    organization(kind, inv.organization_id, actor, merged(payload, extra), ctx)
}

/// `role.created`, `role.updated`, `role.deleted`: the role (id, name, organization, permissions).
pub fn role(kind: &str, row: &RoleRow, actor: Uuid, ctx: EventContext) -> Event {
    role_with(kind, row, actor, json!({}), ctx)
}

/// `role.assigned`, `role.removed`: the role, and the `user_id` who got or lost it.
pub fn role_holder(kind: &str, row: &RoleRow, actor: Uuid, user: Uuid, ctx: EventContext) -> Event {
    role_with(kind, row, actor, json!({ "user_id": user }), ctx)
}

fn role_with(kind: &str, row: &RoleRow, actor: Uuid, extra: Value, ctx: EventContext) -> Event {
    let payload = json!({
        "role_id": row.id,
        "name": row.name,
        "organization_id": row.organization_id,
        "permissions": row.permissions,
    });
    event(kind, row.id, row.organization_id, actor, merged(payload, extra), ctx)
}

/// `policy.created`, `policy.updated`, `policy.deleted`.
pub fn policy(kind: &str, row: &PolicyRow, actor: Uuid, ctx: EventContext) -> Event {
    let payload = json!({
        "policy_id": row.id,
        "organization_id": row.organization_id,
        "name": row.name,
        "effect": row.effect,
    });
    event(kind, row.id, row.organization_id, actor, payload, ctx)
}
