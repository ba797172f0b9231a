//! The browser's side of single sign-on: `GET /sso/start` (to the organization's IdP), the
//! SP metadata, the SAML ACS and single logout, and the OIDC callback.
//!
//! A sign-in under way is a stored flow named by an unguessable state (OIDC `state`, SAML
//! `RelayState`) and bound to the browser that started it by a cookie: an answer posted from
//! another browser (login CSRF) is refused. On success the answer is auth's (the token pair,
//! or the MFA challenge): JSON, or a 302 to the flow's allow-listed `redirect_uri` with the
//! answer in the fragment.

use crate::domain::oidc::{OidcFailure, Provider};
use crate::domain::saml::{self, SamlRefusal};
use crate::domain::sso_login::{
    self, OIDC_DEFAULTS, Profile, SAML_DEFAULTS, claim_values, record_failure, refused, refused_as,
};
use crate::handlers::sso_configs::oidc_callback_url;
use crate::store::sso::{self as store, NewSamlSession, SsoConfiguration, SsoFlow};
use crate::{EnterpriseState, events};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use janua_core::crypto::{constant_time_eq, sha256};
use janua_core::error::{Text, refusals};
use janua_core::http::RequestMeta;
use janua_core::{ApiError, ErrorCode};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use uuid::Uuid;

pub const BROWSER_COOKIE: &str = "janua_sso_browser";

fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

fn no_sso() -> ApiError {
    ApiError::keyed(ErrorCode::NotFound, "error.enterprise.sso_not_found", vec![])
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct StartQuery {
    /// The user's email: its domain (verified by an organization) picks the IdP.
    pub email: Option<String>,
    /// Or the organization, by slug or id (its first enabled configuration).
    pub organization: Option<String>,
    /// Or the configuration itself.
    pub configuration_id: Option<Uuid>,
    /// Where to send the browser back with the answer (allow-listed).
    pub redirect_uri: Option<String>,
}

async fn configuration_for(state: &EnterpriseState, q: &StartQuery) -> Result<SsoConfiguration, ApiError> {
    let mut conn = state.pool.get().await?;
    if let Some(id) = q.configuration_id {
        return store::find(&mut conn, id).await?.filter(|c| c.enabled).ok_or_else(no_sso);
    }
    if let Some(email) = &q.email {
        let domain = email
            .trim()
            .rsplit_once('@')
            .map(|(_, d)| d.to_lowercase())
            .filter(|d| !d.is_empty())
            .ok_or_else(|| ApiError::invalid("email", "error.email.invalid", vec![]))?;
        return store::by_verified_domain(&mut conn, &domain).await?.ok_or_else(no_sso);
    }
    if let Some(org) = &q.organization {
        let id = match Uuid::parse_str(org) {
            Ok(id) => id,
            Err(_) => {
                drop(conn);
                let found = state.upstreams.organization_by_slug(org).await?.ok_or_else(no_sso)?;
                conn = state.pool.get().await?;
                found.id
            }
        };
        return store::enabled_of(&mut conn, id).await?.into_iter().next().ok_or_else(no_sso);
    }
    Err(ApiError::invalid("email", "error.enterprise.sso_target_missing", vec![]))
}

fn browser_cookie(state: &EnterpriseState, value: String) -> Cookie<'static> {
    let https = state.settings.public_url.starts_with("https://");
    // The IdP's answer is a cross-site POST (SAML, form_post): only SameSite=None cookies
    // ride along, and browsers take those over HTTPS only. Over plain HTTP (development on
    // one host) Lax does.
    Cookie::build(BROWSER_COOKIE, value)
        .path("/api/v1/sso")
        .http_only(true)
        .secure(https)
        .same_site(if https { SameSite::None } else { SameSite::Lax })
        .max_age(actix_web::cookie::time::Duration::seconds(state.settings.sso.flow_ttl_secs as i64))
        .finish()
}

/// Starts a sign-in with the organization's identity provider: answers 302 to it (SAML
/// AuthnRequest over HTTP-Redirect, or the OIDC authorization request with PKCE).
///
/// Permissions: anyone.
#[utoipa::path(get, path = "/api/v1/sso/start", tag = "SSO", params(StartQuery),
    responses((status = 302, description = "to the identity provider"),
        refusals::Invalid, refusals::NotFound))]
pub async fn start(
    state: web::Data<EnterpriseState>, req: HttpRequest, q: web::Query<StartQuery>,
) -> Result<HttpResponse, ApiError> {
    if let Some(uri) = &q.redirect_uri
        && !janua_core::redirect::allowed(&state.settings.sso.redirect_allowlist, uri)
    {
        return Err(ApiError::invalid("redirect_uri", "error.enterprise.redirect_uri_not_allowed", vec![]));
    }
    let config = configuration_for(&state, &q).await?;
    let browser = req
        .cookie(BROWSER_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() == 43)
        .unwrap_or_else(random_token);
    let flow_state = random_token();
    let public = &state.settings.public_url;
    let now = chrono::Utc::now();
    let (location, request_id, nonce, verifier) = if config.protocol == "saml" {
        let (request_id, url) =
            saml::authn_redirect(&config, public, &flow_state).map_err(ApiError::internal)?;
        (url, Some(request_id), None, None)
    } else {
        let nonce = random_token();
        let verifier = random_token();
        let secret = open_secret(&state, &config)?;
        let provider = provider_of(&config, secret)?;
        let url = state
            .discovery
            .authorize_url(&provider, &oidc_callback_url(public), &flow_state, &nonce, &verifier)
            .await
            .map_err(oidc_error)?;
        (url, None, Some(nonce), Some(verifier))
    };
    let flow = SsoFlow {
        state_hash: sha256(flow_state.as_bytes()).to_vec(),
        configuration_id: config.id,
        browser_hash: sha256(browser.as_bytes()).to_vec(),
        saml_request_id: request_id,
        oidc_nonce: nonce,
        pkce_verifier: verifier.map(|v| state.sealer.seal(v.as_bytes())),
        redirect_uri: q.redirect_uri.clone(),
        created_at: now,
        expires_at: now + chrono::Duration::seconds(state.settings.sso.flow_ttl_secs as i64),
    };
    let mut conn = state.pool.get().await?;
    store::insert_flow(&mut conn, &flow).await?;
    Ok(HttpResponse::Found()
        .insert_header((header::LOCATION, location.to_string()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .cookie(browser_cookie(&state, browser))
        .finish())
}

/// The SAML SP metadata of a configuration: what to give the IdP (entity id, ACS, SLO).
///
/// Permissions: anyone.
#[utoipa::path(get, path = "/api/v1/sso/saml/metadata/{config_id}", tag = "SSO", params(("config_id" = Uuid, Path)),
    responses((status = 200, description = "SAML metadata", content_type = "application/samlmetadata+xml"),
        refusals::NotFound))]
pub async fn sp_metadata(
    state: web::Data<EnterpriseState>, path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let config = store::find(&mut conn, path.into_inner())
        .await?
        .filter(|c| c.protocol == "saml")
        .ok_or_else(no_sso)?;
    let xml = saml::sp_metadata(&config, &state.settings.public_url).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().content_type("application/samlmetadata+xml").body(xml))
}

fn form_of(body: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// Takes the flow a state names, checking it belongs to this browser.
async fn take_flow(
    state: &EnterpriseState, req: &HttpRequest, flow_state: &str,
) -> Result<Option<SsoFlow>, ApiError> {
    if flow_state.is_empty() || flow_state.len() > 256 {
        return Ok(None);
    }
    let mut conn = state.pool.get().await?;
    let Some(flow) = store::take_flow(&mut conn, &sha256(flow_state.as_bytes())).await? else {
        return Ok(None);
    };
    let browser = req.cookie(BROWSER_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default();
    if !constant_time_eq(&sha256(browser.as_bytes()), &flow.browser_hash) {
        return Err(refused_as(
            ErrorCode::Unauthorized,
            "browser_mismatch",
            "error.enterprise.browser_mismatch",
        ));
    }
    Ok(Some(flow))
}

fn finish(answer: &Value, redirect_uri: Option<&str>) -> HttpResponse {
    match redirect_uri {
        Some(uri) => janua_core::redirect::with_fragment(uri, answer),
        None => HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(answer),
    }
}

/// The SAML message a form posts (`SAMLResponse`, `SAMLRequest`), decoded; `missing` makes
/// the answer when it is missing.
fn saml_message(
    form: &HashMap<String, String>, field: &str, missing: impl FnOnce() -> ApiError,
) -> Result<String, ApiError> {
    let encoded = form.get(field).filter(|m| !m.is_empty()).ok_or_else(missing)?;
    saml::decode(encoded).map_err(|t| refused(ErrorCode::ValidationError, "malformed", t))
}

/// How far the IdP's clock may be from ours.
fn clock_skew(state: &EnterpriseState) -> chrono::Duration {
    chrono::Duration::seconds(state.settings.sso.clock_skew_secs as i64)
}

fn saml_refusal(e: &SamlRefusal) -> ApiError {
    refused(ErrorCode::Unauthorized, e.reason(), e.text())
}

/// The SAML Assertion Consumer Service: the IdP's Response, posted by the browser
/// (`SAMLResponse`, `RelayState`), SP- or (where allowed) IdP-initiated.
///
/// Permissions: anyone (the signed assertion is the credential).
#[utoipa::path(post, path = "/api/v1/sso/saml/acs", tag = "SSO",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "SAMLResponse, RelayState"),
    responses((status = 200, body = Object, description = "the token pair (or the MFA challenge)"),
        (status = 302, description = "to the sign-in's redirect_uri, the answer in the fragment"),
        refusals::Invalid, (status = 401, body = janua_core::error::ErrorEnvelope),
        refusals::Forbidden))]
pub async fn acs(
    state: web::Data<EnterpriseState>, req: HttpRequest, meta: RequestMeta, body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let form = form_of(&body);
    let xml = saml_message(&form, "SAMLResponse", || ApiError::required("SAMLResponse"))?;
    let relay_state = form.get("RelayState").map(String::as_str).unwrap_or_default();
    let flow = take_flow(&state, &req, relay_state).await?;
    let public = state.settings.public_url.clone();
    let config = {
        let id = match &flow {
            Some(flow) => Some(flow.configuration_id),
            None => saml::hints(&xml).audience.and_then(|a| saml::config_of_entity_id(&public, &a)),
        };
        let mut conn = state.pool.get().await?;
        match id {
            Some(id) => store::find(&mut conn, id).await?,
            None => None,
        }
        .filter(|c| c.serves("saml"))
        .ok_or_else(|| {
            refused_as(
                ErrorCode::Unauthorized,
                "unknown_service_provider",
                "error.enterprise.saml_unknown_service_provider",
            )
        })?
    };
    let skew = clock_skew(&state);
    let request_id = flow.as_ref().and_then(|f| f.saml_request_id.as_deref());
    let login = match saml::verify(&config, &public, skew, &xml, request_id) {
        Ok(login) => login,
        Err(e) => {
            tracing::info!(reason = e.reason(), configuration_id = %config.id, "SAML response refused: {e}");
            record_failure(&state, &config, None, e.reason(), &meta).await;
            return Err(saml_refusal(&e));
        }
    };
    {
        let mut conn = state.pool.get().await?;
        if !store::use_assertion(&mut conn, config.id, &login.assertion_id, login.expires_at).await? {
            let e = SamlRefusal::Replayed;
            record_failure(&state, &config, None, e.reason(), &meta).await;
            return Err(saml_refusal(&e));
        }
    }
    let profile: Profile = sso_login::profile_from(
        &config.attribute_mapping,
        |name| login.attributes.get(name).cloned().unwrap_or_default(),
        &SAML_DEFAULTS,
        Some(&login.subject),
    );
    let outcome = sso_login::complete(&state, &config, &login.subject, &profile, "sso:saml", &meta).await?;
    if let Some(session) = outcome.session_id {
        let mut conn = state.pool.get().await?;
        store::record_saml_session(
            &mut conn,
            NewSamlSession {
                configuration_id: config.id,
                subject: &login.subject,
                session_index: login.session_index.as_deref(),
                session_id: session,
                user_id: outcome.user_id,
            },
        )
        .await?;
    }
    // IdP-initiated: a RelayState may name where to go, if it is allow-listed.
    let redirect = match &flow {
        Some(flow) => flow.redirect_uri.clone(),
        None => Some(relay_state.to_owned())
            .filter(|r| janua_core::redirect::allowed(&state.settings.sso.redirect_allowlist, r)),
    };
    Ok(finish(&outcome.answer, redirect.as_deref()))
}

/// SAML single logout: the IdP's signed LogoutRequest (POST binding) ends the Janua sessions
/// of that sign-in (its SessionIndex, or every one of the NameID), then the browser goes
/// back to the IdP with a LogoutResponse.
///
/// Permissions: anyone (the IdP's signature is the credential).
#[utoipa::path(post, path = "/api/v1/sso/saml/slo", tag = "SSO",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "SAMLRequest, RelayState"),
    responses((status = 200, description = "an auto-posting form with the LogoutResponse, or JSON when the IdP has no SLO URL"),
        refusals::Invalid, (status = 401, body = janua_core::error::ErrorEnvelope)))]
pub async fn slo(
    state: web::Data<EnterpriseState>, meta: RequestMeta, body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let form = form_of(&body);
    let xml = saml_message(&form, "SAMLRequest", || {
        ApiError::invalid("SAMLRequest", "error.enterprise.saml_request_required", vec![])
    })?;
    let issuer = saml::hints(&xml).issuer.unwrap_or_default();
    let configs = {
        let mut conn = state.pool.get().await?;
        store::list(&mut conn, None)
            .await?
            .into_iter()
            .filter(|c| c.serves("saml") && c.saml.entity_id.as_deref() == Some(issuer.as_str()))
            .collect::<Vec<_>>()
    };
    let skew = clock_skew(&state);
    let mut verified = None;
    let mut refusal = None;
    for config in &configs {
        match saml::verify_logout_request(config, &xml, &state.settings.public_url, skew, chrono::Utc::now())
        {
            Ok(request) => {
                verified = Some((config.clone(), request));
                break;
            }
            Err(e) => refusal = Some((config.clone(), e)),
        }
    }
    let Some((config, request)) = verified else {
        let (reason, text) = match &refusal {
            Some((
                _,
                e @ (saml::SamlRefusal::Audience(_)
                | saml::SamlRefusal::Expired(_)
                | saml::SamlRefusal::Malformed(_)),
            )) => (e.reason(), e.text()),
            _ => {
                ("signature_invalid", Text { key: "error.enterprise.logout_signature_invalid", args: vec![] })
            }
        };
        if let Some((config, _)) = &refusal {
            record_failure(&state, config, None, &format!("logout_{reason}"), &meta).await;
        }
        return Err(refused(ErrorCode::Unauthorized, reason, text));
    };
    // Each LogoutRequest works once.
    let first_use = {
        let mut conn = state.pool.get().await?;
        store::use_assertion(
            &mut conn,
            config.id,
            &format!("logout:{}", request.id),
            request.replayable_until,
        )
        .await?
    };
    if !first_use {
        record_failure(&state, &config, None, "logout_replayed", &meta).await;
        return Err(refused_as(ErrorCode::Unauthorized, "replayed", "error.enterprise.logout_replayed"));
    }
    let sessions = {
        let mut conn = state.pool.get().await?;
        store::take_saml_sessions(&mut conn, config.id, &request.name_id, request.session_index.as_deref())
            .await?
    };
    for (session, user) in &sessions {
        state.upstreams.revoke_session(*session, *user).await?;
    }
    {
        let mut conn = state.pool.get().await?;
        let user = sessions.first().map(|(_, u)| *u);
        janua_db::outbox::enqueue(
            &mut conn,
            &events::sso_signin(
                "sso.logged_out",
                &config,
                user,
                json!({ "sessions_ended": sessions.len() }),
                meta.clone().into(),
            ),
        )
        .await?;
    }
    let relay = form.get("RelayState").cloned().unwrap_or_default();
    match saml::logout_response(&config, &state.settings.public_url, &request.id) {
        Some((destination, response)) => {
            let mut fields = vec![("SAMLResponse", response.as_str())];
            if !relay.is_empty() {
                fields.push(("RelayState", relay.as_str()));
            }
            Ok(HttpResponse::Ok()
                .content_type("text/html; charset=utf-8")
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .body(saml::auto_post(&destination, &fields)))
        }
        None => Ok(HttpResponse::Ok().json(json!({ "sessions_ended": sessions.len() }))),
    }
}

fn open_secret(state: &EnterpriseState, config: &SsoConfiguration) -> Result<Option<String>, ApiError> {
    config
        .oidc
        .client_secret
        .as_deref()
        .map(|sealed| {
            state
                .sealer
                .open(sealed)
                .map_err(ApiError::internal)
                .and_then(|b| String::from_utf8(b).map_err(ApiError::internal))
        })
        .transpose()
}

fn provider_of(config: &SsoConfiguration, secret: Option<String>) -> Result<Provider<'_>, ApiError> {
    Ok(Provider {
        issuer: config.oidc.issuer.as_deref().ok_or_else(no_sso)?,
        client_id: config.oidc.client_id.as_deref().ok_or_else(no_sso)?,
        client_secret: secret,
        scopes: &config.oidc.scopes,
    })
}

fn oidc_error(e: OidcFailure) -> ApiError {
    let key = match &e {
        OidcFailure::Unavailable(m) => {
            tracing::warn!(error = %m, "OIDC provider unavailable");
            return ApiError::unavailable("the identity provider");
        }
        // The provider's or the OIDC library's own words: answered as they are.
        OidcFailure::Rejected(m) => {
            return ApiError::new(ErrorCode::Unauthorized, m.clone())
                .with_details(json!({ "reason": e.reason() }));
        }
        OidcFailure::NotAllowed => "error.enterprise.oidc_provider_not_allowed",
        OidcFailure::NonceMismatch => "error.enterprise.oidc_nonce_mismatch",
    };
    refused_as(ErrorCode::Unauthorized, e.reason(), key)
}

/// The OIDC callback (`response_mode=form_post`): the provider's `code` and `state` (or its
/// `error`), posted by the browser.
///
/// Permissions: anyone (the code, bound to this browser's flow and PKCE verifier, is the
/// credential).
#[utoipa::path(post, path = "/api/v1/sso/oidc/callback", tag = "SSO",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "code, state (or error)"),
    responses((status = 200, body = Object, description = "the token pair (or the MFA challenge)"),
        (status = 302, description = "to the sign-in's redirect_uri, the answer in the fragment"),
        refusals::Invalid, (status = 401, body = janua_core::error::ErrorEnvelope),
        refusals::Forbidden))]
pub async fn oidc_callback(
    state: web::Data<EnterpriseState>, req: HttpRequest, meta: RequestMeta, body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let form = form_of(&body);
    let flow_state = form.get("state").map(String::as_str).unwrap_or_default();
    let flow = take_flow(&state, &req, flow_state).await?.ok_or_else(|| {
        refused_as(ErrorCode::Unauthorized, "unknown_state", "error.enterprise.unknown_state")
    })?;
    let config = {
        let mut conn = state.pool.get().await?;
        store::find(&mut conn, flow.configuration_id)
            .await?
            .filter(|c| c.serves("oidc"))
            .ok_or_else(no_sso)?
    };
    if let Some(error) = form.get("error") {
        record_failure(&state, &config, None, "provider_error", &meta).await;
        return Err(refused(
            ErrorCode::Unauthorized,
            "provider_error",
            Text { key: "error.enterprise.provider_error", args: vec![("error", error.clone().into())] },
        ));
    }
    let code = form
        .get("code")
        .filter(|c| !c.is_empty() && c.len() <= 4096)
        .ok_or_else(|| ApiError::required("code"))?;
    let verifier = flow
        .pkce_verifier
        .as_deref()
        .map(|sealed| state.sealer.open(sealed))
        .transpose()
        .map_err(ApiError::internal)?
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| ApiError::internal("flow without a PKCE verifier"))?;
    let nonce = flow.oidc_nonce.clone().unwrap_or_default();
    let secret = open_secret(&state, &config)?;
    let provider = provider_of(&config, secret)?;
    let login = match state
        .discovery
        .sign_in(&provider, &oidc_callback_url(&state.settings.public_url), code, &verifier, &nonce)
        .await
    {
        Ok(login) => login,
        Err(e) => {
            let reason = e.reason();
            tracing::info!(reason, configuration_id = %config.id, "OIDC sign-in refused: {e}");
            record_failure(&state, &config, None, reason, &meta).await;
            return Err(oidc_error(e));
        }
    };
    let profile = sso_login::profile_from(
        &config.attribute_mapping,
        |name| claim_values(&login.claims, name),
        &OIDC_DEFAULTS,
        None,
    );
    let outcome = sso_login::complete(&state, &config, &login.subject, &profile, "sso:oidc", &meta).await?;
    Ok(finish(&outcome.answer, flow.redirect_uri.as_deref()))
}
