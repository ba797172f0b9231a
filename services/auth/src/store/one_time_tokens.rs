use crate::store::schema::one_time_tokens;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

pub const PURPOSE_VERIFY_EMAIL: &str = "verify_email";
pub const PURPOSE_RESET_PASSWORD: &str = "reset_password";
pub const PURPOSE_MAGIC_LINK: &str = "magic_link";

/// Stores a token (its SHA-256) for a user, or for an email without an account yet.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    hash: &[u8],
    holder: &Holder,
    purpose: &str,
    expires_at: DateTime<Utc>,
) -> QueryResult<()> {
    let (user_id, email) = match holder {
        Holder::User(id) => (Some(*id), None),
        Holder::Email(email) => (None, Some(email.as_str())),
    };
    diesel::insert_into(one_time_tokens::table)
        .values((
            one_time_tokens::token_hash.eq(hash),
            one_time_tokens::user_id.eq(user_id),
            one_time_tokens::email.eq(email),
            one_time_tokens::purpose.eq(purpose),
            one_time_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Uses a token of a user once: marks it used and returns its user if it was unused,
/// unexpired and of this purpose. A single UPDATE makes two concurrent uses impossible.
pub async fn consume(
    conn: &mut AsyncPgConnection,
    hash: &[u8],
    purpose: &str,
    now: DateTime<Utc>,
) -> QueryResult<Option<Uuid>> {
    Ok(match consume_for_holder(conn, hash, purpose, now).await? {
        Some(Holder::User(id)) => Some(id),
        _ => None,
    })
}

/// Who a consumed token was for: an existing user, or (sign-up by link) an email.
pub enum Holder {
    User(Uuid),
    Email(String),
}

/// Uses a token once (see [`consume`]); it may name an email instead of a user.
pub async fn consume_for_holder(
    conn: &mut AsyncPgConnection,
    hash: &[u8],
    purpose: &str,
    now: DateTime<Utc>,
) -> QueryResult<Option<Holder>> {
    let row: Option<(Option<Uuid>, Option<String>)> = diesel::update(
        one_time_tokens::table
            .filter(one_time_tokens::token_hash.eq(hash))
            .filter(one_time_tokens::purpose.eq(purpose))
            .filter(one_time_tokens::used_at.is_null())
            .filter(one_time_tokens::expires_at.gt(now)),
    )
    .set(one_time_tokens::used_at.eq(now))
    .returning((one_time_tokens::user_id, one_time_tokens::email))
    .get_result(conn)
    .await
    .optional()?;
    Ok(match row {
        Some((Some(id), _)) => Some(Holder::User(id)),
        Some((None, Some(email))) => Some(Holder::Email(email)),
        _ => None,
    })
}

/// Earlier unused tokens of the same purpose stop working when a new one is sent.
pub async fn invalidate_for_user(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    purpose: &str,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(
        one_time_tokens::table
            .filter(one_time_tokens::user_id.eq(user_id))
            .filter(one_time_tokens::purpose.eq(purpose))
            .filter(one_time_tokens::used_at.is_null()),
    )
    .set(one_time_tokens::used_at.eq(now))
    .execute(conn)
    .await
}
