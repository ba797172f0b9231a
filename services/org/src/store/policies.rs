use crate::store::schema::{memberships, policies};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
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
    conn: &mut AsyncPgConnection,
    id: Uuid,
    org: Option<Uuid>,
    by: Uuid,
    f: Fields<'_>,
) -> QueryResult<PolicyRow> {
    diesel::insert_into(policies::table)
        .values((
            policies::id.eq(id),
            policies::organization_id.eq(org),
            policies::name.eq(f.name),
            policies::description.eq(f.description),
            policies::effect.eq(f.effect),
            policies::actions.eq(f.actions),
            policies::resources.eq(f.resources),
            policies::conditions.eq(f.conditions),
            policies::priority.eq(f.priority),
            policies::created_by.eq(by),
        ))
        .returning(PolicyRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn update(conn: &mut AsyncPgConnection, id: Uuid, f: Fields<'_>) -> QueryResult<PolicyRow> {
    diesel::update(policies::table.find(id))
        .set((
            policies::name.eq(f.name),
            policies::description.eq(f.description),
            policies::effect.eq(f.effect),
            policies::actions.eq(f.actions),
            policies::resources.eq(f.resources),
            policies::conditions.eq(f.conditions),
            policies::priority.eq(f.priority),
            policies::updated_at.eq(Utc::now()),
        ))
        .returning(PolicyRow::as_returning())
        .get_result(conn)
        .await
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<PolicyRow>> {
    policies::table
        .find(id)
        .select(PolicyRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<bool> {
    Ok(diesel::delete(policies::table.find(id)).execute(conn).await? == 1)
}

/// Policies after the keyset `after`: all of them (platform admins), or those of the
/// organizations where `manager` is an owner or admin.
pub async fn list(
    conn: &mut AsyncPgConnection,
    manager: Option<Uuid>,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> QueryResult<Vec<PolicyRow>> {
    let mut q = policies::table.into_boxed();
    if let Some(user) = manager {
        let managed = memberships::table
            .filter(memberships::user_id.eq(user))
            .filter(memberships::role.eq_any(["owner", "admin"]))
            .select(memberships::organization_id.nullable());
        q = q.filter(policies::organization_id.eq_any(managed));
    }
    if let Some((at, id)) = after {
        q = q.filter(
            policies::created_at
                .gt(at)
                .or(policies::created_at.eq(at).and(policies::id.gt(id))),
        );
    }
    q.order((policies::created_at.asc(), policies::id.asc()))
        .limit(limit)
        .select(PolicyRow::as_select())
        .load(conn)
        .await
}
