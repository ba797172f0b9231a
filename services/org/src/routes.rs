//! Org's routes: the public ones are declared on their handlers (`#[utoipa::path]`), each once.

use crate::handlers::{internal, invitations, members, organizations, policies, rbac};
use actix_web::web;

janua_service::endpoints! {
    "/api/v1/invitations" => "/api/invitations";
    "/api/v1/policies" => "/api/policies";
    organizations::{list, create, get, update, delete, list_for_user},
    members::{list, add, remove, change_role},
    invitations::{create, list, details, revoke, accept, resend},
    policies::{list, create, get, update, delete, evaluate},
    rbac::{permissions, list_roles, create_role, get_role, update_role, delete_role, assign, unassign},
}

/// `/internal/v1`: figures, permissions, and the memberships and roles enterprise provisions over SCIM.
pub fn internal_api(cfg: &mut web::ServiceConfig) {
    cfg.route("/stats", web::get().to(internal::stats))
        .route("/users/{user_id}/permissions", web::get().to(internal::permissions))
        .route("/organizations/by-slug/{slug}", web::get().to(internal::organization_by_slug))
        .route("/organizations/{org_id}", web::get().to(internal::get_organization))
        .route("/organizations/{org_id}/people", web::get().to(internal::people))
        .route("/organizations/{org_id}/members/{user_id}", web::put().to(internal::ensure_member))
        .route("/organizations/{org_id}/members/{user_id}", web::delete().to(internal::remove_member))
        .route("/organizations/{org_id}/roles/{role_id}", web::put().to(internal::put_role))
        .route("/organizations/{org_id}/roles/{role_id}", web::delete().to(internal::delete_role))
        .route("/organizations/{org_id}/roles/{role_id}/members", web::put().to(internal::set_role_holders));
}

pub const ROUTES: janua_service::Routes = janua_service::Routes { public: endpoints, internal: internal_api };
