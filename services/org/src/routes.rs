use crate::handlers::{internal, invitations, members, organizations, policies, rbac};
use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/organizations", web::get().to(organizations::list))
        .route("/api/v1/organizations", web::post().to(organizations::create))
        .route(
            "/api/v1/organizations/{org_id}",
            web::get().to(organizations::get),
        )
        .route(
            "/api/v1/organizations/{org_id}",
            web::put().to(organizations::update),
        )
        .route(
            "/api/v1/organizations/{org_id}",
            web::delete().to(organizations::delete),
        )
        .route(
            "/api/v1/organizations/{org_id}/members",
            web::get().to(members::list),
        )
        .route(
            "/api/v1/organizations/{org_id}/members",
            web::post().to(members::add),
        )
        .route(
            "/api/v1/organizations/{org_id}/members/{user_id}",
            web::delete().to(members::remove),
        )
        .route(
            "/api/v1/organizations/{org_id}/members/{user_id}/role",
            web::put().to(members::change_role),
        )
        .route(
            "/api/v1/users/{user_id}/organizations",
            web::get().to(organizations::list_for_user),
        )
        .configure(|cfg| invitation_routes(cfg, "/api/invitations"))
        .configure(|cfg| invitation_routes(cfg, "/api/v1/invitations"))
        .configure(|cfg| policy_routes(cfg, "/api/policies"))
        .configure(|cfg| policy_routes(cfg, "/api/v1/policies"))
        .route("/api/v1/rbac/permissions", web::get().to(rbac::permissions))
        .route("/api/v1/rbac/roles", web::get().to(rbac::list_roles))
        .route("/api/v1/rbac/roles", web::post().to(rbac::create_role))
        .route("/api/v1/rbac/roles/{role_id}", web::get().to(rbac::get_role))
        .route("/api/v1/rbac/roles/{role_id}", web::put().to(rbac::update_role))
        .route(
            "/api/v1/rbac/roles/{role_id}",
            web::delete().to(rbac::delete_role),
        )
        .route("/api/v1/rbac/users/{user_id}/roles", web::post().to(rbac::assign))
        .route(
            "/api/v1/rbac/users/{user_id}/roles/{role_id}",
            web::delete().to(rbac::unassign),
        )
        .configure(|cfg| {
            janua_service::internal(cfg, crate::openapi::document, |cfg| {
                cfg.route("/stats", web::get().to(internal::stats))
                    .route(
                        "/users/{user_id}/permissions",
                        web::get().to(internal::permissions),
                    )
                    .route(
                        "/organizations/by-slug/{slug}",
                        web::get().to(internal::organization_by_slug),
                    )
                    .route(
                        "/organizations/{org_id}",
                        web::get().to(internal::get_organization),
                    )
                    .route(
                        "/organizations/{org_id}/members/{user_id}",
                        web::put().to(internal::ensure_member),
                    )
                    .route(
                        "/organizations/{org_id}/members/{user_id}",
                        web::delete().to(internal::remove_member),
                    )
                    .route(
                        "/organizations/{org_id}/roles/{role_id}",
                        web::put().to(internal::put_role),
                    )
                    .route(
                        "/organizations/{org_id}/roles/{role_id}",
                        web::delete().to(internal::delete_role),
                    )
                    .route(
                        "/organizations/{org_id}/roles/{role_id}/members",
                        web::put().to(internal::set_role_holders),
                    );
            })
        });
}

/// The Invitations router answers under `/api/invitations` and `/api/v1/invitations`, with
/// ENDPOINTS.md's paths below each.
fn invitation_routes(cfg: &mut web::ServiceConfig, base: &str) {
    cfg.route(
        &format!("{base}/organizations/{{org_id}}/invitations"),
        web::post().to(invitations::create),
    )
    .route(
        &format!("{base}/organizations/{{org_id}}/invitations"),
        web::get().to(invitations::list),
    )
    .route(
        &format!("{base}/invitations/{{invite_id}}"),
        web::get().to(invitations::details),
    )
    .route(
        &format!("{base}/invitations/{{invite_id}}"),
        web::delete().to(invitations::revoke),
    )
    .route(
        &format!("{base}/invitations/{{invite_id}}/accept"),
        web::post().to(invitations::accept),
    )
    .route(
        &format!("{base}/invitations/{{invite_id}}/resend"),
        web::post().to(invitations::resend),
    );
}

/// The Policies router answers under `/api/policies` and `/api/v1/policies`.
fn policy_routes(cfg: &mut web::ServiceConfig, base: &str) {
    cfg.route(base, web::get().to(policies::list))
        .route(base, web::post().to(policies::create))
        .route(&format!("{base}/{{policy_id}}"), web::get().to(policies::get))
        .route(&format!("{base}/{{policy_id}}"), web::put().to(policies::update))
        .route(
            &format!("{base}/{{policy_id}}"),
            web::delete().to(policies::delete),
        )
        .route(
            &format!("{base}/{{policy_id}}/evaluate"),
            web::post().to(policies::evaluate),
        );
}
