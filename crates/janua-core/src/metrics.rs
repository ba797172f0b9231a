//! Prometheus metrics: one process-wide registry (the `metrics` facade, rendered in the
//! Prometheus text format by `metrics-exporter-prometheus`), served at `/metrics` on the
//! management listener (`metrics.port`), never through the gateway.
//!
//! Every metric Janua records is named once, in [`CATALOGUE`], with its kind and help text:
//! the dashboard and alert rules in `deploy/` are checked against it. Counters and histograms
//! are recorded where things happen; gauges that describe a stock (outbox backlog, pool use,
//! key age) are sampled when Prometheus scrapes, by the [collectors](on_scrape) the services
//! register.

use futures::future::BoxFuture;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

/// Every metric: name, kind, labels, help.
pub const CATALOGUE: &[(&str, Kind, &[&str], &str)] = &[
    // HTTP, at every service and the gateway.
    (
        HTTP_REQUESTS,
        Kind::Counter,
        &["service", "method", "route", "status"],
        "Requests answered, by route template, method and status.",
    ),
    (
        HTTP_DURATION,
        Kind::Histogram,
        &["service", "method", "route"],
        "Time to answer a request, by route template and method.",
    ),
    (HTTP_IN_FLIGHT, Kind::Gauge, &["service"], "Requests being answered now."),
    (
        SHED,
        Kind::Counter,
        &["service", "queue"],
        "Requests answered 503 with Retry-After because a bounded queue was full (argon2, database pool, proxy).",
    ),
    // Sign-in and abuse.
    (
        SIGNINS,
        Kind::Counter,
        &["method", "outcome"],
        "Sign-in attempts by method (password, magic_link, passkey, mfa, oauth, sso, refresh) and outcome (success, failure, mfa_required, locked).",
    ),
    (RATE_LIMITED, Kind::Counter, &["tier"], "Requests refused 429 by the gateway's rate limits, by tier."),
    (
        THROTTLED,
        Kind::Counter,
        &["kind"],
        "Requests refused by a per-account or per-address throttle (sign-in lock-out, MFA budget, mail budget).",
    ),
    // Passwords.
    (
        ARGON2_QUEUE,
        Kind::Gauge,
        &["lane"],
        "Password checks (verify) and new hashes (hash) waiting for an argon2 thread.",
    ),
    (ARGON2_WAIT, Kind::Histogram, &["lane"], "Time a password job waited for an argon2 thread."),
    // Events.
    (OUTBOX_UNSENT, Kind::Gauge, &["service"], "Events in the service's outbox not yet published."),
    (
        OUTBOX_OLDEST,
        Kind::Gauge,
        &["service"],
        "Age of the oldest unpublished event in the service's outbox.",
    ),
    (OUTBOX_PUBLISHED, Kind::Counter, &["service"], "Events the outbox relay published (broker-confirmed)."),
    (
        BROKER_LINK,
        Kind::Gauge,
        &["service", "link"],
        "1 while a link to the broker (the relay, a consumer, the live feed) is up.",
    ),
    (
        CONSUMED,
        Kind::Counter,
        &["queue", "outcome"],
        "Events a consumer settled: handled, retried (requeued) or dead_lettered.",
    ),
    (
        CONSUMER_LAG,
        Kind::Histogram,
        &["queue"],
        "Time from an event's occurrence to its handling by a consumer.",
    ),
    (REDELIVERED, Kind::Counter, &["queue"], "Deliveries the broker marked as redelivered."),
    (
        DEAD_LETTERED,
        Kind::Counter,
        &["queue"],
        "Events sent to the dead-letter queue (poison or undecodable).",
    ),
    // Mail.
    (MAIL_QUEUE, Kind::Gauge, &[], "Mails waiting to be sent (including those waiting for a retry)."),
    (MAIL_SENT, Kind::Counter, &[], "Mails the SMTP server accepted."),
    (
        MAIL_FAILURES,
        Kind::Counter,
        &["kind"],
        "Mail attempts that failed: transient (retried later) or permanent (given up).",
    ),
    // Webhooks.
    (
        WEBHOOK_DELIVERIES,
        Kind::Counter,
        &["outcome"],
        "Webhook delivery attempts by outcome: delivered, failed (will retry), exhausted (gave up).",
    ),
    (WEBHOOK_DISABLED, Kind::Gauge, &[], "Webhook endpoints disabled after repeated failures."),
    // Dependencies.
    (
        DB_POOL_SIZE,
        Kind::Gauge,
        &["service", "state"],
        "Database connections of the service's pool: in_use, idle.",
    ),
    (DB_POOL_WAITING, Kind::Gauge, &["service"], "Requests waiting for a database connection."),
    (DB_POOL_MAX, Kind::Gauge, &["service"], "The service's pool size (db_pool_size)."),
    (
        DB_POOL_TIMEOUTS,
        Kind::Counter,
        &[],
        "Requests that found no database connection within the pool's wait (answered 503).",
    ),
    (REDIS_ERRORS, Kind::Counter, &[], "Redis commands that failed."),
    // The live feed and keys.
    (WEBSOCKET_CONNECTIONS, Kind::Gauge, &[], "Live-feed WebSocket connections this replica holds."),
    (SIGNING_KEY_AGE, Kind::Gauge, &[], "Age of the key that signs new access tokens."),
    // Housekeeping.
    (HOUSEKEEPING_DELETED, Kind::Counter, &["service", "task"], "Rows a retention job deleted."),
    (HOUSEKEEPING_LAST_RUN, Kind::Gauge, &["service", "task"], "Unix time a retention job last completed."),
    (
        HOUSEKEEPING_FAILURES,
        Kind::Counter,
        &["service", "task"],
        "Retention job runs that failed (retried at the next interval).",
    ),
];

pub const HTTP_REQUESTS: &str = "janua_http_requests_total";
pub const HTTP_DURATION: &str = "janua_http_request_duration_seconds";
pub const HTTP_IN_FLIGHT: &str = "janua_http_requests_in_flight";
pub const SHED: &str = "janua_shed_requests_total";
pub const SIGNINS: &str = "janua_signins_total";
pub const RATE_LIMITED: &str = "janua_rate_limited_total";
pub const THROTTLED: &str = "janua_throttled_total";
pub const ARGON2_QUEUE: &str = "janua_argon2_queue_depth";
pub const ARGON2_WAIT: &str = "janua_argon2_wait_seconds";
pub const OUTBOX_UNSENT: &str = "janua_outbox_unsent";
pub const OUTBOX_OLDEST: &str = "janua_outbox_oldest_unsent_seconds";
pub const OUTBOX_PUBLISHED: &str = "janua_outbox_published_total";
pub const BROKER_LINK: &str = "janua_broker_link_up";
pub const CONSUMED: &str = "janua_events_consumed_total";
pub const CONSUMER_LAG: &str = "janua_event_consumer_lag_seconds";
pub const REDELIVERED: &str = "janua_events_redelivered_total";
pub const DEAD_LETTERED: &str = "janua_events_dead_lettered_total";
pub const MAIL_QUEUE: &str = "janua_mail_queue_depth";
pub const MAIL_SENT: &str = "janua_mail_sent_total";
pub const MAIL_FAILURES: &str = "janua_mail_failures_total";
pub const WEBHOOK_DELIVERIES: &str = "janua_webhook_deliveries_total";
pub const WEBHOOK_DISABLED: &str = "janua_webhook_endpoints_disabled";
pub const DB_POOL_SIZE: &str = "janua_db_pool_connections";
pub const DB_POOL_WAITING: &str = "janua_db_pool_waiting";
pub const DB_POOL_MAX: &str = "janua_db_pool_max_connections";
pub const DB_POOL_TIMEOUTS: &str = "janua_db_pool_timeouts_total";
pub const REDIS_ERRORS: &str = "janua_redis_errors_total";
pub const WEBSOCKET_CONNECTIONS: &str = "janua_websocket_connections";
pub const SIGNING_KEY_AGE: &str = "janua_signing_key_age_seconds";
pub const HOUSEKEEPING_DELETED: &str = "janua_housekeeping_deleted_total";
pub const HOUSEKEEPING_LAST_RUN: &str = "janua_housekeeping_last_run_timestamp_seconds";
pub const HOUSEKEEPING_FAILURES: &str = "janua_housekeeping_failures_total";

/// Latency buckets (seconds) for requests and waits: 1 ms to 30 s.
const LATENCY_BUCKETS: &[f64] =
    &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];
/// Consumer lag buckets (seconds): 5 ms to an hour (a broker outage's backlog).
const LAG_BUCKETS: &[f64] = &[0.005, 0.025, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

type Collector = Box<dyn Fn() -> BoxFuture<'static, ()> + Send + Sync>;

static COLLECTORS: Mutex<Vec<Collector>> = Mutex::new(Vec::new());

/// Installs the process's recorder (once; later calls answer the same handle). Until then
/// the `metrics` macros record nothing.
pub fn install() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
            .and_then(|b| b.set_buckets_for_metric(Matcher::Full(CONSUMER_LAG.into()), LAG_BUCKETS))
            .expect("non-empty buckets");
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // Another recorder installed first (a test harness's): keep rendering ours, empty.
        let _ = metrics::set_global_recorder(recorder);
        describe();
        handle
    })
}

fn describe() {
    for (name, kind, _, help) in CATALOGUE {
        let (name, help) = (*name, *help);
        match kind {
            Kind::Counter => metrics::describe_counter!(name, help),
            Kind::Gauge => metrics::describe_gauge!(name, help),
            Kind::Histogram => metrics::describe_histogram!(name, metrics::Unit::Seconds, help),
        }
    }
}

/// Registers a collector run before each scrape (it sets gauges: a backlog, a pool's use).
pub fn on_scrape<F>(collect: F)
where
    F: Fn() -> BoxFuture<'static, ()> + Send + Sync + 'static,
{
    if let Ok(mut collectors) = COLLECTORS.lock() {
        collectors.push(Box::new(collect));
    }
}

/// How long the collectors may take together before the scrape answers without them.
const COLLECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Runs every collector, then renders the registry in the Prometheus text format.
pub async fn scrape() -> String {
    let runs: Vec<BoxFuture<'static, ()>> = match COLLECTORS.lock() {
        Ok(collectors) => collectors.iter().map(|c| c()).collect(),
        Err(_) => Vec::new(),
    };
    let _ = tokio::time::timeout(COLLECT_TIMEOUT, futures::future::join_all(runs)).await;
    install().render()
}

/// Seconds since `since` as a histogram/gauge value.
pub fn seconds(since: std::time::Instant) -> f64 {
    since.elapsed().as_secs_f64()
}
