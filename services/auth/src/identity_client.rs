//! The few synchronous questions auth asks identity (`/internal/v1`), all idempotent.

use janua_core::ApiError;
use janua_core::http::RequestMeta;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use uuid::Uuid;

/// The user as identity describes it to other services.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdentityUser {
    pub id: Uuid,
    pub email: String,
    pub email_verified: bool,
    pub name: Option<String>,
    pub avatar_url: Option<String>,
    pub locale: String,
    pub status: String,
    pub mfa_enabled: bool,
    pub metadata: serde_json::Value,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    #[serde(default)]
    pub roles: Vec<String>,
}

impl IdentityUser {
    /// The public shape (API.md "User"): everything but the roles.
    pub fn public(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(map) = v.as_object_mut() {
            map.remove("roles");
        }
        v
    }
}

#[derive(Clone)]
pub struct IdentityClient {
    base: String,
    token: String,
    http: reqwest::Client,
}

pub enum CreateOutcome {
    Created(Box<IdentityUser>),
    EmailTaken,
}

impl IdentityClient {
    pub fn new(base: &str, token: &str, http: reqwest::Client) -> Self {
        Self { base: base.trim_end_matches('/').to_string(), token: token.to_string(), http }
    }

    fn request(
        &self, method: reqwest::Method, path: &str, meta: Option<&RequestMeta>,
    ) -> reqwest::RequestBuilder {
        let mut req = self
            .http
            .request(method, format!("{}/internal/v1{}", self.base, path))
            .header(janua_core::http::SERVICE_TOKEN_HEADER, &self.token)
            .headers(janua_core::telemetry::trace_headers())
            .timeout(Duration::from_secs(5));
        if let Some(meta) = meta {
            if let Some(id) = &meta.request_id {
                req = req.header("x-request-id", id);
            }
            if let Some(ip) = &meta.ip {
                req = req.header("x-forwarded-for", ip);
            }
            if let Some(ua) = &meta.user_agent {
                req = req.header("user-agent", ua);
            }
        }
        req
    }

    async fn send(req: reqwest::RequestBuilder) -> Result<reqwest::Response, ApiError> {
        req.send().await.map_err(|e| {
            tracing::warn!(error = %e, "identity service unreachable");
            ApiError::unavailable("the identity service")
        })
    }

    async fn user_or_none(resp: reqwest::Response) -> Result<Option<IdentityUser>, ApiError> {
        match resp.status().as_u16() {
            200 | 201 => resp.json().await.map(Some).map_err(ApiError::internal),
            404 => Ok(None),
            s if s >= 500 => Err(ApiError::unavailable("the identity service")),
            s => Err(ApiError::internal(format!("identity answered {s}"))),
        }
    }

    /// Creates the account; its locale is `locale`, else the language the browser asks for
    /// (`Accept-Language`, among the shipped ones), else identity's default.
    pub async fn create_user(
        &self, id: Uuid, email: &str, name: Option<&str>, roles: &[&str], email_verified: bool,
        meta: &RequestMeta,
    ) -> Result<CreateOutcome, ApiError> {
        self.create_user_in(id, email, name, roles, email_verified, None, meta).await
    }

    /// [`create_user`](Self::create_user) with the locale the person chose.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_user_in(
        &self, id: Uuid, email: &str, name: Option<&str>, roles: &[&str], email_verified: bool,
        locale: Option<&str>, meta: &RequestMeta,
    ) -> Result<CreateOutcome, ApiError> {
        let negotiated = janua_i18n::tag::negotiate(meta.accept_language.as_deref());
        let locale = locale.or(negotiated.as_deref());
        let body = serde_json::json!({
            "email": email, "name": name, "roles": roles, "email_verified": email_verified, "locale": locale,
        });
        let resp =
            Self::send(self.request(reqwest::Method::PUT, &format!("/users/{id}"), Some(meta)).json(&body))
                .await?;
        match resp.status().as_u16() {
            409 => Ok(CreateOutcome::EmailTaken),
            400 => {
                let body: janua_core::error::ErrorEnvelope = resp.json().await.map_err(ApiError::internal)?;
                let field = body
                    .error
                    .details
                    .as_ref()
                    .and_then(|d| d["field"].as_str())
                    .unwrap_or("email")
                    .to_string();
                Err(ApiError::validation(&field, body.error.message))
            }
            _ => Self::user_or_none(resp)
                .await?
                .map(|u| CreateOutcome::Created(Box::new(u)))
                .ok_or_else(|| ApiError::internal("identity lost a user it just created")),
        }
    }

    pub async fn delete_user(&self, id: Uuid, reason: &str, meta: &RequestMeta) -> Result<(), ApiError> {
        let resp = Self::send(self.request(
            reqwest::Method::DELETE,
            &format!("/users/{id}?reason={reason}"),
            Some(meta),
        ))
        .await?;
        if resp.status().is_success() { Ok(()) } else { Err(ApiError::unavailable("the identity service")) }
    }

    pub async fn get_user(&self, id: Uuid) -> Result<Option<IdentityUser>, ApiError> {
        Self::user_or_none(
            Self::send(self.request(reqwest::Method::GET, &format!("/users/{id}"), None)).await?,
        )
        .await
    }

    pub async fn find_by_email(&self, email: &str) -> Result<Option<IdentityUser>, ApiError> {
        let req = self.request(reqwest::Method::GET, "/users/by-email", None).query(&[("email", email)]);
        Self::user_or_none(Self::send(req).await?).await
    }

    /// Marks `email` verified if it is still the user's address (`None` when it is not, or
    /// the user is gone).
    pub async fn mark_email_verified(
        &self, id: Uuid, email: &str, meta: &RequestMeta,
    ) -> Result<Option<IdentityUser>, ApiError> {
        let resp = Self::send(
            self.request(reqwest::Method::POST, &format!("/users/{id}/verify-email"), Some(meta))
                .json(&serde_json::json!({ "email": email })),
        )
        .await?;
        if resp.status().as_u16() == 409 {
            return Ok(None);
        }
        Self::user_or_none(resp).await
    }

    pub async fn ready(&self) -> bool {
        matches!(
            self.request(reqwest::Method::GET, "/health/ready", None).send().await,
            Ok(r) if r.status().is_success()
        )
    }
}

impl IdentityClient {
    pub async fn set_mfa_enabled(
        &self, id: Uuid, enabled: bool, meta: &RequestMeta,
    ) -> Result<IdentityUser, ApiError> {
        let req = self
            .request(reqwest::Method::POST, &format!("/users/{id}/mfa"), Some(meta))
            .json(&serde_json::json!({ "enabled": enabled }));
        Self::user_or_none(Self::send(req).await?).await?.ok_or_else(ApiError::not_found)
    }
}
