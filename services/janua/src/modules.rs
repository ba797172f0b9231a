//! The services as named modules with explicit dependencies (in the spirit of Grafana
//! Mimir's `modules.go`): `all` starts identity, org, enterprise, audit and webhooks, then auth (which asks
//! identity), then the gateway in front of them.

use janua_core::config::Settings;
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

pub async fn migrate(target: Target, settings: &Settings) -> anyhow::Result<()> {
    if matches!(target, Target::All | Target::Identity) {
        janua_identity::migrate(settings).await?;
    }
    if matches!(target, Target::All | Target::Auth) {
        janua_auth::migrate(settings).await?;
    }
    if matches!(target, Target::All | Target::Org) {
        janua_org::migrate(settings).await?;
    }
    if matches!(target, Target::All | Target::Enterprise) {
        janua_enterprise::migrate(settings).await?;
    }
    if matches!(target, Target::All | Target::Audit) {
        janua_audit::migrate(settings).await?;
    }
    if matches!(target, Target::All | Target::Webhooks) {
        janua_webhooks::migrate(settings).await?;
    }
    Ok(())
}

fn bind(host: &str, port: u16) -> anyhow::Result<TcpListener> {
    TcpListener::bind((host, port)).map_err(|e| anyhow::anyhow!("cannot listen on {host}:{port}: {e}"))
}

pub fn http_client(settings: &Settings) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_millis(
            settings.http.upstream_connect_timeout_ms,
        ))
        .pool_max_idle_per_host(64)
        .build()?)
}

/// Identity and org verify tokens with auth's published keys.
fn identity_keys(settings: &Settings, http: reqwest::Client) -> Arc<janua_tokens::JwksClient> {
    Arc::new(janua_tokens::JwksClient::new(
        &format!(
            "{}/.well-known/jwks.json",
            settings.auth.url.trim_end_matches('/')
        ),
        &settings.public_url,
        &settings.tokens.audience,
        http,
    ))
}

pub async fn run(target: Target, settings: Settings) -> anyhow::Result<()> {
    let http = http_client(&settings)?;
    match target {
        Target::Identity => {
            let listener = bind(&settings.identity.host, settings.identity.port)?;
            let keys = identity_keys(&settings, http);
            let app = janua_identity::Application::build(settings, listener, keys).await?;
            tracing::info!(port = app.port(), "identity listening");
            app.run_until_stopped().await?;
        }
        Target::Auth => {
            let listener = bind(&settings.auth.host, settings.auth.port)?;
            let app = janua_auth::Application::build(settings, listener, http).await?;
            tracing::info!(port = app.port(), "auth listening");
            app.run_until_stopped().await?;
        }
        Target::Org => {
            let listener = bind(&settings.org.host, settings.org.port)?;
            let keys = identity_keys(&settings, http.clone());
            let app = janua_org::Application::build(settings, listener, keys, http).await?;
            tracing::info!(port = app.port(), "org listening");
            app.run_until_stopped().await?;
        }
        Target::Enterprise => {
            let listener = bind(&settings.enterprise.host, settings.enterprise.port)?;
            let keys = identity_keys(&settings, http.clone());
            let app = janua_enterprise::Application::build(settings, listener, keys, http).await?;
            tracing::info!(port = app.port(), "enterprise listening");
            app.run_until_stopped().await?;
        }
        Target::Audit => {
            let listener = bind(&settings.audit.host, settings.audit.port)?;
            let keys = identity_keys(&settings, http.clone());
            let app = janua_audit::Application::build(settings, listener, keys, http).await?;
            tracing::info!(port = app.port(), "audit listening");
            app.run_until_stopped().await?;
        }
        Target::Webhooks => {
            let listener = bind(&settings.webhooks.service.host, settings.webhooks.service.port)?;
            let keys = identity_keys(&settings, http.clone());
            let app = janua_webhooks::Application::build(settings, listener, keys, http).await?;
            tracing::info!(port = app.port(), "webhooks listening");
            app.run_until_stopped().await?;
        }
        Target::Gateway => {
            let listener = bind(&settings.gateway.service.host, settings.gateway.service.port)?;
            let app = janua_gateway::Application::build(settings, listener).await?;
            tracing::info!(port = app.port(), "gateway listening");
            app.run_until_stopped().await?;
        }
        Target::All => {
            let identity = janua_identity::Application::build(
                settings.clone(),
                bind(&settings.identity.host, settings.identity.port)?,
                identity_keys(&settings, http.clone()),
            )
            .await?;
            let org = janua_org::Application::build(
                settings.clone(),
                bind(&settings.org.host, settings.org.port)?,
                identity_keys(&settings, http.clone()),
                http.clone(),
            )
            .await?;
            let enterprise = janua_enterprise::Application::build(
                settings.clone(),
                bind(&settings.enterprise.host, settings.enterprise.port)?,
                identity_keys(&settings, http.clone()),
                http.clone(),
            )
            .await?;
            let audit = janua_audit::Application::build(
                settings.clone(),
                bind(&settings.audit.host, settings.audit.port)?,
                identity_keys(&settings, http.clone()),
                http.clone(),
            )
            .await?;
            let webhooks = janua_webhooks::Application::build(
                settings.clone(),
                bind(&settings.webhooks.service.host, settings.webhooks.service.port)?,
                identity_keys(&settings, http.clone()),
                http.clone(),
            )
            .await?;
            let auth = janua_auth::Application::build(
                settings.clone(),
                bind(&settings.auth.host, settings.auth.port)?,
                http,
            )
            .await?;
            let gateway = janua_gateway::Application::build(
                settings.clone(),
                bind(&settings.gateway.service.host, settings.gateway.service.port)?,
            )
            .await?;
            tracing::info!(
                gateway = gateway.port(),
                auth = auth.port(),
                identity = identity.port(),
                org = org.port(),
                enterprise = enterprise.port(),
                audit = audit.port(),
                webhooks = webhooks.port(),
                "janua listening"
            );
            tokio::select! {
                r = identity.run_until_stopped() => r?,
                r = auth.run_until_stopped() => r?,
                r = org.run_until_stopped() => r?,
                r = enterprise.run_until_stopped() => r?,
                r = audit.run_until_stopped() => r?,
                r = webhooks.run_until_stopped() => r?,
                r = gateway.run_until_stopped() => r?,
            }
        }
    }
    Ok(())
}
