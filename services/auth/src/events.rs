//! Events auth publishes through its outbox. Payloads never carry secrets or tokens.

use janua_events::{Event, EventContext};
use uuid::Uuid;

pub const SOURCE: &str = "auth";

pub fn session_created(user_id: Uuid, session_id: Uuid, method: &str, ctx: EventContext) -> Event {
    Event::new(
        SOURCE,
        "session.created",
        serde_json::json!({ "session_id": session_id, "user_id": user_id, "method": method }),
    )
    .actor(user_id)
    .subject(session_id)
    .context(ctx)
}

pub fn user_signed_in(user_id: Uuid, session_id: Uuid, method: &str, ctx: EventContext) -> Event {
    Event::new(
        SOURCE,
        "user.signed_in",
        serde_json::json!({ "user_id": user_id, "session_id": session_id, "method": method }),
    )
    .actor(user_id)
    .subject(user_id)
    .context(ctx)
}

pub fn user_signin_failed(user_id: Option<Uuid>, reason: &str, ctx: EventContext) -> Event {
    let mut e =
        Event::new(SOURCE, "user.signin_failed", serde_json::json!({ "user_id": user_id, "reason": reason }))
            .context(ctx);
    if let Some(id) = user_id {
        e = e.subject(id);
    }
    e
}

pub fn session_revoked(
    user_id: Uuid, session_id: Uuid, reason: &str, actor: Option<Uuid>, ctx: EventContext,
) -> Event {
    let mut e = Event::new(
        SOURCE,
        "session.revoked",
        serde_json::json!({ "session_id": session_id, "user_id": user_id, "reason": reason }),
    )
    .subject(session_id)
    .context(ctx);
    if let Some(a) = actor {
        e = e.actor(a);
    }
    e
}

pub fn session_refreshed(user_id: Uuid, session_id: Uuid, ctx: EventContext) -> Event {
    Event::new(
        SOURCE,
        "session.refreshed",
        serde_json::json!({ "session_id": session_id, "user_id": user_id }),
    )
    .actor(user_id)
    .subject(session_id)
    .context(ctx)
}

pub fn refresh_token_reused(user_id: Uuid, session_id: Uuid, ctx: EventContext) -> Event {
    Event::new(
        SOURCE,
        "session.refresh_reuse_detected",
        serde_json::json!({ "session_id": session_id, "user_id": user_id }),
    )
    .subject(session_id)
    .context(ctx)
}

pub fn password_reset_requested(user_id: Uuid, ctx: EventContext) -> Event {
    about_user("password.reset_requested", user_id, ctx)
}

pub fn password_reset(user_id: Uuid, ctx: EventContext) -> Event {
    by_user("password.reset", user_id, ctx)
}

pub fn verification_sent(user_id: Uuid, ctx: EventContext) -> Event {
    about_user("user.verification_sent", user_id, ctx)
}

pub fn credential_created(user_id: Uuid, ctx: EventContext) -> Event {
    by_user("user.password_set", user_id, ctx)
}

pub fn password_changed(user_id: Uuid, ctx: EventContext) -> Event {
    by_user("password.changed", user_id, ctx)
}

pub fn magic_link_sent(user_id: Option<Uuid>, ctx: EventContext) -> Event {
    let mut e = Event::new(
        SOURCE,
        "magic_link.sent",
        serde_json::json!({ "user_id": user_id, "signup": user_id.is_none() }),
    )
    .context(ctx);
    if let Some(id) = user_id {
        e = e.subject(id);
    }
    e
}

pub fn mfa_changed(event_type: &str, user_id: Uuid, method: &str, ctx: EventContext) -> Event {
    Event::new(SOURCE, event_type, serde_json::json!({ "user_id": user_id, "method": method }))
        .actor(user_id)
        .subject(user_id)
        .context(ctx)
}

pub fn passkey_changed(
    event_type: &str, user_id: Uuid, passkey_id: Uuid, name: &str, ctx: EventContext,
) -> Event {
    Event::new(
        SOURCE,
        event_type,
        serde_json::json!({ "user_id": user_id, "passkey_id": passkey_id, "name": name }),
    )
    .actor(user_id)
    .subject(user_id)
    .context(ctx)
}

/// A passkey's signature counter did not move forward: the key may have been copied.
pub fn passkey_clone_suspected(user_id: Uuid, passkey_id: Uuid, ctx: EventContext) -> Event {
    Event::new(
        SOURCE,
        "passkey.clone_suspected",
        serde_json::json!({ "user_id": user_id, "passkey_id": passkey_id }),
    )
    .subject(user_id)
    .context(ctx)
}

/// A provider account linked to (or unlinked from) a user; `how` is `user` (they asked) or
/// `verified_email` (matched on first sign-in).
pub fn oauth_link_changed(
    event_type: &str, user_id: Uuid, provider: &str, how: &str, ctx: EventContext,
) -> Event {
    Event::new(
        SOURCE,
        event_type,
        serde_json::json!({ "user_id": user_id, "provider": provider, "how": how }),
    )
    .actor(user_id)
    .subject(user_id)
    .context(ctx)
}

/// An account registered with an address its registrant never proved was taken over by the
/// address's proven owner; `removed` lists what the registrant had set up and lost.
pub fn account_claimed(user_id: Uuid, by: &str, removed: &[&str], ctx: EventContext) -> Event {
    Event::new(
        SOURCE,
        "user.account_claimed",
        serde_json::json!({ "user_id": user_id, "proven_by": by, "removed": removed }),
    )
    .subject(user_id)
    .context(ctx)
}

/// The user proved a factor again in a session (re-authentication before a sensitive change).
pub fn reauthenticated(user_id: Uuid, session_id: Uuid, factor: &str, ctx: EventContext) -> Event {
    Event::new(
        SOURCE,
        "user.reauthenticated",
        serde_json::json!({ "user_id": user_id, "session_id": session_id, "factor": factor }),
    )
    .actor(user_id)
    .subject(user_id)
    .context(ctx)
}

/// An event about a user's account, `{"user_id"}`, that someone else or no one set off.
fn about_user(kind: &str, user_id: Uuid, ctx: EventContext) -> Event {
    Event::new(SOURCE, kind, serde_json::json!({ "user_id": user_id })).subject(user_id).context(ctx)
}

/// An event about a user's account, `{"user_id"}`, that the user set off themself.
fn by_user(kind: &str, user_id: Uuid, ctx: EventContext) -> Event {
    about_user(kind, user_id, ctx).actor(user_id)
}
