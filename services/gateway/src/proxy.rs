//! Dispatch and reverse proxy. actix-web speaks http 0.2 types and reqwest http 1: the
//! conversion happens here and nowhere else (by name and bytes).

use crate::GatewayState;
use crate::rate_limit::Tier;
use crate::route_table::{Access, Match, Upstream};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use janua_core::{ApiError, ErrorCode};
use janua_tokens::Claims;
use janua_tokens::extract::bearer;

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
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<GatewayState>,
) -> HttpResponse {
    let ip = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    // Who is calling decides the rate-limit tier; an invalid token on a public route counts
    // as anonymous, on a protected one it is refused after counting.
    // A SCIM token (`scim_…`, checked by the enterprise service) is no JWT: its client gets
    // the SCIM tier, counted per token (by its hash; the token never reaches Redis).
    let scim_client = bearer(&req)
        .filter(|t| t.starts_with("scim_"))
        .map(|t| janua_core::crypto::sha256_hex(t.as_bytes())[..32].to_owned());
    let mut verified: Option<Result<Claims, ApiError>> = match bearer(&req) {
        Some(_) if scim_client.is_some() => None,
        Some(token) => Some(state.guard.verify_signature(token).await),
        None => None,
    };
    // Only full access tokens earn a user's tier; an `mfa_token` counts as anonymous.
    let (tier, who) = match (&verified, scim_client) {
        (_, Some(client)) => (Tier::Scim, client),
        (Some(Ok(c)), _) if c.scope.is_none() && c.is_admin() => (Tier::Admin, c.sub.to_string()),
        (Some(Ok(c)), _) if c.scope.is_none() => (Tier::Authenticated, c.sub.to_string()),
        _ => (Tier::Anonymous, ip.clone()),
    };
    // The revocation check rides in the same Redis round trip as the rate-limit count.
    let revocation_keys = match &verified {
        Some(Ok(c)) => state.guard.revocations.keys(c.sub, c.sid).to_vec(),
        _ => Vec::new(),
    };
    let (decision, revoked) = match state.limiter.hit(tier, &who, &revocation_keys).await {
        Ok(d) => d,
        Err(e) => return e.error_response(),
    };
    if revoked {
        // Counted in the user's tier already; the request itself is refused below.
        verified = Some(Err(ApiError::unauthorized("token_revoked")));
    }
    let mut response = match state.table.find(req.method(), req.path()) {
        _ if !decision.allowed => {
            let retry = (decision.reset - chrono::Utc::now().timestamp()).max(1) as u64;
            ApiError::too_many_requests(retry).error_response()
        }
        Match::Found(route) => answer(&req, payload, &state, route, verified).await,
        Match::MethodNotAllowed(allowed) => {
            let names: Vec<&str> = allowed.iter().map(Method::as_str).collect();
            ApiError::new(
                ErrorCode::MethodNotAllowed,
                format!("{} is not allowed here", req.method()),
            )
            .with_details(serde_json::json!({ "allow": names }))
            .with_header(header::ALLOW, names.join(", "))
            .error_response()
        }
        Match::NotFound if is_scim(req.path()) => scim_error(StatusCode::NOT_FOUND, "no such SCIM endpoint"),
        Match::NotFound => ApiError::new(ErrorCode::NotFound, "no such route").error_response(),
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
    req: &HttpRequest,
    payload: web::Payload,
    state: &GatewayState,
    route: &crate::route_table::Route,
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
    if !body.is_empty()
        && matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH)
        && !(is_json(req) || route.form && is_form(req))
    {
        return ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "expected a JSON body with Content-Type: application/json",
        )
        .error_response();
    }
    match route.upstream {
        Upstream::Local(local) => crate::health::answer(local, req, state, claims.as_ref()).await,
        Upstream::Auth => forward(req, body, state, &state.settings.auth.url).await,
        Upstream::Identity => forward(req, body, state, &state.settings.identity.url).await,
        Upstream::Org => forward(req, body, state, &state.settings.org.url).await,
        Upstream::Enterprise => forward(req, body, state, &state.settings.enterprise.url).await,
        Upstream::Audit => forward(req, body, state, &state.settings.audit.url).await,
        Upstream::Webhooks => forward(req, body, state, &state.settings.webhooks.service.url).await,
    }
}

/// SCIM clients read SCIM errors (RFC 7644 §3.12), also for paths no route serves.
fn is_scim(path: &str) -> bool {
    path == "/api/v1/scim" || path.starts_with("/api/v1/scim/")
}

fn scim_error(status: StatusCode, detail: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/scim+json")
        .json(serde_json::json!({
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
        .is_some_and(|mime| {
            mime.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

fn is_json(req: &HttpRequest) -> bool {
    let Some(ct) = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let mime = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

async fn read_body(req: &HttpRequest, mut payload: web::Payload, limit: usize) -> Result<Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("request body is larger than {limit} bytes"),
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
        let chunk = chunk
            .map_err(|_| ApiError::new(ErrorCode::ValidationError, "the request body could not be read"))?;
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
        return ApiError::new(ErrorCode::MethodNotAllowed, "method not supported").error_response();
    };
    let mut upstream = state.http.request(method, &url);
    for (name, value) in req.headers() {
        let n = name.as_str();
        if HOP_BY_HOP.contains(&n) || n == "content-length" || n == "x-forwarded-for" {
            continue;
        }
        upstream = upstream.header(n, value.as_bytes());
    }
    // The services trust only the right-most entry: the peer this gateway saw.
    let peer = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default();
    let xff = match req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok()) {
        Some(prev) => format!("{prev}, {peer}"),
        None => peer,
    };
    upstream = upstream.header("x-forwarded-for", xff);
    if let Some(id) = janua_core::http::request_id_of(req) {
        upstream = upstream.header("x-request-id", id);
    }
    let resp = match upstream.body(body).send().await {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, upstream = %base, "upstream unavailable");
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
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(n.as_bytes()),
            HeaderValue::from_bytes(value.as_bytes()),
        ) {
            headers.append(n, v);
        }
    }
    for (n, v) in headers {
        out.append_header((n, v));
    }
    // Small answers (nearly all) go out with a Content-Length; large ones stream.
    match resp.content_length() {
        Some(len) if len <= 1024 * 1024 => match resp.bytes().await {
            Ok(body) => out.body(body),
            Err(_) => ApiError::unavailable("the service behind this route").error_response(),
        },
        _ => out.streaming(resp.bytes_stream()),
    }
}
