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

/// What org holds about a person: memberships, roles held, and invitations to them.
const PERSONAL_DATA: &[janua_service::Section] = &[
    janua_service::Section {
        name: "memberships",
        query: "SELECT m.organization_id, o.name AS organization_name, o.slug AS organization_slug, m.role, m.joined_at
                FROM memberships m JOIN organizations o ON o.id = m.organization_id WHERE m.user_id = $1
                ORDER BY m.joined_at",
    },
    janua_service::Section {
        name: "roles",
        query: "SELECT r.id AS role_id, r.organization_id, r.name, r.permissions, a.assigned_at
                FROM role_assignments a JOIN roles r ON r.id = a.role_id WHERE a.user_id = $1 ORDER BY a.assigned_at",
    },
    janua_service::Section {
        name: "invitations",
        query: "SELECT i.id, i.organization_id, o.name AS organization_name, i.email, i.role, i.status, i.created_at,
                i.expires_at, i.accepted_at FROM invitations i JOIN organizations o ON o.id = i.organization_id
                WHERE i.accepted_by = $1 OR i.email = (SELECT email FROM users WHERE id = $1) ORDER BY i.created_at",
    },
];
/// The invitations to a person's addresses and the read model. Their memberships and roles end
/// through `user.deleted` (which identity publishes before any service erases), where an
/// organization losing its last owner gets its successor: erasing them here first would skip
/// that rule.
const ERASE: &[&str] =
    &["DELETE FROM invitations WHERE lower(email) = ANY($2)", "DELETE FROM users WHERE id = $1"];

pub const ROUTES: janua_service::Routes = janua_service::Routes {
    public: endpoints,
    internal: internal_api,
    personal_data: PERSONAL_DATA,
    erase: ERASE,
    retention: &[],
};
