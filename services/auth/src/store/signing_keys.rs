use crate::store::schema::signing_keys;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = signing_keys)]
pub struct StoredKey {
    pub kid: String,
    pub private_jwk_sealed: Vec<u8>,
    pub public_jwk: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub signing_until: DateTime<Utc>,
    pub verify_until: DateTime<Utc>,
}

/// Keys that may still verify a live token, newest first.
pub async fn live(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> QueryResult<Vec<StoredKey>> {
    signing_keys::table
        .filter(signing_keys::verify_until.gt(now))
        .order(signing_keys::created_at.desc())
        .select(StoredKey::as_select())
        .load(conn)
        .await
}

pub async fn insert(
    conn: &mut AsyncPgConnection, kid: &str, sealed: &[u8], public_jwk: &serde_json::Value,
    signing_until: DateTime<Utc>, verify_until: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(signing_keys::table)
        .values((
            signing_keys::kid.eq(kid),
            signing_keys::private_jwk_sealed.eq(sealed),
            signing_keys::public_jwk.eq(public_jwk),
            signing_keys::signing_until.eq(signing_until),
            signing_keys::verify_until.eq(verify_until),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Stops a key signing now; it keeps verifying until `verify_until`.
pub async fn retire(
    conn: &mut AsyncPgConnection, kid: &str, now: DateTime<Utc>, verify_until: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(signing_keys::table.find(kid))
        .set((signing_keys::signing_until.eq(now), signing_keys::verify_until.eq(verify_until)))
        .execute(conn)
        .await?;
    Ok(())
}
