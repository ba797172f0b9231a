//! The enterprise service's part of the OpenAPI document; the gateway merges every service's part.

use crate::handlers::{discovery, scim_groups, scim_search, scim_tokens, scim_users};
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
        discovery::resource_type,
        scim_users::list,
        scim_users::create,
        scim_users::get,
        scim_users::replace,
        scim_users::patch,
        scim_users::delete,
        scim_groups::list,
        scim_groups::create,
        scim_groups::get,
        scim_groups::replace,
        scim_groups::patch,
        scim_groups::delete,
        scim_search::all,
        scim_search::users,
        scim_search::groups
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
