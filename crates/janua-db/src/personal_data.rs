//! What a service holds about one person, for the data export (GDPR Art. 15 and 20). Each
//! service names its sections as queries over its own schema with explicit columns (never
//! `SELECT *`: a secret column added later must not slip into an export), taking the person's
//! id as `$1`. Its internal API answers them at `GET /internal/v1/users/{user_id}/personal-data`
//! (mounted for every service by janua-service), one JSON array of rows per section.

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
