//! Events identity publishes (through its outbox): `user.created`, `user.updated`,
//! `user.email_verified`, `user.deleted`. Payloads never carry secrets.

use crate::domain::user::User;
use janua_events::{Event, EventContext};

pub const SOURCE: &str = "identity";

fn user_payload(user: &User) -> serde_json::Value {
    serde_json::json!({
        "user_id": user.id,
        "email": user.email,
        "name": user.name,
        "email_verified": user.email_verified,
        "status": user.status,
    })
}

pub fn user_created(user: &User, ctx: EventContext) -> Event {
    Event::new(SOURCE, "user.created", user_payload(user))
        .subject(user.id)
        .actor(user.id)
        .context(ctx)
}

pub fn user_updated(user: &User, fields: Vec<&str>, ctx: EventContext) -> Event {
    let mut payload = user_payload(user);
    payload["changed"] = serde_json::json!(fields);
    Event::new(SOURCE, "user.updated", payload)
        .subject(user.id)
        .actor(user.id)
        .context(ctx)
}

pub fn user_email_verified(user: &User, ctx: EventContext) -> Event {
    Event::new(SOURCE, "user.email_verified", user_payload(user))
        .subject(user.id)
        .actor(user.id)
        .context(ctx)
}

pub fn user_deleted(user: &User, reason: &str, ctx: EventContext) -> Event {
    Event::new(
        SOURCE,
        "user.deleted",
        serde_json::json!({ "user_id": user.id, "reason": reason }),
    )
    .subject(user.id)
    .context(ctx)
}
