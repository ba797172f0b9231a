//! Sealed values at rest and the keys that seal them: which columns hold sealed values (what
//! `janua keys reseal` moves to the newest encryption key), and key material a service keeps
//! across rotations (MAC keys that must keep verifying what they made before).

use diesel::sql_types::{Bytea, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use janua_tokens::SecretBox;

/// A column of sealed values in a service's schema, and how its rows are named.
pub struct Sealed {
    pub table: &'static str,
    /// The primary key (one column).
    pub key: &'static str,
    /// Its SQL type (`uuid`, `bytea`, `text`), so that the scan walks its index.
    pub key_type: &'static str,
    pub column: &'static str,
}

/// In every schema: the kept key material.
pub const COMMON: &[Sealed] =
    &[Sealed { table: "service_keys", key: "name", key_type: "text", column: "sealed" }];

/// What a reseal did to one column.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Resealed {
    pub table: String,
    pub column: String,
    /// Moved to the newest key now.
    pub resealed: u64,
    /// Sealed with a key that is not configured: left as they are, and counted, so the old
    /// key is not removed while they exist.
    pub unreadable: u64,
}

#[derive(diesel::QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = Bytea)]
    value: Vec<u8>,
}

const BATCH: i64 = 500;

/// Moves every value of `sealed` that the newest key did not seal to it, a batch at a time,
/// walking the primary key. Each row is compare-and-swapped (`WHERE value = old`), so a service
/// that rewrites it meanwhile wins and nothing is lost; values already current are skipped by
/// their header in SQL, so an interrupted run picks up where it stopped.
pub async fn reseal_column(
    conn: &mut AsyncPgConnection, sealed: &Sealed, sealer: &SecretBox,
) -> Result<Resealed, diesel::result::Error> {
    let Sealed { table, key, key_type, column } = sealed;
    let header = sealer.current_header();
    let mut report = Resealed { table: table.to_string(), column: column.to_string(), ..Default::default() };
    let mut after: Option<String> = None;
    loop {
        let rows: Vec<Row> = diesel::sql_query(format!(
            "SELECT {key}::text AS key, {column} AS value FROM {table} \
             WHERE {column} IS NOT NULL AND substring({column} from 1 for {len}) <> $1 \
               AND ($2::text IS NULL OR {key} > $2::{key_type}) \
             ORDER BY {key} LIMIT {BATCH}",
            len = header.len()
        ))
        .bind::<Bytea, _>(&header)
        .bind::<diesel::sql_types::Nullable<Text>, _>(after.as_deref())
        .load(conn)
        .await?;
        let Some(last) = rows.last() else { break };
        after = Some(last.key.clone());
        for row in rows {
            match sealer.reseal(&row.value) {
                Ok(Some(resealed)) => {
                    let changed = diesel::sql_query(format!(
                        "UPDATE {table} SET {column} = $1 WHERE {key} = $2::{key_type} AND {column} = $3"
                    ))
                    .bind::<Bytea, _>(&resealed)
                    .bind::<Text, _>(&row.key)
                    .bind::<Bytea, _>(&row.value)
                    .execute(conn)
                    .await?;
                    report.resealed += changed as u64;
                }
                Ok(None) => {}
                Err(_) => report.unreadable += 1,
            }
        }
    }
    Ok(report)
}

/// Key material named `name`, kept sealed in the schema's `service_keys`: made once by `first`
/// (the derivation the service used before keeping it, so what it made before still verifies)
/// and read back ever after, whichever encryption key seals it by then.
pub async fn kept_key(
    conn: &mut AsyncPgConnection, sealer: &SecretBox, name: &str, first: impl FnOnce() -> [u8; 32],
) -> anyhow::Result<[u8; 32]> {
    let candidate = sealer.seal(&first());
    janua_db::prepared::sql(
        "INSERT INTO service_keys (name, sealed) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    )
    .bind::<Text, _>(name)
    .bind::<Bytea, _>(&candidate)
    .execute(conn)
    .await?;
    #[derive(diesel::QueryableByName)]
    struct Kept {
        #[diesel(sql_type = Bytea)]
        sealed: Vec<u8>,
    }
    let kept: Kept = janua_db::prepared::sql("SELECT sealed FROM service_keys WHERE name = $1")
        .bind::<Text, _>(name)
        .get_result(conn)
        .await?;
    let opened = sealer.open(&kept.sealed).map_err(|_| {
        anyhow::anyhow!("the kept key {name} was sealed with an encryption key that is not configured")
    })?;
    opened.try_into().map_err(|_| anyhow::anyhow!("the kept key {name} is not 32 bytes"))
}
