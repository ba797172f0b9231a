//! The org service's one authorization guard: who the caller is in the organization named by
//! the path. A non-member learns nothing (404, as for an organization that does not exist);
//! a member asking for more than their role allows gets 403.

use crate::OrgState;
use crate::domain::roles::{Action, Role, allowed};
use crate::store::{members, organizations::Organization};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures::future::LocalBoxFuture;
use janua_core::{ApiError, ErrorCode};
use janua_tokens::Authenticated;
use uuid::Uuid;

pub struct OrgAccess {
    pub org: Organization,
    pub caller: Uuid,
    /// The caller's role; platform admins act as owners of every organization.
    pub role: Role,
    pub member: bool,
}

impl OrgAccess {
    pub fn require(&self, action: Action) -> Result<(), ApiError> {
        if allowed(self.role, action) {
            Ok(())
        } else {
            Err(ApiError::new(
                ErrorCode::Forbidden,
                format!("your role ({}) does not allow this", self.role.as_str()),
            ))
        }
    }
}

pub fn no_such_organization() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "no such organization")
}

impl FromRequest for OrgAccess {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let auth = Authenticated::from_request(req, payload);
        let state = req.app_data::<web::Data<OrgState>>().cloned();
        let org_id = req
            .match_info()
            .get("org_id")
            .and_then(|s| Uuid::parse_str(s).ok());
        Box::pin(async move {
            let auth = auth.await?;
            let state = state.ok_or_else(|| ApiError::internal("OrgState is not configured"))?;
            resolve(&state, &auth, org_id.ok_or_else(no_such_organization)?).await
        })
    }
}

/// The caller's access to `org_id` (for routes that reach the organization through another
/// resource, such as an invitation).
pub async fn resolve(state: &OrgState, auth: &Authenticated, org_id: Uuid) -> Result<OrgAccess, ApiError> {
    let mut conn = state.pool.get().await?;
    let org = crate::store::organizations::find(&mut conn, org_id)
        .await?
        .ok_or_else(no_such_organization)?;
    let role = members::role_of(&mut conn, org_id, auth.user_id())
        .await?
        .and_then(|r| Role::parse(&r));
    let (role, member) = match (role, auth.is_admin()) {
        (r, true) => (Role::Owner, r.is_some()),
        (Some(r), false) => (r, true),
        (None, false) => return Err(no_such_organization()),
    };
    Ok(OrgAccess {
        org,
        caller: auth.user_id(),
        role,
        member,
    })
}
