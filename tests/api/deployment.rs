//! The infrastructure production has: a PostgreSQL that accepts only TLS (the whole stack on it
//! with `sslmode=verify-full`), PgBouncer in transaction mode between the services and
//! PostgreSQL, Redis over TLS, and RabbitMQ behind a TLS terminator (amqps://).

use crate::json;
use janua_db::{Connector, DbError, Endpoint};
use janua_testkit::postgres::{PgBouncer, TlsPostgres};
use janua_testkit::tls::{TlsRedis, TlsTerminator};
use janua_testkit::{ExpectStatus, TestStack};

/// The test database's name, from the URL the stack was given.
fn database_name(url: &str) -> String {
    url.rsplit('/').next().unwrap().split('?').next().unwrap().to_string()
}

#[tokio::test]
async fn the_whole_stack_runs_on_a_postgres_that_requires_tls_with_verify_full() {
    let pg = TlsPostgres::start();
    let ca = pg.ca_file();
    let app = TestStack::spawn_with(|s| {
        let name = database_name(&s.database_url);
        pg.create_database(&name);
        s.database_url =
            pg.url("localhost", &name, &format!("sslmode=verify-full&sslrootcert={}", ca.display()));
    })
    .await;
    // Sign-up (identity and auth), a refresh, an organization (org), and the audit trail that
    // the events feed: every service read and wrote through TLS.
    let person = app.person("tls@example.com").await;
    app.refresh(&person.pair).await.expect_status(200).await;
    let org = app.create_org_id(&person.token, "Over TLS").await;
    assert!(!org.is_empty());
    app.wait_for_count(
        "the audit trail of the sign-up",
        "audit",
        "SELECT count(*) AS n FROM audit_entries WHERE type = 'user.created'",
        1,
    )
    .await;
    let me = json(app.get("/api/v1/auth/me", Some(&person.token)).await).await;
    assert_eq!(me["email"], "tls@example.com");
    // The server's own view: every client connection of this database is encrypted.
    let plain = app
        .count(
            "identity",
            "SELECT count(*) AS n FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) \
             WHERE a.datname = current_database() AND NOT s.ssl",
        )
        .await;
    let encrypted = app
        .count(
            "identity",
            "SELECT count(*) AS n FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) \
             WHERE a.datname = current_database() AND s.ssl",
        )
        .await;
    assert_eq!(plain, 0);
    assert!(encrypted >= 6, "one pool per service at least: {encrypted}");
}

#[tokio::test]
async fn each_sslmode_checks_what_libpq_checks() {
    let pg = TlsPostgres::start();
    let ca = pg.ca_file().display().to_string();
    let other = pg.unrelated_ca_file().display().to_string();
    let connect = |host: &str, query: String| {
        let url = pg.url(host, "postgres", &query);
        async move { Connector::new(&url, None).unwrap().connect().await.map(|_| ()).map_err(|e| e.to_string()) }
    };
    // The certificate names localhost, by the test's authority.
    connect("localhost", format!("sslmode=verify-full&sslrootcert={ca}")).await.unwrap();
    let wrong_name = connect("127.0.0.1", format!("sslmode=verify-full&sslrootcert={ca}")).await.unwrap_err();
    assert!(wrong_name.contains("not valid for name"), "{wrong_name}");
    let wrong_ca =
        connect("localhost", format!("sslmode=verify-full&sslrootcert={other}")).await.unwrap_err();
    assert!(wrong_ca.contains("invalid peer certificate"), "{wrong_ca}");
    // Without a root file, verify-full trusts the public roots, which did not sign it.
    assert!(connect("localhost", "sslmode=verify-full".into()).await.is_err());
    // verify-ca: the chain, not the name.
    connect("127.0.0.1", format!("sslmode=verify-ca&sslrootcert={ca}")).await.unwrap();
    assert!(connect("127.0.0.1", format!("sslmode=verify-ca&sslrootcert={other}")).await.is_err());
    // require: encrypted without checking; with a root file it checks the chain (libpq).
    connect("127.0.0.1", "sslmode=require".into()).await.unwrap();
    assert!(connect("127.0.0.1", format!("sslmode=require&sslrootcert={other}")).await.is_err());
    // prefer (the default) takes TLS when offered; disable is refused by a TLS-only server.
    connect("127.0.0.1", "application_name=janua".into()).await.unwrap();
    let plain = connect("127.0.0.1", "sslmode=disable".into()).await.unwrap_err();
    assert!(plain.contains("no encryption") || plain.contains("pg_hba.conf"), "{plain}");
}

/// The services that own a schema, as PgBouncer databases named `janua_<service>`.
const SERVICES: [&str; 6] = ["auth", "identity", "org", "enterprise", "audit", "webhooks"];

#[tokio::test]
async fn every_service_runs_through_pgbouncer_in_transaction_mode() {
    let mut bouncer = None;
    let app = TestStack::spawn_with(|s| {
        let name = database_name(&s.database_url);
        let databases: Vec<(String, String)> = SERVICES
            .iter()
            .map(|service| (format!("janua_{service}"), format!("SET search_path TO {service}")))
            .collect();
        let entries: Vec<(&str, &str, &str)> = databases
            .iter()
            .map(|(pooled, query)| (pooled.as_str(), name.as_str(), query.as_str()))
            .collect();
        let pgbouncer = PgBouncer::start(&entries);
        // Queries go through the pooler; migrations and LISTEN go to PostgreSQL itself.
        s.database_direct_url = Some(s.database_url.clone());
        s.database_pooled = true;
        s.auth.database_url = Some(pgbouncer.url("janua_auth"));
        s.identity.database_url = Some(pgbouncer.url("janua_identity"));
        s.org.database_url = Some(pgbouncer.url("janua_org"));
        s.enterprise.database_url = Some(pgbouncer.url("janua_enterprise"));
        s.audit.service.database_url = Some(pgbouncer.url("janua_audit"));
        s.webhooks.service.database_url = Some(pgbouncer.url("janua_webhooks"));
        bouncer = Some(pgbouncer);
    })
    .await;
    let bouncer = bouncer.unwrap();
    // Concurrent work, so that PgBouncer hands the services' transactions to several server
    // connections: a prepared statement or a search path that lived on one would fail on another.
    let people = futures::future::join_all((0..12).map(|i| {
        let app = &app;
        async move { app.person(&format!("pooled{i}@example.com")).await }
    }))
    .await;
    futures::future::join_all(people.iter().map(|p| {
        let app = &app;
        async move {
            app.refresh(&p.pair).await.expect_status(200).await;
            app.create_org_id(&p.token, &format!("Org of {}", p.email)).await;
            json(app.get("/api/v1/auth/me", Some(&p.token)).await).await
        }
    }))
    .await;
    app.wait_for_count(
        "the audit trail of twelve sign-ups",
        "audit",
        "SELECT count(*) AS n FROM audit_entries WHERE type = 'user.created'",
        12,
    )
    .await;
    // PgBouncer carried every service's transactions, over more than one server connection.
    let stats = bouncer.show("STATS");
    for service in SERVICES {
        let row = stats
            .lines()
            .find(|l| l.starts_with(&format!("janua_{service}|")))
            .unwrap_or_else(|| panic!("no PgBouncer stats for {service}: {stats}"));
        let transactions: i64 = row.split('|').nth(1).unwrap().parse().unwrap();
        assert!(transactions > 0, "{service} sent nothing through PgBouncer: {row}");
    }
    let servers = bouncer.show("SERVERS");
    let auth_servers = servers.lines().filter(|l| l.contains("|janua_auth|")).count();
    assert!(auth_servers > 1, "auth's transactions all went to one server connection: {servers}");
}

#[tokio::test]
async fn a_pooler_that_does_not_select_the_schema_is_refused_at_start() {
    let name = format!("janua_test_{}", uuid::Uuid::new_v4().simple());
    janua_testkit::create_database(&name).await;
    let bouncer = PgBouncer::start(&[("janua_auth", &name, "SELECT 1")]);
    let endpoint = Endpoint {
        url: bouncer.url("janua_auth"),
        direct_url: format!("postgres://postgres@127.0.0.1:5432/{name}"),
        schema: "auth".into(),
        pooled: true,
        idle_in_transaction_timeout_secs: 0,
    };
    let pool = janua_db::pool(&endpoint, 2).unwrap();
    let refused = janua_db::check_schema(&pool, "auth").await.unwrap_err();
    assert!(
        matches!(&refused, DbError::WrongSchema { found, .. } if found.as_deref() == Some("public")),
        "{refused}"
    );
    assert!(refused.to_string().contains("connect_query"), "the error says what to do: {refused}");
    drop(pool);
    janua_testkit::drop_database(&name).await;
}

#[tokio::test]
async fn redis_over_tls_carries_the_rate_limits_and_revocations() {
    let redis = TlsRedis::start();
    let app = TestStack::spawn_with(|s| {
        s.redis_url = redis.url();
        s.redis_ca_file = Some(redis.ca_file().display().to_string());
    })
    .await;
    let before = redis.commands_processed();
    let person = app.person("rediss@example.com").await;
    app.get("/api/v1/auth/me", Some(&person.token)).await.expect_status(200).await;
    app.post("/api/v1/auth/signout", &serde_json::json!({}), Some(&person.token))
        .await
        .expect_status(204)
        .await;
    app.assert_token_refused(Some(&person.token)).await;
    assert!(redis.commands_processed() > before, "the stack used the TLS Redis");
    assert_eq!(json(app.get("/api/v1/health/ready", None).await).await["status"], "ready");
}

#[tokio::test]
async fn events_travel_over_amqps_to_every_consumer() {
    let terminator = TlsTerminator::start(5672).await;
    let app = TestStack::spawn_with(|s| {
        let vhost = s.amqp_url.rsplit('/').next().unwrap().to_string();
        s.amqp_url = format!(
            "amqps://guest:guest@localhost:{}/{vhost}?cacertfile={}",
            terminator.port(),
            terminator.ca_file().display()
        );
    })
    .await;
    app.wait_until_attached().await;
    app.person("amqps@example.com").await;
    app.wait_for_count(
        "the sign-up's audit entry, relayed and consumed over AMQPS",
        "audit",
        "SELECT count(*) AS n FROM audit_entries WHERE type = 'user.created'",
        1,
    )
    .await;
    assert!(terminator.handshakes() >= 2, "publisher and consumers connected through TLS");
}

/// Replicas of several services starting together on a new database migrate one at a time,
/// and none deadlocks on the indexes identity builds concurrently: a waiting replica asks for
/// the migration lock again and again instead of waiting inside a statement (with a snapshot
/// that `CREATE INDEX CONCURRENTLY` would wait for, while it waits for the lock).
#[tokio::test]
async fn replicas_of_several_services_migrating_together_all_succeed() {
    let app = TestStack::spawn().await;
    let at = |schema: &str| Endpoint::direct(&app.settings.database_url, schema);
    let (identity, org) = (at("replicas_identity"), at("replicas_org"));
    let (first, second, third, other) = tokio::join!(
        janua_db::migrate(&identity, janua_identity::MIGRATIONS),
        janua_db::migrate(&identity, janua_identity::MIGRATIONS),
        janua_db::migrate(&identity, janua_identity::MIGRATIONS),
        janua_db::migrate(&org, janua_org::MIGRATIONS),
    );
    for (who, result) in [("first", first), ("second", second), ("third", third), ("org", other)] {
        result.unwrap_or_else(|e| panic!("{who} replica: {e}"));
    }
    let pending = janua_db::migration_status(&identity, janua_identity::MIGRATIONS).await.unwrap();
    assert!(pending.iter().all(|m| m.applied), "{pending:?}");
}
