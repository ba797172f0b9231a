use crate::store::schema::endpoints;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use janua_db::rows;
use uuid::Uuid;

/// An endpoint row; the secrets are sealed (janua-tokens' `SecretBox`).
#[derive(Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = endpoints)]
pub struct Endpoint {
    pub id: Uuid,
    pub created_by: Uuid,
    pub organization_id: Option<Uuid>,
    pub url: String,
    pub description: Option<String>,
    pub event_types: Vec<String>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub secret: Vec<u8>,
    pub previous_secret: Option<Vec<u8>>,
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    pub failing_since: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("id", &self.id)
            .field("organization_id", &self.organization_id)
            .field("enabled", &self.enabled)
            .finish_non_exhaustive()
    }
}

#[derive(Insertable)]
#[diesel(table_name = endpoints, treat_none_as_default_value = false)]
pub struct NewEndpoint<'a> {
    pub id: Uuid,
    pub created_by: Uuid,
    pub organization_id: Option<Uuid>,
    pub url: &'a str,
    pub description: Option<&'a str>,
    pub event_types: &'a [String],
    pub enabled: bool,
    #[diesel(column_name = secret)]
    pub sealed_secret: Vec<u8>,
}

#[tracing::instrument(skip_all, fields(endpoint_id = %e.id))]
pub async fn insert(conn: &mut AsyncPgConnection, e: NewEndpoint<'_>) -> QueryResult<Endpoint> {
    rows::insert(conn, diesel::insert_into(endpoints::table).values(e)).await
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Endpoint>> {
    rows::first(conn, endpoints::table.find(id)).await
}

/// Which endpoints a list shows.
#[derive(Debug, Clone)]
pub enum Listing {
    Everything,
    Organization(Uuid),
    /// Made by this user, in these organizations.
    CreatedByIn(Uuid, Vec<Uuid>),
}

/// The organizations whose endpoints this user made (at most 1000).
pub async fn organizations_created_by(conn: &mut AsyncPgConnection, user: Uuid) -> QueryResult<Vec<Uuid>> {
    endpoints::table
        .filter(endpoints::created_by.eq(user))
        .filter(endpoints::organization_id.is_not_null())
        .select(endpoints::organization_id.assume_not_null())
        .distinct()
        .limit(1000)
        .load(conn)
        .await
}

/// Oldest first, after the keyset `after` (created_at, id).
pub async fn list(
    conn: &mut AsyncPgConnection, listing: Listing, after: Option<(DateTime<Utc>, Uuid)>, limit: i64,
) -> QueryResult<Vec<Endpoint>> {
    let mut q = endpoints::table.into_boxed();
    q = match listing {
        Listing::Everything => q,
        Listing::Organization(org) => q.filter(endpoints::organization_id.eq(org)),
        Listing::CreatedByIn(user, orgs) => {
            q.filter(endpoints::created_by.eq(user)).filter(endpoints::organization_id.eq_any(orgs))
        }
    };
    if let Some(after) = after {
        q = q.filter(rows::after(endpoints::created_at, endpoints::id, after));
    }
    q.order((endpoints::created_at.asc(), endpoints::id.asc()))
        .limit(limit)
        .select(Endpoint::as_select())
        .load(conn)
        .await
}

pub struct Changes<'a> {
    pub url: Option<&'a str>,
    pub description: Option<Option<&'a str>>,
    pub event_types: Option<&'a [String]>,
    pub enabled: Option<bool>,
    /// A new sealed secret; the current one keeps signing for [`ROTATION_OVERLAP_HOURS`].
    pub rotated_secret: Option<Vec<u8>>,
}

/// How long a replaced secret still signs deliveries, so receivers can switch to the new one.
pub const ROTATION_OVERLAP_HOURS: i64 = 24;

pub async fn update(conn: &mut AsyncPgConnection, id: Uuid, c: Changes<'_>) -> QueryResult<Endpoint> {
    let current: Endpoint =
        rows::first(conn, endpoints::table.find(id).for_update()).await?.ok_or(diesel::NotFound)?;
    let enabled = c.enabled.unwrap_or(current.enabled);
    let (disabled_reason, failing_since) = match (current.enabled, enabled) {
        // Turned back on: its failure history starts over.
        (false, true) => (None, None),
        (true, false) => (Some("disabled by a user".to_string()), current.failing_since),
        _ => (current.disabled_reason.clone(), current.failing_since),
    };
    let (secret, previous, previous_expires) = match c.rotated_secret {
        Some(new) => (
            new,
            Some(current.secret.clone()),
            Some(Utc::now() + chrono::Duration::hours(ROTATION_OVERLAP_HOURS)),
        ),
        None => (current.secret.clone(), current.previous_secret.clone(), current.previous_secret_expires_at),
    };
    let changes = (
        endpoints::url.eq(c.url.unwrap_or(&current.url)),
        endpoints::description.eq(c.description.unwrap_or(current.description.as_deref())),
        endpoints::event_types.eq(c.event_types.unwrap_or(&current.event_types)),
        endpoints::enabled.eq(enabled),
        endpoints::disabled_reason.eq(disabled_reason),
        endpoints::failing_since.eq(failing_since),
        endpoints::secret.eq(secret),
        endpoints::previous_secret.eq(previous),
        endpoints::previous_secret_expires_at.eq(previous_expires),
        endpoints::updated_at.eq(Utc::now()),
    );
    rows::update(conn, endpoints::table.find(id), changes).await
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<bool> {
    let n = diesel::delete(endpoints::table.find(id)).execute(conn).await?;
    Ok(n == 1)
}

/// Endpoints of a deleted organization go with it.
pub async fn delete_of_organization(conn: &mut AsyncPgConnection, org: Uuid) -> QueryResult<usize> {
    diesel::delete(endpoints::table.filter(endpoints::organization_id.eq(org))).execute(conn).await
}

/// The enabled endpoints that may want some of a batch's events: subscribed to one of
/// `selectors` (see `domain::event_types::selectors`), and platform-wide or of one of the
/// events' `organizations`; [`Subscriber::wants`] then tells which events each one gets.
pub async fn subscribers(
    conn: &mut AsyncPgConnection, organizations: &[Uuid], selectors: &[String],
) -> QueryResult<Vec<Subscriber>> {
    endpoints::table
        .filter(endpoints::enabled.eq(true))
        .filter(endpoints::event_types.overlaps_with(selectors))
        .filter(endpoints::organization_id.is_null().or(endpoints::organization_id.eq_any(organizations)))
        .select(Subscriber::as_select())
        .load(conn)
        .await
}

/// An enabled endpoint that may want some of a batch's events.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = endpoints)]
pub struct Subscriber {
    pub id: Uuid,
    pub organization_id: Option<Uuid>,
    pub event_types: Vec<String>,
}

impl Subscriber {
    /// Whether it wants this event: subscribed to its type, and global or of its organization
    /// (an organization's endpoints only get that organization's events).
    pub fn wants(&self, organization: Option<Uuid>, event_type: &str) -> bool {
        (self.organization_id.is_none() || self.organization_id == organization)
            && crate::domain::event_types::matches(&self.event_types, event_type)
    }
}

/// A delivery to the endpoint succeeded: it is healthy again.
pub async fn mark_healthy(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    diesel::update(endpoints::table.find(id).filter(endpoints::failing_since.is_not_null()))
        .set(endpoints::failing_since.eq(None::<DateTime<Utc>>))
        .execute(conn)
        .await?;
    Ok(())
}

/// A delivery to the endpoint failed. Its failures count from the first one after its last
/// success; when they have gone on for `disable_after_secs`, the endpoint is disabled with
/// `reason` and returned (None: still enabled, or disabled already).
pub async fn mark_failing(
    conn: &mut AsyncPgConnection, id: Uuid, disable_after_secs: i64, reason: &str,
) -> QueryResult<Option<Endpoint>> {
    janua_db::prepared::sql(
        "UPDATE endpoints SET failing_since = COALESCE(failing_since, now()) \
         WHERE id = $1 AND enabled",
    )
    .bind::<SqlUuid, _>(id)
    .execute(conn)
    .await?;
    janua_db::prepared::sql(
        "UPDATE endpoints SET enabled = false, disabled_reason = $3, updated_at = now() \
         WHERE id = $1 AND enabled AND failing_since <= now() - make_interval(secs => $2::double precision) \
         RETURNING *",
    )
    .bind::<SqlUuid, _>(id)
    .bind::<BigInt, _>(disable_after_secs.max(0))
    .bind::<Text, _>(reason)
    .get_result::<Endpoint>(conn)
    .await
    .optional()
}

/// Endpoints disabled after failing too long (not those a user switched off), sampled at each
/// scrape.
pub fn collect_metrics(pool: janua_db::Pool) {
    janua_core::metrics::on_scrape(move || {
        let pool = pool.clone();
        Box::pin(async move {
            let Ok(mut conn) = pool.get().await else {
                return;
            };
            let disabled = endpoints::table
                .filter(endpoints::enabled.eq(false))
                .filter(endpoints::disabled_reason.ne("disabled by a user"))
                .count()
                .get_result::<i64>(&mut conn)
                .await;
            if let Ok(n) = disabled {
                metrics::gauge!(janua_core::metrics::WEBHOOK_DISABLED).set(n as f64);
            }
        })
    });
}
