//! The enterprise service's part of the OpenAPI document; the gateway merges every service's part.

use crate::handlers::{discovery, scim_groups, scim_search, scim_tokens, scim_users, sso_configs, sso_flow};
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
        scim_search::groups,
        sso_configs::create,
        sso_configs::list,
        sso_configs::get,
        sso_configs::update,
        sso_configs::delete,
        sso_configs::verify_domain,
        sso_flow::start,
        sso_flow::sp_metadata,
        sso_flow::acs,
        sso_flow::slo,
        sso_flow::oidc_callback
    ),
    components(schemas(
        scim_tokens::CreateScimToken,
        scim_tokens::CreatedScimToken,
        scim_tokens::ScimTokenView,
        scim_tokens::ScimTokenList,
        sso_configs::ConfigurationInput,
        sso_configs::ConfigurationView,
        sso_configs::ConfigurationList,
        sso_configs::DomainView,
        sso_configs::CertificateView,
        sso_configs::SamlView,
        sso_configs::OidcView,
        sso_configs::SamlInput,
        sso_configs::OidcInput,
        sso_configs::AttributeMapping,
        sso_configs::Protocol,
        janua_core::error::ErrorEnvelope,
        janua_core::error::ErrorBody
    ))
)]
pub struct ApiDoc;

pub async fn document() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok().json(ApiDoc::openapi())
}
