//! The event backbone under a broker outage: users keep signing up while RabbitMQ is
//! unreachable; afterwards every event reaches audit exactly once and each webhook endpoint
//! receives each event exactly once.

use crate::json;
use janua_testkit::tcp_proxy::TcpProxy;
use janua_testkit::webhook_receiver::WebhookReceiver;
use janua_testkit::{ExpectStatus, TestStack, eventually};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;

use janua_testkit::PASSWORD;

async fn audit_entries(app: &TestStack, admin: &str, query: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/audit-logs?limit=100&{query}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page = json(app.get(&path, Some(admin)).await).await;
        out.extend(page["data"].as_array().cloned().unwrap_or_default());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return out,
        }
    }
}

#[tokio::test]
async fn a_broker_outage_during_signups_delays_events_and_loses_none() {
    let proxy = TcpProxy::broker().await;
    let (app, admin) = TestStack::spawn_with_admin(|s| {
        // Every service reaches the broker through the proxy this test cuts.
        // A short heartbeat: a connection the cut leaves half-open on either side is noticed
        // in seconds, not after RabbitMQ's default minute.
        s.amqp_url = format!("{}?heartbeat=5", proxy.proxied(&s.amqp_url));
        // This test is about the broker, not the retry schedule: a delivery attempt that
        // fails on a loaded machine is tried again within seconds, not the default 30 s.
        s.webhooks.retry_base_ms = 300;
        s.webhooks.retry_max_ms = 2_000;
    })
    .await;
    let receivers = [WebhookReceiver::start().await, WebhookReceiver::start().await];
    for r in &receivers {
        app.post("/api/v1/webhooks", &json!({"url": r.url(), "events": ["user.created"]}), Some(&admin))
            .await
            .expect_status(201)
            .await;
    }
    app.wait_until_attached().await;

    // The broker goes away; sign-ups still succeed (their events wait in the outboxes).
    proxy.cut();
    let mut emails = Vec::new();
    for i in 0..15 {
        let email = format!("outage{i}@example.com");
        app.signup(&email, PASSWORD).await;
        emails.push(email);
    }
    // Every service stays ready (the outbox holds the events); the outage shows in their reports.
    assert_eq!(app.get("/api/v1/health/ready", None).await.status(), 200, "the gateway stays ready");
    for (name, url) in app.service_urls() {
        let resp = app.http.get(format!("{url}/api/v1/health/ready")).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{name} stays ready without the broker");
    }
    let identity = eventually("identity reports the broker down", Duration::from_secs(20), || async {
        let report = app.service_health(&app.settings.identity.url).await;
        (report["status"] == "degraded").then_some(report)
    })
    .await;
    assert!(identity["outbox"]["unsent"].as_i64().unwrap() >= 1, "{identity}");
    proxy.restore();
    // More sign-ups while the services reconnect, and a second cut in the middle of them.
    for i in 15..30 {
        if i == 22 {
            proxy.cut();
        }
        if i == 26 {
            proxy.restore();
        }
        let email = format!("outage{i}@example.com");
        app.signup(&email, PASSWORD).await;
        emails.push(email);
    }

    // Audit: each sign-up's user.created exactly once, and the chain verifies.
    let created = eventually("every sign-up in the audit log", Duration::from_secs(120), || async {
        let entries = audit_entries(&app, &admin, "type=user.created").await;
        (entries.len() > emails.len()).then_some(entries)
    })
    .await;
    let mut per_email: HashMap<String, usize> = HashMap::new();
    for e in &created {
        let email = e["data"]["user"]["email"].as_str().unwrap().to_string();
        *per_email.entry(email).or_default() += 1;
    }
    for email in &emails {
        assert_eq!(per_email.get(email), Some(&1), "{email} recorded once");
    }
    let all = audit_entries(&app, &admin, "").await;
    let mut ids: Vec<&str> = all.iter().map(|e| e["id"].as_str().unwrap()).collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "no event recorded twice");
    let report = json(app.get("/api/v1/audit-logs/verify", Some(&admin)).await).await;
    assert_eq!(report["valid"], true, "{report}");

    // Webhooks: each endpoint got each sign-up once (by webhook-id and by email).
    for r in &receivers {
        let got = eventually("every sign-up delivered", Duration::from_secs(120), || async {
            let requests = r.requests();
            let emails_seen: Vec<String> = requests
                .iter()
                .filter(|q| q.json()["type"] == "user.created")
                .filter_map(|q| q.json()["data"]["user"]["email"].as_str().map(str::to_owned))
                .filter(|e| e.starts_with("outage"))
                .collect();
            (emails_seen.len() >= emails.len()).then_some(requests)
        })
        .await;
        let mut by_id: HashMap<String, usize> = HashMap::new();
        for q in got.iter().filter(|q| q.json()["type"] == "user.created") {
            *by_id.entry(q.header("webhook-id").unwrap().to_string()).or_default() += 1;
        }
        assert!(by_id.values().all(|&c| c == 1), "one delivery per event per endpoint");
        let outage = got
            .iter()
            .filter(|q| q.json()["data"]["user"]["email"].as_str().is_some_and(|e| e.starts_with("outage")))
            .count();
        assert_eq!(outage, emails.len());
    }
}
