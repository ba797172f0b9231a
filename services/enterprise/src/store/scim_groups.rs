//! SCIM Groups and their members.

use crate::store::schema::{scim_group_members, scim_groups, scim_users};
use crate::store::scim_users::lower;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use janua_db::rows;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = scim_groups)]
pub struct ScimGroupRow {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub display_name: String,
    pub external_id: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A member as a group lists it: the user's id and what to display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub user_id: Uuid,
    /// The display the client sent, else the user's displayName, else userName.
    pub display: String,
    /// Whether `display` is the client's (else it is the user's own name).
    pub display_sent: bool,
}

/// A row of the organization, locked for an update when `lock`.
pub async fn find(
    conn: &mut AsyncPgConnection, org: Uuid, id: Uuid, lock: bool,
) -> QueryResult<Option<ScimGroupRow>> {
    let query =
        scim_groups::table.filter(scim_groups::id.eq(id)).filter(scim_groups::organization_id.eq(org));
    first_locked_if!(conn, query.select(ScimGroupRow::as_select()), lock)
}

/// Whether another group of the organization has this name (any case).
pub async fn name_taken(
    conn: &mut AsyncPgConnection, org: Uuid, display_name: &str, except: Option<Uuid>,
) -> QueryResult<bool> {
    let mut q = scim_groups::table
        .filter(scim_groups::organization_id.eq(org))
        .filter(lower(scim_groups::display_name).eq(display_name.to_lowercase()))
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(scim_groups::id.ne(id));
    }
    diesel::select(diesel::dsl::exists(q.select(scim_groups::id))).get_result(conn).await
}

/// A group's own fields, as created and as replaced.
#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = scim_groups, treat_none_as_default_value = false, treat_none_as_null = true)]
pub struct Names {
    pub display_name: String,
    pub external_id: Option<String>,
}

pub async fn insert(
    conn: &mut AsyncPgConnection, org: Uuid, id: Uuid, names: &Names,
) -> QueryResult<ScimGroupRow> {
    let values = (scim_groups::id.eq(id), scim_groups::organization_id.eq(org), names);
    rows::insert(conn, diesel::insert_into(scim_groups::table).values(values)).await
}

pub async fn save(
    conn: &mut AsyncPgConnection, id: Uuid, names: &Names, version: i64,
) -> QueryResult<ScimGroupRow> {
    let changes = (names, scim_groups::version.eq(version), scim_groups::updated_at.eq(Utc::now()));
    rows::update(conn, scim_groups::table.find(id), changes).await
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<bool> {
    Ok(diesel::delete(scim_groups::table.find(id)).execute(conn).await? > 0)
}

/// Makes the group's members exactly `members` (user id, the display the client sent).
pub async fn set_members(
    conn: &mut AsyncPgConnection, group: Uuid, members: &[(Uuid, Option<String>)],
) -> QueryResult<()> {
    let ids: Vec<Uuid> = members.iter().map(|(id, _)| *id).collect();
    diesel::delete(
        scim_group_members::table
            .filter(scim_group_members::group_id.eq(group))
            .filter(scim_group_members::user_id.ne_all(ids)),
    )
    .execute(conn)
    .await?;
    let rows: Vec<_> = members
        .iter()
        .map(|(user, display)| {
            (
                scim_group_members::group_id.eq(group),
                scim_group_members::user_id.eq(*user),
                scim_group_members::display.eq(display.clone()),
            )
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(scim_group_members::table)
            .values(rows)
            .on_conflict((scim_group_members::group_id, scim_group_members::user_id))
            .do_update()
            .set(scim_group_members::display.eq(diesel::upsert::excluded(scim_group_members::display)))
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// The members of each of `groups`, with the display name of each (displayName, else
/// userName), in display order.
pub async fn members_of(
    conn: &mut AsyncPgConnection, groups: &[Uuid],
) -> QueryResult<HashMap<Uuid, Vec<Member>>> {
    let rows: Vec<(Uuid, Uuid, Option<String>, String, serde_json::Value)> = scim_group_members::table
        .inner_join(scim_users::table.on(scim_users::id.eq(scim_group_members::user_id)))
        .filter(scim_group_members::group_id.eq_any(groups.to_vec()))
        .filter(scim_users::deleted_at.is_null())
        .order((scim_users::user_name.asc(), scim_users::id.asc()))
        .select((
            scim_group_members::group_id,
            scim_users::id,
            scim_group_members::display,
            scim_users::user_name,
            scim_users::resource,
        ))
        .load(conn)
        .await?;
    let mut map: HashMap<Uuid, Vec<Member>> = HashMap::new();
    for (group, user_id, sent, user_name, resource) in rows {
        let display_sent = sent.is_some();
        let display = sent.unwrap_or_else(|| {
            resource.get("displayName").and_then(|v| v.as_str()).map(str::to_owned).unwrap_or(user_name)
        });
        map.entry(group).or_default().push(Member { user_id, display, display_sent });
    }
    Ok(map)
}

/// The user ids of a group's members.
pub async fn member_ids(conn: &mut AsyncPgConnection, group: Uuid) -> QueryResult<Vec<Uuid>> {
    scim_group_members::table
        .filter(scim_group_members::group_id.eq(group))
        .select(scim_group_members::user_id)
        .load(conn)
        .await
}

/// Every group of the organization, in creation order.
pub async fn all(conn: &mut AsyncPgConnection, org: Uuid) -> QueryResult<Vec<ScimGroupRow>> {
    scim_groups::table
        .filter(scim_groups::organization_id.eq(org))
        .order((scim_groups::created_at.asc(), scim_groups::id.asc()))
        .select(ScimGroupRow::as_select())
        .load(conn)
        .await
}
