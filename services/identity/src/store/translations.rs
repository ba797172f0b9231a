//! Operators' translation keys and the overrides of messages (the platform's: no
//! organization; or one organization's).

use crate::store::schema::{translation_keys, translations};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = translation_keys)]
pub struct KeyRow {
    pub key: String,
    pub namespace: String,
    pub description: String,
    pub variables: Vec<String>,
}

impl From<KeyRow> for janua_i18n::Key {
    fn from(k: KeyRow) -> Self {
        janua_i18n::Key {
            key: k.key,
            namespace: k.namespace,
            description: k.description,
            variables: k.variables,
            builtin: false,
        }
    }
}

pub async fn keys(conn: &mut AsyncPgConnection) -> QueryResult<Vec<janua_i18n::Key>> {
    let rows: Vec<KeyRow> =
        translation_keys::table.select(KeyRow::as_select()).order(translation_keys::key).load(conn).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub async fn key(conn: &mut AsyncPgConnection, key: &str) -> QueryResult<Option<janua_i18n::Key>> {
    let row: Option<KeyRow> =
        translation_keys::table.find(key).select(KeyRow::as_select()).first(conn).await.optional()?;
    Ok(row.map(Into::into))
}

/// Adds an operator's key; `false` when it exists already.
pub async fn insert_key(conn: &mut AsyncPgConnection, key: &janua_i18n::Key, by: Uuid) -> QueryResult<bool> {
    let n = diesel::insert_into(translation_keys::table)
        .values((
            translation_keys::key.eq(&key.key),
            translation_keys::namespace.eq(&key.namespace),
            translation_keys::description.eq(&key.description),
            translation_keys::variables.eq(&key.variables),
            translation_keys::created_by.eq(by),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(n == 1)
}

/// One override.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = translations)]
pub struct Override {
    pub locale: String,
    pub key: String,
    pub message: String,
    pub updated_at: DateTime<Utc>,
}

/// Every override of one scope (all locales): the platform's for `None`.
pub async fn of_scope(
    conn: &mut AsyncPgConnection, organization: Option<Uuid>,
) -> QueryResult<Vec<Override>> {
    let query =
        translations::table.select(Override::as_select()).order((translations::locale, translations::key));
    match organization {
        Some(org) => query.filter(translations::organization_id.eq(org)).load(conn).await,
        None => query.filter(translations::organization_id.is_null()).load(conn).await,
    }
}

/// Writes (inserts or replaces) one override.
pub async fn upsert(
    conn: &mut AsyncPgConnection, organization: Option<Uuid>, locale: &str, key: &str, message: &str,
    by: Uuid, now: DateTime<Utc>,
) -> QueryResult<()> {
    // `ON CONFLICT` needs the constraint by name: NULLS NOT DISTINCT makes the platform's
    // scope (NULL) one scope.
    janua_db::prepared::sql(
        "INSERT INTO translations (id, organization_id, locale, key, message, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT ON CONSTRAINT translations_one_per_scope
         DO UPDATE SET message = EXCLUDED.message, updated_by = EXCLUDED.updated_by,
                       updated_at = EXCLUDED.updated_at",
    )
    .bind::<diesel::sql_types::Uuid, _>(janua_core::ids::new_id())
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Uuid>, _>(organization)
    .bind::<diesel::sql_types::Text, _>(locale)
    .bind::<diesel::sql_types::Text, _>(key)
    .bind::<diesel::sql_types::Text, _>(message)
    .bind::<diesel::sql_types::Uuid, _>(by)
    .bind::<diesel::sql_types::Timestamptz, _>(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes one override; whether there was one.
pub async fn delete(
    conn: &mut AsyncPgConnection, organization: Option<Uuid>, locale: &str, key: &str,
) -> QueryResult<bool> {
    let target =
        translations::table.filter(translations::locale.eq(locale)).filter(translations::key.eq(key));
    let n = match organization {
        Some(org) => {
            diesel::delete(target.filter(translations::organization_id.eq(org))).execute(conn).await?
        }
        None => diesel::delete(target.filter(translations::organization_id.is_null())).execute(conn).await?,
    };
    Ok(n > 0)
}

/// Forgets a deleted organization's overrides.
pub async fn delete_organization(conn: &mut AsyncPgConnection, organization: Uuid) -> QueryResult<usize> {
    diesel::delete(translations::table.filter(translations::organization_id.eq(organization)))
        .execute(conn)
        .await
}
