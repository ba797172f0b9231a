//! The RBAC router (`/api/v1/rbac`): the permission catalogue, built-in roles (read-only),
//! custom roles per organization or platform-wide, and their assignment to users. What a
//! role grants is checked in the `OrgAccess` guard from the database, never from the client.

use crate::domain::access::{all_permissions, require_in_scope, resolve};
use crate::domain::roles::{Action, GrantRefusal, Role, may_grant};
use crate::handlers::conflict_as;
use crate::handlers::members::known_user;
use crate::store::members;
use crate::store::roles::{self as store, RoleRow};
use crate::{OrgState, events};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use diesel::QueryResult;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use janua_authz::catalogue::{PERMISSIONS, is_permission, org_role_permissions};
use janua_core::error::refusals;
use janua_core::http::RequestMeta;
use janua_core::pagination::Page;
use janua_core::text::check_description;
use janua_core::{ApiError, ErrorCode};
use janua_events::EventContext;
use janua_tokens::Authenticated;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use uuid::Uuid;

/// The built-in roles: fixed ids, read-only. `platform-admin` is the `admin` role of the
/// user record (identity), shown here for completeness.
const BUILT_IN: [(u128, &str, &str); 4] = [
    (
        0x0000_0000_0000_7000_8000_0000_0000_0001,
        "owner",
        "Owns the organization: everything, including deleting it",
    ),
    (
        0x0000_0000_0000_7000_8000_0000_0000_0002,
        "admin",
        "Runs the organization: members, invitations, roles, policies",
    ),
    (
        0x0000_0000_0000_7000_8000_0000_0000_0003,
        "member",
        "Belongs to the organization: sees it and its members",
    ),
    (0x0000_0000_0000_7000_8000_0000_0000_0004, "platform-admin", "Administers the whole platform"),
];

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RoleView {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub permissions: Vec<String>,
    pub organization_id: Option<Uuid>,
    pub built_in: bool,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

impl From<RoleRow> for RoleView {
    fn from(r: RoleRow) -> Self {
        RoleView {
            id: r.id,
            name: r.name,
            description: r.description,
            permissions: r.permissions,
            organization_id: r.organization_id,
            built_in: false,
            created_at: Some(r.created_at),
            updated_at: Some(r.updated_at),
        }
    }
}

fn built_ins() -> Vec<RoleView> {
    BUILT_IN
        .iter()
        .map(|(id, name, description)| RoleView {
            id: Uuid::from_u128(*id),
            name: name.to_string(),
            description: Some(description.to_string()),
            permissions: if *name == "platform-admin" {
                PERMISSIONS.iter().map(|(p, _)| p.to_string()).collect()
            } else {
                org_role_permissions(name).iter().map(|p| p.to_string()).collect()
            },
            organization_id: None,
            built_in: true,
            created_at: None,
            updated_at: None,
        })
        .collect()
}

fn built_in(id: Uuid) -> Option<RoleView> {
    built_ins().into_iter().find(|r| r.id == id)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleInput {
    pub name: String,
    pub description: Option<String>,
    pub permissions: Vec<String>,
    /// On creation only: the organization the role belongs to (none: platform-wide).
    pub organization_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RolesQuery {
    /// Only the built-in roles and the custom roles of this organization (and platform-wide).
    pub organization_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRole {
    pub role_id: Uuid,
    pub organization_id: Option<Uuid>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Assignment {
    pub user_id: Uuid,
    pub role_id: Uuid,
    pub organization_id: Option<Uuid>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PermissionView {
    pub name: String,
    pub description: String,
}

pub(crate) fn no_such_role() -> ApiError {
    ApiError::keyed(ErrorCode::NotFound, "error.accounts.no_such_role", vec![])
}

fn read_only() -> ApiError {
    ApiError::keyed(ErrorCode::Forbidden, "error.accounts.builtin_role_read_only", vec![])
}

/// A role name taken where the role belongs (`roles_name_per_scope`).
pub(crate) fn name_taken() -> ApiError {
    ApiError::keyed(ErrorCode::Conflict, "error.accounts.role_name_taken", vec![])
        .with_details(serde_json::json!({ "field": "name" }))
}

/// What a role name may be: 1 to 128 characters, no control characters (group names from an
/// identity provider, such as "Sales (EMEA)", become role names as they are).
pub fn valid_role_name(name: &str) -> bool {
    (1..=128).contains(&name.chars().count()) && !name.chars().any(char::is_control)
}

/// The rules for a custom role's name and description, wherever the role is written (here
/// or by SCIM provisioning over the internal API), so a role made one way can be edited the
/// other. Answers the trimmed name.
pub(crate) fn check_name(name: &str, description: Option<&str>) -> Result<String, ApiError> {
    let name = name.trim().to_string();
    if !valid_role_name(&name) {
        return Err(ApiError::invalid("name", "error.accounts.role_name_invalid", vec![]));
    }
    if BUILT_IN.iter().any(|(_, n, _)| n.eq_ignore_ascii_case(&name)) {
        return Err(ApiError::invalid("name", "error.accounts.role_name_builtin", vec![]));
    }
    check_description(description)?;
    Ok(name)
}

fn check(input: &RoleInput) -> Result<(String, Vec<String>), ApiError> {
    let name = check_name(&input.name, input.description.as_deref())?;
    if input.permissions.is_empty() {
        return Err(ApiError::invalid("permissions", "error.accounts.role_permissions_empty", vec![]));
    }
    let unknown: Vec<&String> = input.permissions.iter().filter(|p| !is_permission(p)).collect();
    if !unknown.is_empty() {
        return Err(ApiError::invalid("permissions", "error.accounts.permissions_unknown", vec![])
            .with_details(serde_json::json!({ "field": "permissions", "unknown": unknown })));
    }
    let mut permissions = input.permissions.clone();
    permissions.sort();
    permissions.dedup();
    Ok((name, permissions))
}

/// The caller's standing where the roles of `org` (None: platform-wide) are managed: their
/// built-in role and effective permissions there. Those who may not manage roles there are
/// refused (non-members learn nothing).
async fn authority(
    state: &OrgState, auth: &Authenticated, org: Option<Uuid>,
) -> Result<(Role, BTreeSet<String>), ApiError> {
    match org {
        None => {
            require_in_scope(state, auth, None, Action::ManageRoles, "roles").await?;
            Ok((Role::Owner, all_permissions()))
        }
        Some(org) => {
            let access = resolve(state, auth, org).await?;
            access.require(Action::ManageRoles)?;
            Ok((access.role, access.permissions))
        }
    }
}

/// Whether the caller holds the role (changing or deleting it changes their own grants).
async fn holds(state: &OrgState, user: Uuid, role: &RoleRow) -> Result<bool, ApiError> {
    let mut conn = state.pool.get().await?;
    Ok(store::held(&mut conn, user, role.organization_id).await?.iter().any(|r| r.id == role.id))
}

/// Nobody grants themself authority ([`may_grant`]): the caller may hand out a role carrying
/// `grants` only if they hold all of it, and touch their own grants only with a built-in role
/// that manages roles.
async fn may_hand_out(
    state: &OrgState, auth: &Authenticated, org: Option<Uuid>, grants: &[String], on_self: bool,
) -> Result<(), ApiError> {
    let (role, held) = authority(state, auth, org).await?;
    may_grant(role, &held, grants, on_self).map_err(|refusal| match refusal {
        GrantRefusal::BuiltInOnly(permissions) => {
            ApiError::invalid("permissions", "error.accounts.permissions_built_in_only", vec![])
                .with_details(serde_json::json!({ "field": "permissions", "built_in_only": permissions }))
        }
        GrantRefusal::BeyondOwn(permissions) => {
            ApiError::keyed(ErrorCode::Forbidden, "error.accounts.permissions_beyond_own", vec![])
                .with_details(
                    serde_json::json!({ "reason": "beyond_own_permissions", "permissions": permissions }),
                )
        }
        GrantRefusal::OwnGrants => ApiError::keyed(ErrorCode::Forbidden, "error.accounts.own_grants", vec![])
            .with_details(serde_json::json!({ "reason": "own_grants" })),
    })
}

/// A custom role the caller may see.
async fn visible_role(state: &OrgState, auth: &Authenticated, id: Uuid) -> Result<RoleRow, ApiError> {
    let mut conn = state.pool.get().await?;
    let row = store::find(&mut conn, id).await?.ok_or_else(no_such_role)?;
    match row.organization_id {
        None => Ok(row),
        Some(_) if auth.is_admin() => Ok(row),
        Some(org) => match members::role_of(&mut conn, org, auth.user_id()).await? {
            Some(_) => Ok(row),
            None => Err(no_such_role()),
        },
    }
}

/// A custom role the caller may see, for changing it: built-in roles are read-only (403).
async fn custom_role(state: &OrgState, auth: &Authenticated, id: Uuid) -> Result<RoleRow, ApiError> {
    if built_in(id).is_some() {
        return Err(read_only());
    }
    visible_role(state, auth, id).await
}

/// Changes a custom role (`role.updated`), in the caller's transaction.
pub(crate) async fn rewrite(
    conn: &mut AsyncPgConnection, id: Uuid, name: &str, description: Option<&str>, permissions: &[String],
    actor: Uuid, ctx: EventContext,
) -> QueryResult<RoleRow> {
    let row = store::update(conn, id, name, description, permissions).await?;
    janua_db::outbox::enqueue(conn, &events::role("role.updated", &row, actor, ctx)).await?;
    Ok(row)
}

/// Deletes a custom role with its assignments (`role.deleted`), in the caller's transaction.
pub(crate) async fn remove(
    conn: &mut AsyncPgConnection, row: &RoleRow, actor: Uuid, ctx: EventContext,
) -> QueryResult<()> {
    store::delete(conn, row.id).await?;
    janua_db::outbox::enqueue(conn, &events::role("role.deleted", row, actor, ctx)).await
}

/// Gives `user` the role (`give`, `role.assigned`) or takes it (`role.removed`), in the
/// caller's transaction; false, with nothing recorded, when that changes nothing.
pub(crate) async fn set_holder(
    conn: &mut AsyncPgConnection, role: &RoleRow, user: Uuid, give: bool, actor: Uuid, ctx: EventContext,
) -> QueryResult<bool> {
    let (changed, kind) = if give {
        (store::assign(conn, user, role.id, actor).await?, "role.assigned")
    } else {
        (store::unassign(conn, user, role.id).await?, "role.removed")
    };
    if changed {
        janua_db::outbox::enqueue(conn, &events::role_holder(kind, role, actor, user, ctx)).await?;
    }
    Ok(changed)
}

/// [`set_holder`] in a transaction of its own: 409 when the user holds the role already, 404
/// when they do not hold it.
async fn change_holder(
    state: &OrgState, role: &RoleRow, user: Uuid, give: bool, auth: &Authenticated, meta: RequestMeta,
) -> Result<(), ApiError> {
    let mut conn = state.pool.get().await?;
    let changed = conn
        .transaction::<_, ApiError, _>(async |conn| {
            Ok(set_holder(conn, role, user, give, auth.user_id(), meta.into()).await?)
        })
        .await?;
    match (changed, give) {
        (true, _) => Ok(()),
        (false, true) => Err(ApiError::keyed(ErrorCode::Conflict, "error.accounts.role_held", vec![])),
        (false, false) => Err(ApiError::keyed(ErrorCode::NotFound, "error.accounts.role_not_held", vec![])),
    }
}

/// The permission catalogue.
///
/// Permissions: any signed-in user.
#[utoipa::path(get, path = "/api/v1/rbac/permissions", tag = "RBAC",
    responses((status = 200, body = Page<PermissionView>)), security(("bearer" = [])))]
pub async fn permissions(_auth: Authenticated) -> HttpResponse {
    let data: Vec<PermissionView> = PERMISSIONS
        .iter()
        .map(|(name, description)| PermissionView {
            name: name.to_string(),
            description: description.to_string(),
        })
        .collect();
    HttpResponse::Ok().json(Page { data, next_cursor: None })
}

/// Roles: the built-in ones, then the custom roles the caller can see.
///
/// Permissions: any signed-in user (custom roles of other organizations are not shown).
#[utoipa::path(get, path = "/api/v1/rbac/roles", tag = "RBAC", params(RolesQuery),
    responses((status = 200, body = Page<RoleView>)), security(("bearer" = [])))]
pub async fn list_roles(
    state: web::Data<OrgState>, auth: Authenticated, q: web::Query<RolesQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let custom = store::visible(&mut conn, auth.user_id(), auth.is_admin()).await?;
    let mut data = built_ins();
    data.extend(
        custom
            .into_iter()
            .filter(|r| {
                q.organization_id.is_none()
                    || r.organization_id.is_none()
                    || r.organization_id == q.organization_id
            })
            .map(RoleView::from),
    );
    Ok(HttpResponse::Ok().json(Page { data, next_cursor: None }))
}

/// One role.
///
/// Permissions: any signed-in user who can see it (404 otherwise).
#[utoipa::path(get, path = "/api/v1/rbac/roles/{role_id}", tag = "RBAC", params(("role_id" = Uuid, Path)),
    responses((status = 200, body = RoleView), refusals::NotFound),
    security(("bearer" = [])))]
pub async fn get_role(
    state: web::Data<OrgState>, auth: Authenticated, path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    if let Some(b) = built_in(id) {
        return Ok(HttpResponse::Ok().json(b));
    }
    Ok(HttpResponse::Ok().json(RoleView::from(visible_role(&state, &auth, id).await?)))
}

/// Creates a custom role.
///
/// Permissions: platform admins (platform-wide roles); owners and admins of the role's
/// organization.
#[utoipa::path(post, path = "/api/v1/rbac/roles", tag = "RBAC", request_body = RoleInput,
    responses((status = 201, body = RoleView), refusals::Invalid, refusals::Forbidden, refusals::Conflict),
    security(("bearer" = [])))]
pub async fn create_role(
    state: web::Data<OrgState>, auth: Authenticated, meta: RequestMeta, body: web::Json<RoleInput>,
) -> Result<HttpResponse, ApiError> {
    let (name, permissions) = check(&body)?;
    may_hand_out(&state, &auth, body.organization_id, &permissions, false).await?;
    let mut conn = state.pool.get().await?;
    let row = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let row = store::insert(
                conn,
                janua_core::ids::new_id(),
                body.organization_id,
                &name,
                body.description.as_deref(),
                &permissions,
                auth.user_id(),
            )
            .await?;
            janua_db::outbox::enqueue(conn, &events::role("role.created", &row, auth.user_id(), meta.into()))
                .await?;
            Ok(row)
        })
        .await
        .map_err(conflict_as(name_taken))?;
    Ok(HttpResponse::Created().json(RoleView::from(row)))
}

/// Changes a custom role (built-in roles answer 403).
///
/// Permissions: those who may manage roles where it belongs.
#[utoipa::path(put, path = "/api/v1/rbac/roles/{role_id}", tag = "RBAC", params(("role_id" = Uuid, Path)),
    request_body = RoleInput,
    responses((status = 200, body = RoleView), refusals::Forbidden, refusals::NotFound),
    security(("bearer" = [])))]
pub async fn update_role(
    state: web::Data<OrgState>, auth: Authenticated, meta: RequestMeta, path: web::Path<Uuid>,
    body: web::Json<RoleInput>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let current = custom_role(&state, &auth, id).await?;
    authority(&state, &auth, current.organization_id).await?;
    if body.organization_id.is_some() && body.organization_id != current.organization_id {
        return Err(ApiError::invalid("organization_id", "error.accounts.role_moved", vec![]));
    }
    let (name, permissions) = check(&body)?;
    let on_self = holds(&state, auth.user_id(), &current).await?;
    may_hand_out(&state, &auth, current.organization_id, &permissions, on_self).await?;
    let mut conn = state.pool.get().await?;
    let row = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let description = body.description.as_deref();
            Ok(rewrite(conn, id, &name, description, &permissions, auth.user_id(), meta.into()).await?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(RoleView::from(row)))
}

/// Deletes a custom role and its assignments (built-in roles answer 403).
///
/// Permissions: those who may manage roles where it belongs.
#[utoipa::path(delete, path = "/api/v1/rbac/roles/{role_id}", tag = "RBAC", params(("role_id" = Uuid, Path)),
    responses((status = 204), refusals::Forbidden, refusals::NotFound),
    security(("bearer" = [])))]
pub async fn delete_role(
    state: web::Data<OrgState>, auth: Authenticated, meta: RequestMeta, path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let current = custom_role(&state, &auth, path.into_inner()).await?;
    let on_self = holds(&state, auth.user_id(), &current).await?;
    may_hand_out(&state, &auth, current.organization_id, &[], on_self).await?;
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        Ok(remove(conn, &current, auth.user_id(), meta.into()).await?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Gives a user a custom role (built-in roles come with membership: change the member's
/// role instead). An organization's role goes to its members only.
///
/// Permissions: those who may manage roles where the role belongs.
#[utoipa::path(post, path = "/api/v1/rbac/users/{user_id}/roles", tag = "RBAC", params(("user_id" = Uuid, Path)),
    request_body = AssignRole,
    responses((status = 201, body = Assignment), refusals::Invalid, refusals::Forbidden, refusals::NotFound,
        refusals::Conflict),
    security(("bearer" = [])))]
pub async fn assign(
    state: web::Data<OrgState>, auth: Authenticated, meta: RequestMeta, path: web::Path<Uuid>,
    body: web::Json<AssignRole>,
) -> Result<HttpResponse, ApiError> {
    let user = path.into_inner();
    if built_in(body.role_id).is_some() {
        return Err(ApiError::invalid("role_id", "error.accounts.builtin_role_assign", vec![]));
    }
    let role = visible_role(&state, &auth, body.role_id).await?;
    if body.organization_id.is_some() && body.organization_id != role.organization_id {
        return Err(ApiError::invalid("organization_id", "error.accounts.role_other_organization", vec![]));
    }
    may_hand_out(&state, &auth, role.organization_id, &role.permissions, user == auth.user_id()).await?;
    match role.organization_id {
        Some(org) => {
            let mut conn = state.pool.get().await?;
            if members::role_of(&mut conn, org, user).await?.is_none() {
                return Err(ApiError::invalid("user_id", "error.accounts.role_user_not_member", vec![]));
            }
        }
        None => {
            if known_user(&state, user).await?.is_none() {
                return Err(ApiError::invalid("user_id", "error.accounts.no_such_user", vec![]));
            }
        }
    }
    change_holder(&state, &role, user, true, &auth, meta).await?;
    Ok(HttpResponse::Created().json(Assignment {
        user_id: user,
        role_id: role.id,
        organization_id: role.organization_id,
    }))
}

/// Takes a custom role from a user.
///
/// Permissions: those who may manage roles where the role belongs.
#[utoipa::path(delete, path = "/api/v1/rbac/users/{user_id}/roles/{role_id}", tag = "RBAC",
    params(("user_id" = Uuid, Path), ("role_id" = Uuid, Path)),
    responses((status = 204), refusals::Forbidden, refusals::NotFound),
    security(("bearer" = [])))]
pub async fn unassign(
    state: web::Data<OrgState>, auth: Authenticated, meta: RequestMeta, path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (user, role_id) = path.into_inner();
    let role = custom_role(&state, &auth, role_id).await?;
    may_hand_out(&state, &auth, role.organization_id, &[], user == auth.user_id()).await?;
    change_holder(&state, &role, user, false, &auth, meta).await?;
    Ok(HttpResponse::NoContent().finish())
}
