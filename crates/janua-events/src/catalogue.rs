//! Every event type Janua publishes, with what it means. The audit log lists it
//! (`GET /api/v1/audit-logs/events`) and webhook endpoints subscribe to names from it.

pub struct EventType {
    pub name: &'static str,
    pub description: &'static str,
    /// Published by this service.
    pub source: &'static str,
    /// A refusal or a sign of attack rather than a change (the audit outcome `failure`).
    pub failure: bool,
}

const fn ok(name: &'static str, source: &'static str, description: &'static str) -> EventType {
    EventType { name, description, source, failure: false }
}

const fn failed(name: &'static str, source: &'static str, description: &'static str) -> EventType {
    EventType { name, description, source, failure: true }
}

pub const EVENT_TYPES: &[EventType] = &[
    ok("user.created", "identity", "an account was created"),
    ok("user.updated", "identity", "a profile or its metadata changed"),
    ok("user.email_verified", "identity", "the user proved they own their email address"),
    ok("user.suspended", "identity", "an admin suspended the account; its sessions ended"),
    ok("user.unsuspended", "identity", "an admin lifted a suspension"),
    ok("user.deleted", "identity", "the account and its data were deleted"),
    ok(
        "localization.updated",
        "identity",
        "overrides of messages were written or removed (platform or organization)",
    ),
    ok("localization.key_created", "identity", "a platform admin added a message key"),
    ok("user.password_set", "auth", "a password credential was stored for a new account"),
    ok("user.verification_sent", "auth", "an email verification link was sent"),
    ok("user.signed_in", "auth", "a sign-in succeeded (password, magic link, passkey, OAuth)"),
    failed("user.signin_failed", "auth", "a sign-in was refused; the reason says why"),
    ok("session.created", "auth", "a session (refresh token family) began"),
    ok("session.refreshed", "auth", "a refresh token was rotated"),
    ok(
        "user.reauthenticated",
        "auth",
        "the user proved a factor again in a session, before a sensitive change",
    ),
    ok(
        "user.account_claimed",
        "auth",
        "the proven owner of an address took over an account registered with it unproven; the registrant's credentials and sessions were removed",
    ),
    ok("session.revoked", "auth", "a session ended: sign-out, revocation, suspension"),
    failed(
        "session.refresh_reuse_detected",
        "auth",
        "a spent refresh token was presented again; the whole family was revoked",
    ),
    ok("password.changed", "auth", "the user changed their password"),
    ok("password.reset_requested", "auth", "a password reset link was sent"),
    ok("password.reset", "auth", "a password was reset with a reset link"),
    ok("magic_link.sent", "auth", "a sign-in link was sent"),
    ok("mfa.enabled", "auth", "a second factor was turned on"),
    ok("mfa.disabled", "auth", "a second factor was turned off"),
    ok("mfa.challenge_issued", "auth", "a password sign-in now waits for the second factor"),
    ok("mfa.backup_codes_regenerated", "auth", "new backup codes replaced the old ones"),
    ok("passkey.registered", "auth", "a passkey was added to the account"),
    ok("passkey.deleted", "auth", "a passkey was removed"),
    failed(
        "passkey.clone_suspected",
        "auth",
        "a passkey's signature counter went backwards: the authenticator may be cloned",
    ),
    ok("oauth.linked", "auth", "a social account was linked"),
    ok("oauth.unlinked", "auth", "a social account was unlinked"),
    ok("organization.created", "org", "an organization was created"),
    ok("organization.updated", "org", "an organization's name, slug or settings changed"),
    ok("organization.deleted", "org", "an organization was deleted"),
    ok("organization.member_added", "org", "someone joined an organization"),
    ok("organization.member_removed", "org", "someone left or was removed from an organization"),
    ok("organization.member_role_changed", "org", "a member's role changed"),
    ok("invitation.created", "org", "someone was invited to an organization"),
    ok("invitation.resent", "org", "an invitation email was sent again"),
    ok("invitation.accepted", "org", "an invitation was accepted"),
    ok("invitation.revoked", "org", "an invitation was revoked"),
    ok("role.created", "org", "a custom role was created"),
    ok("role.updated", "org", "a custom role's permissions changed"),
    ok("role.deleted", "org", "a custom role was deleted"),
    ok("role.assigned", "org", "a role was assigned to a user"),
    ok("role.removed", "org", "a role was taken from a user"),
    ok("policy.created", "org", "an access policy was created"),
    ok("policy.updated", "org", "an access policy changed"),
    ok("policy.deleted", "org", "an access policy was deleted"),
    ok("webhook.created", "webhooks", "a webhook endpoint was created"),
    ok("webhook.updated", "webhooks", "a webhook endpoint changed"),
    ok("webhook.deleted", "webhooks", "a webhook endpoint was deleted"),
    ok("webhook.secret_rotated", "webhooks", "a webhook endpoint's signing secret was rotated"),
    failed("webhook.disabled", "webhooks", "a webhook endpoint was disabled after failing for too long"),
    ok("audit.exported", "audit", "someone exported audit entries"),
    ok("compliance.report_generated", "audit", "a signed compliance report was generated"),
    ok(
        "privacy.request_received",
        "audit",
        "a data-subject request was filed (by the subject or on their behalf)",
    ),
    ok(
        "privacy.request_updated",
        "audit",
        "a data-subject request moved on: in progress, completed, rejected or cancelled",
    ),
    ok(
        "privacy.request_extended",
        "audit",
        "a data-subject request's due date was extended, with a reason the subject is told",
    ),
    ok(
        "privacy.export_requested",
        "audit",
        "a copy of a person's data was asked for (by them or on their behalf)",
    ),
    ok(
        "privacy.export_ready",
        "audit",
        "a person's data export was assembled and its single-use link mailed to them",
    ),
    ok(
        "privacy.export_downloaded",
        "audit",
        "a person's data export was downloaded through its link (and removed)",
    ),
    ok("admin.cache_cleared", "gateway", "an admin cleared the rate-limit windows and sign-in throttles"),
    ok("scim.token_created", "enterprise", "an organization's SCIM provisioning token was created"),
    ok("scim.token_revoked", "enterprise", "an organization's SCIM provisioning token was revoked"),
    ok(
        "scim.user_provisioned",
        "enterprise",
        "an organization's identity provider created (or brought back) a user over SCIM",
    ),
    ok("scim.user_updated", "enterprise", "an organization's identity provider changed a user over SCIM"),
    ok(
        "scim.user_deprovisioned",
        "enterprise",
        "an organization's identity provider deleted a user over SCIM: the account is deactivated and leaves the organization",
    ),
    ok(
        "scim.group_created",
        "enterprise",
        "an organization's identity provider created a group (an organization role) over SCIM",
    ),
    ok(
        "scim.group_updated",
        "enterprise",
        "an organization's identity provider renamed a group or changed its members over SCIM",
    ),
    ok("scim.group_deleted", "enterprise", "an organization's identity provider deleted a group over SCIM"),
    ok(
        "sso.configuration_created",
        "enterprise",
        "an organization's single sign-on connection (SAML or OIDC) was created",
    ),
    ok("sso.configuration_updated", "enterprise", "an organization's single sign-on connection was changed"),
    ok("sso.configuration_deleted", "enterprise", "an organization's single sign-on connection was deleted"),
    ok(
        "sso.domain_verified",
        "enterprise",
        "an organization proved it owns an email domain (DNS TXT record)",
    ),
    ok("sso.signed_in", "enterprise", "a user signed in through their organization's identity provider"),
    ok(
        "sso.user_provisioned",
        "enterprise",
        "a first sign-in through an identity provider created the user's account (just in time)",
    ),
    ok(
        "sso.identity_linked",
        "enterprise",
        "an identity provider's user was linked to an existing account with a verified-domain email",
    ),
    failed(
        "sso.signin_failed",
        "enterprise",
        "a sign-in through an identity provider was refused (bad signature, replay, wrong audience, unverified domain...)",
    ),
    ok("sso.logged_out", "enterprise", "the identity provider's single logout ended Janua sessions"),
];

pub fn find(name: &str) -> Option<&'static EventType> {
    EVENT_TYPES.iter().find(|e| e.name == name)
}

/// Whether an event of this type records a refusal or an attack (unknown types: no).
pub fn is_failure(name: &str) -> bool {
    find(name).is_some_and(|e| e.failure)
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_unique_and_dotted() {
        let mut seen = std::collections::BTreeSet::new();
        for e in super::EVENT_TYPES {
            assert!(seen.insert(e.name), "{} listed twice", e.name);
            assert!(e.name.contains('.'), "{}", e.name);
        }
    }
}
