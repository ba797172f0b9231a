//! The one way a Janua service starts: connect what it needs with every per-service override
//! honoured (database, broker), run its background workers, serve its routes with the same
//! edges (request ids, the envelope 404, the service-token guard on `/internal/v1`, the
//! configured worker count), and stop them all together. A service's `lib.rs` keeps only its
//! state, its own workers and its routes.
//!
//! (It lives in its own crate rather than `janua-core`: it needs `janua-db`, `janua-events`
//! and `janua-tokens`, which build on `janua-core`.)

pub mod endpoints;
pub mod extract;
pub mod health;
pub mod housekeeping;
pub mod memory;
pub mod observe;
pub mod sealed;

#[doc(hidden)]
pub use actix_web as __actix_web;
#[doc(hidden)]
pub use pastey as __pastey;
#[doc(hidden)]
pub use utoipa as __utoipa;

use actix_web::dev::Server;
use actix_web::{App, HttpServer, middleware, web};
use diesel_migrations::EmbeddedMigrations;
use janua_core::config::{ServiceSettings, Settings};
use janua_db::Pool;
use janua_events::consumer::{BatchHandler, Handler, Subscription};
use janua_tokens::jwks::KeySource;
use janua_tokens::{RevocationSet, TokenGuard};
use std::future::Future;
use std::net::TcpListener;
use std::sync::Arc;

/// What the runner knows of a service.
pub struct Service {
    pub name: &'static str,
    /// Its PostgreSQL schema and migrations; none for the gateway.
    pub database: Option<Database>,
    /// Its section of the settings (listen address, URL, overrides, pool size).
    pub section: fn(&Settings) -> &ServiceSettings,
}

/// A service's schema in PostgreSQL and the migrations that make it.
pub struct Database {
    pub schema: &'static str,
    /// A function: a `const` of embedded migrations is a fresh value at each use.
    pub migrations: fn() -> EmbeddedMigrations,
    /// Its columns of sealed values (besides [`sealed::COMMON`]).
    pub sealed: &'static [sealed::Sealed],
}

impl Service {
    /// A service with its own schema (named after it) and migrations.
    pub const fn with_database(
        name: &'static str, migrations: fn() -> EmbeddedMigrations,
        section: fn(&Settings) -> &ServiceSettings,
    ) -> Service {
        Service { name, database: Some(Database { schema: name, migrations, sealed: &[] }), section }
    }

    /// The same, with columns of sealed values that `janua keys reseal` moves to a new key.
    pub const fn sealing(self, columns: &'static [sealed::Sealed]) -> Service {
        let Service { name, database, section } = self;
        let database = match database {
            Some(Database { schema, migrations, .. }) => {
                Some(Database { schema, migrations, sealed: columns })
            }
            None => None,
        };
        Service { name, database, section }
    }

    pub fn settings<'a>(&self, settings: &'a Settings) -> &'a ServiceSettings {
        (self.section)(settings)
    }

    /// Its database: `<service>.database_url`, else `database_url`.
    pub fn database_url(&self, settings: &Settings) -> String {
        settings.database_url_for(self.settings(settings))
    }

    /// Its broker: `<service>.amqp_url`, else `amqp_url`.
    pub fn amqp_url(&self, settings: &Settings) -> String {
        settings.amqp_url_for(self.settings(settings))
    }

    /// Where its tables are and how to reach them (none for a service without a database).
    pub fn endpoint(&self, settings: &Settings) -> Option<janua_db::Endpoint> {
        let database = self.database.as_ref()?;
        Some(janua_db::Endpoint {
            url: self.database_url(settings),
            direct_url: settings.database_direct_url_for(self.settings(settings)),
            schema: database.schema.to_string(),
            pooled: settings.database_pooled,
            idle_in_transaction_timeout_secs: settings.database_idle_in_transaction_timeout_secs,
        })
    }

    /// Applies its migrations (a service without a database has none).
    pub async fn migrate(&self, settings: &Settings) -> anyhow::Result<()> {
        if let (Some(endpoint), Some(database)) = (self.endpoint(settings), &self.database) {
            janua_db::migrate(&endpoint, (database.migrations)()).await?;
        }
        Ok(())
    }

    /// Moves every sealed value of its schema to the newest encryption key (none for a service
    /// without a database); safe while it runs, and resumable.
    pub async fn reseal(
        &self, settings: &Settings, sealer: &janua_tokens::SecretBox,
    ) -> anyhow::Result<Vec<sealed::Resealed>> {
        let (Some(endpoint), Some(database)) = (self.endpoint(settings), &self.database) else {
            return Ok(Vec::new());
        };
        let mut conn = endpoint.session_connector()?.connect().await?;
        let mut reports = Vec::new();
        for column in sealed::COMMON.iter().chain(database.sealed) {
            reports.push(sealed::reseal_column(&mut conn, column, sealer).await?);
        }
        Ok(reports)
    }

    /// Its migrations and whether each is applied (empty for a service without a database).
    pub async fn migration_status(
        &self, settings: &Settings,
    ) -> anyhow::Result<Vec<janua_db::MigrationState>> {
        match (self.endpoint(settings), &self.database) {
            (Some(endpoint), Some(database)) => {
                Ok(janua_db::migration_status(&endpoint, (database.migrations)()).await?)
            }
            _ => Ok(Vec::new()),
        }
    }

    /// Binds its configured listen address.
    pub fn bind(&self, settings: &Settings) -> anyhow::Result<TcpListener> {
        let s = self.settings(settings);
        TcpListener::bind((s.host.as_str(), s.port))
            .map_err(|e| anyhow::anyhow!("{}: cannot listen on {}:{}: {e}", self.name, s.host, s.port))
    }
}

/// Background tasks of a service, stopped when its server has stopped, and what they still
/// do then (the outbox relay publishes what waits).
#[derive(Default)]
pub struct Workers {
    tasks: Vec<tokio::task::JoinHandle<()>>,
    last: Vec<Box<dyn FnOnce() -> futures::future::BoxFuture<'static, ()> + Send + Sync>>,
}

/// How long a stopping service's last work (the relay's flush) may take.
const LAST_WORK: std::time::Duration = std::time::Duration::from_secs(10);

impl Workers {
    pub fn spawn(&mut self, task: impl Future<Output = ()> + Send + 'static) {
        self.tasks.push(tokio::spawn(task));
    }

    pub fn push(&mut self, handle: tokio::task::JoinHandle<()>) {
        self.tasks.push(handle);
    }

    /// Work to do once the tasks have stopped.
    pub fn at_stop(
        &mut self, last: impl FnOnce() -> futures::future::BoxFuture<'static, ()> + Send + Sync + 'static,
    ) {
        self.last.push(Box::new(last));
    }

    /// Stops the tasks (a consumer stops consuming: what it had not acknowledged is delivered
    /// again, to this service's next replica), then does the last work, within [`LAST_WORK`].
    async fn stop(self) {
        for task in &self.tasks {
            task.abort();
        }
        for task in self.tasks {
            let _ = task.await;
        }
        let last = futures::future::join_all(self.last.into_iter().map(|last| last()));
        if tokio::time::timeout(LAST_WORK, last).await.is_err() {
            tracing::warn!("a stopping service's last work did not finish in time");
        }
    }
}

/// A started service: its port, and its server and workers until it stops.
pub struct Running {
    name: &'static str,
    port: u16,
    server: Server,
    workers: Workers,
}

impl Running {
    pub fn name(&self) -> &'static str {
        self.name
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server: gracefully (in-flight requests finish, within
    /// `http.shutdown_timeout_secs`) or at once.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until the server stops (gracefully on SIGTERM/SIGINT: it stops accepting and
    /// finishes what is in flight), then stops the workers and lets the relay publish what
    /// the last requests wrote.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        self.workers.stop().await;
        result
    }
}

/// Serves `configure` on `listener` with the edges every Janua server has: the request id,
/// its metrics and access-log line, error messages in the reader's language, and
/// `http.workers` workers. (`configure` sets the
/// default service: the envelope's 404 for the services, the proxy for the gateway.)
pub fn serve<F>(
    name: &'static str, settings: &Settings, listener: TcpListener, workers: Workers,
    route_of: Option<observe::RouteOf>, configure: F,
) -> anyhow::Result<Running>
where
    F: Fn(&mut web::ServiceConfig) + Clone + Send + 'static,
{
    let port = listener.local_addr()?.port();
    janua_core::metrics::install();
    let default_locale = janua_core::http::DefaultLocale(settings.localization.default_locale.clone());
    let observed = observe::Observed { service: name, access_log: settings.log.access, route_of };
    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(default_locale.clone()))
            .app_data(web::Data::new(observed.clone()))
            .wrap(middleware::from_fn(janua_core::http::localize))
            .wrap(middleware::from_fn(observe::observe))
            .wrap(middleware::from_fn(janua_core::http::request_id))
            .configure(configure.clone())
    });
    let server =
        server.shutdown_timeout(settings.http.shutdown_timeout_secs).keep_alive(settings.http.keep_alive());
    let server = match settings.http.workers {
        Some(w) => server.workers(w),
        None => server,
    };
    Ok(Running { name, port, server: server.listen(listener)?.run(), workers })
}

/// The management listener: `GET /metrics`, the Prometheus text format of every service this
/// process runs (the gauges sampled at the scrape). Nothing else answers there.
pub fn serve_metrics(listener: TcpListener) -> anyhow::Result<Running> {
    let port = listener.local_addr()?.port();
    janua_core::metrics::install();
    let server = HttpServer::new(|| {
        App::new()
            .route(
                "/metrics",
                web::get().to(|| async {
                    actix_web::HttpResponse::Ok()
                        .content_type("text/plain; version=0.0.4; charset=utf-8")
                        .body(janua_core::metrics::scrape().await)
                }),
            )
            .default_service(web::to(janua_core::http::not_found))
    })
    .workers(1)
    .listen(listener)?
    .run();
    Ok(Running { name: "metrics", port, server, workers: Workers::default() })
}

/// Redis, as every service reaches it.
pub async fn redis(settings: &Settings) -> anyhow::Result<redis::aio::ConnectionManager> {
    Ok(redis_client(settings)?.get_connection_manager().await?)
}

/// A client of `redis_url`: `rediss://` is TLS (rustls), the server's certificate checked
/// against `redis_ca_file` when set, else the system's trust store.
pub fn redis_client(settings: &Settings) -> anyhow::Result<redis::Client> {
    match &settings.redis_ca_file {
        Some(path) if settings.redis_url.starts_with("rediss://") => {
            let pem = std::fs::read(path).map_err(|e| anyhow::anyhow!("redis_ca_file {path}: {e}"))?;
            let certificates = redis::TlsCertificates { client_tls: None, root_cert: Some(pem) };
            Ok(redis::Client::build_with_tls(settings.redis_url.as_str(), certificates)?)
        }
        _ => Ok(redis::Client::open(settings.redis_url.as_str())?),
    }
}

/// The session revocation set in that Redis.
pub fn revocations(settings: &Settings, redis: redis::aio::ConnectionManager) -> RevocationSet {
    RevocationSet::new(redis, &settings.redis_prefix, settings.tokens.access_ttl_secs as u64)
}

/// The token guard of a service: `keys` with the revocation set and the re-authentication
/// window.
pub fn guard(settings: &Settings, keys: Arc<dyn KeySource>, revocations: RevocationSet) -> TokenGuard {
    TokenGuard::new(keys, revocations).with_reauth_window(settings.tokens.reauth_window_secs)
}

/// What every service starts with.
#[derive(Clone)]
pub struct Launch {
    pub settings: Arc<Settings>,
    /// The keys that verify access tokens (auth's published set; auth keeps its own).
    pub keys: Arc<dyn KeySource>,
    /// The client the services call each other with.
    pub http: reqwest::Client,
}

/// A service's request state: what every service has, and its own part `S`, reached through
/// `Deref` so that `state.pool` and `state.identity` read alike.
pub struct State<S> {
    pub pool: Pool,
    pub settings: Arc<Settings>,
    pub redis: redis::aio::ConnectionManager,
    /// Sessions revoked before their access tokens expire (sign-out, suspension).
    pub revocations: RevocationSet,
    pub http: reqwest::Client,
    own: Arc<S>,
}

impl<S> Clone for State<S> {
    fn clone(&self) -> Self {
        State {
            pool: self.pool.clone(),
            settings: self.settings.clone(),
            redis: self.redis.clone(),
            revocations: self.revocations.clone(),
            http: self.http.clone(),
            own: self.own.clone(),
        }
    }
}

impl<S> std::ops::Deref for State<S> {
    type Target = S;

    fn deref(&self) -> &S {
        &self.own
    }
}

/// A service with a database, connected: its pool, Redis, revocation set, and its outbox
/// relay running, all with the service's own overrides.
pub struct Connected {
    pub service: &'static Service,
    pub settings: Arc<Settings>,
    pub keys: Arc<dyn KeySource>,
    pub http: reqwest::Client,
    pub pool: Pool,
    pub redis: redis::aio::ConnectionManager,
    pub revocations: RevocationSet,
    /// Up while the outbox relay is connected to the broker.
    pub broker: janua_db::outbox::BrokerStatus,
    pub workers: Workers,
    consumers: Vec<(String, janua_events::BrokerStatus)>,
    dependencies: Vec<(&'static str, health::Check)>,
}

impl Connected {
    pub async fn connect(service: &'static Service, launch: Launch) -> anyhow::Result<Connected> {
        let Launch { settings, keys, http } = launch;
        let endpoint =
            service.endpoint(&settings).ok_or_else(|| anyhow::anyhow!("{} has no database", service.name))?;
        let pool = janua_db::pool(&endpoint, service.settings(&settings).db_pool_size)?;
        // A pooler that does not select the schema is a configuration error: refuse to start.
        // A database that is only down is not: the service starts unready, as before.
        match janua_db::check_schema(&pool, &endpoint.schema).await {
            Err(wrong @ janua_db::DbError::WrongSchema { .. }) => return Err(wrong.into()),
            Err(e) => {
                tracing::warn!(service = service.name, error = %e, "could not check the database schema at start")
            }
            Ok(()) => {}
        }
        let redis = redis(&settings).await?;
        let broker = janua_db::outbox::BrokerStatus::default();
        let mut workers = Workers::default();
        let relay = janua_db::outbox::OutboxRelay::new(
            pool.clone(),
            &service.amqp_url(&settings),
            &settings.amqp_exchange,
        )
        .listen(&endpoint)
        .with_status(broker.clone());
        workers.spawn(relay.clone().run());
        // At shutdown, what the last requests wrote goes out now rather than at the next start.
        workers.at_stop(move || Box::pin(relay.flush()));
        Ok(Connected {
            service,
            keys,
            http,
            revocations: revocations(&settings, redis.clone()),
            settings,
            pool,
            redis,
            broker,
            workers,
            consumers: Vec::new(),
            dependencies: Vec::new(),
        })
    }

    /// The token guard over the launch's keys.
    pub fn guard(&self) -> TokenGuard {
        guard(&self.settings, self.keys.clone(), self.revocations.clone())
    }

    /// The service's request state with its own part.
    pub fn state<S>(&self, own: S) -> State<S> {
        State {
            pool: self.pool.clone(),
            settings: self.settings.clone(),
            redis: self.redis.clone(),
            revocations: self.revocations.clone(),
            http: self.http.clone(),
            own: Arc::new(own),
        }
    }

    /// Consumes `subscription` from the service's broker; answers the consumer's status.
    pub fn consume(&mut self, subscription: Subscription, handler: Handler) -> janua_events::BrokerStatus {
        let status = janua_events::BrokerStatus::default();
        self.consumers.push((subscription.queue.clone(), status.clone()));
        self.workers.spawn(janua_events::consumer::run(
            self.service.amqp_url(&self.settings),
            self.settings.amqp_exchange.clone(),
            subscription,
            handler,
            status.clone(),
        ));
        status
    }

    /// Consumes in batches of up to `max_batch` (one transaction for what is waiting).
    pub fn consume_batched(
        &mut self, subscription: Subscription, max_batch: usize, handler: BatchHandler,
    ) -> janua_events::BrokerStatus {
        let status = janua_events::BrokerStatus::default();
        self.consumers.push((subscription.queue.clone(), status.clone()));
        self.workers.spawn(janua_events::consumer::run_batched(
            self.service.amqp_url(&self.settings),
            self.settings.amqp_exchange.clone(),
            subscription,
            max_batch,
            handler,
            status.clone(),
        ));
        status
    }

    /// Serves the service's routes; its workers run until the server stops.
    fn serve_routes<F>(self, listener: TcpListener, configure: F) -> anyhow::Result<Running>
    where
        F: Fn(&mut web::ServiceConfig) + Clone + Send + 'static,
    {
        serve(self.service.name, &self.settings, listener, self.workers, None, move |cfg| {
            configure(cfg);
            cfg.default_service(web::to(janua_core::http::not_found));
        })
    }
}

/// A service's routes: its public endpoints (each declared once, on its handler) and its
/// internal API under `/internal/v1`.
#[derive(Clone, Copy)]
pub struct Routes {
    pub public: fn() -> endpoints::Endpoints,
    pub internal: fn(&mut web::ServiceConfig),
    /// What the service holds about a person, answered at
    /// `GET /internal/v1/users/{user_id}/personal-data` for the data export.
    pub personal_data: &'static [Section],
    /// What removes a person from the service's schema, run at
    /// `POST /internal/v1/users/{user_id}/erase` (see `janua_db::personal_data::erase`).
    pub erase: &'static [&'static str],
    /// The service's retention jobs, beside its outbox's and inbox's
    /// ([`housekeeping::COMMON`]).
    pub retention: &'static [housekeeping::Retention],
}

pub use janua_db::personal_data::Section;

/// The service's personal-data sections, with the pool that answers them.
#[derive(Clone)]
struct PersonalData {
    pool: Pool,
    sections: &'static [Section],
    erase: &'static [&'static str],
}

/// `GET /internal/v1/users/{user_id}/personal-data`: every section's rows about the person
/// (empty arrays for someone the service knows nothing of).
async fn personal_data(
    data: web::Data<PersonalData>, path: web::Path<uuid::Uuid>,
) -> Result<actix_web::HttpResponse, janua_core::ApiError> {
    let mut conn = data.pool.get().await?;
    let found = janua_db::personal_data::collect(&mut conn, path.into_inner(), data.sections).await?;
    Ok(actix_web::HttpResponse::Ok().json(found))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Erasure {
    /// The person's addresses (rows that name them by address go too).
    #[serde(default)]
    addresses: Vec<String>,
}

/// `POST /internal/v1/users/{user_id}/erase`: removes the person from the service's schema
/// (idempotent); answers how many rows went.
async fn erase_person(
    data: web::Data<PersonalData>, path: web::Path<uuid::Uuid>, body: web::Json<Erasure>,
) -> Result<actix_web::HttpResponse, janua_core::ApiError> {
    let mut conn = data.pool.get().await?;
    let rows =
        janua_db::personal_data::erase(&mut conn, path.into_inner(), &body.addresses, data.erase).await?;
    Ok(actix_web::HttpResponse::Ok().json(serde_json::json!({ "rows": rows })))
}

/// Mounts a service's internal API: `routes` under `/internal/v1`, every one behind the
/// service token (`janua_core::http::service_token_guard`; anyone else gets a 404), with the
/// service's readiness and its part of the OpenAPI document.
fn internal(cfg: &mut web::ServiceConfig, document: utoipa::openapi::OpenApi, routes: Routes, pool: Pool) {
    cfg.service(
        web::scope("/internal/v1")
            .wrap(middleware::from_fn(janua_core::http::service_token_guard))
            .app_data(web::Data::new(PersonalData {
                pool,
                sections: routes.personal_data,
                erase: routes.erase,
            }))
            .route("/users/{user_id}/personal-data", web::get().to(personal_data))
            .route("/users/{user_id}/erase", web::post().to(erase_person))
            .route(
                "/openapi.json",
                web::get().to(move || {
                    let document = document.clone();
                    async move { actix_web::HttpResponse::Ok().json(document) }
                }),
            )
            .route("/health", web::get().to(health::detailed))
            .route("/health/ready", web::get().to(health::ready))
            .configure(routes.internal),
    );
}

/// A service's part of the OpenAPI document: its public endpoints.
pub fn document(service: &Service, endpoints: &endpoints::Endpoints) -> utoipa::openapi::OpenApi {
    let info =
        utoipa::openapi::Info::new(format!("Janua {}", service.name), env!("CARGO_PKG_VERSION").to_string());
    endpoints.document(utoipa::openapi::OpenApiBuilder::new().info(info).build())
}

impl Connected {
    /// Makes this service the keeper of `owner`'s part of the revocation set: written back
    /// from PostgreSQL (`load`) now if Redis lacks it, and whenever Redis loses it later.
    pub async fn keep_revocations<F>(&mut self, owner: &'static str, load: F)
    where
        F: Fn(Pool) -> futures::future::BoxFuture<'static, anyhow::Result<janua_tokens::revocation::Restore>>
            + Send
            + Sync
            + 'static,
    {
        let (pool, revocations) = (self.pool.clone(), self.revocations.clone());
        let load = move || load(pool.clone());
        // Before the first request: a token is not refused for want of a restore that had
        // not run yet.
        if let Err(e) = revocations.restore_if_lost(owner, load()).await {
            tracing::warn!(owner, error = %e, "the revocation set cannot be restored yet");
        }
        self.workers.spawn(revocations.keep_restored(owner, load));
    }

    /// Adds a dependency to the service's detailed health (never to its readiness).
    pub fn depends_on(&mut self, name: &'static str, check: health::Check) {
        self.dependencies.push((name, check));
    }

    /// Serves the service's routes with its [`State`] holding `own`, guarded by the launch's
    /// keys.
    pub fn serve<S>(self, listener: TcpListener, own: S, routes: Routes) -> anyhow::Result<Running>
    where
        S: Send + Sync + 'static,
    {
        let (state, guard) = (self.state(own), self.guard());
        self.serve_with(listener, state, guard, routes)
    }

    /// Serves a service's routes with its state and token guard: the extractors answering the
    /// envelope, the health routes, its public endpoints, and its internal API behind the
    /// service token.
    pub fn serve_with<S>(
        mut self, listener: TcpListener, state: S, guard: TokenGuard, routes: Routes,
    ) -> anyhow::Result<Running>
    where
        S: Clone + Send + 'static,
    {
        if self.settings.housekeeping.enabled {
            let (pool, settings) = (self.pool.clone(), self.settings.housekeeping.clone());
            self.workers.spawn(housekeeping::run(self.service.name, pool, settings, routes.retention));
        }
        let health = health::Health {
            service: self.service.name,
            pool: self.pool.clone(),
            redis: self.redis.clone(),
            relay: self.broker.clone(),
            consumers: self.consumers.clone(),
            dependencies: self.dependencies.clone(),
        };
        health.collect_metrics();
        let (settings, service, pool) = (self.settings.clone(), self.service, self.pool.clone());
        self.serve_routes(listener, move |cfg| {
            janua_core::http::service_app_data(cfg, &settings);
            cfg.app_data(web::Data::new(state.clone()))
                .app_data(web::Data::new(guard.clone()))
                .app_data(web::Data::new(health.clone()))
                .route("/api/v1/health/live", web::get().to(health::live))
                .route("/api/v1/health/ready", web::get().to(health::ready));
            let endpoints = (routes.public)();
            endpoints.configure(cfg);
            internal(cfg, document(service, &endpoints), routes, pool.clone());
        })
    }
}
