//! Janua as an OpenID Connect Relying Party of an organization's provider (openidconnect):
//! discovery, authorization code + PKCE (S256) with `response_mode=form_post` (the callback is
//! `POST /api/v1/sso/oidc/callback`), state and nonce, and the ID token checked for signature
//! (JWKS cached per issuer, fetched again when a token names an unknown key: rotation),
//! issuer, audience, expiry and nonce.

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, IssuerUrl, JsonWebKeySet,
    Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use url::Url;

/// How long a discovery document and its keys are trusted before they are fetched again.
const DISCOVERY_TTL: Duration = Duration::from_secs(3600);
/// Largest provider answer read (discovery, keys, tokens).
const MAX_BODY: usize = 256 * 1024;

type Metadata = Arc<CoreProviderMetadata>;

type Client = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// Why an OIDC sign-in failed. What is said of the provider's side is generic: the detail
/// goes to the log, never to the caller (an address someone names must not become a probe).
#[derive(Debug, thiserror::Error)]
pub enum OidcFailure {
    /// The provider's address (or one its discovery document names) is not allowed.
    #[error("the identity provider's address is not allowed")]
    NotAllowed,
    /// The provider could not be reached or answered a server error: try again later.
    #[error("the identity provider is unavailable: {0}")]
    Unavailable(String),
    /// The provider's answer (or the ID token) does not pass the checks.
    #[error("the identity provider's answer was refused: {0}")]
    Rejected(String),
    #[error("the ID token's nonce does not match this sign-in")]
    NonceMismatch,
}

impl OidcFailure {
    /// The short reason recorded in events and answered in `details.reason`.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::NotAllowed => "provider_not_allowed",
            Self::Unavailable(_) => "provider_unavailable",
            Self::Rejected(_) => "id_token_refused",
            Self::NonceMismatch => "nonce_mismatch",
        }
    }
}

/// One provider's connection details, from an SSO configuration.
pub struct Provider<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub client_secret: Option<String>,
    pub scopes: &'a [String],
}

#[derive(Clone)]
pub struct Discovery {
    http: janua_core::outbound::Outbound,
    cache: Arc<Mutex<HashMap<String, (Instant, Metadata)>>>,
}

/// Who signed in, from a verified ID token.
#[derive(Debug, Clone)]
pub struct OidcLogin {
    pub subject: String,
    pub claims: Value,
}

impl Discovery {
    pub fn new(http: janua_core::outbound::Outbound) -> Self {
        Discovery { http, cache: Arc::default() }
    }

    /// The authorization URL (code flow, PKCE S256, form_post) for a new sign-in.
    pub async fn authorize_url(
        &self, provider: &Provider<'_>, callback: &str, state: &str, nonce: &str, verifier: &str,
    ) -> Result<Url, OidcFailure> {
        let metadata = self.metadata(provider.issuer, false).await?;
        let client = client(provider, &metadata, callback)?;
        let challenge =
            PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(verifier.to_owned()));
        let (state, nonce) = (state.to_owned(), nonce.to_owned());
        let (url, _, _) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                move || CsrfToken::new(state),
                move || Nonce::new(nonce),
            )
            .add_scopes(provider.scopes.iter().filter(|s| *s != "openid").map(|s| Scope::new(s.clone())))
            .add_extra_param("response_mode", "form_post")
            .set_pkce_challenge(challenge)
            .url();
        Ok(url)
    }

    /// Trades the code (with the PKCE verifier) for tokens and verifies the ID token.
    pub async fn sign_in(
        &self, provider: &Provider<'_>, callback: &str, code: &str, verifier: &str, nonce: &str,
    ) -> Result<OidcLogin, OidcFailure> {
        let metadata = self.metadata(provider.issuer, false).await?;
        let client = client(provider, &metadata, callback)?;
        let http = |req| self.http.oauth(req, MAX_BODY);
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| OidcFailure::Rejected(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_owned()))
            .request_async(&http)
            .await
            .map_err(token_error)?;
        let id_token = openidconnect::TokenResponse::id_token(&tokens)
            .ok_or_else(|| OidcFailure::Rejected("no id_token in the token response".into()))?;
        let nonce = Nonce::new(nonce.to_owned());
        let mut metadata = metadata;
        let verified = match verify(&client, id_token, &nonce) {
            Err(ClaimsVerificationError::SignatureVerification(_)) => {
                // Perhaps the provider rotated its keys: fetch them once more.
                metadata = self.metadata(provider.issuer, true).await?;
                let client = self::client(provider, &metadata, callback)?;
                verify(&client, id_token, &nonce)
            }
            other => other,
        }
        .map_err(|e| match e {
            ClaimsVerificationError::InvalidNonce(_) => OidcFailure::NonceMismatch,
            other => OidcFailure::Rejected(format!("ID token: {other}")),
        })?;
        // Claims requested by scope may come only from UserInfo (Core 5.3, 5.4).
        let userinfo = match metadata.userinfo_endpoint() {
            Some(endpoint) => {
                let access = openidconnect::OAuth2TokenResponse::access_token(&tokens).secret();
                Some(self.get_json_as(endpoint.url().as_str(), Some(access)).await?)
            }
            None => None,
        };
        let verified =
            janua_core::oauth_http::with_userinfo(verified, userinfo).map_err(OidcFailure::Rejected)?;
        let subject = verified["sub"]
            .as_str()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| OidcFailure::Rejected("ID token without sub".into()))?
            .to_owned();
        Ok(OidcLogin { subject, claims: verified })
    }

    /// The discovery document with its keys, cached for an hour (or fetched now).
    async fn metadata(&self, issuer: &str, refresh: bool) -> Result<Metadata, OidcFailure> {
        let issuer = issuer.trim_end_matches('/');
        if !refresh
            && let Some((at, m)) = self.cache.lock().expect("discovery cache").get(issuer)
            && at.elapsed() < DISCOVERY_TTL
        {
            return Ok(m.clone());
        }
        let url = format!("{issuer}/.well-known/openid-configuration");
        let doc = self.get_json(&url).await?;
        let announced = doc.get("issuer").and_then(Value::as_str).unwrap_or_default();
        if announced.trim_end_matches('/') != issuer {
            return Err(OidcFailure::Rejected(format!("discovery at {url} announces issuer {announced:?}")));
        }
        let mut metadata: CoreProviderMetadata = serde_json::from_value(doc)
            .map_err(|e| OidcFailure::Rejected(format!("discovery document: {e}")))?;
        let jwks_url = metadata.jwks_uri().url().to_string();
        let jwks: JsonWebKeySet<openidconnect::core::CoreJsonWebKey> =
            serde_json::from_value(self.get_json(&jwks_url).await?)
                .map_err(|e| OidcFailure::Rejected(format!("JWKS: {e}")))?;
        metadata = metadata.set_jwks(jwks);
        let metadata = Arc::new(metadata);
        self.cache
            .lock()
            .expect("discovery cache")
            .insert(issuer.to_owned(), (Instant::now(), metadata.clone()));
        Ok(metadata)
    }

    /// Checks that an issuer answers discovery (when a configuration is saved).
    pub async fn check(&self, issuer: &str) -> Result<(), OidcFailure> {
        self.metadata(issuer, true).await.map(|_| ())
    }

    async fn get_json(&self, url: &str) -> Result<Value, OidcFailure> {
        self.get_json_as(url, None).await
    }

    /// A JSON document, with the access token as a bearer when given (UserInfo).
    async fn get_json_as(&self, url: &str, bearer: Option<&str>) -> Result<Value, OidcFailure> {
        use janua_core::outbound::OutboundError;
        self.http.get_json(url, bearer, MAX_BODY).await.map_err(|e| {
            tracing::warn!(error = %e.log(), "an OIDC provider's document could not be used");
            match e {
                OutboundError::NotAllowed => OidcFailure::NotAllowed,
                OutboundError::Unreachable(_) => {
                    OidcFailure::Unavailable("the provider could not be reached".into())
                }
                OutboundError::BadUrl | OutboundError::Invalid(_) => {
                    OidcFailure::Rejected("the provider's document is invalid".into())
                }
            }
        })
    }
}

fn client(
    provider: &Provider<'_>, metadata: &CoreProviderMetadata, callback: &str,
) -> Result<Client, OidcFailure> {
    let redirect = RedirectUrl::new(callback.to_owned()).map_err(|e| OidcFailure::Rejected(e.to_string()))?;
    let _ = IssuerUrl::new(provider.issuer.to_owned()).map_err(|e| OidcFailure::Rejected(e.to_string()))?;
    Ok(CoreClient::from_provider_metadata(
        metadata.clone(),
        ClientId::new(provider.client_id.to_owned()),
        provider.client_secret.clone().map(ClientSecret::new),
    )
    .set_redirect_uri(redirect))
}

fn verify(
    client: &Client, id_token: &openidconnect::core::CoreIdToken, nonce: &Nonce,
) -> Result<Value, ClaimsVerificationError> {
    let verifier = client.id_token_verifier();
    let claims = id_token.claims(&verifier, nonce)?;
    let standard =
        serde_json::to_value(claims).map_err(|e| ClaimsVerificationError::Other(format!("claims: {e}")))?;
    // Claims outside the standard set (groups) ride along in the verified payload.
    let mut merged = janua_core::oauth_http::raw_claims(&id_token.to_string());
    if let (Some(m), Value::Object(v)) = (merged.as_object_mut(), standard) {
        m.extend(v);
    }
    Ok(merged)
}

fn token_error<E: std::error::Error + 'static>(
    e: oauth2::RequestTokenError<E, oauth2::basic::BasicErrorResponse>,
) -> OidcFailure {
    tracing::warn!(error = %e, "an OIDC provider's token endpoint refused or failed");
    match e {
        oauth2::RequestTokenError::Request(e) if janua_core::outbound::is_refusal(&e) => {
            OidcFailure::NotAllowed
        }
        oauth2::RequestTokenError::Request(_) => {
            OidcFailure::Unavailable("the token endpoint could not be reached".into())
        }
        oauth2::RequestTokenError::ServerResponse(r) => {
            OidcFailure::Rejected(format!("the token endpoint refused the code ({})", r.error()))
        }
        _ => OidcFailure::Rejected("the token endpoint's answer is invalid".into()),
    }
}
