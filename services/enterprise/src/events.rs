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
    event_type: &str, client: &crate::domain::scim_client::ScimClient, subject: Uuid,
    details: serde_json::Value, ctx: EventContext,
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

/// `sso.configuration_created` / `_updated` / `_deleted`: never the client secret.
pub fn sso_configuration(
    event_type: &str, c: &crate::store::sso::SsoConfiguration, actor: Uuid, ctx: EventContext,
) -> Event {
    let payload = serde_json::json!({
        "configuration_id": c.id,
        "organization_id": c.organization_id,
        "name": c.name,
        "protocol": c.protocol,
        "enabled": c.enabled,
        "idp": c.saml.entity_id.as_ref().or(c.oidc.issuer.as_ref()),
    });
    Event::new(SOURCE, event_type, payload)
        .subject(c.id)
        .organization(c.organization_id)
        .actor(actor)
        .context(ctx)
}

pub fn sso_domain_verified(
    c: &crate::store::sso::SsoConfiguration, domain: &str, actor: Uuid, ctx: EventContext,
) -> Event {
    let payload = serde_json::json!({
        "configuration_id": c.id,
        "organization_id": c.organization_id,
        "domain": domain,
    });
    Event::new(SOURCE, "sso.domain_verified", payload)
        .subject(c.id)
        .organization(c.organization_id)
        .actor(actor)
        .context(ctx)
}

/// `sso.signed_in`, `sso.user_provisioned`, `sso.identity_linked`, `sso.signin_failed`,
/// `sso.logged_out`: what happened at an IdP sign-in (never the assertion or a token).
pub fn sso_signin(
    event_type: &str, c: &crate::store::sso::SsoConfiguration, user: Option<Uuid>,
    details: serde_json::Value, ctx: EventContext,
) -> Event {
    let mut payload = serde_json::json!({
        "configuration_id": c.id,
        "organization_id": c.organization_id,
        "protocol": c.protocol,
        "user_id": user,
    });
    if let (Some(map), serde_json::Value::Object(extra)) = (payload.as_object_mut(), details) {
        map.extend(extra);
    }
    let mut event = Event::new(SOURCE, event_type, payload).organization(c.organization_id).context(ctx);
    if let Some(user) = user {
        event = event.subject(user).actor(user);
    }
    event
}
