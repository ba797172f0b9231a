//! Auth's routes: the public ones are declared on their handlers (`#[utoipa::path]`).

use crate::handlers::{auth, internal, jwks, magic, mfa, oauth, passkeys, password, reauth, sessions};
use actix_web::web;
use janua_service::housekeeping::Retention;

janua_service::endpoints! {
    auth::{signup, signin, signout, refresh, forgot_password, reset_password, verify_email,
        resend_verification},
    reauth::{reauthenticate},
    magic::{send_magic_link, verify_magic_link},
    mfa::{generate_totp, enable_totp, disable_totp, verify_totp_code, backup_codes_remaining,
        regenerate_backup_codes, verify_backup_code, mfa_status},
    passkeys::{begin_registration, complete_registration, begin_authentication, complete_authentication,
        list_passkeys, delete_passkey},
    oauth::{authorize, callback, link, unlink},
    sessions::{list_sessions, revoke_all_sessions, get_session, revoke_session, list_user_sessions},
    password::{change_password},
    jwks::{jwks, jwks_under_auth},
}

/// `/internal/v1`: key rotation, figures, and what identity and enterprise ask auth to do.
pub fn internal_api(cfg: &mut web::ServiceConfig) {
    cfg.route("/keys/rotate", web::post().to(internal::rotate_keys))
        .route("/keys/reload", web::post().to(internal::reload_keys))
        .route("/stats", web::get().to(internal::stats))
        .route("/users", web::post().to(internal::create_account))
        .route("/users/{user_id}/verify-password", web::post().to(internal::verify_password))
        .route("/users/{user_id}/sign-in", web::post().to(internal::sign_in_for))
        .route("/users/{user_id}/claim", web::post().to(internal::claim_account))
        .route("/sessions/{session_id}", web::delete().to(internal::revoke_session_for))
        .route("/compliance/facts", web::post().to(internal::compliance_facts))
        .route("/signatures", web::post().to(internal::sign_report))
        .route("/users/{user_id}/privacy-mail", web::post().to(internal::privacy_mail));
}

/// What auth holds about a person: every sign-in (each opens a session, with its address and
/// user agent), when the password was set, MFA and passkey metadata, linked providers, the
/// links mailed and the mail sent. Never a hash, secret or sealed value.
const PERSONAL_DATA: &[janua_service::Section] = &[
    janua_service::Section {
        name: "sessions",
        query: "SELECT id, auth_method, created_at, auth_time, last_used_at, expires_at, revoked_at, revoked_reason,
                ip, user_agent FROM sessions WHERE user_id = $1 ORDER BY created_at",
    },
    janua_service::Section { name: "password", query: "SELECT updated_at AS set_at FROM credentials WHERE user_id = $1" },
    janua_service::Section {
        name: "totp",
        query: "SELECT created_at, enabled_at FROM totp_secrets WHERE user_id = $1",
    },
    janua_service::Section {
        name: "backup_codes",
        query: "SELECT created_at, used_at FROM backup_codes WHERE user_id = $1 ORDER BY created_at, used_at",
    },
    janua_service::Section {
        name: "passkeys",
        query: "SELECT id, name, backup_eligible, backup_state, created_at, last_used_at FROM passkeys
                WHERE user_id = $1 ORDER BY created_at",
    },
    janua_service::Section {
        name: "linked_providers",
        query: "SELECT provider, subject, email, email_verified, created_at, last_used_at FROM oauth_links
                WHERE user_id = $1 ORDER BY created_at",
    },
    janua_service::Section {
        name: "email_links",
        query: "SELECT purpose, email, created_at, expires_at, used_at FROM one_time_tokens WHERE user_id = $1
                ORDER BY created_at",
    },
    janua_service::Section {
        name: "emails_sent",
        query: "SELECT e.recipient, e.subject, e.created_at, e.sent_at FROM outgoing_emails e
                JOIN user_profiles p ON e.recipient = p.profile->>'email' WHERE p.id = $1 ORDER BY e.created_at",
    },
];
/// Everything auth holds about a person: sessions (with their refresh tokens), credentials,
/// second factors, provider links, pending flows and links, the mail sent to them, the profile.
const ERASE: &[&str] = &[
    "DELETE FROM sessions WHERE user_id = $1",
    "DELETE FROM credentials WHERE user_id = $1",
    "DELETE FROM one_time_tokens WHERE user_id = $1 OR lower(email) = ANY($2)",
    "DELETE FROM totp_secrets WHERE user_id = $1",
    "DELETE FROM backup_codes WHERE user_id = $1",
    "DELETE FROM passkeys WHERE user_id = $1",
    "DELETE FROM webauthn_ceremonies WHERE user_id = $1",
    "DELETE FROM oauth_links WHERE user_id = $1",
    "DELETE FROM oauth_flows WHERE user_id = $1",
    "DELETE FROM outgoing_emails WHERE lower(recipient) = ANY($2)",
    "DELETE FROM user_profiles WHERE id = $1",
];

/// What auth deletes by age (see `housekeeping.*`).
const RETENTION: &[Retention] = &[
    Retention {
        task: "sent_mail",
        table: "outgoing_emails",
        due: "sent_at IS NOT NULL AND sent_at < now() - make_interval(secs => $1)",
        keep: |s| s.sent_mail_secs,
    },
    // Their refresh tokens go with them (ON DELETE CASCADE).
    Retention {
        task: "sessions",
        table: "sessions",
        due: "expires_at < now() - make_interval(secs => $1) \
              OR (revoked_at IS NOT NULL AND revoked_at < now() - make_interval(secs => $1))",
        keep: |s| s.sessions_secs,
    },
    Retention::past_expiry("one_time_tokens", "one_time_tokens", |s| s.one_time_tokens_secs),
    Retention::past_expiry("passkey_ceremonies", "webauthn_ceremonies", |s| s.flows_secs),
    Retention::past_expiry("oauth_flows", "oauth_flows", |s| s.flows_secs),
];

pub const ROUTES: janua_service::Routes = janua_service::Routes {
    public: endpoints,
    internal: internal_api,
    personal_data: PERSONAL_DATA,
    erase: ERASE,
    retention: RETENTION,
};
