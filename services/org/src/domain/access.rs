//! The org service's one authorization guard: who the caller is in the organization named by
//! the path. A non-member learns nothing (404, as for an organization that does not exist);
//! a member asking for more than their role allows gets 403.

use crate::OrgState;
use crate::domain::roles::{Action, Role, allowed_with};
use crate::store::{members, organizations::Organization};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures::future::LocalBoxFuture;
use janua_core::{ApiError, ErrorCode};
use janua_service::extract::resolve_path_id;
use janua_tokens::Authenticated;
use std::collections::BTreeSet;
use uuid::Uuid;

pub struct OrgAccess {
    pub org: Organization,
    pub caller: Uuid,
    /// The caller's role; platform admins act as owners of every organization.
    pub role: Role,
    pub member: bool,
    /// Effective permissions in this organization: the built-in role's and custom roles'.
    pub permissions: BTreeSet<String>,
}

impl OrgAccess {
    /// The caller's role as shown to them: none for a platform admin who is not a member.
    pub fn shown_role(&self) -> Option<Role> {
        self.member.then_some(self.role)
    }

    /// The shared rule (`janua_core::org_access::decide`): the caller is a member (or a
    /// platform admin, acting as owner) by now; one whose role does not allow `action` gets 403.
    pub fn require(&self, action: Action) -> Result<(), ApiError> {
        let allowed = allowed_with(self.role, &self.permissions, action);
        janua_core::org_access::decide(false, true, allowed, no_such_organization)
    }
}

pub use janua_core::org_access::no_such_organization;

impl FromRequest for OrgAccess {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        resolve_path_id(
            req,
            payload,
            "org_id",
            no_such_organization,
            async |state: web::Data<OrgState>, auth, org_id| resolve(&state, &auth, org_id).await,
        )
    }
}

/// The caller's access to `org_id` (for routes that reach the organization through another
/// resource, such as an invitation).
pub async fn resolve(state: &OrgState, auth: &Authenticated, org_id: Uuid) -> Result<OrgAccess, ApiError> {
    let mut conn = state.pool.get().await?;
    let org = crate::store::organizations::find(&mut conn, org_id).await?.ok_or_else(no_such_organization)?;
    let raw_role = members::role_of(&mut conn, org_id, auth.user_id()).await?;
    let role = raw_role.as_deref().and_then(Role::parse);
    let (role, member) = match (role, auth.is_admin()) {
        (r, true) => (Role::Owner, r.is_some()),
        (Some(r), false) => (r, true),
        // A stranger learns nothing (the shared rule's 404).
        (None, false) => return Err(no_such_organization()),
    };
    let permissions = if auth.is_admin() {
        all_permissions()
    } else {
        member_permissions(&mut conn, auth.user_id(), org_id, raw_role.as_deref()).await?
    };
    Ok(OrgAccess { org, caller: auth.user_id(), role, member, permissions })
}

/// A user's effective permissions in an organization (or platform-wide with `None`): those
/// of their built-in membership role and of the custom roles they hold there; every
/// permission for a platform admin. Derived from the database on each call, never from what
/// the client sends.
pub async fn effective(
    conn: &mut diesel_async::AsyncPgConnection, user: Uuid, org: Option<Uuid>, platform_admin: bool,
) -> Result<BTreeSet<String>, ApiError> {
    if platform_admin {
        return Ok(all_permissions());
    }
    if let Some(org) = org {
        let role = members::role_of(conn, org, user).await?;
        return member_permissions(conn, user, org, role.as_deref()).await;
    }
    let mut out = BTreeSet::new();
    for held in crate::store::roles::held(conn, user, None).await? {
        out.extend(custom_grants(held.permissions));
    }
    Ok(out)
}

/// What a custom role grants: its permissions but those only built-in roles carry (a role
/// made before that rule keeps them on paper, not in effect).
fn custom_grants(permissions: Vec<String>) -> impl Iterator<Item = String> {
    permissions.into_iter().filter(|p| !janua_authz::catalogue::BUILT_IN_ONLY.contains(&p.as_str()))
}

pub fn all_permissions() -> BTreeSet<String> {
    janua_authz::catalogue::PERMISSIONS.iter().map(|(p, _)| p.to_string()).collect()
}

/// A member's permissions in `org` given their membership role (none: not a member).
async fn member_permissions(
    conn: &mut diesel_async::AsyncPgConnection, user: Uuid, org: Uuid, role: Option<&str>,
) -> Result<BTreeSet<String>, ApiError> {
    let Some(role) = role else {
        return Ok(BTreeSet::new());
    };
    let mut out: BTreeSet<String> =
        janua_authz::catalogue::org_role_permissions(role).iter().map(|p| p.to_string()).collect();
    for held in crate::store::roles::held(conn, user, Some(org)).await? {
        out.extend(custom_grants(held.permissions));
    }
    Ok(out)
}

/// For things that are platform-wide (no organization: platform admins only) or belong to
/// one organization (those its role table lets do `action`; non-members get 404).
pub async fn require_in_scope(
    state: &OrgState, auth: &Authenticated, org: Option<Uuid>, action: Action, what: &str,
) -> Result<(), ApiError> {
    match org {
        None if auth.is_admin() => Ok(()),
        None => Err(match what {
            "policies" => {
                ApiError::keyed(ErrorCode::Forbidden, "error.accounts.platform_policies_admins_only", vec![])
            }
            "roles" => {
                ApiError::keyed(ErrorCode::Forbidden, "error.accounts.platform_roles_admins_only", vec![])
            }
            _ => ApiError::keyed(
                ErrorCode::Forbidden,
                "error.accounts.platform_wide_admins_only",
                vec![("what", what.to_string().into())],
            ),
        }),
        Some(org) => resolve(state, auth, org).await?.require(action),
    }
}
