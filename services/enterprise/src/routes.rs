//! Enterprise's routes: the public ones are declared on their handlers (`#[utoipa::path]`), each once.

use crate::handlers::{discovery, scim_groups, scim_search, scim_tokens, scim_users, sso_configs, sso_flow};
use actix_web::web;

janua_service::endpoints! {
    "/api/v1/scim/v2" => "/api/v1/scim";
    scim_tokens::{create, list, revoke},
    sso_configs::{list, create, get, update, delete, verify_domain},
    sso_flow::{start, sp_metadata, acs, slo, oidc_callback},
    discovery::{service_provider_config, schemas, schema, resource_types, resource_type},
    scim_search::{all, users, groups},
    scim_users::{list, create, get, replace, patch, delete},
    scim_groups::{list, create, get, replace, patch, delete},
}

/// `/internal/v1`: SCIM token checks for the gateway.
pub fn internal_api(cfg: &mut web::ServiceConfig) {
    cfg.route("/scim-tokens/{token_hash}", web::get().to(scim_tokens::check_token_hash));
}

pub const ROUTES: janua_service::Routes = janua_service::Routes { public: endpoints, internal: internal_api };
