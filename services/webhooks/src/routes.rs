use crate::handlers::{deliveries, endpoints};
use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/webhooks", web::get().to(endpoints::list))
        .route("/api/v1/webhooks", web::post().to(endpoints::create))
        .route("/api/v1/webhooks/{webhook_id}", web::get().to(endpoints::get))
        .route("/api/v1/webhooks/{webhook_id}", web::put().to(endpoints::update))
        .route(
            "/api/v1/webhooks/{webhook_id}",
            web::delete().to(endpoints::delete),
        )
        .route(
            "/api/v1/webhooks/{webhook_id}/test",
            web::post().to(endpoints::test),
        )
        .route(
            "/api/v1/webhooks/{webhook_id}/deliveries",
            web::get().to(deliveries::list),
        )
        .route(
            "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
            web::post().to(deliveries::redeliver),
        )
        .configure(|cfg| janua_service::internal(cfg, crate::openapi::document, |_| {}));
}
