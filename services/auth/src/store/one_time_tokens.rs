//! Single-use tokens sent by email (verify, reset, magic link), stored as SHA-256. Each names
//! the address it was sent to: a token proves that address and nothing else, and the tokens
//! of an account die when its address changes.

use crate::store::schema::one_time_tokens;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use janua_db::rows;
use uuid::Uuid;

pub const PURPOSE_VERIFY_EMAIL: &str = "verify_email";
pub const PURPOSE_RESET_PASSWORD: &str = "reset_password";
pub const PURPOSE_MAGIC_LINK: &str = "magic_link";

/// A stored token: the account it was sent for (none for a sign-up by link) and the address
/// the mail went to.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = one_time_tokens)]
pub struct EmailedToken {
    pub user_id: Option<Uuid>,
    #[diesel(column_name = email)]
    pub sent_to: String,
}

/// Stores a token (its SHA-256) mailed to `sent_to`, for an account or (`None`) for an
/// address without one yet.
pub async fn insert(
    conn: &mut AsyncPgConnection, hash: &[u8], user_id: Option<Uuid>, sent_to: &str, purpose: &str,
    expires_at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(one_time_tokens::table)
        .values((
            one_time_tokens::token_hash.eq(hash),
            one_time_tokens::user_id.eq(user_id),
            one_time_tokens::email.eq(sent_to),
            one_time_tokens::purpose.eq(purpose),
            one_time_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// A token that is unused, unexpired and of this purpose, without using it: the cheap check
/// that comes before expensive work (hashing a new password).
pub async fn peek(
    conn: &mut AsyncPgConnection, hash: &[u8], purpose: &str, now: DateTime<Utc>,
) -> QueryResult<Option<EmailedToken>> {
    rows::first(conn, usable(hash, purpose, now)).await
}

/// Uses a token once: marks it used and returns it if it was unused, unexpired and of this
/// purpose. A single UPDATE makes two concurrent uses impossible.
pub async fn consume(
    conn: &mut AsyncPgConnection, hash: &[u8], purpose: &str, now: DateTime<Utc>,
) -> QueryResult<Option<EmailedToken>> {
    rows::update(conn, usable(hash, purpose, now), one_time_tokens::used_at.eq(now)).await.optional()
}

/// The token with this hash if it is of this purpose, unused and unexpired at `now`.
#[diesel::dsl::auto_type]
fn usable<'a>(hash: &'a [u8], purpose: &'a str, now: DateTime<Utc>) -> _ {
    one_time_tokens::table
        .filter(one_time_tokens::token_hash.eq(hash))
        .filter(one_time_tokens::purpose.eq(purpose))
        .filter(one_time_tokens::used_at.is_null())
        .filter(one_time_tokens::expires_at.gt(now))
}

/// The account's unused tokens; the invalidations below narrow it.
#[diesel::dsl::auto_type]
fn unused_of(user_id: Uuid) -> _ {
    one_time_tokens::table
        .filter(one_time_tokens::user_id.eq(user_id))
        .filter(one_time_tokens::used_at.is_null())
}

/// Earlier unused tokens of the same purpose stop working when a new one is sent.
pub async fn invalidate_for_user(
    conn: &mut AsyncPgConnection, user_id: Uuid, purpose: &str, now: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(unused_of(user_id).filter(one_time_tokens::purpose.eq(purpose)))
        .set(one_time_tokens::used_at.eq(now))
        .execute(conn)
        .await
}

/// Every unused token of an account mailed anywhere but `address`, whatever its purpose,
/// stops working: the account's address is now `address`, and mail sent to another proves
/// nothing any more. A token mailed to `address` itself was sent after the move (identity
/// gave that address), so a move handled late does not kill it.
pub async fn invalidate_sent_elsewhere(
    conn: &mut AsyncPgConnection, user_id: Uuid, address: &str, now: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(unused_of(user_id).filter(one_time_tokens::email.ne(address)))
        .set(one_time_tokens::used_at.eq(now))
        .execute(conn)
        .await
}

/// Every unused token of an account, whatever its purpose and address, stops working (an
/// account taken over by whoever proved its address starts with none of its registrant's).
pub async fn invalidate_all_for_user(
    conn: &mut AsyncPgConnection, user_id: Uuid, now: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(unused_of(user_id)).set(one_time_tokens::used_at.eq(now)).execute(conn).await
}
