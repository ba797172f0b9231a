use crate::handlers::{auth, internal, jwks, magic, mfa, oauth, passkeys, password, reauth, sessions};
use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/auth/signup", web::post().to(auth::signup))
        .route("/api/v1/auth/signin", web::post().to(auth::signin))
        .route("/api/v1/auth/signout", web::post().to(auth::signout))
        .route("/api/v1/auth/refresh", web::post().to(auth::refresh))
        .route(
            "/api/v1/auth/forgot-password",
            web::post().to(auth::forgot_password),
        )
        .route(
            "/api/v1/auth/reset-password",
            web::post().to(auth::reset_password),
        )
        .route("/api/v1/auth/verify-email", web::post().to(auth::verify_email))
        .route(
            "/api/v1/auth/reauthenticate",
            web::post().to(reauth::reauthenticate),
        )
        .route(
            "/api/v1/auth/resend-verification",
            web::post().to(auth::resend_verification),
        )
        .route("/api/v1/auth/magic/send", web::post().to(magic::send_magic_link))
        .route(
            "/api/v1/auth/magic/verify",
            web::get().to(magic::verify_magic_link),
        )
        .route("/api/v1/mfa/totp/generate", web::post().to(mfa::generate_totp))
        .route("/api/v1/mfa/totp/verify", web::post().to(mfa::enable_totp))
        .route("/api/v1/mfa/totp/disable", web::delete().to(mfa::disable_totp))
        .route(
            "/api/v1/mfa/totp/verify-code",
            web::post().to(mfa::verify_totp_code),
        )
        .route(
            "/api/v1/mfa/backup-codes",
            web::get().to(mfa::backup_codes_remaining),
        )
        .route(
            "/api/v1/mfa/backup-codes/regenerate",
            web::post().to(mfa::regenerate_backup_codes),
        )
        .route(
            "/api/v1/mfa/backup-codes/verify",
            web::post().to(mfa::verify_backup_code),
        )
        .route("/api/v1/mfa/status", web::get().to(mfa::mfa_status))
        .route(
            "/api/v1/passkeys/register/begin",
            web::post().to(passkeys::begin_registration),
        )
        .route(
            "/api/v1/passkeys/register/complete",
            web::post().to(passkeys::complete_registration),
        )
        .route(
            "/api/v1/passkeys/authenticate/begin",
            web::post().to(passkeys::begin_authentication),
        )
        .route(
            "/api/v1/passkeys/authenticate/complete",
            web::post().to(passkeys::complete_authentication),
        )
        .route("/api/v1/passkeys", web::get().to(passkeys::list_passkeys))
        .route(
            "/api/v1/passkeys/{passkey_id}",
            web::delete().to(passkeys::delete_passkey),
        )
        .route(
            "/api/v1/oauth/{provider}/authorize",
            web::get().to(oauth::authorize),
        )
        .route(
            "/api/v1/oauth/{provider}/callback",
            web::get().to(oauth::callback),
        )
        .route("/api/v1/oauth/{provider}/link", web::post().to(oauth::link))
        .route("/api/v1/oauth/{provider}/unlink", web::delete().to(oauth::unlink))
        .route("/api/v1/sessions", web::get().to(sessions::list_sessions))
        .route(
            "/api/v1/sessions/all",
            web::delete().to(sessions::revoke_all_sessions),
        )
        .route(
            "/api/v1/sessions/{session_id}",
            web::get().to(sessions::get_session),
        )
        .route(
            "/api/v1/sessions/{session_id}",
            web::delete().to(sessions::revoke_session),
        )
        .route(
            "/api/v1/users/{user_id}/sessions",
            web::get().to(sessions::list_user_sessions),
        )
        .route(
            "/api/v1/users/{user_id}/change-password",
            web::post().to(password::change_password),
        )
        .route("/.well-known/jwks.json", web::get().to(jwks::jwks))
        .route("/api/v1/auth/.well-known/jwks.json", web::get().to(jwks::jwks))
        .configure(|cfg| {
            janua_service::internal(cfg, crate::openapi::document, |cfg| {
                cfg.route("/keys/rotate", web::post().to(internal::rotate_keys))
                    .route("/keys/reload", web::post().to(internal::reload_keys))
                    .route("/stats", web::get().to(internal::stats))
                    .route(
                        "/users/{user_id}/verify-password",
                        web::post().to(internal::verify_password),
                    )
                    .route("/users/{user_id}/sign-in", web::post().to(internal::sign_in_for))
                    .route("/users/{user_id}/claim", web::post().to(internal::claim_account))
                    .route(
                        "/sessions/{session_id}",
                        web::delete().to(internal::revoke_session_for),
                    );
            })
        });
}
