//! The identity service: owner of the user record (email, verification, status, profile,
//! metadata). Public routes under `/api/v1/users` and `/api/v1/auth/me`; an internal API
//! under `/internal/v1` for the other services.

pub mod domain;
pub mod events;
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

pub const SCHEMA: &str = "identity";
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/identity");

#[derive(Clone)]
pub struct IdentityState {
    pub pool: Pool,
    pub settings: std::sync::Arc<Settings>,
    pub redis: redis::aio::ConnectionManager,
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
        revocations: service.revocations.clone(),
        http,
    };
    let guard = service.guard(keys);
    service.serve_with(listener, state, guard, routes::routes)
}
