use crate::store::schema::{refresh_tokens, sessions};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use janua_db::rows;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: Uuid,
    pub user_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<String>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub auth_method: String,
    pub auth_time: DateTime<Utc>,
}

#[derive(Insertable)]
#[diesel(table_name = sessions, treat_none_as_default_value = false)]
pub struct NewSession<'a> {
    pub id: Uuid,
    pub user_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub user_agent: Option<&'a str>,
    pub ip: Option<&'a str>,
    pub auth_method: &'a str,
    pub auth_time: DateTime<Utc>,
}

pub async fn insert(conn: &mut AsyncPgConnection, s: &NewSession<'_>) -> QueryResult<Session> {
    rows::insert(conn, diesel::insert_into(sessions::table).values(s)).await
}

pub async fn insert_refresh_token(
    conn: &mut AsyncPgConnection, session_id: Uuid, hash: &[u8],
) -> QueryResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((refresh_tokens::token_hash.eq(hash), refresh_tokens::session_id.eq(session_id)))
        .execute(conn)
        .await?;
    Ok(())
}

/// Revokes one live session; returns whether it was live.
pub async fn revoke(
    conn: &mut AsyncPgConnection, id: Uuid, reason: &str, now: DateTime<Utc>,
) -> QueryResult<bool> {
    let n = diesel::update(sessions::table.find(id).filter(sessions::revoked_at.is_null()))
        .set((sessions::revoked_at.eq(now), sessions::revoked_reason.eq(reason)))
        .execute(conn)
        .await?;
    Ok(n == 1)
}

/// Revokes every live session of a user, but `keep` if given; returns the revoked ids.
pub async fn revoke_all_of_user(
    conn: &mut AsyncPgConnection, user_id: Uuid, keep: Option<Uuid>, reason: &str, now: DateTime<Utc>,
) -> QueryResult<Vec<Uuid>> {
    let keep = keep.unwrap_or(Uuid::nil());
    diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::id.ne(keep)),
    )
    .set((sessions::revoked_at.eq(now), sessions::revoked_reason.eq(reason)))
    .returning(sessions::id)
    .get_results(conn)
    .await
}

/// What one rotation attempt found, from [`rotate_refresh_token`].
#[derive(Debug, diesel::QueryableByName)]
pub struct Rotation {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub session_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub user_id: Uuid,
    /// The session was revoked or has expired: the token is simply invalid.
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub dead: bool,
    /// `new` now continues the family; false on a live session means `old` was spent
    /// before (reuse).
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub rotated: bool,
    /// The session's last proven factor, which the new access token carries unchanged.
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub auth_time: DateTime<Utc>,
    /// The user as auth last heard of them (its read model), read in the same statement.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Jsonb>)]
    pub profile: Option<serde_json::Value>,
}

/// One statement, one round trip: locks the presented token's row and its session, and if
/// the session is live and the token unspent, spends it, stamps the session's last use and
/// chains `new` to the family. `None` if no such token exists. Under concurrency the row
/// lock makes a second presenter of the same token see it spent (reuse).
pub async fn rotate_refresh_token(
    conn: &mut AsyncPgConnection, old: &[u8], new: &[u8], now: DateTime<Utc>,
) -> QueryResult<Option<Rotation>> {
    janua_db::prepared::sql(
        "WITH cur AS (
             SELECT rt.session_id, s.user_id, s.auth_time,
                    (s.revoked_at IS NOT NULL OR s.expires_at <= $3) AS dead
             FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id
             WHERE rt.token_hash = $1
             FOR UPDATE OF rt, s),
         spent AS (
             UPDATE refresh_tokens SET spent_at = $3
             WHERE token_hash = $1 AND spent_at IS NULL
               AND EXISTS (SELECT 1 FROM cur WHERE NOT dead)
             RETURNING session_id),
         touched AS (
             UPDATE sessions SET last_used_at = $3
             WHERE id IN (SELECT session_id FROM spent)
             RETURNING id),
         chained AS (
             INSERT INTO refresh_tokens (token_hash, session_id)
             SELECT $2, id FROM touched
             RETURNING session_id)
         SELECT cur.session_id, cur.user_id, cur.dead, cur.auth_time,
                EXISTS (SELECT 1 FROM chained) AS rotated,
                (SELECT profile FROM user_profiles WHERE id = cur.user_id) AS profile
         FROM cur",
    )
    .bind::<diesel::sql_types::Bytea, _>(old)
    .bind::<diesel::sql_types::Bytea, _>(new)
    .bind::<diesel::sql_types::Timestamptz, _>(now)
    .get_result::<Rotation>(conn)
    .await
    .optional()
}

/// Live sessions of a user, newest first, after `before` (keyset on the time-ordered id).
pub async fn list_active(
    conn: &mut AsyncPgConnection, user_id: Uuid, before: Option<Uuid>, limit: i64, now: DateTime<Utc>,
) -> QueryResult<Vec<Session>> {
    let mut query = sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now))
        .order(sessions::id.desc())
        .limit(limit)
        .select(Session::as_select())
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(sessions::id.lt(before));
    }
    query.load(conn).await
}

/// One live session of this user (another user's id finds nothing).
pub async fn find_active(
    conn: &mut AsyncPgConnection, user_id: Uuid, id: Uuid, now: DateTime<Utc>,
) -> QueryResult<Option<Session>> {
    rows::first(conn, live_session(user_id, id, now)).await
}

/// Records a factor proven now in a live session of the user (re-authentication): the next
/// access tokens of the session carry this `auth_time`. False if the session is not live.
pub async fn touch_auth_time(
    conn: &mut AsyncPgConnection, user_id: Uuid, id: Uuid, now: DateTime<Utc>,
) -> QueryResult<bool> {
    Ok(diesel::update(live_session(user_id, id, now)).set(sessions::auth_time.eq(now)).execute(conn).await?
        == 1)
}

/// The session `id` of this user if it is live (neither revoked nor expired at `now`).
#[diesel::dsl::auto_type]
fn live_session(user_id: Uuid, id: Uuid, now: DateTime<Utc>) -> _ {
    sessions::table
        .filter(sessions::id.eq(id))
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now))
}

/// What auth restores into the revocation set: sessions revoked recently enough that an
/// access token of theirs may be unexpired (`within_secs`), with the seconds left.
pub async fn revocations(
    conn: &mut AsyncPgConnection, within_secs: u64,
) -> QueryResult<janua_tokens::revocation::Restore> {
    let now = Utc::now();
    let since = now - chrono::Duration::seconds(within_secs as i64);
    let revoked: Vec<(Uuid, Option<DateTime<Utc>>)> = sessions::table
        .filter(sessions::revoked_at.gt(since))
        .select((sessions::id, sessions::revoked_at))
        .load(conn)
        .await?;
    let sessions = revoked
        .into_iter()
        .filter_map(|(id, at)| Some((id, (within_secs as i64 - (now - at?).num_seconds()).max(1) as u64)))
        .collect();
    Ok(janua_tokens::revocation::Restore { sessions, ..Default::default() })
}
