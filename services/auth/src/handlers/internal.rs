//! `/internal/v1` of auth: operations for operators and sibling services, guarded by the
//! shared service token and never routed by the gateway.

use crate::AuthState;
use actix_web::{HttpRequest, HttpResponse, web};
use janua_core::ApiError;
use janua_tokens::jwks::KeySource;
use secrecy::ExposeSecret;

fn require_service_token(req: &HttpRequest, state: &AuthState) -> Result<(), ApiError> {
    janua_core::http::require_service_token(req, state.settings.secrets.service_token.expose_secret())
}

/// Retires the current signing key now and starts a new one (e.g. after a suspected leak).
/// Tokens of the old key keep verifying for one access-token lifetime.
pub async fn rotate_keys(req: HttpRequest, state: web::Data<AuthState>) -> Result<HttpResponse, ApiError> {
    require_service_token(&req, &state)?;
    state.keys.reload(true).await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "signing_kid": state.keys.current().signing_kid() })))
}

/// Re-reads the keys from the database (after an operator changed them there).
pub async fn reload_keys(req: HttpRequest, state: web::Data<AuthState>) -> Result<HttpResponse, ApiError> {
    require_service_token(&req, &state)?;
    state.keys.reload(false).await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "signing_kid": state.keys.current().signing_kid() })))
}

#[derive(Debug, serde::Deserialize)]
pub struct PasswordCheck {
    pub password: String,
}

/// Re-authentication for a sibling service (identity, before deleting an account): is this
/// the user's password? Failures count toward the brute-force throttling like sign-ins.
pub async fn verify_password(
    req: HttpRequest,
    state: web::Data<AuthState>,
    meta: janua_core::http::RequestMeta,
    path: web::Path<uuid::Uuid>,
    body: web::Json<PasswordCheck>,
) -> Result<HttpResponse, ApiError> {
    require_service_token(&req, &state)?;
    let user_id = path.into_inner();
    let account = crate::domain::throttle::user_account(user_id);
    state.throttle.check(&account, meta.ip.as_deref()).await?;
    let stored = {
        let mut conn = state.pool.get().await?;
        crate::store::credentials::password_hash(&mut conn, user_id).await?
    };
    let too_long = body.password.chars().count() > crate::domain::password::MAX_LEN;
    let valid = !too_long && state.hasher.verify(&body.password, stored.as_deref()).await?;
    if valid {
        state.throttle.record_success(&account).await?;
    } else {
        state
            .throttle
            .record_failure(&account, meta.ip.as_deref())
            .await?;
    }
    Ok(HttpResponse::Ok().json(serde_json::json!({ "valid": valid })))
}

/// Figures for the admin dashboard: live sessions, and sign-ins per day (UTC) for 30 days.
pub async fn stats(req: HttpRequest, state: web::Data<AuthState>) -> Result<HttpResponse, ApiError> {
    use diesel::sql_types::{BigInt, Text};
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName, serde::Serialize)]
    struct Day {
        #[diesel(sql_type = Text)]
        date: String,
        #[diesel(sql_type = BigInt)]
        count: i64,
    }
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    require_service_token(&req, &state)?;
    let mut conn = state.pool.get().await?;
    let active: Count = diesel::sql_query(
        "SELECT count(*) AS n FROM sessions WHERE revoked_at IS NULL AND expires_at > now()",
    )
    .get_result(&mut conn)
    .await?;
    let days: Vec<Day> = diesel::sql_query(
        "SELECT to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS date, count(*) AS count
         FROM sessions WHERE created_at > now() - interval '30 days'
         GROUP BY 1 ORDER BY 1",
    )
    .load(&mut conn)
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "sessions_active": active.n, "sign_ins_per_day": days })))
}
