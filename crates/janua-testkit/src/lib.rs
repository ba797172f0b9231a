//! Test harness: the whole stack (identity, auth, org, enterprise, audit, webhooks, gateway) on random loopback ports against a
//! fresh database, RabbitMQ vhost and Redis key prefix of its own, plus real protocol peers
//! (an SMTP sink). Everything it made is removed when the stack is dropped.

pub mod authenticator;
pub mod dns_server;
pub mod oauth_provider;
pub mod oidc_provider;
pub mod otlp;
pub mod peer;
pub mod postgres;
pub mod saml_idp;
pub mod scim;
pub mod smtp;
pub mod tcp_proxy;
pub mod tls;
pub mod webhook_receiver;

use janua_core::config::Settings;
use serde_json::Value;
use std::net::TcpListener;
use std::time::{Duration, Instant};
use uuid::Uuid;

pub use smtp::{Mail, SmtpSink};

pub const PG_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

pub struct TestStack {
    pub gateway_url: String,
    pub auth_url: String,
    pub identity_url: String,
    pub audit_url: String,
    pub enterprise_url: String,
    pub webhooks_url: String,
    /// The management listener (`/metrics`).
    pub metrics_url: String,
    pub settings: Settings,
    pub smtp: SmtpSink,
    pub http: reqwest::Client,
    pub db_name: String,
    pub vhost: String,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    servers: Vec<actix_web::dev::ServerHandle>,
}

/// Settings for one test: its own database, vhost and Redis prefix, cheap argon2 (real
/// argon2id, small parameters), one worker per server.
pub const ADMIN_EMAIL: &str = "root@example.com";
pub const ADMIN_PASSWORD: &str = "bootstrap admin passphrase";

/// Settings change that makes auth create a platform admin at start.
pub fn with_bootstrap_admin(s: &mut Settings) {
    s.bootstrap_admin_email = Some(ADMIN_EMAIL.into());
    s.bootstrap_admin_password = Some(ADMIN_PASSWORD.into());
}

/// Settings change: `failures` failed sign-ins in a row lock an account out, at first for
/// `base_secs`.
pub fn signin_lockout(failures: u32, base_secs: u64) -> impl FnOnce(&mut Settings) {
    move |s| {
        s.rate_limits.signin_failures_per_account = failures;
        s.rate_limits.signin_lockout_base_secs = base_secs;
    }
}

pub fn test_settings(db_name: &str, vhost: &str, smtp_port: u16) -> Settings {
    let mut s = Settings {
        database_url: format!("postgres://postgres@127.0.0.1:5432/{db_name}"),
        amqp_url: format!("amqp://guest:guest@127.0.0.1:5672/{}", urlencode(vhost)),
        redis_prefix: format!("test:{db_name}"),
        ..Default::default()
    };
    s.smtp.port = smtp_port;
    s.passwords.argon2_memory_kib = 1024;
    s.passwords.argon2_iterations = 1;
    s.http.workers = Some(1);
    s.auth.db_pool_size = 4;
    s.identity.db_pool_size = 4;
    s.org.db_pool_size = 4;
    s.audit.service.db_pool_size = 4;
    s.enterprise.db_pool_size = 4;
    s.webhooks.service.db_pool_size = 4;
    s.log.level = "warn".into();
    s
}

fn urlencode(s: &str) -> String {
    s.replace('/', "%2f")
}

impl TestStack {
    pub async fn spawn() -> TestStack {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(configure: impl FnOnce(&mut Settings)) -> TestStack {
        let id = Uuid::new_v4().simple().to_string();
        let db_name = format!("janua_test_{id}");
        let vhost = format!("janua-test-{id}");
        create_database(&db_name).await;
        create_vhost(&vhost);
        let smtp = SmtpSink::start().await;
        let mut settings = test_settings(&db_name, &vhost, smtp.port());
        let bind = || TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let (gl, al, il, ol) = (bind(), bind(), bind(), bind());
        let (aul, wl, el, ml) = (bind(), bind(), bind(), bind());
        let url = |l: &TcpListener| format!("http://127.0.0.1:{}", l.local_addr().unwrap().port());
        let metrics_url = url(&ml);
        settings.gateway.service.url = url(&gl);
        settings.auth.url = url(&al);
        settings.identity.url = url(&il);
        settings.org.url = url(&ol);
        settings.audit.service.url = url(&aul);
        settings.enterprise.url = url(&el);
        settings.webhooks.service.url = url(&wl);
        // The test peers (IdPs, OAuth providers, webhook receivers) listen on loopback.
        settings.outbound.allowed_networks = "127.0.0.0/8".into();
        settings.public_url = settings.gateway.service.url.clone();
        configure(&mut settings);
        janua_core::telemetry::init(&settings);
        janua::stack::migrate(janua::stack::Target::All, &settings).await.expect("migrations");
        let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
        let listeners = janua::stack::Listeners::default()
            .with("gateway", gl)
            .with("auth", al)
            .with("identity", il)
            .with("org", ol)
            .with("audit", aul)
            .with("enterprise", el)
            .with("webhooks", wl)
            .with("metrics", ml);
        let running = janua::stack::start(janua::stack::Target::All, settings.clone(), listeners)
            .await
            .expect("the stack starts");
        let servers = running.iter().map(janua_service::Running::handle).collect();
        let tasks = running
            .into_iter()
            .map(|service| {
                tokio::spawn(async move {
                    let _ = service.run_until_stopped().await;
                })
            })
            .collect();
        TestStack {
            gateway_url: settings.gateway.service.url.clone(),
            auth_url: settings.auth.url.clone(),
            identity_url: settings.identity.url.clone(),
            audit_url: settings.audit.service.url.clone(),
            enterprise_url: settings.enterprise.url.clone(),
            webhooks_url: settings.webhooks.service.url.clone(),
            metrics_url,
            settings,
            smtp,
            http,
            db_name,
            vhost,
            tasks,
            servers,
        }
    }

    /// Spawns a stack made with [`with_bootstrap_admin`] and then `configure`; answers it with
    /// the bootstrap admin's access token.
    pub async fn spawn_with_admin(configure: impl FnOnce(&mut Settings)) -> (TestStack, String) {
        let app = Self::spawn_with(|s| {
            with_bootstrap_admin(s);
            configure(s);
        })
        .await;
        let admin = app.admin_token().await;
        (app, admin)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.gateway_url, path)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut req = self.http.get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("request")
    }

    pub async fn post(&self, path: &str, body: &Value, token: Option<&str>) -> reqwest::Response {
        self.send(reqwest::Method::POST, path, Some(body), token).await
    }

    pub async fn put(&self, path: &str, body: &Value, token: Option<&str>) -> reqwest::Response {
        self.send(reqwest::Method::PUT, path, Some(body), token).await
    }

    pub async fn patch(&self, path: &str, body: &Value, token: Option<&str>) -> reqwest::Response {
        self.send(reqwest::Method::PATCH, path, Some(body), token).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        self.send(reqwest::Method::DELETE, path, None, token).await
    }

    pub async fn send(
        &self, method: reqwest::Method, path: &str, body: Option<&Value>, token: Option<&str>,
    ) -> reqwest::Response {
        let mut req = self.http.request(method, self.url(path));
        if let Some(b) = body {
            req = req.json(b);
        }
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("request")
    }

    /// Posts `body` as it is, labelled `content_type` (for what [`post`](Self::post) cannot
    /// send: bodies that are not JSON, malformed or oversized).
    pub async fn post_raw(
        &self, path: &str, content_type: &str, body: impl Into<reqwest::Body>,
    ) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request")
    }

    /// Signs up and returns the token pair.
    pub async fn signup(&self, email: &str, password: &str) -> Value {
        let resp = self
            .post(
                "/api/v1/auth/signup",
                &serde_json::json!({"email": email, "password": password, "name": "Test User"}),
                None,
            )
            .await;
        assert_eq!(resp.status(), 201, "signup of {email} failed");
        resp.json().await.unwrap()
    }

    /// The body of the `nth` mail to `to` with this subject (waits for it).
    pub async fn mail_body(&self, to: &str, subject: &str, nth: usize) -> String {
        eventually(subject, Duration::from_secs(15), || async {
            self.smtp
                .mails_to(to)
                .into_iter()
                .filter(|m| m.subject().as_deref() == Some(subject))
                .nth(nth)
                .map(|m| m.body())
        })
        .await
    }

    /// The `?token=` of the `nth` mail to `to` with this subject (waits for it).
    pub async fn mailed_token(&self, to: &str, subject: &str, nth: usize) -> String {
        token_from_link(&self.mail_body(to, subject, nth).await)
    }

    /// How many mails to `to` with this subject have arrived so far (does not wait).
    pub fn mail_count(&self, to: &str, subject: &str) -> usize {
        self.smtp.mails_to(to).into_iter().filter(|m| m.subject().as_deref() == Some(subject)).count()
    }

    /// Asks for a password reset link to be mailed to `email`.
    pub async fn forgot_password(&self, email: &str) -> reqwest::Response {
        self.post("/api/v1/auth/forgot-password", &serde_json::json!({ "email": email }), None).await
    }

    /// Sets `password` with a mailed reset `token`.
    pub async fn reset_password(&self, token: &str, password: &str) -> reqwest::Response {
        self.post(
            "/api/v1/auth/reset-password",
            &serde_json::json!({ "token": token, "password": password }),
            None,
        )
        .await
    }

    /// Asks for a sign-in link to be mailed to `email`.
    pub async fn send_magic_link(&self, email: &str) -> reqwest::Response {
        self.post("/api/v1/auth/magic/send", &serde_json::json!({ "email": email }), None).await
    }

    /// Follows the newest verification link mailed to `email` (waits for the `nth` one) and
    /// answers the user.
    pub async fn verify_email(&self, email: &str, nth: usize) -> Value {
        let token = self.mailed_token(email, "Confirm your email address", nth).await;
        let resp = self.post("/api/v1/auth/verify-email", &serde_json::json!({ "token": token }), None).await;
        assert_eq!(resp.status(), 200, "verification of {email} failed");
        resp.json().await.unwrap()
    }

    /// Signs up and proves the address through the mailed link; answers the token pair.
    pub async fn signup_verified(&self, email: &str, password: &str) -> Value {
        let pair = self.signup(email, password).await;
        let user = self.verify_email(email, 0).await;
        assert_eq!(user["email_verified"], true);
        pair
    }

    pub async fn signin(&self, email: &str, password: &str) -> reqwest::Response {
        self.post("/api/v1/auth/signin", &serde_json::json!({"email": email, "password": password}), None)
            .await
    }

    /// Asserts that an access token no longer works: `/auth/me` answers 401 UNAUTHORIZED.
    pub async fn assert_token_refused(&self, access_token: Option<&str>) {
        self.get("/api/v1/auth/me", access_token).await.expect_error(401, "UNAUTHORIZED").await;
    }

    /// Refreshes with the refresh token of this token `pair`.
    pub async fn refresh(&self, pair: &Value) -> reqwest::Response {
        self.post(
            "/api/v1/auth/refresh",
            &serde_json::json!({ "refresh_token": pair["refresh_token"] }),
            None,
        )
        .await
    }

    /// A connection to this test's database (PostgreSQL itself, with the stack's TLS settings)
    /// with the given service schema as search path.
    pub async fn db(&self, schema: &str) -> diesel_async::AsyncPgConnection {
        let url = self.settings.database_direct_url.as_deref().unwrap_or(&self.settings.database_url);
        janua_db::Connector::new(url, Some(schema)).unwrap().connect().await.expect("db connection")
    }

    /// Signs in as the bootstrap admin of a stack made with [`with_bootstrap_admin`] (waits
    /// for auth to have created it) and answers the sign-in (token pair and user).
    pub async fn admin_signin(&self) -> Value {
        eventually("the bootstrap admin", Duration::from_secs(15), || async {
            let resp = self.signin(ADMIN_EMAIL, ADMIN_PASSWORD).await;
            if resp.status() == 200 { resp.json::<Value>().await.ok() } else { None }
        })
        .await
    }

    /// [`admin_signin`](Self::admin_signin), answering only the access token.
    pub async fn admin_token(&self) -> String {
        let pair = self.admin_signin().await;
        pair["access_token"].as_str().expect("an access token").to_string()
    }

    /// Asserts that `/sessions` lists the session of `access_token` as the current one, signed
    /// in by `method`.
    pub async fn assert_current_session_method(&self, access_token: Option<&str>, method: &str) {
        let sessions: Value =
            self.get("/api/v1/sessions", access_token).await.json().await.expect("a JSON body");
        let listed = sessions["data"].as_array().expect("a list of sessions");
        assert!(listed.iter().any(|s| s["method"] == method && s["current"] == true), "{sessions}");
    }

    /// The events a service has written to its outbox, oldest first.
    pub async fn outbox_events(&self, schema: &str) -> Events {
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Bytea)]
            payload: Vec<u8>,
        }
        let mut conn = self.db(schema).await;
        let rows: Vec<Row> = diesel::sql_query("SELECT payload FROM outbox ORDER BY id")
            .load(&mut conn)
            .await
            .expect("outbox rows");
        let rows = rows
            .into_iter()
            .map(|r| {
                let e = janua_events::decode(&r.payload).expect("an event envelope");
                let payload = serde_json::from_slice(&e.payload).unwrap_or(serde_json::Value::Null);
                (e.r#type, payload)
            })
            .collect();
        Events(rows)
    }

    pub async fn redis(&self) -> redis::aio::ConnectionManager {
        janua_service::redis_client(&self.settings).unwrap().get_connection_manager().await.unwrap()
    }
}

impl Drop for TestStack {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
        let db = self.db_name.clone();
        let vhost = self.vhost.clone();
        let prefix = self.settings.redis_prefix.clone();
        let settings = self.settings.clone();
        // Dropped inside an async test: clean up on a thread of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                drop_database(&db).await;
                if let Ok(client) = janua_service::redis_client(&settings)
                    && let Ok(mut conn) = client.get_multiplexed_async_connection().await
                {
                    let keys: Vec<String> = redis::cmd("KEYS")
                        .arg(format!("{prefix}:*"))
                        .query_async(&mut conn)
                        .await
                        .unwrap_or_default();
                    if !keys.is_empty() {
                        let _: Result<(), _> = redis::cmd("DEL").arg(keys).query_async(&mut conn).await;
                    }
                }
            });
            delete_vhost(&vhost);
        })
        .join();
    }
}

pub async fn create_database(name: &str) {
    use diesel_async::{AsyncConnection, SimpleAsyncConnection};
    let mut conn =
        diesel_async::AsyncPgConnection::establish(PG_ADMIN_URL).await.expect("postgres on 127.0.0.1:5432");
    conn.batch_execute(&format!("CREATE DATABASE {name}")).await.expect("create test database");
}

pub async fn drop_database(name: &str) {
    use diesel_async::{AsyncConnection, SimpleAsyncConnection};
    if let Ok(mut conn) = diesel_async::AsyncPgConnection::establish(PG_ADMIN_URL).await {
        let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
    }
}

fn rabbitmqctl(args: &[&str]) {
    let out = std::process::Command::new("rabbitmqctl").args(args).output();
    match out {
        Ok(o) if o.status.success() => {}
        Ok(o) => panic!("rabbitmqctl {args:?}: {}", String::from_utf8_lossy(&o.stderr)),
        Err(e) => panic!("rabbitmqctl {args:?}: {e}"),
    }
}

pub fn create_vhost(vhost: &str) {
    rabbitmqctl(&["-q", "add_vhost", vhost]);
    rabbitmqctl(&["-q", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"]);
}

pub fn delete_vhost(vhost: &str) {
    let _ = std::process::Command::new("rabbitmqctl").args(["-q", "delete_vhost", vhost]).output();
}

/// Polls `check` until it yields a value or the deadline passes (no fixed sleeps in tests).
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        if Instant::now() > deadline {
            panic!("timed out waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// The `?token=` of the first link in a mail body.
pub fn token_from_link(body: &str) -> String {
    let start = body.find("token=").expect("a link with ?token=") + "token=".len();
    body[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

/// A command-line tool the tests run: the one `env_var` names, else `name` from the
/// virtualenv `scripts/setup.sh` makes in `target/test-tools/venv`. Fails when it is missing.
pub fn test_tool(env_var: &str, name: &str) -> std::path::PathBuf {
    let path = match std::env::var(env_var) {
        Ok(path) => std::path::PathBuf::from(path),
        Err(_) => std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../target/test-tools/venv/bin")
            .join(name),
    };
    assert!(path.exists(), "{} is missing: run scripts/setup.sh (make setup)", path.display());
    path
}

pub fn service_token(settings: &Settings) -> String {
    use secrecy::ExposeSecret;
    settings.secrets.service_token.expose_secret().to_string()
}

/// The code an authenticator app shows `offset` seconds from now (RFC 6238: SHA-1, 6 digits,
/// 30-second steps) for a base32 secret.
pub fn totp_code(secret_b32: &str, offset: i64) -> String {
    use totp_rs::{Algorithm, Builder, Secret};
    let secret = Secret::try_from_base32(secret_b32).expect("a base32 TOTP secret");
    let totp = Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_step_duration(30)
        .with_secret(secret)
        .with_account_name("x")
        .build_noncompliant();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    totp.generate((now + offset) as u64).to_string()
}

impl TestStack {
    /// Turns TOTP on for the holder of `access_token`; answers (secret, backup codes).
    pub async fn enable_totp(&self, access_token: &str) -> (String, Vec<String>) {
        let setup: Value = self
            .post("/api/v1/mfa/totp/generate", &serde_json::json!({}), Some(access_token))
            .await
            .json()
            .await
            .unwrap();
        let secret = setup["secret"].as_str().expect("a TOTP secret").to_string();
        let resp = self
            .post(
                "/api/v1/mfa/totp/verify",
                &serde_json::json!({ "code": totp_code(&secret, 0) }),
                Some(access_token),
            )
            .await;
        assert_eq!(resp.status(), 200, "enabling TOTP failed");
        let enabled: Value = resp.json().await.unwrap();
        let codes = enabled["backup_codes"]
            .as_array()
            .expect("backup codes")
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect();
        (secret, codes)
    }
}

/// The origin the test stack's WebAuthn relying party expects (`webauthn.rp_origin`).
pub const PASSKEY_ORIGIN: &str = "http://localhost:8080";

impl TestStack {
    /// Runs a passkey registration ceremony for the holder of `access_token` with `key`:
    /// answers the `begin` options and the `complete` response.
    pub async fn register_passkey(
        &self, access_token: &str, key: &mut authenticator::SoftKey, name: &str,
    ) -> (Value, reqwest::Response) {
        let resp = self
            .post("/api/v1/passkeys/register/begin", &serde_json::json!({ "name": name }), Some(access_token))
            .await;
        assert_eq!(resp.status(), 200, "passkey registration could not begin");
        let begun: Value = resp.json().await.unwrap();
        let credential = key.create(PASSKEY_ORIGIN, &begun).await;
        let resp = self.complete_passkey_registration(access_token, &begun, &credential).await;
        (begun, resp)
    }

    /// Completes the passkey registration `begun` with `credential` (an authenticator's answer
    /// to it), as the holder of `access_token`.
    pub async fn complete_passkey_registration(
        &self, access_token: &str, begun: &Value, credential: &Value,
    ) -> reqwest::Response {
        self.post(
            "/api/v1/passkeys/register/complete",
            &serde_json::json!({ "ceremony_id": begun["ceremony_id"], "credential": credential }),
            Some(access_token),
        )
        .await
    }
}

/// The password every test account signs up with.
pub const PASSWORD: &str = "correct horse battery";

/// A signed-up user of a test: id, address and access token.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: String,
    pub email: String,
    pub token: String,
    /// The whole sign-up answer (token pair and user).
    pub pair: Value,
}

/// One number from SQL (`SELECT count(*) AS n ...`).
#[derive(diesel::QueryableByName)]
struct Number {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

impl TestStack {
    /// Signs `email` up with [`PASSWORD`].
    pub async fn person(&self, email: &str) -> Person {
        let pair = self.signup(email, PASSWORD).await;
        Person {
            id: pair["user"]["id"].as_str().expect("a user id").to_string(),
            email: email.to_string(),
            token: pair["access_token"].as_str().expect("an access token").to_string(),
            pair,
        }
    }

    /// [`person`](Self::person) for each of `emails`, signed up in that order.
    pub async fn people<const N: usize>(&self, emails: [&str; N]) -> [Person; N] {
        let mut people = Vec::with_capacity(N);
        for email in emails {
            people.push(self.person(email).await);
        }
        people.try_into().expect("one person per address")
    }

    /// Signs `email` up with [`PASSWORD`] and proves the address through the mailed link.
    pub async fn verified_person(&self, email: &str) -> Person {
        let mut person = self.person(email).await;
        person.pair["user"] = self.verify_email(email, 0).await;
        person
    }

    /// Creates an organization owned by the holder of `token`; answers it.
    pub async fn create_org(&self, token: &str, name: &str) -> Value {
        let resp =
            self.post("/api/v1/organizations", &serde_json::json!({ "name": name }), Some(token)).await;
        assert_eq!(resp.status(), 201, "creating organization {name}");
        resp.json().await.unwrap()
    }

    /// Adds `user` to `org` with `role`, as the holder of `token`.
    pub async fn add_member(&self, token: &str, org: &str, user: &str, role: &str) {
        let resp = self
            .post(
                &format!("/api/v1/organizations/{org}/members"),
                &serde_json::json!({ "user_id": user, "role": role }),
                Some(token),
            )
            .await;
        assert_eq!(resp.status(), 201, "adding {user} to {org} as {role}");
    }

    /// [`create_org`](Self::create_org), answering only the organization's id.
    pub async fn create_org_id(&self, token: &str, name: &str) -> String {
        self.create_org(token, name).await["id"].as_str().expect("an organization id").to_string()
    }

    /// Gives member `user` of `org` the built-in `role`, as the holder of `token`.
    pub async fn set_member_role(&self, token: &str, org: &str, user: &str, role: &str) -> reqwest::Response {
        self.put(
            &format!("/api/v1/organizations/{org}/members/{user}/role"),
            &serde_json::json!({ "role": role }),
            Some(token),
        )
        .await
    }

    /// Creates a custom role of `org` carrying `permissions`, as the holder of `token`.
    pub async fn create_role(
        &self, token: &str, org: &str, name: &str, permissions: &[&str],
    ) -> reqwest::Response {
        self.post(
            "/api/v1/rbac/roles",
            &serde_json::json!({ "name": name, "permissions": permissions, "organization_id": org }),
            Some(token),
        )
        .await
    }

    /// [`create_role`](Self::create_role), asserting that the role was made; answers its id.
    pub async fn create_role_id(&self, token: &str, org: &str, name: &str, permissions: &[&str]) -> String {
        let resp = self.create_role(token, org, name, permissions).await;
        assert_eq!(resp.status(), 201, "creating role {name}");
        let role: Value = resp.json().await.expect("a JSON body");
        role["id"].as_str().expect("a role id").to_string()
    }

    /// Gives `user` the role `role_id`, as the holder of `token`.
    pub async fn assign_role(&self, token: &str, user: &str, role_id: &str) -> reqwest::Response {
        self.post(
            &format!("/api/v1/rbac/users/{user}/roles"),
            &serde_json::json!({ "role_id": role_id }),
            Some(token),
        )
        .await
    }

    /// The permissions `user` holds in `org`, as org's internal API answers the other services.
    pub async fn effective_permissions(&self, user: &str, org: &str) -> Vec<String> {
        let resp = self
            .http
            .get(format!(
                "{}/internal/v1/users/{user}/permissions?organization_id={org}",
                self.settings.org.url.trim_end_matches('/')
            ))
            .header(janua_core::http::SERVICE_TOKEN_HEADER, service_token(&self.settings))
            .send()
            .await
            .expect("request");
        assert_eq!(resp.status(), 200, "the permissions of {user} in {org}");
        let body: Value = resp.json().await.expect("a JSON body");
        let permissions = body["permissions"].as_array().expect("a list of permissions");
        permissions.iter().map(|p| p.as_str().expect("a permission name").to_string()).collect()
    }

    /// Creates a SCIM token of `org`, as the holder of `token`; answers its secret.
    pub async fn create_scim_token(&self, token: &str, org: &str, description: &str) -> String {
        let resp = self
            .post(
                &format!("/api/v1/organizations/{org}/scim-tokens"),
                &serde_json::json!({ "description": description }),
                Some(token),
            )
            .await;
        assert_eq!(resp.status(), 201, "creating a SCIM token for {org}");
        let created: Value = resp.json().await.expect("a JSON body");
        created["token"].as_str().expect("a SCIM token").to_string()
    }

    /// `sql` (a query answering one row with a bigint `n`) in a service's schema.
    pub async fn count(&self, schema: &str, sql: &str) -> i64 {
        use diesel_async::RunQueryDsl;
        let mut conn = self.db(schema).await;
        diesel::sql_query(sql)
            .get_result::<Number>(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .n
    }

    /// Polls `sql` (as [`count`](Self::count)) until it answers `expected`.
    pub async fn wait_for_count(&self, what: &str, schema: &str, sql: &str, expected: i64) {
        eventually(what, Duration::from_secs(15), || async {
            (self.count(schema, sql).await == expected).then_some(())
        })
        .await;
    }

    /// Stops every server as SIGTERM does (no new connections, requests in flight finish) and
    /// waits until each service has stopped and done its last work (the relay's flush).
    pub async fn shut_down(&mut self) {
        futures::future::join_all(self.servers.iter().map(|s| s.stop(true))).await;
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
    }

    /// The process's metrics as Prometheus scrapes them.
    pub async fn metrics(&self) -> String {
        let resp =
            self.http.get(format!("{}/metrics", self.metrics_url)).send().await.expect("metrics answer");
        assert_eq!(resp.status(), 200);
        resp.text().await.unwrap()
    }

    /// Each service's own base URL, by name.
    pub fn service_urls(&self) -> [(&'static str, &str); 6] {
        [
            ("auth", &self.settings.auth.url),
            ("identity", &self.settings.identity.url),
            ("org", &self.settings.org.url),
            ("audit", &self.settings.audit.service.url),
            ("webhooks", &self.settings.webhooks.service.url),
            ("enterprise", &self.settings.enterprise.url),
        ]
    }

    /// A service's own report on its dependencies (`GET /internal/v1/health`).
    pub async fn service_health(&self, service_url: &str) -> Value {
        self.http
            .get(format!("{service_url}/internal/v1/health"))
            .header(janua_core::http::SERVICE_TOKEN_HEADER, service_token(&self.settings))
            .send()
            .await
            .expect("the service answers")
            .json()
            .await
            .expect("a health report")
    }

    /// Waits until every service holds its links to the broker (its relay and each consumer)
    /// (events published from then on reach their queues without waiting in an outbox).
    pub async fn wait_until_attached(&self) {
        eventually("every broker link up", Duration::from_secs(30), || async {
            for (_, url) in self.service_urls() {
                let report = self.service_health(url).await;
                let links = report["dependencies"].as_array()?.iter().filter(|d| {
                    let name = d["name"].as_str().unwrap_or_default();
                    name == "broker" || name.starts_with("consumer:")
                });
                if links.into_iter().any(|d| d["status"] != "up") {
                    return None;
                }
            }
            Some(())
        })
        .await;
    }

    /// Until a consumer has declared its queue, events for it have nowhere to go: tests that
    /// check a consumer wait for it to be attached first.
    pub async fn wait_for_consumer(&self, queue: &'static str) {
        use lapin::options::QueueDeclareOptions;
        use lapin::types::FieldTable;
        let conn = janua_events::broker::connect(&self.settings.amqp_url).await.expect("the broker");
        let passive = QueueDeclareOptions { passive: true, ..Default::default() };
        eventually("the consumer", Duration::from_secs(15), || {
            let conn = &conn;
            async move {
                let ch = conn.create_channel().await.ok()?;
                let q = ch.queue_declare(queue.into(), passive, FieldTable::default()).await.ok()?;
                (q.consumer_count() >= 1).then_some(())
            }
        })
        .await;
    }
}

/// A service's outbox events, oldest first: (type, JSON payload).
#[derive(Debug, Clone)]
pub struct Events(pub Vec<(String, Value)>);

impl std::ops::Deref for Events {
    type Target = Vec<(String, Value)>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl IntoIterator for Events {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Events {
    type Item = &'a (String, Value);
    type IntoIter = std::slice::Iter<'a, (String, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl Events {
    /// The types, oldest first.
    pub fn types(&self) -> Vec<&str> {
        self.0.iter().map(|(t, _)| t.as_str()).collect()
    }

    /// Whether an event of type `kind` was written.
    pub fn has(&self, kind: &str) -> bool {
        self.0.iter().any(|(t, _)| t == kind)
    }

    /// How many events of type `kind` were written.
    pub fn count(&self, kind: &str) -> usize {
        self.0.iter().filter(|(t, _)| t == kind).count()
    }

    /// The payload of the first event of type `kind`; fails listing the events there are.
    pub fn first(&self, kind: &str) -> &Value {
        self.0
            .iter()
            .find(|(t, _)| t == kind)
            .map(|(_, p)| p)
            .unwrap_or_else(|| panic!("no {kind} among {:?}", self.types()))
    }

    /// Asserts that each of `kinds` was written.
    pub fn assert_has_all(&self, kinds: &[&str]) {
        for kind in kinds {
            assert!(self.has(kind), "no {kind} among {:?}", self.types());
        }
    }

    /// Asserts that an event of type `kind` has `field` = `value` in its payload.
    pub fn assert_has_with(&self, kind: &str, field: &str, value: impl Into<Value>) {
        let value = value.into();
        assert!(
            self.0.iter().any(|(t, p)| t == kind && p[field] == value),
            "no {kind} with {field} = {value} among {self:?}"
        );
    }
}

/// What tests ask of an answer.
pub trait ExpectStatus {
    /// Asserts the status (showing the body when it differs) and answers the JSON body
    /// (`Null` when there is none).
    fn expect_status(self, status: u16) -> impl std::future::Future<Output = Value>;

    /// Asserts an error answer: its status and the envelope (`code`, a message, `details`);
    /// answers the body.
    fn expect_error(self, status: u16, code: &str) -> impl std::future::Future<Output = Value>;

    /// [`expect_error`](Self::expect_error) with `details.reason` = `reason`.
    fn expect_refusal(
        self, status: u16, code: &str, reason: &str,
    ) -> impl std::future::Future<Output = Value>;
}

impl ExpectStatus for reqwest::Response {
    async fn expect_status(self, status: u16) -> Value {
        let actual = self.status().as_u16();
        let text = self.text().await.expect("a body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        assert_eq!(actual, status, "{body}");
        body
    }

    async fn expect_error(self, status: u16, code: &str) -> Value {
        let body = self.expect_status(status).await;
        assert_eq!(body["error"]["code"], code, "{body}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
        assert!(body["error"].as_object().unwrap().contains_key("details"), "{body}");
        body
    }

    async fn expect_refusal(self, status: u16, code: &str, reason: &str) -> Value {
        let body = self.expect_error(status, code).await;
        assert_eq!(body["error"]["details"]["reason"], reason, "{body}");
        body
    }
}
