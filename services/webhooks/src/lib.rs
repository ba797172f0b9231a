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

use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use janua_core::config::{ServiceSettings, Settings};
use janua_db::Pool;
use janua_service::{Connected, Database, Running, Service};
use janua_tokens::jwks::KeySource;
use std::net::TcpListener;
use std::sync::Arc;

pub const SCHEMA: &str = "webhooks";
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/webhooks");

#[derive(Clone)]
pub struct WebhooksState {
    pub pool: Pool,
    pub settings: Arc<Settings>,
    pub redis: redis::aio::ConnectionManager,
    pub orgs: janua_core::org_access::OrgPermissions,
    pub http: reqwest::Client,
    /// Seals endpoints' signing secrets at rest.
    pub secrets: janua_tokens::SecretBox,
    /// The SSRF guard for endpoint URLs (`webhooks.allowed_networks`).
    pub guard: Arc<janua_core::outbound::NetworkGuard>,
    /// Wakes the dispatcher when deliveries were added.
    pub wake: Arc<tokio::sync::Notify>,
}

pub static SERVICE: Service = Service {
    name: "webhooks",
    database: Some(Database {
        schema: SCHEMA,
        migrations: || MIGRATIONS,
    }),
    section,
};

fn section(settings: &Settings) -> &ServiceSettings {
    &settings.webhooks.service
}

/// Connects, starts the consumer of every event (in batches) and the dispatcher, and serves.
pub async fn start(
    settings: Arc<Settings>,
    listener: TcpListener,
    keys: Arc<dyn KeySource>,
    http: reqwest::Client,
) -> anyhow::Result<Running> {
    let mut service = Connected::connect(&SERVICE, settings).await?;
    let settings = service.settings.clone();
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
        service.pool.clone(),
        &settings.webhooks,
        dispatcher::delivery_client(&settings.webhooks, network.clone())?,
        secrets.clone(),
        wake.clone(),
    );
    service.consume_batched(
        events_in::subscription(),
        events_in::MAX_BATCH,
        events_in::handler(service.pool.clone(), wake.clone()),
    );
    service.workers.spawn(dispatcher.run());
    let state = WebhooksState {
        pool: service.pool.clone(),
        orgs: janua_core::org_access::OrgPermissions::new(&settings, http.clone()),
        http,
        settings,
        redis: service.redis.clone(),
        secrets,
        guard: network,
        wake,
    };
    let guard = service.guard(keys);
    service.serve_with(listener, state, guard, routes::routes)
}
