//! SCIM discovery (RFC 7644 §4): `/ServiceProviderConfig`, `/Schemas`, `/ResourceTypes`. Open to
//! anyone, as ENDPOINTS.md lists them, so a client can learn what Janua supports before it has
//! a token. Served under `/api/v1/scim` and `/api/v1/scim/v2`; each document names the base it
//! was asked under, since clients follow `meta.location`.

use crate::EnterpriseState;
use actix_web::{HttpRequest, HttpResponse, web};
use janua_scim::{SCIM_MEDIA_TYPE, ScimError, schema};
use serde_json::Value;

/// The SCIM base paths, the versioned one first so it wins the prefix match.
pub const BASE_PATHS: [&str; 2] = ["/api/v1/scim/v2", "/api/v1/scim"];

pub fn base_url(state: &EnterpriseState, req: &HttpRequest) -> String {
    let path = req.path();
    let base = BASE_PATHS.into_iter().find(|b| path.starts_with(&format!("{b}/"))).unwrap_or(BASE_PATHS[1]);
    format!("{}{base}", state.settings.public_url.trim_end_matches('/'))
}

fn scim_json(status: actix_web::http::StatusCode, body: &impl serde::Serialize) -> HttpResponse {
    HttpResponse::build(status).content_type(SCIM_MEDIA_TYPE).json(body)
}

fn found(document: Option<Value>, what: &str, id: &str) -> HttpResponse {
    match document {
        Some(doc) => scim_json(actix_web::http::StatusCode::OK, &doc),
        None => {
            let error = ScimError::NotFound(format!("{what} {id}"));
            scim_json(actix_web::http::StatusCode::NOT_FOUND, &error.to_body())
        }
    }
}

/// What Janua's SCIM service supports (RFC 7643 §5).
///
/// Permissions: none.
#[utoipa::path(get, path = "/api/v1/scim/v2/ServiceProviderConfig", tag = "SCIM",
    responses((status = 200, description = "the ServiceProviderConfig document", content_type = "application/scim+json")))]
pub async fn service_provider_config(state: web::Data<EnterpriseState>, req: HttpRequest) -> HttpResponse {
    let doc = schema::service_provider_config(&base_url(&state, &req));
    scim_json(actix_web::http::StatusCode::OK, &doc)
}

/// The schemas Janua serves, as a `ListResponse` (RFC 7644 §4).
///
/// Permissions: none.
#[utoipa::path(get, path = "/api/v1/scim/v2/Schemas", tag = "SCIM",
    responses((status = 200, description = "a ListResponse of Schema documents", content_type = "application/scim+json")))]
pub async fn schemas(state: web::Data<EnterpriseState>, req: HttpRequest) -> HttpResponse {
    let doc = schema::schemas_document(&base_url(&state, &req));
    scim_json(actix_web::http::StatusCode::OK, &doc)
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
) -> HttpResponse {
    let doc = schema::schema_document(&base_url(&state, &req), &id);
    found(doc, "Schema", &id)
}

/// The resource types Janua serves (User, Group), as a `ListResponse`.
///
/// Permissions: none.
#[utoipa::path(get, path = "/api/v1/scim/v2/ResourceTypes", tag = "SCIM",
    responses((status = 200, description = "a ListResponse of ResourceType documents", content_type = "application/scim+json")))]
pub async fn resource_types(state: web::Data<EnterpriseState>, req: HttpRequest) -> HttpResponse {
    let doc = schema::resource_types_document(&base_url(&state, &req));
    scim_json(actix_web::http::StatusCode::OK, &doc)
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
) -> HttpResponse {
    let doc = schema::resource_type_document(&base_url(&state, &req), &id);
    found(doc, "ResourceType", &id)
}
