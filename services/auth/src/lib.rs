//! The auth service: credentials, sessions and refresh-token families, one-time tokens,
//! signing keys. Routers: Auth, `/.well-known/jwks.json`.

pub mod domain;
pub mod events;
pub mod events_in;
pub mod handlers;
pub mod identity_client;
pub mod letters;
pub mod mailer;
pub mod routes;
pub mod store;

use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use domain::keys::LocalKeys;
use domain::password::PasswordHasher;
use domain::throttle::SigninThrottle;
use identity_client::IdentityClient;
use janua_core::config::Settings;
use janua_db::Pool;
use janua_service::sealed::Sealed;
use janua_service::{Connected, Launch, Running, Service};
use janua_tokens::{RevocationSet, SecretBox, TokenGuard};
use secrecy::ExposeSecret;
use std::collections::HashSet;
use std::net::TcpListener;
use std::sync::Arc;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/auth");

#[derive(Clone)]
pub struct AuthState {
    pub pool: Pool,
    pub settings: Arc<Settings>,
    pub redis: redis::aio::ConnectionManager,
    pub keys: Arc<LocalKeys>,
    pub revocations: RevocationSet,
    pub identity: IdentityClient,
    pub hasher: PasswordHasher,
    pub throttle: SigninThrottle,
    /// Device tokens: devices that signed in to an account keep their own throttling budget.
    pub devices: domain::throttle::DeviceTokens,
    /// The key of the decoy credential ids shown for unknown addresses (kept across
    /// encryption-key rotations, so a decoy never changes).
    pub decoy_key: [u8; 32],
    pub sealer: SecretBox,
    pub common_passwords: Arc<HashSet<&'static str>>,
    /// The passkey relying party.
    pub webauthn: Arc<webauthn_rs::Webauthn>,
    /// The configured social sign-in providers.
    pub oauth: Arc<domain::oauth::OAuthProviders>,
}

pub static SERVICE: Service = Service::with_database("auth", || MIGRATIONS, |settings| &settings.auth)
    .sealing(&[
        Sealed { table: "signing_keys", key: "kid", key_type: "text", column: "private_jwk_sealed" },
        Sealed { table: "totp_secrets", key: "user_id", key_type: "uuid", column: "secret_sealed" },
        Sealed { table: "outgoing_emails", key: "id", key_type: "uuid", column: "body_sealed" },
        Sealed { table: "oauth_flows", key: "state_hash", key_type: "bytea", column: "verifier_sealed" },
    ]);

impl AuthState {
    /// Auth's state over its connected database, Redis and revocation set.
    pub async fn build(service: &Connected) -> anyhow::Result<AuthState> {
        let http = service.http.clone();
        let settings = service.settings.clone();
        let (pool, redis, revocations) =
            (service.pool.clone(), service.redis.clone(), service.revocations.clone());
        let sealer = SecretBox::from_settings(&settings.secrets)?;
        let keys = LocalKeys::load(pool.clone(), &settings, sealer.clone()).await?;
        let encryption_key = settings.secrets.encryption_key.expose_secret();
        let (device_key, decoy_key) = {
            use janua_service::sealed::kept_key;
            let mut conn = pool.get().await?;
            let devices = domain::throttle::DeviceTokens::derive(encryption_key);
            let decoys =
                janua_core::crypto::sha256(format!("janua passkey decoys\0{encryption_key}").as_bytes());
            (
                kept_key(&mut conn, &sealer, "auth.devices", || devices).await?,
                kept_key(&mut conn, &sealer, "auth.passkey-decoys", || decoys).await?,
            )
        };
        let identity =
            IdentityClient::new(&settings.identity.url, settings.secrets.service_token.expose_secret(), http);
        Ok(AuthState {
            hasher: PasswordHasher::new(&settings.passwords)?,
            throttle: SigninThrottle::new(
                redis.clone(),
                &settings.redis_prefix,
                settings.rate_limits.clone(),
            ),
            devices: domain::throttle::DeviceTokens::from_key(device_key),
            decoy_key,
            common_passwords: Arc::new(domain::password::common_passwords()),
            webauthn: Arc::new(domain::passkeys::relying_party(&settings.webauthn)?),
            oauth: Arc::new(domain::oauth::OAuthProviders::from_settings(
                &settings.oauth,
                janua_core::outbound::Outbound::from_settings(&settings, "", 0)?,
            )?),
            pool,
            redis,
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
        &self, id: uuid::Uuid,
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

/// Connects, loads the signing keys, starts the mail worker, the key rotation, the consumer of
/// identity's and org's events and the bootstrap admin, and serves. Auth verifies tokens with
/// its own keys, not the launch's.
pub async fn start(launch: Launch, listener: TcpListener) -> anyhow::Result<Running> {
    let mut service = Connected::connect(&SERVICE, launch).await?;
    let state = AuthState::build(&service).await?;
    let settings = state.settings.clone();
    service.consume(
        events_in::subscription(),
        events_in::handler(
            state.pool.clone(),
            events_in::Effects {
                sealer: state.sealer.clone(),
                public_url: settings.public_url.clone(),
                revocations: state.revocations.clone(),
                verify_ttl_secs: settings.tokens.verify_token_ttl_secs,
                default_locale: settings.localization.default_locale.clone(),
            },
        ),
    );
    service.workers.spawn(
        mailer::MailWorker {
            pool: state.pool.clone(),
            sealer: state.sealer.clone(),
            smtp: settings.smtp.clone(),
            localizer: letters::Localizer::new(
                janua_core::internal::InternalClient::new(
                    "identity",
                    &settings.identity.url,
                    &settings,
                    service.http.clone(),
                ),
                &settings.localization.default_locale,
            ),
        }
        .run(),
    );
    service.workers.push(state.keys.spawn_rotation());
    mailer::collect_metrics(service.pool.clone());
    state.keys.collect_metrics();
    // Auth is the source of truth for revoked sessions: written back if Redis loses them.
    let within = service.revocations.ttl_secs();
    service
        .keep_revocations("sessions", move |pool| {
            Box::pin(async move {
                let mut conn = pool.get().await?;
                Ok(store::sessions::revocations(&mut conn, within).await?)
            })
        })
        .await;
    service.workers.spawn(domain::bootstrap::bootstrap_admin(state.clone()));
    let identity = state.identity.clone();
    service.depends_on(
        "identity",
        Arc::new(move || {
            let identity = identity.clone();
            Box::pin(async move { identity.ready().await })
        }),
    );
    let guard = state.token_guard();
    service.serve_with(listener, state, guard, routes::ROUTES)
}
