//! Members of an organization (`/api/v1/organizations/{org_id}/members`).

use crate::OrgState;
use crate::domain::access::OrgAccess;
use crate::domain::membership::{self, Locked};
use crate::domain::roles::{Action, Role};
use crate::handlers::org_page;
use crate::store::{members as store, users};
use actix_web::{HttpResponse, web};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use janua_core::error::refusals;
use janua_core::http::RequestMeta;
use janua_core::pagination::{Page, PageQuery};
use janua_core::{ApiError, ErrorCode};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMember {
    pub user_id: Uuid,
    /// `owner`, `admin` or `member`.
    pub role: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeRole {
    pub role: String,
}

pub use store::MemberRow as MemberView;

fn parse_role(raw: &str) -> Result<Role, ApiError> {
    Role::parse(raw).ok_or_else(|| ApiError::invalid("role", "error.accounts.role_invalid", vec![]))
}

fn no_such_member() -> ApiError {
    ApiError::keyed(ErrorCode::NotFound, "error.accounts.no_such_member", vec![])
}

/// The member's role (404 for anyone else), locked until the transaction ends: see [`Locked`].
async fn locked(conn: &mut AsyncPgConnection, org: Uuid, user: Uuid) -> Result<(Locked, Role), ApiError> {
    let member = Locked::of(conn, org, user).await?.ok_or_else(no_such_member)?;
    let role = member.built_in().ok_or_else(no_such_member)?;
    Ok((member, role))
}

async fn member_view(state: &OrgState, org: Uuid, user: Uuid) -> Result<MemberView, ApiError> {
    let mut conn = state.pool.get().await?;
    store::find(&mut conn, org, user).await?.ok_or_else(no_such_member)
}

/// Members in the order they joined.
///
/// Permissions: members of the organization.
#[utoipa::path(get, path = "/api/v1/organizations/{org_id}/members", tag = "Organizations",
    params(("org_id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Page<MemberView>), refusals::NotFound),
    security(("bearer" = [])))]
pub async fn list(
    state: web::Data<OrgState>, access: OrgAccess, q: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let key = |m: &MemberView| (m.joined_at, m.user_id);
    Ok(HttpResponse::Ok().json(org_page(&state, &access, Action::ListMembers, &q, store::list, key).await?))
}

/// The user as org knows them: from the read model, or (not seen yet) from identity.
pub(crate) async fn known_user(state: &OrgState, id: Uuid) -> Result<Option<users::User>, ApiError> {
    {
        let mut conn = state.pool.get().await?;
        if let Some(u) = users::find(&mut conn, id).await? {
            return Ok(Some(u));
        }
    }
    let Some(user) = state.identity.user(id).await? else {
        return Ok(None);
    };
    let mut conn = state.pool.get().await?;
    users::upsert(&mut conn, &user).await?;
    Ok(Some(user))
}

/// Adds a user to the organization with a role.
///
/// Permissions: owners (any role) and admins (admin or member).
#[utoipa::path(post, path = "/api/v1/organizations/{org_id}/members", tag = "Organizations",
    params(("org_id" = Uuid, Path)), request_body = AddMember,
    responses((status = 201, body = MemberView), refusals::Invalid, refusals::Forbidden, refusals::Conflict),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(org_id = %access.org.id))]
pub async fn add(
    state: web::Data<OrgState>, access: OrgAccess, meta: RequestMeta, body: web::Json<AddMember>,
) -> Result<HttpResponse, ApiError> {
    let role = parse_role(&body.role)?;
    access.require(Action::AddMember { role })?;
    if known_user(&state, body.user_id).await?.is_none() {
        return Err(ApiError::invalid("user_id", "error.accounts.no_such_user", vec![]));
    }
    let org = access.org.id;
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        if !membership::join(conn, org, body.user_id, role.as_str(), access.caller, meta.into()).await? {
            return Err(ApiError::keyed(ErrorCode::Conflict, "error.accounts.already_member", vec![]));
        }
        Ok(())
    })
    .await?;
    drop(conn);
    Ok(HttpResponse::Created().json(member_view(&state, org, body.user_id).await?))
}

/// Removes a member (or, for their own id, leaves). The last owner cannot go.
///
/// Permissions: owners (anyone), admins (admins and members), any member (themself).
#[utoipa::path(delete, path = "/api/v1/organizations/{org_id}/members/{user_id}", tag = "Organizations",
    params(("org_id" = Uuid, Path), ("user_id" = Uuid, Path)),
    responses((status = 204), refusals::Forbidden, refusals::NotFound, refusals::Conflict),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(org_id = %access.org.id))]
pub async fn remove(
    state: web::Data<OrgState>, access: OrgAccess, meta: RequestMeta, path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (org, user) = path.into_inner();
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let (member, target) = locked(conn, org, user).await?;
        access.require(Action::RemoveMember { target, is_self: user == access.caller })?;
        member.may_lose_role()?;
        membership::leave(conn, org, user, &member.role, access.caller, meta.into()).await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Changes a member's role. The last owner cannot be demoted.
///
/// Permissions: owners (any change), admins (between admin and member, never for an owner).
#[utoipa::path(put, path = "/api/v1/organizations/{org_id}/members/{user_id}/role", tag = "Organizations",
    params(("org_id" = Uuid, Path), ("user_id" = Uuid, Path)), request_body = ChangeRole,
    responses((status = 200, body = MemberView), refusals::Forbidden, refusals::NotFound, refusals::Conflict),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(org_id = %access.org.id))]
pub async fn change_role(
    state: web::Data<OrgState>, access: OrgAccess, meta: RequestMeta, path: web::Path<(Uuid, Uuid)>,
    body: web::Json<ChangeRole>,
) -> Result<HttpResponse, ApiError> {
    let (org, user) = path.into_inner();
    let to = parse_role(&body.role)?;
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let (member, target) = locked(conn, org, user).await?;
        access.require(Action::ChangeRole { target, to, is_self: user == access.caller })?;
        if target == to {
            return Ok(());
        }
        member.may_lose_role()?;
        membership::change_role(conn, org, user, to.as_str(), access.caller, meta.into()).await?;
        Ok(())
    })
    .await?;
    drop(conn);
    Ok(HttpResponse::Ok().json(member_view(&state, org, user).await?))
}
