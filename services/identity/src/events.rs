//! Events identity publishes (through its outbox): `user.created`, `user.updated`,
//! `user.email_verified`, `user.deleted`, `user.suspended`, `user.unsuspended`,
//! `localization.updated`, `localization.key_created`. Payloads never carry secrets.

use crate::domain::user::{InternalUser, User};
use janua_events::{Event, EventContext};

pub const SOURCE: &str = "identity";

/// Every user event carries the whole record (as the internal API shows it), so consumers
/// can keep a read model without asking identity.
fn user_payload(user: &User) -> serde_json::Value {
    serde_json::json!({
        "user_id": user.id,
        "email": user.email,
        "user": InternalUser::from(user),
    })
}

pub fn user_created(user: &User, ctx: EventContext) -> Event {
    Event::new(SOURCE, "user.created", user_payload(user)).subject(user.id).actor(user.id).context(ctx)
}

pub fn user_updated(user: &User, fields: Vec<&str>, ctx: EventContext) -> Event {
    user_updated_by(user, user.id, fields, ctx)
}

/// `user.updated` made by someone other than the user (a service acting for an admin or a
/// SCIM client: `Uuid::nil()` when no person is named).
pub fn user_updated_by(user: &User, actor: uuid::Uuid, fields: Vec<&str>, ctx: EventContext) -> Event {
    user_changed(user, actor, fields, None, ctx)
}

/// `user.updated`; when the address moved, `previous_email` names the old one, so auth can
/// tell it and kill every token mailed there.
pub fn user_changed(
    user: &User, actor: uuid::Uuid, fields: Vec<&str>, previous_email: Option<&str>, ctx: EventContext,
) -> Event {
    let mut payload = user_payload(user);
    payload["changed"] = serde_json::json!(fields);
    if let Some(previous) = previous_email {
        payload["previous_email"] = serde_json::json!(previous);
    }
    Event::new(SOURCE, "user.updated", payload).subject(user.id).actor(actor).context(ctx)
}

pub fn user_email_verified(user: &User, ctx: EventContext) -> Event {
    Event::new(SOURCE, "user.email_verified", user_payload(user)).subject(user.id).actor(user.id).context(ctx)
}

pub fn user_deleted(user: &User, reason: &str, ctx: EventContext) -> Event {
    Event::new(SOURCE, "user.deleted", serde_json::json!({ "user_id": user.id, "reason": reason }))
        .subject(user.id)
        .context(ctx)
}

/// `user.suspended` / `user.unsuspended`: the whole record, and who did it.
pub fn user_status_changed(
    event_type: &str, user: &User, actor: uuid::Uuid, reason: Option<&str>, ctx: EventContext,
) -> Event {
    let mut payload = user_payload(user);
    payload["reason"] = serde_json::json!(reason);
    Event::new(SOURCE, event_type, payload).subject(user.id).actor(actor).context(ctx)
}

/// `localization.updated`: overrides of `locale` were written or removed, for the platform
/// (no organization) or one organization. Services that cache messages drop that scope.
pub fn localization_updated(
    locale: &str, organization: Option<uuid::Uuid>, written: &[&str], removed: &[&str], actor: uuid::Uuid,
    ctx: EventContext,
) -> Event {
    let payload = serde_json::json!({
        "locale": locale,
        "organization_id": organization,
        "keys": written,
        "removed": removed,
    });
    let event = Event::new(SOURCE, "localization.updated", payload).actor(actor).context(ctx);
    match organization {
        Some(org) => event.organization(org),
        None => event,
    }
}

/// `localization.key_created`.
pub fn translation_key_created(key: &janua_i18n::Key, actor: uuid::Uuid, ctx: EventContext) -> Event {
    let payload =
        serde_json::json!({ "key": key.key, "namespace": key.namespace, "variables": key.variables });
    Event::new(SOURCE, "localization.key_created", payload).actor(actor).context(ctx)
}
