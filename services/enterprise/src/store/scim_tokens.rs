//! SCIM bearer tokens, stored as their SHA-256 only.

use crate::store::schema::scim_tokens;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use janua_db::rows;
use uuid::Uuid;

/// How stale `last_used_at` may get before a use writes it again.
pub const LAST_USED_GRANULARITY: Duration = Duration::minutes(1);

/// A token as listed: no secret.
// The record holds only the token's hash, and that is left unselected; the API shows the
// record as it is read.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = scim_tokens)]
#[schema(as = ScimTokenView)]
pub struct ScimToken {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub description: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

#[derive(Insertable)]
#[diesel(table_name = scim_tokens, treat_none_as_default_value = false)]
pub struct NewScimToken<'a> {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub token_hash: &'a [u8],
    pub description: Option<&'a str>,
    pub created_by: Uuid,
}

#[tracing::instrument(skip_all, fields(token_id = %t.id, organization_id = %t.organization_id))]
pub async fn insert(conn: &mut AsyncPgConnection, t: NewScimToken<'_>) -> QueryResult<ScimToken> {
    rows::insert(conn, diesel::insert_into(scim_tokens::table).values(t)).await
}

/// The organization's tokens that still work, oldest first.
#[tracing::instrument(skip(conn))]
pub async fn list_active(conn: &mut AsyncPgConnection, organization_id: Uuid) -> QueryResult<Vec<ScimToken>> {
    scim_tokens::table
        .filter(scim_tokens::organization_id.eq(organization_id))
        .filter(scim_tokens::revoked_at.is_null())
        .order((scim_tokens::created_at.asc(), scim_tokens::id.asc()))
        .select(ScimToken::as_select())
        .load(conn)
        .await
}

/// Revokes a working token of the organization; `None` when there is none to revoke.
#[tracing::instrument(skip(conn))]
pub async fn revoke(
    conn: &mut AsyncPgConnection, organization_id: Uuid, id: Uuid,
) -> QueryResult<Option<ScimToken>> {
    let working = scim_tokens::table
        .filter(scim_tokens::id.eq(id))
        .filter(scim_tokens::organization_id.eq(organization_id))
        .filter(scim_tokens::revoked_at.is_null());
    rows::update(conn, working, scim_tokens::revoked_at.eq(Utc::now())).await.optional()
}

/// The working token with this hash. The lookup goes through the unique index on the hash;
/// the presented token itself is never compared, so timing tells nothing about stored tokens.
#[tracing::instrument(skip_all)]
pub async fn find_active_by_hash(
    conn: &mut AsyncPgConnection, token_hash: &[u8],
) -> QueryResult<Option<ScimToken>> {
    let working = scim_tokens::table
        .filter(scim_tokens::token_hash.eq(token_hash))
        .filter(scim_tokens::revoked_at.is_null());
    rows::first(conn, working).await
}

/// Records a use, unless one was recorded within [`LAST_USED_GRANULARITY`].
#[tracing::instrument(skip(conn))]
pub async fn touch(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    let now = Utc::now();
    diesel::update(scim_tokens::table)
        .filter(scim_tokens::id.eq(id))
        .filter(
            scim_tokens::last_used_at.is_null().or(scim_tokens::last_used_at.lt(now - LAST_USED_GRANULARITY)),
        )
        .set(scim_tokens::last_used_at.eq(now))
        .execute(conn)
        .await?;
    Ok(())
}
