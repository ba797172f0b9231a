//! The `janua` command's operator subcommands, each run as the binary against a stack on real
//! PostgreSQL, RabbitMQ and Redis (or, for `migrate`, a database of its own).

use janua_testkit::{ExpectStatus, PASSWORD, TestStack, eventually};
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
    assert!(listed.ends_with("0 pending\n"), "{listed}");
    // Only auth's: identity's are still pending. And a second run changes nothing.
    let identity =
        String::from_utf8_lossy(&migrate(&["migrate", "status", "--target", "identity"]).stdout).to_string();
    assert!(!identity.ends_with("0 pending\n"), "{identity}");
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
