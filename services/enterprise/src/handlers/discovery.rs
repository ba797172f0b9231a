//! SCIM discovery (RFC 7644 §4): `/ServiceProviderConfig`, `/Schemas`, `/ResourceTypes`. Open to
//! anyone, as ENDPOINTS.md lists them, so a client can learn what Janua supports before it has
//! a token. Served under `/api/v1/scim` and `/api/v1/scim/v2`; each document names the base it
//! was asked under, since clients follow `meta.location`.

use crate::EnterpriseState;
use crate::handlers::scim_common::{ScimResult, scim_json};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use janua_scim::{ScimError, schema};
use serde_json::Value;

/// The SCIM base paths, the versioned one first so it wins the prefix match.
pub const BASE_PATHS: [&str; 2] = ["/api/v1/scim/v2", "/api/v1/scim"];

pub fn base_url(state: &EnterpriseState, req: &HttpRequest) -> String {
    let path = req.path();
    let base = BASE_PATHS.into_iter().find(|b| path.starts_with(&format!("{b}/"))).unwrap_or(BASE_PATHS[1]);
    format!("{}{base}", state.settings.public_url.trim_end_matches('/'))
}

/// A document made for the base the request came in under.
fn document(state: &EnterpriseState, req: &HttpRequest, of: impl FnOnce(&str) -> Value) -> HttpResponse {
    scim_json(StatusCode::OK, &of(&base_url(state, req)))
}

/// One document of a list (the `what` named `id`), made for the request's base; a SCIM 404
/// when there is none.
fn one_document(
    state: &EnterpriseState, req: &HttpRequest, what: &str, id: &str,
    of: impl FnOnce(&str, &str) -> Option<Value>,
) -> ScimResult {
    let doc = of(&base_url(state, req), id).ok_or_else(|| ScimError::NotFound(format!("{what} {id}")))?;
    Ok(scim_json(StatusCode::OK, &doc))
}

/// What Janua's SCIM service supports (RFC 7643 §5).
///
/// Permissions: none.
#[utoipa::path(get, path = "/api/v1/scim/v2/ServiceProviderConfig", tag = "SCIM",
    responses((status = 200, description = "the ServiceProviderConfig document", content_type = "application/scim+json")))]
pub async fn service_provider_config(state: web::Data<EnterpriseState>, req: HttpRequest) -> HttpResponse {
    document(&state, &req, schema::service_provider_config)
}

/// The schemas Janua serves, as a `ListResponse` (RFC 7644 §4).
///
/// Permissions: none.
#[utoipa::path(get, path = "/api/v1/scim/v2/Schemas", tag = "SCIM",
    responses((status = 200, description = "a ListResponse of Schema documents", content_type = "application/scim+json")))]
pub async fn schemas(state: web::Data<EnterpriseState>, req: HttpRequest) -> HttpResponse {
    document(&state, &req, schema::schemas_document)
}

/// One schema by its URN.
///
/// Permissions: none.
#[utoipa::path(get, path = "/api/v1/scim/v2/Schemas/{id}", tag = "SCIM",
    params(("id" = String, Path, description = "the schema URN")),
    responses((status = 200, description = "a Schema document", content_type = "application/scim+json"),
        (status = 404, description = "a SCIM error", content_type = "application/scim+json")))]
pub async fn schema(
    state: web::Data<EnterpriseState>, req: HttpRequest, id: web::Path<String>,
) -> ScimResult {
    one_document(&state, &req, "Schema", &id, schema::schema_document)
}

/// The resource types Janua serves (User, Group), as a `ListResponse`.
///
/// Permissions: none.
#[utoipa::path(get, path = "/api/v1/scim/v2/ResourceTypes", tag = "SCIM",
    responses((status = 200, description = "a ListResponse of ResourceType documents", content_type = "application/scim+json")))]
pub async fn resource_types(state: web::Data<EnterpriseState>, req: HttpRequest) -> HttpResponse {
    document(&state, &req, schema::resource_types_document)
}

/// One resource type by name (`User`, `Group`).
///
/// Permissions: none.
#[utoipa::path(get, path = "/api/v1/scim/v2/ResourceTypes/{id}", tag = "SCIM",
    params(("id" = String, Path, description = "the resource type name")),
    responses((status = 200, description = "a ResourceType document", content_type = "application/scim+json"),
        (status = 404, description = "a SCIM error", content_type = "application/scim+json")))]
pub async fn resource_type(
    state: web::Data<EnterpriseState>, req: HttpRequest, id: web::Path<String>,
) -> ScimResult {
    one_document(&state, &req, "ResourceType", &id, schema::resource_type_document)
}
