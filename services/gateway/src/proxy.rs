//! Dispatch and reverse proxy. actix-web speaks http 0.2 types and reqwest http 1: the
//! conversion happens here and nowhere else (by name and bytes).

use crate::GatewayState;
use crate::rate_limit::Tier;
use crate::route_table::{Access, Match, Upstream};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, ResponseError, web};
use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use janua_core::{ApiError, ErrorCode};
use janua_tokens::Claims;
use janua_tokens::extract::bearer;

/// Headers about the client's address and the gateway's own credential: a client may send
/// them, but only the gateway writes them for the services.
const FORWARDING: [&str; 4] =
    ["x-forwarded-for", "forwarded", "x-real-ip", janua_core::http::SERVICE_TOKEN_HEADER];

/// The client's address as the gateway determined it (see [`crate::client`]), kept with the
/// request.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub std::net::IpAddr);

pub fn client_address(req: &HttpRequest) -> std::net::IpAddr {
    use actix_web::HttpMessage;
    req.extensions()
        .get::<ClientAddress>()
        .map(|c| c.0)
        .or_else(|| req.peer_addr().map(|a| a.ip()))
        .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
}

/// Marks an answer that refused the request's token as revoked.
struct TokenRevoked;

const REVOKED: janua_tokens::TokenError = janua_tokens::TokenError::Revoked;

/// Headers that belong to one hop and must not be forwarded (RFC 9110 section 7.6.1).
const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
];

pub async fn dispatch(
    req: HttpRequest, payload: web::Payload, state: web::Data<GatewayState>,
) -> HttpResponse {
    let peer =
        req.peer_addr().map(|a| a.ip()).unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    let client = state.proxies.client(peer, &req);
    req.extensions_mut().insert(ClientAddress(client));
    let address = janua_core::http::address_bucket(&client.to_string());
    // Rate limits cannot be bought: a request gets a tier only from a credential the gateway
    // verified (a JWT that verifies and is not revoked, a SCIM token that exists). Anything
    // else, made up or revoked, counts as anonymous, by address.
    // A SCIM token (`scim_…`) is no JWT: a working one gets the SCIM tier, counted per token
    // (by its hash; the token never reaches Redis).
    let scim_hash =
        bearer(&req).filter(|t| t.starts_with("scim_")).map(|t| janua_core::crypto::sha256_hex(t.as_bytes()));
    let verified: Option<Result<Claims, ApiError>> = match bearer(&req) {
        Some(_) if scim_hash.is_some() => None,
        Some(token) => Some(state.guard.verify_signature(token).await),
        None => None,
    };
    let scim_works = scim_hash.as_deref().and_then(|h| state.scim_tokens.remembered(h));
    // A revoked token is no credential either. The services refuse it (each checks the
    // revocation set); once one has, its session counts as anonymous here from the start.
    let known_revoked = matches!(&verified, Some(Ok(c)) if state.revoked.contains(c.sid));
    // Only full access tokens earn a user's tier; an `mfa_token` counts as anonymous.
    let (tier, who) = match (&verified, &scim_hash, scim_works) {
        (_, Some(hash), Some(true)) => (Tier::Scim, hash[..32].to_owned()),
        (_, Some(_), _) => (Tier::Anonymous, address.clone()),
        _ if known_revoked => (Tier::Anonymous, address.clone()),
        (Some(Ok(c)), _, _) if c.scope.is_none() && c.is_admin() => (Tier::Admin, c.sub.to_string()),
        (Some(Ok(c)), _, _) if c.scope.is_none() => (Tier::Authenticated, c.sub.to_string()),
        _ => (Tier::Anonymous, address.clone()),
    };
    let mut decision = match state.limiter.hit(tier, &who).await {
        Ok(d) => d,
        Err(e) => return e.error_response(),
    };
    // A SCIM token not seen for a minute: counted as anonymous above, asked about now (only
    // within the address's budget, so made-up tokens cannot flood enterprise with questions).
    if let (Some(hash), None) = (&scim_hash, scim_works)
        && decision.allowed
    {
        state.scim_tokens.check(&state, hash).await;
    }
    let mut response = match state.table.find(req.method(), req.path()) {
        _ if !decision.allowed => {
            metrics::counter!(janua_core::metrics::RATE_LIMITED, "tier" => tier.name()).increment(1);
            let retry = (decision.reset - chrono::Utc::now().timestamp()).max(1) as u64;
            ApiError::too_many_requests(retry).error_response()
        }
        Match::Found(route) => {
            if let Some(Ok(claims)) = &verified {
                req.extensions_mut().insert(janua_core::http::Principal(claims.sub));
            }
            let session = verified.as_ref().and_then(|v| v.as_ref().ok()).map(|c| (c.sid, c.exp));
            let response = answer(&req, payload, &state, route, verified).await;
            if let Some((sid, expires)) = session {
                if response.extensions().get::<TokenRevoked>().is_some() {
                    state.revoked.learn(sid, expires);
                    // Counted against the user above: the request counts as anonymous too.
                    if tier != Tier::Anonymous {
                        decision = match state.limiter.hit(Tier::Anonymous, &address).await {
                            Ok(d) => d,
                            Err(e) => return e.error_response(),
                        };
                    }
                } else if known_revoked && route.access != Access::Public && response.status().is_success() {
                    // Its user was unblocked.
                    state.revoked.forget(sid);
                }
            }
            response
        }
        Match::MethodNotAllowed(allowed) => {
            let names: Vec<&str> = allowed.iter().map(Method::as_str).collect();
            let method = vec![("method", req.method().to_string().into())];
            ApiError::keyed(ErrorCode::MethodNotAllowed, "error.platform.method_not_allowed_here", method)
                .with_details(serde_json::json!({ "allow": names }))
                .with_header(header::ALLOW, names.join(", "))
                .error_response()
        }
        Match::NotFound if is_scim(req.path()) => scim_error(StatusCode::NOT_FOUND, "no such SCIM endpoint"),
        Match::NotFound => {
            ApiError::keyed(ErrorCode::NotFound, "error.platform.no_such_route", vec![]).error_response()
        }
    };
    let headers = response.headers_mut();
    for (name, value) in [
        ("x-ratelimit-limit", decision.limit.to_string()),
        ("x-ratelimit-remaining", decision.remaining.to_string()),
        ("x-ratelimit-reset", decision.reset.to_string()),
    ] {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), v);
        }
    }
    response
}

async fn answer(
    req: &HttpRequest, payload: web::Payload, state: &GatewayState, route: &crate::route_table::Route,
    verified: Option<Result<Claims, ApiError>>,
) -> HttpResponse {
    let claims = match (route.access, verified) {
        (Access::Public, Some(Ok(c))) if c.scope.is_none() => Some(c),
        (Access::Public, _) => None,
        (_, Some(Ok(c))) if c.scope.is_none() => Some(c),
        (Access::MfaChallenge, Some(Ok(c))) if c.scope.as_deref() == Some("mfa") => Some(c),
        (_, Some(Ok(_))) => return ApiError::unauthorized("token_scope").error_response(),
        (_, Some(Err(e))) => return e.error_response(),
        (_, None) => return ApiError::unauthorized("token_missing").error_response(),
    };
    if route.upstream == Upstream::Local(crate::route_table::LocalRoute::WebSocket) {
        return crate::websocket::connect(req, payload, state).await;
    }
    let body = match read_body(req, payload, state.settings.http.body_limit_bytes).await {
        Ok(b) => b,
        Err(e) => return e.error_response(),
    };
    // Input PostgreSQL cannot store is a 400 naming the field, whichever service would store
    // it: a NUL character in a JSON string (or key), a query parameter or the path, and a
    // number jsonb would store but not give back (it writes 1e308 out as 309 digits).
    let unstorable = nul_in_query(req)
        .map(|field| (field, NUL))
        .or_else(|| is_json(req).then(|| unstorable_json(&body)).flatten());
    if let Some((field, what)) = unstorable {
        let message = format!("{field} {what}");
        if is_scim(req.path()) {
            return scim_error(StatusCode::BAD_REQUEST, &message);
        }
        let key =
            if what == NUL { "error.platform.field_contains_nul" } else { "error.platform.number_too_large" };
        return ApiError::invalid(&field, key, vec![("field", field.clone().into())]).error_response();
    }
    if !body.is_empty()
        && matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH)
        && !(is_json(req) || route.form && is_form(req))
    {
        return ApiError::keyed(ErrorCode::UnsupportedMediaType, "error.platform.json_body_expected", vec![])
            .error_response();
    }
    let settings = &state.settings;
    let base = match route.upstream {
        Upstream::Local(local) => return answer_here(local, req, state, route.access, claims).await,
        Upstream::Auth => &settings.auth.url,
        Upstream::Identity => &settings.identity.url,
        Upstream::Org => &settings.org.url,
        Upstream::Enterprise => &settings.enterprise.url,
        Upstream::Audit => &settings.audit.service.url,
        Upstream::Webhooks => &settings.webhooks.service.url,
    };
    // Bounded: a request the services cannot take now is shed at once, with when to retry
    // (the gateway's own answers, its probes among them, are not counted).
    let Ok(_place) = state.in_flight.try_acquire() else {
        metrics::counter!(janua_core::metrics::SHED, "service" => "gateway", "queue" => "proxy").increment(1);
        return ApiError::unavailable("the gateway").with_header(header::RETRY_AFTER, "1").error_response();
    };
    forward(req, body, state, base).await
}

/// A route the gateway answers itself: it checks the revocation set as the services do.
async fn answer_here(
    local: crate::route_table::LocalRoute, req: &HttpRequest, state: &GatewayState, access: Access,
    claims: Option<Claims>,
) -> HttpResponse {
    let revoked = match &claims {
        Some(c) => match state.revocations.is_revoked(c.sub, c.sid).await {
            Ok(revoked) => revoked,
            Err(e) => return e.error_response(),
        },
        None => false,
    };
    // A revoked token is no credential: a public route answers as to nobody, any other 401.
    let mut response = match claims.filter(|_| !revoked) {
        None if revoked && access != Access::Public => {
            ApiError::unauthorized(REVOKED.reason()).error_response()
        }
        claims => crate::health::answer(local, req, state, claims.as_ref()).await,
    };
    if revoked {
        response.extensions_mut().insert(TokenRevoked);
    }
    response
}

/// Whether a 401 from a service refused the token as revoked (`details.reason`).
fn refused_as_revoked(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body)
        .is_ok_and(|v| v["error"]["details"]["reason"] == REVOKED.reason())
}

/// Largest magnitude of a JSON number stored as given: beyond it jsonb writes the number out
/// in full and it no longer reads back as a double.
const LARGEST_NUMBER: f64 = 1e300;

const NUL: &str = "may not contain NUL characters (\\u0000)";

/// The field (a dotted path, `[i]` for array items) of the first JSON string or key holding a
/// NUL character, or number too large to store, with what is wrong. Bodies without the
/// `\u0000` escape, a large exponent or a long run of digits are not parsed at all.
fn unstorable_json(body: &[u8]) -> Option<(String, &'static str)> {
    const ESCAPE: &[u8] = b"\\u0000";
    let large_exponent = body.windows(4).any(|w| {
        matches!(w[0], b'e' | b'E') && {
            let digits = if w[1] == b'+' { &w[2..] } else { &w[1..3] };
            digits.iter().all(u8::is_ascii_digit) && digits[0] >= b'3'
        }
    });
    let long_digits = body.split(|b| !b.is_ascii_digit()).any(|run| run.len() > 300);
    if !large_exponent && !long_digits && !body.windows(ESCAPE.len()).any(|w| w == ESCAPE) {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    fn find(value: &serde_json::Value, path: &str) -> Option<(String, &'static str)> {
        let at = |key: &str| {
            if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
        };
        let here = || {
            if path.is_empty() { "body".to_owned() } else { path.to_owned() }
        };
        match value {
            serde_json::Value::String(s) if s.contains('\0') => Some((here(), NUL)),
            serde_json::Value::Number(n) if n.as_f64().is_none_or(|f| f.abs() >= LARGEST_NUMBER) => {
                Some((here(), "is a number too large to store (at most 1e300 in magnitude)"))
            }
            serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
                if k.contains('\0') { Some((at(&k.replace('\0', "\\u0000")), NUL)) } else { find(v, &at(k)) }
            }),
            serde_json::Value::Array(items) => {
                items.iter().enumerate().find_map(|(i, v)| find(v, &format!("{path}[{i}]")))
            }
            _ => None,
        }
    }
    find(&value, "")
}

/// The query parameter (or `path`) holding a NUL character once percent-decoded.
fn nul_in_query(req: &HttpRequest) -> Option<String> {
    if req.path().to_ascii_lowercase().contains("%00") {
        return Some("path".into());
    }
    let query = req.query_string();
    if !query.to_ascii_lowercase().contains("%00") {
        return None;
    }
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, v)| k.contains('\0') || v.contains('\0'))
        .map(|(k, _)| k.replace('\0', "\\u0000"))
}

/// SCIM clients read SCIM errors (RFC 7644 §3.12), also for paths no route serves.
fn is_scim(path: &str) -> bool {
    path == "/api/v1/scim" || path.starts_with("/api/v1/scim/")
}

fn scim_error(status: StatusCode, detail: &str) -> HttpResponse {
    HttpResponse::build(status).content_type("application/scim+json").json(serde_json::json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
        "status": status.as_u16().to_string(),
        "detail": detail,
    }))
}

fn is_form(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| ct.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"))
}

fn is_json(req: &HttpRequest) -> bool {
    let Some(ct) = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let mime = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

async fn read_body(req: &HttpRequest, mut payload: web::Payload, limit: usize) -> Result<Bytes, ApiError> {
    let too_large = || {
        ApiError::keyed(
            ErrorCode::PayloadTooLarge,
            "error.platform.body_larger_than",
            vec![("limit", limit.to_string().into())],
        )
    };
    if let Some(len) = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        && len > limit
    {
        return Err(too_large());
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| {
            ApiError::keyed(ErrorCode::ValidationError, "error.platform.body_unreadable", vec![])
        })?;
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

async fn forward(req: &HttpRequest, body: Bytes, state: &GatewayState, base: &str) -> HttpResponse {
    let path = req.path();
    let mut url = format!("{}{}", base.trim_end_matches('/'), path);
    if path.len() > 1 && url.ends_with('/') {
        url.pop();
    }
    if !req.query_string().is_empty() {
        url.push('?');
        url.push_str(req.query_string());
    }
    let Ok(method) = reqwest::Method::from_bytes(req.method().as_str().as_bytes()) else {
        return ApiError::keyed(ErrorCode::MethodNotAllowed, "error.platform.method_not_supported", vec![])
            .error_response();
    };
    let request = || {
        let mut upstream = state.http.request(method.clone(), &url);
        for (name, value) in req.headers() {
            let n = name.as_str();
            if HOP_BY_HOP.contains(&n) || n == "content-length" || FORWARDING.contains(&n) {
                continue;
            }
            upstream = upstream.header(n, value.as_bytes());
        }
        // The services believe a forwarded address only from the gateway: it comes with the
        // service token, and it is the client as the gateway determined it (nothing the client
        // wrote itself).
        upstream = upstream.header("x-forwarded-for", client_address(req).to_string()).header(
            janua_core::http::SERVICE_TOKEN_HEADER,
            secrecy::ExposeSecret::expose_secret(&state.settings.secrets.service_token),
        );
        if let Some(id) = janua_core::http::request_id_of(req) {
            upstream = upstream.header("x-request-id", id);
        }
        // The gateway's span is the service's parent (replacing a client's `traceparent`, which
        // is the gateway's parent); without export, the client's passes through.
        upstream = upstream.headers(janua_core::telemetry::trace_headers());
        upstream.body(body.clone())
    };
    // A safe request that could not be sent (the connection failed, not a timeout) is sent
    // once more: nothing of it reached the service's handler or it changed nothing there.
    let sent = match request().send().await {
        Err(e) if !e.is_timeout() && (method == reqwest::Method::GET || method == reqwest::Method::HEAD) => {
            tracing::debug!(error = %e.without_url(), upstream = %base, "upstream send failed; sending again");
            request().send().await
        }
        sent => sent,
    };
    let resp = match sent {
        Ok(r) => r,
        Err(e) => {
            // Without the URL: its query string is the client's (an OAuth code, a link's token).
            tracing::warn!(error = %e.without_url(), upstream = %base, "upstream unavailable");
            return ApiError::unavailable("the service behind this route").error_response();
        }
    };
    let status = StatusCode::from_u16(resp.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut out = HttpResponse::build(status);
    let mut headers = HeaderMap::new();
    for (name, value) in resp.headers() {
        let n = name.as_str();
        if HOP_BY_HOP.contains(&n) || n == "content-length" || n == "x-request-id" {
            continue;
        }
        if let (Ok(n), Ok(v)) =
            (HeaderName::from_bytes(n.as_bytes()), HeaderValue::from_bytes(value.as_bytes()))
        {
            headers.append(n, v);
        }
    }
    for (n, v) in headers {
        out.append_header((n, v));
    }
    // Small answers (nearly all) go out with a Content-Length; large ones stream.
    match resp.content_length() {
        Some(len) if len <= 1024 * 1024 => match resp.bytes().await {
            Ok(body) => {
                let revoked = status == StatusCode::UNAUTHORIZED && refused_as_revoked(&body);
                let mut response = out.body(body);
                if revoked {
                    response.extensions_mut().insert(TokenRevoked);
                }
                response
            }
            Err(_) => ApiError::unavailable("the service behind this route").error_response(),
        },
        _ => out.streaming(resp.bytes_stream()),
    }
}
