//! Enterprise's routes: the public ones are declared on their handlers (`#[utoipa::path]`), each once.

use crate::handlers::{discovery, scim_groups, scim_search, scim_tokens, scim_users, sso_configs, sso_flow};
use actix_web::web;
use janua_service::housekeeping::Retention;

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

/// What enterprise holds about a person: their SCIM resource and groups, SSO identities and
/// SAML sessions.
const PERSONAL_DATA: &[janua_service::Section] = &[
    janua_service::Section {
        name: "scim_users",
        query: "SELECT id, organization_id, user_name, external_id, emails, resource, active, created_at, updated_at,
                deleted_at FROM scim_users WHERE id = $1",
    },
    janua_service::Section {
        name: "scim_groups",
        query: "SELECT g.id, g.organization_id, g.display_name FROM scim_group_members m
                JOIN scim_groups g ON g.id = m.group_id WHERE m.user_id = $1 ORDER BY g.display_name",
    },
    janua_service::Section {
        name: "sso_identities",
        query: "SELECT i.configuration_id, c.name AS connection, c.protocol, i.organization_id, i.subject, i.email,
                i.created_at, i.last_sign_in_at FROM sso_identities i
                JOIN sso_configurations c ON c.id = i.configuration_id WHERE i.user_id = $1 ORDER BY i.created_at",
    },
    janua_service::Section {
        name: "saml_sessions",
        query: "SELECT configuration_id, session_id, created_at FROM saml_sessions WHERE user_id = $1
                ORDER BY created_at",
    },
];
/// A person's SCIM resource and group memberships, SSO identities and SAML sessions.
const ERASE: &[&str] = &[
    "DELETE FROM scim_group_members WHERE user_id = $1",
    "DELETE FROM scim_users WHERE id = $1",
    "DELETE FROM sso_identities WHERE user_id = $1 OR lower(email) = ANY($2)",
    "DELETE FROM saml_sessions WHERE user_id = $1",
];

/// What enterprise deletes by age (see `housekeeping.*`).
const RETENTION: &[Retention] = &[
    Retention::past_expiry("sso_flows", "sso_flows", |s| s.flows_secs),
    // An assertion past its own expiry can no longer be replayed: its id need not be kept.
    Retention::past_expiry("saml_assertions", "saml_assertions_used", |s| s.flows_secs),
];

pub const ROUTES: janua_service::Routes = janua_service::Routes {
    public: endpoints,
    internal: internal_api,
    personal_data: PERSONAL_DATA,
    erase: ERASE,
    retention: RETENTION,
};
