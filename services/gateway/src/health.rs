//! The Health router, answered by the gateway: `/health` (basic), `/live`, `/ready` (the
//! gateway's own Redis answers), `/detailed` (admin: Redis, the live feed's broker link and
//! each upstream's own report, with latencies and outbox backlogs).

use crate::GatewayState;
use crate::route_table::LocalRoute;
use actix_web::{HttpResponse, ResponseError};
use janua_core::ApiError;
use janua_service::health::Dependency;
use janua_tokens::Claims;
use secrecy::ExposeSecret;
use std::time::Instant;

/// One upstream's health as it reports it (`GET /internal/v1/health`), or down.
#[derive(serde::Serialize)]
struct Upstream {
    #[serde(flatten)]
    reachable: Dependency,
    /// The upstream's own dependencies (database, Redis, broker, consumers, ...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    dependencies: Vec<Dependency>,
    #[serde(skip_serializing_if = "Option::is_none")]
    outbox: Option<serde_json::Value>,
}

impl Upstream {
    fn is_up(&self) -> bool {
        self.reachable.is_up() && self.dependencies.iter().all(Dependency::is_up)
    }
}

/// Every dependency of the platform as the gateway sees it: its Redis, its live feed's link to
/// the broker, and each upstream's own report.
async fn checks(state: &GatewayState) -> (Vec<Dependency>, Vec<Upstream>) {
    let redis = async {
        let started = Instant::now();
        Dependency::new("redis", janua_service::health::redis_up(&state.redis).await, started)
    };
    let upstream = |name: &'static str, base: String| {
        let client =
            janua_core::internal::InternalClient::new(name, &base, &state.settings, state.http.clone())
                .with_timeout(std::time::Duration::from_secs(5));
        async move {
            let started = Instant::now();
            let report = client.get::<serde_json::Value>("/health", &[]).await.ok().flatten();
            let reachable = Dependency::new(name, report.is_some(), started);
            let mut report = report.unwrap_or_default();
            let dependencies = serde_json::from_value(report["dependencies"].take()).unwrap_or_default();
            let outbox = Some(report["outbox"].take()).filter(|o| !o.is_null());
            Upstream { reachable, dependencies, outbox }
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
    let own = vec![r, Dependency::link("broker:live-feed", state.hub.consumer.is_connected())];
    (own, vec![a, i, o, au, w, e])
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
        // What the gateway itself needs to answer: Redis (rate limits, revocations). Never the
        // upstreams: each has its own readiness, and a sibling's blip must not empty this one.
        LocalRoute::Ready => {
            if janua_service::health::redis_up(&state.redis).await {
                HttpResponse::Ok().json(serde_json::json!({ "status": "ready" }))
            } else {
                ApiError::keyed(janua_core::ErrorCode::ServiceUnavailable, "error.platform.not_ready", vec![])
                    .with_details(serde_json::json!({ "down": ["redis"] }))
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
            let cleared = clear_counters(state).await;
            state.limiter.forget();
            match cleared {
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
            let (own, upstreams) = checks(state).await;
            let ready = own.iter().all(Dependency::is_up) && upstreams.iter().all(Upstream::is_up);
            let mut dependencies = serde_json::to_value(&own).unwrap_or_default();
            if let Some(list) = dependencies.as_array_mut() {
                list.extend(upstreams.iter().filter_map(|u| serde_json::to_value(u).ok()));
            }
            HttpResponse::Ok().json(serde_json::json!({
                "status": if ready { "ready" } else { "degraded" },
                "version": env!("CARGO_PKG_VERSION"),
                "dependencies": dependencies,
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
