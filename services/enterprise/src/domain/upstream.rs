//! The enterprise service's calls to identity (accounts) and org (memberships, roles) over
//! their internal APIs. Every call is idempotent, so a SCIM client retrying after a failure
//! converges instead of duplicating.

use janua_core::config::Settings;
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::{Value, json};
use std::time::Duration;
use uuid::Uuid;

const TIMEOUT: Duration = Duration::from_secs(10);

/// Why an upstream call did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    /// The upstream refused with this status and Janua error envelope (a 409, a 400...).
    #[error("{service} refused: {status} {message}")]
    Refused {
        service: &'static str,
        status: u16,
        /// The Janua error code (`ACCOUNT_SUSPENDED`...).
        code: Option<String>,
        message: String,
        field: Option<String>,
    },
    /// Unreachable, timed out, or a 5xx: the client should retry later.
    #[error("{0} is unavailable")]
    Unavailable(&'static str),
}

impl UpstreamError {
    pub fn is_conflict(&self) -> bool {
        matches!(self, Self::Refused { status: 409, .. })
    }
}

/// For the Janua API's own routes (SSO): an upstream's refusal passes through with its code
/// (a suspended account stays `ACCOUNT_SUSPENDED`); trouble is 503.
impl From<UpstreamError> for janua_core::ApiError {
    fn from(e: UpstreamError) -> Self {
        use janua_core::{ApiError, ErrorCode};
        match e {
            UpstreamError::Unavailable(service) => ApiError::unavailable(service),
            UpstreamError::Refused { code, message, status, .. } => {
                let code = match code.as_deref() {
                    Some("ACCOUNT_SUSPENDED") => ErrorCode::AccountSuspended,
                    Some("CONFLICT") => ErrorCode::Conflict,
                    Some("VALIDATION_ERROR") => ErrorCode::ValidationError,
                    Some("NOT_FOUND") => ErrorCode::NotFound,
                    Some("FORBIDDEN") => ErrorCode::Forbidden,
                    _ => {
                        tracing::error!(status, %message, "an upstream refused an internal call");
                        return ApiError::internal("an internal call was refused");
                    }
                };
                ApiError::new(code, message)
            }
        }
    }
}

/// An account as identity answers it (the fields SCIM needs).
#[derive(Debug, Clone, Deserialize)]
pub struct Account {
    pub id: Uuid,
    pub email: String,
    #[serde(default)]
    pub email_verified: bool,
    pub name: Option<String>,
    pub status: String,
    #[serde(default)]
    pub locale: String,
}

/// `body` with the browser auth is asked to act for (its address, agent and request id).
fn with_browser(mut body: Value, meta: &janua_core::http::RequestMeta) -> Value {
    body["ip"] = json!(meta.ip);
    body["user_agent"] = json!(meta.user_agent);
    body["request_id"] = json!(meta.request_id);
    body
}

/// A service whose internal API (`/internal/v1`) this one calls.
#[derive(Debug, Clone, Copy)]
enum Service {
    Identity,
    Org,
    Auth,
}

impl Service {
    /// Its name, as errors and logs give it.
    fn name(self) -> &'static str {
        match self {
            Service::Identity => "identity",
            Service::Org => "org",
            Service::Auth => "auth",
        }
    }
}

/// `text` as a URL path segment or query value.
fn encoded(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[derive(Clone)]
pub struct Upstreams {
    http: reqwest::Client,
    identity: String,
    org: String,
    auth: String,
    token: String,
}

impl Upstreams {
    pub fn new(settings: &Settings, http: reqwest::Client) -> Self {
        Upstreams {
            http,
            identity: settings.identity.url.trim_end_matches('/').to_owned(),
            org: settings.org.url.trim_end_matches('/').to_owned(),
            auth: settings.auth.url.trim_end_matches('/').to_owned(),
            token: settings.secrets.service_token.expose_secret().to_owned(),
        }
    }

    /// Calls `path` of the service's internal API and answers the body (`null` when empty).
    async fn call(
        &self, service: Service, method: reqwest::Method, path: &str, body: Option<Value>,
    ) -> Result<Value, UpstreamError> {
        let base = match service {
            Service::Identity => &self.identity,
            Service::Org => &self.org,
            Service::Auth => &self.auth,
        };
        let service = service.name();
        let mut req = self
            .http
            .request(method, format!("{base}/internal/v1{path}"))
            .header(janua_core::http::SERVICE_TOKEN_HEADER, &self.token)
            .headers(janua_core::telemetry::trace_headers())
            .timeout(TIMEOUT);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.map_err(|e| {
            tracing::warn!(error = %e, service, "upstream call failed");
            UpstreamError::Unavailable(service)
        })?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|_| UpstreamError::Unavailable(service))?;
        let value: Value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or(Value::Null)
        };
        if status.is_server_error() {
            tracing::warn!(%status, service, "upstream answered a server error");
            return Err(UpstreamError::Unavailable(service));
        }
        if status.is_client_error() {
            let error = &value["error"];
            return Err(UpstreamError::Refused {
                service,
                status: status.as_u16(),
                code: error["code"].as_str().map(str::to_owned),
                message: error["message"].as_str().unwrap_or("refused").to_owned(),
                field: error["details"]["field"].as_str().map(str::to_owned),
            });
        }
        Ok(value)
    }

    /// A call whose answer is only whether it succeeded.
    async fn send(
        &self, service: Service, method: reqwest::Method, path: &str, body: Option<Value>,
    ) -> Result<(), UpstreamError> {
        self.call(service, method, path, body).await.map(drop)
    }

    /// A GET whose 404 means "there is none".
    async fn get_optional(&self, service: Service, path: &str) -> Result<Option<Value>, UpstreamError> {
        match self.call(service, reqwest::Method::GET, path, None).await {
            Ok(value) => Ok(Some(value)),
            Err(UpstreamError::Refused { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn account(value: Value) -> Result<Account, UpstreamError> {
        serde_json::from_value(value).map_err(|e| {
            tracing::error!(error = %e, "identity answered an account this service cannot read");
            UpstreamError::Unavailable("identity")
        })
    }

    /// An account identity answers: `method` on the account's `/users/{id}`.
    async fn account_call(
        &self, method: reqwest::Method, id: Uuid, body: Value,
    ) -> Result<Account, UpstreamError> {
        Self::account(self.call(Service::Identity, method, &format!("/users/{id}"), Some(body)).await?)
    }

    /// Creates the account with this id, or answers it when it exists with this email. A 409
    /// means the email is another account's, or the id holds another email.
    pub async fn create_account(
        &self, id: Uuid, email: &str, name: Option<&str>, locale: Option<&str>,
    ) -> Result<Account, UpstreamError> {
        self.put_account(id, email, name, false, locale).await
    }

    /// identity's idempotent create (by id), the address verified or not; without a locale,
    /// identity's default.
    async fn put_account(
        &self, id: Uuid, email: &str, name: Option<&str>, email_verified: bool, locale: Option<&str>,
    ) -> Result<Account, UpstreamError> {
        let body =
            json!({ "email": email, "name": name, "email_verified": email_verified, "locale": locale });
        self.account_call(reqwest::Method::PUT, id, body).await
    }

    pub async fn account_of(&self, id: Uuid) -> Result<Option<Account>, UpstreamError> {
        self.get_optional(Service::Identity, &format!("/users/{id}")).await?.map(Self::account).transpose()
    }

    /// Changes what is given of the account: email, name (`Some(None)` clears it), status,
    /// locale.
    #[allow(clippy::too_many_arguments)]
    pub async fn update_account(
        &self, id: Uuid, email: Option<&str>, name: Option<Option<&str>>, active: Option<bool>,
        locale: Option<&str>, reason: &str, actor: Uuid,
    ) -> Result<Account, UpstreamError> {
        let mut body = json!({ "actor_id": actor, "reason": reason });
        if let Some(locale) = locale {
            body["locale"] = json!(locale);
        }
        if let Some(email) = email {
            body["email"] = json!(email);
        }
        if let Some(name) = name {
            body["name"] = json!(name);
        }
        if let Some(active) = active {
            body["status"] = json!(if active { "active" } else { "suspended" });
        }
        self.account_call(reqwest::Method::PATCH, id, body).await
    }

    /// Makes the user a member of the organization with `role` (kept if they are a member
    /// already), `actor` acting.
    async fn put_member(&self, org: Uuid, user: Uuid, role: &str, actor: Uuid) -> Result<(), UpstreamError> {
        let path = format!("/organizations/{org}/members/{user}");
        self.send(Service::Org, reqwest::Method::PUT, &path, Some(json!({ "role": role, "actor_id": actor })))
            .await
    }

    pub async fn add_member(&self, org: Uuid, user: Uuid, actor: Uuid) -> Result<(), UpstreamError> {
        self.put_member(org, user, "member", actor).await
    }

    pub async fn remove_member(&self, org: Uuid, user: Uuid, actor: Uuid) -> Result<(), UpstreamError> {
        let path = format!("/organizations/{org}/members/{user}?actor_id={actor}");
        self.send(Service::Org, reqwest::Method::DELETE, &path, None).await
    }

    /// Creates or renames the organization role backing a group.
    pub async fn put_role(
        &self, org: Uuid, role: Uuid, name: &str, actor: Uuid,
    ) -> Result<(), UpstreamError> {
        let body = json!({
            "name": name,
            "description": "Provisioned over SCIM: members of this group hold this role.",
            "actor_id": actor
        });
        let path = format!("/organizations/{org}/roles/{role}");
        self.send(Service::Org, reqwest::Method::PUT, &path, Some(body)).await
    }

    pub async fn delete_role(&self, org: Uuid, role: Uuid) -> Result<(), UpstreamError> {
        let path = format!("/organizations/{org}/roles/{role}");
        self.send(Service::Org, reqwest::Method::DELETE, &path, None).await
    }

    /// Makes the role's holders exactly `users`.
    pub async fn set_role_members(
        &self, org: Uuid, role: Uuid, users: &[Uuid], actor: Uuid,
    ) -> Result<(), UpstreamError> {
        let path = format!("/organizations/{org}/roles/{role}/members");
        let body = json!({ "user_ids": users, "actor_id": actor });
        self.send(Service::Org, reqwest::Method::PUT, &path, Some(body)).await
    }
}

/// An organization as org answers it internally.
#[derive(Debug, Clone, Deserialize)]
pub struct OrganizationRef {
    pub id: Uuid,
    pub slug: String,
}

/// What auth answers for a sign-in it completes for SSO: the token pair, or the MFA
/// challenge (kept as JSON: it is passed on to the browser as is).
pub type SignInAnswer = Value;

impl Upstreams {
    pub async fn organization_by_slug(&self, slug: &str) -> Result<Option<OrganizationRef>, UpstreamError> {
        let path = format!("/organizations/by-slug/{}", encoded(slug));
        Ok(self.get_optional(Service::Org, &path).await?.and_then(|value| serde_json::from_value(value).ok()))
    }

    /// The account with this email, if any.
    pub async fn account_by_email(&self, email: &str) -> Result<Option<Account>, UpstreamError> {
        let path = format!("/users/by-email?email={}", encoded(email));
        self.get_optional(Service::Identity, &path).await?.map(Self::account).transpose()
    }

    /// Creates an account whose address the organization's IdP vouches for (a verified
    /// domain of the organization): verified at once.
    pub async fn create_verified_account(
        &self, id: Uuid, email: &str, name: Option<&str>,
    ) -> Result<Account, UpstreamError> {
        self.put_account(id, email, name, true, None).await
    }

    /// Adds the user to the organization with `role` (kept if they are a member already).
    pub async fn ensure_member(&self, org: Uuid, user: Uuid, role: &str) -> Result<(), UpstreamError> {
        self.put_member(org, user, role, user).await
    }

    /// What auth answers to an action (`sign-in`, `claim`) on the user for the browser.
    async fn act_for_browser(
        &self, user: Uuid, action: &str, body: Value, meta: &janua_core::http::RequestMeta,
    ) -> Result<Value, UpstreamError> {
        let path = format!("/users/{user}/{action}");
        self.call(Service::Auth, reqwest::Method::POST, &path, Some(with_browser(body, meta))).await
    }

    /// Asks auth to sign the user in (sessions, MFA, events are auth's).
    pub async fn sign_in(
        &self, user: Uuid, method: &str, meta: &janua_core::http::RequestMeta,
    ) -> Result<SignInAnswer, UpstreamError> {
        self.act_for_browser(user, "sign-in", json!({ "method": method }), meta).await
    }

    /// Hands an account whose address was never proven to the address's owner, whom this
    /// organization's IdP speaks for: auth removes everything the account's registrant set up
    /// and marks the address verified. Answers what was removed.
    pub async fn claim_account(
        &self, user: Uuid, email: &str, meta: &janua_core::http::RequestMeta,
    ) -> Result<Vec<String>, UpstreamError> {
        let value =
            self.act_for_browser(user, "claim", json!({ "email": email, "proven_by": "sso" }), meta).await?;
        Ok(value["removed"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect())
    }

    /// Revokes a Janua session (single logout).
    pub async fn revoke_session(&self, session: Uuid, user: Uuid) -> Result<(), UpstreamError> {
        let path = format!("/sessions/{session}?user_id={user}");
        self.send(Service::Auth, reqwest::Method::DELETE, &path, None).await
    }
}
