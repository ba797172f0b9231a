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

use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use janua_core::config::{ServiceSettings, Settings};
use janua_db::Pool;
use janua_service::{Connected, Database, Running, Service};
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

/// Connects, starts org's consumer of identity's events, and serves.
pub async fn start(
    settings: Arc<Settings>,
    listener: TcpListener,
    keys: Arc<dyn KeySource>,
    http: reqwest::Client,
) -> anyhow::Result<Running> {
    let mut service = Connected::connect(&SERVICE, settings).await?;
    service.consume(
        events_in::subscription(),
        events_in::handler(service.pool.clone()),
    );
    let state = OrgState {
        pool: service.pool.clone(),
        identity: identity::IdentityClient::new(&service.settings, http),
        settings: service.settings.clone(),
        redis: service.redis.clone(),
    };
    let guard = service.guard(keys);
    service.serve_with(listener, state, guard, routes::routes)
}
