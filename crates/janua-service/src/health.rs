//! A service's health. `/live`: the process serves. `/ready`: what this process itself needs
//! to answer requests is there, its database; never the broker or a sibling service, so that
//! one dependency's blip never marks every replica NotReady (the outbox holds events while the
//! broker is away). Everything else it depends on is reported by `GET /internal/v1/health`
//! (what the gateway's `/api/v1/health/detailed` gathers) and by the metrics.

use actix_web::{HttpResponse, web};
use futures::future::BoxFuture;
use janua_core::ApiError;
use janua_db::Pool;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A dependency a service reports on (auth: identity answers): `true` when it is up.
pub type Check = Arc<dyn Fn() -> BoxFuture<'static, bool> + Send + Sync>;

/// How long one dependency may take to answer a health check.
const CHECK_TIMEOUT: Duration = Duration::from_secs(3);

/// What a service's health reports on.
#[derive(Clone)]
pub struct Health {
    pub(crate) service: &'static str,
    pub(crate) pool: Pool,
    pub(crate) redis: redis::aio::ConnectionManager,
    /// The outbox relay's link to the broker.
    pub(crate) relay: janua_events::BrokerStatus,
    /// Each consumer's link, by queue.
    pub(crate) consumers: Vec<(String, janua_events::BrokerStatus)>,
    /// The service's own dependencies (auth: identity).
    pub(crate) dependencies: Vec<(&'static str, Check)>,
}

/// One dependency's state in `/health/detailed`.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Dependency {
    pub name: String,
    /// `up` or `down`.
    pub status: String,
    pub latency_ms: f64,
}

impl Dependency {
    pub fn new(name: impl Into<String>, up: bool, started: Instant) -> Dependency {
        let latency_ms = (started.elapsed().as_secs_f64() * 100_000.0).round() / 100.0;
        Dependency { name: name.into(), status: if up { "up" } else { "down" }.into(), latency_ms }
    }

    pub fn is_up(&self) -> bool {
        self.status == "up"
    }

    /// A link that is up or not right now (no round trip).
    pub fn link(name: impl Into<String>, up: bool) -> Dependency {
        Dependency { name: name.into(), status: if up { "up" } else { "down" }.into(), latency_ms: 0.0 }
    }
}

/// Whether Redis answers a `PING` within the check's time.
pub async fn redis_up(redis: &redis::aio::ConnectionManager) -> bool {
    let mut conn = redis.clone();
    let ping = async move { redis::cmd("PING").query_async::<String>(&mut conn).await };
    matches!(tokio::time::timeout(CHECK_TIMEOUT, ping).await, Ok(Ok(_)))
}

async fn database_up(pool: &Pool) -> bool {
    matches!(tokio::time::timeout(CHECK_TIMEOUT, janua_db::ping(pool)).await, Ok(Ok(())))
}

/// `GET /api/v1/health/live`: the process can serve.
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "alive" }))
}

/// `GET /api/v1/health/ready` (and `/internal/v1/health/ready`): the service's database
/// answers.
pub async fn ready(health: web::Data<Health>) -> Result<HttpResponse, ApiError> {
    if !database_up(&health.pool).await {
        return Err(ApiError::unavailable("the database"));
    }
    Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "ready" })))
}

/// `GET /internal/v1/health`: every dependency with its state (database and Redis with a
/// round trip's latency, the relay's and each consumer's broker link, the service's own), and
/// the outbox backlog. `status` is `up` when all of them are.
pub async fn detailed(health: web::Data<Health>) -> HttpResponse {
    let database = async {
        let started = Instant::now();
        Dependency::new("database", database_up(&health.pool).await, started)
    };
    let redis = async {
        let started = Instant::now();
        Dependency::new("redis", redis_up(&health.redis).await, started)
    };
    let own = futures::future::join_all(health.dependencies.iter().map(|(name, check)| async move {
        let started = Instant::now();
        let up = tokio::time::timeout(CHECK_TIMEOUT, check()).await.unwrap_or(false);
        Dependency::new(*name, up, started)
    }));
    let (database, redis, own, backlog) = futures::join!(database, redis, own, health.backlog());
    let mut dependencies = vec![database, redis, Dependency::link("broker", health.relay.is_connected())];
    dependencies.extend(
        health
            .consumers
            .iter()
            .map(|(queue, link)| Dependency::link(format!("consumer:{queue}"), link.is_connected())),
    );
    dependencies.extend(own);
    let up = dependencies.iter().all(Dependency::is_up);
    HttpResponse::Ok().json(serde_json::json!({
        "service": health.service,
        "status": if up { "up" } else { "degraded" },
        "dependencies": dependencies,
        "outbox": backlog,
    }))
}

impl Health {
    /// The service's outbox backlog, if the database answers.
    async fn backlog(&self) -> Option<janua_db::outbox::Backlog> {
        let mut conn = self.pool.get().await.ok()?;
        janua_db::outbox::backlog(&mut conn).await.ok()
    }

    /// Samples, at each scrape, what this service's health knows as gauges: its broker links,
    /// its database pool and its outbox backlog.
    pub(crate) fn collect_metrics(&self) {
        let health = self.clone();
        janua_core::metrics::on_scrape(move || {
            let health = health.clone();
            Box::pin(async move { health.sample().await })
        });
    }

    async fn sample(&self) {
        use janua_core::metrics as m;
        let service = self.service;
        let link = |name: String, up: bool| {
            metrics::gauge!(m::BROKER_LINK, "service" => service, "link" => name).set(if up {
                1.0
            } else {
                0.0
            });
        };
        link("relay".into(), self.relay.is_connected());
        for (queue, status) in &self.consumers {
            link(format!("consumer:{queue}"), status.is_connected());
        }
        let pool = self.pool.status();
        let idle = pool.available as f64;
        metrics::gauge!(m::DB_POOL_SIZE, "service" => service, "state" => "in_use")
            .set(pool.size as f64 - idle);
        metrics::gauge!(m::DB_POOL_SIZE, "service" => service, "state" => "idle").set(idle);
        metrics::gauge!(m::DB_POOL_WAITING, "service" => service).set(pool.waiting as f64);
        metrics::gauge!(m::DB_POOL_MAX, "service" => service).set(pool.max_size as f64);
        if let Ok(Some(backlog)) = tokio::time::timeout(CHECK_TIMEOUT, self.backlog()).await {
            metrics::gauge!(m::OUTBOX_UNSENT, "service" => service).set(backlog.unsent as f64);
            metrics::gauge!(m::OUTBOX_OLDEST, "service" => service).set(backlog.oldest_unsent_secs);
        }
    }
}
