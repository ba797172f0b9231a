//! The durable consumers of `janua.events`: each service's queue and the event types it is
//! bound to. Every publisher declares all of them when it connects, so an event published
//! before a consumer first started (a fresh install, a new service) waits in its queue instead
//! of being dropped by the exchange for want of a binding.

use crate::consumer::Subscription;

fn sub(queue: &str, bindings: &[&str], prefetch: u16) -> Subscription {
    Subscription { queue: queue.into(), bindings: bindings.iter().map(|b| b.to_string()).collect(), prefetch }
}

/// Auth keeps a user read model, ends a suspended user's sessions, deletes a deleted user's
/// credentials, mails invitations and tells a data subject their request was extended.
pub fn auth() -> Subscription {
    sub(
        "auth",
        &[
            "user.created",
            "user.updated",
            "user.email_verified",
            "user.deleted",
            "user.suspended",
            "user.unsuspended",
            "invitation.created",
            "invitation.resent",
            "privacy.request_extended",
        ],
        64,
    )
}

/// Org keeps a user read model and ends a deleted user's memberships.
pub fn org() -> Subscription {
    sub("org", &["user.created", "user.updated", "user.email_verified", "user.deleted"], 64)
}

/// Identity forgets a deleted organization's overrides of messages.
pub fn identity() -> Subscription {
    sub("identity", &["organization.deleted"], 16)
}

/// Enterprise forgets a deleted organization's SSO connections, domains and SCIM tokens, and
/// a deleted account's identities at the IdPs.
pub fn enterprise() -> Subscription {
    sub("enterprise", &["organization.deleted", "user.deleted"], 64)
}

/// Audit records everything.
pub fn audit() -> Subscription {
    sub("audit", &["#"], 256)
}

/// Webhooks delivers anything an endpoint may subscribe to.
pub fn webhooks() -> Subscription {
    sub("webhooks", &["#"], 64)
}

pub fn all() -> Vec<Subscription> {
    vec![auth(), identity(), org(), enterprise(), audit(), webhooks()]
}
