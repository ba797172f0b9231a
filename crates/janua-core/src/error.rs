//! The one error envelope of the API (`{"error":{"code","message","details"}}`) and the one
//! table that maps each code to its HTTP status. Every service and the gateway answer errors
//! through [`ApiError`]; nothing else writes an error body.

use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// Writes the one table of API.md's "Errors" section: each variant with its wire code and HTTP
/// status. The strings are written out, never derived from variant names, so renaming a variant
/// cannot change the contract.
macro_rules! error_codes {
    ($($variant:ident => $wire:literal, $status:literal;)*) => {
        /// Stable wire codes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($variant,)*
        }

        impl ErrorCode {
            /// Every code, in the table's order.
            pub const ALL: &[ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// (wire code, HTTP status).
            pub const fn spec(self) -> (&'static str, u16) {
                match self {
                    $(ErrorCode::$variant => ($wire, $status),)*
                }
            }
        }
    };
}

error_codes! {
    ValidationError => "VALIDATION_ERROR", 400;
    InvalidCredentials => "INVALID_CREDENTIALS", 401;
    Unauthorized => "UNAUTHORIZED", 401;
    Forbidden => "FORBIDDEN", 403;
    AccountSuspended => "ACCOUNT_SUSPENDED", 403;
    NotFound => "NOT_FOUND", 404;
    MethodNotAllowed => "METHOD_NOT_ALLOWED", 405;
    Conflict => "CONFLICT", 409;
    PayloadTooLarge => "PAYLOAD_TOO_LARGE", 413;
    UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE", 415;
    RateLimitExceeded => "RATE_LIMIT_EXCEEDED", 429;
    Internal => "INTERNAL_ERROR", 500;
    ServiceUnavailable => "SERVICE_UNAVAILABLE", 503;
}

impl ErrorCode {
    pub const fn as_str(self) -> &'static str {
        self.spec().0
    }

    pub fn status(self) -> StatusCode {
        StatusCode::from_u16(self.spec().1).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    pub fn from_wire(code: &str) -> Option<ErrorCode> {
        Self::ALL.iter().copied().find(|c| c.as_str() == code)
    }
}

/// The refusals an operation documents next to its own answers, written once:
/// `responses((status = 200, body = View), Invalid, Forbidden, NotFound)`. Each is the error
/// envelope under its status. (401 and 429 are added by the gateway's document to every
/// operation that can answer them.)
pub mod refusals {
    use super::ErrorEnvelope;

    /// 400 `VALIDATION_ERROR`.
    #[derive(utoipa::IntoResponses)]
    #[response(
        status = 400,
        description = "`VALIDATION_ERROR`: the input is refused; `details.field` names it."
    )]
    pub struct Invalid(pub ErrorEnvelope);

    /// 403 `FORBIDDEN` (or `ACCOUNT_SUSPENDED` where a sign-in reaches a suspended account).
    #[derive(utoipa::IntoResponses)]
    #[response(
        status = 403,
        description = "`FORBIDDEN`: the caller is known but may not do this (`ACCOUNT_SUSPENDED` for a suspended account)."
    )]
    pub struct Forbidden(pub ErrorEnvelope);

    /// 404 `NOT_FOUND`, also for what exists but the caller may not see.
    #[derive(utoipa::IntoResponses)]
    #[response(status = 404, description = "`NOT_FOUND`: no such resource, or none this caller may see.")]
    pub struct NotFound(pub ErrorEnvelope);

    /// 409 `CONFLICT`.
    #[derive(utoipa::IntoResponses)]
    #[response(status = 409, description = "`CONFLICT`: the change clashes with what exists.")]
    pub struct Conflict(pub ErrorEnvelope);
}

/// The body of every non-2xx answer.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `VALIDATION_ERROR`.
    pub code: String,
    pub message: String,
    #[schema(value_type = Option<Object>)]
    pub details: Option<Value>,
}

/// An error answer. Boxed so that `Result<T, ApiError>` stays one pointer wide on the
/// happy path.
#[derive(Debug)]
pub struct ApiError(Box<ErrorParts>);

#[derive(Debug)]
struct ErrorParts {
    code: ErrorCode,
    message: String,
    /// The catalogue key of the message and its variables, when it has one.
    text: Option<Text>,
    details: Option<Value>,
    headers: Vec<(HeaderName, String)>,
}

/// An error message from the catalogue (`error.*` keys of `janua_i18n`).
#[derive(Debug, Clone)]
pub struct Text {
    pub key: &'static str,
    pub args: janua_i18n::Args,
}

/// What an error answer carries for [`crate::http::localize`]: enough to write its message
/// again in the reader's language. (Kept in the response's extensions.)
#[derive(Debug, Clone)]
pub struct Localizable {
    pub code: ErrorCode,
    pub message: String,
    pub text: Option<Text>,
    pub details: Option<Value>,
}

impl Localizable {
    /// The message for a reader resolved by `resolver`: English as written; otherwise the
    /// key's message in the reader's language, or, for a message that has no key yet, the
    /// code's own message in that language (the code never changes).
    pub fn message_for(&self, resolver: &janua_i18n::Resolver) -> String {
        if resolver.language() == "en" {
            return self.message.clone();
        }
        match &self.text {
            Some(text) => resolver.format(text.key, &text.args),
            None => resolver.format(&format!("error.{}", self.code.as_str().to_ascii_lowercase()), &[]),
        }
    }

    pub fn envelope_for(&self, resolver: &janua_i18n::Resolver) -> ErrorEnvelope {
        ErrorEnvelope {
            error: ErrorBody {
                code: self.code.as_str().to_string(),
                message: self.message_for(resolver),
                details: self.details.clone(),
            },
        }
    }
}

impl ApiError {
    /// An error with a message not (yet) in the catalogue: readers of other languages get
    /// the code's message in their language.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self(Box::new(ErrorParts {
            code,
            message: message.into(),
            text: None,
            details: None,
            headers: Vec::new(),
        }))
    }

    /// An error whose message is the catalogue's `key` (an `error.*` key of `janua_i18n`)
    /// with `args`: English here, the reader's language on the wire.
    pub fn keyed(code: ErrorCode, key: &'static str, args: janua_i18n::Args) -> Self {
        let message = janua_i18n::english(key, &args);
        Self(Box::new(ErrorParts {
            code,
            message,
            text: Some(Text { key, args }),
            details: None,
            headers: Vec::new(),
        }))
    }

    /// [`ApiError::keyed`] for `VALIDATION_ERROR` on `field`.
    pub fn invalid(field: &str, key: &'static str, args: janua_i18n::Args) -> Self {
        Self::keyed(ErrorCode::ValidationError, key, args).with_details(serde_json::json!({ "field": field }))
    }

    /// `field` is required (`VALIDATION_ERROR`).
    pub fn required(field: &str) -> Self {
        Self::invalid(field, "error.field.required", vec![("field", field.to_string().into())])
    }

    pub fn localizable(&self) -> Localizable {
        Localizable {
            code: self.0.code,
            message: self.0.message.clone(),
            text: self.0.text.clone(),
            details: self.0.details.clone(),
        }
    }

    pub fn code(&self) -> ErrorCode {
        self.0.code
    }

    pub fn message(&self) -> &str {
        &self.0.message
    }

    pub fn details(&self) -> Option<&Value> {
        self.0.details.as_ref()
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.0.details = Some(details);
        self
    }

    pub fn with_header(mut self, name: HeaderName, value: impl Into<String>) -> Self {
        self.0.headers.push((name, value.into()));
        self
    }

    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ValidationError, message).with_details(serde_json::json!({ "field": field }))
    }

    pub fn invalid_credentials() -> Self {
        Self::keyed(ErrorCode::InvalidCredentials, "error.invalid_credentials", vec![])
    }

    pub fn unauthorized(reason: &str) -> Self {
        Self::keyed(ErrorCode::Unauthorized, "error.unauthorized", vec![])
            .with_details(serde_json::json!({ "reason": reason }))
    }

    pub fn forbidden() -> Self {
        Self::keyed(ErrorCode::Forbidden, "error.forbidden", vec![])
    }

    pub fn not_found() -> Self {
        Self::keyed(ErrorCode::NotFound, "error.not_found", vec![])
    }

    pub fn suspended() -> Self {
        Self::keyed(ErrorCode::AccountSuspended, "error.account_suspended", vec![])
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, message)
    }

    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        Self::keyed(ErrorCode::RateLimitExceeded, "error.rate_limit_exceeded", vec![])
            .with_details(serde_json::json!({ "retry_after": retry_after_secs }))
            .with_header(actix_web::http::header::RETRY_AFTER, retry_after_secs.to_string())
    }

    pub fn unavailable(what: &str) -> Self {
        Self::new(ErrorCode::ServiceUnavailable, format!("{what} is unavailable; retry later"))
    }

    /// A bug or an unexpected failure. The cause goes to the log (with the request id of the
    /// current span); the client learns nothing internal.
    pub fn internal(cause: impl fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::keyed(ErrorCode::Internal, "error.internal_error", vec![])
    }

    pub fn envelope(&self) -> ErrorEnvelope {
        ErrorEnvelope {
            error: ErrorBody {
                code: self.0.code.as_str().to_string(),
                message: self.0.message.clone(),
                details: self.0.details.clone(),
            },
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.code.as_str(), self.0.message)
    }
}

impl std::error::Error for ApiError {}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.0.code.status()
    }

    fn error_response(&self) -> HttpResponse {
        let mut builder = HttpResponse::build(self.status_code());
        for (name, value) in &self.0.headers {
            if let Ok(v) = HeaderValue::from_str(value) {
                builder.insert_header((name.clone(), v));
            }
        }
        let mut response = builder.json(self.envelope());
        response.extensions_mut().insert(self.localizable());
        response
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match err {
            Error::NotFound => ApiError::not_found(),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                ApiError::keyed(ErrorCode::Conflict, "error.platform.already_exists", vec![])
            }
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => {
                tracing::warn!("database connection closed");
                ApiError::unavailable("the database")
            }
            // Input PostgreSQL cannot store (a NUL in text or jsonb) is the client's: the
            // gateway names the field before it gets here; this is the backstop.
            Error::DatabaseError(_, info)
                if info.message().contains("0x00")
                    || info.message().contains("unsupported Unicode escape") =>
            {
                ApiError::keyed(ErrorCode::ValidationError, "error.platform.text_contains_nul", vec![])
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for ApiError {
    fn from(err: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        tracing::warn!(error = %err, "database pool error");
        if matches!(err, diesel_async::pooled_connection::deadpool::PoolError::Timeout(_)) {
            // Every connection busy for the whole wait: shed, and say when to come back.
            metrics::counter!(crate::metrics::DB_POOL_TIMEOUTS).increment(1);
        }
        ApiError::unavailable("the database").with_header(actix_web::http::header::RETRY_AFTER, "1")
    }
}

impl From<redis::RedisError> for ApiError {
    fn from(err: redis::RedisError) -> Self {
        tracing::warn!(error = %err, "redis error");
        metrics::counter!(crate::metrics::REDIS_ERRORS).increment(1);
        ApiError::unavailable("the cache")
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_through_its_wire_string() {
        for &code in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_wire(code.as_str()), Some(code));
        }
    }

    #[test]
    fn a_keyed_error_reads_in_the_readers_language_and_keeps_its_code() {
        let e = ApiError::invalid("email", "error.email.invalid", vec![]).localizable();
        assert_eq!(e.message, "email is not a valid address");
        let de = janua_i18n::Resolver::new("de", "en");
        let german = e.envelope_for(&de);
        assert_eq!(german.error.code, "VALIDATION_ERROR");
        assert_ne!(german.error.message, e.message);
        assert_eq!(german.error.details, Some(serde_json::json!({ "field": "email" })));
        // Without a key: the code's message in German; English stays as written.
        let plain = ApiError::new(ErrorCode::Conflict, "slug is taken").localizable();
        assert_eq!(
            plain.message_for(&de),
            janua_i18n::Resolver::new("de", "en").format("error.conflict", &[])
        );
        assert_eq!(plain.message_for(&janua_i18n::Resolver::new("en-GB", "en")), "slug is taken");
        // Every code has its message in the catalogue.
        for code in ErrorCode::ALL {
            let key = format!("error.{}", code.as_str().to_ascii_lowercase());
            assert!(janua_i18n::builtin().key(&key).is_some(), "{key}");
        }
    }

    #[test]
    fn envelope_has_code_message_and_details() {
        let e = ApiError::validation("password", "too short");
        let v = serde_json::to_value(e.envelope()).unwrap();
        assert_eq!(v["error"]["code"], "VALIDATION_ERROR");
        assert_eq!(v["error"]["details"]["field"], "password");
        let v = serde_json::to_value(ApiError::not_found().envelope()).unwrap();
        assert!(v["error"]["details"].is_null());
    }
}
