//! Which services a target runs, in which order, and how: every service starts through
//! `janua_service` with the same arguments; `all` starts identity, org, enterprise, audit and
//! webhooks, then auth (which asks identity), then the gateway in front of them. In one
//! process they share one JWKS cache and one internal HTTP client.

use futures::future::BoxFuture;
use janua_core::config::Settings;
use janua_service::{Launch, Running, Service};
use janua_tokens::jwks::KeySource;
use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    All,
    Gateway,
    Auth,
    Identity,
    Org,
    Enterprise,
    Audit,
    Webhooks,
}

type Start = fn(Launch, TcpListener) -> BoxFuture<'static, anyhow::Result<Running>>;

/// Every service, in start order.
fn modules() -> [(Target, &'static Service, Start); 7] {
    [
        (Target::Identity, &janua_identity::SERVICE, |launch, listener| {
            Box::pin(janua_identity::start(launch, listener))
        }),
        (Target::Org, &janua_org::SERVICE, |launch, listener| Box::pin(janua_org::start(launch, listener))),
        (Target::Enterprise, &janua_enterprise::SERVICE, |launch, listener| {
            Box::pin(janua_enterprise::start(launch, listener))
        }),
        (Target::Audit, &janua_audit::SERVICE, |launch, listener| {
            Box::pin(janua_audit::start(launch, listener))
        }),
        (Target::Webhooks, &janua_webhooks::SERVICE, |launch, listener| {
            Box::pin(janua_webhooks::start(launch, listener))
        }),
        (Target::Auth, &janua_auth::SERVICE, |launch, listener| {
            Box::pin(janua_auth::start(launch, listener))
        }),
        (Target::Gateway, &janua_gateway::SERVICE, |launch, listener| {
            Box::pin(janua_gateway::start(launch, listener))
        }),
    ]
}

fn selected(target: Target) -> impl Iterator<Item = (Target, &'static Service, Start)> {
    modules().into_iter().filter(move |(t, _, _)| target == Target::All || *t == target)
}

impl Target {
    /// As `--target` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Target::All => "all",
            Target::Gateway => "gateway",
            Target::Auth => "auth",
            Target::Identity => "identity",
            Target::Org => "org",
            Target::Enterprise => "enterprise",
            Target::Audit => "audit",
            Target::Webhooks => "webhooks",
        }
    }
}

/// The `--target` of the process this container runs (PID 1), for a command run beside it
/// (Docker's `HEALTHCHECK` does not inherit its arguments).
pub fn target_of_pid1() -> Option<Target> {
    use clap::ValueEnum;
    let cmdline = std::fs::read("/proc/1/cmdline").ok()?;
    let args: Vec<String> =
        cmdline.split(|b| *b == 0).map(|a| String::from_utf8_lossy(a).into_owned()).collect();
    let value = args.iter().enumerate().find_map(|(i, arg)| match arg.strip_prefix("--target") {
        Some("") => args.get(i + 1).cloned(),
        Some(rest) => rest.strip_prefix('=').map(str::to_string),
        None => None,
    })?;
    Target::from_str(&value, true).ok()
}

/// The target's services, in start order.
pub fn services(target: Target) -> impl Iterator<Item = &'static Service> {
    selected(target).map(|(_, service, _)| service)
}

/// The listener whose readiness stands for the target's: its own, the gateway's for `all`.
pub fn probed(target: Target, settings: &Settings) -> &janua_core::config::ServiceSettings {
    let probed = if target == Target::All { Target::Gateway } else { target };
    let (_, service, _) = selected(probed).next().expect("every target has a service");
    service.settings(settings)
}

/// Applies the migrations of the target's services.
pub async fn migrate(target: Target, settings: &Settings) -> anyhow::Result<()> {
    for (_, service, _) in selected(target) {
        service.migrate(settings).await?;
    }
    Ok(())
}

/// Listeners bound already (the test kit's random ports), by service name; a service without
/// one binds its configured address.
#[derive(Default)]
pub struct Listeners(HashMap<&'static str, TcpListener>);

impl Listeners {
    pub fn with(mut self, service: &'static str, listener: TcpListener) -> Self {
        self.0.insert(service, listener);
        self
    }
}

/// The client the services use to call each other.
pub fn http_client(settings: &Settings) -> anyhow::Result<reqwest::Client> {
    Ok(settings.http.cluster_client().pool_max_idle_per_host(64).build()?)
}

/// What every service of the stack starts with: the settings, the client the services call
/// each other with, and auth's published keys (auth and the gateway keep their own). In one
/// process the services share them.
pub fn launch(settings: Settings) -> anyhow::Result<Launch> {
    let settings = Arc::new(settings);
    let http = http_client(&settings)?;
    let keys: Arc<dyn KeySource> = Arc::new(janua_tokens::JwksClient::new(
        &format!("{}/.well-known/jwks.json", settings.auth.url.trim_end_matches('/')),
        &settings.public_url,
        &settings.tokens.audience,
        http.clone(),
    ));
    Ok(Launch { settings, keys, http })
}

/// Starts the target's services, in order; answers them running.
pub async fn start(
    target: Target, settings: Settings, mut listeners: Listeners,
) -> anyhow::Result<Vec<Running>> {
    let launch = launch(settings)?;
    janua_service::memory::trim_periodically();
    let mut running = Vec::new();
    let metrics = &launch.settings.metrics;
    if metrics.enabled {
        let listener = match listeners.0.remove("metrics") {
            Some(listener) => listener,
            None => TcpListener::bind((metrics.host.as_str(), metrics.port)).map_err(|e| {
                anyhow::anyhow!("metrics: cannot listen on {}:{}: {e}", metrics.host, metrics.port)
            })?,
        };
        let started = janua_service::serve_metrics(listener)?;
        tracing::info!(port = started.port(), "metrics listening");
        running.push(started);
    }
    for (_, service, start) in selected(target) {
        let listener = match listeners.0.remove(service.name) {
            Some(listener) => listener,
            None => service.bind(&launch.settings)?,
        };
        let started = start(launch.clone(), listener).await?;
        tracing::info!(service = started.name(), port = started.port(), "listening");
        running.push(started);
    }
    Ok(running)
}

/// Serves until any of them stops (SIGTERM stops each gracefully), then stops the others
/// gracefully too and waits for every one to finish its last work.
pub async fn run_until_stopped(running: Vec<Running>) -> anyhow::Result<()> {
    use futures::StreamExt;
    let handles: Vec<_> = running.iter().map(Running::handle).collect();
    let mut servers: futures::stream::FuturesUnordered<_> =
        running.into_iter().map(Running::run_until_stopped).collect();
    let first = servers.next().await;
    // The stop is sent when asked for; it completes as the servers, polled below, stop (a
    // server that stopped already answers nothing: awaiting it here would wait for ever).
    for handle in &handles {
        drop(handle.stop(true));
    }
    while servers.next().await.is_some() {}
    if let Some(result) = first {
        result?;
    }
    Ok(())
}
