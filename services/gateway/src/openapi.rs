//! `GET /api/v1/openapi.json` and `janua openapi`: the OpenAPI 3.1 document of every route the
//! gateway serves, built from the same declarations as its route table (each service's
//! endpoints, and the gateway's own below), so it lists exactly what is routed and needs no
//! service running.

use crate::route_table::{LocalRoute, Route, Upstream};
use actix_web::HttpResponse;
use janua_service::endpoints::{Access, operations};
use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// Basic health check.
///
/// Permissions: anyone.
#[utoipa::path(get, path = "/api/v1/health", operation_id = "health", tag = "Health", responses((status = 200, body = Object)))]
#[allow(dead_code)]
fn health() {}

/// Liveness probe: the process answers.
///
/// Permissions: anyone.
#[utoipa::path(get, path = "/api/v1/health/live", operation_id = "health_live", tag = "Health", responses((status = 200, body = Object)))]
#[allow(dead_code)]
fn live() {}

/// Readiness probe: Redis and every upstream service (each with its database) answer.
///
/// Permissions: anyone.
#[utoipa::path(get, path = "/api/v1/health/ready", operation_id = "health_ready", tag = "Health",
    responses((status = 200, body = Object), (status = 503, body = janua_core::error::ErrorEnvelope)))]
#[allow(dead_code)]
fn ready() {}

/// Each dependency with its status and latency.
///
/// Permissions: platform admin.
#[utoipa::path(get, path = "/api/v1/health/detailed", operation_id = "health_detailed", tag = "Health", security(("bearer" = [])),
    responses((status = 200, body = Object), (status = 401, body = janua_core::error::ErrorEnvelope),
        (status = 403, body = janua_core::error::ErrorEnvelope)))]
#[allow(dead_code)]
fn detailed() {}

/// This document.
///
/// Permissions: anyone.
#[utoipa::path(get, path = "/api/v1/openapi.json", operation_id = "openapi", tag = "Meta", responses((status = 200, body = Object)))]
#[allow(dead_code)]
fn openapi_json() {}

/// Clears the rate-limit windows and sign-in throttles kept in Redis (revocations stay).
///
/// Permissions: platform admin.
#[utoipa::path(post, path = "/api/v1/admin/cache/clear", operation_id = "admin_cache_clear", tag = "Admin", security(("bearer" = [])),
    responses((status = 200, body = Object), (status = 401, body = janua_core::error::ErrorEnvelope),
        (status = 403, body = janua_core::error::ErrorEnvelope)))]
#[allow(dead_code)]
fn cache_clear() {}

/// The live event feed (WebSocket). Authenticate with `?token=<access token>`; frames are
/// `{"type","data"}`: `connection.ready` first, then `user.updated`, `organization.updated`,
/// `notification.created`, and `session.expired` before the server closes the connection of
/// a revoked session. The server pings every `heartbeat_secs`; a client may also send
/// `{"type":"ping"}` and gets `{"type":"pong"}`.
///
/// Permissions: any signed-in user (their own events and their organizations').
#[utoipa::path(get, path = "/api/v1/websocket/ws", operation_id = "websocket", tag = "WebSocket",
    params(("token" = String, Query, description = "an access token")),
    responses((status = 101, description = "switching to the WebSocket protocol"),
        (status = 401, body = janua_core::error::ErrorEnvelope)))]
#[allow(dead_code)]
fn websocket() {}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "mfa_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "The short-lived `mfa_token` sign-in answers between the password and the second factor.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "scim_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("scim_…")
                    .description(Some(
                        "An organization's SCIM token (POST /api/v1/organizations/{org_id}/scim-tokens).",
                    ))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Janua API", description = "Identity and access management. Errors use the envelope `{\"error\":{\"code\",\"message\",\"details\"}}`."),
    paths(health, live, ready, detailed, openapi_json, cache_clear, websocket),
    components(schemas(janua_core::error::ErrorEnvelope, janua_core::error::ErrorBody)),
    modifiers(&BearerAuth)
)]
struct GatewayDoc;

/// The whole document: the gateway's own routes and every service's.
pub fn merged() -> Document {
    let mut doc = GatewayDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    for (_, service, endpoints) in crate::route_table::services() {
        doc.merge(janua_service::document(service, &endpoints));
    }
    doc
}

pub fn document() -> HttpResponse {
    HttpResponse::Ok().json(merged())
}

/// The routes the gateway answers itself, from their declarations above.
pub fn local_routes() -> Vec<Route> {
    operations(&GatewayDoc::openapi())
        .into_iter()
        .map(|(method, path, operation)| {
            let local = match operation.operation_id.as_deref() {
                Some("health") => LocalRoute::Health,
                Some("health_live") => LocalRoute::Live,
                Some("health_ready") => LocalRoute::Ready,
                Some("health_detailed") => LocalRoute::Detailed,
                Some("openapi") => LocalRoute::OpenApi,
                Some("admin_cache_clear") => LocalRoute::CacheClear,
                Some("websocket") => LocalRoute::WebSocket,
                other => unreachable!("no local route for the operation {other:?}"),
            };
            Route {
                method,
                pattern: path.to_string(),
                upstream: Upstream::Local(local),
                access: Access::of(operation),
                form: false,
            }
        })
        .collect()
}
