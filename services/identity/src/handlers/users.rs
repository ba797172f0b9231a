use crate::IdentityState;
use crate::domain::user::{ProfileUpdate, UserView};
use crate::{events, store};
use actix_web::{HttpResponse, web};
use diesel_async::AsyncConnection;
use janua_core::ApiError;
use janua_core::http::RequestMeta;
use janua_tokens::Authenticated;
use uuid::Uuid;

/// The signed-in user.
///
/// Permissions: any signed-in user (their own record).
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "Auth",
    responses((status = 200, body = UserView), (status = 401, body = janua_core::error::ErrorEnvelope)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %auth.user_id()))]
pub async fn me(state: web::Data<IdentityState>, auth: Authenticated) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let user = store::users::find(&mut conn, auth.user_id())
        .await?
        .ok_or_else(|| ApiError::unauthorized("user_gone"))?;
    if user.status == "suspended" {
        return Err(ApiError::new(
            janua_core::ErrorCode::AccountSuspended,
            "this account is suspended",
        ));
    }
    Ok(HttpResponse::Ok().json(UserView::from(&user)))
}

/// A user's profile.
///
/// Permissions: the user themself; platform admins. Anyone else gets 404.
#[utoipa::path(get, path = "/api/v1/users/{user_id}", tag = "Users",
    params(("user_id" = Uuid, Path)),
    responses((status = 200, body = UserView), (status = 404, body = janua_core::error::ErrorEnvelope)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %path))]
pub async fn get_user(
    state: web::Data<IdentityState>,
    auth: Authenticated,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let user_id = path.into_inner();
    if user_id != auth.user_id() && !auth.is_admin() {
        return Err(ApiError::not_found());
    }
    let mut conn = state.pool.get().await?;
    let user = store::users::find(&mut conn, user_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(UserView::from(&user)))
}

/// Updates the profile (name, avatar_url, locale, metadata). Email and status are not
/// changed here.
///
/// Permissions: the user themself. Anyone else gets 404.
#[utoipa::path(put, path = "/api/v1/users/{user_id}", tag = "Users",
    params(("user_id" = Uuid, Path)), request_body = ProfileUpdate,
    responses((status = 200, body = UserView), (status = 400, body = janua_core::error::ErrorEnvelope),
        (status = 404, body = janua_core::error::ErrorEnvelope)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %path))]
pub async fn update_user(
    state: web::Data<IdentityState>,
    auth: Authenticated,
    path: web::Path<Uuid>,
    meta: RequestMeta,
    body: web::Json<ProfileUpdate>,
) -> Result<HttpResponse, ApiError> {
    let user_id = path.into_inner();
    if user_id != auth.user_id() {
        return Err(ApiError::not_found());
    }
    let change = body.into_inner();
    change.validate()?;
    let mut changed = Vec::new();
    if change.name.is_some() {
        changed.push("name");
    }
    if change.avatar_url.is_some() {
        changed.push("avatar_url");
    }
    if change.locale.is_some() {
        changed.push("locale");
    }
    if change.metadata.is_some() {
        changed.push("metadata");
    }
    let mut conn = state.pool.get().await?;
    let user = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let user = store::users::update_profile(conn, user_id, &change).await?;
            janua_db::outbox::enqueue(conn, &events::user_updated(&user, changed, meta.into())).await?;
            Ok(user)
        })
        .await?;
    Ok(HttpResponse::Ok().json(UserView::from(&user)))
}
