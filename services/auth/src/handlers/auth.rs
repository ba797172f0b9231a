//! The Auth router (`/api/v1/auth`): signup, signin, signout, refresh, forgot/reset password,
//! verify email, resend verification. (`GET /auth/me` is answered by identity, the owner of
//! the user record.)

use crate::domain::password::check_policy;
use crate::domain::sessions::{self, RefreshOutcome};
use crate::domain::throttle::Origin;
use crate::domain::{email_proof, sign_in_methods};
use crate::identity_client::{CreateOutcome, IdentityUser};
use crate::letters::{Kind, Letter};
use crate::store::{credentials, one_time_tokens, sessions as session_store};
use crate::{AuthState, events, mailer};
use actix_web::{HttpResponse, web};
use chrono::{Duration, Utc};
use diesel_async::AsyncConnection;
use janua_core::ApiError;
use janua_core::error::refusals;
use janua_core::http::RequestMeta;
use janua_tokens::Authenticated;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SignupRequest {
    pub email: String,
    pub password: String,
    pub name: Option<String>,
    /// BCP 47 tag: the language of the account's mail; else the one `Accept-Language` asks
    /// for (among the shipped ones), else the configured default.
    pub locale: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SigninRequest {
    pub email: String,
    pub password: String,
    /// The `device_token` an earlier sign-in of this account gave this device (browsers send
    /// the `janua_device` cookie instead): its failed attempts are throttled apart from
    /// everyone else's, so a stranger guessing the password cannot lock this device out.
    pub device_token: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct EmailRequest {
    pub email: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ResetPasswordRequest {
    pub token: String,
    pub password: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TokenRequest {
    pub token: String,
}

/// Answer of signup, signin and refresh (API.md "Token pair").
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenPair {
    #[schema(value_type = Object)]
    pub user: serde_json::Value,
    pub access_token: String,
    pub refresh_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
}

pub(crate) fn token_pair(
    state: &AuthState, user: &IdentityUser, session: sessions::IssuedSession,
) -> Result<TokenPair, ApiError> {
    Ok(TokenPair {
        user: user.public(),
        access_token: sessions::access_token(
            state,
            user.id,
            session.session_id,
            &user.roles,
            session.auth_time,
        )?,
        refresh_token: session.refresh_token,
        token_type: "Bearer",
        expires_in: state.settings.tokens.access_ttl_secs,
    })
}

/// A new session for a user who has proven all they must: its token pair.
pub(crate) async fn signed_in(
    state: &AuthState, user: &IdentityUser, method: &str, meta: &RequestMeta,
) -> Result<TokenPair, ApiError> {
    let mut conn = state.pool.get().await?;
    let issued = conn
        .transaction::<_, ApiError, _>(async |conn| {
            sessions::create(conn, state, user.id, method, meta).await
        })
        .await?;
    token_pair(state, user, issued)
}

/// Answer of a first factor when a second one is due (API.md).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MfaRequired {
    pub mfa_required: bool,
    /// Bearer token for `POST /mfa/totp/verify-code` and `POST /mfa/backup-codes/verify` only.
    pub mfa_token: String,
    pub methods: Vec<&'static str>,
    pub expires_in: i64,
}

/// After a first factor: the token pair, or, if the user has a second factor, the challenge.
pub(crate) async fn session_or_mfa_challenge(
    state: &AuthState, user: &IdentityUser, method: &str, meta: &RequestMeta,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(sign_in_outcome(state, user, method, meta).await?))
}

/// The answer of a first factor as JSON: a [`TokenPair`] or an [`MfaRequired`] challenge.
pub(crate) async fn sign_in_outcome(
    state: &AuthState, user: &IdentityUser, method: &str, meta: &RequestMeta,
) -> Result<serde_json::Value, ApiError> {
    let mut conn = state.pool.get().await?;
    let answer = if crate::store::mfa::totp_enabled(&mut conn, user.id).await? {
        count_signin(method, "mfa_required");
        janua_db::outbox::enqueue(
            &mut conn,
            &events::mfa_changed("mfa.challenge_issued", user.id, method, meta.clone().into()),
        )
        .await?;
        serde_json::to_value(MfaRequired {
            mfa_required: true,
            mfa_token: crate::domain::mfa::mfa_token(state, user.id)?,
            methods: vec!["totp", "backup_code"],
            expires_in: crate::domain::mfa::MFA_TOKEN_TTL_SECS,
        })
    } else {
        drop(conn);
        serde_json::to_value(signed_in(state, user, method, meta).await?)
    };
    answer.map_err(ApiError::internal)
}

/// A sign-in attempt in the metrics: its method (`password`, `magic_link`, `passkey`, `mfa`,
/// `oauth`, `sso`, `reauth`; a provider or connection never becomes a label) and outcome
/// (`success`, `failure`, `mfa_required`).
pub(crate) fn count_signin(method: &str, outcome: &'static str) {
    let method = match method {
        m if m.starts_with("password+") => "mfa",
        m if m == "oauth" || m.starts_with("oauth:") => "oauth",
        m if m.starts_with("sso:") => "sso",
        "password" => "password",
        "magic_link" => "magic_link",
        "passkey" => "passkey",
        "reauth" => "reauth",
        "mfa" => "mfa",
        _ => "other",
    };
    metrics::counter!(janua_core::metrics::SIGNINS, "method" => method, "outcome" => outcome).increment(1);
}

/// Records a refused sign-in (`user.signin_failed` with why), whatever the method.
pub(crate) async fn record_signin_failure(
    state: &AuthState, method: &str, user_id: Option<Uuid>, reason: &str, meta: &RequestMeta,
) -> Result<(), ApiError> {
    count_signin(method, "failure");
    let mut conn = state.pool.get().await?;
    janua_db::outbox::enqueue(&mut conn, &events::user_signin_failed(user_id, reason, meta.clone().into()))
        .await?;
    Ok(())
}

pub(crate) fn normalise_email(raw: &str) -> String {
    raw.trim().to_lowercase()
}

pub(crate) fn suspended() -> ApiError {
    ApiError::suspended()
}

/// Creates an account and signs it in. The email gets a verification link.
///
/// Permissions: anyone.
#[utoipa::path(post, path = "/api/v1/auth/signup", tag = "Auth", request_body = SignupRequest,
    responses((status = 201, body = TokenPair), refusals::Invalid,
        refusals::Conflict))]
#[tracing::instrument(skip_all)]
pub async fn signup(
    state: web::Data<AuthState>, meta: RequestMeta, body: web::Json<SignupRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let email = normalise_email(&body.email);
    if email.is_empty() {
        return Err(ApiError::required("email"));
    }
    check_policy(&body.password, &state.common_passwords, "password")?;
    let hash = state.hasher.hash(&body.password).await?;
    let user_id = janua_core::ids::new_id();
    let user = match state
        .identity
        .create_user_in(user_id, &email, body.name.as_deref(), &[], false, body.locale.as_deref(), &meta)
        .await?
    {
        CreateOutcome::Created(user) => user,
        CreateOutcome::EmailTaken => {
            return Err(ApiError::keyed(janua_core::ErrorCode::Conflict, "error.auth.email_taken", vec![])
                .with_details(serde_json::json!({ "field": "email" })));
        }
    };
    let result = complete_signup(&state, &user, &hash, &meta).await;
    match result {
        Ok(session) => {
            let pair = token_pair(&state, &user, session)?;
            Ok(HttpResponse::Created().json(pair))
        }
        Err(e) => {
            // No half-made account: take the identity record back before answering.
            if let Err(undo) = state.identity.delete_user(user.id, "signup_failed", &meta).await {
                tracing::error!(user_id = %user.id, error = %undo, "could not undo a failed signup; identity keeps an account without credentials");
            }
            Err(e)
        }
    }
}

async fn complete_signup(
    state: &AuthState, user: &IdentityUser, hash: &str, meta: &RequestMeta,
) -> Result<sessions::IssuedSession, ApiError> {
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        credentials::upsert(conn, user.id, hash).await?;
        janua_db::outbox::enqueue(conn, &events::credential_created(user.id, meta.clone().into())).await?;
        queue_verification(conn, state, user, meta).await?;
        sessions::create(conn, state, user.id, "password", meta).await
    })
    .await
}

async fn queue_verification(
    conn: &mut diesel_async::AsyncPgConnection, state: &AuthState, user: &IdentityUser, meta: &RequestMeta,
) -> Result<(), ApiError> {
    let mailing = email_proof::Mailing::of(state);
    email_proof::queue_verification(conn, &mailing, user, meta.clone().into()).await?;
    Ok(())
}

/// Signs in with email and password. Unknown emails and wrong passwords get the same answer
/// after the same work; repeated failures are slowed down (429 with Retry-After).
///
/// Permissions: anyone.
#[utoipa::path(post, path = "/api/v1/auth/signin", tag = "Auth", request_body = SigninRequest,
    responses((status = 200, body = TokenPair), (status = 401, body = janua_core::error::ErrorEnvelope),
        refusals::Forbidden, (status = 429, body = janua_core::error::ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
pub async fn signin(
    req: actix_web::HttpRequest, state: web::Data<AuthState>, meta: RequestMeta,
    body: web::Json<SigninRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let email = normalise_email(&body.email);
    if email.is_empty() {
        return Err(ApiError::required("email"));
    }
    if body.password.is_empty() || body.password.chars().count() > crate::domain::password::MAX_LEN {
        return Err(ApiError::invalid_credentials());
    }
    let presented = body
        .device_token
        .clone()
        .or_else(|| req.cookie(crate::domain::throttle::DEVICE_COOKIE).map(|c| c.value().to_owned()));
    let device = presented.as_deref().and_then(|token| state.devices.verify(&email, token));
    let origin = Origin { ip: meta.ip.as_deref(), device: device.as_deref() };
    state.throttle.check_from(&email, origin).await?;
    // Shed at once when the hashing pool is full, before the account is looked up.
    state.hasher.admits_check()?;
    let user = state.identity.find_by_email(&email).await?;
    let stored = match &user {
        Some(u) => {
            let mut conn = state.pool.get().await?;
            credentials::password_hash(&mut conn, u.id).await?
        }
        None => None,
    };
    let ok = state.hasher.verify(&body.password, stored.as_deref()).await?;
    let (true, Some(user)) = (ok, user) else {
        state.throttle.record_failure_from(&email, origin).await?;
        record_signin_failure(&state, "password", None, "invalid_credentials", &meta).await?;
        return Err(ApiError::invalid_credentials());
    };
    if user.status != "active" {
        return Err(suspended());
    }
    state.throttle.record_success_from(&email, origin).await?;
    let mut answer = sign_in_outcome(&state, &user, "password", &meta).await?;
    // This device proved the password: from now on it has its own budget for this account.
    let token = match device {
        Some(_) => presented.unwrap_or_default(),
        None => state.devices.issue(&email),
    };
    answer["device_token"] = serde_json::json!(token);
    let cookie = actix_web::cookie::Cookie::build(crate::domain::throttle::DEVICE_COOKIE, token)
        .path("/api/v1/auth")
        .http_only(true)
        .secure(state.settings.public_url.starts_with("https://"))
        .same_site(actix_web::cookie::SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish();
    Ok(HttpResponse::Ok().cookie(cookie).json(answer))
}

/// Ends the current session: its access and refresh tokens stop working at once.
///
/// Permissions: any signed-in user.
#[utoipa::path(post, path = "/api/v1/auth/signout", tag = "Auth",
    responses((status = 204), (status = 401, body = janua_core::error::ErrorEnvelope)), security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %auth.user_id()))]
pub async fn signout(
    state: web::Data<AuthState>, auth: Authenticated, meta: RequestMeta,
) -> Result<HttpResponse, ApiError> {
    let (user_id, session_id) = (auth.user_id(), auth.session_id());
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        if session_store::revoke(conn, session_id, "signout", Utc::now()).await? {
            janua_db::outbox::enqueue(
                conn,
                &events::session_revoked(user_id, session_id, "signout", Some(user_id), meta.into()),
            )
            .await?;
        }
        Ok(())
    })
    .await?;
    state.revocations.revoke(session_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Trades a refresh token for a new pair. The presented token is spent; presenting it again
/// revokes the whole session.
///
/// Permissions: anyone holding a refresh token.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "Auth", request_body = RefreshRequest,
    responses((status = 200, body = TokenPair), (status = 401, body = janua_core::error::ErrorEnvelope),
        refusals::Forbidden))]
#[tracing::instrument(skip_all)]
pub async fn refresh(
    state: web::Data<AuthState>, meta: RequestMeta, body: web::Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let presented = body.into_inner().refresh_token;
    if presented.is_empty() || presented.len() > 256 {
        return Err(ApiError::unauthorized("refresh_token_invalid"));
    }
    let mut conn = state.pool.get().await?;
    let record = state.settings.tokens.refresh_events;
    // Without the event, the rotation needs no transaction around it (one statement).
    let outcome = if record {
        conn.transaction::<_, ApiError, _>(async |conn| sessions::rotate(conn, &presented, &meta, true).await)
            .await?
    } else {
        sessions::rotate(&mut conn, &presented, &meta, false).await?
    };
    // Give the connection back before anything else takes one: holding two at once per
    // request deadlocks the pool under load.
    drop(conn);
    match outcome {
        RefreshOutcome::Invalid => Err(ApiError::unauthorized("refresh_token_invalid")),
        RefreshOutcome::Reused { user_id, session_id } => {
            tracing::warn!(%user_id, %session_id, "refresh token reuse: session revoked");
            state.revocations.revoke(session_id).await?;
            Err(ApiError::unauthorized("refresh_token_reused"))
        }
        RefreshOutcome::Rotated { user_id, session, profile } => {
            let session_id = session.session_id;
            // A suspension blocks the user in Redis at once, before this service has heard
            // of it through the event.
            if state.revocations.is_revoked(user_id, session_id).await? {
                return Err(suspended());
            }
            let user = match profile {
                Some(user) => *user,
                None => state.user(user_id).await?.ok_or_else(|| ApiError::unauthorized("user_gone"))?,
            };
            if user.status != "active" {
                return Err(suspended());
            }
            Ok(HttpResponse::Ok().json(token_pair(&state, &user, session)?))
        }
    }
}

/// Answers 202 at once and mails `email` after the answer, so neither the answer nor its
/// timing tells whether the email has an account.
pub(crate) fn accept_then<F, Fut>(
    what: &'static str, state: web::Data<AuthState>, email: String, meta: RequestMeta, mail: F,
) -> HttpResponse
where
    F: FnOnce(std::sync::Arc<AuthState>, String, RequestMeta) -> Fut,
    Fut: std::future::Future<Output = Result<(), ApiError>> + Send + 'static,
{
    let work = mail(state.into_inner(), email, meta);
    tokio::spawn(async move {
        if let Err(e) = work.await {
            tracing::warn!(error = %e, "could not queue {what}");
        }
    });
    HttpResponse::Accepted().json(serde_json::json!({
        "message": "if an account exists for this email, a message is on its way"
    }))
}

/// The address of a request to be mailed something about an account.
fn mail_address(body: &EmailRequest) -> Result<String, ApiError> {
    let email = normalise_email(&body.email);
    if email.is_empty() || email.len() > 254 {
        return Err(ApiError::required("email"));
    }
    Ok(email)
}

/// The active account `email` names, while mail of this `kind` may still go to the address
/// this hour; none otherwise, and nothing is sent.
async fn mailable_account(
    state: &AuthState, kind: &str, email: &str,
) -> Result<Option<IdentityUser>, ApiError> {
    let budget = state.settings.rate_limits.emails_per_address_per_hour;
    if !state.throttle.mail_allowed(kind, email, budget).await? {
        return Ok(None);
    }
    Ok(state.identity.find_by_email(email).await?.filter(|u| u.status == "active"))
}

/// Sends a password-reset link (valid 30 minutes). Answers 202 whether or not the email
/// exists; the work happens after the answer so its timing says nothing either.
///
/// Permissions: anyone.
#[utoipa::path(post, path = "/api/v1/auth/forgot-password", tag = "Auth", request_body = EmailRequest,
    responses((status = 202), refusals::Invalid))]
#[tracing::instrument(skip_all)]
pub async fn forgot_password(
    state: web::Data<AuthState>, meta: RequestMeta, body: web::Json<EmailRequest>,
) -> Result<HttpResponse, ApiError> {
    let email = mail_address(&body)?;
    Ok(accept_then("a password reset email", state, email, meta, send_reset))
}

async fn send_reset(
    state: std::sync::Arc<AuthState>, email: String, meta: RequestMeta,
) -> Result<(), ApiError> {
    let Some(user) = mailable_account(&state, "reset", &email).await? else {
        return Ok(());
    };
    let token = janua_core::crypto::random_token();
    let now = Utc::now();
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        one_time_tokens::invalidate_for_user(conn, user.id, one_time_tokens::PURPOSE_RESET_PASSWORD, now)
            .await?;
        one_time_tokens::insert(
            conn,
            &janua_core::crypto::sha256(token.as_bytes()),
            Some(user.id),
            &user.email,
            one_time_tokens::PURPOSE_RESET_PASSWORD,
            now + Duration::seconds(state.settings.tokens.reset_token_ttl_secs),
        )
        .await?;
        let link =
            format!("{}/reset-password?token={}", state.settings.public_url.trim_end_matches('/'), token);
        let letter = Letter::new(Kind::Reset, &user.locale)
            .name(user.name.as_deref())
            .link(link)
            .lifetime(state.settings.tokens.reset_token_ttl_secs);
        mailer::queue(conn, &state.sealer, &user.email, &letter).await?;
        janua_db::outbox::enqueue(conn, &events::password_reset_requested(user.id, meta.clone().into()))
            .await?;
        Ok(())
    })
    .await
}

/// Sets a new password with a reset token. The token is checked before the new password is
/// hashed, so a flood of made-up tokens costs no hashing. Every session of the user is
/// revoked, and the user is told by email which ways to sign in the account still has.
///
/// Permissions: anyone holding a reset token.
#[utoipa::path(post, path = "/api/v1/auth/reset-password", tag = "Auth", request_body = ResetPasswordRequest,
    responses((status = 200), refusals::Invalid,
        (status = 503, body = janua_core::error::ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
pub async fn reset_password(
    state: web::Data<AuthState>, meta: RequestMeta, body: web::Json<ResetPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let invalid = || ApiError::invalid("token", "error.link.reset_invalid", vec![]);
    let token_hash = janua_core::crypto::sha256(body.token.as_bytes());
    let purpose = one_time_tokens::PURPOSE_RESET_PASSWORD;
    {
        let mut conn = state.pool.get().await?;
        one_time_tokens::peek(&mut conn, &token_hash, purpose, Utc::now()).await?.ok_or_else(invalid)?;
    }
    check_policy(&body.password, &state.common_passwords, "password")?;
    let hash = state.hasher.hash(&body.password).await?;
    let mut conn = state.pool.get().await?;
    let (user, revoked) = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let now = Utc::now();
            let token =
                one_time_tokens::consume(conn, &token_hash, purpose, now).await?.ok_or_else(invalid)?;
            // Mail to an address the account no longer has proves nothing about it.
            let user = email_proof::account_of(&state, &token).await?.ok_or_else(invalid)?;
            let user_id = user.id;
            credentials::upsert(conn, user_id, &hash).await?;
            let revoked =
                session_store::revoke_all_of_user(conn, user_id, None, "password_reset", now).await?;
            for sid in &revoked {
                janua_db::outbox::enqueue(
                    conn,
                    &events::session_revoked(
                        user_id,
                        *sid,
                        "password_reset",
                        Some(user_id),
                        meta.clone().into(),
                    ),
                )
                .await?;
            }
            janua_db::outbox::enqueue(conn, &events::password_reset(user_id, meta.clone().into())).await?;
            let methods = sign_in_methods::methods(conn, user_id).await?;
            let letter = password_reset_notice(&state, &user, &meta, now, &methods);
            mailer::queue(conn, &state.sealer, &user.email, &letter).await?;
            Ok((user, revoked))
        })
        .await?;
    state.revocations.revoke_many(&revoked).await?;
    tracing::info!(user_id = %user.id, sessions = revoked.len(), "password reset");
    Ok(HttpResponse::Ok()
        .json(serde_json::json!({ "message": "password has been reset; sign in with the new password" })))
}

/// The mail after a reset: when, from where, that every session ended, and every way the
/// account can still be signed in to, so a planted passkey or linked account stands out.
fn password_reset_notice(
    state: &AuthState, user: &IdentityUser, meta: &RequestMeta, now: chrono::DateTime<Utc>,
    methods: &sign_in_methods::Methods,
) -> Letter {
    Letter::new(Kind::PasswordReset, &user.locale)
        .name(user.name.as_deref())
        .text("when", now.format("%Y-%m-%d %H:%M UTC").to_string())
        .text("address", meta.ip.as_deref().unwrap_or("?"))
        .number("passkeys", methods.passkeys)
        .number("providers", methods.providers)
        .link(format!("{}/forgot-password", state.settings.public_url.trim_end_matches('/')))
}

/// Confirms the email address with the token from the verification link.
///
/// Permissions: anyone holding a verification token.
#[utoipa::path(post, path = "/api/v1/auth/verify-email", tag = "Auth", request_body = TokenRequest,
    responses((status = 200, body = Object), refusals::Invalid))]
#[tracing::instrument(skip_all)]
pub async fn verify_email(
    state: web::Data<AuthState>, meta: RequestMeta, body: web::Json<TokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let token_hash = janua_core::crypto::sha256(body.token.as_bytes());
    let invalid = || ApiError::invalid("token", "error.link.verify_invalid", vec![]);
    let mut conn = state.pool.get().await?;
    // Consumed and confirmed together: if identity cannot be reached the token stays unused.
    let user = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let token = one_time_tokens::consume(
                conn,
                &token_hash,
                one_time_tokens::PURPOSE_VERIFY_EMAIL,
                Utc::now(),
            )
            .await?
            .ok_or_else(invalid)?;
            email_proof::verify_address(&state, &token, &meta).await?.ok_or_else(invalid)
        })
        .await?;
    Ok(HttpResponse::Ok().json(user.public()))
}

/// Sends a new verification link (earlier ones stop working). Answers 202 whatever the email.
///
/// Permissions: anyone.
#[utoipa::path(post, path = "/api/v1/auth/resend-verification", tag = "Auth", request_body = EmailRequest,
    responses((status = 202), refusals::Invalid))]
#[tracing::instrument(skip_all)]
pub async fn resend_verification(
    state: web::Data<AuthState>, meta: RequestMeta, body: web::Json<EmailRequest>,
) -> Result<HttpResponse, ApiError> {
    let email = mail_address(&body)?;
    Ok(accept_then("a verification email", state, email, meta, resend))
}

async fn resend(state: std::sync::Arc<AuthState>, email: String, meta: RequestMeta) -> Result<(), ApiError> {
    let unverified = mailable_account(&state, "verify", &email).await?;
    let Some(user) = unverified.filter(|u| !u.email_verified) else {
        return Ok(());
    };
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| queue_verification(conn, &state, &user, &meta).await)
        .await
}
