//! The identity service: owner of the user record (email, verification, status, profile,
//! metadata). Public routes under `/api/v1/users` and `/api/v1/auth/me`; an internal API
//! under `/internal/v1` for the other services.

pub mod domain;
pub mod events;
pub mod events_in;
pub mod handlers;
pub mod routes;
pub mod store;

use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use janua_service::{Connected, Launch, Running, Service};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/identity");

/// Identity's requests need what every service has (the pool, Redis, the revocation set:
/// suspension blocks every token of the user at once) and [`Identity`].
pub type IdentityState = janua_service::State<Identity>;

/// What identity's requests need besides what every service has.
pub struct Identity {
    /// Who may write an organization's messages (org answers).
    pub orgs: janua_core::org_access::OrgPermissions,
}

pub static SERVICE: Service =
    Service::with_database("identity", || MIGRATIONS, |settings| &settings.identity);

/// Connects, follows `organization.deleted`, and serves.
pub async fn start(launch: Launch, listener: std::net::TcpListener) -> anyhow::Result<Running> {
    let mut service = Connected::connect(&SERVICE, launch).await?;
    service.consume(events_in::subscription(), events_in::handler(service.pool.clone()));
    // Identity is the source of truth for blocked users: written back if Redis loses them.
    service
        .keep_revocations("users", |pool| {
            Box::pin(async move {
                let mut conn = pool.get().await?;
                Ok(store::users::revocations(&mut conn).await?)
            })
        })
        .await;
    let orgs = janua_core::org_access::OrgPermissions::new(&service.settings, service.http.clone());
    service.serve(listener, Identity { orgs }, routes::ROUTES)
}
