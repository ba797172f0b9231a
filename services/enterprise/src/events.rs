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
