//! What every request leaves behind: its count and latency in the metrics (by route template,
//! method and status) and one access-log line. The route is the template it matched, never
//! the path as sent: no identifier, token or code in a query string reaches a log or a label.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use janua_core::http::Principal;
use janua_core::metrics as m;
use std::time::Instant;
use tracing::Instrument;

/// The route template a request will match, for a server that routes by itself (the
/// gateway, by its table): `None` for no route.
pub type RouteOf = std::sync::Arc<dyn Fn(&actix_web::http::Method, &str) -> Option<String> + Send + Sync>;

/// Which service answers, whether it writes the access log, and (the gateway) how it routes.
#[derive(Clone)]
pub struct Observed {
    pub service: &'static str,
    pub access_log: bool,
    pub route_of: Option<RouteOf>,
}

/// Counts down the in-flight gauge however the request ends (answered, failed, dropped).
struct InFlight(&'static str);

impl InFlight {
    fn start(service: &'static str) -> InFlight {
        metrics::gauge!(m::HTTP_IN_FLIGHT, "service" => service).increment(1.0);
        InFlight(service)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        metrics::gauge!(m::HTTP_IN_FLIGHT, "service" => self.0).decrement(1.0);
    }
}

/// Routes nobody declared are counted under one label, so that made-up paths cannot grow
/// the metrics without bound.
const UNMATCHED: &str = "unmatched";

pub async fn observe(
    req: ServiceRequest, next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let observed = req.app_data::<web::Data<Observed>>().map(|o| o.get_ref().clone()).unwrap_or(Observed {
        service: "janua",
        access_log: false,
        route_of: None,
    });
    let _in_flight = InFlight::start(observed.service);
    let method = req.method().clone();
    let request_id =
        req.extensions().get::<janua_core::http::RequestId>().map(|r| r.0.clone()).unwrap_or_default();
    // The route it will match, known before routing (the span is named when it is made).
    let route = match &observed.route_of {
        Some(route_of) => route_of(&method, req.path()),
        None => req.match_pattern(),
    }
    .unwrap_or_else(|| UNMATCHED.to_string());
    // The request's span, a child of the caller's trace context.
    let span = tracing::info_span!(
        "request",
        otel.name = format!("{method} {route}"),
        otel.kind = "server",
        otel.status_code = tracing::field::Empty,
        janua.service = observed.service,
        request_id = %request_id,
        http.request.method = %method,
        http.route = route.as_str(),
        http.response.status_code = tracing::field::Empty,
    );
    janua_core::telemetry::extract(&span, req.headers());
    let outcome = next.call(req).instrument(span.clone()).await;
    let (status, request) = match &outcome {
        Ok(res) => (res.status().as_u16(), Some(res.request())),
        Err(e) => (e.as_response_error().status_code().as_u16(), None),
    };
    let elapsed = started.elapsed();
    span.record("http.response.status_code", status);
    if status >= 500 {
        span.record("otel.status_code", "ERROR");
    }
    let labels =
        [("service", observed.service.to_string()), ("method", method.to_string()), ("route", route)];
    metrics::histogram!(m::HTTP_DURATION, &labels[..]).record(elapsed.as_secs_f64());
    let [service, method, route] = labels;
    let counted = [service, method, route, ("status", status.to_string())];
    metrics::counter!(m::HTTP_REQUESTS, &counted[..]).increment(1);
    if observed.access_log {
        let extensions = request.map(|r| r.extensions());
        let request_id =
            extensions.as_ref().and_then(|e| e.get::<janua_core::http::RequestId>().map(|r| r.0.clone()));
        let user_id = extensions.as_ref().and_then(|e| e.get::<Principal>().map(|p| p.0.to_string()));
        drop(extensions);
        tracing::info!(
            target: "janua::access",
            service = observed.service,
            method = %counted[1].1,
            route = %counted[2].1,
            status,
            latency_ms = (elapsed.as_secs_f64() * 100_000.0).round() / 100.0,
            request_id = request_id.as_deref().unwrap_or(""),
            user_id = user_id.as_deref().unwrap_or(""),
            "request"
        );
    }
    outcome
}
