use crate::store::schema::credentials;
use chrono::Utc;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

pub async fn password_hash(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<Option<String>> {
    credentials::table.find(user_id).select(credentials::password_hash).first(conn).await.optional()
}

pub async fn upsert(conn: &mut AsyncPgConnection, user_id: Uuid, hash: &str) -> QueryResult<()> {
    diesel::insert_into(credentials::table)
        .values((credentials::user_id.eq(user_id), credentials::password_hash.eq(hash)))
        .on_conflict(credentials::user_id)
        .do_update()
        .set((credentials::password_hash.eq(hash), credentials::updated_at.eq(Utc::now())))
        .execute(conn)
        .await?;
    Ok(())
}

/// Everything auth keeps about a user, for `user.deleted` (each service deletes its own
/// data). Returns the ids of the sessions that were still live.
pub async fn delete_user_data(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<Vec<Uuid>> {
    use diesel::sql_types;
    #[derive(QueryableByName)]
    struct Sid {
        #[diesel(sql_type = sql_types::Uuid)]
        id: Uuid,
    }
    let live: Vec<Sid> =
        janua_db::prepared::sql("SELECT id FROM sessions WHERE user_id = $1 AND revoked_at IS NULL")
            .bind::<sql_types::Uuid, _>(user_id)
            .load(conn)
            .await?;
    for table in [
        "sessions",
        "credentials",
        "one_time_tokens",
        "totp_secrets",
        "backup_codes",
        "passkeys",
        "oauth_links",
    ] {
        diesel::sql_query(format!("DELETE FROM {table} WHERE user_id = $1"))
            .bind::<sql_types::Uuid, _>(user_id)
            .execute(conn)
            .await?;
    }
    Ok(live.into_iter().map(|s| s.id).collect())
}
