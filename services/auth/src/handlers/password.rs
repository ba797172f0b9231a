//! `POST /api/v1/users/{user_id}/change-password`.

use crate::domain::password::check_policy;
use crate::letters::{Kind, Letter};
use crate::store::{credentials, sessions as session_store};
use crate::{AuthState, events, mailer};
use actix_web::{HttpResponse, web};
use chrono::Utc;
use diesel_async::AsyncConnection;
use janua_core::ApiError;
use janua_core::error::refusals;
use janua_core::http::RequestMeta;
use janua_tokens::Authenticated;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// Changes the password after checking the current one. Every other session of the user is
/// revoked and the user is told by email.
///
/// Permissions: the user themself. Anyone else gets 404.
#[utoipa::path(post, path = "/api/v1/users/{user_id}/change-password", tag = "Users",
    params(("user_id" = Uuid, Path)), request_body = ChangePasswordRequest,
    responses((status = 204), refusals::Invalid,
        (status = 401, body = janua_core::error::ErrorEnvelope), refusals::NotFound,
        (status = 429, body = janua_core::error::ErrorEnvelope)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %path))]
pub async fn change_password(
    state: web::Data<AuthState>, auth: Authenticated, path: web::Path<Uuid>, meta: RequestMeta,
    body: web::Json<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let user_id = path.into_inner();
    if user_id != auth.user_id() {
        return Err(ApiError::not_found());
    }
    let body = body.into_inner();
    // Guessing the current password from a stolen session is throttled like sign-in.
    let account = format!("user:{user_id}");
    state.throttle.check(&account, meta.ip.as_deref()).await?;
    let stored = {
        let mut conn = state.pool.get().await?;
        credentials::password_hash(&mut conn, user_id).await?
    };
    if !state.hasher.verify(&body.current_password, stored.as_deref()).await? {
        state.throttle.record_failure(&account, meta.ip.as_deref()).await?;
        return Err(ApiError::keyed(
            janua_core::ErrorCode::InvalidCredentials,
            "error.password.current_incorrect",
            vec![],
        )
        .with_details(serde_json::json!({ "field": "current_password" })));
    }
    state.throttle.record_success(&account, meta.ip.as_deref()).await?;
    check_policy(&body.new_password, &state.common_passwords, "new_password")?;
    if body.new_password == body.current_password {
        return Err(ApiError::invalid("new_password", "error.password.unchanged", vec![]));
    }
    let hash = state.hasher.hash(&body.new_password).await?;
    let user = state.user(user_id).await?.ok_or_else(|| ApiError::unauthorized("user_gone"))?;
    let current = auth.session_id();
    let mut conn = state.pool.get().await?;
    let revoked = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let now = Utc::now();
            credentials::upsert(conn, user_id, &hash).await?;
            let revoked =
                session_store::revoke_all_of_user(conn, user_id, Some(current), "password_changed", now)
                    .await?;
            for sid in &revoked {
                janua_db::outbox::enqueue(
                    conn,
                    &events::session_revoked(
                        user_id,
                        *sid,
                        "password_changed",
                        Some(user_id),
                        meta.clone().into(),
                    ),
                )
                .await?;
            }
            janua_db::outbox::enqueue(conn, &events::password_changed(user_id, meta.clone().into())).await?;
            let letter = Letter::new(Kind::PasswordChanged, &user.locale)
                .name(user.name.as_deref())
                .text("when", now.format("%Y-%m-%d %H:%M UTC").to_string())
                .text("address", meta.ip.as_deref().unwrap_or("?"))
                .link(format!("{}/forgot-password", state.settings.public_url.trim_end_matches('/')));
            mailer::queue(conn, &state.sealer, &user.email, &letter).await?;
            Ok(revoked)
        })
        .await?;
    state.revocations.revoke_many(&revoked).await?;
    Ok(HttpResponse::NoContent().finish())
}
