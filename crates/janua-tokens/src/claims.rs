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
    /// When the user last proved a factor in this session (OpenID Connect Core 1.0 section 2,
    /// `auth_time`): set by a sign-in or a re-authentication, carried unchanged by refreshes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_time: Option<i64>,
}

impl Claims {
    pub fn is_admin(&self) -> bool {
        self.roles.iter().any(|r| r == "admin")
    }

    /// Whether a factor was proven at most `window_secs` ago. A token without `auth_time`
    /// proves nothing; a refreshed token keeps the time of the proof, not of the refresh.
    pub fn authenticated_within(&self, window_secs: i64, now: i64) -> bool {
        self.auth_time.is_some_and(|t| t <= now + 60 && now - t < window_secs)
    }
}
