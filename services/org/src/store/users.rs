//! The read model of identity's users.

use crate::store::schema::users;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use janua_db::rows;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Deserialize)]
#[diesel(table_name = users)]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub name: Option<String>,
    pub status: String,
    pub updated_at: DateTime<Utc>,
    #[serde(default)]
    pub email_verified: bool,
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<User>> {
    rows::first(conn, users::table.find(id)).await
}

/// Keeps the newest version: an older event arriving late changes nothing.
pub async fn upsert(conn: &mut AsyncPgConnection, u: &User) -> QueryResult<()> {
    janua_db::prepared::sql(
        "INSERT INTO users (id, email, name, status, updated_at, email_verified) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email, name = EXCLUDED.name,
           status = EXCLUDED.status, updated_at = EXCLUDED.updated_at,
           email_verified = EXCLUDED.email_verified
         WHERE users.updated_at <= EXCLUDED.updated_at",
    )
    .bind::<diesel::sql_types::Uuid, _>(u.id)
    .bind::<diesel::sql_types::Text, _>(&u.email)
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Text>, _>(u.name.as_deref())
    .bind::<diesel::sql_types::Text, _>(&u.status)
    .bind::<diesel::sql_types::Timestamptz, _>(u.updated_at)
    .bind::<diesel::sql_types::Bool, _>(u.email_verified)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    diesel::delete(users::table.find(id)).execute(conn).await?;
    Ok(())
}

/// Whether a member of `org` has this email.
pub async fn member_with_email(conn: &mut AsyncPgConnection, org: Uuid, email: &str) -> QueryResult<bool> {
    use crate::store::schema::memberships;
    let n: i64 = memberships::table
        .inner_join(users::table)
        .filter(memberships::organization_id.eq(org))
        .filter(users::email.eq(email))
        .count()
        .get_result(conn)
        .await?;
    Ok(n > 0)
}
