//! `/internal/v1`: what other services may ask identity synchronously. Never routed by the
//! gateway, and guarded by the shared service token.

use crate::IdentityState;
use crate::domain::account;
use crate::domain::user::{Email, InternalUser, parse_status};
use crate::{events, store};
use actix_web::{HttpResponse, web};
use diesel_async::AsyncConnection;
use janua_core::http::RequestMeta;
use janua_core::{ApiError, ErrorCode};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Debug, Deserialize)]
pub struct CreateUser {
    pub email: String,
    pub name: Option<String>,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub email_verified: bool,
    /// BCP 47; the configured default locale when left out.
    pub locale: Option<String>,
}

/// Idempotent by the id the caller chose: the same id with the same email answers the
/// existing user (200); an email held by another id is a 409.
pub async fn create_user(
    state: web::Data<IdentityState>, path: web::Path<Uuid>, meta: RequestMeta, body: web::Json<CreateUser>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let body = body.into_inner();
    let email = Email::parse(&body.email)?;
    let locale = match &body.locale {
        Some(l) => janua_core::text::check_locale("locale", l)?,
        None => state.settings.localization.default_tag(),
    };
    if let Some(name) = &body.name
        && (name.trim().is_empty() || name.chars().count() > 200)
    {
        return Err(ApiError::invalid("name", "error.name.length", vec![]));
    }
    let mut conn = state.pool.get().await?;
    if let Some(existing) = store::users::find(&mut conn, id).await? {
        return if existing.email == email.as_str() {
            Ok(HttpResponse::Ok().json(InternalUser::from(&existing)))
        } else {
            Err(ApiError::keyed(ErrorCode::Conflict, "error.accounts.id_taken", vec![]))
        };
    }
    let created = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let user = store::users::insert(
                conn,
                id,
                email.as_str(),
                body.name.as_deref(),
                &body.roles,
                body.email_verified,
                &locale,
            )
            .await
            .map_err(|e| match e {
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                ) => ApiError::keyed(ErrorCode::Conflict, "error.accounts.email_taken", vec![])
                    .with_details(serde_json::json!({ "field": "email" })),
                other => other.into(),
            })?;
            janua_db::outbox::enqueue(conn, &events::user_created(&user, meta.into())).await?;
            Ok(user)
        })
        .await?;
    Ok(HttpResponse::Created().json(InternalUser::from(&created)))
}

pub async fn get_user(
    state: web::Data<IdentityState>, path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let user = store::users::find(&mut conn, path.into_inner()).await?.ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(InternalUser::from(&user)))
}

#[derive(Debug, Deserialize)]
pub struct ByEmail {
    pub email: String,
}

pub async fn user_by_email(
    state: web::Data<IdentityState>, q: web::Query<ByEmail>,
) -> Result<HttpResponse, ApiError> {
    let Ok(email) = Email::parse(&q.email) else {
        return Err(ApiError::not_found());
    };
    let mut conn = state.pool.get().await?;
    let user =
        store::users::find_by_email(&mut conn, email.as_str()).await?.ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(InternalUser::from(&user)))
}

#[derive(Debug, Deserialize, Default)]
pub struct DeleteReason {
    pub reason: Option<String>,
}

/// Removes a user; used by signup to undo a half-made account. Idempotent.
pub async fn delete_user(
    state: web::Data<IdentityState>, path: web::Path<Uuid>, meta: RequestMeta, q: web::Query<DeleteReason>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let reason = q.reason.clone().unwrap_or_else(|| "deleted".into());
    let mut conn = state.pool.get().await?;
    let block_secs = state.revocations.ttl_secs();
    let deleted = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let Some(user) = store::users::find(conn, id).await? else {
                return Ok(false);
            };
            store::users::delete(conn, id, block_secs).await?;
            janua_db::outbox::enqueue(conn, &events::user_deleted(&user, &reason, meta.into())).await?;
            Ok(true)
        })
        .await?;
    if deleted {
        // Whatever tokens the account still has stop working at once.
        state.revocations.block_user_until_tokens_expire(id).await?;
    }
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize)]
pub struct VerifyAddress {
    /// The address the proof (a token mailed there) was sent to.
    pub email: String,
}

/// Marks the user's address verified, only if it is still the address the proof went to:
/// checked under the row lock, so an address change racing the click cannot be verified by
/// mail that reached the old one (409).
pub async fn verify_email(
    state: web::Data<IdentityState>, path: web::Path<Uuid>, meta: RequestMeta, body: web::Json<VerifyAddress>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let proven = body.into_inner().email.trim().to_lowercase();
    let mut conn = state.pool.get().await?;
    let user = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let before = store::users::find_for_update(conn, id).await?.ok_or_else(ApiError::not_found)?;
            if before.email != proven {
                return Err(ApiError::keyed(ErrorCode::Conflict, "error.accounts.address_changed", vec![]));
            }
            if before.email_verified {
                return Ok(before);
            }
            let user = store::users::mark_email_verified(conn, id).await?;
            janua_db::outbox::enqueue(conn, &events::user_email_verified(&user, meta.into())).await?;
            Ok(user)
        })
        .await?;
    Ok(HttpResponse::Ok().json(InternalUser::from(&user)))
}

#[derive(Debug, Deserialize)]
pub struct MfaFlag {
    pub enabled: bool,
}

/// Auth owns the second factors; identity keeps the `mfa_enabled` flag of the user record.
pub async fn set_mfa(
    state: web::Data<IdentityState>, path: web::Path<Uuid>, meta: RequestMeta, body: web::Json<MfaFlag>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let enabled = body.enabled;
    let mut conn = state.pool.get().await?;
    let user = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let before = store::users::find(conn, id).await?.ok_or_else(ApiError::not_found)?;
            if before.mfa_enabled == enabled {
                return Ok(before);
            }
            let user = store::users::set_mfa_enabled(conn, id, enabled).await?;
            janua_db::outbox::enqueue(conn, &events::user_updated(&user, vec!["mfa_enabled"], meta.into()))
                .await?;
            Ok(user)
        })
        .await?;
    Ok(HttpResponse::Ok().json(InternalUser::from(&user)))
}

/// A change made for another service (enterprise's SCIM provisioning): absent fields stay,
/// `"name": null` clears the name.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    pub email: Option<String>,
    #[serde(default, deserialize_with = "janua_core::text::null_or_value")]
    pub name: Option<Option<String>>,
    /// `active` or `suspended`.
    pub status: Option<String>,
    /// BCP 47 (SCIM's `preferredLanguage`).
    pub locale: Option<String>,
    /// Carried on `user.suspended` / `user.unsuspended`.
    pub reason: Option<String>,
    /// Who asked for the change (the event actor); none: the system.
    pub actor_id: Option<Uuid>,
}

/// Changes email, name and status in one transaction. A new email is unverified; a status
/// change publishes `user.suspended` / `user.unsuspended` and blocks (or unblocks) the
/// user's tokens at once, as an admin's suspension does. Nothing changed: no event.
#[tracing::instrument(skip_all, fields(user_id = %path))]
pub async fn update_user(
    state: web::Data<IdentityState>, path: web::Path<Uuid>, meta: RequestMeta, body: web::Json<UserChange>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let change = body.into_inner();
    let email = change.email.as_deref().map(Email::parse).transpose()?;
    if let Some(Some(name)) = &change.name
        && (name.trim().is_empty() || name.chars().count() > 200)
    {
        return Err(ApiError::invalid("name", "error.name.length", vec![]));
    }
    let status = change.status.as_deref().map(parse_status).transpose()?;
    let locale = change.locale.as_deref().map(|l| janua_core::text::check_locale("locale", l)).transpose()?;
    if change.reason.as_ref().is_some_and(|r| r.chars().count() > 500) {
        return Err(ApiError::invalid("reason", "error.accounts.reason_too_long", vec![]));
    }
    let actor = change.actor_id.unwrap_or(Uuid::nil());
    let mut conn = state.pool.get().await?;
    let user = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let name = change.name.as_ref().map(Option::as_deref);
            let mut user =
                account::change(conn, id, email.as_ref(), name, locale.as_deref(), actor, &meta).await?;
            if let Some(to) = status
                && to != user.status
            {
                user = store::users::set_status(conn, id, to).await?;
                let event_type = if to == "suspended" { "user.suspended" } else { "user.unsuspended" };
                janua_db::outbox::enqueue(
                    conn,
                    &events::user_status_changed(
                        event_type,
                        &user,
                        actor,
                        change.reason.as_deref(),
                        meta.clone().into(),
                    ),
                )
                .await?;
            }
            Ok(user)
        })
        .await?;
    // At once, for every token of the user; auth also revokes the sessions on the event.
    // Repeated for an unchanged status too, so a lost block heals (as admin suspension does).
    match status {
        Some("suspended") => state.revocations.block_user(id).await?,
        Some(_) => state.revocations.unblock_user(id).await?,
        None => {}
    }
    Ok(HttpResponse::Ok().json(InternalUser::from(&user)))
}
