//! Configuration: built-in defaults < `janua.toml` (or `JANUA_CONFIG`) < `JANUA_*` environment
//! variables, `__` nesting (`JANUA_RATE_LIMITS__ANONYMOUS_PER_MIN`). A secret may also come from
//! a file: `JANUA_SECRETS__ENCRYPTION_KEY_FILE=/run/secrets/key`.
//!
//! Every default works on one machine; production overrides the secrets (see the README).

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Dev-only defaults: loud at start-up when still in use, so nobody ships them by accident.
pub const DEV_ENCRYPTION_KEY: &str = "ZGV2LW9ubHktamFudWEtZW5jcnlwdGlvbi1rZXktISE";
pub const DEV_SERVICE_TOKEN: &str = "dev-only-janua-service-token";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// `production` refuses to start (and `janua config check` fails) while a development
    /// secret is in use.
    pub environment: Environment,
    /// Base of links in emails, and the `iss` of access tokens.
    pub public_url: String,
    /// PostgreSQL, as libpq takes it: `sslmode` (disable, prefer (default), require,
    /// verify-ca, verify-full), `sslrootcert`, `sslcert`/`sslkey` in the query.
    pub database_url: String,
    /// PostgreSQL itself when `database_url` is a pooler: migrations and the outbox relay's
    /// LISTEN need a session of their own. Defaults to `database_url`.
    pub database_direct_url: Option<String>,
    /// `database_url` is a pooler (PgBouncer, RDS Proxy) that selects each service's schema on
    /// the server side; the services then send no startup `options` and check the schema at
    /// start (see the README, "Deploying to production").
    pub database_pooled: bool,
    /// PostgreSQL ends a service's session left idle inside a transaction this long (0:
    /// never): an abandoned transaction cannot hold row locks for ever.
    pub database_idle_in_transaction_timeout_secs: u64,
    /// `redis://`, or `rediss://` for TLS.
    pub redis_url: String,
    /// PEM of the authorities a `rediss://` server's certificate must chain to (default: the
    /// system's trust store).
    pub redis_ca_file: Option<String>,
    /// Prefix of every Redis key Janua writes (tests use one per test).
    pub redis_prefix: String,
    pub amqp_url: String,
    /// Topic exchange all events are published to.
    pub amqp_exchange: String,
    pub bootstrap_admin_email: Option<String>,
    #[serde(serialize_with = "serialize_secret_opt")]
    pub bootstrap_admin_password: Option<SecretString>,
    pub smtp: SmtpSettings,
    pub rate_limits: RateLimitSettings,
    pub tokens: TokenSettings,
    pub passwords: PasswordSettings,
    pub secrets: SecretSettings,
    pub http: HttpSettings,
    pub log: LogSettings,
    pub otel: OtelSettings,
    pub metrics: MetricsSettings,
    pub magic_links: MagicLinkSettings,
    pub webauthn: WebauthnSettings,
    pub oauth: OAuthSettings,
    pub gateway: GatewaySettings,
    pub auth: ServiceSettings,
    pub identity: ServiceSettings,
    pub org: ServiceSettings,
    pub enterprise: ServiceSettings,
    pub audit: AuditSettings,
    pub webhooks: WebhookSettings,
    pub websocket: WebSocketSettings,
    pub sso: SsoSettings,
    pub outbound: OutboundSettings,
    pub privacy: PrivacySettings,
    pub localization: LocalizationSettings,
    pub housekeeping: HousekeepingSettings,
}

/// Where Janua runs: the development defaults are refused in production.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    #[default]
    Development,
    Production,
}

/// Messages: the language a reader gets when nothing they ask for is available.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct LocalizationSettings {
    /// A BCP 47 tag; after it, `en` (see `janua_i18n`'s fallback chain). A tag that is not
    /// valid counts as `en`.
    pub default_locale: String,
}

impl LocalizationSettings {
    /// The default locale written canonically; `en` when the setting is not a valid tag.
    pub fn default_tag(&self) -> String {
        janua_i18n::tag::canonical(&self.default_locale).unwrap_or_else(|| "en".into())
    }
}

impl Default for LocalizationSettings {
    fn default() -> Self {
        Self { default_locale: "en".into() }
    }
}

/// The audit service, and how long it keeps personal data in its log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditSettings {
    #[serde(flatten)]
    pub service: ServiceSettings,
    /// Personal data in audit entries (addresses, names, IPs, user agents) is removed this
    /// many days after it was recorded; the entries stay and still verify. Unset: kept as long
    /// as the entries.
    pub pii_retention_days: Option<u32>,
}

/// Retention jobs: every service deletes, in batches and safely with many replicas (`FOR
/// UPDATE SKIP LOCKED`), what it no longer needs. Each `*_secs` is how long a row is kept
/// past the moment it stopped mattering (sent, processed, expired, revoked, settled).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct HousekeepingSettings {
    pub enabled: bool,
    /// Seconds between runs.
    pub interval_secs: u64,
    /// Rows deleted per statement (one short transaction each).
    pub batch_size: i64,
    /// Published outbox events.
    pub outbox_secs: u64,
    /// Consumers' inbox entries (duplicate detection): longer than any redelivery can come.
    pub inbox_secs: u64,
    /// Sent mail (its body is wiped at sending; the row records that it went).
    pub sent_mail_secs: u64,
    /// Sessions past their expiry or revocation (with their refresh tokens).
    pub sessions_secs: u64,
    /// One-time tokens (verification, reset, magic links) past their expiry.
    pub one_time_tokens_secs: u64,
    /// Passkey ceremonies, OAuth and SSO flows, used SAML assertion ids past their expiry.
    pub flows_secs: u64,
    /// Settled webhook deliveries and their attempts.
    pub webhook_deliveries_secs: u64,
}

impl Default for HousekeepingSettings {
    fn default() -> Self {
        const DAY: u64 = 24 * 3600;
        Self {
            enabled: true,
            interval_secs: 300,
            batch_size: 1000,
            outbox_secs: 7 * DAY,
            inbox_secs: 14 * DAY,
            sent_mail_secs: 7 * DAY,
            sessions_secs: 30 * DAY,
            one_time_tokens_secs: DAY,
            flows_secs: 3600,
            webhook_deliveries_secs: 30 * DAY,
        }
    }
}

/// Data-subject rights: exports and erasure.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct PrivacySettings {
    /// A data export (and its mailed single-use link) is removed this long after it is ready.
    /// Fractions are allowed (tests use seconds' worth).
    pub export_ttl_hours: f64,
    /// An erasure waits this long after it is asked for (the account is deactivated at once
    /// and the person may cancel meanwhile). Fractions are allowed (tests use seconds' worth).
    pub deletion_grace_days: f64,
}

impl Default for PrivacySettings {
    fn default() -> Self {
        Self { export_ttl_hours: 24.0, deletion_grace_days: 30.0 }
    }
}

impl PrivacySettings {
    /// How long an erasure waits, at least a second.
    pub fn deletion_grace(&self) -> std::time::Duration {
        std::time::Duration::from_secs_f64(
            (self.deletion_grace_days * 86400.0).clamp(1.0, 10.0 * 365.0 * 86400.0),
        )
    }

    /// How long an export stays, at least a second.
    pub fn export_ttl(&self) -> std::time::Duration {
        std::time::Duration::from_secs_f64(
            (self.export_ttl_hours * 3600.0).clamp(1.0, 10.0 * 365.0 * 86400.0),
        )
    }
}

/// Fetches of URLs that a user or a fetched document can name (SSO metadata, OIDC discovery,
/// JWKS and token endpoints, social OAuth, webhooks): see `janua_core::outbound`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct OutboundSettings {
    /// Comma-separated CIDRs that outbound fetches may reach although they are loopback,
    /// private or link-local (refused otherwise), e.g. `10.20.0.0/16` for an IdP on the
    /// internal network.
    pub allowed_networks: String,
    /// One fetch may take this long (connect, send, read the answer).
    pub timeout_ms: u64,
}

impl Default for OutboundSettings {
    fn default() -> Self {
        Self { allowed_networks: String::new(), timeout_ms: 10_000 }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServiceSettings {
    /// Address this service listens on.
    pub host: String,
    pub port: u16,
    /// How other services (and the gateway) reach this one.
    pub url: String,
    /// Per-service database override; falls back to `database_url`.
    pub database_url: Option<String>,
    /// Per-service override of `database_direct_url`.
    pub database_direct_url: Option<String>,
    /// Per-service broker override; falls back to `amqp_url`.
    pub amqp_url: Option<String>,
    pub db_pool_size: usize,
}

impl ServiceSettings {
    fn on_port(port: u16) -> Self {
        Self {
            host: "127.0.0.1".into(),
            port,
            url: format!("http://127.0.0.1:{port}"),
            database_url: None,
            database_direct_url: None,
            amqp_url: None,
            // Six services of 12 (+ a LISTEN each) fit PostgreSQL's default 100 connections
            // with room for migrations and an operator's psql.
            db_pool_size: 12,
        }
    }
}

/// The gateway: where it listens, and whom it believes about the client's address.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct GatewaySettings {
    #[serde(flatten)]
    pub service: ServiceSettings,
    /// Comma-separated CIDRs of the reverse proxies in front of the gateway (a load balancer,
    /// an ingress). `X-Forwarded-For` and `Forwarded` are believed only from them; from anyone
    /// else the TCP peer is the client. Empty (the default): the peer is always the client.
    pub trusted_proxies: String,
    /// Requests the gateway forwards at once; past it, the answer is 503 with `Retry-After` at
    /// once rather than a queue that grows while the services are saturated.
    pub max_in_flight: usize,
}

impl Default for GatewaySettings {
    fn default() -> Self {
        Self { service: ServiceSettings::on_port(8080), trusted_proxies: String::new(), max_in_flight: 1024 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    None,
    Starttls,
    Tls,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub from: String,
    pub username: Option<String>,
    #[serde(serialize_with = "serialize_secret_opt")]
    pub password: Option<SecretString>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct RateLimitSettings {
    pub anonymous_per_min: u32,
    pub authenticated_per_min: u32,
    pub admin_per_min: u32,
    /// Requests a minute of one SCIM token (an identity provider provisioning in bulk).
    pub scim_per_min: u32,
    /// Failed sign-ins from one IP in a minute before sign-ins from it are delayed.
    pub signin_failures_per_ip_per_min: u32,
    /// Consecutive failed sign-ins of one account from one address (an IPv4 address, an IPv6
    /// /64) before that address is throttled for that account with growing delays; the owner
    /// elsewhere is not.
    pub signin_failures_per_account: u32,
    /// Distinct addresses failing to sign in to one account within an hour before sign-ins
    /// to it from devices that never signed in to it are delayed too (a distributed guess).
    /// A device that signed in before keeps its own budget.
    pub signin_failing_addresses_per_account: u32,
    /// Mails of one kind (reset, verification, sign-in link) one address gets per hour;
    /// requests beyond are accepted and dropped.
    pub emails_per_address_per_hour: u32,
    /// First lock-out after the account threshold, doubled on each further failure.
    pub signin_lockout_base_secs: u64,
    pub signin_lockout_max_secs: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct TokenSettings {
    pub audience: String,
    pub access_ttl_secs: i64,
    pub refresh_ttl_secs: i64,
    /// A signing key signs for this many days, then a new one replaces it (every auth
    /// replica checks once a minute); the old one keeps verifying until every token it signed
    /// has expired. `janua keys rotate-signing` rotates at once.
    pub signing_key_rotation_days: i64,
    pub reset_token_ttl_secs: i64,
    pub verify_token_ttl_secs: i64,
    /// Sensitive actions (deleting the account) accept an access token at most this old
    /// instead of the password.
    pub reauth_window_secs: i64,
    /// Whether each refresh also emits `session.refreshed` (audit entry, webhooks, live feed).
    /// Off by default: a refresh is routine, and recording each one costs the whole event
    /// pipeline per refresh. The session's last use, reuse detection and revocation do not
    /// depend on it.
    pub refresh_events: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct PasswordSettings {
    /// argon2id memory in KiB (OWASP: 19456 = 19 MiB).
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub argon2_parallelism: u32,
    /// How many hashes may run at once on the blocking pool (default: number of cores).
    pub hashing_concurrency: Option<usize>,
    /// Password checks (sign-ins) that may wait for a hashing thread; beyond, requests are
    /// refused with 503 and `Retry-After` instead of queueing without end. New hashes
    /// (sign-ups, resets, changes) may fill half of it, so a flood of them never stalls
    /// sign-ins, which go first.
    pub hashing_queue: usize,
    /// The longest a password job may expect to wait for a thread (jobs ahead of it times the
    /// measured time of one hash, over the threads): past it the request is shed at once with
    /// 503 and `Retry-After`, so that under overload the requests admitted still answer in
    /// about the time they do at capacity.
    pub hashing_max_wait_ms: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct SecretSettings {
    /// base64 (or base64url) of 32 bytes: encrypts signing keys and other secrets at rest.
    #[serde(serialize_with = "serialize_secret")]
    pub encryption_key: SecretString,
    /// Earlier encryption keys, comma-separated: they still open what they sealed until
    /// `janua keys reseal` has moved everything to `encryption_key`; then remove them.
    #[serde(serialize_with = "serialize_secret")]
    pub previous_encryption_keys: SecretString,
    /// Shared by the services for `/internal/v1` calls; never leaves the cluster.
    #[serde(serialize_with = "serialize_secret")]
    pub service_token: SecretString,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct HttpSettings {
    pub body_limit_bytes: usize,
    /// Longest wait for the next bytes of an upstream answer.
    pub upstream_timeout_ms: u64,
    pub upstream_connect_timeout_ms: u64,
    pub workers: Option<usize>,
    /// On SIGTERM a server stops accepting and gives requests in flight this long to finish
    /// (below Kubernetes' `terminationGracePeriodSeconds`).
    pub shutdown_timeout_secs: u64,
    /// How long a server keeps an idle connection open (at least 2). The clients calling
    /// between services give theirs back earlier (see [`HttpSettings::cluster_idle`]), so that a
    /// server never closes a connection a client is just reusing.
    pub keep_alive_secs: u64,
}

impl HttpSettings {
    /// How long a server keeps an idle connection.
    pub fn keep_alive(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.keep_alive_secs.max(2))
    }

    /// How long a client calling a Janua service keeps an idle connection: a fifth less than
    /// the server would (at least a second less). Were it as long or longer, a request sent
    /// on a connection the server was closing at that moment would fail for no reason of its
    /// own (the gateway answered such a request 503).
    pub fn cluster_idle(&self) -> std::time::Duration {
        let keep = self.keep_alive();
        keep - (keep / 5).max(std::time::Duration::from_secs(1))
    }

    /// The start of every client that calls a Janua service (the gateway's upstream client,
    /// the services' client for each other): connect timeout, idle connections given back
    /// before the server closes them, no redirects followed.
    pub fn cluster_client(&self) -> reqwest::ClientBuilder {
        reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_millis(self.upstream_connect_timeout_ms))
            .pool_idle_timeout(self.cluster_idle())
            .redirect(reqwest::redirect::Policy::none())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct LogSettings {
    /// `pretty` or `json`.
    pub format: String,
    /// An `EnvFilter` directive, e.g. `info,janua_auth=debug`. `RUST_LOG` wins when set.
    pub level: String,
    /// One line per request (target `janua::access`, level info): method, route template,
    /// status, latency, request id, user id.
    pub access: bool,
}

/// The management listener: Prometheus `/metrics` of every service this process runs, on a
/// port of its own (never routed by the gateway).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct MetricsSettings {
    pub enabled: bool,
    pub host: String,
    pub port: u16,
}

impl Default for MetricsSettings {
    fn default() -> Self {
        Self { enabled: true, host: "127.0.0.1".into(), port: 9464 }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct MagicLinkSettings {
    /// Whether a link sent to an unknown email creates the account when followed.
    pub signup_enabled: bool,
    pub ttl_secs: i64,
    /// Links sent to one address per hour, beyond which requests are accepted but dropped.
    pub per_email_per_hour: u32,
}

impl Default for MagicLinkSettings {
    fn default() -> Self {
        Self { signup_enabled: false, ttl_secs: 15 * 60, per_email_per_hour: 5 }
    }
}

/// The passkey relying party: browsers bind each passkey to `rp_id` (a registrable domain of
/// the page's origin) and Janua accepts ceremonies only from `rp_origin`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct WebauthnSettings {
    pub rp_id: String,
    pub rp_origin: String,
    /// Shown by the browser or authenticator when a passkey is made.
    pub rp_name: String,
    /// How long a begun registration or authentication may take to complete.
    pub ceremony_ttl_secs: i64,
}

impl Default for WebauthnSettings {
    fn default() -> Self {
        Self {
            rp_id: "localhost".into(),
            rp_origin: "http://localhost:8080".into(),
            rp_name: "Janua".into(),
            ceremony_ttl_secs: 300,
        }
    }
}

/// Social sign-in. A provider without a `client_id` is off (its routes answer 404).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct OAuthSettings {
    /// Comma-separated URLs that a `redirect_uri` may start with (same scheme, host and port,
    /// and a path under the listed one). Empty: no redirects; the callback answers JSON.
    pub redirect_allowlist: String,
    /// Whether a first sign-in with a provider creates the account (verified emails only).
    pub signup_enabled: bool,
    /// How long a user may take at the provider.
    pub flow_ttl_secs: i64,
    pub google: OAuthProviderSettings,
    pub github: OAuthProviderSettings,
    pub microsoft: OAuthProviderSettings,
    pub discord: OAuthProviderSettings,
    pub twitter: OAuthProviderSettings,
}

/// One provider: OpenID Connect providers take `issuer` (discovery, JWKS, ID tokens); plain
/// OAuth 2.0 providers take the three URLs.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct OAuthProviderSettings {
    pub client_id: Option<String>,
    #[serde(serialize_with = "serialize_secret_opt")]
    pub client_secret: Option<SecretString>,
    pub issuer: Option<String>,
    pub authorize_url: Option<String>,
    pub token_url: Option<String>,
    pub userinfo_url: Option<String>,
    /// Space-separated; each provider has a sensible default.
    pub scopes: Option<String>,
}

impl OAuthProviderSettings {
    fn oidc(issuer: &str) -> Self {
        Self { issuer: Some(issuer.into()), ..Self::default() }
    }

    fn oauth2(authorize: &str, token: &str, userinfo: &str) -> Self {
        Self {
            authorize_url: Some(authorize.into()),
            token_url: Some(token.into()),
            userinfo_url: Some(userinfo.into()),
            ..Self::default()
        }
    }
}

impl Default for OAuthSettings {
    fn default() -> Self {
        Self {
            redirect_allowlist: String::new(),
            signup_enabled: true,
            flow_ttl_secs: 600,
            google: OAuthProviderSettings::oidc("https://accounts.google.com"),
            microsoft: OAuthProviderSettings::oidc("https://login.microsoftonline.com/common/v2.0"),
            github: OAuthProviderSettings::oauth2(
                "https://github.com/login/oauth/authorize",
                "https://github.com/login/oauth/access_token",
                "https://api.github.com/user",
            ),
            discord: OAuthProviderSettings::oauth2(
                "https://discord.com/oauth2/authorize",
                "https://discord.com/api/oauth2/token",
                "https://discord.com/api/users/@me",
            ),
            twitter: OAuthProviderSettings::oauth2(
                "https://x.com/i/oauth2/authorize",
                "https://api.x.com/2/oauth2/token",
                "https://api.x.com/2/users/me",
            ),
        }
    }
}

/// The webhooks service: where it listens, and how it delivers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct WebhookSettings {
    #[serde(flatten)]
    pub service: ServiceSettings,
    /// Comma-separated CIDRs that endpoint URLs may resolve to although they are loopback,
    /// private or link-local (the SSRF guard refuses those otherwise), e.g. `127.0.0.0/8`.
    pub allowed_networks: String,
    /// One delivery attempt may take this long (connect, send, read the answer).
    pub timeout_ms: u64,
    /// Attempts of one delivery before it is given up (the first plus retries).
    pub max_attempts: u32,
    /// The first retry waits about this long (ms); each next one twice as long, with jitter.
    pub retry_base_ms: u64,
    /// No retry waits longer than this (ms).
    pub retry_max_ms: u64,
    /// An endpoint whose deliveries have all failed for this long is disabled.
    pub disable_after_secs: i64,
    /// Bytes of a receiver's answer kept on the delivery record.
    pub response_excerpt_bytes: usize,
    /// Deliveries sent at once by one replica.
    pub concurrency: usize,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            service: ServiceSettings::on_port(8085),
            allowed_networks: String::new(),
            timeout_ms: 10_000,
            max_attempts: 12,
            retry_base_ms: 30_000,
            retry_max_ms: 6 * 3600 * 1000,
            disable_after_secs: 5 * 24 * 3600,
            response_excerpt_bytes: 1024,
            concurrency: 32,
        }
    }
}

/// Enterprise single sign-on (SAML, OIDC) and domain verification.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct SsoSettings {
    /// Comma-separated `ip:port` name servers for domain-verification TXT lookups; empty: the
    /// system's resolvers.
    pub dns_servers: String,
    /// How long a sign-in may take between the redirect to the IdP and its answer.
    pub flow_ttl_secs: u64,
    /// Clock difference tolerated on SAML NotBefore / NotOnOrAfter.
    pub clock_skew_secs: u64,
    /// Comma-separated URLs a `redirect_uri` of `/api/v1/sso/start` may start with (same
    /// rules as `oauth.redirect_allowlist`). Empty: no redirects; the ACS and the OIDC
    /// callback answer JSON.
    pub redirect_allowlist: String,
    /// Refused sign-ins and logouts recorded (`sso.signin_failed`: audit log, webhooks) per
    /// connection per minute. The ACS and SLO take posts from anyone: beyond this, refusals
    /// are still refused and logged, but write nothing more to the organization's audit trail.
    pub failure_events_per_min: u32,
}

impl Default for SsoSettings {
    fn default() -> Self {
        Self {
            dns_servers: String::new(),
            flow_ttl_secs: 600,
            clock_skew_secs: 120,
            redirect_allowlist: String::new(),
            failure_events_per_min: 60,
        }
    }
}

/// The gateway's WebSocket (`/api/v1/websocket/ws`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct WebSocketSettings {
    /// The gateway pings this often; a client silent for three intervals is dropped.
    pub heartbeat_secs: u64,
    /// Open connections per user; the oldest is closed beyond it.
    pub max_connections_per_user: usize,
}

impl Default for WebSocketSettings {
    fn default() -> Self {
        Self { heartbeat_secs: 20, max_connections_per_user: 16 }
    }
}

/// Traces over OTLP/HTTP (protobuf). Unset `endpoint`: no export (the W3C `traceparent` a
/// request came with is still passed on).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct OtelSettings {
    /// The collector's OTLP/HTTP base (`http://otel-collector:4318`); spans go to
    /// `{endpoint}/v1/traces`.
    pub endpoint: Option<String>,
    /// The resource's `service.name`; by default `janua` (and `janua-<target>` for one
    /// service).
    pub service_name: Option<String>,
    /// Share of new traces recorded (0.0 to 1.0); a trace a caller sampled is always
    /// followed.
    pub sample_ratio: f64,
    /// Longest wait before a batch of spans is sent.
    pub export_delay_ms: u64,
}

impl Default for OtelSettings {
    fn default() -> Self {
        Self { endpoint: None, service_name: None, sample_ratio: 1.0, export_delay_ms: 2000 }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".into(),
            environment: Environment::Development,
            database_url: "postgres://postgres@127.0.0.1:5432/janua".into(),
            database_direct_url: None,
            database_pooled: false,
            database_idle_in_transaction_timeout_secs: 120,
            redis_ca_file: None,
            redis_url: "redis://127.0.0.1:6379".into(),
            redis_prefix: "janua".into(),
            amqp_url: "amqp://guest:guest@127.0.0.1:5672/%2f".into(),
            amqp_exchange: "janua.events".into(),
            bootstrap_admin_email: None,
            bootstrap_admin_password: None,
            smtp: SmtpSettings::default(),
            rate_limits: RateLimitSettings::default(),
            tokens: TokenSettings::default(),
            passwords: PasswordSettings::default(),
            secrets: SecretSettings::default(),
            http: HttpSettings::default(),
            log: LogSettings::default(),
            otel: OtelSettings::default(),
            metrics: MetricsSettings::default(),
            magic_links: MagicLinkSettings::default(),
            webauthn: WebauthnSettings::default(),
            oauth: OAuthSettings::default(),
            gateway: GatewaySettings::default(),
            auth: ServiceSettings::on_port(8081),
            identity: ServiceSettings::on_port(8082),
            org: ServiceSettings::on_port(8083),
            enterprise: ServiceSettings::on_port(8084),
            audit: AuditSettings { service: ServiceSettings::on_port(8086), pii_retention_days: Some(365) },
            webhooks: WebhookSettings::default(),
            websocket: WebSocketSettings::default(),
            sso: SsoSettings::default(),
            outbound: OutboundSettings::default(),
            privacy: PrivacySettings::default(),
            localization: LocalizationSettings::default(),
            housekeeping: HousekeepingSettings::default(),
        }
    }
}

impl Default for SmtpSettings {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 1025,
            tls: SmtpTls::None,
            from: "Janua <no-reply@janua.local>".into(),
            username: None,
            password: None,
        }
    }
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            anonymous_per_min: 100,
            authenticated_per_min: 1000,
            admin_per_min: 5000,
            scim_per_min: 3000,
            signin_failures_per_ip_per_min: 20,
            signin_failures_per_account: 5,
            signin_failing_addresses_per_account: 20,
            emails_per_address_per_hour: 5,
            signin_lockout_base_secs: 2,
            signin_lockout_max_secs: 900,
        }
    }
}

impl Default for TokenSettings {
    fn default() -> Self {
        Self {
            reauth_window_secs: 300,
            refresh_events: false,
            audience: "janua".into(),
            access_ttl_secs: 900,
            refresh_ttl_secs: 30 * 24 * 3600,
            signing_key_rotation_days: 30,
            reset_token_ttl_secs: 30 * 60,
            verify_token_ttl_secs: 24 * 3600,
        }
    }
}

impl Default for PasswordSettings {
    fn default() -> Self {
        Self {
            argon2_memory_kib: 19 * 1024,
            argon2_iterations: 2,
            argon2_parallelism: 1,
            hashing_concurrency: None,
            hashing_queue: 256,
            hashing_max_wait_ms: 500,
        }
    }
}

impl Default for SecretSettings {
    fn default() -> Self {
        Self {
            encryption_key: SecretString::from(DEV_ENCRYPTION_KEY),
            previous_encryption_keys: SecretString::from(""),
            service_token: SecretString::from(DEV_SERVICE_TOKEN),
        }
    }
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            body_limit_bytes: 1024 * 1024,
            upstream_timeout_ms: 10_000,
            upstream_connect_timeout_ms: 1_000,
            workers: None,
            shutdown_timeout_secs: 20,
            // nginx's default: long enough that the gateway's upstream connections stay warm.
            keep_alive_secs: 75,
        }
    }
}

impl Default for LogSettings {
    fn default() -> Self {
        Self { format: "pretty".into(), level: "info".into(), access: true }
    }
}

fn serialize_secret<S: serde::Serializer>(s: &SecretString, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s.expose_secret())
}

fn serialize_secret_opt<S: serde::Serializer>(s: &Option<SecretString>, ser: S) -> Result<S::Ok, S::Error> {
    match s {
        Some(s) => ser.serialize_some(s.expose_secret()),
        None => ser.serialize_none(),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Figment(#[from] Box<figment::Error>),
    #[error("configuration: cannot read secret file {path}: {source}")]
    SecretFile { path: String, source: std::io::Error },
}

impl Settings {
    /// Loads the configuration the way operators set it (see the module docs).
    pub fn load() -> Result<Settings, ConfigError> {
        let path = std::env::var("JANUA_CONFIG").unwrap_or_else(|_| "janua.toml".into());
        let mut figment =
            Figment::from(Serialized::defaults(Settings::default())).merge(Toml::file(&path)).merge(
                Env::prefixed("JANUA_")
                    .split("__")
                    .filter(|k| !k.as_str().ends_with("_file") && k.as_str() != "config"),
            );
        for (key, value) in std::env::vars() {
            let Some(rest) = key.strip_prefix("JANUA_") else {
                continue;
            };
            let Some(name) = rest.strip_suffix("_FILE") else {
                continue;
            };
            let secret = std::fs::read_to_string(&value)
                .map_err(|source| ConfigError::SecretFile { path: value.clone(), source })?;
            let key_path = name.to_ascii_lowercase().replace("__", ".");
            figment = figment.merge(Serialized::default(&key_path, secret.trim().to_string()));
        }
        let settings: Settings = figment.extract().map_err(Box::new)?;
        Ok(settings)
    }

    /// Logs what an operator should know about the configuration at start: unknown
    /// `JANUA_*` variables (most often typos that silently keep a default) and development
    /// secrets still in use. Called once logging is up, so the warnings are seen.
    pub fn warn_at_start(&self) {
        self.warn_about_unknown_env();
        self.warn_about_dev_secrets();
    }

    fn warn_about_unknown_env(&self) {
        for variable in self.unknown_env() {
            tracing::warn!(%variable, "unknown configuration variable ignored");
        }
    }

    /// Every configuration key as a dotted path (`rate_limits.anonymous_per_min`).
    pub fn known_keys(&self) -> BTreeSet<String> {
        fn walk(prefix: &str, v: &serde_json::Value, out: &mut BTreeSet<String>) {
            match v {
                serde_json::Value::Object(map) => {
                    for (k, v) in map {
                        let p = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                        walk(&p, v, out);
                    }
                }
                _ => {
                    out.insert(prefix.to_string());
                }
            }
        }
        let mut out = BTreeSet::new();
        if let Ok(v) = serde_json::to_value(self) {
            walk("", &v, &mut out);
        }
        out
    }

    pub fn database_url_for(&self, service: &ServiceSettings) -> String {
        service.database_url.clone().unwrap_or_else(|| self.database_url.clone())
    }

    /// PostgreSQL itself for `service`: its override, else `database_direct_url`, else its
    /// `database_url`.
    pub fn database_direct_url_for(&self, service: &ServiceSettings) -> String {
        service
            .database_direct_url
            .clone()
            .or_else(|| self.database_direct_url.clone())
            .unwrap_or_else(|| self.database_url_for(service))
    }

    pub fn amqp_url_for(&self, service: &ServiceSettings) -> String {
        service.amqp_url.clone().unwrap_or_else(|| self.amqp_url.clone())
    }

    /// Whether secrets at rest are sealed with the published development key.
    pub fn uses_dev_encryption_key(&self) -> bool {
        self.secrets.encryption_key.expose_secret() == DEV_ENCRYPTION_KEY
    }

    /// The development-only secrets still in use, by variable.
    pub fn dev_secrets_in_use(&self) -> Vec<&'static str> {
        let mut found = Vec::new();
        if self.uses_dev_encryption_key() {
            found.push("JANUA_SECRETS__ENCRYPTION_KEY");
        }
        if self.secrets.service_token.expose_secret() == DEV_SERVICE_TOKEN {
            found.push("JANUA_SECRETS__SERVICE_TOKEN");
        }
        found
    }

    /// Why this configuration must not run: in production, any development secret.
    pub fn refusals(&self) -> Vec<String> {
        if self.environment != Environment::Production {
            return Vec::new();
        }
        self.dev_secrets_in_use()
            .into_iter()
            .map(|variable| {
                format!("{variable} is the published development default; JANUA_ENVIRONMENT is production")
            })
            .collect()
    }

    /// `JANUA_*` variables of this process that name no configuration key.
    pub fn unknown_env(&self) -> Vec<String> {
        let names: Vec<String> =
            std::env::vars().map(|(key, _)| key).filter(|k| k.starts_with("JANUA_")).collect();
        let mut unknown = self.unknown_variables(names.iter().map(String::as_str));
        unknown.sort();
        unknown
    }

    /// Which of `names` (`JANUA_*` variables, `_FILE` forms included) name no configuration
    /// key: what `janua config check` and the manifests' test refuse.
    pub fn unknown_variables<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        let known = self.known_keys();
        names
            .into_iter()
            .filter(|name| {
                let Some(rest) = name.strip_prefix("JANUA_") else {
                    return false;
                };
                let rest = rest.strip_suffix("_FILE").unwrap_or(rest);
                let path = rest.to_ascii_lowercase().replace("__", ".");
                !Self::is_known(&known, &path)
            })
            .map(str::to_string)
            .collect()
    }

    /// A dotted key the configuration takes, or one of the variables the `janua` command
    /// itself reads (`JANUA_CONFIG`, `JANUA_TARGET`).
    fn is_known(known: &BTreeSet<String>, path: &str) -> bool {
        matches!(path, "config" | "target") || known.contains(path)
    }

    /// The effective configuration with every secret, and every password inside a URL,
    /// replaced by `[redacted]`: what `janua config check` prints.
    pub fn redacted(&self) -> serde_json::Value {
        fn is_secret(key: &str) -> bool {
            key.ends_with("password")
                || key.ends_with("secret")
                || key.ends_with("encryption_key")
                || key.ends_with("encryption_keys")
                || key.ends_with("service_token")
        }
        fn walk(key: &str, v: &mut serde_json::Value) {
            match v {
                serde_json::Value::Object(map) => {
                    for (k, v) in map.iter_mut() {
                        walk(k, v);
                    }
                }
                serde_json::Value::String(s) if is_secret(key) && !s.is_empty() => {
                    *s = "[redacted]".into();
                }
                serde_json::Value::String(s) => {
                    if let Ok(mut url) = url::Url::parse(s)
                        && url.password().is_some()
                    {
                        let _ = url.set_password(Some("REDACTED"));
                        *s = url.to_string().replacen(":REDACTED@", ":[redacted]@", 1);
                    }
                }
                _ => {}
            }
        }
        let mut value = serde_json::to_value(self).unwrap_or_default();
        walk("", &mut value);
        value
    }

    /// Logs a warning for each development-only secret still in use.
    pub fn warn_about_dev_secrets(&self) {
        for variable in self.dev_secrets_in_use() {
            tracing::warn!(%variable, "the development default is in use; set your own in production");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_contract() {
        let s = Settings::default();
        assert_eq!(s.rate_limits.anonymous_per_min, 100);
        assert_eq!(s.rate_limits.authenticated_per_min, 1000);
        assert_eq!(s.rate_limits.admin_per_min, 5000);
        assert_eq!(s.tokens.access_ttl_secs, 900);
        assert_eq!(s.passwords.argon2_memory_kib, 19456);
        assert_eq!(s.gateway.service.port, 8080);
    }

    #[test]
    fn known_keys_cover_nested_sections() {
        let keys = Settings::default().known_keys();
        assert!(keys.contains("rate_limits.anonymous_per_min"));
        assert!(keys.contains("smtp.host"));
        assert!(keys.contains("secrets.encryption_key"));
        assert!(keys.contains("bootstrap_admin_email"));
    }

    #[test]
    fn clients_between_services_give_idle_connections_back_before_the_server_closes_them() {
        for keep_alive_secs in [0, 1, 2, 5, 75, 3600] {
            let http = HttpSettings { keep_alive_secs, ..HttpSettings::default() };
            assert!(http.keep_alive() >= std::time::Duration::from_secs(2));
            assert!(
                http.cluster_idle() + std::time::Duration::from_secs(1) <= http.keep_alive(),
                "keep-alive {keep_alive_secs}s"
            );
        }
        assert_eq!(HttpSettings::default().cluster_idle(), std::time::Duration::from_secs(60));
    }
}
