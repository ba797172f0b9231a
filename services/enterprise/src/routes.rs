use crate::handlers::health;
use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/health/live", web::get().to(health::live))
        .route("/api/v1/health/ready", web::get().to(health::ready))
        .route(
            "/internal/v1/openapi.json",
            web::get().to(crate::openapi::document),
        )
        .service(
            web::scope("/internal/v1")
                .wrap(actix_web::middleware::from_fn(
                    janua_core::http::service_token_guard,
                ))
                .route("/health/ready", web::get().to(health::ready)),
        );
}
