use crate::handlers::{health, members, organizations};
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
        .route("/api/v1/health/live", web::get().to(health::live))
        .route("/api/v1/health/ready", web::get().to(health::ready))
        .route(
            "/internal/v1/openapi.json",
            web::get().to(crate::openapi::document),
        )
        .service(
            web::scope("/internal/v1")
                .wrap(actix_web::middleware::from_fn(health::require_service_token))
                .route("/health/ready", web::get().to(health::ready)),
        );
}
