//! `POST /api/v1/auth/reauthenticate`: proving a factor again in the current session. Sensitive
//! changes (deleting the account, changing the address, adding or removing a passkey, linking
//! or unlinking a provider, turning TOTP on or off, new backup codes) need a factor proven
//! within `tokens.reauth_window_secs`, as the access token's `auth_time` says. A sign-in sets
//! it; a refresh keeps it; this route renews it without starting a new session. A passkey
//! proves itself by signing in (`/passkeys/authenticate/*`), which starts a session of its own.

use crate::domain::sessions;
use crate::domain::throttle::user_account;
use crate::handlers::auth::record_signin_failure;
use crate::store::{credentials, sessions as session_store};
use crate::{AuthState, events};
use actix_web::{HttpResponse, web};
use chrono::Utc;
use diesel_async::AsyncConnection;
use janua_core::ApiError;
use janua_core::error::refusals;
use janua_core::http::RequestMeta;
use janua_tokens::Authenticated;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReauthRequest {
    /// The account's password.
    pub password: Option<String>,
    /// Or a current code of the account's authenticator app (TOTP).
    pub code: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReauthAnswer {
    /// An access token of the same session whose `auth_time` is now.
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    /// When the factor was proven (unix seconds); refreshed tokens of the session keep it.
    pub auth_time: i64,
}

/// Proves a factor again (the password or a TOTP code) and answers an access token of the
/// same session carrying the new `auth_time`. Wrong answers count toward the sign-in
/// throttling of the account.
///
/// Permissions: any signed-in user (their own account).
#[utoipa::path(post, path = "/api/v1/auth/reauthenticate", tag = "Auth", request_body = ReauthRequest,
    responses((status = 200, body = ReauthAnswer), refusals::Invalid,
        (status = 401, body = janua_core::error::ErrorEnvelope), (status = 429, body = janua_core::error::ErrorEnvelope)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %auth.user_id()))]
pub async fn reauthenticate(
    state: web::Data<AuthState>, auth: Authenticated, meta: RequestMeta, body: web::Json<ReauthRequest>,
) -> Result<HttpResponse, ApiError> {
    let (user_id, session_id) = (auth.user_id(), auth.session_id());
    let account = user_account(user_id);
    state.throttle.check(&account, meta.ip.as_deref()).await?;
    let user = state.user(user_id).await?.ok_or_else(|| ApiError::unauthorized("user_gone"))?;
    let (proven, factor) = match (&body.password, &body.code) {
        (Some(password), None) => {
            let stored = {
                let mut conn = state.pool.get().await?;
                credentials::password_hash(&mut conn, user_id).await?
            };
            let too_long = password.chars().count() > crate::domain::password::MAX_LEN;
            (!too_long && state.hasher.verify(password, stored.as_deref()).await?, "password")
        }
        (None, Some(code)) => {
            (crate::handlers::mfa::check_totp(&state, user_id, &user.email, code, false).await?, "totp")
        }
        _ => {
            return Err(ApiError::invalid("password", "error.auth.reauth_proof_required", vec![]));
        }
    };
    if !proven {
        state.throttle.record_failure(&account, meta.ip.as_deref()).await?;
        record_signin_failure(&state, "reauth", Some(user_id), "reauthentication_failed", &meta).await?;
        return Err(ApiError::invalid_credentials());
    }
    state.throttle.record_success(&account, meta.ip.as_deref()).await?;
    let now = Utc::now();
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        if !session_store::touch_auth_time(conn, user_id, session_id, now).await? {
            return Err(ApiError::unauthorized("session_revoked"));
        }
        janua_db::outbox::enqueue(
            conn,
            &events::reauthenticated(user_id, session_id, factor, meta.clone().into()),
        )
        .await?;
        Ok(())
    })
    .await?;
    drop(conn);
    let access_token = sessions::access_token(&state, user_id, session_id, &user.roles, now)?;
    Ok(HttpResponse::Ok().insert_header((actix_web::http::header::CACHE_CONTROL, "no-store")).json(
        ReauthAnswer {
            access_token,
            token_type: "Bearer",
            expires_in: state.settings.tokens.access_ttl_secs,
            auth_time: now.timestamp(),
        },
    ))
}
