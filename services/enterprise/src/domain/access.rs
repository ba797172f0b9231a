//! Who may manage an organization's SCIM tokens: platform admins, and those holding
//! `scim:manage` there (org answers what a user holds). A member without it gets 403; anyone
//! else 404, as for an organization that does not exist.

use crate::EnterpriseState;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures::future::LocalBoxFuture;
use janua_core::ApiError;
use janua_service::extract::resolve_path_id;
use janua_tokens::Authenticated;
use uuid::Uuid;

pub const PERMISSION: &str = "scim:manage";

pub use janua_core::org_access::no_such_organization;

/// The organization named by the path (`{org_id}`), whose SCIM tokens the caller may manage;
/// a handler taking it cannot forget the check.
pub struct ScimManager {
    pub organization_id: Uuid,
    pub caller: Uuid,
}

impl FromRequest for ScimManager {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        resolve_path_id(
            req,
            payload,
            "org_id",
            no_such_organization,
            async |state: web::Data<EnterpriseState>, auth, organization_id| {
                require_manage(&state, &auth, organization_id).await?;
                Ok(ScimManager { organization_id, caller: auth.user_id() })
            },
        )
    }
}

async fn require_manage(
    state: &EnterpriseState, auth: &Authenticated, organization: Uuid,
) -> Result<(), ApiError> {
    require(state, auth, organization, PERMISSION, "managing SCIM tokens").await
}

/// Platform admins, and holders of `permission` in the organization, pass; a member without
/// it gets 403; anyone else 404 (the shared rule, `janua_core::org_access`). `_what` names the
/// action in logs.
pub async fn require(
    state: &EnterpriseState, auth: &Authenticated, organization: Uuid, permission: &str, _what: &str,
) -> Result<(), ApiError> {
    state.orgs.require(auth.user_id(), auth.is_admin(), organization, permission, no_such_organization).await
}
