//! Events the enterprise service publishes through its outbox: `scim.token_created`,
//! `scim.token_revoked`. They never carry the token nor its hash.

use crate::store::scim_tokens::ScimToken;
use janua_events::{Event, EventContext};
use uuid::Uuid;

pub const SOURCE: &str = "enterprise";

pub fn scim_token(event_type: &str, t: &ScimToken, actor: Uuid, ctx: EventContext) -> Event {
    let payload = serde_json::json!({
        "token_id": t.id,
        "organization_id": t.organization_id,
        "description": t.description,
    });
    Event::new(SOURCE, event_type, payload)
        .subject(t.id)
        .organization(t.organization_id)
        .actor(actor)
        .context(ctx)
}

/// A SCIM change to a user or group (`scim.user_*`, `scim.group_*`). The actor is the admin
/// who made the SCIM token; the token is named so the audit trail tells clients apart.
pub fn scim_change(
    event_type: &str,
    client: &crate::domain::scim_client::ScimClient,
    subject: Uuid,
    details: serde_json::Value,
    ctx: EventContext,
) -> Event {
    let mut payload = serde_json::json!({
        "organization_id": client.organization_id,
        "scim_token_id": client.token_id,
    });
    if let (Some(map), serde_json::Value::Object(extra)) = (payload.as_object_mut(), details) {
        map.extend(extra);
    }
    Event::new(SOURCE, event_type, payload)
        .subject(subject)
        .organization(client.organization_id)
        .actor(client.created_by)
        .context(ctx)
}
