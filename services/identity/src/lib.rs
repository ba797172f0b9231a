//! The identity service: owner of the user record (email, verification, status, profile,
//! metadata). Public routes under `/api/v1/users` and `/api/v1/auth/me`; an internal API
//! under `/internal/v1` for the other services.

pub mod domain;
pub mod events;
pub mod handlers;
pub mod openapi;
pub mod routes;
pub mod store;

use actix_web::dev::Server;
use actix_web::{App, HttpServer, middleware, web};
use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use janua_core::config::Settings;
use janua_db::Pool;
use janua_tokens::TokenGuard;
use std::net::TcpListener;

pub const SCHEMA: &str = "identity";
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/identity");

#[derive(Clone)]
pub struct IdentityState {
    pub pool: Pool,
    pub settings: std::sync::Arc<Settings>,
    pub redis: redis::aio::ConnectionManager,
    pub broker: janua_db::outbox::BrokerStatus,
    /// Suspension blocks every token of the user at once.
    pub revocations: janua_tokens::RevocationSet,
    /// For the one question identity asks auth: is this the user's password?
    pub http: reqwest::Client,
}

pub async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let url = settings.database_url_for(&settings.identity);
    janua_db::migrate(&url, SCHEMA, MIGRATIONS).await?;
    Ok(())
}

/// Mounts identity's routes (used by its own server, the `janua all` process and tests).
pub fn configure(cfg: &mut web::ServiceConfig, state: IdentityState, guard: TokenGuard) {
    janua_core::http::service_app_data(cfg, &state.settings);
    cfg.app_data(web::Data::new(state))
        .app_data(web::Data::new(guard));
    routes::routes(cfg);
}

pub struct Application {
    port: u16,
    server: Server,
    relay: tokio::task::JoinHandle<()>,
}

impl Application {
    pub async fn build(
        settings: Settings,
        listener: TcpListener,
        keys: std::sync::Arc<dyn janua_tokens::jwks::KeySource>,
    ) -> anyhow::Result<Application> {
        let settings = std::sync::Arc::new(settings);
        let url = settings.database_url_for(&settings.identity);
        let pool = janua_db::pool(&url, SCHEMA, settings.identity.db_pool_size)?;
        let redis = redis::Client::open(settings.redis_url.as_str())?
            .get_connection_manager()
            .await?;
        let revocations = janua_tokens::RevocationSet::new(
            redis.clone(),
            &settings.redis_prefix,
            settings.tokens.access_ttl_secs as u64,
        );
        let guard =
            TokenGuard::new(keys, revocations.clone()).with_reauth_window(settings.tokens.reauth_window_secs);
        let broker = janua_db::outbox::BrokerStatus::default();
        let relay = tokio::spawn(
            janua_db::outbox::OutboxRelay::new(pool.clone(), &settings.amqp_url, &settings.amqp_exchange)
                .listen(&settings.database_url_for(&settings.identity), SCHEMA)
                .with_status(broker.clone())
                .run(),
        );
        let state = IdentityState {
            pool,
            settings: settings.clone(),
            redis,
            broker,
            revocations,
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(10))
                .build()?,
        };
        let port = listener.local_addr()?.port();
        let workers = settings.http.workers;
        let server = HttpServer::new(move || {
            App::new()
                .wrap(middleware::from_fn(janua_core::http::request_id))
                .configure(|cfg| configure(cfg, state.clone(), guard.clone()))
                .default_service(web::to(janua_core::http::not_found))
        });
        let server = match workers {
            Some(w) => server.workers(w),
            None => server,
        };
        let server = server.listen(listener)?.run();
        Ok(Application { port, server, relay })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        self.relay.abort();
        result
    }
}
