//! Enterprise's routes: the public ones are declared on their handlers (`#[utoipa::path]`), each once.

use crate::handlers::{discovery, scim_groups, scim_search, scim_tokens, scim_users, sso_configs, sso_flow};
use actix_web::web;

janua_service::endpoints! {
    "/api/v1/scim/v2" => "/api/v1/scim";
    scim_tokens::create,
    scim_tokens::list,
    scim_tokens::revoke,
    sso_configs::list,
    sso_configs::create,
    sso_configs::get,
    sso_configs::update,
    sso_configs::delete,
    sso_configs::verify_domain,
    sso_flow::start,
    sso_flow::sp_metadata,
    sso_flow::acs,
    sso_flow::slo,
    sso_flow::oidc_callback,
    discovery::service_provider_config,
    discovery::schemas,
    discovery::schema,
    discovery::resource_types,
    discovery::resource_type,
    scim_search::all,
    scim_search::users,
    scim_search::groups,
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
}

/// `/internal/v1`: SCIM token checks for the gateway.
pub fn internal_api(cfg: &mut web::ServiceConfig) {
    cfg.route("/scim-tokens/{token_hash}", web::get().to(scim_tokens::check_token_hash));
}

pub const ROUTES: janua_service::Routes = janua_service::Routes { public: endpoints, internal: internal_api };
