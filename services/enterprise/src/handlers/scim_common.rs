//! What every SCIM resource route shares: the SCIM error answer, bodies read whatever their
//! content type (`application/scim+json` or `application/json`), ETags and `If-Match`
//! (RFC 7644 §3.14), and the base URL resources' `meta.location` is built on.

use crate::EnterpriseState;
use crate::domain::upstream::UpstreamError;
use actix_web::http::StatusCode;
use actix_web::http::header::{ETAG, IF_MATCH, IF_NONE_MATCH, LOCATION};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use janua_scim::{SCIM_MEDIA_TYPE, ScimError, ScimErrorBody};
use serde_json::Value;

/// A SCIM request that failed: a SCIM error the client caused, or the server's trouble (the
/// cause is logged, never sent).
#[derive(Debug, thiserror::Error)]
pub enum ScimFailure {
    #[error(transparent)]
    Scim(#[from] ScimError),
    /// A dependency (identity, org, the database) is down: retry later.
    #[error("{0} is unavailable; try again later")]
    Unavailable(&'static str),
    #[error("the server failed to handle the request")]
    Internal,
}

impl From<diesel::result::Error> for ScimFailure {
    fn from(e: diesel::result::Error) -> Self {
        tracing::error!(error = %e, "SCIM database error");
        ScimFailure::Internal
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for ScimFailure {
    fn from(e: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        tracing::warn!(error = %e, "no database connection for a SCIM request");
        ScimFailure::Unavailable("the database")
    }
}

impl From<UpstreamError> for ScimFailure {
    fn from(e: UpstreamError) -> Self {
        match e {
            UpstreamError::Unavailable(service) => ScimFailure::Unavailable(service),
            UpstreamError::Refused { status: 409, message, .. } => {
                ScimFailure::Scim(ScimError::Uniqueness(message))
            }
            UpstreamError::Refused { status: 400, message, .. } => {
                ScimFailure::Scim(ScimError::InvalidValue(message))
            }
            UpstreamError::Refused { status: 404, message, .. } => {
                ScimFailure::Scim(ScimError::NotFound(message))
            }
            UpstreamError::Refused { service, status, .. } => {
                tracing::error!(service, status, "an upstream refused an internal call");
                ScimFailure::Internal
            }
        }
    }
}

impl ResponseError for ScimFailure {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Scim(e) => StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST),
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let body = match self {
            Self::Scim(e) => e.to_body(),
            other => ScimErrorBody {
                schemas: vec![janua_scim::error::ERROR_SCHEMA.to_owned()],
                status: other.status_code().as_u16().to_string(),
                scim_type: None,
                detail: other.to_string(),
            },
        };
        let mut resp = HttpResponse::build(self.status_code());
        if matches!(self, Self::Unavailable(_)) {
            resp.insert_header(("Retry-After", "5"));
        }
        resp.content_type(SCIM_MEDIA_TYPE).json(body)
    }
}

pub type ScimResult = Result<HttpResponse, ScimFailure>;

/// Reads a JSON body, whichever of the two media types it was sent as.
pub fn json_body(body: &[u8]) -> Result<Value, ScimFailure> {
    if body.is_empty() {
        return Err(ScimError::InvalidSyntax("the request needs a JSON body".into()).into());
    }
    serde_json::from_slice(body)
        .map_err(|e| ScimError::InvalidSyntax(format!("the body is not valid JSON: {e}")).into())
}

/// The query string as decoded pairs.
pub fn query_pairs(req: &HttpRequest) -> Result<Vec<(String, String)>, ScimFailure> {
    Ok(url::form_urlencoded::parse(req.query_string().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect())
}

/// The weak ETag of a resource version.
pub fn etag(version: i64) -> String {
    format!("W/\"{version}\"")
}

/// The `If-Match` header of a write, read before a transaction (the request is not `Send`).
pub fn if_match(req: &HttpRequest) -> Option<String> {
    req.headers().get(IF_MATCH).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// RFC 7644 §3.14: a write with `If-Match` goes ahead only on the current version.
pub fn check_if_match(if_match: Option<&str>, version: i64) -> Result<(), ScimFailure> {
    let Some(value) = if_match else {
        return Ok(());
    };
    let current = etag(version);
    let matches = value.split(',').map(str::trim).any(|tag| {
        tag == "*" || tag == current || tag.trim_start_matches("W/") == current.trim_start_matches("W/")
    });
    if matches {
        Ok(())
    } else {
        Err(ScimError::PreconditionFailed(format!("the resource is at version {current}")).into())
    }
}

/// `If-None-Match` on a read: whether the client's copy is current (answer 304).
pub fn not_modified(req: &HttpRequest, version: i64) -> bool {
    let current = etag(version);
    req.headers().get(IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|value| {
        value
            .split(',')
            .map(str::trim)
            .any(|tag| tag.trim_start_matches("W/") == current.trim_start_matches("W/"))
    })
}

/// A SCIM answer.
pub fn scim_json(status: StatusCode, body: &Value) -> HttpResponse {
    HttpResponse::build(status).content_type(SCIM_MEDIA_TYPE).json(body)
}

/// A single resource, with its ETag (and `Location` when created).
pub fn resource_response(status: StatusCode, resource: &Value, version: i64) -> HttpResponse {
    let mut resp = HttpResponse::build(status);
    resp.content_type(SCIM_MEDIA_TYPE).insert_header((ETAG, etag(version)));
    if status == StatusCode::CREATED
        && let Some(location) = resource["meta"]["location"].as_str()
    {
        resp.insert_header((LOCATION, location.to_owned()));
    }
    resp.json(resource)
}

/// The base URL the request came in under (`…/api/v1/scim/v2` or `…/api/v1/scim`).
pub fn base_url(state: &EnterpriseState, req: &HttpRequest) -> String {
    crate::handlers::discovery::base_url(state, req)
}
