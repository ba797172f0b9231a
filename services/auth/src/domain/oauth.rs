//! Social sign-in providers as OAuth 2.0 clients: OpenID Connect (openidconnect: discovery,
//! JWKS, signed ID tokens, nonce) for Google and Microsoft, plain OAuth 2.0 (oauth2) with a
//! user-info call for GitHub, Discord and X. Every flow uses PKCE (S256).

use janua_core::ApiError;
use janua_core::config::{OAuthProviderSettings, OAuthSettings};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthUrl, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, IssuerUrl,
    JsonWebKeySet, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    TokenUrl,
};
use secrecy::ExposeSecret;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use url::Url;

/// How long discovery documents and their keys are trusted before they are fetched again
/// (a key the cache does not know triggers a fetch at once).
const DISCOVERY_TTL: Duration = Duration::from_secs(3600);
/// Largest provider answer read (discovery, keys, tokens, user info).
const MAX_BODY: usize = 256 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProviderKind {
    Google,
    Github,
    Microsoft,
    Discord,
    Twitter,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 5] = [
        ProviderKind::Google,
        ProviderKind::Github,
        ProviderKind::Microsoft,
        ProviderKind::Discord,
        ProviderKind::Twitter,
    ];

    pub fn parse(name: &str) -> Option<ProviderKind> {
        ProviderKind::ALL.into_iter().find(|k| k.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            ProviderKind::Google => "google",
            ProviderKind::Github => "github",
            ProviderKind::Microsoft => "microsoft",
            ProviderKind::Discord => "discord",
            ProviderKind::Twitter => "twitter",
        }
    }

    fn settings(self, all: &OAuthSettings) -> &OAuthProviderSettings {
        match self {
            ProviderKind::Google => &all.google,
            ProviderKind::Github => &all.github,
            ProviderKind::Microsoft => &all.microsoft,
            ProviderKind::Discord => &all.discord,
            ProviderKind::Twitter => &all.twitter,
        }
    }

    fn default_scopes(self) -> &'static str {
        match self {
            ProviderKind::Google | ProviderKind::Microsoft => "openid email profile",
            ProviderKind::Github => "read:user user:email",
            ProviderKind::Discord => "identify email",
            ProviderKind::Twitter => "users.read tweet.read users.email",
        }
    }
}

// Built once per provider at start-up; the size difference does not matter.
#[allow(clippy::large_enum_variant)]
enum Endpoints {
    Oidc { issuer: String },
    OAuth2 { authorize: AuthUrl, token: TokenUrl, userinfo: Url },
}

pub struct Provider {
    pub kind: ProviderKind,
    client_id: ClientId,
    client_secret: Option<ClientSecret>,
    endpoints: Endpoints,
    scopes: Vec<String>,
}

/// Who the provider says signed in.
#[derive(Debug, Clone)]
pub struct ProviderIdentity {
    /// The provider's stable id of the account (never the email).
    pub subject: String,
    pub email: Option<String>,
    /// Only true when the provider vouches that the account holder controls the address.
    pub email_verified: bool,
    pub name: Option<String>,
    pub avatar_url: Option<String>,
}

#[derive(Debug)]
pub enum OAuthFailure {
    /// The ID token's nonce is not the one this flow sent.
    NonceMismatch,
    /// The provider refused the code, or answered something that does not verify.
    Rejected(String),
    /// The provider could not be reached.
    Unavailable(String),
    /// The provider's address (or one its discovery document names) is refused by the
    /// outbound guard (`outbound.allowed_networks`).
    NotAllowed,
}

impl OAuthFailure {
    pub fn reason(&self) -> &'static str {
        match self {
            OAuthFailure::NonceMismatch => "nonce_mismatch",
            OAuthFailure::Rejected(_) => "provider_rejected",
            OAuthFailure::Unavailable(_) => "provider_unavailable",
            OAuthFailure::NotAllowed => "provider_not_allowed",
        }
    }
}

impl From<OAuthFailure> for ApiError {
    fn from(f: OAuthFailure) -> Self {
        match f {
            OAuthFailure::Unavailable(what) => {
                tracing::warn!(%what, "OAuth provider unreachable");
                ApiError::unavailable("the sign-in provider")
            }
            OAuthFailure::NotAllowed => {
                tracing::warn!("an OAuth provider's address is refused by the outbound guard");
                ApiError::unavailable("the sign-in provider")
                    .with_details(serde_json::json!({ "reason": "provider_not_allowed" }))
            }
            other => ApiError::keyed(
                janua_core::ErrorCode::InvalidCredentials,
                "error.auth.provider_answer_refused",
                vec![],
            )
            .with_details(serde_json::json!({ "reason": other.reason() })),
        }
    }
}

type Metadata = Arc<CoreProviderMetadata>;

pub struct OAuthProviders {
    providers: HashMap<ProviderKind, Provider>,
    /// The guarded outbound client, without redirects: OAuth answers are never followed
    /// elsewhere (RFC 9700 section 4.11).
    http: janua_core::outbound::Outbound,
    discovered: Mutex<HashMap<ProviderKind, (Instant, Metadata)>>,
}

impl OAuthProviders {
    pub fn from_settings(
        settings: &OAuthSettings, http: janua_core::outbound::Outbound,
    ) -> anyhow::Result<OAuthProviders> {
        let mut providers = HashMap::new();
        for kind in ProviderKind::ALL {
            let s = kind.settings(settings);
            let Some(client_id) = s.client_id.clone().filter(|c| !c.is_empty()) else {
                continue;
            };
            let endpoints = match (&s.issuer, &s.authorize_url, &s.token_url, &s.userinfo_url) {
                (Some(issuer), _, _, _) if !issuer.is_empty() => {
                    Endpoints::Oidc { issuer: issuer.trim_end_matches('/').to_string() }
                }
                (_, Some(a), Some(t), Some(u)) => Endpoints::OAuth2 {
                    authorize: AuthUrl::new(a.clone())?,
                    token: TokenUrl::new(t.clone())?,
                    userinfo: Url::parse(u)?,
                },
                _ => anyhow::bail!(
                    "oauth.{}: set issuer, or authorize_url, token_url and userinfo_url",
                    kind.name()
                ),
            };
            let scopes = s
                .scopes
                .as_deref()
                .unwrap_or(kind.default_scopes())
                .split_whitespace()
                .map(str::to_string)
                .collect();
            providers.insert(
                kind,
                Provider {
                    kind,
                    client_id: ClientId::new(client_id),
                    client_secret: s
                        .client_secret
                        .as_ref()
                        .map(|c| ClientSecret::new(c.expose_secret().to_string())),
                    endpoints,
                    scopes,
                },
            );
        }
        Ok(OAuthProviders { providers, http, discovered: Mutex::new(HashMap::new()) })
    }

    /// The provider by its route name, if it is configured.
    pub fn get(&self, name: &str) -> Option<&Provider> {
        ProviderKind::parse(name).and_then(|k| self.providers.get(&k))
    }

    pub fn enabled(&self) -> Vec<&'static str> {
        ProviderKind::ALL
            .into_iter()
            .filter(|k| self.providers.contains_key(k))
            .map(ProviderKind::name)
            .collect()
    }

    /// Where to send the browser: the provider's consent page for this flow.
    pub async fn authorization_url(
        &self, provider: &Provider, callback: &RedirectUrl, state: &str, nonce: &str, verifier: &str,
    ) -> Result<Url, OAuthFailure> {
        let challenge =
            PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(verifier.to_string()));
        let scopes = provider.scopes.iter().map(|s| Scope::new(s.clone()));
        let (state, nonce) = (state.to_string(), nonce.to_string());
        match &provider.endpoints {
            Endpoints::Oidc { issuer } => {
                let metadata = self.metadata(provider.kind, issuer, false).await?;
                let client = self.oidc_client(provider, &metadata, callback);
                let (url, _, _) = client
                    .authorize_url(
                        CoreAuthenticationFlow::AuthorizationCode,
                        move || CsrfToken::new(state),
                        move || Nonce::new(nonce),
                    )
                    .add_scopes(scopes)
                    .set_pkce_challenge(challenge)
                    .url();
                Ok(url)
            }
            Endpoints::OAuth2 { authorize, token, .. } => {
                let client = oauth2::basic::BasicClient::new(provider.client_id.clone())
                    .set_auth_uri(authorize.clone())
                    .set_token_uri(token.clone())
                    .set_redirect_uri(callback.clone());
                let (url, _) = client
                    .authorize_url(move || CsrfToken::new(state))
                    .add_scopes(scopes)
                    .set_pkce_challenge(challenge)
                    .url();
                Ok(url)
            }
        }
    }

    /// Trades the code (with the PKCE verifier) for tokens and says who signed in: from the
    /// verified ID token (signature, issuer, audience, expiry, nonce) together with the
    /// UserInfo endpoint's claims (OpenID Connect Core 5.3, 5.4: claims requested by scope may
    /// be returned only there), or from a plain OAuth 2.0 provider's user-info API.
    pub async fn identify(
        &self, provider: &Provider, callback: &RedirectUrl, code: &str, verifier: &str, nonce: &str,
    ) -> Result<ProviderIdentity, OAuthFailure> {
        let http = |req| self.http.oauth(req, MAX_BODY);
        let code = AuthorizationCode::new(code.to_string());
        let verifier = PkceCodeVerifier::new(verifier.to_string());
        match &provider.endpoints {
            Endpoints::Oidc { issuer } => {
                let metadata = self.metadata(provider.kind, issuer, false).await?;
                let client = self.oidc_client(provider, &metadata, callback);
                let tokens = client
                    .exchange_code(code)
                    .map_err(|e| OAuthFailure::Rejected(e.to_string()))?
                    .set_pkce_verifier(verifier)
                    .request_async(&http)
                    .await
                    .map_err(token_error)?;
                let id_token = openidconnect::TokenResponse::id_token(&tokens)
                    .ok_or_else(|| OAuthFailure::Rejected("no id_token in the token response".into()))?;
                let nonce = Nonce::new(nonce.to_string());
                let claims = match self.verify(provider, &client, id_token, &nonce, issuer) {
                    Err(ClaimsVerificationError::SignatureVerification(_)) => {
                        // Perhaps the provider rotated its keys: fetch them once more.
                        let fresh = self.metadata(provider.kind, issuer, true).await?;
                        let client = self.oidc_client(provider, &fresh, callback);
                        self.verify(provider, &client, id_token, &nonce, issuer)
                    }
                    other => other,
                }
                .map_err(|e| match e {
                    ClaimsVerificationError::InvalidNonce(_) => OAuthFailure::NonceMismatch,
                    other => OAuthFailure::Rejected(format!("{other:?}")),
                })?;
                let userinfo = match metadata.userinfo_endpoint() {
                    Some(endpoint) => {
                        let access = openidconnect::OAuth2TokenResponse::access_token(&tokens).secret();
                        Some(self.get_json(endpoint.url().as_str(), Some(access)).await?)
                    }
                    None => None,
                };
                let claims = janua_core::oauth_http::with_userinfo(claims, userinfo)
                    .map_err(OAuthFailure::Rejected)?;
                Ok(oidc_identity(provider.kind, &claims))
            }
            Endpoints::OAuth2 { authorize, token, userinfo } => {
                let client = oauth2::basic::BasicClient::new(provider.client_id.clone())
                    .set_auth_uri(authorize.clone())
                    .set_token_uri(token.clone())
                    .set_redirect_uri(callback.clone());
                let client = match &provider.client_secret {
                    Some(secret) => client.set_client_secret(secret.clone()),
                    None => client,
                };
                let tokens = client
                    .exchange_code(code)
                    .set_pkce_verifier(verifier)
                    .request_async(&http)
                    .await
                    .map_err(token_error)?;
                let access = tokens.access_token().secret();
                self.user_info(provider.kind, userinfo, access).await
            }
        }
    }

    fn verify(
        &self, provider: &Provider, client: &OidcClient, id_token: &openidconnect::core::CoreIdToken,
        nonce: &Nonce, issuer: &str,
    ) -> Result<Value, ClaimsVerificationError> {
        let tenant_template = multi_tenant(provider.kind, issuer);
        let verifier = client.id_token_verifier().require_issuer_match(!tenant_template);
        let claims = id_token.claims(&verifier, nonce)?;
        let value = serde_json::to_value(claims)
            .map_err(|e| ClaimsVerificationError::Other(format!("claims: {e}")))?;
        if tenant_template {
            // Microsoft's common endpoint: the issuer names the user's tenant.
            let tid = value.get("tid").and_then(Value::as_str).unwrap_or_default();
            let expected = format!("https://login.microsoftonline.com/{tid}/v2.0");
            if tid.is_empty() || value.get("iss").and_then(Value::as_str) != Some(expected.as_str()) {
                return Err(ClaimsVerificationError::InvalidIssuer("issuer does not match tid".into()));
            }
        }
        // Claims outside the standard set (tid, xms_edov) ride along in the raw payload.
        let extra = janua_core::oauth_http::raw_claims(&id_token.to_string());
        let mut merged = extra;
        if let (Some(m), Value::Object(v)) = (merged.as_object_mut(), value) {
            m.extend(v);
        }
        Ok(merged)
    }

    fn oidc_client(
        &self, provider: &Provider, metadata: &CoreProviderMetadata, callback: &RedirectUrl,
    ) -> OidcClient {
        CoreClient::from_provider_metadata(
            metadata.clone(),
            provider.client_id.clone(),
            provider.client_secret.clone(),
        )
        .set_redirect_uri(callback.clone())
    }

    /// The discovery document and keys, cached for an hour (or fetched now with `refresh`).
    async fn metadata(
        &self, kind: ProviderKind, issuer: &str, refresh: bool,
    ) -> Result<Metadata, OAuthFailure> {
        if !refresh
            && let Some((at, m)) = self.discovered.lock().expect("discovery cache").get(&kind)
            && at.elapsed() < DISCOVERY_TTL
        {
            return Ok(m.clone());
        }
        let url = format!("{issuer}/.well-known/openid-configuration");
        let doc: Value = self.get_json(&url, None).await?;
        let announced = doc.get("issuer").and_then(Value::as_str).unwrap_or_default();
        let issuer_ok = match multi_tenant(kind, issuer) {
            true => announced.starts_with("https://login.microsoftonline.com/"),
            false => announced.trim_end_matches('/') == issuer,
        };
        if !issuer_ok {
            return Err(OAuthFailure::Rejected(format!("discovery at {url} announces issuer {announced:?}")));
        }
        let mut metadata: CoreProviderMetadata = serde_json::from_value(doc)
            .map_err(|e| OAuthFailure::Rejected(format!("discovery document: {e}")))?;
        let jwks_url = metadata.jwks_uri().url().to_string();
        let jwks: JsonWebKeySet<openidconnect::core::CoreJsonWebKey> =
            serde_json::from_value(self.get_json(&jwks_url, None).await?)
                .map_err(|e| OAuthFailure::Rejected(format!("JWKS: {e}")))?;
        metadata = metadata.set_jwks(jwks);
        if multi_tenant(kind, issuer) {
            // Keep the configured issuer so that the client's own checks line up.
            metadata = metadata.set_issuer(
                IssuerUrl::new(issuer.to_string()).map_err(|e| OAuthFailure::Rejected(e.to_string()))?,
            );
        }
        let metadata = Arc::new(metadata);
        self.discovered.lock().expect("discovery cache").insert(kind, (Instant::now(), metadata.clone()));
        Ok(metadata)
    }

    async fn get_json(&self, url: &str, bearer: Option<&str>) -> Result<Value, OAuthFailure> {
        use janua_core::outbound::OutboundError;
        self.http.get_json(url, bearer, MAX_BODY).await.map_err(|e| match e {
            OutboundError::NotAllowed => OAuthFailure::NotAllowed,
            OutboundError::Unreachable(detail) => OAuthFailure::Unavailable(detail),
            other => OAuthFailure::Rejected(other.log()),
        })
    }

    async fn user_info(
        &self, kind: ProviderKind, url: &Url, access: &str,
    ) -> Result<ProviderIdentity, OAuthFailure> {
        let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        match kind {
            ProviderKind::Github => {
                let user = self.get_json(url.as_str(), Some(access)).await?;
                let subject = user
                    .get("id")
                    .and_then(Value::as_i64)
                    .ok_or_else(|| OAuthFailure::Rejected("GitHub user without id".into()))?;
                // The profile email may be unverified; /user/emails says which are.
                let emails = self
                    .get_json(&format!("{}/emails", url.as_str().trim_end_matches('/')), Some(access))
                    .await?;
                let primary = emails
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|e| e.get("primary").and_then(Value::as_bool) == Some(true));
                Ok(ProviderIdentity {
                    subject: subject.to_string(),
                    email: primary.and_then(|e| text(e, "email")),
                    email_verified: primary.and_then(|e| e.get("verified")).and_then(Value::as_bool)
                        == Some(true),
                    name: text(&user, "name").or_else(|| text(&user, "login")),
                    avatar_url: text(&user, "avatar_url"),
                })
            }
            ProviderKind::Discord => {
                let user = self.get_json(url.as_str(), Some(access)).await?;
                let subject = text(&user, "id")
                    .ok_or_else(|| OAuthFailure::Rejected("Discord user without id".into()))?;
                let avatar = text(&user, "avatar")
                    .map(|a| format!("https://cdn.discordapp.com/avatars/{subject}/{a}.png"));
                Ok(ProviderIdentity {
                    email: text(&user, "email"),
                    email_verified: user.get("verified").and_then(Value::as_bool) == Some(true),
                    name: text(&user, "global_name").or_else(|| text(&user, "username")),
                    avatar_url: avatar,
                    subject,
                })
            }
            ProviderKind::Twitter | ProviderKind::Google | ProviderKind::Microsoft => {
                let mut url = url.clone();
                if kind == ProviderKind::Twitter {
                    url.query_pairs_mut().append_pair("user.fields", "profile_image_url,confirmed_email");
                }
                let body = self.get_json(url.as_str(), Some(access)).await?;
                let user = body.get("data").cloned().unwrap_or(body);
                let subject = text(&user, "id")
                    .or_else(|| text(&user, "sub"))
                    .ok_or_else(|| OAuthFailure::Rejected("user info without id".into()))?;
                // X shares an address only once its owner confirmed it.
                let confirmed = text(&user, "confirmed_email");
                let email = confirmed.clone().or_else(|| text(&user, "email"));
                Ok(ProviderIdentity {
                    email_verified: confirmed.is_some()
                        || user.get("email_verified").and_then(Value::as_bool) == Some(true),
                    email,
                    name: text(&user, "name").or_else(|| text(&user, "username")),
                    avatar_url: text(&user, "profile_image_url").or_else(|| text(&user, "picture")),
                    subject,
                })
            }
        }
    }
}

type OidcClient = openidconnect::core::CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// For Microsoft's `common`, `organizations` and `consumers` endpoints the ID token's issuer
/// is the user's tenant, not the configured URL.
fn multi_tenant(kind: ProviderKind, issuer: &str) -> bool {
    kind == ProviderKind::Microsoft
        && ["/common/", "/organizations/", "/consumers/"].iter().any(|t| issuer.contains(t))
}

fn oidc_identity(kind: ProviderKind, claims: &Value) -> ProviderIdentity {
    let text = |k: &str| claims.get(k).and_then(Value::as_str).map(str::to_string);
    let flag = |k: &str| claims.get(k).and_then(Value::as_bool) == Some(true);
    let email_verified = match kind {
        // Entra ID lets tenant admins set any address, unverified (the "nOAuth" takeover):
        // only `xms_edov` (email domain owner verified) vouches for it.
        ProviderKind::Microsoft => flag("xms_edov"),
        _ => flag("email_verified"),
    };
    let name = claims.get("name").and_then(|n| {
        n.as_str()
            .map(str::to_string)
            .or_else(|| n.as_object()?.values().next()?.as_str().map(str::to_string))
    });
    let picture = claims.get("picture").and_then(|n| {
        n.as_str()
            .map(str::to_string)
            .or_else(|| n.as_object()?.values().next()?.as_str().map(str::to_string))
    });
    ProviderIdentity {
        subject: text("sub").unwrap_or_default(),
        email: text("email")
            .or_else(|| if kind == ProviderKind::Microsoft { text("preferred_username") } else { None }),
        email_verified,
        name,
        avatar_url: picture,
    }
}

fn token_error<E: std::error::Error + 'static>(
    e: oauth2::RequestTokenError<E, oauth2::basic::BasicErrorResponse>,
) -> OAuthFailure {
    match e {
        oauth2::RequestTokenError::Request(e) if janua_core::outbound::is_refusal(&e) => {
            OAuthFailure::NotAllowed
        }
        oauth2::RequestTokenError::Request(e) => OAuthFailure::Unavailable(e.to_string()),
        other => OAuthFailure::Rejected(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn microsoft_emails_count_as_verified_only_with_xms_edov() {
        let plain = serde_json::json!({"sub": "s", "email": "a@b.c", "email_verified": true});
        assert!(!oidc_identity(ProviderKind::Microsoft, &plain).email_verified);
        let edov = serde_json::json!({"sub": "s", "email": "a@b.c", "xms_edov": true});
        assert!(oidc_identity(ProviderKind::Microsoft, &edov).email_verified);
        assert!(oidc_identity(ProviderKind::Google, &plain).email_verified);
    }

    #[test]
    fn providers_without_a_client_id_are_off() {
        let outbound = janua_core::outbound::Outbound::from_settings(&Default::default(), "", 0).unwrap();
        let providers = OAuthProviders::from_settings(&OAuthSettings::default(), outbound).unwrap();
        assert!(providers.enabled().is_empty());
        assert!(providers.get("google").is_none());
        assert!(providers.get("myspace").is_none());
    }
}
