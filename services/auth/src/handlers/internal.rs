//! `/internal/v1` of auth: operations for operators and sibling services, guarded by the
//! shared service token and never routed by the gateway.

use crate::AuthState;
use actix_web::{HttpRequest, HttpResponse, web};
use janua_core::ApiError;
use janua_tokens::jwks::KeySource;
use secrecy::ExposeSecret;

fn require_service_token(req: &HttpRequest, state: &AuthState) -> Result<(), ApiError> {
    janua_core::http::require_service_token(req, state.settings.secrets.service_token.expose_secret())
}

/// Retires the current signing key now and starts a new one (e.g. after a suspected leak).
/// Tokens of the old key keep verifying for one access-token lifetime.
pub async fn rotate_keys(req: HttpRequest, state: web::Data<AuthState>) -> Result<HttpResponse, ApiError> {
    require_service_token(&req, &state)?;
    state.keys.reload(true).await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "signing_kid": state.keys.current().signing_kid() })))
}

/// Re-reads the keys from the database (after an operator changed them there).
pub async fn reload_keys(req: HttpRequest, state: web::Data<AuthState>) -> Result<HttpResponse, ApiError> {
    require_service_token(&req, &state)?;
    state.keys.reload(false).await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "signing_kid": state.keys.current().signing_kid() })))
}
