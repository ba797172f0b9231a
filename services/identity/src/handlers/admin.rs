//! Platform administration of users: the list (`GET /api/v1/users`, `GET /api/v1/admin/users`)
//! and suspension. Every route here goes through the [`PlatformAdmin`] guard.

use crate::IdentityState;
use crate::domain::user::{UserView, parse_status};
use crate::{events, store};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use futures::future::LocalBoxFuture;
use janua_core::error::refusals;
use janua_core::http::{RequestMeta, optional_json};
use janua_core::pagination::{Page, PageQuery};
use janua_core::{ApiError, ErrorCode};
use janua_tokens::Authenticated;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A caller with a full access token and the platform `admin` role; anyone else gets 403.
pub struct PlatformAdmin(pub Authenticated);

impl FromRequest for PlatformAdmin {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let auth = Authenticated::from_request(req, payload);
        Box::pin(async move {
            let auth = auth.await?;
            if !auth.is_admin() {
                return Err(ApiError::keyed(
                    ErrorCode::Forbidden,
                    "error.accounts.platform_admins_only",
                    vec![],
                ));
            }
            Ok(PlatformAdmin(auth))
        })
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct UserListQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// Case-insensitive: the start of the email or of its domain, or the starts of words of the
    /// name (`ada lov` finds Ada Lovelace).
    pub q: Option<String>,
    /// `active`, `suspended`.
    pub status: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuspendRequest {
    pub reason: Option<String>,
}

/// Users in sign-up order, with search and a status filter.
///
/// Permissions: platform admins.
#[utoipa::path(get, path = "/api/v1/users", tag = "Users", params(UserListQuery),
    responses((status = 200, body = Page<UserView>), refusals::Forbidden),
    security(("bearer" = [])))]
pub async fn list_users(
    state: web::Data<IdentityState>, _admin: PlatformAdmin, q: web::Query<UserListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    let page = PageQuery { limit: q.limit, cursor: q.cursor };
    let limit = page.limit()?;
    let after = page.after::<(DateTime<Utc>, Uuid)>()?;
    let status = q.status.as_deref().map(parse_status).transpose()?;
    let search = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if search.is_some_and(|s| s.len() > 254) {
        return Err(ApiError::invalid("q", "error.accounts.search_too_long", vec![]));
    }
    let mut conn = state.pool.get().await?;
    let rows = store::users::list(&mut conn, search, status, after, limit + 1).await?;
    let page = Page::from_rows(rows, limit, |u| (u.created_at, u.id));
    Ok(HttpResponse::Ok().json(page.map(|u| UserView::from(&u))))
}

/// The same list under the Admin router.
///
/// Permissions: platform admins.
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "Admin", params(UserListQuery),
    responses((status = 200, body = Page<UserView>), refusals::Forbidden),
    security(("bearer" = [])))]
pub async fn admin_users(
    state: web::Data<IdentityState>, admin: PlatformAdmin, q: web::Query<UserListQuery>,
) -> Result<HttpResponse, ApiError> {
    list_users(state, admin, q).await
}

async fn set_status(
    state: &IdentityState, admin: &PlatformAdmin, user_id: Uuid, to: &str, reason: Option<String>,
    meta: RequestMeta,
) -> Result<UserView, ApiError> {
    if user_id == admin.0.user_id() {
        return Err(ApiError::keyed(ErrorCode::Conflict, "error.accounts.suspend_self", vec![]));
    }
    let event_type = if to == "suspended" { "user.suspended" } else { "user.unsuspended" };
    let mut conn = state.pool.get().await?;
    let user = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let current = store::users::find(conn, user_id)
                .await?
                .ok_or_else(|| ApiError::keyed(ErrorCode::NotFound, "error.accounts.no_such_user", vec![]))?;
            if current.status == to {
                return Ok(current);
            }
            let user = store::users::set_status(conn, user_id, to).await?;
            janua_db::outbox::enqueue(
                conn,
                &events::user_status_changed(
                    event_type,
                    &user,
                    admin.0.user_id(),
                    reason.as_deref(),
                    meta.into(),
                ),
            )
            .await?;
            Ok(user)
        })
        .await?;
    // At once, for every token of the user; auth also revokes the sessions on the event.
    if to == "suspended" {
        state.revocations.block_user(user_id).await?;
    } else {
        state.revocations.unblock_user(user_id).await?;
    }
    Ok(UserView::from(&user))
}

/// Suspends a user: every token stops working at once, every session is revoked, and
/// sign-in answers 403 `ACCOUNT_SUSPENDED` until unsuspended.
///
/// Permissions: platform admins (not on themselves).
#[utoipa::path(post, path = "/api/v1/admin/users/{user_id}/suspend", tag = "Admin",
    params(("user_id" = Uuid, Path)), request_body(content = SuspendRequest, description = "optional"),
    responses((status = 200, body = UserView), refusals::Forbidden,
        refusals::NotFound),
    security(("bearer" = [])))]
pub async fn suspend(
    state: web::Data<IdentityState>, admin: PlatformAdmin, meta: RequestMeta, path: web::Path<Uuid>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let request: SuspendRequest = optional_json(&body)?.unwrap_or_default();
    if request.reason.as_ref().is_some_and(|r| r.chars().count() > 500) {
        return Err(ApiError::invalid("reason", "error.accounts.reason_too_long", vec![]));
    }
    let user = set_status(&state, &admin, path.into_inner(), "suspended", request.reason, meta).await?;
    Ok(HttpResponse::Ok().json(user))
}

/// Lifts a suspension: the user may sign in again (old sessions stay revoked).
///
/// Permissions: platform admins.
#[utoipa::path(post, path = "/api/v1/admin/users/{user_id}/unsuspend", tag = "Admin",
    params(("user_id" = Uuid, Path)),
    responses((status = 200, body = UserView), refusals::Forbidden,
        refusals::NotFound),
    security(("bearer" = [])))]
pub async fn unsuspend(
    state: web::Data<IdentityState>, admin: PlatformAdmin, meta: RequestMeta, path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let user = set_status(&state, &admin, path.into_inner(), "active", None, meta).await?;
    Ok(HttpResponse::Ok().json(user))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteAccount {
    /// The current password; may be left out when a factor was proven (a sign-in or
    /// `POST /auth/reauthenticate`) at most `JANUA_TOKENS__REAUTH_WINDOW_SECS` ago.
    pub password: Option<String>,
}

/// Asks auth whether `password` is the user's (auth throttles the attempts).
async fn password_matches(
    state: &IdentityState, user_id: Uuid, password: &str, meta: &RequestMeta,
) -> Result<bool, ApiError> {
    use secrecy::ExposeSecret;
    let mut req = state
        .http
        .post(format!(
            "{}/internal/v1/users/{user_id}/verify-password",
            state.settings.auth.url.trim_end_matches('/')
        ))
        .header(janua_core::http::SERVICE_TOKEN_HEADER, state.settings.secrets.service_token.expose_secret())
        .headers(janua_core::telemetry::trace_headers())
        .json(&serde_json::json!({ "password": password }))
        .timeout(std::time::Duration::from_secs(10));
    if let Some(ip) = &meta.ip {
        // Auth throttles by the caller's address, not identity's.
        req = req.header("x-forwarded-for", ip);
    }
    let resp = req.send().await.map_err(|_| ApiError::unavailable("the auth service"))?;
    match resp.status() {
        s if s.is_success() => {
            let body: serde_json::Value = resp.json().await.map_err(ApiError::internal)?;
            Ok(body["valid"] == true)
        }
        reqwest::StatusCode::TOO_MANY_REQUESTS => {
            let retry = resp
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok())
                .unwrap_or(60);
            Err(ApiError::too_many_requests(retry))
        }
        _ => Err(ApiError::unavailable("the auth service")),
    }
}

/// Deletes the account and tells every service (`user.deleted`); its tokens stop working at
/// once.
async fn delete_account(
    state: &IdentityState, user_id: Uuid, reason: &str, meta: RequestMeta,
) -> Result<(), ApiError> {
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let user = store::users::find(conn, user_id)
            .await?
            .ok_or_else(|| ApiError::keyed(ErrorCode::NotFound, "error.accounts.no_such_user", vec![]))?;
        store::users::delete(conn, user_id, state.revocations.ttl_secs()).await?;
        janua_db::outbox::enqueue(conn, &events::user_deleted(&user, reason, meta.into())).await?;
        Ok(())
    })
    .await?;
    state.revocations.block_user_until_tokens_expire(user_id).await?;
    Ok(())
}

/// Deletes an account everywhere: identity removes the record, and every service deletes
/// its part when `user.deleted` reaches it.
///
/// Permissions: the user themself, with the password or a fresh sign-in; platform admins.
/// Anyone else gets 404.
#[utoipa::path(delete, path = "/api/v1/users/{user_id}", tag = "Users",
    params(("user_id" = Uuid, Path)), request_body(content = DeleteAccount, description = "optional"),
    responses((status = 204), (status = 401, body = janua_core::error::ErrorEnvelope),
        refusals::NotFound, (status = 429, body = janua_core::error::ErrorEnvelope)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %path))]
pub async fn delete_user(
    state: web::Data<IdentityState>, auth: Authenticated, meta: RequestMeta, path: web::Path<Uuid>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let user_id = path.into_inner();
    let own = user_id == auth.user_id();
    if !own && !auth.is_admin() {
        return Err(ApiError::keyed(ErrorCode::NotFound, "error.accounts.no_such_user", vec![]));
    }
    if own {
        let request: DeleteAccount = optional_json(&body)?.unwrap_or_default();
        match request.password {
            Some(password) => {
                if !password_matches(&state, user_id, &password, &meta).await? {
                    return Err(ApiError::invalid_credentials());
                }
            }
            None => {
                // The time a factor was proven, not the token's: a refresh renews `iat`.
                let window = state.settings.tokens.reauth_window_secs;
                if !auth.0.authenticated_within(window, Utc::now().timestamp()) {
                    return Err(janua_tokens::extract::reauthentication_required());
                }
            }
        }
    }
    let reason = if own { "deleted_by_user" } else { "deleted_by_admin" };
    delete_account(&state, user_id, reason, meta).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Deletes an account without asking anything of its holder.
///
/// Permissions: platform admins (not on themselves: use `DELETE /api/v1/users/{id}`).
#[utoipa::path(delete, path = "/api/v1/admin/users/{user_id}/force-delete", tag = "Admin",
    params(("user_id" = Uuid, Path)),
    responses((status = 204), refusals::Forbidden,
        refusals::NotFound, refusals::Conflict),
    security(("bearer" = [])))]
pub async fn force_delete(
    state: web::Data<IdentityState>, admin: PlatformAdmin, meta: RequestMeta, path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let user_id = path.into_inner();
    if user_id == admin.0.user_id() {
        return Err(ApiError::keyed(ErrorCode::Conflict, "error.accounts.delete_self", vec![]));
    }
    delete_account(&state, user_id, "force_deleted_by_admin", meta).await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn internal_json(state: &IdentityState, base: &str, what: &str) -> Result<serde_json::Value, ApiError> {
    use secrecy::ExposeSecret;
    let resp = state
        .http
        .get(format!("{}/internal/v1/stats", base.trim_end_matches('/')))
        .header(janua_core::http::SERVICE_TOKEN_HEADER, state.settings.secrets.service_token.expose_secret())
        .headers(janua_core::telemetry::trace_headers())
        .timeout(std::time::Duration::from_secs(5))
        .send()
        .await
        .map_err(|_| ApiError::unavailable(what))?;
    if !resp.status().is_success() {
        return Err(ApiError::unavailable(what));
    }
    resp.json().await.map_err(ApiError::internal)
}

/// Platform figures: users by status, sign-ups and sign-ins per day (30 days, UTC), MFA
/// adoption, organizations, live sessions. Each service counts what it owns.
///
/// Permissions: platform admins.
#[utoipa::path(get, path = "/api/v1/admin/stats", tag = "Admin",
    responses((status = 200, body = Object), refusals::Forbidden,
        (status = 503, body = janua_core::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn stats(state: web::Data<IdentityState>, _admin: PlatformAdmin) -> Result<HttpResponse, ApiError> {
    use diesel::sql_types::{BigInt, Text};
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName, Serialize)]
    struct Bucket {
        #[diesel(sql_type = Text)]
        key: String,
        #[diesel(sql_type = BigInt)]
        count: i64,
    }
    let (by_status, signups, mfa) = {
        let mut conn = state.pool.get().await?;
        let by_status: Vec<Bucket> = janua_db::prepared::sql(
            "SELECT status AS key, count(*) AS count FROM users GROUP BY 1 ORDER BY 1",
        )
        .load(&mut conn)
        .await?;
        let signups: Vec<Bucket> = janua_db::prepared::sql(
            "SELECT to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS key, count(*) AS count
             FROM users WHERE created_at > now() - interval '30 days' GROUP BY 1 ORDER BY 1",
        )
        .load(&mut conn)
        .await?;
        let mfa: Vec<Bucket> = janua_db::prepared::sql(
            "SELECT CASE WHEN mfa_enabled THEN 'enabled' ELSE 'disabled' END AS key, count(*) AS count FROM users GROUP BY 1",
        )
        .load(&mut conn)
        .await?;
        (by_status, signups, mfa)
    };
    let (auth, org) = futures::join!(
        internal_json(&state, &state.settings.auth.url, "the auth service"),
        internal_json(&state, &state.settings.org.url, "the org service")
    );
    let (auth, org) = (auth?, org?);
    let total: i64 = by_status.iter().map(|b| b.count).sum();
    let with_mfa = mfa.iter().find(|b| b.key == "enabled").map(|b| b.count).unwrap_or(0);
    let statuses: serde_json::Map<String, serde_json::Value> =
        by_status.iter().map(|b| (b.key.clone(), b.count.into())).collect();
    let per_day = |rows: &[Bucket]| -> Vec<serde_json::Value> {
        rows.iter().map(|b| serde_json::json!({ "date": b.key, "count": b.count })).collect()
    };
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "users": { "total": total, "by_status": statuses },
        "sign_ups_per_day": per_day(&signups),
        "sign_ins_per_day": auth["sign_ins_per_day"],
        "mfa": {
            "enabled": with_mfa,
            "adoption": if total > 0 { with_mfa as f64 / total as f64 } else { 0.0 },
        },
        "organizations": org["organizations"],
        "memberships": org["memberships"],
        "sessions_active": auth["sessions_active"],
    })))
}
