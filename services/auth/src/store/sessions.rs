use crate::store::schema::{refresh_tokens, sessions};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
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
}

pub struct NewSession<'a> {
    pub id: Uuid,
    pub user_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub user_agent: Option<&'a str>,
    pub ip: Option<&'a str>,
    pub auth_method: &'a str,
}

pub async fn insert(conn: &mut AsyncPgConnection, s: &NewSession<'_>) -> QueryResult<Session> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(s.id),
            sessions::user_id.eq(s.user_id),
            sessions::expires_at.eq(s.expires_at),
            sessions::user_agent.eq(s.user_agent),
            sessions::ip.eq(s.ip),
            sessions::auth_method.eq(s.auth_method),
        ))
        .returning(Session::as_returning())
        .get_result(conn)
        .await
}

pub async fn insert_refresh_token(
    conn: &mut AsyncPgConnection,
    session_id: Uuid,
    hash: &[u8],
) -> QueryResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(hash),
            refresh_tokens::session_id.eq(session_id),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// The refresh token's row and its session, locked for the rotation.
pub async fn lock_by_refresh_hash(
    conn: &mut AsyncPgConnection,
    hash: &[u8],
) -> QueryResult<Option<(Option<DateTime<Utc>>, Session)>> {
    refresh_tokens::table
        .inner_join(sessions::table)
        .filter(refresh_tokens::token_hash.eq(hash))
        .select((refresh_tokens::spent_at, Session::as_select()))
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// Revokes one live session; returns whether it was live.
pub async fn revoke(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let n = diesel::update(sessions::table.find(id).filter(sessions::revoked_at.is_null()))
        .set((sessions::revoked_at.eq(now), sessions::revoked_reason.eq(reason)))
        .execute(conn)
        .await?;
    Ok(n == 1)
}

/// Revokes every live session of a user, but `keep` if given; returns the revoked ids.
pub async fn revoke_all_of_user(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    keep: Option<Uuid>,
    reason: &str,
    now: DateTime<Utc>,
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

/// Spends `old` and chains `new` to the same session in one statement (one round trip): the
/// old token is marked spent only if it still was unspent, the session's last use is
/// stamped, and the successor is inserted. `None` if another request spent `old` first.
pub async fn rotate_refresh_token(
    conn: &mut AsyncPgConnection,
    old: &[u8],
    new: &[u8],
    now: DateTime<Utc>,
) -> QueryResult<Option<Uuid>> {
    #[derive(diesel::QueryableByName)]
    struct Rotated {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        session_id: Uuid,
    }
    diesel::sql_query(
        "WITH spent AS (
             UPDATE refresh_tokens SET spent_at = $3
             WHERE token_hash = $1 AND spent_at IS NULL
             RETURNING session_id),
         touched AS (
             UPDATE sessions SET last_used_at = $3
             WHERE id IN (SELECT session_id FROM spent)
             RETURNING id)
         INSERT INTO refresh_tokens (token_hash, session_id)
         SELECT $2, id FROM touched
         RETURNING session_id",
    )
    .bind::<diesel::sql_types::Bytea, _>(old)
    .bind::<diesel::sql_types::Bytea, _>(new)
    .bind::<diesel::sql_types::Timestamptz, _>(now)
    .get_result::<Rotated>(conn)
    .await
    .optional()
    .map(|r| r.map(|r| r.session_id))
}
