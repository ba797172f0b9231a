use crate::identity_client::IdentityUser;
use crate::store::schema::user_profiles;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<IdentityUser>> {
    let profile: Option<serde_json::Value> =
        user_profiles::table.find(id).select(user_profiles::profile).first(conn).await.optional()?;
    Ok(profile.and_then(|p| serde_json::from_value(p).ok()))
}

/// Keeps the newest version: an older event arriving late changes nothing.
pub async fn upsert(conn: &mut AsyncPgConnection, user: &IdentityUser) -> QueryResult<()> {
    let profile = serde_json::to_value(user).unwrap_or_default();
    janua_db::prepared::sql(
        "INSERT INTO user_profiles (id, profile, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET profile = EXCLUDED.profile, updated_at = EXCLUDED.updated_at
         WHERE user_profiles.updated_at <= EXCLUDED.updated_at",
    )
    .bind::<diesel::sql_types::Uuid, _>(user.id)
    .bind::<diesel::sql_types::Jsonb, _>(profile)
    .bind::<diesel::sql_types::Timestamptz, _>(user.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    diesel::delete(user_profiles::table.find(id)).execute(conn).await?;
    Ok(())
}
