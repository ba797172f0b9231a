use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The claims of an access token (API.md): `iss`, `sub`, `sid`, `aud`, `iat`, `exp`, `jti`,
/// plus the platform roles of the user at issue time (`roles`, e.g. `["admin"]`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claims {
    pub iss: String,
    pub sub: Uuid,
    pub sid: Uuid,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: Uuid,
    #[serde(default)]
    pub roles: Vec<String>,
    /// `mfa` for the short-lived token between password and second factor; absent for
    /// ordinary access tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

impl Claims {
    pub fn is_admin(&self) -> bool {
        self.roles.iter().any(|r| r == "admin")
    }
}
