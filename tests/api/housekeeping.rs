//! Retention jobs: each deletes what is due and nothing else, and replicas share the work.

use diesel_async::SimpleAsyncConnection;
use janua_testkit::TestStack;

/// `(schema, table, condition naming the test's rows, rows expected once the jobs ran)`.
type Expectation = (&'static str, &'static str, &'static str, i64);

#[tokio::test]
async fn each_retention_job_deletes_what_is_due_and_nothing_else() {
    let app = TestStack::spawn_with(|s| s.housekeeping.interval_secs = 1).await;
    let setup: &[(&str, &str)] = &[
        (
            "identity",
            "INSERT INTO outbox (id, event_type, payload, created_at, published_at) VALUES
               (gen_random_uuid(), 'test.old', '\\x00', now() - interval '30 days', now() - interval '8 days'),
               (gen_random_uuid(), 'test.recent', '\\x00', now() - interval '30 days', now() - interval '6 days'),
               (gen_random_uuid(), 'test.unsent', '\\x00', now() - interval '30 days', NULL);
             INSERT INTO inbox (event_id, consumer, processed_at) VALUES
               (gen_random_uuid(), 'test.old', now() - interval '15 days'),
               (gen_random_uuid(), 'test.recent', now() - interval '13 days');
             INSERT INTO revoked_users (user_id, until) VALUES
               ('00000000-0000-0000-0000-00000000aaaa', now() - interval '1 minute'),
               ('00000000-0000-0000-0000-00000000bbbb', now() + interval '10 minutes');",
        ),
        (
            "auth",
            "INSERT INTO outgoing_emails (id, recipient, subject, created_at, sent_at) VALUES
               (gen_random_uuid(), 'old@test', 'test', now() - interval '9 days', now() - interval '8 days'),
               (gen_random_uuid(), 'recent@test', 'test', now() - interval '9 days', now() - interval '6 days'),
               (gen_random_uuid(), 'unsent@test', 'test', now() - interval '30 days', NULL);
             INSERT INTO sessions (id, user_id, expires_at, revoked_at, auth_method) VALUES
               ('00000000-0000-0000-0000-000000000001', gen_random_uuid(), now() - interval '31 days', NULL, 'test'),
               ('00000000-0000-0000-0000-000000000002', gen_random_uuid(), now() + interval '9 days', now() - interval '31 days', 'test'),
               ('00000000-0000-0000-0000-000000000003', gen_random_uuid(), now() - interval '29 days', NULL, 'test'),
               ('00000000-0000-0000-0000-000000000004', gen_random_uuid(), now() + interval '9 days', NULL, 'test');
             INSERT INTO refresh_tokens (token_hash, session_id) VALUES
               ('\\x01', '00000000-0000-0000-0000-000000000001'),
               ('\\x04', '00000000-0000-0000-0000-000000000004');
             INSERT INTO one_time_tokens (token_hash, user_id, purpose, email, expires_at) VALUES
               ('\\x0a', gen_random_uuid(), 'test', 'a@test', now() - interval '2 days'),
               ('\\x0b', gen_random_uuid(), 'test', 'b@test', now() - interval '1 hour');
             INSERT INTO webauthn_ceremonies (id, purpose, name, state, expires_at) VALUES
               (gen_random_uuid(), 'authenticate', 'test', '{}', now() - interval '2 hours'),
               (gen_random_uuid(), 'authenticate', 'test-recent', '{}', now() - interval '1 minute');
             INSERT INTO oauth_flows (state_hash, provider, purpose, browser_hash, verifier_sealed, nonce, expires_at) VALUES
               ('\\x0c', 'test', 'signin', '\\x00', '\\x00', 'old', now() - interval '2 hours'),
               ('\\x0d', 'test', 'signin', '\\x00', '\\x00', 'recent', now() - interval '1 minute');",
        ),
        (
            "enterprise",
            "INSERT INTO sso_configurations (id, organization_id, name, protocol, created_by) VALUES
               ('00000000-0000-0000-0000-0000000000cc', gen_random_uuid(), 'test', 'saml', gen_random_uuid());
             INSERT INTO sso_flows (state_hash, configuration_id, browser_hash, oidc_nonce, expires_at) VALUES
               ('\\x0e', '00000000-0000-0000-0000-0000000000cc', '\\x00', 'old', now() - interval '2 hours'),
               ('\\x0f', '00000000-0000-0000-0000-0000000000cc', '\\x00', 'recent', now() - interval '1 minute');
             INSERT INTO saml_assertions_used (configuration_id, assertion_id, expires_at) VALUES
               ('00000000-0000-0000-0000-0000000000cc', 'test-old', now() - interval '2 hours'),
               ('00000000-0000-0000-0000-0000000000cc', 'test-recent', now() - interval '1 minute');",
        ),
        (
            "webhooks",
            "INSERT INTO endpoints (id, created_by, url, event_types, secret) VALUES
               ('00000000-0000-0000-0000-0000000000dd', gen_random_uuid(), 'https://example.com/hook', '{*}', '\\x00');
             INSERT INTO deliveries (id, endpoint_id, event_id, event_type, body, status, updated_at) VALUES
               ('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000dd', gen_random_uuid(), 'test.old', '\\x00', 'succeeded', now() - interval '31 days'),
               ('00000000-0000-0000-0000-0000000000d2', '00000000-0000-0000-0000-0000000000dd', gen_random_uuid(), 'test.failed', '\\x00', 'failed', now() - interval '31 days'),
               ('00000000-0000-0000-0000-0000000000d3', '00000000-0000-0000-0000-0000000000dd', gen_random_uuid(), 'test.recent', '\\x00', 'succeeded', now() - interval '29 days'),
               ('00000000-0000-0000-0000-0000000000d4', '00000000-0000-0000-0000-0000000000dd', gen_random_uuid(), 'test.pending', '\\x00', 'pending', now() - interval '31 days');
             INSERT INTO delivery_attempts (id, delivery_id, attempt, started_at, latency_ms) VALUES
               (gen_random_uuid(), '00000000-0000-0000-0000-0000000000d1', 1, now() - interval '31 days', 5),
               (gen_random_uuid(), '00000000-0000-0000-0000-0000000000d3', 1, now() - interval '29 days', 5);",
        ),
    ];
    for (schema, sql) in setup {
        app.db(schema).await.batch_execute(sql).await.unwrap_or_else(|e| panic!("{schema}: {e}"));
    }

    // What stays once every job has run: the recent, the unsent, the unexpired.
    let expected: &[Expectation] = &[
        ("identity", "outbox", "event_type LIKE 'test.%'", 2),
        ("identity", "outbox", "event_type = 'test.old'", 0),
        ("identity", "inbox", "consumer LIKE 'test.%'", 1),
        ("identity", "inbox", "consumer = 'test.recent'", 1),
        ("identity", "revoked_users", "user_id = '00000000-0000-0000-0000-00000000bbbb'", 1),
        ("identity", "revoked_users", "true", 1),
        ("auth", "outgoing_emails", "subject = 'test'", 2),
        ("auth", "outgoing_emails", "recipient = 'old@test'", 0),
        ("auth", "sessions", "auth_method = 'test'", 2),
        (
            "auth",
            "sessions",
            "id IN ('00000000-0000-0000-0000-000000000003', '00000000-0000-0000-0000-000000000004')",
            2,
        ),
        ("auth", "refresh_tokens", "token_hash IN ('\\x01', '\\x04')", 1),
        ("auth", "one_time_tokens", "purpose = 'test'", 1),
        ("auth", "one_time_tokens", "token_hash = '\\x0b'", 1),
        ("auth", "webauthn_ceremonies", "name LIKE 'test%'", 1),
        ("auth", "webauthn_ceremonies", "name = 'test-recent'", 1),
        ("auth", "oauth_flows", "provider = 'test'", 1),
        ("auth", "oauth_flows", "nonce = 'recent'", 1),
        ("enterprise", "sso_flows", "true", 1),
        ("enterprise", "sso_flows", "oidc_nonce = 'recent'", 1),
        ("enterprise", "saml_assertions_used", "assertion_id LIKE 'test-%'", 1),
        ("enterprise", "saml_assertions_used", "assertion_id = 'test-recent'", 1),
        ("webhooks", "deliveries", "event_type LIKE 'test.%'", 2),
        ("webhooks", "deliveries", "event_type IN ('test.recent', 'test.pending')", 2),
        ("webhooks", "delivery_attempts", "latency_ms = 5", 1),
    ];
    for (schema, table, condition, rows) in expected {
        let sql = format!("SELECT count(*) AS n FROM {table} WHERE {condition}");
        app.wait_for_count(&format!("{schema}.{table} where {condition}"), schema, &sql, *rows).await;
    }
    // Each job reports its run.
    let scrape = app.metrics().await;
    for (service, task) in [
        ("identity", "outbox"),
        ("identity", "inbox"),
        ("identity", "revoked_users"),
        ("auth", "sent_mail"),
        ("auth", "sessions"),
        ("auth", "one_time_tokens"),
        ("auth", "passkey_ceremonies"),
        ("auth", "oauth_flows"),
        ("enterprise", "sso_flows"),
        ("enterprise", "saml_assertions"),
        ("webhooks", "webhook_deliveries"),
    ] {
        let series =
            format!("janua_housekeeping_last_run_timestamp_seconds{{service=\"{service}\",task=\"{task}\"}}");
        assert!(scrape.contains(&series), "{series}");
    }
    let deleted = "janua_housekeeping_deleted_total{service=\"auth\",task=\"sessions\"} 2";
    assert!(scrape.contains(deleted), "{scrape}");
}

/// Two replicas' jobs over one table at once: each row deleted once, neither waits on the
/// other's locks, nothing fails.
#[tokio::test]
async fn replicas_share_a_retention_job_without_waiting_on_each_other() {
    let app = TestStack::spawn_with(|s| s.housekeeping.enabled = false).await;
    app.db("org")
        .await
        .batch_execute(
            "INSERT INTO outbox (id, event_type, payload, created_at, published_at)
             SELECT gen_random_uuid(), 'test.old', '\\x00', now() - interval '9 days', now() - interval '8 days'
             FROM generate_series(1, 3000)",
        )
        .await
        .unwrap();
    let org = janua_db::Endpoint::direct(&app.settings.database_url, "org");
    let (a, b) = (janua_db::pool(&org, 2).unwrap(), janua_db::pool(&org, 2).unwrap());
    let mut settings = app.settings.housekeeping.clone();
    settings.batch_size = 100;
    let job = &janua_service::housekeeping::COMMON[0];
    assert_eq!(job.task, "outbox");
    let (da, db) = tokio::join!(job.run(&a, &settings), job.run(&b, &settings));
    let (da, db) = (da.unwrap(), db.unwrap());
    assert_eq!(da + db, 3000, "each row once: {da} + {db}");
    let left = app.count("org", "SELECT count(*) AS n FROM outbox WHERE event_type = 'test.old'").await;
    assert_eq!(left, 0);
}
