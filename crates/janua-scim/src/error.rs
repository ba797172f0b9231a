//! SCIM error responses (RFC 7644 §3.12).
//!
//! SCIM routes answer errors in SCIM's own shape, not Janua's `{"error":{…}}` envelope, because
//! provisioning clients (Entra ID, Okta) parse `status` and `scimType`:
//!
//! ```json
//! {"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],
//!  "status":"400","scimType":"invalidFilter","detail":"…"}
//! ```
//!
//! [`ScimError`] is this crate's one error type; [`ScimError::status`] and
//! [`ScimError::scim_type`] are the one table from a variant to its wire code and HTTP status.

use serde::{Deserialize, Serialize};

/// The schema URN of a SCIM error body.
pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// Everything that can go wrong in SCIM domain code, each variant one `scimType` and status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScimError {
    /// The filter does not parse, or compares an attribute in a way SCIM forbids (`gt` on a
    /// boolean). `position` is the character offset (0-based) where the parser found the
    /// problem; `None` for problems found after parsing (by [`crate::filter::Filter::validate`]).
    #[error("{}", filter_detail(*position, message))]
    InvalidFilter { position: Option<usize>, message: String },
    /// A PATCH `path` (or an `attributes` entry) that does not parse or names no attribute of
    /// the resource's schemas.
    #[error("invalid path: {0}")]
    InvalidPath(String),
    /// A PATCH operation whose path selects nothing where something is required.
    #[error("no target: {0}")]
    NoTarget(String),
    /// A value of the wrong type or shape for its attribute, or a missing required value.
    #[error("invalid value: {0}")]
    InvalidValue(String),
    /// An attempt to change a `readOnly` attribute, or an `immutable` one that already has a
    /// different value.
    #[error("mutability: {0}")]
    Mutability(String),
    /// A request body that is not a valid SCIM message (e.g. an unknown PATCH `op`).
    #[error("invalid syntax: {0}")]
    InvalidSyntax(String),
    /// The query would answer more results than the server is willing to process.
    #[error("too many results: {0}")]
    TooMany(String),
    /// A unique attribute (`userName`, `externalId`) is already taken.
    #[error("uniqueness: {0}")]
    Uniqueness(String),
    /// The resource does not exist (or the caller's organization may not see it).
    #[error("not found: {0}")]
    NotFound(String),
    /// `If-Match` named a version that is no longer current (RFC 7644 §3.14).
    #[error("precondition failed: {0}")]
    PreconditionFailed(String),
}

impl ScimError {
    /// Shorthand for a filter error at a character offset.
    pub fn invalid_filter(position: usize, message: impl Into<String>) -> Self {
        Self::InvalidFilter { position: Some(position), message: message.into() }
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> u16 {
        match self {
            Self::InvalidFilter { .. }
            | Self::InvalidPath(_)
            | Self::NoTarget(_)
            | Self::InvalidValue(_)
            | Self::Mutability(_)
            | Self::InvalidSyntax(_)
            | Self::TooMany(_) => 400,
            Self::NotFound(_) => 404,
            Self::Uniqueness(_) => 409,
            Self::PreconditionFailed(_) => 412,
        }
    }

    /// The RFC 7644 §3.12 `scimType`, written out as literals so the wire codes cannot drift
    /// with a rename. `None` where the RFC defines none (404, 412).
    pub fn scim_type(&self) -> Option<&'static str> {
        match self {
            Self::InvalidFilter { .. } => Some("invalidFilter"),
            Self::InvalidPath(_) => Some("invalidPath"),
            Self::NoTarget(_) => Some("noTarget"),
            Self::InvalidValue(_) => Some("invalidValue"),
            Self::Mutability(_) => Some("mutability"),
            Self::InvalidSyntax(_) => Some("invalidSyntax"),
            Self::TooMany(_) => Some("tooMany"),
            Self::Uniqueness(_) => Some("uniqueness"),
            Self::NotFound(_) | Self::PreconditionFailed(_) => None,
        }
    }

    /// The body to send.
    pub fn to_body(&self) -> ScimErrorBody {
        ScimErrorBody {
            schemas: vec![ERROR_SCHEMA.to_owned()],
            status: self.status().to_string(),
            scim_type: self.scim_type().map(str::to_owned),
            detail: self.to_string(),
        }
    }
}

fn filter_detail(position: Option<usize>, message: &str) -> String {
    match position {
        Some(position) => format!("invalid filter at character {position}: {message}"),
        None => format!("invalid filter: {message}"),
    }
}

/// The wire form of a SCIM error. `status` is a string, as RFC 7644 §3.12 shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScimErrorBody {
    pub schemas: Vec<String>,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scim_type: Option<String>,
    pub detail: String,
}

impl From<&ScimError> for ScimErrorBody {
    fn from(error: &ScimError) -> Self {
        error.to_body()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn invalid_filter_body_has_the_rfc_shape() {
        let body = ScimError::invalid_filter(7, "expected an operator").to_body();
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                "status": "400",
                "scimType": "invalidFilter",
                "detail": "invalid filter at character 7: expected an operator"
            })
        );
    }

    #[test]
    fn errors_without_a_scim_type_leave_it_out() {
        let body = serde_json::to_value(ScimError::NotFound("User 1".into()).to_body()).unwrap();
        assert_eq!(body["status"], "404");
        assert!(body.get("scimType").is_none());
        assert_eq!(ScimError::PreconditionFailed("v".into()).status(), 412);
    }

    #[test]
    fn every_variant_maps_to_its_status_and_type() {
        let table = [
            (ScimError::InvalidPath(String::new()), 400, Some("invalidPath")),
            (ScimError::NoTarget(String::new()), 400, Some("noTarget")),
            (ScimError::InvalidValue(String::new()), 400, Some("invalidValue")),
            (ScimError::Mutability(String::new()), 400, Some("mutability")),
            (ScimError::InvalidSyntax(String::new()), 400, Some("invalidSyntax")),
            (ScimError::TooMany(String::new()), 400, Some("tooMany")),
            (ScimError::Uniqueness(String::new()), 409, Some("uniqueness")),
        ];
        for (error, status, scim_type) in table {
            assert_eq!(error.status(), status, "{error:?}");
            assert_eq!(error.scim_type(), scim_type, "{error:?}");
        }
    }
}
