//! The enterprise service: single sign-on (SAML, OIDC) and SCIM 2.0 provisioning.

pub mod domain;
pub mod events;
pub mod events_in;
pub mod handlers;
pub mod routes;
pub mod store;

use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use janua_core::config::Settings;
use janua_service::sealed::Sealed;
use janua_service::{Connected, Launch, Running, Service};
use std::sync::Arc;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/enterprise");

pub type EnterpriseState = janua_service::State<Enterprise>;

/// What enterprise's requests need besides what every service has.
pub struct Enterprise {
    /// Who may manage an organization's SSO and SCIM.
    pub orgs: janua_core::org_access::OrgPermissions,
    /// Fetches of URLs an admin or a fetched document names (SAML metadata, OIDC discovery,
    /// JWKS, token endpoints), through the SSRF guard.
    pub outbound: janua_core::outbound::Outbound,
    pub upstreams: domain::upstream::Upstreams,
    /// Seals SSO client secrets at rest.
    pub sealer: janua_tokens::SecretBox,
    /// OIDC discovery documents and keys, per issuer.
    pub discovery: domain::oidc::Discovery,
    /// TXT lookups proving domain ownership.
    pub dns: Arc<domain::dns::TxtResolver>,
}

pub static SERVICE: Service =
    Service::with_database("enterprise", || MIGRATIONS, |settings| &settings.enterprise).sealing(&[
        Sealed { table: "sso_configurations", key: "id", key_type: "uuid", column: "oidc_client_secret" },
        Sealed { table: "sso_flows", key: "state_hash", key_type: "bytea", column: "pkce_verifier" },
    ]);

/// The name servers of `sso.dns_servers` (empty: the system's).
fn dns_servers(settings: &Settings) -> anyhow::Result<Vec<std::net::SocketAddr>> {
    settings
        .sso
        .dns_servers
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(|e| anyhow::anyhow!("sso.dns_servers: '{s}' is not ip:port ({e})")))
        .collect()
}

/// Connects, starts the consumer of organization and account deletions, and serves.
pub async fn start(launch: Launch, listener: std::net::TcpListener) -> anyhow::Result<Running> {
    let mut service = Connected::connect(&SERVICE, launch).await?;
    service.consume(events_in::subscription(), events_in::handler(service.pool.clone()));
    let (settings, http) = (service.settings.clone(), service.http.clone());
    let outbound = janua_core::outbound::Outbound::from_settings(&settings, "", 3)?;
    let own = Enterprise {
        orgs: janua_core::org_access::OrgPermissions::new(&settings, http.clone()),
        upstreams: domain::upstream::Upstreams::new(&settings, http),
        sealer: janua_tokens::SecretBox::from_settings(&settings.secrets)?,
        discovery: domain::oidc::Discovery::new(outbound.clone()),
        outbound,
        dns: Arc::new(domain::dns::TxtResolver::new(&dns_servers(&settings)?)?),
    };
    service.serve(listener, own, routes::ROUTES)
}
