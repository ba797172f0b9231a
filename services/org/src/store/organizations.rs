use crate::store::schema::{memberships, organizations};
use crate::store::wrote_one;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use janua_db::rows;
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = organizations)]
pub struct Organization {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    pub description: Option<String>,
    #[schema(value_type = Object)]
    pub metadata: serde_json::Value,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The language of its mail (an invitation's, unless the invitation names one).
    pub locale: Option<String>,
    /// Shown at the top of its mail.
    pub logo_url: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = organizations, treat_none_as_default_value = false)]
pub struct NewOrganization<'a> {
    pub id: Uuid,
    pub name: &'a str,
    pub slug: &'a str,
    pub description: Option<&'a str>,
    pub metadata: serde_json::Value,
    pub created_by: Uuid,
    pub locale: Option<&'a str>,
    pub logo_url: Option<&'a str>,
}

/// Inserts; None if the slug is taken.
pub async fn insert(
    conn: &mut AsyncPgConnection, o: NewOrganization<'_>,
) -> QueryResult<Option<Organization>> {
    let insert =
        diesel::insert_into(organizations::table).values(o).on_conflict(organizations::slug).do_nothing();
    rows::insert(conn, insert).await.optional()
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Organization>> {
    rows::first(conn, organizations::table.find(id)).await
}

pub struct Changes<'a> {
    pub name: Option<&'a str>,
    pub slug: Option<&'a str>,
    pub description: Option<Option<&'a str>>,
    pub metadata: Option<serde_json::Value>,
    pub locale: Option<Option<&'a str>>,
    pub logo_url: Option<Option<&'a str>>,
}

/// The organization with this slug.
pub async fn find_by_slug(conn: &mut AsyncPgConnection, slug: &str) -> QueryResult<Option<Organization>> {
    rows::first(conn, organizations::table.filter(organizations::slug.eq(slug))).await
}

/// Applies the given changes; Ok(None) if the new slug is taken.
pub async fn update(
    conn: &mut AsyncPgConnection, id: Uuid, c: Changes<'_>,
) -> QueryResult<Option<Organization>> {
    let current: Organization =
        rows::first(conn, organizations::table.find(id).for_update()).await?.ok_or(diesel::NotFound)?;
    if let Some(slug) = c.slug
        && slug != current.slug
    {
        let taken: i64 =
            organizations::table.filter(organizations::slug.eq(slug)).count().get_result(conn).await?;
        if taken > 0 {
            return Ok(None);
        }
    }
    let changes = (
        organizations::name.eq(c.name.unwrap_or(&current.name)),
        organizations::slug.eq(c.slug.unwrap_or(&current.slug)),
        organizations::description.eq(c.description.unwrap_or(current.description.as_deref())),
        organizations::metadata.eq(c.metadata.unwrap_or(current.metadata.clone())),
        organizations::locale.eq(c.locale.unwrap_or(current.locale.as_deref())),
        organizations::logo_url.eq(c.logo_url.unwrap_or(current.logo_url.as_deref())),
        organizations::updated_at.eq(Utc::now()),
    );
    rows::update(conn, organizations::table.find(id), changes).await.map(Some)
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<bool> {
    wrote_one(conn, diesel::delete(organizations::table.find(id))).await
}

/// The organizations a user belongs to with their role, oldest membership first, after the
/// keyset `after` (joined_at, organization id).
pub async fn of_user(
    conn: &mut AsyncPgConnection, user_id: Uuid, after: Option<(DateTime<Utc>, Uuid)>, limit: i64,
) -> QueryResult<Vec<(Organization, String, DateTime<Utc>)>> {
    let mut q = memberships::table
        .inner_join(organizations::table)
        .filter(memberships::user_id.eq(user_id))
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(rows::after(memberships::joined_at, memberships::organization_id, after));
    }
    q.order((memberships::joined_at.asc(), memberships::organization_id.asc()))
        .limit(limit)
        .select((Organization::as_select(), memberships::role, memberships::joined_at))
        .load(conn)
        .await
}
