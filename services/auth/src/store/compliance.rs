//! What auth's tables say about the controls a compliance report checks: second factors of
//! privileged users, dormant accounts, suspended users still holding sessions, the signing key.
//! `users` narrows each question to those ids (an organization's people); `None` asks about
//! the whole platform.

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

#[derive(QueryableByName)]
struct Factor {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Bool)]
    has_factor: bool,
}

/// The privileged users (these ids, or the platform's active admins) and which of them have
/// no second factor (an enabled TOTP or a passkey).
pub async fn second_factors(
    conn: &mut AsyncPgConnection, privileged: Option<&[Uuid]>,
) -> diesel::QueryResult<(usize, Vec<Uuid>)> {
    let rows: Vec<Factor> = janua_db::prepared::sql(
        "WITH scope AS (
             SELECT id FROM user_profiles
              WHERE $1::uuid[] IS NULL AND (profile->'roles') ? 'admin' AND profile->>'status' = 'active'
             UNION SELECT unnest($1::uuid[])
         )
         SELECT s.id,
                EXISTS (SELECT 1 FROM totp_secrets t WHERE t.user_id = s.id AND t.enabled_at IS NOT NULL)
                OR EXISTS (SELECT 1 FROM passkeys k WHERE k.user_id = s.id) AS has_factor
           FROM scope s ORDER BY s.id",
    )
    .bind::<Nullable<Array<SqlUuid>>, _>(privileged)
    .load(conn)
    .await?;
    let without = rows.iter().filter(|r| !r.has_factor).map(|r| r.id).collect();
    Ok((rows.len(), without))
}

#[derive(QueryableByName)]
struct Accounts {
    #[diesel(sql_type = BigInt)]
    active: i64,
    #[diesel(sql_type = BigInt)]
    dormant: i64,
}

/// Active accounts, and those among them older than `since` with no sign-in since then.
pub async fn dormant_accounts(
    conn: &mut AsyncPgConnection, users: Option<&[Uuid]>, since: DateTime<Utc>,
) -> diesel::QueryResult<(i64, i64)> {
    let row: Accounts = janua_db::prepared::sql(
        "WITH population AS (
             SELECT id, (profile->>'created_at')::timestamptz AS created_at FROM user_profiles
              WHERE profile->>'status' = 'active' AND ($1::uuid[] IS NULL OR id = ANY($1))
         )
         SELECT count(*) AS active,
                count(*) FILTER (WHERE p.created_at < $2 AND NOT EXISTS (
                    SELECT 1 FROM sessions s WHERE s.user_id = p.id AND s.created_at >= $2)) AS dormant
           FROM population p",
    )
    .bind::<Nullable<Array<SqlUuid>>, _>(users)
    .bind::<Timestamptz, _>(since)
    .get_result(conn)
    .await?;
    Ok((row.active, row.dormant))
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Suspended users who still hold a live (unrevoked, unexpired) session.
pub async fn suspended_with_live_sessions(
    conn: &mut AsyncPgConnection, users: Option<&[Uuid]>,
) -> diesel::QueryResult<i64> {
    let row: Count = janua_db::prepared::sql(
        "SELECT count(DISTINCT s.user_id) AS n FROM sessions s JOIN user_profiles p ON p.id = s.user_id
          WHERE p.profile->>'status' = 'suspended' AND s.revoked_at IS NULL AND s.expires_at > now()
            AND ($1::uuid[] IS NULL OR s.user_id = ANY($1))",
    )
    .bind::<Nullable<Array<SqlUuid>>, _>(users)
    .get_result(conn)
    .await?;
    Ok(row.n)
}

#[derive(QueryableByName, serde::Serialize)]
pub struct SigningKey {
    #[diesel(sql_type = Text)]
    pub kid: String,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    pub signing_until: DateTime<Utc>,
}

/// The key that signs now (the newest still signing).
pub async fn current_signing_key(conn: &mut AsyncPgConnection) -> diesel::QueryResult<Option<SigningKey>> {
    use diesel::OptionalExtension;
    janua_db::prepared::sql(
        "SELECT kid, created_at, signing_until FROM signing_keys
          WHERE signing_until > now() ORDER BY created_at DESC LIMIT 1",
    )
    .get_result(conn)
    .await
    .optional()
}
