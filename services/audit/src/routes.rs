use crate::handlers::logs;
use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.configure(|cfg| log_routes(cfg, "/api/audit-logs"))
        .configure(|cfg| log_routes(cfg, "/api/v1/audit-logs"))
        .configure(|cfg| {
            janua_service::internal(cfg, crate::openapi::document, |cfg| {
                cfg.route("/records", web::post().to(crate::events::record));
            })
        });
}

/// The Audit Logs router answers under `/api/audit-logs` and `/api/v1/audit-logs`; literal
/// segments (`events`, `verify`, `export`) are registered before `{log_id}`.
fn log_routes(cfg: &mut web::ServiceConfig, base: &str) {
    cfg.route(base, web::get().to(logs::list))
        .route(&format!("{base}/events"), web::get().to(logs::event_types))
        .route(&format!("{base}/verify"), web::get().to(logs::verify))
        .route(&format!("{base}/export"), web::post().to(logs::export))
        .route(
            &format!("{base}/users/{{user_id}}"),
            web::get().to(logs::for_user),
        )
        .route(
            &format!("{base}/organizations/{{org_id}}"),
            web::get().to(logs::for_organization),
        )
        .route(&format!("{base}/{{log_id}}"), web::get().to(logs::get));
}
