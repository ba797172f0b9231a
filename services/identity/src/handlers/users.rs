use crate::IdentityState;
use crate::domain::account;
use crate::domain::user::{Email, ProfileUpdate, UserView};
use crate::{events, store};
use actix_web::{HttpResponse, web};
use diesel_async::AsyncConnection;
use janua_core::ApiError;
use janua_core::error::refusals;
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
        return Err(ApiError::suspended());
    }
    Ok(HttpResponse::Ok().json(UserView::from(&user)))
}

/// A user's profile.
///
/// Permissions: the user themself; platform admins. Anyone else gets 404.
#[utoipa::path(get, path = "/api/v1/users/{user_id}", tag = "Users",
    params(("user_id" = Uuid, Path)),
    responses((status = 200, body = UserView), refusals::NotFound),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %path))]
pub async fn get_user(
    state: web::Data<IdentityState>, auth: Authenticated, path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let user_id = auth.own_or_admin(path.into_inner())?;
    let mut conn = state.pool.get().await?;
    let user = store::users::find(&mut conn, user_id).await?.ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(UserView::from(&user)))
}

/// Updates the profile (name, avatar_url, locale, metadata) and the address. A new address
/// needs a recent proof of a factor (401 `reauthentication_required` otherwise), is
/// unverified until the link mailed to it is followed, and every token mailed to the old
/// address stops working; the old address is told.
///
/// Permissions: the user themself. Anyone else gets 404.
#[utoipa::path(put, path = "/api/v1/users/{user_id}", tag = "Users",
    params(("user_id" = Uuid, Path)), request_body = ProfileUpdate,
    responses((status = 200, body = UserView), refusals::Invalid,
        (status = 401, body = janua_core::error::ErrorEnvelope), refusals::NotFound,
        refusals::Conflict),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %path))]
pub async fn update_user(
    state: web::Data<IdentityState>, auth: Authenticated, path: web::Path<Uuid>, meta: RequestMeta,
    body: web::Json<ProfileUpdate>,
) -> Result<HttpResponse, ApiError> {
    let user_id = path.into_inner();
    if user_id != auth.user_id() {
        return Err(ApiError::not_found());
    }
    let mut change = body.into_inner();
    change.validate()?;
    let email = change.email.as_deref().map(Email::parse).transpose()?;
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
    let recent =
        auth.0.authenticated_within(state.settings.tokens.reauth_window_secs, chrono::Utc::now().timestamp());
    let mut conn = state.pool.get().await?;
    let user = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let mut user = store::users::find_for_update(conn, user_id)
                .await?
                .ok_or_else(|| ApiError::unauthorized("user_gone"))?;
            if let Some(email) = email.as_ref().filter(|e| e.as_str() != user.email) {
                if !recent {
                    return Err(janua_tokens::extract::reauthentication_required());
                }
                user = account::change(conn, user_id, Some(email), None, None, user_id, &meta).await?;
            }
            if !changed.is_empty() {
                user = store::users::update_profile(conn, user_id, &change).await?;
                janua_db::outbox::enqueue(conn, &events::user_updated(&user, changed, meta.into())).await?;
            }
            Ok(user)
        })
        .await?;
    Ok(HttpResponse::Ok().json(UserView::from(&user)))
}
