//! The `janua` command's operator subcommands, each run as the binary against a stack on real
//! PostgreSQL, RabbitMQ and Redis (or, for `migrate`, a database of its own).

use janua_testkit::webhook_receiver::{ReceivedRequest, WebhookReceiver};
use janua_testkit::{ExpectStatus, PASSWORD, TestStack, eventually, with_bootstrap_admin};
use secrecy::ExposeSecret;
use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// `janua <args>` configured for `app`: its database, broker, Redis prefix and service URLs.
fn janua(app: &TestStack, args: &[&str]) -> Command {
    let s = &app.settings;
    let mut command = Command::new(env!("CARGO_BIN_EXE_janua"));
    command
        .args(args)
        .env_remove("RUST_LOG")
        .env("JANUA_DATABASE_URL", &s.database_url)
        .env("JANUA_AMQP_URL", &s.amqp_url)
        .env("JANUA_REDIS_PREFIX", &s.redis_prefix)
        .env("JANUA_AUTH__URL", &app.auth_url)
        .env("JANUA_SECRETS__ENCRYPTION_KEY", s.secrets.encryption_key.expose_secret())
        .env("JANUA_SECRETS__PREVIOUS_ENCRYPTION_KEYS", s.secrets.previous_encryption_keys.expose_secret())
        .env("JANUA_LOG__LEVEL", "warn");
    command
}

/// Runs the command to its end. The stack serves on this test's runtime, so the wait happens
/// off its workers.
fn run(command: &mut Command) -> Output {
    let mut wait = || command.stdin(Stdio::null()).output().expect("janua runs");
    match tokio::runtime::Handle::try_current() {
        Ok(_) => tokio::task::block_in_place(wait),
        Err(_) => wait(),
    }
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

fn port_of(url: &str) -> String {
    url.rsplit(':').next().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_status_lists_what_is_pending_and_run_applies_it_once() {
    let database = format!("janua_test_cli_{}", uuid::Uuid::new_v4().simple());
    janua_testkit::create_database(&database).await;
    let url = format!("postgres://postgres@127.0.0.1:5432/{database}");
    let migrate = |args: &[&str]| {
        run(Command::new(env!("CARGO_BIN_EXE_janua")).args(args).env("JANUA_DATABASE_URL", &url))
    };
    let before = migrate(&["migrate", "status", "--target", "auth"]);
    assert!(before.status.success(), "{}", text(&before));
    let listed = String::from_utf8_lossy(&before.stdout).to_string();
    assert!(listed.lines().any(|l| l.starts_with("auth") && l.contains("pending")), "{listed}");
    assert!(!listed.contains("applied"), "{listed}");
    // Status wrote nothing: the schema is still not there.
    let schemas = migrate(&["migrate", "status", "--target", "identity"]);
    assert!(schemas.status.success());

    let applied = migrate(&["migrate", "run", "--target", "auth"]);
    assert!(applied.status.success(), "{}", text(&applied));
    let after = migrate(&["migrate", "status", "--target", "auth"]);
    let listed = String::from_utf8_lossy(&after.stdout).to_string();
    assert!(listed.lines().all(|l| !l.contains("pending") || l == "0 pending"), "{listed}");
    assert_eq!(listed.lines().last(), Some("0 pending"), "{listed}");
    // Only auth's: identity's are still pending. And a second run changes nothing.
    let identity =
        String::from_utf8_lossy(&migrate(&["migrate", "status", "--target", "identity"]).stdout).to_string();
    assert_ne!(identity.lines().last(), Some("0 pending"), "{identity}");
    assert!(identity.lines().all(|l| !l.contains("applied")), "{identity}");
    assert!(migrate(&["migrate", "run", "--target", "auth"]).status.success());
    janua_testkit::drop_database(&database).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthcheck_exits_zero_for_a_ready_target_and_one_otherwise() {
    let app = TestStack::spawn().await;
    let gateway = run(janua(&app, &["healthcheck"]).env("JANUA_GATEWAY__PORT", port_of(&app.gateway_url)));
    assert!(gateway.status.success(), "{}", text(&gateway));
    let auth = run(
        janua(&app, &["healthcheck", "--target", "auth"]).env("JANUA_AUTH__PORT", port_of(&app.auth_url))
    );
    assert!(auth.status.success(), "{}", text(&auth));
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let down =
        run(janua(&app, &["healthcheck", "--target", "org"]).env("JANUA_ORG__PORT", closed.to_string()));
    assert_eq!(down.status.code(), Some(1), "{}", text(&down));
    assert!(text(&down).contains("not ready"), "{}", text(&down));
}

#[test]
fn config_check_redacts_secrets_and_refuses_development_secrets_in_production() {
    let check = |env: &[(&str, &str)]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_janua"));
        command.args(["config", "check"]).env_remove("RUST_LOG");
        for (k, v) in env {
            command.env(k, v);
        }
        run(&mut command)
    };
    let ok = check(&[
        ("JANUA_DATABASE_URL", "postgres://janua:db-password-1@db.internal:5432/janua?sslmode=verify-full"),
        ("JANUA_SMTP__PASSWORD", "smtp-password-2"),
        ("JANUA_BOOTSTRAP_ADMIN_PASSWORD", "admin-password-3"),
    ]);
    assert!(ok.status.success(), "{}", text(&ok));
    let shown: serde_json::Value = serde_json::from_slice(&ok.stdout).expect("the configuration as JSON");
    let all = text(&ok);
    for secret in
        ["db-password-1", "smtp-password-2", "admin-password-3", janua_core::config::DEV_SERVICE_TOKEN]
    {
        assert!(!all.contains(secret), "{secret} was printed");
    }
    assert_eq!(
        shown["database_url"],
        "postgres://janua:[redacted]@db.internal:5432/janua?sslmode=verify-full"
    );
    assert_eq!(shown["secrets"]["encryption_key"], "[redacted]");
    assert_eq!(shown["smtp"]["host"], janua_core::config::Settings::default().smtp.host);
    assert!(all.contains("JANUA_SECRETS__ENCRYPTION_KEY is the development default"), "{all}");

    let production = check(&[("JANUA_ENVIRONMENT", "production")]);
    assert_eq!(production.status.code(), Some(1));
    let said = text(&production);
    assert!(
        said.contains("JANUA_SECRETS__ENCRYPTION_KEY") && said.contains("JANUA_SECRETS__SERVICE_TOKEN"),
        "{said}"
    );
    let own = check(&[
        ("JANUA_ENVIRONMENT", "production"),
        ("JANUA_SECRETS__ENCRYPTION_KEY", "cHJvZHVjdGlvbi1rZXktMzItYnl0ZXMtbG9uZy0xMjM0NTY"),
        ("JANUA_SECRETS__SERVICE_TOKEN", "a-service-token-of-our-own"),
    ]);
    assert!(own.status.success(), "{}", text(&own));
    // The services themselves refuse to start on development secrets in production.
    let start = run(Command::new(env!("CARGO_BIN_EXE_janua"))
        .args(["--target", "gateway"])
        .env("JANUA_ENVIRONMENT", "production")
        .env_remove("RUST_LOG"));
    assert_eq!(start.status.code(), Some(1), "{}", text(&start));
    assert!(text(&start).contains("development default"), "{}", text(&start));

    let typo = check(&[("JANUA_RATE_LIMTS__ANONYMOUS_PER_MIN", "5")]);
    assert_eq!(typo.status.code(), Some(1));
    assert!(
        text(&typo).contains("JANUA_RATE_LIMTS__ANONYMOUS_PER_MIN is not a configuration key"),
        "{}",
        text(&typo)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_user_makes_an_account_that_signs_in_and_an_admin_when_asked() {
    let app = TestStack::spawn().await;
    let dir = std::env::temp_dir().join(format!("janua-cli-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("password");
    std::fs::write(&file, format!("{PASSWORD}\n")).unwrap();
    let made = run(&mut janua(
        &app,
        &[
            "admin",
            "create-user",
            "--email",
            "Ops@Example.com",
            "--admin",
            "--password-file",
            file.to_str().unwrap(),
        ],
    ));
    assert!(made.status.success(), "{}", text(&made));
    assert!(text(&made).contains("platform admin"), "{}", text(&made));
    let admin = app.signin("ops@example.com", PASSWORD).await.expect_status(200).await;
    let token = admin["access_token"].as_str().unwrap();
    app.get("/api/v1/admin/users", Some(token)).await.expect_status(200).await;
    assert_eq!(admin["user"]["email_verified"], true);

    // The password on standard input; not an admin.
    let mut child = janua(&app, &["admin", "create-user", "--email", "member@example.com"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
    let member = tokio::task::block_in_place(|| child.wait_with_output().unwrap());
    assert!(member.status.success(), "{}", text(&member));
    let member = app.signin("member@example.com", PASSWORD).await.expect_status(200).await;
    app.get("/api/v1/admin/users", member["access_token"].as_str()).await.expect_status(403).await;

    // Auth's rules apply: a taken address and a weak password are refused, with the reason.
    let again = run(&mut janua(
        &app,
        &["admin", "create-user", "--email", "ops@example.com", "--password-file", file.to_str().unwrap()],
    ));
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again).contains("409"), "{}", text(&again));
    std::fs::write(&file, "short\n").unwrap();
    let weak = run(&mut janua(
        &app,
        &["admin", "create-user", "--email", "weak@example.com", "--password-file", file.to_str().unwrap()],
    ));
    assert_eq!(weak.status.code(), Some(1));
    assert!(text(&weak).contains("400"), "{}", text(&weak));
    app.signin("weak@example.com", "short").await.expect_status(401).await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotate_signing_signs_new_tokens_with_a_new_key_and_old_tokens_still_verify() {
    let app = TestStack::spawn().await;
    let before = app.person("rotate@example.com").await;
    let kid_of = |token: &str| {
        let header = token.split('.').next().unwrap();
        let header: serde_json::Value = serde_json::from_slice(
            &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, header).unwrap(),
        )
        .unwrap();
        header["kid"].as_str().unwrap().to_string()
    };
    let old_kid = kid_of(&before.token);
    let rotated = run(&mut janua(&app, &["keys", "rotate-signing"]));
    assert!(rotated.status.success(), "{}", text(&rotated));
    let new_kid =
        String::from_utf8_lossy(&rotated.stdout).trim().trim_start_matches("signing with ").to_string();
    assert_ne!(new_kid, old_kid);
    let jwks = app.get("/.well-known/jwks.json", None).await.expect_status(200).await;
    let kids: Vec<&str> = jwks["keys"].as_array().unwrap().iter().filter_map(|k| k["kid"].as_str()).collect();
    assert!(kids.contains(&old_kid.as_str()) && kids.contains(&new_kid.as_str()), "{kids:?}");
    app.get("/api/v1/auth/me", Some(&before.token)).await.expect_status(200).await;
    let after = app.signin("rotate@example.com", PASSWORD).await.expect_status(200).await;
    assert_eq!(kid_of(after["access_token"].as_str().unwrap()), new_kid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_verify_passes_on_the_chain_and_fails_on_a_tampered_entry() {
    let app = TestStack::spawn().await;
    app.person("audited@example.com").await;
    eventually("audit entries", Duration::from_secs(15), || async {
        (app.count("audit", "SELECT count(*) AS n FROM audit_entries").await >= 2).then_some(())
    })
    .await;
    let good = run(&mut janua(&app, &["audit", "verify"]));
    assert!(good.status.success(), "{}", text(&good));
    let report: serde_json::Value = serde_json::from_slice(&good.stdout).unwrap();
    assert_eq!(report["valid"], true);
    assert!(report["entries_checked"].as_i64().unwrap() >= 2);

    let mut conn = app.db("audit").await;
    diesel_async::RunQueryDsl::execute(
        diesel::sql_query("UPDATE audit_entries SET outcome = 'tampered' WHERE seq = 1"),
        &mut conn,
    )
    .await
    .unwrap();
    let bad = run(&mut janua(&app, &["audit", "verify"]));
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    assert!(text(&bad).contains("does not verify"), "{}", text(&bad));
}

/// A stack on the database (and broker vhost and Redis prefix) of `first`, with other
/// encryption keys: what a restart after changing the configuration is.
async fn restarted(first: &TestStack, current: &str, previous: &str) -> TestStack {
    let (database, amqp, prefix) = (
        first.settings.database_url.clone(),
        first.settings.amqp_url.clone(),
        first.settings.redis_prefix.clone(),
    );
    // The same issuer, as a restarted deployment keeps its public address.
    let public_url = first.settings.public_url.clone();
    let (current, previous) = (current.to_string(), previous.to_string());
    TestStack::spawn_with(move |s| {
        with_bootstrap_admin(s);
        s.database_url = database;
        s.amqp_url = amqp;
        s.redis_prefix = prefix;
        s.public_url = public_url;
        s.database_idle_in_transaction_timeout_secs = 3;
        s.secrets.encryption_key = current.into();
        s.secrets.previous_encryption_keys = previous.into();
    })
    .await
}

/// The Standard Webhooks signature of a delivery under `secret` (`whsec_...`).
fn signed_with(secret: &str, req: &ReceivedRequest) -> bool {
    use base64::Engine;
    use hmac::{KeyInit, Mac};
    let engine = base64::engine::general_purpose::STANDARD;
    let key = engine.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
    let (id, timestamp) = (req.header("webhook-id").unwrap(), req.header("webhook-timestamp").unwrap());
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(&req.body);
    let expected = format!("v1,{}", engine.encode(mac.finalize().into_bytes()));
    req.header("webhook-signature").unwrap().split(' ').any(|s| s == expected)
}

/// Signs `email` up on `app` and waits for the signed `user.created` delivery to `receiver`.
async fn signup_is_delivered_signed(app: &TestStack, receiver: &WebhookReceiver, secret: &str, email: &str) {
    app.person(email).await;
    let delivery = eventually(&format!("the user.created of {email}"), Duration::from_secs(20), || async {
        receiver.requests().into_iter().find(|r| {
            serde_json::from_slice::<serde_json::Value>(&r.body).is_ok_and(|v| v["data"]["email"] == email)
        })
    })
    .await;
    assert!(signed_with(secret, &delivery), "the delivery for {email} is signed with the endpoint's secret");
}

/// Rotation of the encryption key end to end: a new key with the old one as previous (all
/// still opens), `janua keys reseal` (while running), then the old key removed: TOTP secrets,
/// webhook secrets, the signing key, the audit chain's MAC keys and the device-token key all
/// still work. A reseal without the key that sealed something refuses and changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotate_the_encryption_key_reseal_remove_the_old_key_and_everything_works() {
    use base64::Engine;
    let new_key = base64::engine::general_purpose::STANDARD.encode(rand_bytes());
    let old_key = janua_core::config::DEV_ENCRYPTION_KEY;
    // Before: TOTP on, a webhook endpoint with its secret, a signing key, the audit chain.
    // A stopped stack's pools outlive it in this process (its metrics collectors hold them):
    // PostgreSQL ends what they left idle in a transaction, as it would for a crashed replica.
    let (mut first, admin) =
        TestStack::spawn_with_admin(|s| s.database_idle_in_transaction_timeout_secs = 3).await;
    let totp = first.person("totp@example.com").await;
    let (totp_secret, _) = first.enable_totp(&totp.token).await;
    let receiver = WebhookReceiver::start().await;
    let hook = first
        .post(
            "/api/v1/webhooks",
            &serde_json::json!({ "url": receiver.url(), "events": ["user.created"] }),
            Some(&admin),
        )
        .await
        .expect_status(201)
        .await;
    let webhook_secret = hook["secret"].as_str().unwrap().to_string();
    signup_is_delivered_signed(&first, &receiver, &webhook_secret, "before@example.com").await;
    let early_token = first.signin("before@example.com", PASSWORD).await.expect_status(200).await;
    first.shut_down().await;

    // The new key seals, the old one still opens.
    let mut second = restarted(&first, &new_key, old_key).await;
    signup_is_delivered_signed(&second, &receiver, &webhook_secret, "during@example.com").await;
    second.get("/api/v1/auth/me", early_token["access_token"].as_str()).await.expect_status(200).await;
    let sealed_by_new = second.count("auth", "SELECT count(*) AS n FROM service_keys").await;
    assert!(sealed_by_new >= 2, "auth keeps its device and decoy keys");

    // A reseal that lacks the key that sealed them refuses and writes nothing.
    let stranger = base64::engine::general_purpose::STANDARD.encode(rand_bytes());
    let lacking = run(janua(&second, &["keys", "reseal"])
        .env("JANUA_SECRETS__ENCRYPTION_KEY", &stranger)
        .env("JANUA_SECRETS__PREVIOUS_ENCRYPTION_KEYS", ""));
    assert_eq!(lacking.status.code(), Some(1), "{}", text(&lacking));
    assert!(text(&lacking).contains("not configured"), "{}", text(&lacking));

    // Reseal while the services run; a second run finds nothing left to do.
    let resealed = run(&mut janua(&second, &["keys", "reseal"]));
    assert!(resealed.status.success(), "{}", text(&resealed));
    let said = text(&resealed);
    for column in [
        "signing_keys.private_jwk_sealed",
        "totp_secrets.secret_sealed",
        "endpoints.secret",
        "service_keys.sealed",
    ] {
        assert!(said.contains(column), "{column} was not resealed: {said}");
    }
    assert!(said.contains("the previous keys can be removed"), "{said}");
    let again = run(&mut janua(&second, &["keys", "reseal"]));
    assert!(text(&again).contains("0 value(s) resealed"), "{}", text(&again));
    second.shut_down().await;

    // The old key gone: everything sealed still opens.
    let third = restarted(&first, &new_key, "").await;
    signup_is_delivered_signed(&third, &receiver, &webhook_secret, "after@example.com").await;
    third.get("/api/v1/auth/me", early_token["access_token"].as_str()).await.expect_status(200).await;
    let challenge = third.signin("totp@example.com", PASSWORD).await.expect_status(200).await;
    let code = janua_testkit::totp_code(&totp_secret, 30);
    third
        .post(
            "/api/v1/mfa/totp/verify-code",
            &serde_json::json!({ "code": code }),
            challenge["mfa_token"].as_str(),
        )
        .await
        .expect_status(200)
        .await;
    let verified = run(&mut janua(&third, &["audit", "verify"]));
    assert!(verified.status.success(), "the audit chain verifies under the new key: {}", text(&verified));
    drop(second);
}

fn rand_bytes() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    for (i, b) in uuid::Uuid::new_v4().as_bytes().iter().chain(uuid::Uuid::new_v4().as_bytes()).enumerate() {
        bytes[i] = *b;
    }
    bytes
}
