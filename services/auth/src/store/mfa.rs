use crate::store::schema::{backup_codes, totp_secrets};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use janua_db::rows;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = totp_secrets)]
pub struct TotpRow {
    pub user_id: Uuid,
    pub secret_sealed: Vec<u8>,
    pub created_at: DateTime<Utc>,
    pub enabled_at: Option<DateTime<Utc>>,
    pub last_step: Option<i64>,
}

pub async fn totp(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<Option<TotpRow>> {
    rows::first(conn, totp_secrets::table.find(user_id)).await
}

pub async fn totp_enabled(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<bool> {
    let n: i64 = totp_secrets::table
        .filter(totp_secrets::user_id.eq(user_id))
        .filter(totp_secrets::enabled_at.is_not_null())
        .count()
        .get_result(conn)
        .await?;
    Ok(n > 0)
}

/// A new pending secret, replacing a pending one (an enabled secret is never replaced here).
pub async fn put_pending(conn: &mut AsyncPgConnection, user_id: Uuid, sealed: &[u8]) -> QueryResult<usize> {
    janua_db::prepared::sql(
        "INSERT INTO totp_secrets (user_id, secret_sealed) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE
         SET secret_sealed = EXCLUDED.secret_sealed, created_at = now(), last_step = NULL
         WHERE totp_secrets.enabled_at IS NULL",
    )
    .bind::<diesel::sql_types::Uuid, _>(user_id)
    .bind::<diesel::sql_types::Bytea, _>(sealed)
    .execute(conn)
    .await
}

/// Records `step` as used; false if it (or a later one) was used already: RFC 6238 section
/// 5.2, a code is accepted once.
pub async fn use_step(conn: &mut AsyncPgConnection, user_id: Uuid, step: i64) -> QueryResult<bool> {
    let n = diesel::update(
        totp_secrets::table
            .filter(totp_secrets::user_id.eq(user_id))
            .filter(totp_secrets::last_step.is_null().or(totp_secrets::last_step.lt(step))),
    )
    .set(totp_secrets::last_step.eq(step))
    .execute(conn)
    .await?;
    Ok(n == 1)
}

pub async fn enable(conn: &mut AsyncPgConnection, user_id: Uuid, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(totp_secrets::table.find(user_id))
        .set(totp_secrets::enabled_at.eq(now))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete_all(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<()> {
    diesel::delete(totp_secrets::table.find(user_id)).execute(conn).await?;
    diesel::delete(backup_codes::table.filter(backup_codes::user_id.eq(user_id))).execute(conn).await?;
    Ok(())
}

pub async fn replace_backup_codes(
    conn: &mut AsyncPgConnection, user_id: Uuid, hashes: &[[u8; 32]],
) -> QueryResult<()> {
    diesel::delete(backup_codes::table.filter(backup_codes::user_id.eq(user_id))).execute(conn).await?;
    let rows: Vec<_> = hashes
        .iter()
        .map(|h| (backup_codes::user_id.eq(user_id), backup_codes::code_hash.eq(h.to_vec())))
        .collect();
    diesel::insert_into(backup_codes::table).values(rows).execute(conn).await?;
    Ok(())
}

pub async fn backup_codes_remaining(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<i64> {
    backup_codes::table
        .filter(backup_codes::user_id.eq(user_id))
        .filter(backup_codes::used_at.is_null())
        .count()
        .get_result(conn)
        .await
}

/// Spends a backup code; false if it is unknown or spent.
pub async fn use_backup_code(
    conn: &mut AsyncPgConnection, user_id: Uuid, hash: &[u8], now: DateTime<Utc>,
) -> QueryResult<bool> {
    let n = diesel::update(
        backup_codes::table
            .filter(backup_codes::user_id.eq(user_id))
            .filter(backup_codes::code_hash.eq(hash))
            .filter(backup_codes::used_at.is_null()),
    )
    .set(backup_codes::used_at.eq(now))
    .execute(conn)
    .await?;
    Ok(n == 1)
}
