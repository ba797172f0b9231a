//! The SCIM client behind a request: `Authorization: Bearer scim_…` (RFC 7644 §2, RFC 6750)
//! resolved to the organization the token was made for. Failures answer in SCIM's error shape
//! (RFC 7644 §3.12), since provisioning clients parse that and not Janua's envelope.

use crate::EnterpriseState;
use crate::store::scim_tokens;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use futures::future::LocalBoxFuture;
use janua_scim::SCIM_MEDIA_TYPE;
use janua_scim::error::{ERROR_SCHEMA, ScimErrorBody};
use uuid::Uuid;

/// The prefix of every SCIM token, so leaked ones are easy to spot (secret scanners).
pub const TOKEN_PREFIX: &str = "scim_";

/// A request authenticated with a working SCIM token.
#[derive(Debug, Clone, Copy)]
pub struct ScimClient {
    pub token_id: Uuid,
    pub organization_id: Uuid,
    /// The admin who made the token: the actor of what the client changes.
    pub created_by: Uuid,
}

/// Why a SCIM request was refused before reaching its handler.
#[derive(Debug, thiserror::Error)]
pub enum ScimAuthError {
    #[error("a SCIM bearer token is required")]
    Missing,
    #[error("the SCIM bearer token is not valid")]
    Invalid,
    /// The cause goes to the log, never to the client.
    #[error("the server could not check the SCIM token")]
    Internal,
}

impl ResponseError for ScimAuthError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Missing | Self::Invalid => StatusCode::UNAUTHORIZED,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let body = ScimErrorBody {
            schemas: vec![ERROR_SCHEMA.to_owned()],
            status: status.as_u16().to_string(),
            scim_type: None,
            detail: self.to_string(),
        };
        let mut builder = HttpResponse::build(status);
        if status == StatusCode::UNAUTHORIZED {
            let challenge = match self {
                Self::Invalid => r#"Bearer realm="scim", error="invalid_token""#,
                _ => r#"Bearer realm="scim""#,
            };
            builder.insert_header((WWW_AUTHENTICATE, challenge));
        }
        builder.content_type(SCIM_MEDIA_TYPE).json(body)
    }
}

/// The token of an `Authorization: Bearer scim_…` header, if the header has that shape.
pub fn bearer_token(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = token.trim();
    token.starts_with(TOKEN_PREFIX).then_some(token)
}

impl FromRequest for ScimClient {
    type Error = ScimAuthError;
    type Future = LocalBoxFuture<'static, Result<Self, ScimAuthError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<EnterpriseState>>().cloned();
        let presented = req.headers().contains_key(AUTHORIZATION);
        // Only the hash leaves this function: the lookup never compares the token itself.
        let hash = bearer_token(req).map(|t| janua_core::crypto::sha256(t.as_bytes()));
        Box::pin(async move {
            let hash = match hash {
                Some(hash) => hash,
                None if presented => return Err(ScimAuthError::Invalid),
                None => return Err(ScimAuthError::Missing),
            };
            let state = state.ok_or_else(|| {
                tracing::error!("EnterpriseState is not configured");
                ScimAuthError::Internal
            })?;
            let mut conn = state.pool.get().await.map_err(|e| {
                tracing::error!(error = %e, "no database connection for a SCIM token check");
                ScimAuthError::Internal
            })?;
            let token = scim_tokens::find_active_by_hash(&mut conn, &hash)
                .await
                .map_err(|e| {
                    tracing::error!(error = %e, "looking up a SCIM token");
                    ScimAuthError::Internal
                })?
                .ok_or(ScimAuthError::Invalid)?;
            let stale = token
                .last_used_at
                .is_none_or(|at| chrono::Utc::now() - at >= scim_tokens::LAST_USED_GRANULARITY);
            if stale && let Err(e) = scim_tokens::touch(&mut conn, token.id).await {
                // Bookkeeping only: the token is good, so the request goes on.
                tracing::warn!(error = %e, token_id = %token.id, "recording a SCIM token's use");
            }
            Ok(ScimClient {
                token_id: token.id,
                organization_id: token.organization_id,
                created_by: token.created_by,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn only_bearer_scim_tokens_are_taken() {
        let req = TestRequest::default().insert_header((AUTHORIZATION, "Bearer scim_abc")).to_http_request();
        assert_eq!(bearer_token(&req), Some("scim_abc"));
        let req = TestRequest::default().insert_header((AUTHORIZATION, "bearer scim_abc")).to_http_request();
        assert_eq!(bearer_token(&req), Some("scim_abc"));
        for value in ["Bearer eyJhbGciOi", "Basic scim_abc", "scim_abc", "Bearer "] {
            let req = TestRequest::default().insert_header((AUTHORIZATION, value)).to_http_request();
            assert_eq!(bearer_token(&req), None, "{value}");
        }
    }

    #[actix_web::test]
    async fn a_request_without_a_scim_token_gets_a_scim_401_challenge() {
        for (header, error) in
            [(None, "\"Bearer realm=\\\"scim\\\"\""), (Some("Bearer nope"), "invalid_token")]
        {
            let mut req = TestRequest::default();
            if let Some(h) = header {
                req = req.insert_header((AUTHORIZATION, h));
            }
            let (req, mut payload) = req.to_http_parts();
            let refused = ScimClient::from_request(&req, &mut payload).await.expect_err("refused");
            let resp = refused.error_response();
            assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
            let challenge = resp.headers().get(WWW_AUTHENTICATE).unwrap().to_str().unwrap();
            assert!(challenge.starts_with("Bearer"), "{challenge}");
            assert!(format!("{challenge:?}").contains(error), "{challenge}");
            assert_eq!(resp.headers().get("content-type").unwrap(), SCIM_MEDIA_TYPE);
            let body = actix_web::body::to_bytes(resp.into_body()).await.unwrap();
            let body: ScimErrorBody = serde_json::from_slice(&body).unwrap();
            assert_eq!(body.schemas, [ERROR_SCHEMA]);
            assert_eq!(body.status, "401");
        }
    }
}
