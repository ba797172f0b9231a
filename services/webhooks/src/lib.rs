//! The webhooks service: endpoints that receive Janua's events, signed the Standard Webhooks
//! way. Events arrive from `janua.events` (`events_in`), become one delivery per subscribed
//! endpoint, and the dispatcher sends them with retries; request handlers never call a
//! receiver.

pub mod dispatcher;
pub mod domain;
pub mod events;
pub mod events_in;
pub mod handlers;
pub mod openapi;
pub mod routes;
pub mod store;

use actix_web::dev::Server;
use actix_web::{App, HttpServer, middleware, web};
use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use janua_core::config::{ServiceSettings, Settings};
use janua_db::Pool;
use janua_tokens::TokenGuard;
use std::net::TcpListener;
use std::sync::Arc;

pub const SCHEMA: &str = "webhooks";
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/webhooks");

#[derive(Clone)]
pub struct WebhooksState {
    pub pool: Pool,
    pub settings: Arc<Settings>,
    pub redis: redis::aio::ConnectionManager,
    pub broker: janua_db::outbox::BrokerStatus,
    /// Up while the consumer of `janua.events` is attached to its queue.
    pub consumer: janua_events::BrokerStatus,
    pub orgs: janua_core::org_access::OrgPermissions,
    pub http: reqwest::Client,
    /// Seals endpoints' signing secrets at rest.
    pub secrets: janua_tokens::SecretBox,
    /// The SSRF guard for endpoint URLs (`webhooks.allowed_networks`).
    pub guard: Arc<janua_core::outbound::NetworkGuard>,
    /// Wakes the dispatcher when deliveries were added.
    pub wake: Arc<tokio::sync::Notify>,
}

fn service(settings: &Settings) -> &ServiceSettings {
    &settings.webhooks.service
}

pub async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    janua_db::migrate(&settings.database_url_for(service(settings)), SCHEMA, MIGRATIONS).await?;
    Ok(())
}

/// Mounts the service's routes (used by its own server, the `janua all` process and tests).
pub fn configure(cfg: &mut web::ServiceConfig, state: WebhooksState, guard: TokenGuard) {
    janua_core::http::service_app_data(cfg, &state.settings);
    cfg.app_data(web::Data::new(state))
        .app_data(web::Data::new(guard));
    routes::routes(cfg);
}

pub struct Application {
    port: u16,
    server: Server,
    workers: Vec<tokio::task::JoinHandle<()>>,
}

impl Application {
    pub async fn build(
        settings: Settings,
        listener: TcpListener,
        keys: Arc<dyn janua_tokens::jwks::KeySource>,
        http: reqwest::Client,
    ) -> anyhow::Result<Application> {
        let settings = Arc::new(settings);
        let pool = janua_db::pool(
            &settings.database_url_for(service(&settings)),
            SCHEMA,
            service(&settings).db_pool_size,
        )?;
        let redis = redis::Client::open(settings.redis_url.as_str())?
            .get_connection_manager()
            .await?;
        let revocations = janua_tokens::RevocationSet::new(
            redis.clone(),
            &settings.redis_prefix,
            settings.tokens.access_ttl_secs as u64,
        );
        let guard = TokenGuard::new(keys, revocations);
        let secrets = janua_tokens::SecretBox::from_base64(secrecy::ExposeSecret::expose_secret(
            &settings.secrets.encryption_key,
        ))?;
        // The operator's allow-list for every outbound fetch, plus the webhooks' own.
        let network = Arc::new(janua_core::outbound::NetworkGuard::parse_all(&[
            &settings.outbound.allowed_networks,
            &settings.webhooks.allowed_networks,
        ])?);
        let wake = Arc::new(tokio::sync::Notify::new());
        let dispatcher = dispatcher::Dispatcher::new(
            pool.clone(),
            &settings.webhooks,
            dispatcher::delivery_client(&settings.webhooks, network.clone())?,
            secrets.clone(),
            wake.clone(),
        );
        let state = WebhooksState {
            pool: pool.clone(),
            orgs: janua_core::org_access::OrgPermissions::new(&settings, http.clone()),
            http,
            settings: settings.clone(),
            redis,
            broker: janua_db::outbox::BrokerStatus::default(),
            consumer: janua_events::BrokerStatus::default(),
            secrets,
            guard: network,
            wake: wake.clone(),
        };
        let amqp_url = settings.amqp_url_for(&settings.webhooks.service);
        let workers = vec![
            tokio::spawn(
                janua_db::outbox::OutboxRelay::new(pool.clone(), &amqp_url, &settings.amqp_exchange)
                    .listen(&settings.database_url_for(&settings.webhooks.service), SCHEMA)
                    .with_status(state.broker.clone())
                    .run(),
            ),
            tokio::spawn(janua_events::consumer::run_batched(
                amqp_url.clone(),
                settings.amqp_exchange.clone(),
                events_in::subscription(),
                events_in::MAX_BATCH,
                events_in::handler(pool.clone(), wake),
                state.consumer.clone(),
            )),
            tokio::spawn(dispatcher.run()),
        ];
        let port = listener.local_addr()?.port();
        let server = HttpServer::new(move || {
            App::new()
                .wrap(middleware::from_fn(janua_core::http::request_id))
                .configure(|cfg| configure(cfg, state.clone(), guard.clone()))
                .default_service(web::to(janua_core::http::not_found))
        });
        let server = match settings.http.workers {
            Some(w) => server.workers(w),
            None => server,
        };
        Ok(Application {
            port,
            server: server.listen(listener)?.run(),
            workers,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        for w in self.workers {
            w.abort();
        }
        result
    }
}
