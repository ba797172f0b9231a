//! The org service: organizations, memberships, invitations, RBAC and policies.
//! It keeps the user facts it shows (email, name, status) as a read model of identity's
//! events and never reads identity's tables.

pub mod domain;
pub mod events;
pub mod events_in;
pub mod handlers;
pub mod identity;
pub mod openapi;
pub mod routes;
pub mod store;

use actix_web::web;
use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use janua_core::config::{ServiceSettings, Settings};
use janua_db::Pool;
use janua_service::{Connected, Database, Running, Service};
use janua_tokens::TokenGuard;
use janua_tokens::jwks::KeySource;
use std::net::TcpListener;
use std::sync::Arc;

pub const SCHEMA: &str = "org";
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/org");

#[derive(Clone)]
pub struct OrgState {
    pub pool: Pool,
    pub settings: Arc<Settings>,
    pub redis: redis::aio::ConnectionManager,
    pub broker: janua_db::outbox::BrokerStatus,
    /// Up while the consumer of identity's events is attached to its queue.
    pub consumer: janua_events::BrokerStatus,
    pub identity: identity::IdentityClient,
}

pub static SERVICE: Service = Service {
    name: "org",
    database: Some(Database {
        schema: SCHEMA,
        migrations: || MIGRATIONS,
    }),
    section,
};

fn section(settings: &Settings) -> &ServiceSettings {
    &settings.org
}

/// Mounts org's routes (used by its own server, the `janua all` process and tests).
pub fn configure(cfg: &mut web::ServiceConfig, state: OrgState, guard: TokenGuard) {
    janua_core::http::service_app_data(cfg, &state.settings);
    cfg.app_data(web::Data::new(state))
        .app_data(web::Data::new(guard));
    routes::routes(cfg);
}

/// Connects, starts org's consumer of identity's events, and serves.
pub async fn start(
    settings: Arc<Settings>,
    listener: TcpListener,
    keys: Arc<dyn KeySource>,
    http: reqwest::Client,
) -> anyhow::Result<Running> {
    let mut service = Connected::connect(&SERVICE, settings).await?;
    let consumer = service.consume(
        events_in::subscription(),
        events_in::handler(service.pool.clone()),
    );
    let state = OrgState {
        pool: service.pool.clone(),
        identity: identity::IdentityClient::new(&service.settings, http),
        settings: service.settings.clone(),
        redis: service.redis.clone(),
        broker: service.broker.clone(),
        consumer,
    };
    let guard = service.guard(keys);
    service.serve(listener, move |cfg| configure(cfg, state.clone(), guard.clone()))
}
