//! Auth's routes: the public ones are declared on their handlers (`#[utoipa::path]`).

use crate::handlers::{auth, internal, jwks, magic, mfa, oauth, passkeys, password, reauth, sessions};
use actix_web::web;

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
        .route("/users/{user_id}/verify-password", web::post().to(internal::verify_password))
        .route("/users/{user_id}/sign-in", web::post().to(internal::sign_in_for))
        .route("/users/{user_id}/claim", web::post().to(internal::claim_account))
        .route("/sessions/{session_id}", web::delete().to(internal::revoke_session_for))
        .route("/compliance/facts", web::post().to(internal::compliance_facts))
        .route("/signatures", web::post().to(internal::sign_report));
}

pub const ROUTES: janua_service::Routes = janua_service::Routes { public: endpoints, internal: internal_api };
