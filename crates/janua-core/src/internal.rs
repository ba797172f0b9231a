//! A client of a sibling service's `/internal/v1`, with the shared service token. A sibling
//! that cannot be reached, or answers with an error, makes the caller answer 503: the work is
//! delayed, never faked.

use crate::ApiError;
use secrecy::ExposeSecret;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::time::Duration;

#[derive(Clone)]
pub struct InternalClient {
    /// The sibling's name, for errors ("the org service").
    name: &'static str,
    base: String,
    token: String,
    http: reqwest::Client,
    timeout: Duration,
}

impl InternalClient {
    /// The sibling `name` at `url` (its `ServiceSettings::url`).
    pub fn new(
        name: &'static str, url: &str, settings: &crate::config::Settings, http: reqwest::Client,
    ) -> Self {
        InternalClient {
            name,
            base: format!("{}/internal/v1", url.trim_end_matches('/')),
            token: settings.secrets.service_token.expose_secret().to_string(),
            http,
            timeout: Duration::from_secs(10),
        }
    }

    /// The longest a call may take (10 s unless set).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// `GET {path}` with `query`; `Ok(None)` when the sibling answers 404.
    pub async fn get<T: DeserializeOwned>(
        &self, path: &str, query: &[(&str, String)],
    ) -> Result<Option<T>, ApiError> {
        self.send(self.http.get(format!("{}{path}", self.base)).query(query)).await
    }

    /// `POST {path}` with a JSON body; `Ok(None)` when the sibling answers 404.
    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self, path: &str, body: &B,
    ) -> Result<Option<T>, ApiError> {
        self.send(self.http.post(format!("{}{path}", self.base)).json(body)).await
    }

    /// `PATCH {path}` with a JSON body; `Ok(None)` when the sibling answers 404.
    pub async fn patch<B: Serialize, T: DeserializeOwned>(
        &self, path: &str, body: &B,
    ) -> Result<Option<T>, ApiError> {
        self.send(self.http.patch(format!("{}{path}", self.base)).json(body)).await
    }

    /// `DELETE {path}` with `query`; answers whether it was there (404: it was not).
    pub async fn delete(&self, path: &str, query: &[(&str, String)]) -> Result<bool, ApiError> {
        let found: Option<serde::de::IgnoredAny> =
            self.send(self.http.delete(format!("{}{path}", self.base)).query(query)).await?;
        Ok(found.is_some())
    }

    /// `POST {path}` answering the sibling's status and JSON body as they came, refusals
    /// included, for a caller that shows them (the `janua` command).
    pub async fn post_answer<B: Serialize>(
        &self, path: &str, body: &B,
    ) -> Result<(reqwest::StatusCode, serde_json::Value), ApiError> {
        let resp = self.deliver(self.http.post(format!("{}{path}", self.base)).json(body)).await?;
        let status = resp.status();
        let body = resp.json().await.unwrap_or(serde_json::Value::Null);
        Ok((status, body))
    }

    async fn deliver(&self, request: reqwest::RequestBuilder) -> Result<reqwest::Response, ApiError> {
        request
            .header(crate::http::SERVICE_TOKEN_HEADER, &self.token)
            .headers(crate::telemetry::trace_headers())
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|e| {
                tracing::warn!(service = self.name, error = %e, "internal call failed");
                ApiError::unavailable(&format!("the {} service", self.name))
            })
    }

    async fn send<T: DeserializeOwned>(
        &self, request: reqwest::RequestBuilder,
    ) -> Result<Option<T>, ApiError> {
        let unavailable = || ApiError::unavailable(&format!("the {} service", self.name));
        let resp = self.deliver(request).await?;
        match resp.status() {
            reqwest::StatusCode::NO_CONTENT => {
                serde_json::from_slice(b"null").map(Some).map_err(ApiError::internal)
            }
            s if s.is_success() => resp.json().await.map(Some).map_err(ApiError::internal),
            reqwest::StatusCode::NOT_FOUND => Ok(None),
            s => {
                tracing::warn!(service = self.name, status = %s, "internal call refused");
                Err(unavailable())
            }
        }
    }
}
