//! The Sessions router (`/api/v1/sessions`) and `GET /api/v1/users/{user_id}/sessions`.
//! A session of another user is never visible: it answers 404 like one that does not exist.

use crate::store::sessions::{self as store, Session};
use crate::{AuthState, events};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use janua_core::ApiError;
use janua_core::error::refusals;
use janua_core::http::RequestMeta;
use janua_core::pagination::{Page, PageQuery};
use janua_tokens::Authenticated;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A session as its owner sees it (API.md "Sessions").
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionView {
    pub id: Uuid,
    /// The session of the token making this request.
    pub current: bool,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    /// How it was started: `password`, ...
    pub method: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

fn view(s: &Session, current: Uuid) -> SessionView {
    SessionView {
        id: s.id,
        current: s.id == current,
        user_agent: s.user_agent.clone(),
        ip: s.ip.clone(),
        method: s.auth_method.clone(),
        created_at: s.created_at,
        last_used_at: s.last_used_at,
        expires_at: s.expires_at,
    }
}

async fn page_of(
    state: &AuthState, user_id: Uuid, current: Uuid, q: &PageQuery,
) -> Result<Page<SessionView>, ApiError> {
    let mut conn = state.pool.get().await?;
    let page =
        q.fetch(|before, n| store::list_active(&mut conn, user_id, before, n, Utc::now()), |s| s.id).await?;
    Ok(page.map(|s| view(&s, current)))
}

/// The caller's active sessions, newest first.
///
/// Permissions: any signed-in user (their own sessions).
#[utoipa::path(get, path = "/api/v1/sessions", tag = "Sessions", params(PageQuery),
    responses((status = 200, body = Page<SessionView>), (status = 401, body = janua_core::error::ErrorEnvelope)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %auth.user_id()))]
pub async fn list_sessions(
    state: web::Data<AuthState>, auth: Authenticated, q: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(page_of(&state, auth.user_id(), auth.session_id(), &q).await?))
}

/// A user's active sessions.
///
/// Permissions: the user themself; platform admins. Anyone else gets 404.
#[utoipa::path(get, path = "/api/v1/users/{user_id}/sessions", tag = "Users",
    params(("user_id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Page<SessionView>), refusals::NotFound),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %path))]
pub async fn list_user_sessions(
    state: web::Data<AuthState>, auth: Authenticated, path: web::Path<Uuid>, q: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let user_id = auth.own_or_admin(path.into_inner())?;
    Ok(HttpResponse::Ok().json(page_of(&state, user_id, auth.session_id(), &q).await?))
}

/// One of the caller's sessions.
///
/// Permissions: the session's owner. Anyone else gets 404.
#[utoipa::path(get, path = "/api/v1/sessions/{session_id}", tag = "Sessions",
    params(("session_id" = Uuid, Path)),
    responses((status = 200, body = SessionView), refusals::NotFound),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(session_id = %path))]
pub async fn get_session(
    state: web::Data<AuthState>, auth: Authenticated, path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let session = store::find_active(&mut conn, auth.user_id(), path.into_inner(), Utc::now())
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(view(&session, auth.session_id())))
}

/// Revokes one of the caller's sessions; its tokens stop working at once.
///
/// Permissions: the session's owner. Anyone else gets 404.
#[utoipa::path(delete, path = "/api/v1/sessions/{session_id}", tag = "Sessions",
    params(("session_id" = Uuid, Path)),
    responses((status = 204), refusals::NotFound),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(session_id = %path))]
pub async fn revoke_session(
    state: web::Data<AuthState>, auth: Authenticated, path: web::Path<Uuid>, meta: RequestMeta,
) -> Result<HttpResponse, ApiError> {
    let (user_id, session_id) = (auth.user_id(), path.into_inner());
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let now = Utc::now();
        store::find_active(conn, user_id, session_id, now).await?.ok_or_else(ApiError::not_found)?;
        store::revoke(conn, session_id, "revoked_by_user", now).await?;
        janua_db::outbox::enqueue(
            conn,
            &events::session_revoked(user_id, session_id, "revoked_by_user", Some(user_id), meta.into()),
        )
        .await?;
        Ok(())
    })
    .await?;
    state.revocations.revoke(session_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RevokeAllQuery {
    /// Keep the session making this request (sign out everywhere else). Default false.
    #[serde(default)]
    pub keep_current: bool,
}

/// Revokes every session of the caller (or every other one with `?keep_current=true`).
///
/// Permissions: any signed-in user (their own sessions).
#[utoipa::path(delete, path = "/api/v1/sessions/all", tag = "Sessions", params(RevokeAllQuery),
    responses((status = 204), (status = 401, body = janua_core::error::ErrorEnvelope)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %auth.user_id()))]
pub async fn revoke_all_sessions(
    state: web::Data<AuthState>, auth: Authenticated, q: web::Query<RevokeAllQuery>, meta: RequestMeta,
) -> Result<HttpResponse, ApiError> {
    let user_id = auth.user_id();
    let keep = q.keep_current.then_some(auth.session_id());
    let revoked = revoke_all(&state, user_id, keep, "revoked_by_user", Some(user_id), &meta).await?;
    tracing::info!(count = revoked.len(), "sessions revoked");
    Ok(HttpResponse::NoContent().finish())
}

/// Revokes every live session of `user_id` but `keep`, with their events, then lists them in
/// the revocation set. Returns the revoked ids.
pub async fn revoke_all(
    state: &AuthState, user_id: Uuid, keep: Option<Uuid>, reason: &str, actor: Option<Uuid>,
    meta: &RequestMeta,
) -> Result<Vec<Uuid>, ApiError> {
    let mut conn = state.pool.get().await?;
    let revoked = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let revoked = store::revoke_all_of_user(conn, user_id, keep, reason, Utc::now()).await?;
            for sid in &revoked {
                janua_db::outbox::enqueue(
                    conn,
                    &events::session_revoked(user_id, *sid, reason, actor, meta.clone().into()),
                )
                .await?;
            }
            Ok(revoked)
        })
        .await?;
    state.revocations.revoke_many(&revoked).await?;
    Ok(revoked)
}
