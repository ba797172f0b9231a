//! Who may manage which endpoint. Platform-wide endpoints (no organization: they receive
//! every event) are for platform admins. An organization's endpoints are for those holding
//! `webhooks:manage` there (org answers what a user holds); a member without it gets 403,
//! anyone else 404, as for an endpoint that does not exist.

use crate::WebhooksState;
use crate::store::endpoints::{self, Endpoint};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures::future::LocalBoxFuture;
use janua_core::org_access::decide;
use janua_core::{ApiError, ErrorCode};
use janua_service::extract::resolve_path_id;
use janua_tokens::Authenticated;
use uuid::Uuid;

pub const PERMISSION: &str = "webhooks:manage";

pub fn no_such_webhook() -> ApiError {
    ApiError::keyed(ErrorCode::NotFound, "error.platform.no_such_webhook", vec![])
}

pub use janua_core::org_access::no_such_organization;

/// Whether the caller may manage webhooks of `organization` (None: platform-wide ones, for
/// platform admins). `hidden` is the error for a caller who may not even know the thing
/// exists. The rule is the shared one (`janua_core::org_access`); nobody is a member of the
/// platform.
pub async fn require_manage(
    state: &WebhooksState, auth: &Authenticated, organization: Option<Uuid>, hidden: fn() -> ApiError,
) -> Result<(), ApiError> {
    match organization {
        Some(org) => state.orgs.require(auth.user_id(), auth.is_admin(), org, PERMISSION, hidden).await,
        None => decide(auth.is_admin(), false, false, hidden),
    }
}

/// An endpoint named by the path (`{webhook_id}`) that the caller may manage; a handler
/// taking it cannot forget the check.
pub struct ManagedEndpoint {
    pub endpoint: Endpoint,
    pub caller: Uuid,
}

impl FromRequest for ManagedEndpoint {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        resolve_path_id(
            req,
            payload,
            "webhook_id",
            no_such_webhook,
            async |state: web::Data<WebhooksState>, auth, id| {
                let endpoint = {
                    let mut conn = state.pool.get().await?;
                    endpoints::find(&mut conn, id).await?.ok_or_else(no_such_webhook)?
                };
                require_manage(&state, &auth, endpoint.organization_id, no_such_webhook).await?;
                Ok(ManagedEndpoint { endpoint, caller: auth.user_id() })
            },
        )
    }
}
