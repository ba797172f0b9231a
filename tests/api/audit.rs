//! The audit log through the gateway: every event recorded once in a hash chain that
//! verifies; tampering in PostgreSQL found at the first broken link; filters, pages, the
//! per-user and per-organization views, streamed exports, and who may read what.

use crate::json;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use janua_testkit::tcp_proxy::TcpProxy;
use janua_testkit::{ExpectStatus, TestStack, eventually};
use serde_json::{Value, json};
use std::time::Duration;

use janua_testkit::PASSWORD;

/// Polls the admin's view of the log until `check` holds for the entries matching `query`.
async fn entries_until(
    app: &TestStack, admin: &str, query: &str, what: &str, check: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    eventually(what, Duration::from_secs(20), || async {
        let resp = app.get(&format!("/api/v1/audit-logs?limit=100&{query}"), Some(admin)).await;
        if resp.status() != 200 {
            return None;
        }
        let body = json(resp).await;
        let data = body["data"].as_array()?.clone();
        check(&data).then_some(data)
    })
    .await
}

async fn verify(app: &TestStack, admin: &str) -> Value {
    let resp = app.get("/api/v1/audit-logs/verify", Some(admin)).await;
    assert_eq!(resp.status(), 200);
    json(resp).await
}

#[tokio::test]
async fn every_event_is_recorded_once_in_a_chain_that_verifies() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let resp = app
        .http
        .post(app.url("/api/v1/auth/signup"))
        .header("x-request-id", "req-audit-1")
        .header("user-agent", "audit-test/1.0")
        .json(&json!({"email": "ada@example.com", "password": PASSWORD, "name": "Ada"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let user = json(resp).await["user"]["id"].as_str().unwrap().to_string();
    app.signin("ada@example.com", "a wrong password!").await;

    let created =
        entries_until(&app, &admin, &format!("type=user.created&subject_id={user}"), "user.created", |d| {
            d.len() == 1
        })
        .await;
    let e = &created[0];
    assert_eq!(e["source"], "identity");
    assert_eq!(e["outcome"], "success");
    assert_eq!(e["request_id"], "req-audit-1");
    assert_eq!(e["user_agent"], "audit-test/1.0");
    assert_eq!(e["ip"], "127.0.0.1");
    assert_eq!(e["data"]["user"]["email"], "ada@example.com");
    assert_eq!(e["hash"].as_str().unwrap().len(), 64);

    // A refused sign-in is a failure entry.
    let failed =
        entries_until(&app, &admin, "type=user.signin_failed", "the failed sign-in", |d| !d.is_empty()).await;
    assert_eq!(failed[0]["outcome"], "failure");
    assert!(
        failed[0]["data"].to_string().contains("invalid_credentials")
            || failed[0]["data"]["reason"].is_string()
    );

    // Families, the per-user view, one entry, and the chain links newest to oldest.
    let family = entries_until(&app, &admin, "type=user.*", "the user.* family", |d| d.len() >= 3).await;
    assert!(family.iter().all(|e| e["type"].as_str().unwrap().starts_with("user.")));
    let mine = eventually("the user's own entries", Duration::from_secs(20), || async {
        let body =
            json(app.get(&format!("/api/v1/audit-logs/users/{user}?limit=100"), Some(&admin)).await).await;
        let data = body["data"].as_array()?.clone();
        data.iter().any(|e| e["type"] == "session.created").then_some(data)
    })
    .await;
    assert!(mine.iter().all(|e| e["actor_id"] == user.as_str() || e["subject_id"] == user.as_str()));
    let one = app.get(&format!("/api/audit-logs/{}", e["id"].as_str().unwrap()), Some(&admin)).await;
    assert_eq!(json(one).await["hash"], e["hash"]);

    let all = entries_until(&app, &admin, "", "several entries", |d| d.len() >= 5).await;
    for pair in all.windows(2) {
        assert_eq!(pair[0]["prev_hash"], pair[1]["hash"], "each entry links to the one before");
        assert_eq!(pair[0]["seq"].as_i64().unwrap(), pair[1]["seq"].as_i64().unwrap() + 1);
    }
    let report = verify(&app, &admin).await;
    assert_eq!(report["valid"], true, "{report}");
    assert!(report["entries_checked"].as_i64().unwrap() >= all.len() as i64);

    // Pages: two at a time, no overlap, no gap.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = match &cursor {
            Some(c) => format!("/api/v1/audit-logs?limit=2&cursor={c}"),
            None => "/api/v1/audit-logs?limit=2".into(),
        };
        let page = json(app.get(&q, Some(&admin)).await).await;
        seen.extend(page["data"].as_array().unwrap().iter().map(|e| e["seq"].as_i64().unwrap()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    let expected: Vec<i64> = (1..=seen[0]).rev().collect();
    assert_eq!(seen, expected);

    // The catalogue, and bad filters.
    let events = json(app.get("/api/audit-logs/events", Some(&admin)).await).await;
    assert!(events["data"].as_array().unwrap().iter().any(|e| e["type"] == "user.created"));
    app.get("/api/v1/audit-logs?type=DROP%20TABLE", Some(&admin))
        .await
        .expect_error(400, "VALIDATION_ERROR")
        .await;
    app.get("/api/v1/audit-logs?outcome=maybe", Some(&admin))
        .await
        .expect_error(400, "VALIDATION_ERROR")
        .await;
    app.get("/api/v1/audit-logs?from=yesterday", Some(&admin))
        .await
        .expect_error(400, "VALIDATION_ERROR")
        .await;

    // Time range: nothing before the epoch of this test.
    let empty = json(app.get("/api/v1/audit-logs?to=2000-01-01T00:00:00Z", Some(&admin)).await).await;
    assert_eq!(empty["data"].as_array().unwrap().len(), 0);

    // Not for ordinary users.
    let user_token = json(app.signin("ada@example.com", PASSWORD).await).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    app.get("/api/v1/audit-logs", Some(&user_token)).await.expect_error(403, "FORBIDDEN").await;
    app.get("/api/v1/audit-logs/verify", Some(&user_token)).await.expect_error(403, "FORBIDDEN").await;
    app.get(&format!("/api/v1/audit-logs/users/{user}"), Some(&user_token))
        .await
        .expect_error(403, "FORBIDDEN")
        .await;
    // An entry outside the user's organizations is, for them, no entry at all.
    app.get(&format!("/api/v1/audit-logs/{}", e["id"].as_str().unwrap()), Some(&user_token))
        .await
        .expect_error(404, "NOT_FOUND")
        .await;
    app.get("/api/v1/audit-logs", None).await.expect_error(401, "UNAUTHORIZED").await;
}

async fn sql(app: &TestStack, statement: &str) {
    let mut conn = app.db("audit").await;
    conn.batch_execute(statement).await.unwrap();
}

#[tokio::test]
async fn verification_finds_the_first_row_changed_behind_its_back() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    for i in 0..3 {
        app.signup(&format!("user{i}@example.com"), PASSWORD).await;
    }
    // The bootstrap admin's and three sign-ups.
    entries_until(&app, &admin, "type=user.created", "three sign-ups", |d| d.len() == 4).await;
    let before = settled(&app, &admin).await;
    assert_eq!(before["valid"], true, "{before}");
    let n = before["head_seq"].as_i64().unwrap();
    assert!(n >= 8, "{before}");

    // Someone with database access changes the personal data kept apart from an entry: its
    // commitment no longer matches.
    let personal = app
        .count("audit", "SELECT min(e.seq) AS n FROM audit_pii p JOIN audit_entries e ON e.id = p.entry_id")
        .await;
    sql(&app, &format!("UPDATE audit_pii SET ip = '198.51.100.66' WHERE entry_id = (SELECT id FROM audit_entries WHERE seq = {personal})")).await;
    let report = verify(&app, &admin).await;
    assert_eq!(report["first_broken"]["seq"], personal, "{report}");
    assert_eq!(report["first_broken"]["reason"], "personal_data_mismatch");
    // Erasing it is no fault: the entry still verifies.
    sql(
        &app,
        &format!(
            "DELETE FROM audit_pii WHERE entry_id = (SELECT id FROM audit_entries WHERE seq = {personal})"
        ),
    )
    .await;
    assert_eq!(verify(&app, &admin).await["valid"], true);

    // Someone with database access rewrites what an entry says.
    sql(&app, "UPDATE audit_entries SET data = convert_to('{\"user\":{\"email\":\"mallory@example.com\"}}', 'UTF8') WHERE seq = 4").await;
    let report = verify(&app, &admin).await;
    assert_eq!(report["valid"], false);
    assert_eq!(report["first_broken"]["seq"], 4);
    assert_eq!(report["first_broken"]["reason"], "hash_mismatch");
    assert_eq!(report["entries_checked"], 3, "entries before the break still verify");

    // ... and then recomputes that entry's hash (no key needed for SHA-256): the next link breaks.
    let entry = janua_audit_entry(&app, 4).await;
    let rehashed = janua_audit::chain::hash(&entry.fields());
    sql(&app, &format!("UPDATE audit_entries SET hash = '\\x{}' WHERE seq = 4", hex(&rehashed))).await;
    let report = verify(&app, &admin).await;
    assert_eq!(report["first_broken"]["seq"], 5);
    assert_eq!(report["first_broken"]["reason"], "prev_hash_mismatch");

    // Rewriting the whole rest of the chain consistently still fails: the head is sealed with
    // a key the database does not hold.
    let mut prev = rehashed.to_vec();
    for seq in 5..=n {
        let mut entry = janua_audit_entry(&app, seq).await;
        entry.prev_hash = prev.clone();
        let h = janua_audit::chain::hash(&entry.fields());
        sql(
            &app,
            &format!(
                "UPDATE audit_entries SET prev_hash = '\\x{}', hash = '\\x{}' WHERE seq = {seq}",
                hex(&prev),
                hex(&h)
            ),
        )
        .await;
        prev = h.to_vec();
    }
    sql(&app, &format!("UPDATE audit_chain_head SET hash = '\\x{}'", hex(&prev))).await;
    let report = verify(&app, &admin).await;
    assert_eq!(report["valid"], false);
    assert_eq!(report["first_broken"]["reason"], "head_seal_invalid");

    // A deleted entry is a missing link.
    let (app2, admin2) = TestStack::spawn_with_admin(|_| {}).await;
    app2.signup("solo@example.com", PASSWORD).await;
    // The bootstrap admin's and the sign-up.
    entries_until(&app2, &admin2, "type=user.created", "a sign-up", |d| d.len() == 2).await;
    sql(&app2, "DELETE FROM audit_entries WHERE seq = 2").await;
    let report = verify(&app2, &admin2).await;
    assert_eq!(report["first_broken"]["seq"], 2);
    assert_eq!(report["first_broken"]["reason"], "missing_entry");
}

/// The verification report once the chain has stopped growing (no events in flight).
async fn settled(app: &TestStack, admin: &str) -> Value {
    let last = std::cell::Cell::new(-1i64);
    eventually("the chain to settle", Duration::from_secs(20), || async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let report = verify(app, admin).await;
        let seq = report["head_seq"].as_i64().unwrap();
        (seq == last.replace(seq)).then_some(report)
    })
    .await
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn janua_audit_entry(app: &TestStack, seq: i64) -> janua_audit::store::Entry {
    use diesel::{QueryDsl, SelectableHelper};
    use janua_audit::store::audit_entries;
    let mut conn = app.db("audit").await;
    audit_entries::table
        .find(seq)
        .select(janua_audit::store::Entry::as_select())
        .get_result(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn organization_admins_read_their_organization_and_nothing_else() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let owner = app.person("owner@example.com").await;
    let owner_token = owner.token.as_str();
    let stranger = app.person("stranger@example.com").await;
    let stranger_token = stranger.token.as_str();
    let org_id = app.create_org_id(owner_token, "Acme").await;
    let other_id = app.create_org_id(stranger_token, "Other").await;

    let path = format!("/api/v1/audit-logs/organizations/{org_id}");
    let entries = eventually("the organization's entries", Duration::from_secs(20), || async {
        let body = json(app.get(&path, Some(owner_token)).await).await;
        let data = body["data"].as_array()?.clone();
        data.iter().any(|e| e["type"] == "organization.created").then_some(data)
    })
    .await;
    assert!(entries.iter().all(|e| e["organization_id"] == org_id));
    let id = entries[0]["id"].as_str().unwrap();
    assert_eq!(app.get(&format!("/api/v1/audit-logs/{id}"), Some(owner_token)).await.status(), 200);
    app.get(&format!("/api/v1/audit-logs?organization_id={org_id}"), Some(owner_token))
        .await
        .expect_status(200)
        .await;

    // Not another organization's, not the whole log, not someone else's entry: to a
    // stranger an organization's log does not exist (404, as in every service).
    app.get(&format!("/api/v1/audit-logs/organizations/{other_id}"), Some(owner_token))
        .await
        .expect_error(404, "NOT_FOUND")
        .await;
    app.get(&path, Some(stranger_token)).await.expect_error(404, "NOT_FOUND").await;
    app.get(&format!("/api/v1/audit-logs/{id}"), Some(stranger_token))
        .await
        .expect_error(404, "NOT_FOUND")
        .await;
    app.get("/api/v1/audit-logs", Some(owner_token)).await.expect_error(403, "FORBIDDEN").await;
    // A plain member has no audit:read.
    let member = app.person("member@example.com").await;
    app.add_member(owner_token, &org_id, &member.id, "member").await;
    app.get(&path, Some(&member.token)).await.expect_error(403, "FORBIDDEN").await;
    // The platform admin reads it all.
    assert_eq!(app.get(&path, Some(&admin)).await.status(), 200);
}

#[tokio::test]
async fn exports_stream_csv_and_json_lines_and_are_themselves_recorded() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let start = chrono::Utc::now() - chrono::Duration::minutes(5);
    for i in 0..4 {
        app.signup(&format!("export{i}@example.com"), PASSWORD).await;
    }
    // The bootstrap admin's and four sign-ups.
    entries_until(&app, &admin, "type=user.created", "four sign-ups", |d| d.len() == 5).await;
    let range = json!({
        "format": "jsonl",
        "type": "user.created",
        "from": start,
        "to": chrono::Utc::now() + chrono::Duration::minutes(5),
    });
    let resp = app.post("/api/v1/audit-logs/export", &range, Some(&admin)).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/x-ndjson");
    assert!(resp.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
    let text = resp.text().await.unwrap();
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 5);
    assert!(lines.windows(2).all(|w| w[0]["seq"].as_i64() < w[1]["seq"].as_i64()), "chain order");

    let mut csv_req = range.clone();
    csv_req["format"] = json!("csv");
    let resp = app.post("/api/audit-logs/export", &csv_req, Some(&admin)).await;
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let body = resp.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    assert_eq!(&reader.headers().unwrap()[2], "type");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| &r[2] == "user.created"));
    let data: Value = serde_json::from_str(&rows[4][13]).unwrap();
    assert!(data["user"]["email"].as_str().unwrap().starts_with("export"));

    // More than one page of the database: every entry once, in order.
    let resp = app.post("/api/v1/audit-logs/export", &json!({}), Some(&admin)).await;
    let seqs: Vec<i64> = resp
        .text()
        .await
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>());

    app.post("/api/v1/audit-logs/export", &json!({"format": "xml"}), Some(&admin))
        .await
        .expect_error(400, "VALIDATION_ERROR")
        .await;
    let user = app.signup("nosy@example.com", PASSWORD).await;
    app.post("/api/v1/audit-logs/export", &json!({}), Some(user["access_token"].as_str().unwrap()))
        .await
        .expect_error(403, "FORBIDDEN")
        .await;

    let exported =
        entries_until(&app, &admin, "type=audit.exported", "the exports on record", |d| d.len() >= 3).await;
    assert_eq!(exported[0]["source"], "audit");
    assert!(exported.iter().any(|e| e["data"]["format"] == "csv"));
}

/// A redelivered event (the consumer committed, then lost the broker before its ack reached
/// it) is recorded once.
#[tokio::test]
async fn an_event_redelivered_after_a_crash_before_the_ack_is_recorded_once() {
    let proxy = TcpProxy::broker().await;
    // Only audit talks to the broker through the proxy we cut.
    let (app, admin) =
        TestStack::spawn_with_admin(|s| s.audit.service.amqp_url = Some(proxy.proxied(&s.amqp_url))).await;
    entries_until(&app, &admin, "type=user.created", "the admin's creation", |d| d.len() == 1).await;

    // Hold the chain head: audit's next append waits inside its transaction.
    let mut blocker = app.db("audit").await;
    blocker.batch_execute("BEGIN; SELECT * FROM audit_chain_head FOR UPDATE").await.unwrap();
    let user = app.signup("crash@example.com", PASSWORD).await;
    let user_id = user["user"]["id"].as_str().unwrap().to_string();
    // Wait until audit is blocked on the lock with the event in hand.
    eventually("audit waiting on the head lock", Duration::from_secs(20), || async {
        let mut conn = app.db("audit").await;
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let n: N = diesel::sql_query(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .get_result(&mut conn)
        .await
        .ok()?;
        (n.n > 0).then_some(())
    })
    .await;
    // The broker link dies; then the transaction commits; its ack can no longer be sent.
    proxy.cut();
    blocker.batch_execute("COMMIT").await.unwrap();
    proxy.restore();

    let created =
        entries_until(&app, &admin, &format!("type=user.created&subject_id={user_id}"), "the sign-up", |d| {
            !d.is_empty()
        })
        .await;
    assert_eq!(created.len(), 1);
    // The redelivery has come and gone once the queue is empty; then there is still one entry.
    eventually("the audit queue to drain", Duration::from_secs(20), || async {
        let out = std::process::Command::new("rabbitmqctl")
            .args(["-q", "list_queues", "-p", &app.vhost, "name", "messages"])
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        text.lines()
            .any(|l| {
                let mut parts = l.split_whitespace();
                parts.next() == Some("audit") && parts.next() == Some("0")
            })
            .then_some(())
    })
    .await;
    let all = entries_until(&app, &admin, "", "the log", |_| true).await;
    let ids: std::collections::HashSet<&str> = all.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), all.len(), "no event recorded twice");
    assert_eq!(verify(&app, &admin).await["valid"], true);
}

/// The same event published twice (a relay that lost a confirm) makes one entry.
#[tokio::test]
async fn a_duplicate_event_makes_no_second_entry() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let publisher =
        janua_events::Publisher::connect(&app.settings.amqp_url, &app.settings.amqp_exchange).await.unwrap();
    let subject = uuid::Uuid::now_v7();
    let event = janua_events::Event::new("test", "user.updated", json!({"n": 1})).subject(subject);
    for _ in 0..3 {
        publisher.publish(&event.id.to_string(), &event.event_type, &event.encode()).await.unwrap();
    }
    let later = janua_events::Event::new("test", "user.updated", json!({"n": 2})).subject(subject);
    publisher.publish(&later.id.to_string(), &later.event_type, &later.encode()).await.unwrap();
    let entries =
        entries_until(&app, &admin, &format!("subject_id={subject}"), "both events", |d| d.len() >= 2).await;
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert_eq!(verify(&app, &admin).await["valid"], true);
}

/// The gateway keeps nothing durable; its one security-relevant action (clearing counters)
/// is recorded through audit before it happens.
#[tokio::test]
async fn clearing_the_counters_is_on_the_record() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    app.post("/api/v1/admin/cache/clear", &json!({}), Some(&admin)).await.expect_status(200).await;
    let entries =
        entries_until(&app, &admin, "type=admin.cache_cleared", "the record", |d| d.len() == 1).await;
    assert_eq!(entries[0]["source"], "gateway");
    assert_eq!(entries[0]["ip"], "127.0.0.1");
    let me = json(app.get("/api/v1/auth/me", Some(&admin)).await).await;
    assert_eq!(entries[0]["actor_id"], me["id"]);
}
