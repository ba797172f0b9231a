use crate::AuthState;
use actix_web::{HttpResponse, web};
use janua_tokens::jwks::KeySource;

/// The public keys that verify access tokens (RFC 7517), current and still-valid retired ones.
///
/// Permissions: anyone.
#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "Auth", responses((status = 200, body = Object)))]
pub async fn jwks(state: web::Data<AuthState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("cache-control", "public, max-age=60"))
        .json(state.keys.current().jwks())
}

/// The same key set under the Auth router.
///
/// Permissions: anyone.
#[utoipa::path(get, path = "/api/v1/auth/.well-known/jwks.json", tag = "Auth", responses((status = 200, body = Object)))]
pub async fn jwks_under_auth(state: web::Data<AuthState>) -> HttpResponse {
    jwks(state).await
}
