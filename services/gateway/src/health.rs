//! The Health router, answered by the gateway: `/health` (basic), `/live`, `/ready` (Redis
//! and every upstream ready), `/detailed` (admin: each dependency with its latency).

use crate::GatewayState;
use crate::route_table::LocalRoute;
use actix_web::{HttpResponse, ResponseError};
use janua_core::ApiError;
use janua_tokens::Claims;
use secrecy::ExposeSecret;
use std::time::Instant;

#[derive(serde::Serialize)]
struct Check {
    name: &'static str,
    status: &'static str,
    latency_ms: f64,
}

async fn checks(state: &GatewayState) -> Vec<Check> {
    let redis = async {
        let started = Instant::now();
        let mut conn = state.redis.clone();
        let ok = redis::cmd("PING").query_async::<String>(&mut conn).await.is_ok();
        Check { name: "redis", status: if ok { "up" } else { "down" }, latency_ms: ms(started) }
    };
    let upstream = |name: &'static str, base: String| {
        let http = state.http.clone();
        let token = state.settings.secrets.service_token.expose_secret().to_string();
        async move {
            let started = Instant::now();
            let ok = http
                .get(format!("{}/internal/v1/health/ready", base.trim_end_matches('/')))
                .header(janua_core::http::SERVICE_TOKEN_HEADER, token)
                .timeout(std::time::Duration::from_secs(3))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            Check { name, status: if ok { "up" } else { "down" }, latency_ms: ms(started) }
        }
    };
    let (r, a, i, o, au, w, e) = futures::join!(
        redis,
        upstream("auth", state.settings.auth.url.clone()),
        upstream("identity", state.settings.identity.url.clone()),
        upstream("org", state.settings.org.url.clone()),
        upstream("audit", state.settings.audit.service.url.clone()),
        upstream("webhooks", state.settings.webhooks.service.url.clone()),
        upstream("enterprise", state.settings.enterprise.url.clone())
    );
    vec![r, a, i, o, au, w, e]
}

fn ms(started: Instant) -> f64 {
    (started.elapsed().as_secs_f64() * 1000.0 * 100.0).round() / 100.0
}

pub async fn answer(
    route: LocalRoute, req: &actix_web::HttpRequest, state: &GatewayState, claims: Option<&Claims>,
) -> HttpResponse {
    match route {
        LocalRoute::Health => HttpResponse::Ok().json(serde_json::json!({
            "status": "ok",
            "service": "janua",
            "version": env!("CARGO_PKG_VERSION"),
        })),
        LocalRoute::Live => HttpResponse::Ok().json(serde_json::json!({ "status": "alive" })),
        LocalRoute::Ready => {
            let checks = checks(state).await;
            let down: Vec<&str> = checks.iter().filter(|c| c.status != "up").map(|c| c.name).collect();
            if down.is_empty() {
                HttpResponse::Ok().json(serde_json::json!({ "status": "ready" }))
            } else {
                ApiError::keyed(janua_core::ErrorCode::ServiceUnavailable, "error.platform.not_ready", vec![])
                    .with_details(serde_json::json!({ "down": down }))
                    .error_response()
            }
        }
        LocalRoute::OpenApi => crate::openapi::document(),
        // Upgraded before the body is read (see proxy::answer); never reaches here.
        LocalRoute::WebSocket => ApiError::not_found().error_response(),
        LocalRoute::CacheClear => {
            if !claims.is_some_and(Claims::is_admin) {
                return ApiError::forbidden().error_response();
            }
            // On the record first (durably, in audit's outbox): no record, no clearing.
            if let Err(e) = record_clear(req, state, claims).await {
                return e.error_response();
            }
            match clear_counters(state).await {
                Ok((rate_limits, throttles)) => {
                    tracing::info!(
                        admin = %claims.map(|c| c.sub.to_string()).unwrap_or_default(),
                        rate_limits, throttles, "counters cleared by an admin"
                    );
                    HttpResponse::Ok().json(serde_json::json!({
                        "cleared": { "rate_limits": rate_limits, "sign_in_throttles": throttles },
                        "kept": ["session and user revocations", "MFA challenge budgets", "one-time links"],
                    }))
                }
                Err(e) => e.error_response(),
            }
        }
        LocalRoute::Detailed => {
            if !claims.is_some_and(Claims::is_admin) {
                return ApiError::forbidden().error_response();
            }
            let checks = checks(state).await;
            let ready = checks.iter().all(|c| c.status == "up");
            HttpResponse::Ok().json(serde_json::json!({
                "status": if ready { "ready" } else { "degraded" },
                "version": env!("CARGO_PKG_VERSION"),
                "dependencies": checks,
            }))
        }
    }
}

async fn record_clear(
    req: &actix_web::HttpRequest, state: &GatewayState, claims: Option<&Claims>,
) -> Result<(), ApiError> {
    let resp = state
        .http
        .post(format!("{}/internal/v1/records", state.settings.audit.service.url.trim_end_matches('/')))
        .header(janua_core::http::SERVICE_TOKEN_HEADER, state.settings.secrets.service_token.expose_secret())
        .json(&serde_json::json!({
            "type": "admin.cache_cleared",
            "actor_id": claims.map(|c| c.sub),
            "data": { "cleared": ["rate_limits", "sign_in_throttles"] },
            // The client as the gateway determined it (its trusted proxies).
            "ip": crate::proxy::client_address(req).to_string(),
            "user_agent": janua_core::http::user_agent(req),
            "request_id": janua_core::http::request_id_of(req),
        }))
        .timeout(std::time::Duration::from_secs(5))
        .send()
        .await
        .map_err(|_| ApiError::unavailable("the audit service"))?;
    if resp.status().is_success() { Ok(()) } else { Err(ApiError::unavailable("the audit service")) }
}

/// Deletes what Janua keeps in Redis only to slow callers down: the rate-limit windows and
/// the sign-in throttles (lock-outs). Revocations stay: clearing them would bring revoked
/// tokens back to life.
async fn clear_counters(state: &GatewayState) -> Result<(u64, u64), ApiError> {
    let mut conn = state.redis.clone();
    let mut counts = [0u64; 2];
    for (i, kind) in ["rl", "bf"].iter().enumerate() {
        let pattern = format!("{}:{kind}:*", state.settings.redis_prefix);
        let mut cursor: u64 = 0;
        loop {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(500)
                .query_async(&mut conn)
                .await?;
            if !keys.is_empty() {
                let n: u64 = redis::cmd("UNLINK").arg(&keys).query_async(&mut conn).await?;
                counts[i] += n;
            }
            if next == 0 {
                break;
            }
            cursor = next;
        }
    }
    Ok((counts[0], counts[1]))
}
