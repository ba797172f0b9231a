//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 document of every route the gateway serves.
//! Each service publishes its own part at `/internal/v1/openapi.json`; the gateway merges
//! them with its own (health) and keeps only the paths of its route table, so the document
//! never lists a route that answers 404.

use crate::GatewayState;
use actix_web::{HttpResponse, ResponseError};
use janua_core::ApiError;
use std::collections::BTreeSet;
use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// Basic health check.
///
/// Permissions: anyone.
#[utoipa::path(get, path = "/api/v1/health", tag = "Health", responses((status = 200, body = Object)))]
#[allow(dead_code)]
fn health() {}

/// Liveness probe: the process answers.
///
/// Permissions: anyone.
#[utoipa::path(get, path = "/api/v1/health/live", tag = "Health", responses((status = 200, body = Object)))]
#[allow(dead_code)]
fn live() {}

/// Readiness probe: Redis and every upstream service (each with its database) answer.
///
/// Permissions: anyone.
#[utoipa::path(get, path = "/api/v1/health/ready", tag = "Health",
    responses((status = 200, body = Object), (status = 503, body = janua_core::error::ErrorEnvelope)))]
#[allow(dead_code)]
fn ready() {}

/// Each dependency with its status and latency.
///
/// Permissions: platform admin.
#[utoipa::path(get, path = "/api/v1/health/detailed", tag = "Health", security(("bearer" = [])),
    responses((status = 200, body = Object), (status = 401, body = janua_core::error::ErrorEnvelope),
        (status = 403, body = janua_core::error::ErrorEnvelope)))]
#[allow(dead_code)]
fn detailed() {}

/// This document.
///
/// Permissions: anyone.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "Meta", responses((status = 200, body = Object)))]
#[allow(dead_code)]
fn openapi_json() {}

/// Clears the rate-limit windows and sign-in throttles kept in Redis (revocations stay).
///
/// Permissions: platform admin.
#[utoipa::path(post, path = "/api/v1/admin/cache/clear", tag = "Admin", security(("bearer" = [])),
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
#[utoipa::path(get, path = "/api/v1/websocket/ws", tag = "WebSocket",
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

pub async fn document(state: &GatewayState) -> HttpResponse {
    match build(state).await {
        Ok(doc) => HttpResponse::Ok().json(doc),
        Err(e) => e.error_response(),
    }
}

async fn fetch(state: &GatewayState, base: &str) -> Result<Document, ApiError> {
    let resp = state
        .http
        .get(format!("{}/internal/v1/openapi.json", base.trim_end_matches('/')))
        .header(
            janua_core::http::SERVICE_TOKEN_HEADER,
            secrecy::ExposeSecret::expose_secret(&state.settings.secrets.service_token),
        )
        .send()
        .await
        .map_err(|_| ApiError::unavailable("a service behind the gateway"))?;
    if !resp.status().is_success() {
        return Err(ApiError::unavailable("a service behind the gateway"));
    }
    resp.json().await.map_err(ApiError::internal)
}

async fn build(state: &GatewayState) -> Result<Document, ApiError> {
    let mut doc = GatewayDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    let (auth, identity, org, audit, webhooks, enterprise) = futures::join!(
        fetch(state, &state.settings.auth.url),
        fetch(state, &state.settings.identity.url),
        fetch(state, &state.settings.org.url),
        fetch(state, &state.settings.audit.url),
        fetch(state, &state.settings.webhooks.service.url),
        fetch(state, &state.settings.enterprise.url)
    );
    for part in [auth, identity, org, audit, webhooks, enterprise] {
        doc.merge(part?);
    }
    let routed: BTreeSet<&str> = state.table.routes().map(|r| r.pattern).collect();
    // Routers that also answer outside /api/v1 (Invitations, Policies, Audit Logs) are documented once by
    // their service; list them under both prefixes, as they are served.
    for alias in &routed {
        if let Some(rest) = alias.strip_prefix("/api/")
            && !rest.starts_with("v1/")
            && !doc.paths.paths.contains_key(*alias)
            && let Some(item) = doc.paths.paths.get(&format!("/api/v1/{rest}")).cloned()
        {
            doc.paths.paths.insert(alias.to_string(), item);
        }
    }
    // SCIM answers under `/api/v1/scim` and `/api/v1/scim/v2`, documented once (v2).
    for alias in &routed {
        if let Some(rest) = alias.strip_prefix("/api/v1/scim/")
            && !rest.starts_with("v2/")
            && !doc.paths.paths.contains_key(*alias)
            && let Some(item) = doc.paths.paths.get(&format!("/api/v1/scim/v2/{rest}")).cloned()
        {
            doc.paths.paths.insert(alias.to_string(), item);
        }
    }
    doc.paths.paths.retain(|path, _| routed.contains(path.as_str()));
    Ok(doc)
}
