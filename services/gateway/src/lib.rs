//! The gateway: one front door on :8080. It routes by method and path to the service that
//! owns the route, and gives every answer the same edges: request id, rate limits and their
//! headers, body limit, content-type check, early 401 for routes that need a token, and the
//! error envelope for unknown routes, wrong methods and upstreams that are down.

pub mod client;
pub mod health;
pub mod openapi;
pub mod proxy;
pub mod rate_limit;
pub mod route_table;
pub mod scim_tokens;
pub mod websocket;

use actix_web::web;
use janua_core::config::Settings;
use janua_service::{Running, Service, Workers};
use janua_tokens::jwks::JwksClient;
use janua_tokens::{RevocationSet, TokenGuard};
use std::net::TcpListener;
use std::sync::Arc;

#[derive(Clone)]
pub struct GatewayState {
    pub settings: Arc<Settings>,
    pub table: Arc<route_table::RouteTable>,
    pub http: reqwest::Client,
    pub guard: TokenGuard,
    pub limiter: rate_limit::RateLimiter,
    /// Sessions a service refused as revoked (their requests count as anonymous).
    pub revoked: Arc<rate_limit::RevokedSessions>,
    pub redis: redis::aio::ConnectionManager,
    pub revocations: RevocationSet,
    /// The live connections of `/api/v1/websocket/ws` on this replica.
    pub hub: Arc<websocket::Hub>,
    /// Whose `X-Forwarded-For` / `Forwarded` is believed (`gateway.trusted_proxies`).
    pub proxies: Arc<client::TrustedProxies>,
    /// Which SCIM tokens work, as enterprise last said.
    pub scim_tokens: Arc<scim_tokens::ScimTokens>,
    /// Places for requests being forwarded (`gateway.max_in_flight`).
    pub in_flight: Arc<tokio::sync::Semaphore>,
}

impl GatewayState {
    pub async fn build(settings: Settings) -> anyhow::Result<GatewayState> {
        let settings = Arc::new(settings);
        let http = upstream_client(&settings)?;
        let redis = janua_service::redis(&settings).await?;
        let jwks = Arc::new(JwksClient::new(
            &format!("{}/.well-known/jwks.json", settings.auth.url.trim_end_matches('/')),
            &settings.public_url,
            &settings.tokens.audience,
            http.clone(),
        ));
        jwks.spawn_refresher(std::time::Duration::from_secs(300));
        let revocations = janua_service::revocations(&settings, redis.clone());
        Ok(GatewayState {
            proxies: Arc::new(client::TrustedProxies::parse(&settings.gateway.trusted_proxies)?),
            scim_tokens: Arc::default(),
            in_flight: Arc::new(tokio::sync::Semaphore::new(settings.gateway.max_in_flight.max(1))),
            table: Arc::new(route_table::RouteTable::janua()),
            guard: TokenGuard::new(jwks, revocations.clone()),
            revocations,
            hub: Arc::new(websocket::Hub::default()),
            revoked: Arc::default(),
            limiter: rate_limit::RateLimiter::new(
                redis.clone(),
                &settings.redis_prefix,
                settings.rate_limits.clone(),
            ),
            redis,
            http,
            settings,
        })
    }
}

/// The client of the upstream services. Its connections belong to the runtime that opened
/// them: each server worker (a runtime of its own) gets its own client, so that a request and
/// its upstream connection are served by the same thread.
fn upstream_client(settings: &Settings) -> reqwest::Result<reqwest::Client> {
    settings
        .http
        .cluster_client()
        // Between reads, not for the whole answer: exports stream for as long as they take.
        .read_timeout(std::time::Duration::from_millis(settings.http.upstream_timeout_ms))
        .pool_max_idle_per_host(256)
        .build()
}

/// Mounts the gateway: every request goes through [`proxy::dispatch`]. Called once per server
/// worker, on its thread: the worker gets its own upstream client.
pub fn configure(cfg: &mut web::ServiceConfig, mut state: GatewayState) {
    if let Ok(http) = upstream_client(&state.settings) {
        state.http = http;
    }
    cfg.app_data(web::Data::new(state))
        .app_data(janua_core::http::query_config())
        .default_service(web::to(proxy::dispatch));
}

pub static SERVICE: Service =
    Service { name: "gateway", database: None, section: |settings| &settings.gateway.service };

/// Builds the state, starts this replica's live feed, and serves. The gateway keeps its own
/// JWKS client and upstream client (the launch's are the services' ones).
pub async fn start(launch: janua_service::Launch, listener: TcpListener) -> anyhow::Result<Running> {
    let settings = launch.settings;
    let state = GatewayState::build(settings.as_ref().clone()).await?;
    let hub = state.hub.clone();
    janua_core::metrics::on_scrape(move || {
        let hub = hub.clone();
        Box::pin(async move {
            use janua_core::metrics as m;
            metrics::gauge!(m::WEBSOCKET_CONNECTIONS).set(hub.connections() as f64);
            let up = if hub.consumer.is_connected() { 1.0 } else { 0.0 };
            metrics::gauge!(m::BROKER_LINK, "service" => SERVICE.name, "link" => "live-feed").set(up);
        })
    });
    let mut workers = Workers::default();
    workers.spawn(state.limiter.clone().keep_synced());
    workers.spawn(websocket::consume(
        SERVICE.amqp_url(&settings),
        settings.amqp_exchange.clone(),
        state.hub.clone(),
    ));
    // Requests are named by the route of the table they match (the gateway has no actix routes).
    let table = state.table.clone();
    let route_of: janua_service::observe::RouteOf =
        Arc::new(move |method, path| match table.find(method, path) {
            route_table::Match::Found(route) => Some(route.pattern.clone()),
            _ => None,
        });
    janua_service::serve(SERVICE.name, &settings, listener, workers, Some(route_of), move |cfg| {
        configure(cfg, state.clone())
    })
}
