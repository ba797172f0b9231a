//! The `Authenticated` extractor: a handler that takes it cannot run for a request without a
//! valid, unrevoked access token. Every service uses it; none trusts a gateway header.

use crate::claims::Claims;
use crate::jwks::{KeySource, verify_with};
use crate::keys::TokenError;
use crate::revocation::RevocationSet;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures::future::LocalBoxFuture;
use janua_core::ApiError;
use std::sync::Arc;

/// Shared by a service's handlers through `app_data`.
#[derive(Clone)]
pub struct TokenGuard {
    pub keys: Arc<dyn KeySource>,
    pub revocations: RevocationSet,
    /// How recent a proven factor must be for [`Reauthenticated`] (`tokens.reauth_window_secs`).
    pub reauth_window_secs: i64,
}

impl TokenGuard {
    pub fn new(keys: Arc<dyn KeySource>, revocations: RevocationSet) -> Self {
        Self { keys, revocations, reauth_window_secs: 300 }
    }

    pub fn with_reauth_window(mut self, secs: i64) -> Self {
        self.reauth_window_secs = secs;
        self
    }

    /// Signature, algorithm, issuer, audience and expiry, without the revocation check (for
    /// callers that batch that check with other Redis work, as the gateway does).
    pub async fn verify_signature(&self, token: &str) -> Result<Claims, ApiError> {
        verify_with(self.keys.as_ref(), token).await.map_err(|e| ApiError::unauthorized(e.reason()))
    }

    /// Signature, expiry and revocation; does not look at the scope.
    pub async fn check(&self, token: &str) -> Result<Claims, ApiError> {
        let claims = self.verify_signature(token).await?;
        if self.revocations.is_revoked(claims.sub, claims.sid).await? {
            return Err(ApiError::unauthorized(TokenError::Revoked.reason()));
        }
        Ok(claims)
    }
}

pub fn bearer(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(actix_web::http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim()).filter(|t| !t.is_empty())
}

/// A caller with a full access token.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Claims);

impl Authenticated {
    pub fn user_id(&self) -> uuid::Uuid {
        self.0.sub
    }
    pub fn session_id(&self) -> uuid::Uuid {
        self.0.sid
    }
    pub fn is_admin(&self) -> bool {
        self.0.is_admin()
    }

    /// `user_id` if it is the caller's own or the caller is a platform admin; anyone else gets
    /// 404, as if the user did not exist.
    pub fn own_or_admin(&self, user_id: uuid::Uuid) -> Result<uuid::Uuid, ApiError> {
        if user_id == self.user_id() || self.is_admin() { Ok(user_id) } else { Err(ApiError::not_found()) }
    }
}

/// The verified, unrevoked claims of the request's bearer token, whatever its scope: the one
/// check behind every token extractor.
pub fn verified_claims(req: &HttpRequest) -> LocalBoxFuture<'static, Result<Claims, ApiError>> {
    let guard = req.app_data::<web::Data<TokenGuard>>().cloned();
    let token = bearer(req).map(str::to_owned);
    let req = req.clone();
    Box::pin(async move {
        let guard = guard.ok_or_else(|| ApiError::internal("TokenGuard is not configured"))?;
        let token = token.ok_or_else(|| ApiError::unauthorized("token_missing"))?;
        let claims = guard.check(&token).await?;
        // Who the request is from, for the access log.
        actix_web::HttpMessage::extensions_mut(&req).insert(janua_core::http::Principal(claims.sub));
        Ok(claims)
    })
}

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let claims = verified_claims(req);
        Box::pin(async move {
            let claims = claims.await?;
            if claims.scope.is_some() {
                return Err(ApiError::unauthorized(TokenError::WrongScope.reason()));
            }
            Ok(Authenticated(claims))
        })
    }
}

/// A caller who proved a factor (password, passkey, TOTP; a sign-in counts) within
/// `tokens.reauth_window_secs`, as the token's `auth_time` says. Sensitive changes take this
/// instead of [`Authenticated`]: a stolen or refreshed access token alone cannot make them.
/// Refused with 401 `reauthentication_required`; `POST /api/v1/auth/reauthenticate` renews
/// the proof.
#[derive(Debug, Clone)]
pub struct Reauthenticated(pub Authenticated);

impl Reauthenticated {
    pub fn user_id(&self) -> uuid::Uuid {
        self.0.user_id()
    }
    pub fn session_id(&self) -> uuid::Uuid {
        self.0.session_id()
    }
}

/// Whether the claims prove a factor within the guard's window.
pub fn recently_authenticated(guard: &TokenGuard, claims: &Claims) -> bool {
    claims.authenticated_within(guard.reauth_window_secs, chrono::Utc::now().timestamp())
}

pub fn reauthentication_required() -> ApiError {
    ApiError::unauthorized("reauthentication_required")
}

impl FromRequest for Reauthenticated {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let guard = req.app_data::<web::Data<TokenGuard>>().cloned();
        let authenticated = Authenticated::from_request(req, payload);
        Box::pin(async move {
            let auth = authenticated.await?;
            let guard = guard.ok_or_else(|| ApiError::internal("TokenGuard is not configured"))?;
            if !recently_authenticated(&guard, &auth.0) {
                return Err(reauthentication_required());
            }
            Ok(Reauthenticated(auth))
        })
    }
}
