//! The one synchronous question org asks identity: a user it has not seen an event for yet
//! (right after sign-up). The answer goes into the read model.

use crate::store::users::User;
use janua_core::ApiError;
use secrecy::ExposeSecret;
use uuid::Uuid;

#[derive(Clone)]
pub struct IdentityClient {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl IdentityClient {
    pub fn new(settings: &janua_core::config::Settings, http: reqwest::Client) -> Self {
        IdentityClient {
            base: settings.identity.url.trim_end_matches('/').to_string(),
            token: settings.secrets.service_token.expose_secret().to_string(),
            http,
        }
    }

    pub async fn user(&self, id: Uuid) -> Result<Option<User>, ApiError> {
        let resp = self
            .http
            .get(format!("{}/internal/v1/users/{id}", self.base))
            .header(janua_core::http::SERVICE_TOKEN_HEADER, &self.token)
            .headers(janua_core::telemetry::trace_headers())
            .timeout(std::time::Duration::from_secs(5))
            .send()
            .await
            .map_err(|_| ApiError::unavailable("the identity service"))?;
        match resp.status() {
            s if s.is_success() => Ok(Some(resp.json().await.map_err(ApiError::internal)?)),
            reqwest::StatusCode::NOT_FOUND => Ok(None),
            _ => Err(ApiError::unavailable("the identity service")),
        }
    }
}
