//! `GET /api/v1/openapi.json` and `janua openapi`: the OpenAPI 3.1 document of every route the
//! gateway serves, built from the same declarations as its route table (each service's
//! endpoints, and the gateway's own below), so it lists exactly what is routed and needs no
//! service running.

use crate::route_table::{LocalRoute, Route, Upstream};
use actix_web::HttpResponse;
use janua_core::error::refusals;
use janua_service::endpoints::{Access, operations, operations_mut};
use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::header::{Header, HeaderBuilder};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, ObjectBuilder, Ref, RefOr, Type};
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
        refusals::Forbidden))]
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
        refusals::Forbidden))]
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
                HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build(),
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
    document_gateway_answers(&mut doc);
    doc
}

/// The rate-limit headers the gateway puts on every answer, with what each says.
const RATE_LIMIT_HEADERS: [(&str, &str); 3] = [
    ("X-RateLimit-Limit", "Requests allowed in the current window for this caller's tier."),
    ("X-RateLimit-Remaining", "Requests left in the current window."),
    ("X-RateLimit-Reset", "When the current window ends (Unix seconds)."),
];

/// What the gateway adds to every operation it routes, documented where it applies: each
/// answer carries the caller's rate-limit window, any request may be refused with 429 when
/// the window is spent, and an operation that needs a credential answers 401 without a valid
/// one (the services document their own 401s where their body differs, as SCIM's does).
fn document_gateway_answers(doc: &mut Document) {
    let integer = |description: &str| -> Header {
        HeaderBuilder::new()
            .schema(Some(ObjectBuilder::new().schema_type(Type::Integer)))
            .description(Some(description))
            .build()
    };
    let error = |description: &str, headers: &[(&str, Header)]| {
        let mut response = ResponseBuilder::new().description(description).content(
            "application/json",
            ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorEnvelope"))).build(),
        );
        for (name, header) in headers {
            response = response.header(*name, header.clone());
        }
        RefOr::T(response.build())
    };
    let components = doc.components.get_or_insert_with(Default::default);
    for (name, description) in RATE_LIMIT_HEADERS {
        components.headers.insert(name.to_string(), integer(description).into());
    }
    components.responses.insert(
        "Unauthorized".into(),
        error("`UNAUTHORIZED`: no credential, or one that is expired, revoked or not for this route.", &[]),
    );
    components.responses.insert(
        "TooManyRequests".into(),
        error(
            "`RATE_LIMIT_EXCEEDED`: this caller's window is spent; try again after `Retry-After` seconds.",
            &[("Retry-After", integer("Seconds until the window resets."))],
        ),
    );
    let limit_headers: Vec<(&str, RefOr<Header>)> = RATE_LIMIT_HEADERS
        .iter()
        .map(|(name, _)| (*name, RefOr::Ref(Ref::new(format!("#/components/headers/{name}")))))
        .collect();
    for operation in operations_mut(doc) {
        let needs_credential = operation
            .security
            .as_ref()
            .is_some_and(|any_of| !any_of.is_empty() && !any_of.iter().any(|r| r == &Default::default()));
        let responses = &mut operation.responses.responses;
        if needs_credential {
            responses
                .entry("401".into())
                .or_insert_with(|| RefOr::Ref(Ref::from_response_name("Unauthorized")));
        }
        responses
            .entry("429".into())
            .or_insert_with(|| RefOr::Ref(Ref::from_response_name("TooManyRequests")));
        for response in responses.values_mut() {
            if let RefOr::T(response) = response {
                for (name, header) in &limit_headers {
                    response.headers.entry(name.to_string()).or_insert_with(|| header.clone());
                }
            }
        }
    }
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
