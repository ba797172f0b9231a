//! SCIM tokens of an organization (`/api/v1/organizations/{org_id}/scim-tokens`): the bearer
//! tokens its identity provider provisions with. A token is shown once, at creation, and kept
//! only as its SHA-256.

use crate::domain::access::ScimManager;
use crate::domain::scim_client::TOKEN_PREFIX;
use crate::store::scim_tokens::{self as store, ScimToken};
use crate::{EnterpriseState, events};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use janua_core::error::refusals;
use janua_core::http::RequestMeta;
use janua_core::text::check_description;
use janua_core::{ApiError, ErrorCode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateScimToken {
    /// What the token is for ("Okta production"), at most 1024 characters.
    pub description: Option<String>,
}

/// A new token: the only time `token` is shown.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedScimToken {
    pub id: Uuid,
    /// `scim_…`; send it as `Authorization: Bearer <token>` to the SCIM routes.
    pub token: String,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ScimTokenList {
    pub data: Vec<ScimToken>,
    /// Always null: an organization has few tokens, so they come in one page.
    #[schema(value_type = Option<String>)]
    pub next_cursor: Option<String>,
}

/// Creates a SCIM token for the organization and answers it; it is never shown again.
///
/// Permissions: `scim:manage` in the organization, or platform admin.
#[utoipa::path(post, path = "/api/v1/organizations/{org_id}/scim-tokens", tag = "SCIM",
    params(("org_id" = Uuid, Path)), request_body(content = Option<CreateScimToken>),
    responses((status = 201, body = CreatedScimToken), refusals::Invalid,
        refusals::Forbidden, refusals::NotFound),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %manager.caller, organization_id = %manager.organization_id))]
pub async fn create(
    state: web::Data<EnterpriseState>, manager: ScimManager, meta: RequestMeta, body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let body: CreateScimToken = janua_core::http::optional_json(&body)?.unwrap_or_default();
    let description = body.description.as_deref().map(str::trim).filter(|d| !d.is_empty());
    check_description(description)?;
    let token = format!("{TOKEN_PREFIX}{}", janua_core::crypto::random_token());
    let hash = janua_core::crypto::sha256(token.as_bytes());
    let mut conn = state.pool.get().await?;
    let created = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let created = store::insert(
                conn,
                store::NewScimToken {
                    id: janua_core::ids::new_id(),
                    organization_id: manager.organization_id,
                    token_hash: &hash,
                    description,
                    created_by: manager.caller,
                },
            )
            .await?;
            janua_db::outbox::enqueue(
                conn,
                &events::scim_token("scim.token_created", &created, manager.caller, meta.into()),
            )
            .await?;
            Ok(created)
        })
        .await?;
    Ok(HttpResponse::Created().json(CreatedScimToken {
        id: created.id,
        token,
        description: created.description,
        created_at: created.created_at,
    }))
}

/// The organization's working SCIM tokens, oldest first, without their secrets.
///
/// Permissions: `scim:manage` in the organization, or platform admin.
#[utoipa::path(get, path = "/api/v1/organizations/{org_id}/scim-tokens", tag = "SCIM",
    params(("org_id" = Uuid, Path)),
    responses((status = 200, body = ScimTokenList),
        refusals::Forbidden, refusals::NotFound),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %manager.caller, organization_id = %manager.organization_id))]
pub async fn list(state: web::Data<EnterpriseState>, manager: ScimManager) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let tokens = store::list_active(&mut conn, manager.organization_id).await?;
    Ok(HttpResponse::Ok().json(ScimTokenList { data: tokens, next_cursor: None }))
}

/// Revokes a SCIM token; it never authenticates again.
///
/// Permissions: `scim:manage` in the organization, or platform admin.
#[utoipa::path(delete, path = "/api/v1/organizations/{org_id}/scim-tokens/{token_id}", tag = "SCIM",
    params(("org_id" = Uuid, Path), ("token_id" = Uuid, Path)),
    responses((status = 204),
        refusals::Forbidden, refusals::NotFound),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %manager.caller, organization_id = %manager.organization_id))]
pub async fn revoke(
    state: web::Data<EnterpriseState>, manager: ScimManager, meta: RequestMeta,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let no_such_token =
        || ApiError::keyed(ErrorCode::NotFound, "error.enterprise.scim_token_not_found", vec![]);
    let token_id = Uuid::parse_str(&path.1).map_err(|_| no_such_token())?;
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let revoked =
            store::revoke(conn, manager.organization_id, token_id).await?.ok_or_else(no_such_token)?;
        janua_db::outbox::enqueue(
            conn,
            &events::scim_token("scim.token_revoked", &revoked, manager.caller, meta.into()),
        )
        .await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Whether a SCIM token (named by its SHA-256, hex) exists and works: the gateway asks before
/// it gives a request the SCIM rate-limit tier, so a made-up token counts as anonymous.
/// 204 or 404; the token itself never travels.
pub async fn check_token_hash(
    state: web::Data<EnterpriseState>, path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let Ok(hash) = hex::decode(path.into_inner()) else {
        return Err(ApiError::not_found());
    };
    let mut conn = state.pool.get().await?;
    match crate::store::scim_tokens::find_active_by_hash(&mut conn, &hash).await? {
        Some(_) => Ok(HttpResponse::NoContent().finish()),
        None => Err(ApiError::not_found()),
    }
}
