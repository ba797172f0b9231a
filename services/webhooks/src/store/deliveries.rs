use crate::store::schema::{deliveries, delivery_attempts};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bytea, Int4, Nullable, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use janua_db::rows;
use uuid::Uuid;

pub const PENDING: &str = "pending";
pub const DELIVERING: &str = "delivering";
pub const SUCCEEDED: &str = "succeeded";
pub const FAILED: &str = "failed";

/// A delivery as lists show it (without the body).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = deliveries)]
pub struct Delivery {
    pub id: Uuid,
    pub endpoint_id: Uuid,
    pub event_id: Uuid,
    pub event_type: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub response_status: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One try at delivering an event, as the receiver answered it: recorded by the dispatcher,
/// shown with its delivery.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = delivery_attempts, treat_none_as_default_value = false)]
#[schema(as = AttemptView)]
pub struct Attempt {
    #[serde(skip)]
    pub id: Uuid,
    #[serde(skip)]
    pub delivery_id: Uuid,
    /// 1 for the first.
    pub attempt: i32,
    pub started_at: DateTime<Utc>,
    pub latency_ms: i32,
    /// The receiver's HTTP status; null when no answer came (see `error`).
    pub response_status: Option<i32>,
    /// Why no answer came (timeout, refused address, connection error).
    pub error: Option<String>,
    /// The start of the receiver's answer.
    pub response_excerpt: Option<String>,
}

/// One delivery per endpoint for an event; an event seen before adds nothing (the unique
/// (endpoint, event) pair). Answers how many were added.
pub async fn insert_for_event(
    conn: &mut AsyncPgConnection, endpoints: &[Uuid], event_id: Uuid, event_type: &str, body: &[u8],
    traceparent: Option<&str>,
) -> QueryResult<usize> {
    if endpoints.is_empty() {
        return Ok(0);
    }
    let new: Vec<_> = endpoints
        .iter()
        .map(|endpoint| new_delivery(*endpoint, event_id, event_type, body, traceparent))
        .collect();
    diesel::insert_into(deliveries::table)
        .values(new)
        .on_conflict((deliveries::endpoint_id, deliveries::event_id))
        .do_nothing()
        .execute(conn)
        .await
}

/// A delivery, due at once, of an event to an endpoint.
#[derive(Insertable)]
#[diesel(table_name = deliveries)]
struct NewDelivery<'a> {
    id: Uuid,
    endpoint_id: Uuid,
    event_id: Uuid,
    event_type: &'a str,
    body: &'a [u8],
    traceparent: Option<&'a str>,
}

fn new_delivery<'a>(
    endpoint_id: Uuid, event_id: Uuid, event_type: &'a str, body: &'a [u8], traceparent: Option<&'a str>,
) -> NewDelivery<'a> {
    let id = janua_core::ids::new_id();
    NewDelivery { id, endpoint_id, event_id, event_type, body, traceparent }
}

/// A delivery claimed by this replica, with what sending it needs.
#[derive(QueryableByName)]
pub struct Claimed {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub endpoint_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub event_id: Uuid,
    #[diesel(sql_type = Bytea)]
    pub body: Vec<u8>,
    /// This attempt's number (1 for the first).
    #[diesel(sql_type = Int4)]
    pub attempt: i32,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub url: String,
    #[diesel(sql_type = Bytea)]
    pub secret: Vec<u8>,
    /// The replaced secret while it still signs.
    #[diesel(sql_type = Nullable<Bytea>)]
    pub previous_secret: Option<Vec<u8>>,
    /// The trace the delivered event belongs to.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub traceparent: Option<String>,
}

/// Claims up to `limit` due deliveries of enabled endpoints for `lease_ms`: they turn
/// `delivering` with `next_attempt_at` at the end of the lease, so a replica that dies
/// mid-attempt hands them back when it lapses. `SKIP LOCKED` lets replicas claim side by side.
pub async fn claim_due(conn: &mut AsyncPgConnection, limit: i64, lease_ms: i64) -> QueryResult<Vec<Claimed>> {
    janua_db::prepared::sql(
        "WITH due AS ( \
             SELECT d.id FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id \
             WHERE d.status IN ('pending', 'delivering') AND d.next_attempt_at <= now() AND e.enabled \
             ORDER BY d.next_attempt_at \
             LIMIT $1 \
             FOR UPDATE OF d SKIP LOCKED) \
         UPDATE deliveries d \
         SET status = 'delivering', attempts = d.attempts + 1, updated_at = now(), \
             next_attempt_at = now() + make_interval(secs => $2::double precision / 1000) \
         FROM due, endpoints e \
         WHERE d.id = due.id AND e.id = d.endpoint_id \
         RETURNING d.id, d.endpoint_id, d.event_id, d.body, d.attempts AS attempt, e.url, e.secret, \
             CASE WHEN e.previous_secret_expires_at > now() THEN e.previous_secret END AS previous_secret, \
             d.traceparent",
    )
    .bind::<BigInt, _>(limit)
    .bind::<BigInt, _>(lease_ms)
    .load(conn)
    .await
}

pub async fn record_attempt(conn: &mut AsyncPgConnection, a: &Attempt) -> QueryResult<()> {
    diesel::insert_into(delivery_attempts::table).values(a).execute(conn).await?;
    Ok(())
}

/// Where a delivery goes after an attempt.
#[derive(Debug, Clone, Copy)]
pub enum Next {
    Succeeded,
    RetryAfterMs(i64),
    Failed,
}

/// Settles the claim of attempt `attempt`. False when the claim is no longer this attempt's
/// (the endpoint was disabled meanwhile, or the lease lapsed and another replica took over),
/// and then nothing changes.
pub async fn settle(
    conn: &mut AsyncPgConnection, id: Uuid, attempt: i32, response_status: Option<i32>, next: Next,
) -> QueryResult<bool> {
    let (status, delay_ms) = match next {
        Next::Succeeded => (SUCCEEDED, 0),
        Next::RetryAfterMs(ms) => (PENDING, ms),
        Next::Failed => (FAILED, 0),
    };
    let n = janua_db::prepared::sql(
        "UPDATE deliveries SET status = $3, response_status = $4, updated_at = now(), \
             next_attempt_at = now() + make_interval(secs => $5::double precision / 1000) \
         WHERE id = $1 AND attempts = $2 AND status = 'delivering'",
    )
    .bind::<SqlUuid, _>(id)
    .bind::<Int4, _>(attempt)
    .bind::<diesel::sql_types::Text, _>(status)
    .bind::<Nullable<Int4>, _>(response_status)
    .bind::<BigInt, _>(delay_ms)
    .execute(conn)
    .await?;
    Ok(n == 1)
}

/// The outstanding deliveries of an endpoint that was disabled will not be sent.
pub async fn abandon_outstanding(conn: &mut AsyncPgConnection, endpoint: Uuid) -> QueryResult<usize> {
    diesel::update(
        deliveries::table
            .filter(deliveries::endpoint_id.eq(endpoint))
            .filter(deliveries::status.eq_any([PENDING, DELIVERING])),
    )
    .set((deliveries::status.eq(FAILED), deliveries::updated_at.eq(Utc::now())))
    .execute(conn)
    .await
}

/// A delivery of an event made here (the test ping), due at once.
pub async fn insert_one(
    conn: &mut AsyncPgConnection, endpoint: Uuid, event_id: Uuid, event_type: &str, body: &[u8],
) -> QueryResult<Delivery> {
    let traceparent = janua_core::telemetry::current_traceparent();
    let values = new_delivery(endpoint, event_id, event_type, body, traceparent.as_deref());
    rows::insert(conn, diesel::insert_into(deliveries::table).values(values)).await
}

/// An endpoint's deliveries, newest first, after the keyset `before` (created_at, id).
pub async fn list(
    conn: &mut AsyncPgConnection, endpoint: Uuid, before: Option<(DateTime<Utc>, Uuid)>, limit: i64,
) -> QueryResult<Vec<Delivery>> {
    let mut q = deliveries::table.filter(deliveries::endpoint_id.eq(endpoint)).into_boxed();
    if let Some((at, id)) = before {
        q = q.filter(
            deliveries::created_at.lt(at).or(deliveries::created_at.eq(at).and(deliveries::id.lt(id))),
        );
    }
    q.order((deliveries::created_at.desc(), deliveries::id.desc()))
        .limit(limit)
        .select(Delivery::as_select())
        .load(conn)
        .await
}

/// The attempts of the given deliveries, in the order they were made.
pub async fn attempts_of(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<Attempt>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    delivery_attempts::table
        .filter(delivery_attempts::delivery_id.eq_any(ids))
        .order((delivery_attempts::delivery_id, delivery_attempts::attempt))
        .select(Attempt::as_select())
        .load(conn)
        .await
}

pub enum Redelivery {
    Scheduled(Delivery),
    InProgress,
    NotFound,
}

/// Makes a delivery of `endpoint` due now again (its attempts keep counting, so a delivery
/// that had used them all gets one more try). One statement, so it cannot interleave with a
/// dispatcher claiming the same delivery.
pub async fn redeliver(conn: &mut AsyncPgConnection, endpoint: Uuid, id: Uuid) -> QueryResult<Redelivery> {
    let mine = deliveries::table.filter(deliveries::id.eq(id)).filter(deliveries::endpoint_id.eq(endpoint));
    let due_now = (
        deliveries::status.eq(PENDING),
        deliveries::next_attempt_at.eq(diesel::dsl::now),
        deliveries::updated_at.eq(diesel::dsl::now),
    );
    let scheduled =
        rows::update(conn, mine.filter(deliveries::status.ne(DELIVERING)), due_now).await.optional()?;
    if let Some(d) = scheduled {
        return Ok(Redelivery::Scheduled(d));
    }
    let exists: i64 = mine.count().get_result(conn).await?;
    Ok(if exists > 0 { Redelivery::InProgress } else { Redelivery::NotFound })
}
