//! The OAuth router (`/api/v1/oauth`): social sign-in and account linking.
//!
//! A flow is bound three ways: `state` (stored as its SHA-256, single use, expiring), a
//! browser cookie (its SHA-256 is stored with the flow, so a callback only completes in the
//! browser that started it: no login CSRF), and PKCE plus, for OpenID Connect, a `nonce` in
//! the ID token. A provider account signs in the user it is linked to; otherwise a verified
//! email may find or create an account, never an unverified one (no takeover by email).

use crate::domain::oauth::{OAuthFailure, Provider, ProviderIdentity, ProviderKind};
use crate::domain::sign_in_methods::{self, Removing};
use crate::handlers::auth::{normalise_email, record_signin_failure, sign_in_outcome, suspended};
use crate::identity_client::{CreateOutcome, IdentityUser};
use crate::store::oauth::{self as store, NewFlow, NewLink};
use crate::{AuthState, events};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{Duration, Utc};
use diesel_async::AsyncConnection;
use janua_core::crypto::{constant_time_eq, random_token, sha256};
use janua_core::error::refusals;
use janua_core::http::{RequestMeta, optional_json};
use janua_core::{ApiError, ErrorCode};
use janua_tokens::Reauthenticated;
use openidconnect::RedirectUrl;
use serde::{Deserialize, Serialize};
use url::Url;
use uuid::Uuid;

/// The cookie that binds a flow to the browser that started it.
pub const BROWSER_COOKIE: &str = "janua_oauth_browser";

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AuthorizeQuery {
    /// Where the browser goes once signed in (must be on `JANUA_OAUTH__REDIRECT_ALLOWLIST`);
    /// the token pair rides in its fragment. Without it the callback answers JSON.
    pub redirect_uri: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkRequest {
    pub redirect_uri: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuthorizationStarted {
    /// Send the browser here.
    pub authorization_url: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CallbackQuery {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Linked {
    pub linked: bool,
    pub provider: String,
    pub email: Option<String>,
}

fn provider<'a>(state: &'a AuthState, name: &str) -> Result<&'a Provider, ApiError> {
    state
        .oauth
        .get(name)
        .ok_or_else(|| ApiError::keyed(ErrorCode::NotFound, "error.auth.provider_not_found", vec![]))
}

/// Whether `candidate` is on the allow-list (see [`janua_core::redirect::allowed`]).
pub fn allowed_redirect(allowlist: &str, candidate: &str) -> bool {
    janua_core::redirect::allowed(allowlist, candidate)
}

fn callback_url(state: &AuthState, provider: &Provider) -> Result<RedirectUrl, ApiError> {
    RedirectUrl::new(format!(
        "{}/api/v1/oauth/{}/callback",
        state.settings.public_url.trim_end_matches('/'),
        provider.kind.name()
    ))
    .map_err(ApiError::internal)
}

fn check_redirect(state: &AuthState, redirect_uri: Option<&str>) -> Result<(), ApiError> {
    match redirect_uri {
        Some(uri) if !allowed_redirect(&state.settings.oauth.redirect_allowlist, uri) => {
            Err(ApiError::invalid("redirect_uri", "error.auth.redirect_uri_not_allowed", vec![]))
        }
        _ => Ok(()),
    }
}

/// Starts a flow: stores it and answers (authorization URL, the browser cookie to set).
async fn start(
    state: &AuthState, req: &HttpRequest, provider: &Provider, purpose: &str, user_id: Option<Uuid>,
    redirect_uri: Option<&str>,
) -> Result<(Url, Cookie<'static>), ApiError> {
    check_redirect(state, redirect_uri)?;
    // One browser, several tabs: keep the browser's binding if it has one.
    let browser = req
        .cookie(BROWSER_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| v.len() == 43)
        .unwrap_or_else(random_token);
    let (flow_state, nonce, verifier) = (random_token(), random_token(), random_token());
    let callback = callback_url(state, provider)?;
    let url = state.oauth.authorization_url(provider, &callback, &flow_state, &nonce, &verifier).await?;
    let ttl = state.settings.oauth.flow_ttl_secs;
    let mut conn = state.pool.get().await?;
    store::start_flow(
        &mut conn,
        NewFlow {
            state_hash: &sha256(flow_state.as_bytes()),
            provider: provider.kind.name(),
            purpose,
            user_id,
            browser_hash: &sha256(browser.as_bytes()),
            verifier_sealed: &state.sealer.seal(verifier.as_bytes()),
            nonce: &nonce,
            redirect_uri,
            expires_at: Utc::now() + Duration::seconds(ttl),
        },
    )
    .await?;
    let cookie = Cookie::build(BROWSER_COOKIE, browser)
        .path("/api/v1/oauth")
        .http_only(true)
        .secure(state.settings.public_url.starts_with("https://"))
        // Lax: sent on the provider's top-level redirect back to the callback.
        .same_site(SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::seconds(ttl))
        .finish();
    Ok((url, cookie))
}

/// Starts signing in with a provider: redirects the browser to its consent page.
///
/// Permissions: anyone.
#[utoipa::path(get, path = "/api/v1/oauth/{provider}/authorize", tag = "OAuth",
    params(("provider" = String, Path, description = "google, github, microsoft, discord or twitter"), AuthorizeQuery),
    responses((status = 302, description = "to the provider"), refusals::Invalid,
        refusals::NotFound))]
#[tracing::instrument(skip_all, fields(provider = %path))]
pub async fn authorize(
    state: web::Data<AuthState>, req: HttpRequest, path: web::Path<String>, query: web::Query<AuthorizeQuery>,
) -> Result<HttpResponse, ApiError> {
    let provider = provider(&state, &path)?;
    let (url, cookie) = start(&state, &req, provider, "signin", None, query.redirect_uri.as_deref()).await?;
    Ok(HttpResponse::Found()
        .insert_header((header::LOCATION, url.to_string()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .cookie(cookie)
        .finish())
}

/// Starts linking a provider account to the caller's account: answers the URL to send the
/// browser to. The callback completes the link.
///
/// Permissions: any signed-in user (their own account).
#[utoipa::path(post, path = "/api/v1/oauth/{provider}/link", tag = "OAuth",
    params(("provider" = String, Path)), request_body(content = LinkRequest, description = "optional"),
    responses((status = 200, body = AuthorizationStarted), refusals::NotFound,
        refusals::Conflict),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(provider = %path, user_id = %auth.user_id()))]
pub async fn link(
    state: web::Data<AuthState>, auth: Reauthenticated, req: HttpRequest, path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let request: LinkRequest = optional_json(&body)?.unwrap_or_default();
    let provider = provider(&state, &path)?;
    {
        let mut conn = state.pool.get().await?;
        let links = store::links_of_user(&mut conn, auth.user_id()).await?;
        if links.iter().any(|l| l.provider == provider.kind.name()) {
            return Err(already_linked(provider.kind));
        }
    }
    let (url, cookie) =
        start(&state, &req, provider, "link", Some(auth.user_id()), request.redirect_uri.as_deref()).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .cookie(cookie)
        .json(AuthorizationStarted { authorization_url: url.to_string() }))
}

fn already_linked(kind: ProviderKind) -> ApiError {
    ApiError::keyed(
        ErrorCode::Conflict,
        "error.auth.provider_already_linked",
        vec![("provider", kind.name().to_string().into())],
    )
    .with_details(serde_json::json!({ "reason": "provider_already_linked" }))
}

fn bad_state(reason: &str) -> ApiError {
    ApiError::invalid("state", "error.auth.oauth_state_invalid", vec![])
        .with_details(serde_json::json!({ "field": "state", "reason": reason }))
}

/// Where the provider sends the browser back. Answers the token pair (or the MFA challenge)
/// as JSON, or redirects to the flow's `redirect_uri` with it in the fragment. For a link
/// flow, answers (or redirects with) `linked`.
///
/// Permissions: the browser that started the flow.
#[utoipa::path(get, path = "/api/v1/oauth/{provider}/callback", tag = "OAuth",
    params(("provider" = String, Path), CallbackQuery),
    responses((status = 200, body = crate::handlers::auth::TokenPair), (status = 302, description = "to redirect_uri"),
        refusals::Invalid, (status = 401, body = janua_core::error::ErrorEnvelope),
        refusals::Forbidden, refusals::Conflict))]
#[tracing::instrument(skip_all, fields(provider = %path))]
pub async fn callback(
    state: web::Data<AuthState>, req: HttpRequest, meta: RequestMeta, path: web::Path<String>,
    query: web::Query<CallbackQuery>,
) -> Result<HttpResponse, ApiError> {
    let provider = provider(&state, &path)?;
    let query = query.into_inner();
    let presented = query.state.as_deref().filter(|s| !s.is_empty() && s.len() <= 256);
    let Some(presented) = presented else {
        return Err(bad_state("missing"));
    };
    let flow = {
        let mut conn = state.pool.get().await?;
        store::take_flow(&mut conn, &sha256(presented.as_bytes())).await?
    };
    let Some(flow) = flow.filter(|f| f.provider == provider.kind.name()) else {
        return Err(bad_state("unknown"));
    };
    let browser = req.cookie(BROWSER_COOKIE).map(|c| c.value().to_string()).unwrap_or_default();
    if !constant_time_eq(&sha256(browser.as_bytes()), &flow.browser_hash) {
        record_failure(&state, flow.user_id, "browser_mismatch", &meta).await;
        return Err(bad_state("browser_mismatch"));
    }
    let outcome = complete(&state, provider, &flow, &query, &meta).await;
    let redirect = flow.redirect_uri.as_deref();
    match (outcome, redirect) {
        (Ok(answer), None) => {
            Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(answer))
        }
        (Ok(answer), Some(uri)) => Ok(redirect_with(uri, &answer)),
        (Err(e), None) => Err(e),
        (Err(e), Some(uri)) => {
            let mut fields =
                serde_json::json!({ "error": e.code().spec().0, "error_description": e.message() });
            if let Some(reason) = e.details().and_then(|d| d.get("reason")) {
                fields["reason"] = reason.clone();
            }
            Ok(redirect_with(uri, &fields))
        }
    }
}

fn redirect_with(uri: &str, answer: &serde_json::Value) -> HttpResponse {
    janua_core::redirect::with_fragment(uri, answer)
}

async fn complete(
    state: &AuthState, provider: &Provider, flow: &store::Flow, query: &CallbackQuery, meta: &RequestMeta,
) -> Result<serde_json::Value, ApiError> {
    if let Some(error) = &query.error {
        record_failure(state, flow.user_id, "provider_denied", meta).await;
        return Err(ApiError::keyed(ErrorCode::InvalidCredentials, "error.auth.provider_denied", vec![])
            .with_details(serde_json::json!({ "reason": "provider_denied", "provider_error": error.chars().take(64).collect::<String>() })));
    }
    let code = query
        .code
        .as_deref()
        .filter(|c| !c.is_empty() && c.len() <= 2048)
        .ok_or_else(|| ApiError::required("code"))?;
    let verifier = state.sealer.open(&flow.verifier_sealed).map_err(ApiError::internal)?;
    let verifier = String::from_utf8(verifier).map_err(ApiError::internal)?;
    let callback = callback_url(state, provider)?;
    let identity = match state.oauth.identify(provider, &callback, code, &verifier, &flow.nonce).await {
        Ok(identity) => identity,
        Err(failure) => {
            if !matches!(failure, OAuthFailure::Unavailable(_)) {
                tracing::warn!(provider = provider.kind.name(), ?failure, "OAuth callback refused");
                record_failure(state, flow.user_id, failure.reason(), meta).await;
            }
            return Err(failure.into());
        }
    };
    match (flow.purpose.as_str(), flow.user_id) {
        ("link", Some(user_id)) => link_account(state, provider.kind, user_id, &identity, meta).await,
        _ => sign_in(state, provider.kind, &identity, meta).await,
    }
}

async fn link_account(
    state: &AuthState, kind: ProviderKind, user_id: Uuid, identity: &ProviderIdentity, meta: &RequestMeta,
) -> Result<serde_json::Value, ApiError> {
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        sign_in_methods::lock_user(conn, user_id).await?;
        match store::link_of(conn, kind.name(), &identity.subject).await? {
            Some(l) if l.user_id == user_id => return Ok(()),
            Some(_) => {
                return Err(ApiError::keyed(
                    ErrorCode::Conflict,
                    "error.auth.provider_linked_elsewhere",
                    vec![("provider", kind.name().to_string().into())],
                )
                .with_details(serde_json::json!({ "reason": "linked_elsewhere" })));
            }
            None => {}
        }
        let inserted = store::insert_link(
            conn,
            NewLink {
                user_id,
                provider: kind.name(),
                subject: &identity.subject,
                email: identity.email.as_deref(),
                email_verified: identity.email_verified,
            },
        )
        .await?;
        if !inserted {
            return Err(already_linked(kind));
        }
        janua_db::outbox::enqueue(
            conn,
            &events::oauth_link_changed("oauth.linked", user_id, kind.name(), "user", meta.clone().into()),
        )
        .await?;
        Ok(())
    })
    .await?;
    serde_json::to_value(Linked {
        linked: true,
        provider: kind.name().to_string(),
        email: identity.email.clone(),
    })
    .map_err(ApiError::internal)
}

fn unverified_email() -> ApiError {
    ApiError::keyed(ErrorCode::Forbidden, "error.auth.provider_email_unverified", vec![])
        .with_details(serde_json::json!({ "reason": "unverified_email" }))
}

async fn sign_in(
    state: &AuthState, kind: ProviderKind, identity: &ProviderIdentity, meta: &RequestMeta,
) -> Result<serde_json::Value, ApiError> {
    let method = format!("oauth:{}", kind.name());
    let linked = {
        let mut conn = state.pool.get().await?;
        store::link_of(&mut conn, kind.name(), &identity.subject).await?
    };
    if let Some(link) = linked {
        if let Some(user) = state.user(link.user_id).await? {
            {
                let mut conn = state.pool.get().await?;
                store::touch_link(&mut conn, link.id, identity.email.as_deref(), identity.email_verified)
                    .await?;
            }
            return finish(state, &user, &method, meta).await;
        }
        // The user is gone: the link is stale.
        let mut conn = state.pool.get().await?;
        store::delete_links_of_user(&mut conn, link.user_id).await?;
    }
    let email = match (&identity.email, identity.email_verified) {
        (Some(email), true) => normalise_email(email),
        _ => {
            record_failure(state, None, "unverified_email", meta).await;
            return Err(unverified_email());
        }
    };
    if email.is_empty() || email.len() > 254 {
        return Err(unverified_email());
    }
    let user = match state.identity.find_by_email(&email).await? {
        Some(existing) => {
            // Linking by email is safe only when both sides proved the address: otherwise
            // whoever registered it unverified (with a password they know) would get in.
            if !existing.email_verified {
                record_failure(state, Some(existing.id), "account_exists_unverified", meta).await;
                return Err(ApiError::keyed(
                    ErrorCode::Conflict,
                    "error.auth.provider_account_exists",
                    vec![("provider", kind.name().to_string().into())],
                )
                .with_details(serde_json::json!({ "reason": "account_exists" })));
            }
            auto_link(state, kind, existing.id, identity, &email, meta).await?;
            existing
        }
        None => {
            if !state.settings.oauth.signup_enabled {
                return Err(ApiError::keyed(
                    ErrorCode::Forbidden,
                    "error.auth.provider_signup_closed",
                    vec![],
                )
                .with_details(serde_json::json!({ "reason": "signup_disabled" })));
            }
            let created = state
                .identity
                .create_user(janua_core::ids::new_id(), &email, identity.name.as_deref(), &[], true, meta)
                .await?;
            let CreateOutcome::Created(user) = created else {
                return Err(ApiError::keyed(ErrorCode::Conflict, "error.auth.provider_signup_race", vec![]));
            };
            let user = *user;
            if let Err(e) = auto_link(state, kind, user.id, identity, &email, meta).await {
                if let Err(undo) = state.identity.delete_user(user.id, "signup_failed", meta).await {
                    tracing::error!(user_id = %user.id, error = %undo, "could not undo a failed OAuth sign-up");
                }
                return Err(e);
            }
            user
        }
    };
    finish(state, &user, &method, meta).await
}

async fn auto_link(
    state: &AuthState, kind: ProviderKind, user_id: Uuid, identity: &ProviderIdentity, email: &str,
    meta: &RequestMeta,
) -> Result<(), ApiError> {
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let inserted = store::insert_link(
            conn,
            NewLink {
                user_id,
                provider: kind.name(),
                subject: &identity.subject,
                email: Some(email),
                email_verified: true,
            },
        )
        .await?;
        if !inserted {
            // The user has another account of this provider linked: this one is not theirs.
            return Err(already_linked(kind));
        }
        janua_db::outbox::enqueue(
            conn,
            &events::oauth_link_changed(
                "oauth.linked",
                user_id,
                kind.name(),
                "verified_email",
                meta.clone().into(),
            ),
        )
        .await?;
        Ok(())
    })
    .await
}

async fn finish(
    state: &AuthState, user: &IdentityUser, method: &str, meta: &RequestMeta,
) -> Result<serde_json::Value, ApiError> {
    if user.status != "active" {
        return Err(suspended());
    }
    sign_in_outcome(state, user, method, meta).await
}

async fn record_failure(state: &AuthState, user_id: Option<Uuid>, reason: &str, meta: &RequestMeta) {
    if let Err(e) = record_signin_failure(state, "oauth", user_id, reason, meta).await {
        tracing::warn!(error = %e, "could not record a refused OAuth sign-in");
    }
}

/// Unlinks the caller's account at a provider. Refused (409) when it is the account's last
/// way to sign in.
///
/// Permissions: any signed-in user (their own account).
#[utoipa::path(delete, path = "/api/v1/oauth/{provider}/unlink", tag = "OAuth",
    params(("provider" = String, Path)),
    responses((status = 204), refusals::NotFound,
        refusals::Conflict),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(provider = %path, user_id = %auth.user_id()))]
pub async fn unlink(
    state: web::Data<AuthState>, auth: Reauthenticated, meta: RequestMeta, path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let kind = ProviderKind::parse(&path).ok_or_else(ApiError::not_found)?;
    let user_id = auth.user_id();
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let links = store::links_of_user(conn, user_id).await?;
        if !links.iter().any(|l| l.provider == kind.name()) {
            return Err(ApiError::keyed(ErrorCode::NotFound, "error.auth.linked_account_not_found", vec![]));
        }
        sign_in_methods::ensure_another_remains(conn, user_id, Removing::Provider(kind.name())).await?;
        store::delete_link(conn, user_id, kind.name()).await?;
        janua_db::outbox::enqueue(
            conn,
            &events::oauth_link_changed("oauth.unlinked", user_id, kind.name(), "user", meta.into()),
        )
        .await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use super::allowed_redirect;

    #[test]
    fn redirects_must_match_origin_and_path_segments() {
        let list = "https://app.example.com/auth, http://localhost:3000";
        assert!(allowed_redirect(list, "https://app.example.com/auth"));
        assert!(allowed_redirect(list, "https://app.example.com/auth/done?x=1"));
        assert!(allowed_redirect(list, "http://localhost:3000/anything"));
        assert!(!allowed_redirect(list, "https://app.example.com/authx"));
        assert!(!allowed_redirect(list, "https://app.example.com.evil.com/auth"));
        assert!(!allowed_redirect(list, "http://app.example.com/auth"));
        assert!(!allowed_redirect(list, "https://app.example.com:8443/auth"));
        assert!(!allowed_redirect(list, "https://user@app.example.com/auth"));
        assert!(!allowed_redirect(list, "http://localhost:3001/"));
        assert!(!allowed_redirect(list, "javascript:alert(1)"));
        assert!(!allowed_redirect("", "https://app.example.com/auth"));
    }
}
