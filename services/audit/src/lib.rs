//! The audit service: every event of `janua.events` in one append-only, hash-chained log
//! (see [`chain`]), readable by platform admins and, for their organization, by its owners
//! and admins; verifiable end to end (`GET /api/v1/audit-logs/verify`).

pub mod chain;
pub mod compliance;
pub mod deletion;
pub mod events;
pub mod events_in;
pub mod export;
pub mod handlers;
pub mod jobs;
pub mod pii;
pub mod privacy;
pub mod routes;
pub mod store;
pub mod verify;

use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use janua_core::internal::InternalClient;
use janua_service::sealed::Sealed;
use janua_service::{Connected, Launch, Running, Service};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/audit");

pub type AuditState = janua_service::State<Audit>;

/// What audit's requests need besides what every service has.
pub struct Audit {
    /// Who may read an organization's log.
    pub orgs: janua_core::org_access::OrgPermissions,
    /// Seals the chain's head against rewriting.
    pub seal: chain::HeadSeal,
    /// The siblings that report the facts compliance controls judge.
    pub auth: InternalClient,
    pub identity: InternalClient,
    pub org: InternalClient,
    pub webhooks: InternalClient,
    pub enterprise: InternalClient,
    /// Seals data exports at rest.
    pub sealer: janua_tokens::SecretBox,
    /// Wakes the compliance-report worker.
    pub reports: jobs::Wake,
    /// Wakes the data-export worker.
    pub exports: jobs::Wake,
    /// Wakes the erasure worker.
    pub deletions: jobs::Wake,
    /// The chain's last verification, reused by the compliance controls for a minute.
    pub chain_cache: compliance::ChainCache,
}

pub static SERVICE: Service =
    Service::with_database("audit", || MIGRATIONS, |settings| &settings.audit.service).sealing(&[
        Sealed { table: "data_exports", key: "id", key_type: "uuid", column: "archive_sealed" },
        Sealed { table: "data_deletions", key: "id", key_type: "uuid", column: "addresses_sealed" },
    ]);

/// Connects, starts the consumer of every event (in batches), and serves.
pub async fn start(launch: Launch, listener: std::net::TcpListener) -> anyhow::Result<Running> {
    let mut service = Connected::connect(&SERVICE, launch).await?;
    let seal = chain::HeadSeal::kept(&mut *service.pool.get().await?, &service.settings.secrets).await?;
    service.consume_batched(
        events_in::subscription(),
        events_in::MAX_BATCH,
        events_in::handler(service.pool.clone(), seal.clone()),
    );
    let settings = &service.settings;
    let orgs = janua_core::org_access::OrgPermissions::new(settings, service.http.clone());
    let sibling = |name, url: &str| InternalClient::new(name, url, settings, service.http.clone());
    let audit = Audit {
        orgs,
        seal,
        auth: sibling("auth", &settings.auth.url),
        identity: sibling("identity", &settings.identity.url),
        org: sibling("org", &settings.org.url),
        webhooks: sibling("webhooks", &settings.webhooks.service.url),
        enterprise: sibling("enterprise", &settings.enterprise.url),
        sealer: janua_tokens::SecretBox::from_settings(&settings.secrets)?,
        reports: jobs::Wake::default(),
        exports: jobs::Wake::default(),
        deletions: jobs::Wake::default(),
        chain_cache: compliance::ChainCache::default(),
    };
    let (reports, exports, deletions) =
        (audit.reports.clone(), audit.exports.clone(), audit.deletions.clone());
    let (state, guard) = (service.state(audit), service.guard());
    service.workers.spawn(compliance::reports::worker(state.clone(), reports));
    service.workers.spawn(export::worker(state.clone(), exports));
    service.workers.spawn(deletion::worker(state.clone(), deletions));
    service.serve_with(listener, state, guard, routes::ROUTES)
}
