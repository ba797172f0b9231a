use crate::handlers::{admin, internal, users};
use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/auth/me", web::get().to(users::me))
        .route("/api/v1/users", web::get().to(admin::list_users))
        .route("/api/v1/admin/users", web::get().to(admin::admin_users))
        .route("/api/v1/admin/stats", web::get().to(admin::stats))
        .route(
            "/api/v1/admin/users/{user_id}/suspend",
            web::post().to(admin::suspend),
        )
        .route(
            "/api/v1/admin/users/{user_id}/unsuspend",
            web::post().to(admin::unsuspend),
        )
        .route(
            "/api/v1/admin/users/{user_id}/force-delete",
            web::delete().to(admin::force_delete),
        )
        .route("/api/v1/users/{user_id}", web::delete().to(admin::delete_user))
        .route("/api/v1/users/{user_id}", web::get().to(users::get_user))
        .route("/api/v1/users/{user_id}", web::put().to(users::update_user))
        .configure(|cfg| {
            janua_service::internal(cfg, crate::openapi::document, |cfg| {
                cfg.route("/users/by-email", web::get().to(internal::user_by_email))
                    .route("/users/{user_id}", web::put().to(internal::create_user))
                    .route("/users/{user_id}", web::get().to(internal::get_user))
                    .route("/users/{user_id}", web::delete().to(internal::delete_user))
                    .route("/users/{user_id}", web::patch().to(internal::update_user))
                    .route(
                        "/users/{user_id}/verify-email",
                        web::post().to(internal::verify_email),
                    )
                    .route("/users/{user_id}/mfa", web::post().to(internal::set_mfa));
            })
        });
}
