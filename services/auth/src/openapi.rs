//! Auth's part of the OpenAPI document; the gateway merges every service's part.

use crate::handlers::{auth, jwks, magic, mfa, oauth, passkeys, password, reauth, sessions};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    paths(
        auth::signup,
        auth::signin,
        auth::signout,
        auth::refresh,
        auth::forgot_password,
        auth::reset_password,
        auth::verify_email,
        auth::resend_verification,
        reauth::reauthenticate,
        jwks::jwks,
        jwks::jwks_under_auth,
        sessions::list_sessions,
        sessions::get_session,
        sessions::revoke_session,
        sessions::revoke_all_sessions,
        sessions::list_user_sessions,
        password::change_password,
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
        oauth::unlink
    ),
    components(schemas(
        auth::SignupRequest,
        auth::SigninRequest,
        auth::RefreshRequest,
        auth::EmailRequest,
        auth::ResetPasswordRequest,
        auth::TokenRequest,
        auth::TokenPair,
        reauth::ReauthRequest,
        reauth::ReauthAnswer,
        sessions::SessionView,
        password::ChangePasswordRequest,
        mfa::CodeRequest,
        mfa::DisableRequest,
        mfa::TotpSetup,
        mfa::TotpEnabled,
        mfa::BackupCodes,
        mfa::MfaStatus,
        auth::MfaRequired,
        passkeys::BeginRegistration,
        passkeys::CompleteRegistration,
        passkeys::BeginAuthentication,
        passkeys::CompleteAuthentication,
        passkeys::CeremonyOptions,
        passkeys::PasskeyView,
        passkeys::PasskeyList,
        oauth::LinkRequest,
        oauth::AuthorizationStarted,
        oauth::Linked,
        janua_core::error::ErrorEnvelope,
        janua_core::error::ErrorBody
    ))
)]
pub struct ApiDoc;

pub async fn document() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok().json(ApiDoc::openapi())
}
