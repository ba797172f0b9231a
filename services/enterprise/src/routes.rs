use crate::handlers::{discovery, scim_groups, scim_search, scim_tokens, scim_users, sso_configs, sso_flow};
use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/api/v1/organizations/{org_id}/scim-tokens",
        web::post().to(scim_tokens::create),
    )
    .route(
        "/api/v1/organizations/{org_id}/scim-tokens",
        web::get().to(scim_tokens::list),
    )
    .route(
        "/api/v1/organizations/{org_id}/scim-tokens/{token_id}",
        web::delete().to(scim_tokens::revoke),
    );
    cfg.route("/api/v1/sso/configurations", web::get().to(sso_configs::list))
        .route("/api/v1/sso/configurations", web::post().to(sso_configs::create))
        .route(
            "/api/v1/sso/configurations/{config_id}",
            web::get().to(sso_configs::get),
        )
        .route(
            "/api/v1/sso/configurations/{config_id}",
            web::put().to(sso_configs::update),
        )
        .route(
            "/api/v1/sso/configurations/{config_id}",
            web::delete().to(sso_configs::delete),
        )
        .route(
            "/api/v1/sso/configurations/{config_id}/domains/{domain}/verify",
            web::post().to(sso_configs::verify_domain),
        )
        .route("/api/v1/sso/start", web::get().to(sso_flow::start))
        .route(
            "/api/v1/sso/saml/metadata/{config_id}",
            web::get().to(sso_flow::sp_metadata),
        )
        .route("/api/v1/sso/saml/acs", web::post().to(sso_flow::acs))
        .route("/api/v1/sso/saml/slo", web::post().to(sso_flow::slo))
        .route(
            "/api/v1/sso/oidc/callback",
            web::post().to(sso_flow::oidc_callback),
        );
    for base in discovery::BASE_PATHS {
        cfg.route(
            &format!("{base}/ServiceProviderConfig"),
            web::get().to(discovery::service_provider_config),
        )
        .route(&format!("{base}/Schemas"), web::get().to(discovery::schemas))
        .route(
            &format!("{base}/Schemas/{{id}}"),
            web::get().to(discovery::schema),
        )
        .route(
            &format!("{base}/ResourceTypes"),
            web::get().to(discovery::resource_types),
        )
        .route(
            &format!("{base}/ResourceTypes/{{id}}"),
            web::get().to(discovery::resource_type),
        )
        .route(&format!("{base}/.search"), web::post().to(scim_search::all))
        .route(
            &format!("{base}/Users/.search"),
            web::post().to(scim_search::users),
        )
        .route(
            &format!("{base}/Groups/.search"),
            web::post().to(scim_search::groups),
        )
        .route(&format!("{base}/Users"), web::get().to(scim_users::list))
        .route(&format!("{base}/Users"), web::post().to(scim_users::create))
        .route(&format!("{base}/Users/{{id}}"), web::get().to(scim_users::get))
        .route(
            &format!("{base}/Users/{{id}}"),
            web::put().to(scim_users::replace),
        )
        .route(
            &format!("{base}/Users/{{id}}"),
            web::patch().to(scim_users::patch),
        )
        .route(
            &format!("{base}/Users/{{id}}"),
            web::delete().to(scim_users::delete),
        )
        .route(&format!("{base}/Groups"), web::get().to(scim_groups::list))
        .route(&format!("{base}/Groups"), web::post().to(scim_groups::create))
        .route(&format!("{base}/Groups/{{id}}"), web::get().to(scim_groups::get))
        .route(
            &format!("{base}/Groups/{{id}}"),
            web::put().to(scim_groups::replace),
        )
        .route(
            &format!("{base}/Groups/{{id}}"),
            web::patch().to(scim_groups::patch),
        )
        .route(
            &format!("{base}/Groups/{{id}}"),
            web::delete().to(scim_groups::delete),
        );
    }
    cfg.configure(|cfg| {
        janua_service::internal(cfg, crate::openapi::document, |cfg| {
            cfg.route(
                "/scim-tokens/{token_hash}",
                web::get().to(scim_tokens::check_token_hash),
            );
        })
    });
}
