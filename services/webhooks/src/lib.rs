//! The webhooks service: endpoints that receive Janua's events, signed the Standard Webhooks
//! way. Events arrive from `janua.events` (`events_in`), become one delivery per subscribed
//! endpoint, and the dispatcher sends them with retries; request handlers never call a
//! receiver.

pub mod dispatcher;
pub mod domain;
pub mod events;
pub mod events_in;
pub mod handlers;
pub mod routes;
pub mod store;

use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use janua_service::sealed::Sealed;
use janua_service::{Connected, Launch, Running, Service};
use std::sync::Arc;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/webhooks");

pub type WebhooksState = janua_service::State<Webhooks>;

/// What webhooks' requests need besides what every service has.
pub struct Webhooks {
    /// Who may manage an organization's endpoints.
    pub orgs: janua_core::org_access::OrgPermissions,
    /// Seals endpoints' signing secrets at rest.
    pub secrets: janua_tokens::SecretBox,
    /// The SSRF guard for endpoint URLs (`webhooks.allowed_networks`).
    pub guard: Arc<janua_core::outbound::NetworkGuard>,
    /// Wakes the dispatcher when deliveries were added.
    pub wake: Arc<tokio::sync::Notify>,
}

pub static SERVICE: Service =
    Service::with_database("webhooks", || MIGRATIONS, |settings| &settings.webhooks.service).sealing(&[
        Sealed { table: "endpoints", key: "id", key_type: "uuid", column: "secret" },
        Sealed { table: "endpoints", key: "id", key_type: "uuid", column: "previous_secret" },
    ]);

/// Connects, starts the consumer of every event (in batches) and the dispatcher, and serves.
pub async fn start(launch: Launch, listener: std::net::TcpListener) -> anyhow::Result<Running> {
    let mut service = Connected::connect(&SERVICE, launch).await?;
    let settings = service.settings.clone();
    let secrets = janua_tokens::SecretBox::from_settings(&settings.secrets)?;
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
    store::endpoints::collect_metrics(service.pool.clone());
    let own = Webhooks {
        orgs: janua_core::org_access::OrgPermissions::new(&settings, service.http.clone()),
        secrets,
        guard: network,
        wake,
    };
    service.serve(listener, own, routes::ROUTES)
}
