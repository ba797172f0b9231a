//! The org service: organizations, memberships, invitations, RBAC and policies.
//! It keeps the user facts it shows (email, name, status) as a read model of identity's
//! events and never reads identity's tables.

pub mod domain;
pub mod events;
pub mod events_in;
pub mod handlers;
pub mod identity;
pub mod routes;
pub mod store;

use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use janua_service::{Connected, Launch, Running, Service};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/org");

pub type OrgState = janua_service::State<Org>;

/// What org's requests need besides what every service has.
pub struct Org {
    pub identity: identity::IdentityClient,
}

pub static SERVICE: Service = Service::with_database("org", || MIGRATIONS, |settings| &settings.org);

/// Connects, starts org's consumer of identity's events, and serves.
pub async fn start(launch: Launch, listener: std::net::TcpListener) -> anyhow::Result<Running> {
    let mut service = Connected::connect(&SERVICE, launch).await?;
    service.consume(events_in::subscription(), events_in::handler(service.pool.clone()));
    let identity = identity::IdentityClient::new(&service.settings, service.http.clone());
    service.serve(listener, Org { identity }, routes::ROUTES)
}
