use crate::store::schema::{memberships, role_assignments, roles};
use crate::store::wrote_one;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use janua_db::rows;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = roles)]
pub struct RoleRow {
    pub id: Uuid,
    pub organization_id: Option<Uuid>,
    pub name: String,
    pub description: Option<String>,
    pub permissions: Vec<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Insertable)]
#[diesel(table_name = roles, treat_none_as_default_value = false)]
struct NewRole<'a> {
    id: Uuid,
    organization_id: Option<Uuid>,
    name: &'a str,
    description: Option<&'a str>,
    permissions: &'a [String],
    created_by: Uuid,
}

pub async fn insert(
    conn: &mut AsyncPgConnection, id: Uuid, org: Option<Uuid>, name: &str, description: Option<&str>,
    permissions: &[String], by: Uuid,
) -> QueryResult<RoleRow> {
    let role = new_role(id, org, name, description, permissions, by);
    rows::insert(conn, diesel::insert_into(roles::table).values(role)).await
}

fn new_role<'a>(
    id: Uuid, organization_id: Option<Uuid>, name: &'a str, description: Option<&'a str>,
    permissions: &'a [String], created_by: Uuid,
) -> NewRole<'a> {
    NewRole { id, organization_id, name, description, permissions, created_by }
}

pub async fn update(
    conn: &mut AsyncPgConnection, id: Uuid, name: &str, description: Option<&str>, permissions: &[String],
) -> QueryResult<RoleRow> {
    let changes = (
        roles::name.eq(name),
        roles::description.eq(description),
        roles::permissions.eq(permissions),
        roles::updated_at.eq(Utc::now()),
    );
    rows::update(conn, roles::table.find(id), changes).await
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<RoleRow>> {
    rows::first(conn, roles::table.find(id)).await
}

/// Locks the role row until the transaction ends.
pub async fn find_for_update(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<RoleRow>> {
    rows::first(conn, roles::table.find(id).for_update()).await
}

/// Inserts a role with a caller-chosen id; None if that id exists already (a concurrent
/// creation waits for the other and then sees its row). A taken name is still an error.
pub async fn insert_if_absent(
    conn: &mut AsyncPgConnection, id: Uuid, org: Option<Uuid>, name: &str, description: Option<&str>,
    permissions: &[String], by: Uuid,
) -> QueryResult<Option<RoleRow>> {
    let role = new_role(id, org, name, description, permissions, by);
    let insert = diesel::insert_into(roles::table).values(role).on_conflict(roles::id).do_nothing();
    rows::insert(conn, insert).await.optional()
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<bool> {
    wrote_one(conn, diesel::delete(roles::table.find(id))).await
}

/// Custom roles the user may see: platform-wide ones, and those of the user's organizations
/// (all of them for a platform admin).
pub async fn visible(
    conn: &mut AsyncPgConnection, user: Uuid, platform_admin: bool,
) -> QueryResult<Vec<RoleRow>> {
    let mut q = roles::table.into_boxed();
    if !platform_admin {
        let mine = memberships::table
            .filter(memberships::user_id.eq(user))
            .select(memberships::organization_id.nullable());
        q = q.filter(roles::organization_id.is_null().or(roles::organization_id.eq_any(mine)));
    }
    q.order((roles::created_at.asc(), roles::id.asc()))
        .limit(1000)
        .select(RoleRow::as_select())
        .load(conn)
        .await
}

#[derive(Insertable)]
#[diesel(table_name = role_assignments)]
struct NewAssignment {
    user_id: Uuid,
    role_id: Uuid,
    assigned_by: Uuid,
}

/// Assigns; false if held already.
pub async fn assign(conn: &mut AsyncPgConnection, user: Uuid, role: Uuid, by: Uuid) -> QueryResult<bool> {
    let assignment = NewAssignment { user_id: user, role_id: role, assigned_by: by };
    wrote_one(conn, diesel::insert_into(role_assignments::table).values(assignment).on_conflict_do_nothing())
        .await
}

pub async fn unassign(conn: &mut AsyncPgConnection, user: Uuid, role: Uuid) -> QueryResult<bool> {
    wrote_one(conn, diesel::delete(role_assignments::table.find((user, role)))).await
}

/// Who holds the role, sorted.
pub async fn holders(conn: &mut AsyncPgConnection, role: Uuid) -> QueryResult<Vec<Uuid>> {
    role_assignments::table
        .filter(role_assignments::role_id.eq(role))
        .select(role_assignments::user_id)
        .order(role_assignments::user_id.asc())
        .load(conn)
        .await
}

/// The custom roles a user holds that count in `org` (that organization's, and
/// platform-wide ones).
pub async fn held(conn: &mut AsyncPgConnection, user: Uuid, org: Option<Uuid>) -> QueryResult<Vec<RoleRow>> {
    let mut q = role_assignments::table
        .inner_join(roles::table)
        .filter(role_assignments::user_id.eq(user))
        .into_boxed();
    q = match org {
        Some(org) => q.filter(roles::organization_id.is_null().or(roles::organization_id.eq(org))),
        None => q.filter(roles::organization_id.is_null()),
    };
    q.select(RoleRow::as_select()).load(conn).await
}

/// A user's assignments in one organization end when they leave it.
pub async fn unassign_in_org(conn: &mut AsyncPgConnection, user: Uuid, org: Uuid) -> QueryResult<usize> {
    let in_org = roles::table.filter(roles::organization_id.eq(org)).select(roles::id);
    diesel::delete(
        role_assignments::table
            .filter(role_assignments::user_id.eq(user))
            .filter(role_assignments::role_id.eq_any(in_org)),
    )
    .execute(conn)
    .await
}

pub async fn unassign_all(conn: &mut AsyncPgConnection, user: Uuid) -> QueryResult<usize> {
    diesel::delete(role_assignments::table.filter(role_assignments::user_id.eq(user))).execute(conn).await
}
