use crate::domain::user::{ProfileUpdate, User};
use crate::store::schema::users;
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use janua_db::rows;
use uuid::Uuid;

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<User>> {
    rows::first(conn, users::table.find(id)).await
}

/// Locks the user row until the transaction ends.
pub async fn find_for_update(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<User>> {
    rows::first(conn, users::table.find(id).for_update()).await
}

pub async fn find_by_email(conn: &mut AsyncPgConnection, email: &str) -> QueryResult<Option<User>> {
    rows::first(conn, users::table.filter(users::email.eq(email))).await
}

/// The user, locked until the transaction ends; an unknown id is `NotFound`.
async fn current(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<User> {
    find_for_update(conn, id).await?.ok_or(diesel::NotFound)
}

pub async fn insert(
    conn: &mut AsyncPgConnection, id: Uuid, email: &str, name: Option<&str>, roles: &[String],
    email_verified: bool, locale: &str,
) -> QueryResult<User> {
    let values = (
        users::id.eq(id),
        users::email.eq(email),
        users::name.eq(name),
        users::roles.eq(roles),
        users::email_verified.eq(email_verified),
        users::locale.eq(locale),
    );
    rows::insert(conn, diesel::insert_into(users::table).values(values)).await
}

pub async fn update_profile(
    conn: &mut AsyncPgConnection, id: Uuid, change: &ProfileUpdate,
) -> QueryResult<User> {
    let current = current(conn, id).await?;
    let name = change.name.clone().unwrap_or(current.name);
    let avatar_url = change.avatar_url.clone().unwrap_or(current.avatar_url);
    let locale = change.locale.clone().unwrap_or(current.locale);
    let metadata = change.metadata.clone().unwrap_or(current.metadata);
    let changes = (
        users::name.eq(name),
        users::avatar_url.eq(avatar_url),
        users::locale.eq(locale),
        users::metadata.eq(metadata),
        users::updated_at.eq(Utc::now()),
    );
    rows::update(conn, users::table.find(id), changes).await
}

/// Sets the email, the name (`Some(None)` clears it) and/or the locale. A new email is not
/// verified: the old address's proof says nothing about the new one.
pub async fn update_account(
    conn: &mut AsyncPgConnection, id: Uuid, email: Option<&str>, name: Option<Option<&str>>,
    locale: Option<&str>,
) -> QueryResult<User> {
    let current = current(conn, id).await?;
    let email_changed = email.is_some_and(|e| e != current.email);
    let changes = (
        users::email.eq(email.unwrap_or(&current.email)),
        users::email_verified.eq(current.email_verified && !email_changed),
        users::name.eq(name.unwrap_or(current.name.as_deref())),
        users::locale.eq(locale.unwrap_or(&current.locale)),
        users::updated_at.eq(Utc::now()),
    );
    rows::update(conn, users::table.find(id), changes).await
}

pub async fn mark_email_verified(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<User> {
    let changes = (users::email_verified.eq(true), users::updated_at.eq(Utc::now()));
    rows::update(conn, users::table.find(id), changes).await
}

/// Deletes the account, and remembers for `block_secs` (its access tokens' remaining life)
/// that its tokens are refused: the source of the block in Redis if Redis loses it.
pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid, block_secs: u64) -> QueryResult<usize> {
    use crate::store::schema::revoked_users;
    let until = Utc::now() + chrono::Duration::seconds(block_secs as i64);
    diesel::insert_into(revoked_users::table)
        .values((revoked_users::user_id.eq(id), revoked_users::until.eq(until)))
        .on_conflict(revoked_users::user_id)
        .do_update()
        .set(revoked_users::until.eq(until))
        .execute(conn)
        .await?;
    diesel::delete(users::table.find(id)).execute(conn).await
}

/// What identity restores into the revocation set: suspended users, and deleted ones whose
/// tokens may still be unexpired (with the seconds left).
pub async fn revocations(conn: &mut AsyncPgConnection) -> QueryResult<janua_tokens::revocation::Restore> {
    use crate::store::schema::revoked_users;
    let now = Utc::now();
    let blocked_users =
        users::table.filter(users::status.eq("suspended")).select(users::id).load(conn).await?;
    let users_for = revoked_users::table
        .filter(revoked_users::until.gt(now))
        .select((revoked_users::user_id, revoked_users::until))
        .load::<(Uuid, DateTime<Utc>)>(conn)
        .await?
        .into_iter()
        .map(|(id, until)| (id, (until - now).num_seconds().max(1) as u64))
        .collect();
    Ok(janua_tokens::revocation::Restore { blocked_users, users_for, ..Default::default() })
}

pub async fn set_mfa_enabled(conn: &mut AsyncPgConnection, id: Uuid, enabled: bool) -> QueryResult<User> {
    let changes = (users::mfa_enabled.eq(enabled), users::updated_at.eq(Utc::now()));
    rows::update(conn, users::table.find(id), changes).await
}

pub async fn set_status(conn: &mut AsyncPgConnection, id: Uuid, status: &str) -> QueryResult<User> {
    let changes = (users::status.eq(status), users::updated_at.eq(Utc::now()));
    rows::update(conn, users::table.find(id), changes).await
}

/// Users in sign-up order after the keyset `after`, optionally only those `search` finds
/// (see [`search_clause`]) and with a given status.
pub async fn list(
    conn: &mut AsyncPgConnection, search: Option<&str>, status: Option<&str>,
    after: Option<(DateTime<Utc>, Uuid)>, limit: i64,
) -> QueryResult<Vec<User>> {
    let mut q = users::table.into_boxed();
    if let Some(s) = search {
        q = q.filter(search_clause(s));
    }
    if let Some(st) = status {
        q = q.filter(users::status.eq(st.to_string()));
    }
    if let Some(after) = after {
        q = q.filter(rows::after(users::created_at, users::id, after));
    }
    // A search finds its rows through its indexes and sorts them: ordering by an expression
    // keeps the planner from walking the sign-up index instead, filtering row after row until
    // it has a page (the whole table when few match).
    let q = if search.is_some() {
        q.order((
            diesel::dsl::sql::<diesel::sql_types::Timestamptz>("created_at + interval '0 seconds'").asc(),
            users::id.asc(),
        ))
    } else {
        q.order((users::created_at.asc(), users::id.asc()))
    };
    q.limit(limit).select(User::as_select()).load(conn).await
}

/// What a search finds, case-insensitively: the email from its start (`ada@ex`), the
/// email's domain from its start (`example.com`), or a name with a word starting with each
/// of the search's words (`ada lov` finds Ada Lovelace). Each is an index (email and domain
/// `text_pattern_ops`, the name's words in GIN), so a search reads what it finds, however
/// many users there are; a substring through trigrams did not (a trigram every address
/// shares, of a common domain, has a posting for every user).
fn search_clause(search: &str) -> Box<dyn BoxableExpression<users::table, Pg, SqlType = Bool>> {
    use diesel::dsl::sql;
    use diesel::sql_types::Text;
    let lowered = search.to_lowercase();
    let prefix = rows::starts_with(&lowered);
    let starts = sql::<Bool>("(email LIKE ")
        .bind::<Text, _>(prefix.clone())
        .sql(" OR split_part(email, '@', 2) LIKE ")
        .bind::<Text, _>(prefix);
    // Only letters and digits reach the query text, each term quoted: nothing in a search
    // is tsquery syntax.
    let words: Vec<String> = lowered
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(|w| format!("'{w}':*"))
        .collect();
    if words.is_empty() {
        return Box::new(starts.sql(")"));
    }
    Box::new(
        starts
            .sql(" OR to_tsvector('simple'::regconfig, coalesce(name, '')) @@ to_tsquery('simple'::regconfig, ")
            .bind::<Text, _>(words.join(" & "))
            .sql("))"),
    )
}
