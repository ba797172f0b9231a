//! The enterprise service's part of the OpenAPI document; the gateway merges every service's part.

use crate::handlers::{discovery, scim_tokens};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    paths(
        scim_tokens::create,
        scim_tokens::list,
        scim_tokens::revoke,
        discovery::service_provider_config,
        discovery::schemas,
        discovery::schema,
        discovery::resource_types,
        discovery::resource_type
    ),
    components(schemas(
        scim_tokens::CreateScimToken,
        scim_tokens::CreatedScimToken,
        scim_tokens::ScimTokenView,
        scim_tokens::ScimTokenList,
        janua_core::error::ErrorEnvelope,
        janua_core::error::ErrorBody
    ))
)]
pub struct ApiDoc;

pub async fn document() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok().json(ApiDoc::openapi())
}
