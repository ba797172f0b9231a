//! The audit service: every event of `janua.events` in one append-only, hash-chained log
//! (see [`chain`]), readable by platform admins and, for their organization, by its owners
//! and admins; verifiable end to end (`GET /api/v1/audit-logs/verify`).

pub mod chain;
pub mod events;
pub mod events_in;
pub mod handlers;
pub mod openapi;
pub mod routes;
pub mod store;
pub mod verify;

use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use janua_core::config::{ServiceSettings, Settings};
use janua_db::Pool;
use janua_service::{Connected, Database, Running, Service};
use janua_tokens::jwks::KeySource;
use std::net::TcpListener;
use std::sync::Arc;

pub const SCHEMA: &str = "audit";
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/audit");

#[derive(Clone)]
pub struct AuditState {
    pub pool: Pool,
    pub settings: Arc<Settings>,
    pub redis: redis::aio::ConnectionManager,
    pub orgs: janua_core::org_access::OrgPermissions,
    pub http: reqwest::Client,
    pub seal: chain::HeadSeal,
}

pub static SERVICE: Service = Service {
    name: "audit",
    database: Some(Database {
        schema: SCHEMA,
        migrations: || MIGRATIONS,
    }),
    section,
};

fn section(settings: &Settings) -> &ServiceSettings {
    &settings.audit
}

/// Connects, starts the consumer of every event (in batches), and serves.
pub async fn start(
    settings: Arc<Settings>,
    listener: TcpListener,
    keys: Arc<dyn KeySource>,
    http: reqwest::Client,
) -> anyhow::Result<Running> {
    let mut service = Connected::connect(&SERVICE, settings).await?;
    let seal = chain::HeadSeal::new(secrecy::ExposeSecret::expose_secret(
        &service.settings.secrets.encryption_key,
    ));
    service.consume_batched(
        events_in::subscription(),
        events_in::MAX_BATCH,
        events_in::handler(service.pool.clone(), seal.clone()),
    );
    let state = AuditState {
        pool: service.pool.clone(),
        orgs: janua_core::org_access::OrgPermissions::new(&service.settings, http.clone()),
        http,
        settings: service.settings.clone(),
        redis: service.redis.clone(),
        seal,
    };
    let guard = service.guard(keys);
    service.serve_with(listener, state, guard, routes::routes)
}
