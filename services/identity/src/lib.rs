//! The identity service: owner of the user record (email, verification, status, profile,
//! metadata). Public routes under `/api/v1/users` and `/api/v1/auth/me`; an internal API
//! under `/internal/v1` for the other services.

pub mod domain;
pub mod events;
pub mod handlers;
pub mod routes;
pub mod store;

use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use janua_service::{Connected, Launch, Running, Service};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/identity");

/// Identity's requests need only what every service has: the pool, Redis, the revocation set
/// (suspension blocks every token of the user at once) and the client for the one question
/// identity asks auth (is this the user's password?).
pub type IdentityState = janua_service::State<()>;

pub static SERVICE: Service =
    Service::with_database("identity", || MIGRATIONS, |settings| &settings.identity);

/// Connects and serves (identity consumes no events).
pub async fn start(launch: Launch, listener: std::net::TcpListener) -> anyhow::Result<Running> {
    Connected::connect(&SERVICE, launch).await?.serve(listener, (), routes::ROUTES)
}
