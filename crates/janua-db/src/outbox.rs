//! Transactional outbox: a state change and its event commit together; the relay publishes
//! pending rows with publisher confirms and marks each one sent only after the broker acked
//! it. A broker outage delays events and never loses one; consumers drop the rare duplicate
//! (a confirm lost with the connection) by event id.

use crate::Pool;
use crate::schema::outbox;
use chrono::Utc;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use janua_events::{Event, Publisher};
use std::time::Duration;
use uuid::Uuid;

/// The channel a schema's relay listens on; PostgreSQL delivers the notification when the
/// enqueuing transaction commits (and folds repeats within one transaction into one).
macro_rules! channel_prefix {
    () => {
        "janua_outbox_"
    };
}
const CHANNEL_PREFIX: &str = channel_prefix!();
/// How long a stopping service's flush waits for rows still locked by the relay's last batch.
const FLUSH_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Writes `event` in the caller's transaction, and wakes the relay at commit.
pub async fn enqueue(conn: &mut AsyncPgConnection, event: &Event) -> QueryResult<()> {
    enqueue_all(conn, std::slice::from_ref(event)).await
}

/// Writes `events` in the caller's transaction (or alone, atomically: it is one statement),
/// and wakes the relay at commit: one round trip however many there are.
pub async fn enqueue_all(conn: &mut AsyncPgConnection, events: &[Event]) -> QueryResult<()> {
    use diesel::sql_types::{Array, Bytea, Text, Uuid as SqlUuid};
    if events.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = events.iter().map(|e| e.id).collect();
    let types: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    let payloads: Vec<Vec<u8>> = events.iter().map(Event::encode).collect();
    crate::prepared::sql(ENQUEUE)
        .bind::<Array<SqlUuid>, _>(&ids)
        .bind::<Array<Text>, _>(&types)
        .bind::<Array<Bytea>, _>(&payloads)
        .execute(conn)
        .await?;
    Ok(())
}

/// The rows and the relay's wake-up in one statement (a data-modifying WITH always runs).
const ENQUEUE: &str = concat!(
    "WITH queued AS (INSERT INTO outbox (id, event_type, payload) ",
    "SELECT * FROM unnest($1::uuid[], $2::text[], $3::bytea[])) ",
    "SELECT pg_notify('",
    channel_prefix!(),
    "' || current_schema(), '')"
);

pub async fn pending_count(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    outbox::table.filter(outbox::published_at.is_null()).count().get_result(conn).await
}

/// What waits to be published: how many events, and how long the oldest has waited.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Backlog {
    pub unsent: i64,
    /// Seconds; zero when nothing waits.
    pub oldest_unsent_secs: f64,
}

/// The schema's outbox backlog (the pending rows are indexed).
pub async fn backlog(conn: &mut AsyncPgConnection) -> QueryResult<Backlog> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        unsent: i64,
        #[diesel(sql_type = diesel::sql_types::Double)]
        oldest: f64,
    }
    let row: Row = crate::prepared::sql(
        "SELECT count(*) AS unsent, \
                COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS oldest \
         FROM outbox WHERE published_at IS NULL",
    )
    .get_result(conn)
    .await?;
    Ok(Backlog { unsent: row.unsent, oldest_unsent_secs: row.oldest.max(0.0) })
}

pub use janua_events::BrokerStatus;

#[derive(Clone)]
pub struct OutboxRelay {
    pool: Pool,
    status: BrokerStatus,
    amqp_url: String,
    exchange: String,
    batch_size: i64,
    idle_poll: Duration,
    /// A session of its own with PostgreSQL (not through a pooler), that LISTENs for new
    /// rows of the schema.
    listen_url: Option<(crate::Connector, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
    #[error("database pool: {0}")]
    Pool(String),
    #[error(transparent)]
    Publish(#[from] janua_events::PublishError),
}

impl OutboxRelay {
    pub fn new(pool: Pool, amqp_url: &str, exchange: &str) -> Self {
        Self {
            pool,
            status: BrokerStatus::default(),
            amqp_url: amqp_url.to_string(),
            exchange: exchange.to_string(),
            batch_size: 200,
            idle_poll: Duration::from_millis(100),
            listen_url: None,
        }
    }

    /// Wakes on the commit of each new row (LISTEN/NOTIFY on a connection of its own) instead
    /// of polling every 100 ms; polls once a second as well, in case a notification is lost
    /// with that connection.
    pub fn listen(mut self, endpoint: &crate::Endpoint) -> Self {
        if let Ok(connector) = endpoint.session_connector() {
            self.listen_url = Some((connector, endpoint.schema.clone()));
            self.idle_poll = Duration::from_secs(1);
        }
        self
    }

    /// Reports connection state into `status` (shared with the service's readiness check).
    pub fn with_status(mut self, status: BrokerStatus) -> Self {
        self.status = status;
        self
    }

    /// Runs until the task is dropped: (re)connects to the broker with backoff and drains
    /// the outbox as rows appear.
    pub async fn run(self) {
        let mut attempts = janua_core::retry::Backoff::RECONNECT.attempts();
        let mut listener: Option<AsyncPgConnection> = None;
        // Under load, rows committed within a window go out in one batch (see janua_core::pace).
        let mut pace = janua_core::pace::Pace::new(janua_core::pace::BATCH_WINDOW);
        loop {
            let publisher = match Publisher::connect(&self.amqp_url, &self.exchange).await {
                Ok(p) => {
                    attempts.succeeded();
                    self.status.set(true);
                    p
                }
                Err(e) => {
                    let wait = attempts.failed();
                    tracing::warn!(error = %e, retry_in_ms = wait.as_millis() as u64, "outbox relay cannot reach the broker");
                    tokio::time::sleep(wait).await;
                    continue;
                }
            };
            loop {
                match self.drain(&publisher).await {
                    Ok(()) => {
                        self.wait_for_rows(&mut listener).await;
                        tokio::time::sleep_until(pace.next_start()).await;
                    }
                    Err(RelayError::Publish(e)) => {
                        tracing::warn!(error = %e, "outbox relay lost the broker; reconnecting");
                        break;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "outbox relay cannot read the outbox");
                        tokio::time::sleep(janua_core::retry::Backoff::RECONNECT.base).await;
                    }
                }
                if !publisher.is_connected() {
                    break;
                }
            }
            self.status.set(false);
            publisher.close().await;
        }
    }

    /// Publishes what waits (a stopping service's last work); gives up quietly if the broker
    /// is away (the rows stay for the next start). Rows a batch of the stopped relay still
    /// holds locked (its transaction ends as its connection goes) are skipped by a drain: they
    /// are waited for, and published, for up to [`FLUSH_WAIT`].
    pub async fn flush(self) {
        let Ok(publisher) = Publisher::connect(&self.amqp_url, &self.exchange).await else {
            tracing::warn!(
                "the outbox cannot be flushed at shutdown: the broker is away; events wait for the next start"
            );
            return;
        };
        let deadline = tokio::time::Instant::now() + FLUSH_WAIT;
        loop {
            if let Err(e) = self.drain(&publisher).await {
                tracing::warn!(error = %e, "the outbox flush at shutdown stopped; events wait for the next start");
                break;
            }
            if self.waiting().await.unwrap_or(0) == 0 || tokio::time::Instant::now() >= deadline {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        publisher.close().await;
    }

    /// Rows not yet published, locked or not.
    async fn waiting(&self) -> Result<i64, RelayError> {
        let mut conn = self.pool.get().await.map_err(|e| RelayError::Pool(e.to_string()))?;
        Ok(outbox::table.filter(outbox::published_at.is_null()).count().get_result(&mut conn).await?)
    }

    /// Publishes batch after batch until one is not full (what waits has gone out), counting
    /// what was published.
    async fn drain(&self, publisher: &Publisher) -> Result<(), RelayError> {
        let service = self.listen_url.as_ref().map(|(_, schema)| schema.clone()).unwrap_or_default();
        let published = metrics::counter!(janua_core::metrics::OUTBOX_PUBLISHED, "service" => service);
        loop {
            let n = self.publish_batch(publisher).await?;
            published.increment(n as u64);
            if (n as i64) < self.batch_size {
                return Ok(());
            }
        }
    }

    /// Sleeps until a new row is committed (or the poll interval passes).
    async fn wait_for_rows(&self, listener: &mut Option<AsyncPgConnection>) {
        use futures::StreamExt;
        let Some((connector, schema)) = &self.listen_url else {
            tokio::time::sleep(self.idle_poll).await;
            return;
        };
        if listener.is_none() {
            *listener = Self::connect_listener(connector, schema).await;
        }
        let Some(conn) = listener.as_mut() else {
            tokio::time::sleep(self.idle_poll).await;
            return;
        };
        let lost = {
            let mut stream = std::pin::pin!(conn.notifications_stream());
            let lost = tokio::select! {
                n = stream.next() => !matches!(n, Some(Ok(_))),
                _ = tokio::time::sleep(self.idle_poll) => false,
            };
            // Notifications that came meanwhile are covered by the next batch.
            while let Some(Some(_)) = futures::FutureExt::now_or_never(stream.next()) {}
            lost
        };
        if lost {
            *listener = None;
        }
    }

    async fn connect_listener(connector: &crate::Connector, schema: &str) -> Option<AsyncPgConnection> {
        let mut conn = connector.connect().await.ok()?;
        diesel::sql_query(format!("LISTEN \"{CHANNEL_PREFIX}{schema}\"")).execute(&mut conn).await.ok()?;
        Some(conn)
    }

    /// Publishes up to one batch of pending events; returns how many were confirmed.
    /// `FOR UPDATE SKIP LOCKED` lets several replicas relay the same outbox safely.
    pub async fn publish_batch(&self, publisher: &Publisher) -> Result<usize, RelayError> {
        let mut conn = self.pool.get().await.map_err(|e| RelayError::Pool(e.to_string()))?;
        let batch_size = self.batch_size;
        conn.transaction::<(usize, bool), RelayError, _>(async move |conn| {
            let rows: Vec<(Uuid, String, Vec<u8>)> = outbox::table
                .filter(outbox::published_at.is_null())
                .order(outbox::id)
                .limit(batch_size)
                .select((outbox::id, outbox::event_type, outbox::payload))
                .for_update()
                .skip_locked()
                .load(conn)
                .await?;
            let mut sent = Vec::with_capacity(rows.len());
            let mut failure = None;
            for (id, event_type, payload) in &rows {
                match publisher.publish(&id.to_string(), event_type, payload).await {
                    Ok(()) => sent.push(*id),
                    Err(e) => {
                        failure = Some(e);
                        break;
                    }
                }
            }
            if !sent.is_empty() {
                diesel::update(outbox::table.filter(outbox::id.eq_any(&sent)))
                    .set((outbox::published_at.eq(Utc::now()), outbox::attempts.eq(outbox::attempts + 1)))
                    .execute(conn)
                    .await?;
            }
            // Confirmed rows are marked even when a later one failed, so they are not re-sent.
            let mut stuck = false;
            if let Some(e) = failure {
                stuck = matches!(e, janua_events::PublishError::Timeout(_));
                tracing::warn!(error = %e, confirmed = sent.len(), "publishing stopped mid-batch");
            }
            Ok((sent.len(), stuck))
        })
        .await
        .and_then(|(n, stuck)| {
            // A link that stopped answering is dropped and made again, like a closed one.
            if publisher.is_connected() && !stuck {
                Ok(n)
            } else {
                Err(RelayError::Publish(janua_events::PublishError::Nacked("connection closed".into())))
            }
        })
    }
}

impl From<diesel::result::Error> for Box<RelayError> {
    fn from(e: diesel::result::Error) -> Self {
        Box::new(RelayError::Db(e))
    }
}
