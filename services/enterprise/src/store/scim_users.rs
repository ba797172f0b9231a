//! SCIM Users as the enterprise service keeps them (see the migration for the life cycle:
//! pending, live, tombstoned).

use crate::store::schema::{scim_group_members, scim_groups, scim_users};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use janua_db::rows;
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

diesel::define_sql_function!(fn lower(x: Text) -> Text);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = scim_users)]
pub struct ScimUserRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub user_name: String,
    pub external_id: Option<String>,
    pub emails: Vec<String>,
    pub resource: Value,
    pub active: bool,
    pub version: i64,
    pub pending: bool,
    pub has_account: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

impl ScimUserRow {
    /// Listed and readable: created all the way and not deleted.
    pub fn is_live(&self) -> bool {
        !self.pending && self.deleted_at.is_none()
    }
}

/// A row of the organization in any state, locked for an update when `lock`.
pub async fn find(
    conn: &mut AsyncPgConnection, org: Uuid, id: Uuid, lock: bool,
) -> QueryResult<Option<ScimUserRow>> {
    let query = scim_users::table.filter(scim_users::id.eq(id)).filter(scim_users::organization_id.eq(org));
    first_locked_if!(conn, query.select(ScimUserRow::as_select()), lock)
}

/// The row holding `user_name` (any case) in the organization, in any state.
pub async fn find_by_user_name(
    conn: &mut AsyncPgConnection, org: Uuid, user_name: &str,
) -> QueryResult<Option<ScimUserRow>> {
    scim_users::table
        .filter(scim_users::organization_id.eq(org))
        .filter(lower(scim_users::user_name).eq(user_name.to_lowercase()))
        .select(ScimUserRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Reserves `user_name` for a new user before identity is asked for the account.
pub async fn insert_pending(
    conn: &mut AsyncPgConnection, org: Uuid, id: Uuid, user_name: &str, resource: &Value,
) -> QueryResult<ScimUserRow> {
    let values = (
        scim_users::id.eq(id),
        scim_users::organization_id.eq(org),
        scim_users::user_name.eq(user_name),
        scim_users::resource.eq(resource),
        scim_users::pending.eq(true),
    );
    rows::insert(conn, diesel::insert_into(scim_users::table).values(values)).await
}

/// Drops a reservation whose account could not be made.
pub async fn delete_pending(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    diesel::delete(scim_users::table.filter(scim_users::id.eq(id)).filter(scim_users::pending.eq(true)))
        .execute(conn)
        .await?;
    Ok(())
}

/// What a write stores (besides making the user live).
#[derive(AsChangeset)]
#[diesel(table_name = scim_users, treat_none_as_null = true)]
pub struct Write<'a> {
    pub user_name: &'a str,
    pub external_id: Option<&'a str>,
    pub emails: Vec<String>,
    pub resource: &'a Value,
    pub active: bool,
    pub version: i64,
    pub has_account: bool,
}

/// Stores the resource as live (creating, reviving or replacing).
pub async fn save(conn: &mut AsyncPgConnection, id: Uuid, w: Write<'_>) -> QueryResult<ScimUserRow> {
    let live = (
        scim_users::pending.eq(false),
        scim_users::deleted_at.eq(None::<DateTime<Utc>>),
        scim_users::updated_at.eq(Utc::now()),
    );
    rows::update(conn, scim_users::table.find(id), (w, live)).await
}

/// Marks a user deleted: gone from SCIM, its account deactivated by the caller.
pub async fn tombstone(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    let now = Utc::now();
    diesel::update(scim_users::table.filter(scim_users::id.eq(id)))
        .set((
            scim_users::deleted_at.eq(Some(now)),
            scim_users::active.eq(false),
            scim_users::version.eq(scim_users::version + 1),
            scim_users::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    diesel::delete(scim_group_members::table.filter(scim_group_members::user_id.eq(id)))
        .execute(conn)
        .await?;
    Ok(())
}

fn live(org: Uuid) -> scim_users::BoxedQuery<'static, diesel::pg::Pg> {
    scim_users::table
        .filter(scim_users::organization_id.eq(org))
        .filter(scim_users::deleted_at.is_null())
        .filter(scim_users::pending.eq(false))
        .into_boxed()
}

/// How many live users the organization has.
pub async fn count(conn: &mut AsyncPgConnection, org: Uuid) -> QueryResult<i64> {
    live(org).count().get_result(conn).await
}

/// One page of live users in creation order.
pub async fn page(
    conn: &mut AsyncPgConnection, org: Uuid, offset: i64, limit: i64,
) -> QueryResult<Vec<ScimUserRow>> {
    in_order(conn, live(org).offset(offset).limit(limit)).await
}

/// The users `query` selects, in creation order.
async fn in_order(
    conn: &mut AsyncPgConnection, query: scim_users::BoxedQuery<'static, diesel::pg::Pg>,
) -> QueryResult<Vec<ScimUserRow>> {
    query
        .order((scim_users::created_at.asc(), scim_users::id.asc()))
        .select(ScimUserRow::as_select())
        .load(conn)
        .await
}

/// Every live user, in creation order (filters no index answers).
pub async fn all(conn: &mut AsyncPgConnection, org: Uuid) -> QueryResult<Vec<ScimUserRow>> {
    page(conn, org, 0, i64::MAX).await
}

/// Live users by an indexed attribute.
pub async fn by_ids(conn: &mut AsyncPgConnection, org: Uuid, ids: &[Uuid]) -> QueryResult<Vec<ScimUserRow>> {
    in_order(conn, live(org).filter(scim_users::id.eq_any(ids.to_vec()))).await
}

pub async fn by_external_ids(
    conn: &mut AsyncPgConnection, org: Uuid, values: &[String],
) -> QueryResult<Vec<ScimUserRow>> {
    in_order(conn, live(org).filter(scim_users::external_id.eq_any(values.to_vec()))).await
}

pub async fn by_user_names(
    conn: &mut AsyncPgConnection, org: Uuid, values: &[String],
) -> QueryResult<Vec<ScimUserRow>> {
    let lowered: Vec<String> = values.iter().map(|v| v.to_lowercase()).collect();
    in_order(conn, live(org).filter(lower(scim_users::user_name).eq_any(lowered))).await
}

pub async fn by_emails(
    conn: &mut AsyncPgConnection, org: Uuid, values: &[String],
) -> QueryResult<Vec<ScimUserRow>> {
    let lowered: Vec<String> = values.iter().map(|v| v.to_lowercase()).collect();
    in_order(conn, live(org).filter(scim_users::emails.overlaps_with(lowered))).await
}

/// Which of `ids` are live users of the organization.
pub async fn live_ids(conn: &mut AsyncPgConnection, org: Uuid, ids: &[Uuid]) -> QueryResult<Vec<Uuid>> {
    live(org).filter(scim_users::id.eq_any(ids.to_vec())).select(scim_users::id).load(conn).await
}

/// Which of `ids` are live users of the organization with a Janua account (org knows them).
pub async fn with_accounts(conn: &mut AsyncPgConnection, org: Uuid, ids: &[Uuid]) -> QueryResult<Vec<Uuid>> {
    live(org)
        .filter(scim_users::id.eq_any(ids.to_vec()))
        .filter(scim_users::has_account.eq(true))
        .select(scim_users::id)
        .load(conn)
        .await
}

/// The groups (id, displayName) of each of `users`.
pub async fn groups_of(
    conn: &mut AsyncPgConnection, users: &[Uuid],
) -> QueryResult<HashMap<Uuid, Vec<(Uuid, String)>>> {
    let rows: Vec<(Uuid, Uuid, String)> = scim_group_members::table
        .inner_join(scim_groups::table)
        .filter(scim_group_members::user_id.eq_any(users.to_vec()))
        .order((scim_groups::display_name.asc(), scim_groups::id.asc()))
        .select((scim_group_members::user_id, scim_groups::id, scim_groups::display_name))
        .load(conn)
        .await?;
    let mut map: HashMap<Uuid, Vec<(Uuid, String)>> = HashMap::new();
    for (user, group, name) in rows {
        map.entry(user).or_default().push((group, name));
    }
    Ok(map)
}
