//! The identity service: owner of the user record (email, verification, status, profile,
//! metadata). Public routes under `/api/v1/users` and `/api/v1/auth/me`; an internal API
//! under `/internal/v1` for the other services.

pub mod domain;
pub mod events;
pub mod handlers;
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

pub static SERVICE: Service = Service {
    name: "identity",
    database: Some(Database {
        schema: SCHEMA,
        migrations: || MIGRATIONS,
    }),
    section,
};

fn section(settings: &Settings) -> &ServiceSettings {
    &settings.identity
}

/// Mounts identity's routes (used by its own server, the `janua all` process and tests).
pub fn configure(cfg: &mut web::ServiceConfig, state: IdentityState, guard: TokenGuard) {
    janua_core::http::service_app_data(cfg, &state.settings);
    cfg.app_data(web::Data::new(state))
        .app_data(web::Data::new(guard));
    routes::routes(cfg);
}

/// Connects and serves (identity consumes no events).
pub async fn start(
    settings: Arc<Settings>,
    listener: TcpListener,
    keys: Arc<dyn KeySource>,
    http: reqwest::Client,
) -> anyhow::Result<Running> {
    let service = Connected::connect(&SERVICE, settings).await?;
    let state = IdentityState {
        pool: service.pool.clone(),
        settings: service.settings.clone(),
        redis: service.redis.clone(),
        broker: service.broker.clone(),
        revocations: service.revocations.clone(),
        http,
    };
    let guard = service.guard(keys);
    service.serve(listener, move |cfg| configure(cfg, state.clone(), guard.clone()))
}
