//! Auth's routes: the public ones are declared on their handlers (`#[utoipa::path]`).

use crate::handlers::{auth, internal, jwks, magic, mfa, oauth, passkeys, password, reauth, sessions};
use actix_web::web;

janua_service::endpoints! {
    auth::signup,
    auth::signin,
    auth::signout,
    auth::refresh,
    auth::forgot_password,
    auth::reset_password,
    auth::verify_email,
    auth::resend_verification,
    reauth::reauthenticate,
    magic::send_magic_link,
    magic::verify_magic_link,
    mfa::generate_totp,
    mfa::enable_totp,
    mfa::disable_totp,
    mfa::verify_totp_code,
    mfa::backup_codes_remaining,
    mfa::regenerate_backup_codes,
    mfa::verify_backup_code,
    mfa::mfa_status,
    passkeys::begin_registration,
    passkeys::complete_registration,
    passkeys::begin_authentication,
    passkeys::complete_authentication,
    passkeys::list_passkeys,
    passkeys::delete_passkey,
    oauth::authorize,
    oauth::callback,
    oauth::link,
    oauth::unlink,
    sessions::list_sessions,
    sessions::revoke_all_sessions,
    sessions::get_session,
    sessions::revoke_session,
    sessions::list_user_sessions,
    password::change_password,
    jwks::jwks,
    jwks::jwks_under_auth,
}

/// `/internal/v1`: key rotation, figures, and what identity and enterprise ask auth to do.
pub fn internal_api(cfg: &mut web::ServiceConfig) {
    cfg.route("/keys/rotate", web::post().to(internal::rotate_keys))
        .route("/keys/reload", web::post().to(internal::reload_keys))
        .route("/stats", web::get().to(internal::stats))
        .route("/users/{user_id}/verify-password", web::post().to(internal::verify_password))
        .route("/users/{user_id}/sign-in", web::post().to(internal::sign_in_for))
        .route("/users/{user_id}/claim", web::post().to(internal::claim_account))
        .route("/sessions/{session_id}", web::delete().to(internal::revoke_session_for));
}

pub const ROUTES: janua_service::Routes = janua_service::Routes { public: endpoints, internal: internal_api };
