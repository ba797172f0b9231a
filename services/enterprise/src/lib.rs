//! The enterprise service: single sign-on (SAML, OIDC) and SCIM 2.0 provisioning.

pub mod domain;
pub mod events;
pub mod events_in;
pub mod handlers;
pub mod openapi;
pub mod routes;
pub mod store;

use actix_web::dev::Server;
use actix_web::{App, HttpServer, middleware, web};
use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use janua_core::config::{ServiceSettings, Settings};
use janua_db::Pool;
use janua_tokens::TokenGuard;
use std::net::TcpListener;
use std::sync::Arc;

pub const SCHEMA: &str = "enterprise";
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/enterprise");

#[derive(Clone)]
pub struct EnterpriseState {
    pub pool: Pool,
    pub settings: Arc<Settings>,
    pub redis: redis::aio::ConnectionManager,
    pub broker: janua_db::outbox::BrokerStatus,
    /// Up while the consumer of organization and account deletions is attached to its queue.
    pub consumer: janua_events::BrokerStatus,
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

fn service(settings: &Settings) -> &ServiceSettings {
    &settings.enterprise
}

pub async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    janua_db::migrate(&settings.database_url_for(service(settings)), SCHEMA, MIGRATIONS).await?;
    Ok(())
}

/// Mounts the service's routes (used by its own server, the `janua all` process and tests).
pub fn configure(cfg: &mut web::ServiceConfig, state: EnterpriseState, guard: TokenGuard) {
    janua_core::http::service_app_data(cfg, &state.settings);
    cfg.app_data(web::Data::new(state))
        .app_data(web::Data::new(guard));
    routes::routes(cfg);
}

/// The name servers of `sso.dns_servers` (empty: the system's).
fn dns_servers(settings: &Settings) -> anyhow::Result<Vec<std::net::SocketAddr>> {
    settings
        .sso
        .dns_servers
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .map_err(|e| anyhow::anyhow!("sso.dns_servers: '{s}' is not ip:port ({e})"))
        })
        .collect()
}

pub struct Application {
    port: u16,
    server: Server,
    workers: Vec<tokio::task::JoinHandle<()>>,
}

impl Application {
    pub async fn build(
        settings: Settings,
        listener: TcpListener,
        keys: Arc<dyn janua_tokens::jwks::KeySource>,
        http: reqwest::Client,
    ) -> anyhow::Result<Application> {
        let settings = Arc::new(settings);
        let pool = janua_db::pool(
            &settings.database_url_for(service(&settings)),
            SCHEMA,
            service(&settings).db_pool_size,
        )?;
        let redis = redis::Client::open(settings.redis_url.as_str())?
            .get_connection_manager()
            .await?;
        let revocations = janua_tokens::RevocationSet::new(
            redis.clone(),
            &settings.redis_prefix,
            settings.tokens.access_ttl_secs as u64,
        );
        let guard = TokenGuard::new(keys, revocations);
        let outbound = janua_core::outbound::Outbound::from_settings(&settings, "", 3)?;
        let state = EnterpriseState {
            pool: pool.clone(),
            orgs: janua_core::org_access::OrgPermissions::new(&settings, http.clone()),
            upstreams: domain::upstream::Upstreams::new(&settings, http.clone()),
            sealer: janua_tokens::SecretBox::from_base64(secrecy::ExposeSecret::expose_secret(
                &settings.secrets.encryption_key,
            ))?,
            discovery: domain::oidc::Discovery::new(outbound.clone()),
            outbound,
            dns: Arc::new(domain::dns::TxtResolver::new(&dns_servers(&settings)?)?),
            settings: settings.clone(),
            redis,
            broker: janua_db::outbox::BrokerStatus::default(),
            consumer: janua_events::BrokerStatus::default(),
        };
        let amqp_url = settings.amqp_url_for(&settings.enterprise);
        let workers = vec![
            tokio::spawn(
                janua_db::outbox::OutboxRelay::new(pool.clone(), &amqp_url, &settings.amqp_exchange)
                    .listen(&settings.database_url_for(&settings.enterprise), SCHEMA)
                    .with_status(state.broker.clone())
                    .run(),
            ),
            tokio::spawn(janua_events::consumer::run(
                amqp_url.clone(),
                settings.amqp_exchange.clone(),
                events_in::subscription(),
                events_in::handler(pool.clone()),
                state.consumer.clone(),
            )),
        ];
        let port = listener.local_addr()?.port();
        let server = HttpServer::new(move || {
            App::new()
                .wrap(middleware::from_fn(janua_core::http::request_id))
                .configure(|cfg| configure(cfg, state.clone(), guard.clone()))
                .default_service(web::to(janua_core::http::not_found))
        });
        let server = match settings.http.workers {
            Some(w) => server.workers(w),
            None => server,
        };
        Ok(Application {
            port,
            server: server.listen(listener)?.run(),
            workers,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        for w in self.workers {
            w.abort();
        }
        result
    }
}
