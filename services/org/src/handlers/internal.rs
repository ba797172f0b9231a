//! `/internal/v1`: what other services may ask or tell org synchronously. Never routed by
//! the gateway, and guarded by the shared service token. Enterprise uses these to provision
//! over SCIM (RFC 7644): users become members, groups become the organization's custom
//! roles. Every change is idempotent, so a SCIM client's retries change nothing twice.

use crate::domain::access::no_such_organization;
use crate::domain::membership::{self, Locked};
use crate::domain::roles::Role;
use crate::handlers::invitations::OrganizationSummary;
use crate::handlers::rbac::{self, RoleView, check_name, no_such_role};
use crate::store::roles::{self as roles_store, RoleRow};
use crate::store::{members, organizations};
use crate::{OrgState, events};
use actix_web::{HttpResponse, web};
use diesel_async::AsyncConnection;
use janua_core::http::{RequestMeta, optional_json};
use janua_core::{ApiError, ErrorCode};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use uuid::Uuid;

/// A unique violation on `roles_name_per_scope` (the only unique index a role write can hit
/// besides the id, which the writes below handle).
fn name_taken(e: diesel::result::Error) -> ApiError {
    match e {
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
            rbac::name_taken()
        }
        other => other.into(),
    }
}

/// The organization and custom role a path names. The built-in roles (owner, admin, member,
/// platform-admin) have fixed ids in one range; they are global and read-only (404 here).
fn custom_role_path(path: web::Path<(Uuid, Uuid)>) -> Result<(Uuid, Uuid), ApiError> {
    let (org, id) = path.into_inner();
    if id.as_u128() >> 32 == 0x0000_0000_0000_7000_8000_0000 {
        return Err(no_such_role());
    }
    Ok((org, id))
}

/// Who a change is recorded as made by: the `actor_id` sent, else the system (the nil id).
fn actor(sent: Option<Uuid>) -> Uuid {
    sent.unwrap_or(Uuid::nil())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorQuery {
    /// Who asked (the event actor); none: the system.
    pub actor_id: Option<Uuid>,
}

/// One organization, for a service that only needs to know it exists and what it is called.
pub async fn get_organization(
    state: web::Data<OrgState>, path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let org = organizations::find(&mut conn, path.into_inner()).await?;
    summary(org)
}

/// `GET /internal/v1/organizations/by-slug/{slug}`: the organization a slug names.
pub async fn organization_by_slug(
    state: web::Data<OrgState>, path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let org = organizations::find_by_slug(&mut conn, &path.into_inner().to_lowercase()).await?;
    summary(org)
}

fn summary(org: Option<organizations::Organization>) -> Result<HttpResponse, ApiError> {
    let org = org.ok_or_else(no_such_organization)?;
    Ok(HttpResponse::Ok().json(OrganizationSummary::from(org)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnsureMember {
    /// `member` (the default) or `admin`; owners are made by people, not by provisioning.
    pub role: Option<String>,
    pub actor_id: Option<Uuid>,
}

#[derive(Debug, Serialize)]
pub struct InternalMembership {
    pub organization_id: Uuid,
    pub user_id: Uuid,
    pub role: String,
    pub created: bool,
}

/// Makes the user a member (201) or answers the membership that exists (200, its role left
/// as it is). The user need not be in org's read model yet: identity may have created them
/// a moment ago, and the read model catches up from `user.created`.
#[tracing::instrument(skip_all, fields(org_id = %path.0, user_id = %path.1))]
pub async fn ensure_member(
    state: web::Data<OrgState>, path: web::Path<(Uuid, Uuid)>, meta: RequestMeta, body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (org, user) = path.into_inner();
    let request: EnsureMember = optional_json(&body)?.unwrap_or_default();
    let role = match request.role.as_deref().map(Role::parse) {
        None => Role::Member,
        Some(Some(Role::Owner)) => {
            return Err(ApiError::invalid("role", "error.accounts.owner_not_provisioned", vec![]));
        }
        Some(Some(role)) => role,
        Some(None) => {
            return Err(ApiError::invalid("role", "error.accounts.provisioned_role_invalid", vec![]));
        }
    };
    let actor = actor(request.actor_id);
    let mut conn = state.pool.get().await?;
    let membership = conn
        .transaction::<_, ApiError, _>(async |conn| {
            organizations::find(conn, org).await?.ok_or_else(no_such_organization)?;
            if membership::join(conn, org, user, role.as_str(), actor, meta.into()).await? {
                return Ok(InternalMembership {
                    organization_id: org,
                    user_id: user,
                    role: role.as_str().to_string(),
                    created: true,
                });
            }
            let existing = members::role_of(conn, org, user).await?.ok_or_else(|| {
                ApiError::keyed(ErrorCode::Conflict, "error.accounts.membership_changed", vec![])
            })?;
            Ok(InternalMembership { organization_id: org, user_id: user, role: existing, created: false })
        })
        .await?;
    Ok(if membership.created {
        HttpResponse::Created().json(membership)
    } else {
        HttpResponse::Ok().json(membership)
    })
}

/// Ends a membership, and with it the user's custom roles of the organization. Idempotent:
/// no membership (or no organization) is a 204 too. The last owner stays (409).
#[tracing::instrument(skip_all, fields(org_id = %path.0, user_id = %path.1))]
pub async fn remove_member(
    state: web::Data<OrgState>, path: web::Path<(Uuid, Uuid)>, meta: RequestMeta, q: web::Query<ActorQuery>,
) -> Result<HttpResponse, ApiError> {
    let (org, user) = path.into_inner();
    let actor = actor(q.actor_id);
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        match Locked::of(conn, org, user).await? {
            Some(member) => {
                member.may_lose_role()?;
                membership::leave(conn, org, user, &member.role, actor, meta.into()).await?;
            }
            // Custom roles of the organization left over from an earlier removal go now.
            None => {
                roles_store::unassign_in_org(conn, user, org).await?;
            }
        }
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleUpsert {
    pub name: String,
    /// Left out: unchanged (none on creation); `null`: cleared.
    #[serde(default, deserialize_with = "janua_core::text::null_or_value")]
    pub description: Option<Option<String>>,
    pub actor_id: Option<Uuid>,
}

/// Creates the organization's custom role with exactly this id (201, no permissions), or
/// renames / redescribes it (200). A role of another organization, or a global one, is a
/// 404. Events only when something changed.
#[tracing::instrument(skip_all, fields(org_id = %path.0, role_id = %path.1))]
pub async fn put_role(
    state: web::Data<OrgState>, path: web::Path<(Uuid, Uuid)>, meta: RequestMeta, body: web::Json<RoleUpsert>,
) -> Result<HttpResponse, ApiError> {
    let (org, id) = custom_role_path(path)?;
    let name = check_name(&body.name, body.description.as_ref().and_then(Option::as_deref))?;
    let actor = actor(body.actor_id);
    let mut conn = state.pool.get().await?;
    let (row, created) = conn
        .transaction::<_, ApiError, _>(async |conn| {
            organizations::find(conn, org).await?.ok_or_else(no_such_organization)?;
            let existing = match roles_store::find_for_update(conn, id).await? {
                Some(row) => Some(row),
                None => {
                    let description = body.description.clone().flatten();
                    let inserted = roles_store::insert_if_absent(
                        conn,
                        id,
                        Some(org),
                        &name,
                        description.as_deref(),
                        &[],
                        actor,
                    )
                    .await
                    .map_err(name_taken)?;
                    if let Some(row) = inserted {
                        janua_db::outbox::enqueue(
                            conn,
                            &events::role("role.created", &row, actor, meta.into()),
                        )
                        .await?;
                        return Ok((row, true));
                    }
                    // Made by a concurrent request since we looked.
                    roles_store::find_for_update(conn, id).await?
                }
            };
            let current = existing.filter(|r| r.organization_id == Some(org)).ok_or_else(no_such_role)?;
            let description = match &body.description {
                Some(d) => d.clone(),
                None => current.description.clone(),
            };
            if current.name == name && current.description == description {
                return Ok((current, false));
            }
            let row = rbac::rewrite(
                conn,
                id,
                &name,
                description.as_deref(),
                &current.permissions,
                actor,
                meta.into(),
            )
            .await
            .map_err(name_taken)?;
            Ok((row, false))
        })
        .await?;
    let view = RoleView::from(row);
    Ok(if created { HttpResponse::Created().json(view) } else { HttpResponse::Ok().json(view) })
}

/// The organization's custom role, locked until the transaction ends; 404 for any other.
async fn org_role_for_update(
    conn: &mut diesel_async::AsyncPgConnection, org: Uuid, id: Uuid,
) -> Result<Option<RoleRow>, ApiError> {
    match roles_store::find_for_update(conn, id).await? {
        None => Ok(None),
        Some(row) if row.organization_id == Some(org) => Ok(Some(row)),
        Some(_) => Err(no_such_role()),
    }
}

/// Deletes the organization's custom role and its assignments. Idempotent: a role that is
/// gone is a 204 too; one of another organization (or global) is a 404.
#[tracing::instrument(skip_all, fields(org_id = %path.0, role_id = %path.1))]
pub async fn delete_role(
    state: web::Data<OrgState>, path: web::Path<(Uuid, Uuid)>, meta: RequestMeta, q: web::Query<ActorQuery>,
) -> Result<HttpResponse, ApiError> {
    let (org, id) = custom_role_path(path)?;
    let actor = actor(q.actor_id);
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        if let Some(current) = org_role_for_update(conn, org, id).await? {
            rbac::remove(conn, &current, actor, meta.into()).await?;
        }
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleHolders {
    pub user_ids: Vec<Uuid>,
    pub actor_id: Option<Uuid>,
}

#[derive(Debug, Serialize)]
pub struct RoleHoldersChange {
    pub role_id: Uuid,
    pub user_ids: Vec<Uuid>,
    pub added: usize,
    pub removed: usize,
}

/// Makes the holders of the organization's custom role exactly `user_ids` (a SCIM group's
/// members), in one transaction: all members of the organization, or nothing changes.
#[tracing::instrument(skip_all, fields(org_id = %path.0, role_id = %path.1))]
pub async fn set_role_holders(
    state: web::Data<OrgState>, path: web::Path<(Uuid, Uuid)>, meta: RequestMeta,
    body: web::Json<RoleHolders>,
) -> Result<HttpResponse, ApiError> {
    let (org, id) = custom_role_path(path)?;
    let actor = actor(body.actor_id);
    let wanted: BTreeSet<Uuid> = body.user_ids.iter().copied().collect();
    let wanted_list: Vec<Uuid> = wanted.iter().copied().collect();
    let mut conn = state.pool.get().await?;
    let (added, removed) = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let role = org_role_for_update(conn, org, id).await?.ok_or_else(no_such_role)?;
            let members: BTreeSet<Uuid> =
                members::members_among(conn, org, &wanted_list).await?.into_iter().collect();
            let not_members: Vec<&Uuid> = wanted.difference(&members).collect();
            if !not_members.is_empty() {
                return Err(ApiError::invalid("user_ids", "error.accounts.holders_not_members", vec![])
                    .with_details(serde_json::json!({ "field": "user_ids", "not_members": not_members })));
            }
            let current: BTreeSet<Uuid> = roles_store::holders(conn, id).await?.into_iter().collect();
            let to_add: Vec<Uuid> = wanted.difference(&current).copied().collect();
            let to_remove: Vec<Uuid> = current.difference(&wanted).copied().collect();
            let changes = to_add.iter().map(|u| (u, true)).chain(to_remove.iter().map(|u| (u, false)));
            for (user, give) in changes {
                rbac::set_holder(conn, &role, *user, give, actor, meta.clone().into()).await?;
            }
            Ok((to_add.len(), to_remove.len()))
        })
        .await?;
    Ok(HttpResponse::Ok().json(RoleHoldersChange { role_id: id, user_ids: wanted_list, added, removed }))
}

/// Figures for the admin dashboard.
pub async fn stats(state: web::Data<OrgState>) -> Result<HttpResponse, ApiError> {
    use diesel::sql_types::BigInt;
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Counts {
        #[diesel(sql_type = BigInt)]
        organizations: i64,
        #[diesel(sql_type = BigInt)]
        memberships: i64,
    }
    let mut conn = state.pool.get().await?;
    let c: Counts = janua_db::prepared::sql(
        "SELECT (SELECT count(*) FROM organizations) AS organizations, (SELECT count(*) FROM memberships) AS memberships",
    )
    .get_result(&mut conn)
    .await?;
    Ok(HttpResponse::Ok()
        .json(serde_json::json!({ "organizations": c.organizations, "memberships": c.memberships })))
}

#[derive(Debug, serde::Deserialize)]
pub struct PermissionsQuery {
    pub organization_id: Option<uuid::Uuid>,
    #[serde(default)]
    pub platform_admin: bool,
}

/// A user's effective permissions (in an organization, or platform-wide), for sibling
/// services that check permissions on data they own.
pub async fn permissions(
    state: web::Data<OrgState>, path: web::Path<uuid::Uuid>, q: web::Query<PermissionsQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let set =
        crate::domain::access::effective(&mut conn, path.into_inner(), q.organization_id, q.platform_admin)
            .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "permissions": set })))
}

/// `GET /internal/v1/organizations/{org_id}/people`: who belongs to the organization, and who
/// of them holds it (owners and admins), for the compliance controls audit checks.
pub async fn people(state: web::Data<OrgState>, path: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let org_id = path.into_inner();
    let mut conn = state.pool.get().await?;
    organizations::find(&mut conn, org_id).await?.ok_or_else(no_such_organization)?;
    let roles = members::roles_in(&mut conn, org_id).await?;
    let privileged: Vec<Uuid> = roles
        .iter()
        .filter(|(_, role)| matches!(Role::parse(role), Some(Role::Owner | Role::Admin)))
        .map(|(id, _)| *id)
        .collect();
    let members: Vec<Uuid> = roles.into_iter().map(|(id, _)| id).collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "members": members, "privileged": privileged })))
}
