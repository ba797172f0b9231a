//! actix-web glue shared by every service: extractor error handlers that answer the envelope,
//! the request-id middleware, the fallback 404, and the caller's address.

use crate::error::{ApiError, ErrorCode};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The request id of the current request, as set by [`request_id`].
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Echoes a sane client-sent `X-Request-Id` or makes one, and puts it on the response (the
/// request's span and access-log line take it from the request's extensions).
pub async fn request_id(
    req: ServiceRequest, next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_owned)
        .unwrap_or_else(|| crate::ids::new_id().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    let mut res = next.call(req).await?;
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    Ok(res)
}

/// The user a request was authenticated as (its verified token's subject), for the access log.
#[derive(Debug, Clone, Copy)]
pub struct Principal(pub uuid::Uuid);

/// The configured default locale (`localization.default_locale`), for [`localize`].
#[derive(Debug, Clone)]
pub struct DefaultLocale(pub String);

/// Writes every error answer's `message` in the language the request's `Accept-Language`
/// asks for (q-values honoured; the best shipped locale, else the configured default, else
/// English), with `Content-Language` and `Vary: Accept-Language`. The `code` and `details`
/// never change. Answers that are not errors pass untouched.
pub async fn localize(
    req: ServiceRequest, next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    use actix_web::http::header::{ACCEPT_LANGUAGE, CONTENT_LANGUAGE, VARY};
    let wanted = req.headers().get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let default =
        req.app_data::<web::Data<DefaultLocale>>().map(|d| d.0.clone()).unwrap_or_else(|| "en".to_string());
    let res = next.call(req).await?;
    let Some(error) = res.response().extensions().get::<crate::error::Localizable>().cloned() else {
        return Ok(res.map_into_left_body());
    };
    let locale = janua_i18n::tag::negotiate(wanted.as_deref()).unwrap_or_else(|| default.clone());
    let resolver = janua_i18n::Resolver::new(&locale, &default);
    let language = resolver.language().to_string();
    let (req, mut response) = res.into_parts();
    if let Ok(v) = HeaderValue::from_str(&language) {
        response.headers_mut().insert(CONTENT_LANGUAGE, v);
    }
    response.headers_mut().append(VARY, HeaderValue::from_static("Accept-Language"));
    if language == "en" {
        return Ok(ServiceResponse::new(req, response).map_into_left_body());
    }
    let body = serde_json::to_vec(&error.envelope_for(&resolver)).unwrap_or_default();
    let response = response.set_body(body);
    Ok(ServiceResponse::new(req, response).map_into_right_body())
}

pub fn request_id_of(req: &HttpRequest) -> Option<String> {
    req.extensions().get::<RequestId>().map(|r| r.0.clone())
}

/// JSON bodies: bad JSON -> 400 naming the problem, wrong content type -> 415, too big -> 413.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default().limit(limit).error_handler(|err, _req| {
        let api = match &err {
            JsonPayloadError::ContentType => {
                ApiError::keyed(ErrorCode::UnsupportedMediaType, "error.platform.json_body_expected", vec![])
            }
            JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
                ApiError::keyed(ErrorCode::PayloadTooLarge, "error.platform.body_too_large", vec![])
            }
            JsonPayloadError::Deserialize(e) => {
                let field = missing_or_invalid_field(&e.to_string());
                let err = invalid_json(e);
                match field {
                    Some(f) => err.with_details(serde_json::json!({ "field": f })),
                    None => err,
                }
            }
            other => invalid_json(other),
        };
        api.into()
    })
}

/// A JSON body that may be left out (`POST` with no body): `None` for an empty body, the value
/// for valid JSON, and the same 400 as [`json_config`] for anything else.
pub fn optional_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<Option<T>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(body).map(Some).map_err(|e| {
        let err = invalid_json(&e);
        match missing_or_invalid_field(&e.to_string()) {
            Some(f) => err.with_details(serde_json::json!({ "field": f })),
            None => err,
        }
    })
}

/// `invalid JSON body: <what the parser says>` (400).
fn invalid_json(reason: impl std::fmt::Display) -> ApiError {
    let reason = vec![("reason", reason.to_string().into())];
    ApiError::keyed(ErrorCode::ValidationError, "error.platform.json_invalid", reason)
}

/// serde names the field in "missing field `email`" and "unknown field `x`" messages.
fn missing_or_invalid_field(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(message[start..start + len].to_string())
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err: QueryPayloadError, _req| {
        let reason = vec![("reason", err.to_string().into())];
        ApiError::keyed(ErrorCode::ValidationError, "error.platform.query_invalid", reason).into()
    })
}

/// A path parameter that does not parse (e.g. not a UUID) names nothing that exists.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_err: PathError, _req| ApiError::not_found().into())
}

/// What every service with an internal API mounts: the service token for
/// [`service_token_guard`], and the JSON, query and path extractors answering with the error
/// envelope.
pub fn service_app_data(cfg: &mut web::ServiceConfig, settings: &crate::config::Settings) {
    let token = secrecy::ExposeSecret::expose_secret(&settings.secrets.service_token).to_string();
    cfg.app_data(web::Data::new(ServiceToken(token)))
        .app_data(json_config(settings.http.body_limit_bytes))
        .app_data(query_config())
        .app_data(path_config());
}

pub fn payload_config(limit: usize) -> web::PayloadConfig {
    web::PayloadConfig::new(limit)
}

/// The fallback of every service: an unknown route is a 404 in the envelope.
pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::keyed(ErrorCode::NotFound, "error.platform.no_such_route", vec![]))
}

/// The caller's address. A service believes `X-Forwarded-For` only from the gateway (or a
/// sibling service): a request carrying the service token, to which the gateway gives the
/// client's address as it determined it (see the gateway's trusted proxies). Anyone else is
/// what the TCP connection says.
pub fn client_ip(req: &HttpRequest) -> Option<String> {
    let from_the_gateway =
        req.app_data::<web::Data<ServiceToken>>().is_some_and(|t| require_service_token(req, &t.0).is_ok());
    if from_the_gateway
        && let Some(xff) = req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok())
        && let Some(last) = xff.rsplit(',').next().map(str::trim).filter(|s| !s.is_empty())
        && let Ok(ip) = last.parse::<std::net::IpAddr>()
    {
        return Some(ip.to_string());
    }
    req.peer_addr().map(|a| a.ip().to_string())
}

/// The unit rate limits and throttles count an address in: an IPv4 address, or the /64 of an
/// IPv6 address (one subscriber's network gets a /64 or more: counting single IPv6 addresses
/// would give one client 2^64 budgets). IPv4-mapped IPv6 is its IPv4 address.
pub fn address_bucket(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Ok(v4) => v4.to_string(),
        Err(_) => ip.to_string(),
    }
}

pub fn user_agent(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(512).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_addresses_count_per_64_and_mapped_ones_as_ipv4() {
        assert_eq!(address_bucket("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
        assert_eq!(address_bucket("2001:db8:1:2:ffff::1"), "2001:db8:1:2::/64");
        assert_ne!(address_bucket("2001:db8:1:3::1"), address_bucket("2001:db8:1:2::1"));
        assert_eq!(address_bucket("::ffff:10.1.2.3"), "10.1.2.3");
        assert_eq!(address_bucket("192.0.2.7"), "192.0.2.7");
    }

    #[test]
    fn field_is_taken_from_serde_messages() {
        assert_eq!(
            missing_or_invalid_field("missing field `email` at line 1 column 2"),
            Some("email".into())
        );
        assert_eq!(missing_or_invalid_field("expected value"), None);
    }
}

/// Where a request came from, carried into events and the audit log.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub request_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub traceparent: Option<String>,
    /// The request's `Accept-Language` (a new account's language when it gives none).
    pub accept_language: Option<String>,
}

impl actix_web::FromRequest for RequestMeta {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(Ok(RequestMeta {
            request_id: request_id_of(req),
            ip: client_ip(req),
            user_agent: user_agent(req),
            traceparent: req.headers().get("traceparent").and_then(|v| v.to_str().ok()).map(str::to_owned),
            accept_language: req
                .headers()
                .get(actix_web::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        }))
    }
}

/// Header carrying the shared service token on `/internal/v1` calls between services.
pub const SERVICE_TOKEN_HEADER: &str = "x-janua-service-token";

/// Checks the service token of an internal call in constant time. A missing or wrong token
/// answers like an unknown route, so probing `/internal/v1` learns nothing.
/// The shared service token, as app data for [`service_token_guard`].
#[derive(Clone)]
pub struct ServiceToken(pub String);

/// Middleware for a service's `/internal/v1` scope: only callers presenting the service token
/// (registered as `web::Data<ServiceToken>`) get through; anyone else gets a 404.
pub async fn service_token_guard(
    req: ServiceRequest, next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let expected = req.app_data::<web::Data<ServiceToken>>().map(|t| t.0.clone()).unwrap_or_default();
    require_service_token(req.request(), &expected)?;
    Ok(next.call(req).await?.map_into_boxed_body())
}

pub fn require_service_token(req: &HttpRequest, expected: &str) -> Result<(), ApiError> {
    let presented = req.headers().get(SERVICE_TOKEN_HEADER).map(|v| v.as_bytes()).unwrap_or_default();
    if expected.is_empty() || !crate::crypto::constant_time_eq(expected.as_bytes(), presented) {
        return Err(ApiError::keyed(ErrorCode::NotFound, "error.platform.no_such_route", vec![]));
    }
    Ok(())
}
