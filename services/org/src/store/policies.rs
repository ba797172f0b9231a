use crate::store::schema::{memberships, policies};
use crate::store::wrote_one;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use janua_db::rows;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = policies)]
#[schema(as = PolicyView)]
pub struct PolicyRow {
    pub id: Uuid,
    pub organization_id: Option<Uuid>,
    pub name: String,
    pub description: Option<String>,
    pub effect: String,
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    #[schema(value_type = Object)]
    pub conditions: serde_json::Value,
    pub priority: i32,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A policy's own fields, as created and as replaced by an update.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = policies, treat_none_as_default_value = false, treat_none_as_null = true)]
pub struct Fields<'a> {
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub effect: &'a str,
    pub actions: &'a [String],
    pub resources: &'a [String],
    pub conditions: serde_json::Value,
    pub priority: i32,
}

pub async fn insert(
    conn: &mut AsyncPgConnection, id: Uuid, org: Option<Uuid>, by: Uuid, f: Fields<'_>,
) -> QueryResult<PolicyRow> {
    let values = (policies::id.eq(id), policies::organization_id.eq(org), f, policies::created_by.eq(by));
    rows::insert(conn, diesel::insert_into(policies::table).values(values)).await
}

pub async fn update(conn: &mut AsyncPgConnection, id: Uuid, f: Fields<'_>) -> QueryResult<PolicyRow> {
    rows::update(conn, policies::table.find(id), (f, policies::updated_at.eq(Utc::now()))).await
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<PolicyRow>> {
    rows::first(conn, policies::table.find(id)).await
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<bool> {
    wrote_one(conn, diesel::delete(policies::table.find(id))).await
}

/// Policies after the keyset `after`: all of them (platform admins), or those of the
/// organizations where `manager` is an owner or admin.
pub async fn list(
    conn: &mut AsyncPgConnection, manager: Option<Uuid>, after: Option<(DateTime<Utc>, Uuid)>, limit: i64,
) -> QueryResult<Vec<PolicyRow>> {
    let mut q = policies::table.into_boxed();
    if let Some(user) = manager {
        let managed = memberships::table
            .filter(memberships::user_id.eq(user))
            .filter(memberships::role.eq_any(["owner", "admin"]))
            .select(memberships::organization_id.nullable());
        q = q.filter(policies::organization_id.eq_any(managed));
    }
    if let Some(after) = after {
        q = q.filter(rows::after(policies::created_at, policies::id, after));
    }
    q.order((policies::created_at.asc(), policies::id.asc()))
        .limit(limit)
        .select(PolicyRow::as_select())
        .load(conn)
        .await
}
