use crate::store::schema::{memberships, users};
use crate::store::wrote_one;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use janua_db::rows;
use uuid::Uuid;

pub async fn role_of(conn: &mut AsyncPgConnection, org: Uuid, user: Uuid) -> QueryResult<Option<String>> {
    memberships::table.find((org, user)).select(memberships::role).first(conn).await.optional()
}

/// Locks the membership row until the transaction ends.
pub async fn role_for_update(
    conn: &mut AsyncPgConnection, org: Uuid, user: Uuid,
) -> QueryResult<Option<String>> {
    memberships::table.find((org, user)).select(memberships::role).for_update().first(conn).await.optional()
}

#[derive(Insertable)]
#[diesel(table_name = memberships)]
struct NewMembership<'a> {
    organization_id: Uuid,
    user_id: Uuid,
    role: &'a str,
}

/// Inserts; false if already a member.
pub async fn add(conn: &mut AsyncPgConnection, org: Uuid, user: Uuid, role: &str) -> QueryResult<bool> {
    let membership = NewMembership { organization_id: org, user_id: user, role };
    wrote_one(conn, diesel::insert_into(memberships::table).values(membership).on_conflict_do_nothing()).await
}

pub async fn remove(conn: &mut AsyncPgConnection, org: Uuid, user: Uuid) -> QueryResult<bool> {
    wrote_one(conn, diesel::delete(memberships::table.find((org, user)))).await
}

pub async fn set_role(conn: &mut AsyncPgConnection, org: Uuid, user: Uuid, role: &str) -> QueryResult<bool> {
    wrote_one(conn, diesel::update(memberships::table.find((org, user))).set(memberships::role.eq(role)))
        .await
}

/// Which of `users` are members of `org`; their membership rows stay locked (shared) until
/// the transaction ends, so none of them can leave while roles are given to them.
pub async fn members_among(
    conn: &mut AsyncPgConnection, org: Uuid, users: &[Uuid],
) -> QueryResult<Vec<Uuid>> {
    memberships::table
        .filter(memberships::organization_id.eq(org))
        .filter(memberships::user_id.eq_any(users))
        .select(memberships::user_id)
        .for_share()
        .load(conn)
        .await
}

/// Owners of the organization, locked until the transaction ends (so two concurrent changes
/// cannot both leave it without one).
pub async fn owners_for_update(conn: &mut AsyncPgConnection, org: Uuid) -> QueryResult<Vec<Uuid>> {
    memberships::table
        .filter(memberships::organization_id.eq(org))
        .filter(memberships::role.eq("owner"))
        .select(memberships::user_id)
        .for_update()
        .load(conn)
        .await
}

/// A member as the API shows one.
#[derive(Debug, Queryable, serde::Serialize, utoipa::ToSchema)]
#[schema(as = MemberView)]
pub struct MemberRow {
    pub user_id: Uuid,
    pub email: Option<String>,
    pub name: Option<String>,
    pub role: String,
    pub joined_at: DateTime<Utc>,
}

/// One member.
pub async fn find(conn: &mut AsyncPgConnection, org: Uuid, user: Uuid) -> QueryResult<Option<MemberRow>> {
    Ok(select(conn, org, Some(user), None, 1).await?.pop())
}

/// Members in join order after the keyset `after` (joined_at, user id).
pub async fn list(
    conn: &mut AsyncPgConnection, org: Uuid, after: Option<(DateTime<Utc>, Uuid)>, limit: i64,
) -> QueryResult<Vec<MemberRow>> {
    select(conn, org, None, after, limit).await
}

async fn select(
    conn: &mut AsyncPgConnection, org: Uuid, only: Option<Uuid>, after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> QueryResult<Vec<MemberRow>> {
    let mut q =
        memberships::table.left_join(users::table).filter(memberships::organization_id.eq(org)).into_boxed();
    if let Some(user) = only {
        q = q.filter(memberships::user_id.eq(user));
    }
    if let Some(after) = after {
        q = q.filter(rows::after(memberships::joined_at, memberships::user_id, after));
    }
    q.order((memberships::joined_at.asc(), memberships::user_id.asc()))
        .limit(limit)
        .select((
            memberships::user_id,
            users::email.nullable(),
            users::name.nullable(),
            memberships::role,
            memberships::joined_at,
        ))
        .load::<MemberRow>(conn)
        .await
}

pub async fn remove_user_everywhere(conn: &mut AsyncPgConnection, user: Uuid) -> QueryResult<usize> {
    diesel::delete(memberships::table.filter(memberships::user_id.eq(user))).execute(conn).await
}

/// Organizations where the user is an owner.
pub async fn owned_by(conn: &mut AsyncPgConnection, user: Uuid) -> QueryResult<Vec<Uuid>> {
    memberships::table
        .filter(memberships::user_id.eq(user))
        .filter(memberships::role.eq("owner"))
        .select(memberships::organization_id)
        .load(conn)
        .await
}

/// Who inherits an organization that lost its last owner: its longest-standing admin,
/// else its longest-standing member.
pub async fn successor(conn: &mut AsyncPgConnection, org: Uuid) -> QueryResult<Option<Uuid>> {
    use diesel::dsl::sql;
    use diesel::sql_types::Integer;
    memberships::table
        .filter(memberships::organization_id.eq(org))
        .order((
            sql::<Integer>("CASE role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END"),
            memberships::joined_at.asc(),
        ))
        .select(memberships::user_id)
        .first(conn)
        .await
        .optional()
}

/// Every member of `org` with their built-in role (`owner`, `admin`, `member`).
pub async fn roles_in(conn: &mut AsyncPgConnection, org: Uuid) -> QueryResult<Vec<(Uuid, String)>> {
    memberships::table
        .filter(memberships::organization_id.eq(org))
        .select((memberships::user_id, memberships::role))
        .order(memberships::user_id)
        .load(conn)
        .await
}
