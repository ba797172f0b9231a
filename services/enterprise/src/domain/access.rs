//! Who may manage an organization's SCIM tokens: platform admins, and those holding
//! `scim:manage` there (org answers what a user holds). A member without it gets 403; anyone
//! else 404, as for an organization that does not exist.

use crate::EnterpriseState;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures::future::LocalBoxFuture;
use janua_core::{ApiError, ErrorCode};
use janua_tokens::Authenticated;
use uuid::Uuid;

pub const PERMISSION: &str = "scim:manage";

pub fn no_such_organization() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "no such organization")
}

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
        let auth = Authenticated::from_request(req, payload);
        let state = req.app_data::<web::Data<EnterpriseState>>().cloned();
        let org = req
            .match_info()
            .get("org_id")
            .and_then(|s| Uuid::parse_str(s).ok());
        Box::pin(async move {
            let auth = auth.await?;
            let state = state.ok_or_else(|| ApiError::internal("EnterpriseState is not configured"))?;
            let organization_id = org.ok_or_else(no_such_organization)?;
            require_manage(&state, &auth, organization_id).await?;
            Ok(ScimManager {
                organization_id,
                caller: auth.user_id(),
            })
        })
    }
}

async fn require_manage(
    state: &EnterpriseState,
    auth: &Authenticated,
    organization: Uuid,
) -> Result<(), ApiError> {
    require(state, auth, organization, PERMISSION, "managing SCIM tokens").await
}

/// Platform admins, and holders of `permission` in the organization, pass. A member without
/// it gets 403; anyone else 404, as for an organization (or resource of one) that does not
/// exist.
pub async fn require(
    state: &EnterpriseState,
    auth: &Authenticated,
    organization: Uuid,
    permission: &str,
    what: &str,
) -> Result<(), ApiError> {
    if auth.is_admin() {
        return Ok(());
    }
    let held = state.orgs.in_organization(auth.user_id(), organization).await?;
    if held.is_empty() {
        return Err(no_such_organization());
    }
    if held.iter().any(|p| p == permission) {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::Forbidden,
            format!("{what} needs the {permission} permission in the organization"),
        ))
    }
}
