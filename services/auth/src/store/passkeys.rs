//! Passkeys and the WebAuthn ceremonies that make and use them.

use crate::store::schema::{passkeys, webauthn_ceremonies};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use janua_db::rows;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = passkeys)]
pub struct PasskeyRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub credential_id: Vec<u8>,
    pub name: String,
    pub passkey: serde_json::Value,
    pub counter: i64,
    pub backup_eligible: bool,
    pub backup_state: bool,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

#[derive(Insertable)]
#[diesel(table_name = passkeys)]
pub struct NewPasskey<'a> {
    pub id: Uuid,
    pub user_id: Uuid,
    pub credential_id: &'a [u8],
    pub name: &'a str,
    pub passkey: serde_json::Value,
    pub counter: i64,
    pub backup_eligible: bool,
    pub backup_state: bool,
}

/// Stores a new passkey; None if the credential is registered already (to anyone).
pub async fn insert(conn: &mut AsyncPgConnection, p: NewPasskey<'_>) -> QueryResult<Option<PasskeyRow>> {
    let insert =
        diesel::insert_into(passkeys::table).values(p).on_conflict(passkeys::credential_id).do_nothing();
    rows::insert(conn, insert).await.optional()
}

pub async fn of_user(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<Vec<PasskeyRow>> {
    passkeys::table
        .filter(passkeys::user_id.eq(user_id))
        .order((passkeys::created_at.asc(), passkeys::id.asc()))
        .select(PasskeyRow::as_select())
        .load(conn)
        .await
}

pub async fn count(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<i64> {
    passkeys::table.filter(passkeys::user_id.eq(user_id)).count().get_result(conn).await
}

pub async fn by_credential(
    conn: &mut AsyncPgConnection, user_id: Uuid, credential_id: &[u8],
) -> QueryResult<Option<PasskeyRow>> {
    let passkey = passkeys::table
        .filter(passkeys::user_id.eq(user_id))
        .filter(passkeys::credential_id.eq(credential_id));
    rows::first(conn, passkey).await
}

/// Records a use. The counter only moves forward: false when a concurrent use already took
/// this counter value (two authenticators holding one credential).
pub async fn record_use(
    conn: &mut AsyncPgConnection, id: Uuid, passkey: serde_json::Value, counter: i64, backup_state: bool,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    // An authenticator that keeps no counter always says 0 (WebAuthn section 6.1.1).
    let n = janua_db::prepared::sql(
        "UPDATE passkeys SET passkey = $2, counter = $3, backup_state = $4, last_used_at = $5
         WHERE id = $1 AND (counter < $3 OR ($3 = 0 AND counter = 0))",
    )
    .bind::<diesel::sql_types::Uuid, _>(id)
    .bind::<diesel::sql_types::Jsonb, _>(passkey)
    .bind::<diesel::sql_types::Int8, _>(counter)
    .bind::<diesel::sql_types::Bool, _>(backup_state)
    .bind::<diesel::sql_types::Timestamptz, _>(now)
    .execute(conn)
    .await?;
    Ok(n == 1)
}

pub async fn delete(conn: &mut AsyncPgConnection, user_id: Uuid, id: Uuid) -> QueryResult<bool> {
    let n = diesel::delete(passkeys::table.filter(passkeys::id.eq(id)).filter(passkeys::user_id.eq(user_id)))
        .execute(conn)
        .await?;
    Ok(n == 1)
}

#[derive(Insertable)]
#[diesel(table_name = webauthn_ceremonies, treat_none_as_default_value = false)]
pub struct NewCeremony<'a> {
    pub id: Uuid,
    pub purpose: &'a str,
    pub user_id: Option<Uuid>,
    pub decoy: bool,
    pub name: Option<&'a str>,
    pub state: serde_json::Value,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webauthn_ceremonies)]
pub struct Ceremony {
    pub id: Uuid,
    pub purpose: String,
    pub user_id: Option<Uuid>,
    pub decoy: bool,
    pub name: Option<String>,
    pub state: serde_json::Value,
    pub expires_at: DateTime<Utc>,
}

/// Stores a begun ceremony, clearing out ones that expired.
pub async fn begin(conn: &mut AsyncPgConnection, c: NewCeremony<'_>, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::delete(webauthn_ceremonies::table.filter(webauthn_ceremonies::expires_at.lt(now)))
        .execute(conn)
        .await?;
    diesel::insert_into(webauthn_ceremonies::table).values(c).execute(conn).await?;
    Ok(())
}

/// Takes a ceremony for completion: it is gone afterwards whatever the outcome, so a
/// challenge is answered at most once. None if unknown, spent, expired or of another purpose.
pub async fn take(
    conn: &mut AsyncPgConnection, id: Uuid, purposes: &[&str], now: DateTime<Utc>,
) -> QueryResult<Option<Ceremony>> {
    let taken: Option<Ceremony> =
        rows::take(conn, webauthn_ceremonies::table.filter(webauthn_ceremonies::id.eq(id))).await?;
    Ok(taken.filter(|c| c.expires_at > now && purposes.contains(&c.purpose.as_str())))
}
