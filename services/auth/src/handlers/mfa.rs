//! The MFA router (`/api/v1/mfa`): TOTP enrolment and removal, backup codes, status, and the
//! two routes that complete a sign-in with a second factor (they take the `mfa_token`).

use crate::domain::mfa;
use crate::handlers::auth::{TokenPair, signed_in, suspended};
use crate::store::{credentials, mfa as store};
use crate::{AuthState, events};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use base64::Engine;
use chrono::Utc;
use diesel_async::AsyncConnection;
use futures::future::LocalBoxFuture;
use janua_core::http::RequestMeta;
use janua_core::{ApiError, ErrorCode};

use janua_core::error::refusals;
use janua_tokens::{Authenticated, Claims, Reauthenticated};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CodeRequest {
    pub code: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DisableRequest {
    pub code: Option<String>,
    pub password: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TotpSetup {
    /// Base32 secret, for typing into an authenticator by hand.
    pub secret: String,
    pub otpauth_url: String,
    /// `data:image/png;base64,...` of the otpauth URL.
    pub qr_code: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TotpEnabled {
    pub enabled: bool,
    /// Shown once; each works once.
    pub backup_codes: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BackupCodes {
    pub backup_codes: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MfaStatus {
    pub totp_enabled: bool,
    pub backup_codes_remaining: i64,
    pub passkeys: i64,
}

/// The caller of the two completing routes: either mid sign-in (an `mfa_token`) or already
/// signed in (a step-up check of the code).
pub enum MfaCaller {
    Challenge(Claims),
    SignedIn(Claims),
}

impl MfaCaller {
    fn user_id(&self) -> Uuid {
        match self {
            MfaCaller::Challenge(c) | MfaCaller::SignedIn(c) => c.sub,
        }
    }
}

impl FromRequest for MfaCaller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let claims = janua_tokens::extract::verified_claims(req);
        Box::pin(async move {
            let claims = claims.await?;
            match claims.scope.as_deref() {
                Some("mfa") => Ok(MfaCaller::Challenge(claims)),
                None => Ok(MfaCaller::SignedIn(claims)),
                Some(_) => Err(ApiError::unauthorized("token_scope")),
            }
        })
    }
}

/// Auth's tables decide whether a user has MFA; identity's `mfa_enabled` mirrors them for
/// display. The change is committed by now, so a failure here is logged, not answered.
async fn sync_mfa_flag(state: &AuthState, user_id: Uuid, enabled: bool, meta: &RequestMeta) {
    if let Err(e) = state.identity.set_mfa_enabled(user_id, enabled, meta).await {
        tracing::warn!(%user_id, error = %e, "identity's mfa_enabled flag not updated");
    }
}

fn wrong_code() -> ApiError {
    ApiError::keyed(ErrorCode::InvalidCredentials, "error.auth.code_incorrect", vec![])
        .with_details(serde_json::json!({ "field": "code" }))
}

fn account(user_id: Uuid) -> String {
    crate::domain::throttle::user_account(user_id)
}

/// Counts a wrong code or password against the account (and the address it came from), and
/// answers the refusal to send.
async fn refused(
    state: &AuthState, user_id: Uuid, meta: &RequestMeta, refusal: ApiError,
) -> Result<ApiError, ApiError> {
    state.throttle.record_failure(&account(user_id), meta.ip.as_deref()).await?;
    crate::handlers::auth::count_signin("mfa", "failure");
    Ok(refusal)
}

/// Checks a TOTP code of an enabled (or, with `pending`, a pending) secret and burns its step.
pub(crate) async fn check_totp(
    state: &AuthState, user_id: Uuid, email: &str, code: &str, pending: bool,
) -> Result<bool, ApiError> {
    let mut conn = state.pool.get().await?;
    let Some(row) = store::totp(&mut conn, user_id).await? else {
        return Ok(false);
    };
    if row.enabled_at.is_some() == pending {
        return Ok(false);
    }
    let secret = state.sealer.open(&row.secret_sealed).map_err(ApiError::internal)?;
    let Some(step) = mfa::matching_step(&mfa::totp(&secret, email)?, code) else {
        return Ok(false);
    };
    Ok(store::use_step(&mut conn, user_id, step).await?)
}

async fn email_of(
    state: &AuthState, user_id: Uuid,
) -> Result<crate::identity_client::IdentityUser, ApiError> {
    state.user(user_id).await?.ok_or_else(|| ApiError::unauthorized("user_gone"))
}

/// Starts TOTP enrolment: a new secret, its otpauth URL and QR code. Not active until a code
/// from it is confirmed with `POST /totp/verify`.
///
/// Permissions: any signed-in user (their own account).
#[utoipa::path(post, path = "/api/v1/mfa/totp/generate", tag = "MFA",
    responses((status = 200, body = TotpSetup), refusals::Conflict),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %auth.user_id()))]
pub async fn generate_totp(
    state: web::Data<AuthState>, auth: Reauthenticated,
) -> Result<HttpResponse, ApiError> {
    let user = email_of(&state, auth.user_id()).await?;
    let secret = janua_core::crypto::random_bytes(20);
    let totp = mfa::totp(&secret, &user.email)?;
    let mut conn = state.pool.get().await?;
    if store::put_pending(&mut conn, user.id, &state.sealer.seal(&secret)).await? == 0 {
        return Err(ApiError::keyed(ErrorCode::Conflict, "error.auth.totp_already_enabled", vec![]));
    }
    let png = totp.to_qr_png().map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(TotpSetup {
        secret: totp.secret().to_base32(),
        otpauth_url: totp.to_url().map_err(ApiError::internal)?,
        qr_code: format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(png)),
    }))
}

/// Confirms enrolment with a code from the authenticator: TOTP is on, and ten backup codes
/// are shown (once).
///
/// Permissions: any signed-in user (their own account).
#[utoipa::path(post, path = "/api/v1/mfa/totp/verify", tag = "MFA", request_body = CodeRequest,
    responses((status = 200, body = TotpEnabled), (status = 401, body = janua_core::error::ErrorEnvelope)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %auth.user_id()))]
pub async fn enable_totp(
    state: web::Data<AuthState>, auth: Reauthenticated, meta: RequestMeta, body: web::Json<CodeRequest>,
) -> Result<HttpResponse, ApiError> {
    let user_id = auth.user_id();
    state.throttle.check(&account(user_id), meta.ip.as_deref()).await?;
    let user = email_of(&state, user_id).await?;
    if !check_totp(&state, user_id, &user.email, &body.code, true).await? {
        return Err(refused(&state, user_id, &meta, wrong_code()).await?);
    }
    let (codes, hashes) = mfa::backup_codes();
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        store::enable(conn, user_id, Utc::now()).await?;
        store::replace_backup_codes(conn, user_id, &hashes).await?;
        janua_db::outbox::enqueue(
            conn,
            &events::mfa_changed("mfa.enabled", user_id, "totp", meta.clone().into()),
        )
        .await?;
        Ok(())
    })
    .await?;
    sync_mfa_flag(&state, user_id, true, &meta).await;
    Ok(HttpResponse::Ok().json(TotpEnabled { enabled: true, backup_codes: codes }))
}

/// Turns TOTP off (and drops the backup codes) after a current code or the password.
///
/// Permissions: any signed-in user (their own account).
#[utoipa::path(delete, path = "/api/v1/mfa/totp/disable", tag = "MFA", request_body = DisableRequest,
    responses((status = 204), (status = 401, body = janua_core::error::ErrorEnvelope), refusals::NotFound),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %auth.user_id()))]
pub async fn disable_totp(
    state: web::Data<AuthState>, auth: Authenticated, meta: RequestMeta, body: web::Json<DisableRequest>,
) -> Result<HttpResponse, ApiError> {
    let user_id = auth.user_id();
    state.throttle.check(&account(user_id), meta.ip.as_deref()).await?;
    {
        let mut conn = state.pool.get().await?;
        if !store::totp_enabled(&mut conn, user_id).await? {
            return Err(ApiError::keyed(ErrorCode::NotFound, "error.auth.totp_not_enabled", vec![]));
        }
    }
    let proven = match (&body.code, &body.password) {
        (Some(code), _) => {
            let user = email_of(&state, user_id).await?;
            check_totp(&state, user_id, &user.email, code, false).await?
        }
        (None, Some(password)) => {
            let mut conn = state.pool.get().await?;
            let stored = credentials::password_hash(&mut conn, user_id).await?;
            state.hasher.verify(password, stored.as_deref()).await?
        }
        (None, None) => {
            return Err(ApiError::invalid("code", "error.auth.disable_proof_required", vec![]));
        }
    };
    if !proven {
        return Err(refused(&state, user_id, &meta, ApiError::invalid_credentials()).await?);
    }
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        store::delete_all(conn, user_id).await?;
        janua_db::outbox::enqueue(
            conn,
            &events::mfa_changed("mfa.disabled", user_id, "totp", meta.clone().into()),
        )
        .await?;
        Ok(())
    })
    .await?;
    sync_mfa_flag(&state, user_id, false, &meta).await;
    Ok(HttpResponse::NoContent().finish())
}

/// Completes a sign-in with a TOTP code (with the `mfa_token`), answering the token pair; or,
/// with an access token, checks a code (step-up) and answers `{"verified":true}`.
///
/// Permissions: the holder of an `mfa_token`, or any signed-in user.
#[utoipa::path(post, path = "/api/v1/mfa/totp/verify-code", tag = "MFA", request_body = CodeRequest,
    responses((status = 200, body = TokenPair), (status = 401, body = janua_core::error::ErrorEnvelope),
        refusals::Forbidden, (status = 429, body = janua_core::error::ErrorEnvelope)),
    security(("mfa_token" = []), ("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn verify_totp_code(
    state: web::Data<AuthState>, caller: MfaCaller, meta: RequestMeta, body: web::Json<CodeRequest>,
) -> Result<HttpResponse, ApiError> {
    let user_id = caller.user_id();
    second_factor(&state, &caller, &meta).await?;
    let user = email_of(&state, user_id).await?;
    if !check_totp(&state, user_id, &user.email, &body.code, false).await? {
        return Err(refused(&state, user_id, &meta, wrong_code()).await?);
    }
    finish(&state, caller, user, "totp", &meta).await
}

/// Completes a sign-in with a backup code (each works once), answering the token pair.
///
/// Permissions: the holder of an `mfa_token`, or any signed-in user (step-up).
#[utoipa::path(post, path = "/api/v1/mfa/backup-codes/verify", tag = "MFA", request_body = CodeRequest,
    responses((status = 200, body = TokenPair), (status = 401, body = janua_core::error::ErrorEnvelope),
        refusals::Forbidden),
    security(("mfa_token" = []), ("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn verify_backup_code(
    state: web::Data<AuthState>, caller: MfaCaller, meta: RequestMeta, body: web::Json<CodeRequest>,
) -> Result<HttpResponse, ApiError> {
    let user_id = caller.user_id();
    second_factor(&state, &caller, &meta).await?;
    let used = {
        let mut conn = state.pool.get().await?;
        store::use_backup_code(&mut conn, user_id, &mfa::backup_code_hash(&body.code), Utc::now()).await?
    };
    if !used {
        return Err(refused(&state, user_id, &meta, wrong_code()).await?);
    }
    let user = email_of(&state, user_id).await?;
    finish(&state, caller, user, "backup_code", &meta).await
}

/// Throttling and the challenge's attempt budget, before any code is looked at.
async fn second_factor(state: &AuthState, caller: &MfaCaller, meta: &RequestMeta) -> Result<(), ApiError> {
    state.throttle.check(&account(caller.user_id()), meta.ip.as_deref()).await?;
    if let MfaCaller::Challenge(claims) = caller {
        mfa::attempt(state, claims.sid).await?;
    }
    Ok(())
}

async fn finish(
    state: &AuthState, caller: MfaCaller, user: crate::identity_client::IdentityUser, factor: &str,
    meta: &RequestMeta,
) -> Result<HttpResponse, ApiError> {
    state.throttle.record_success(&account(user.id), meta.ip.as_deref()).await?;
    match caller {
        MfaCaller::SignedIn(_) => Ok(HttpResponse::Ok().json(serde_json::json!({ "verified": true }))),
        MfaCaller::Challenge(claims) => {
            if !mfa::complete(state, claims.sid).await? {
                return Err(ApiError::unauthorized("mfa_token_spent"));
            }
            if user.status != "active" {
                return Err(suspended());
            }
            let method = format!("password+{factor}");
            Ok(HttpResponse::Ok().json(signed_in(state, &user, &method, meta).await?))
        }
    }
}

/// How many backup codes are left (the codes themselves are shown only when made).
///
/// Permissions: any signed-in user (their own account).
#[utoipa::path(get, path = "/api/v1/mfa/backup-codes", tag = "MFA",
    responses((status = 200, body = Object)), security(("bearer" = [])))]
pub async fn backup_codes_remaining(
    state: web::Data<AuthState>, auth: Authenticated,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let remaining = store::backup_codes_remaining(&mut conn, auth.user_id()).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "remaining": remaining })))
}

/// Ten new backup codes; the old ones stop working.
///
/// Permissions: any signed-in user with TOTP enabled (their own account).
#[utoipa::path(post, path = "/api/v1/mfa/backup-codes/regenerate", tag = "MFA",
    responses((status = 200, body = BackupCodes), refusals::Conflict),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %auth.user_id()))]
pub async fn regenerate_backup_codes(
    state: web::Data<AuthState>, auth: Reauthenticated, meta: RequestMeta,
) -> Result<HttpResponse, ApiError> {
    let user_id = auth.user_id();
    let (codes, hashes) = mfa::backup_codes();
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        if !store::totp_enabled(conn, user_id).await? {
            return Err(ApiError::keyed(ErrorCode::Conflict, "error.auth.backup_codes_need_totp", vec![]));
        }
        store::replace_backup_codes(conn, user_id, &hashes).await?;
        janua_db::outbox::enqueue(
            conn,
            &events::mfa_changed("mfa.backup_codes_regenerated", user_id, "backup_code", meta.into()),
        )
        .await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::Ok().json(BackupCodes { backup_codes: codes }))
}

/// Which second factors the caller has.
///
/// Permissions: any signed-in user (their own account).
#[utoipa::path(get, path = "/api/v1/mfa/status", tag = "MFA",
    responses((status = 200, body = MfaStatus)), security(("bearer" = [])))]
pub async fn mfa_status(state: web::Data<AuthState>, auth: Authenticated) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let totp_enabled = store::totp_enabled(&mut conn, auth.user_id()).await?;
    let backup_codes_remaining = store::backup_codes_remaining(&mut conn, auth.user_id()).await?;
    let passkeys = crate::store::passkeys::count(&mut conn, auth.user_id()).await?;
    Ok(HttpResponse::Ok().json(MfaStatus { totp_enabled, backup_codes_remaining, passkeys }))
}
