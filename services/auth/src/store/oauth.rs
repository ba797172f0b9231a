//! Linked provider accounts and started authorization-code flows.

use crate::store::schema::{oauth_flows, oauth_links};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use janua_db::rows;
use uuid::Uuid;

pub async fn count_links(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<i64> {
    oauth_links::table.filter(oauth_links::user_id.eq(user_id)).count().get_result(conn).await
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = oauth_links)]
pub struct Link {
    pub id: Uuid,
    pub user_id: Uuid,
    pub provider: String,
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

pub async fn link_of(
    conn: &mut AsyncPgConnection, provider: &str, subject: &str,
) -> QueryResult<Option<Link>> {
    let link = oauth_links::table
        .filter(oauth_links::provider.eq(provider))
        .filter(oauth_links::subject.eq(subject));
    rows::first(conn, link).await
}

pub async fn links_of_user(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<Vec<Link>> {
    oauth_links::table
        .filter(oauth_links::user_id.eq(user_id))
        .order(oauth_links::created_at.asc())
        .select(Link::as_select())
        .load(conn)
        .await
}

#[derive(Insertable)]
#[diesel(table_name = oauth_links, treat_none_as_default_value = false)]
pub struct NewLink<'a> {
    pub user_id: Uuid,
    pub provider: &'a str,
    pub subject: &'a str,
    pub email: Option<&'a str>,
    pub email_verified: bool,
}

/// Links a provider account; false if that account or this provider is linked already.
pub async fn insert_link(conn: &mut AsyncPgConnection, l: NewLink<'_>) -> QueryResult<bool> {
    let n = diesel::insert_into(oauth_links::table)
        .values((oauth_links::id.eq(janua_core::ids::new_id()), l, oauth_links::last_used_at.eq(Utc::now())))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(n == 1)
}

pub async fn touch_link(
    conn: &mut AsyncPgConnection, id: Uuid, email: Option<&str>, verified: bool,
) -> QueryResult<()> {
    diesel::update(oauth_links::table.find(id))
        .set((
            oauth_links::last_used_at.eq(Utc::now()),
            oauth_links::email.eq(email),
            oauth_links::email_verified.eq(verified),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete_link(conn: &mut AsyncPgConnection, user_id: Uuid, provider: &str) -> QueryResult<bool> {
    let n = diesel::delete(
        oauth_links::table
            .filter(oauth_links::user_id.eq(user_id))
            .filter(oauth_links::provider.eq(provider)),
    )
    .execute(conn)
    .await?;
    Ok(n == 1)
}

pub async fn delete_links_of_user(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<usize> {
    diesel::delete(oauth_links::table.filter(oauth_links::user_id.eq(user_id))).execute(conn).await
}

#[derive(Insertable)]
#[diesel(table_name = oauth_flows, treat_none_as_default_value = false)]
pub struct NewFlow<'a> {
    pub state_hash: &'a [u8],
    pub provider: &'a str,
    pub purpose: &'a str,
    pub user_id: Option<Uuid>,
    pub browser_hash: &'a [u8],
    pub verifier_sealed: &'a [u8],
    pub nonce: &'a str,
    pub redirect_uri: Option<&'a str>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = oauth_flows)]
pub struct Flow {
    pub provider: String,
    pub purpose: String,
    pub user_id: Option<Uuid>,
    pub browser_hash: Vec<u8>,
    pub verifier_sealed: Vec<u8>,
    pub nonce: String,
    pub redirect_uri: Option<String>,
    pub expires_at: DateTime<Utc>,
}

/// Stores a started flow, clearing out expired ones.
pub async fn start_flow(conn: &mut AsyncPgConnection, f: NewFlow<'_>) -> QueryResult<()> {
    diesel::delete(oauth_flows::table.filter(oauth_flows::expires_at.lt(Utc::now()))).execute(conn).await?;
    diesel::insert_into(oauth_flows::table).values(f).execute(conn).await?;
    Ok(())
}

/// Takes a flow by its state: gone afterwards whatever the outcome (a callback is answered
/// once). None if unknown, spent or expired.
pub async fn take_flow(conn: &mut AsyncPgConnection, state_hash: &[u8]) -> QueryResult<Option<Flow>> {
    let flow: Option<Flow> =
        rows::take(conn, oauth_flows::table.filter(oauth_flows::state_hash.eq(state_hash))).await?;
    Ok(flow.filter(|f| f.expires_at > Utc::now()))
}
