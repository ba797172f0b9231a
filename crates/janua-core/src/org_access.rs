//! The question services other than org ask about organizations: which permissions does this
//! user hold in that organization? Org owns memberships and roles and answers over its internal
//! API; the caller decides on the data it owns (webhook endpoints, audit entries).

use crate::ApiError;
use secrecy::ExposeSecret;
use uuid::Uuid;

#[derive(Clone)]
pub struct OrgPermissions {
    base: String,
    token: String,
    http: reqwest::Client,
}

#[derive(serde::Deserialize)]
struct Answer {
    permissions: Vec<String>,
}

impl OrgPermissions {
    pub fn new(settings: &crate::config::Settings, http: reqwest::Client) -> Self {
        OrgPermissions {
            base: settings.org.url.trim_end_matches('/').to_string(),
            token: settings.secrets.service_token.expose_secret().to_string(),
            http,
        }
    }

    /// The user's effective permissions in `org` (empty when not a member).
    pub async fn in_organization(&self, user: Uuid, org: Uuid) -> Result<Vec<String>, ApiError> {
        let resp = self
            .http
            .get(format!("{}/internal/v1/users/{user}/permissions", self.base))
            .query(&[("organization_id", org.to_string())])
            .header(crate::http::SERVICE_TOKEN_HEADER, &self.token)
            .timeout(std::time::Duration::from_secs(5))
            .send()
            .await
            .map_err(|_| ApiError::unavailable("the org service"))?;
        if !resp.status().is_success() {
            return Err(ApiError::unavailable("the org service"));
        }
        let answer: Answer = resp.json().await.map_err(ApiError::internal)?;
        Ok(answer.permissions)
    }

    /// Whether the user holds `permission` in `org`.
    pub async fn holds(&self, user: Uuid, org: Uuid, permission: &str) -> Result<bool, ApiError> {
        Ok(self
            .in_organization(user, org)
            .await?
            .iter()
            .any(|p| p == permission))
    }
}
