use crate::store::schema::credentials;
use chrono::Utc;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

pub async fn password_hash(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<Option<String>> {
    credentials::table
        .find(user_id)
        .select(credentials::password_hash)
        .first(conn)
        .await
        .optional()
}

pub async fn upsert(conn: &mut AsyncPgConnection, user_id: Uuid, hash: &str) -> QueryResult<()> {
    diesel::insert_into(credentials::table)
        .values((
            credentials::user_id.eq(user_id),
            credentials::password_hash.eq(hash),
        ))
        .on_conflict(credentials::user_id)
        .do_update()
        .set((
            credentials::password_hash.eq(hash),
            credentials::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await?;
    Ok(())
}
