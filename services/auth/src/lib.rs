//! The auth service: credentials, sessions and refresh-token families, one-time tokens,
//! signing keys. Routers: Auth, `/.well-known/jwks.json`.

pub mod domain;
pub mod events;
pub mod events_in;
pub mod handlers;
pub mod identity_client;
pub mod mailer;
pub mod openapi;
pub mod routes;
pub mod store;

use actix_web::dev::Server;
use actix_web::{App, HttpServer, middleware, web};
use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use domain::keys::LocalKeys;
use domain::password::PasswordHasher;
use domain::throttle::SigninThrottle;
use identity_client::IdentityClient;
use janua_core::config::Settings;
use janua_db::Pool;
use janua_tokens::{RevocationSet, SecretBox, TokenGuard};
use secrecy::ExposeSecret;
use std::collections::HashSet;
use std::net::TcpListener;
use std::sync::Arc;

pub const SCHEMA: &str = "auth";
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/auth");

#[derive(Clone)]
pub struct AuthState {
    pub pool: Pool,
    pub settings: Arc<Settings>,
    pub redis: redis::aio::ConnectionManager,
    pub broker: janua_db::outbox::BrokerStatus,
    /// Up while the consumer of identity's events is attached to its queue.
    pub consumer: janua_events::BrokerStatus,
    pub keys: Arc<LocalKeys>,
    pub revocations: RevocationSet,
    pub identity: IdentityClient,
    pub hasher: PasswordHasher,
    pub throttle: SigninThrottle,
    /// Device tokens: devices that signed in to an account keep their own throttling budget.
    pub devices: domain::throttle::DeviceTokens,
    pub sealer: SecretBox,
    pub common_passwords: Arc<HashSet<&'static str>>,
    /// The passkey relying party.
    pub webauthn: Arc<webauthn_rs::Webauthn>,
    /// The configured social sign-in providers.
    pub oauth: Arc<domain::oauth::OAuthProviders>,
}

pub async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    janua_db::migrate(&settings.database_url_for(&settings.auth), SCHEMA, MIGRATIONS).await?;
    Ok(())
}

impl AuthState {
    pub async fn build(settings: Settings, http: reqwest::Client) -> anyhow::Result<AuthState> {
        let settings = Arc::new(settings);
        let pool = janua_db::pool(
            &settings.database_url_for(&settings.auth),
            SCHEMA,
            settings.auth.db_pool_size,
        )?;
        let redis = redis::Client::open(settings.redis_url.as_str())?
            .get_connection_manager()
            .await?;
        let sealer = SecretBox::from_base64(settings.secrets.encryption_key.expose_secret())?;
        let keys = LocalKeys::load(pool.clone(), &settings, sealer.clone()).await?;
        let revocations = RevocationSet::new(
            redis.clone(),
            &settings.redis_prefix,
            settings.tokens.access_ttl_secs as u64,
        );
        let identity = IdentityClient::new(
            &settings.identity.url,
            settings.secrets.service_token.expose_secret(),
            http,
        );
        Ok(AuthState {
            hasher: PasswordHasher::new(&settings.passwords)?,
            throttle: SigninThrottle::new(
                redis.clone(),
                &settings.redis_prefix,
                settings.rate_limits.clone(),
            ),
            devices: domain::throttle::DeviceTokens::new(settings.secrets.encryption_key.expose_secret()),
            common_passwords: Arc::new(domain::password::common_passwords()),
            webauthn: Arc::new(domain::passkeys::relying_party(&settings.webauthn)?),
            oauth: Arc::new(domain::oauth::OAuthProviders::from_settings(
                &settings.oauth,
                janua_core::outbound::Outbound::from_settings(&settings, "", 0)?,
            )?),
            pool,
            redis,
            broker: janua_db::outbox::BrokerStatus::default(),
            consumer: janua_events::BrokerStatus::default(),
            keys,
            revocations,
            identity,
            sealer,
            settings,
        })
    }

    /// The user record, from auth's read model of identity's events; asks identity only for a
    /// user the model has not seen yet (e.g. right after sign-up).
    pub async fn user(
        &self,
        id: uuid::Uuid,
    ) -> Result<Option<identity_client::IdentityUser>, janua_core::ApiError> {
        let mut conn = self.pool.get().await?;
        if let Some(user) = store::user_profiles::find(&mut conn, id).await? {
            return Ok(Some(user));
        }
        drop(conn);
        self.identity.get_user(id).await
    }

    pub fn token_guard(&self) -> TokenGuard {
        TokenGuard::new(self.keys.clone(), self.revocations.clone())
            .with_reauth_window(self.settings.tokens.reauth_window_secs)
    }
}

/// Mounts auth's routes (used by its own server, the `janua all` process and tests).
pub fn configure(cfg: &mut web::ServiceConfig, state: AuthState) {
    janua_core::http::service_app_data(cfg, &state.settings);
    cfg.app_data(web::Data::new(state.token_guard()))
        .app_data(web::Data::new(state));
    routes::routes(cfg);
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
        http: reqwest::Client,
    ) -> anyhow::Result<Application> {
        let state = AuthState::build(settings, http).await?;
        let settings = state.settings.clone();
        let workers = vec![
            tokio::spawn(
                janua_db::outbox::OutboxRelay::new(
                    state.pool.clone(),
                    &settings.amqp_url,
                    &settings.amqp_exchange,
                )
                .listen(&settings.database_url_for(&settings.auth), SCHEMA)
                .with_status(state.broker.clone())
                .run(),
            ),
            tokio::spawn(
                mailer::MailWorker {
                    pool: state.pool.clone(),
                    sealer: state.sealer.clone(),
                    smtp: settings.smtp.clone(),
                }
                .run(),
            ),
            state.keys.spawn_rotation(),
            tokio::spawn(janua_events::consumer::run(
                settings.amqp_url.clone(),
                settings.amqp_exchange.clone(),
                events_in::subscription(),
                events_in::handler(
                    state.pool.clone(),
                    events_in::Effects {
                        sealer: state.sealer.clone(),
                        public_url: settings.public_url.clone(),
                        revocations: state.revocations.clone(),
                        verify_ttl_secs: settings.tokens.verify_token_ttl_secs,
                    },
                ),
                state.consumer.clone(),
            )),
            tokio::spawn(domain::bootstrap::bootstrap_admin(state.clone())),
        ];
        let port = listener.local_addr()?.port();
        let server = HttpServer::new(move || {
            App::new()
                .wrap(middleware::from_fn(janua_core::http::request_id))
                .configure(|cfg| configure(cfg, state.clone()))
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
