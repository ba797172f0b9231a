//! What a service holds about one person, for the data export (GDPR Art. 15 and 20). Each
//! service names its sections as queries over its own schema with explicit columns (never
//! `SELECT *`: a secret column added later must not slip into an export), taking the person's
//! id as `$1`. Its internal API answers them at `GET /internal/v1/users/{user_id}/personal-data`
//! (mounted for every service by janua-service), one JSON array of rows per section.
//!
//! Erasure (GDPR Art. 17) is the same in reverse: each service names the statements that
//! remove the person from its schema (`$1` their id, `$2` their addresses, lower-case), run in
//! one transaction at `POST /internal/v1/users/{user_id}/erase` together with the removal of
//! the service's published outbox rows that name them.

use diesel::QueryableByName;
use diesel::sql_types::{Jsonb, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// One part of a service's personal data: a name and the query that lists its rows.
#[derive(Debug, Clone, Copy)]
pub struct Section {
    pub name: &'static str,
    /// A `SELECT` of explicit columns whose only parameter is the person's id (`$1`).
    pub query: &'static str,
}

#[derive(QueryableByName)]
struct Rows {
    #[diesel(sql_type = Jsonb)]
    rows: serde_json::Value,
}

/// Every section's rows for `user`, as `{section: [row, ...]}`.
pub async fn collect(
    conn: &mut AsyncPgConnection, user: Uuid, sections: &[Section],
) -> diesel::QueryResult<serde_json::Value> {
    let mut out = serde_json::Map::new();
    for section in sections {
        let found: Rows = diesel::sql_query(format!(
            "SELECT coalesce(jsonb_agg(to_jsonb(t)), '[]'::jsonb) AS rows FROM ({}) t",
            section.query
        ))
        .bind::<SqlUuid, _>(user)
        .get_result(conn)
        .await?;
        out.insert(section.name.to_owned(), found.rows);
    }
    Ok(serde_json::Value::Object(out))
}

/// Published events that name the person (by id or address) leave the outbox with them; those
/// not yet published are left to the relay (they are sent, then go the same way next time).
const OUTBOX: &str = "DELETE FROM outbox WHERE published_at IS NOT NULL
    AND (position(convert_to($1::text, 'UTF8') in payload) > 0
         OR EXISTS (SELECT 1 FROM unnest($2::text[]) a WHERE position(convert_to(a, 'UTF8') in payload) > 0))";

/// Runs a service's erasure `statements` and the outbox's for `user` in one transaction;
/// answers how many rows went. Every statement is idempotent: erasing twice removes nothing
/// more.
pub async fn erase(
    conn: &mut AsyncPgConnection, user: Uuid, addresses: &[String], statements: &[&str],
) -> diesel::QueryResult<usize> {
    use diesel::sql_types::{Array, Text};
    use diesel_async::AsyncConnection;
    let addresses: Vec<String> = addresses.iter().map(|a| a.trim().to_lowercase()).collect();
    conn.transaction::<_, diesel::result::Error, _>(async |conn| {
        let mut rows = 0;
        for statement in statements.iter().copied().chain(std::iter::once(OUTBOX)) {
            rows += diesel::sql_query(statement)
                .bind::<SqlUuid, _>(user)
                .bind::<Array<Text>, _>(&addresses)
                .execute(conn)
                .await?;
        }
        Ok(rows)
    })
    .await
}
