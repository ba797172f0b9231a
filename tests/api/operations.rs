//! What an operator sees: Prometheus metrics on the management listener (never through the
//! gateway) and one access-log line per request.

use janua_testkit::{ExpectStatus, PASSWORD, TestStack, eventually};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The value of the first sample of `metric` whose labels include every one of `labels`.
fn sample(scrape: &str, metric: &str, labels: &[(&str, &str)]) -> Option<f64> {
    scrape.lines().filter(|l| !l.starts_with('#')).find_map(|line| {
        let (series, value) = line.rsplit_once(' ')?;
        let (name, rest) = series.split_once('{').unwrap_or((series, ""));
        if name != metric {
            return None;
        }
        let all = labels.iter().all(|(k, v)| rest.contains(&format!("{k}=\"{v}\"")));
        all.then(|| value.parse().ok()).flatten()
    })
}

#[tokio::test]
async fn every_service_reports_its_requests_and_what_on_call_alerts_on() {
    let app = TestStack::spawn().await;
    app.wait_until_attached().await;
    let ada = app.signup("ada@example.com", PASSWORD).await;
    app.signin("ada@example.com", "not her password").await.expect_error(401, "INVALID_CREDENTIALS").await;
    app.signin("ada@example.com", PASSWORD).await.expect_status(200).await;
    let me = format!("/api/v1/users/{}", ada["user"]["id"].as_str().unwrap());
    app.get(&me, ada["access_token"].as_str()).await.expect_status(200).await;
    app.get("/api/v1/no/such/route/abc123", None).await.expect_status(404).await;
    // The gateway does not route the metrics: they are on the management port only.
    app.get("/metrics", None).await.expect_status(404).await;

    let scrape = eventually("the sign-up's events handled", Duration::from_secs(20), || async {
        let scrape = app.metrics().await;
        sample(&scrape, "janua_events_consumed_total", &[("queue", "audit"), ("outcome", "handled")])
            .is_some()
            .then_some(scrape)
    })
    .await;
    let count = |metric: &str, labels: &[(&str, &str)]| sample(&scrape, metric, labels).unwrap_or(0.0);
    // Per route template (never the path as sent), method and status, at the gateway and at
    // the service that answered.
    for service in ["gateway", "auth"] {
        let signup =
            [("service", service), ("route", "/api/v1/auth/signup"), ("method", "POST"), ("status", "201")];
        assert_eq!(count("janua_http_requests_total", &signup), 1.0, "{service}: {scrape}");
        let timed = [("service", service), ("route", "/api/v1/auth/signup"), ("le", "+Inf")];
        assert_eq!(count("janua_http_request_duration_seconds_bucket", &timed), 1.0, "{service}");
    }
    let user = [("service", "identity"), ("route", "/api/v1/users/{user_id}"), ("status", "200")];
    assert_eq!(count("janua_http_requests_total", &user), 1.0);
    assert!(!scrape.contains(ada["user"]["id"].as_str().unwrap()), "no identifier becomes a label");
    assert!(!scrape.contains("abc123"), "a made-up path is not a label");
    assert_eq!(count("janua_http_requests_total", &[("service", "gateway"), ("route", "unmatched")]), 2.0);
    // Sign-ins by method and outcome.
    assert_eq!(count("janua_signins_total", &[("method", "password"), ("outcome", "failure")]), 1.0);
    assert!(count("janua_signins_total", &[("method", "password"), ("outcome", "success")]) >= 1.0);
    // Passwords, events, pools, keys.
    assert!(sample(&scrape, "janua_argon2_wait_seconds_count", &[("lane", "verify")]).is_some());
    assert!(sample(&scrape, "janua_argon2_queue_depth", &[("lane", "hash")]).is_some());
    for service in ["auth", "identity", "org", "audit", "webhooks", "enterprise"] {
        assert!(sample(&scrape, "janua_outbox_unsent", &[("service", service)]).is_some(), "{service}");
        assert!(sample(&scrape, "janua_outbox_oldest_unsent_seconds", &[("service", service)]).is_some());
        assert_eq!(
            count("janua_broker_link_up", &[("service", service), ("link", "relay")]),
            1.0,
            "{service}"
        );
        assert!(count("janua_db_pool_max_connections", &[("service", service)]) >= 1.0);
        assert!(
            sample(&scrape, "janua_db_pool_connections", &[("service", service), ("state", "idle")])
                .is_some()
        );
    }
    assert!(count("janua_outbox_published_total", &[("service", "identity")]) >= 1.0);
    assert!(sample(&scrape, "janua_event_consumer_lag_seconds_count", &[("queue", "audit")]).is_some());
    assert!(sample(&scrape, "janua_mail_queue_depth", &[]).is_some());
    assert!(sample(&scrape, "janua_webhook_endpoints_disabled", &[]).is_some());
    assert!(sample(&scrape, "janua_websocket_connections", &[]).is_some());
    let key_age = count("janua_signing_key_age_seconds", &[]);
    assert!((0.0..3600.0).contains(&key_age), "a fresh key: {key_age}");
    assert!(scrape.contains("# HELP janua_http_requests_total"), "described");
    assert!(scrape.contains("# TYPE janua_http_request_duration_seconds histogram"));
}

#[tokio::test]
async fn the_metrics_port_answers_nothing_else() {
    let app = TestStack::spawn().await;
    let resp = app.http.get(format!("{}/api/v1/health", app.metrics_url)).send().await.unwrap();
    assert_eq!(resp.status(), 404);
    let resp = app.http.get(format!("{}/metrics", app.metrics_url)).send().await.unwrap();
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
}

/// Where the test's access-log lines go.
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Lines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn each_request_leaves_one_json_access_line_without_secrets() {
    use tracing_subscriber::prelude::*;
    let lines = Lines::default();
    let writer = lines.clone();
    // This process's subscriber (the stack's own init keeps the first one): JSON, as
    // `log.format = "json"` writes it, for the access log only.
    tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().json().with_writer(move || writer.clone()).with_filter(
            tracing_subscriber::filter::Targets::new().with_target("janua::access", tracing::Level::INFO),
        ))
        .init();
    let app = TestStack::spawn().await;
    let ada = app.signup("ada@example.com", PASSWORD).await;
    let user_id = ada["user"]["id"].as_str().unwrap().to_string();
    let secret = "c2VjcmV0LXRva2VuLXRoYXQtbXVzdC1ub3QtYmUtbG9nZ2Vk";
    let resp = app
        .http
        .get(app.url(&format!(
            "/api/v1/compliance/privacy/data-export/{}/download?token={secret}",
            uuid::Uuid::new_v4()
        )))
        .header("x-request-id", "trace-me-1")
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_client_error() || resp.status().is_success());
    app.http
        .get(app.url("/api/v1/auth/me"))
        .bearer_auth(ada["access_token"].as_str().unwrap())
        .header("x-request-id", "trace-me-2")
        .send()
        .await
        .unwrap()
        .expect_status(200)
        .await;
    let parsed = eventually("the access lines", Duration::from_secs(5), || async {
        let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        let parsed: Vec<serde_json::Value> =
            text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
        (parsed.iter().filter(|l| l["fields"]["request_id"] == "trace-me-2").count() >= 2)
            .then_some((text, parsed))
    })
    .await;
    let (text, parsed) = parsed;
    assert!(!text.contains(secret), "a token in the query never reaches the log");
    assert!(!text.contains(ada["access_token"].as_str().unwrap()));
    // One line at the gateway and one at the service for each request.
    let me: Vec<&serde_json::Value> =
        parsed.iter().filter(|l| l["fields"]["request_id"] == "trace-me-2").collect();
    assert_eq!(me.len(), 2, "{me:?}");
    for line in &me {
        assert_eq!(line["target"], "janua::access");
        assert_eq!(line["fields"]["method"], "GET");
        assert_eq!(line["fields"]["route"], "/api/v1/auth/me");
        assert_eq!(line["fields"]["status"], 200);
        assert_eq!(line["fields"]["user_id"], user_id.as_str());
        assert!(line["fields"]["latency_ms"].as_f64().unwrap() >= 0.0);
    }
    let services: Vec<&str> = me.iter().filter_map(|l| l["fields"]["service"].as_str()).collect();
    assert!(services.contains(&"gateway") && services.contains(&"identity"), "{services:?}");
    let verify = parsed.iter().find(|l| l["fields"]["request_id"] == "trace-me-1").unwrap();
    assert_eq!(verify["fields"]["route"], "/api/v1/compliance/privacy/data-export/{export_id}/download");
}

/// Redis restarted empty (here: this stack's keys deleted): the revocation set is written back
/// from PostgreSQL, and in the meantime no token is taken on trust. A suspended user's, a
/// signed-out session's and a deleted user's unexpired tokens are never accepted.
#[tokio::test]
async fn after_redis_loses_everything_revoked_tokens_stay_refused() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let [ada, bob, carol, dave] =
        app.people(["ada@example.com", "bob@example.com", "carol@example.com", "dave@example.com"]).await;
    app.post(&format!("/api/v1/admin/users/{}/suspend", ada.id), &serde_json::json!({}), Some(&admin))
        .await
        .expect_status(200)
        .await;
    app.post("/api/v1/auth/signout", &serde_json::json!({}), Some(&bob.token)).await.expect_status(204).await;
    app.delete(&format!("/api/v1/admin/users/{}/force-delete", carol.id), Some(&admin))
        .await
        .expect_status(204)
        .await;
    for refused in [&ada, &bob, &carol] {
        app.assert_token_refused(Some(&refused.token)).await;
    }

    // Everything this stack keeps in Redis goes: revocations, markers, rate limits.
    let mut redis = app.redis().await;
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{}:*", app.settings.redis_prefix))
        .query_async(&mut redis)
        .await
        .unwrap();
    assert!(keys.iter().any(|k| k.contains(":revoked:")), "{keys:?}");
    let _: () = redis::cmd("DEL").arg(&keys).query_async(&mut redis).await.unwrap();

    // Until the set is whole again, a token is refused (503, Retry-After) or, once restored,
    // refused for what it is (401); never accepted.
    for (who, person) in [("suspended", &ada), ("signed out", &bob), ("deleted", &carol)] {
        eventually(who, Duration::from_secs(15), || async {
            let resp = app.get("/api/v1/auth/me", Some(&person.token)).await;
            match resp.status().as_u16() {
                401 => Some(()),
                503 => {
                    assert!(resp.headers().contains_key("retry-after"));
                    None
                }
                other => panic!("{who}: a revoked token answered {other} after Redis lost the set"),
            }
        })
        .await;
    }
    // Straight at a service too (no gateway in front).
    let resp = app
        .http
        .get(format!("{}/api/v1/auth/me", app.identity_url))
        .bearer_auth(&ada.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    app.get("/api/v1/auth/me", Some(&dave.token)).await.expect_status(200).await;
}

/// With `otel.endpoint` set, one sign-up is one trace: the client's context is the gateway's
/// parent, the gateway the service's, auth's call to identity, the events' consumers (audit,
/// webhooks, the live feed) and the webhook delivery all join it, and the receiver gets the
/// `traceparent` too.
#[tokio::test]
async fn one_sign_up_is_one_trace_from_the_gateway_to_the_webhook() {
    use janua_testkit::otlp::OtlpReceiver;
    use janua_testkit::webhook_receiver::WebhookReceiver;
    let collector = OtlpReceiver::start().await;
    let receiver = WebhookReceiver::start().await;
    let (app, admin) = TestStack::spawn_with_admin(|s| {
        s.otel.endpoint = Some(collector.endpoint().to_string());
        s.otel.export_delay_ms = 200;
    })
    .await;
    app.post(
        "/api/v1/webhooks",
        &serde_json::json!({"url": receiver.url(), "events": ["user.created"]}),
        Some(&admin),
    )
    .await
    .expect_status(201)
    .await;
    app.wait_until_attached().await;
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let client_span = "00f067aa0ba902b7";
    app.http
        .post(app.url("/api/v1/auth/signup"))
        .header("traceparent", format!("00-{trace_id}-{client_span}-01"))
        .json(&serde_json::json!({"email": "ada@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .expect_status(201)
        .await;

    let spans = eventually("the sign-up's trace", Duration::from_secs(30), || async {
        let spans: Vec<_> = collector.spans().into_iter().filter(|s| s.trace_id == trace_id).collect();
        let has = |f: &dyn Fn(&janua_testkit::otlp::ReceivedSpan) -> bool| spans.iter().any(f);
        let complete = has(&|s| s.attribute("janua.service") == Some("identity"))
            && has(&|s| s.attribute("messaging.destination.name") == Some("audit"))
            && has(&|s| s.attribute("messaging.destination.name") == Some("webhooks"))
            && has(&|s| s.attribute("messaging.destination.name") == Some("live-feed"))
            && has(&|s| s.name == "webhook delivery")
            // Each process exports its spans in batches of its own: the requests' spans too.
            && ["gateway", "auth"].iter().all(|service| {
                has(&|s| {
                    s.attribute("janua.service") == Some(*service)
                        && s.attribute("http.route") == Some("/api/v1/auth/signup")
                })
            });
        complete.then_some(spans)
    })
    .await;
    let request = |service: &str| {
        spans
            .iter()
            .find(|s| {
                s.attribute("janua.service") == Some(service)
                    && s.attribute("http.route") == Some("/api/v1/auth/signup")
            })
            .unwrap_or_else(|| panic!("{service}'s span of the sign-up: {spans:#?}"))
    };
    let (gateway, auth) = (request("gateway"), request("auth"));
    assert_eq!(gateway.name, "POST /api/v1/auth/signup");
    assert_eq!(gateway.parent_span_id, client_span, "the client's context is the gateway's parent");
    assert_eq!(gateway.attribute("http.response.status_code"), Some("201"));
    assert_eq!(auth.parent_span_id, gateway.span_id, "the gateway is the service's parent");
    // Auth's internal call: identity's span hangs under a span of auth's.
    let identity = spans.iter().find(|s| s.attribute("janua.service") == Some("identity")).unwrap();
    assert!(spans.iter().any(|s| s.span_id == identity.parent_span_id && s.attribute("janua.service") != Some("identity")));
    let audit = spans.iter().find(|s| s.attribute("messaging.destination.name") == Some("audit")).unwrap();
    assert_eq!(audit.attribute("event.type"), Some("user.created"));
    assert!(spans.iter().any(|s| s.span_id == audit.parent_span_id), "the consumer's parent is in the trace");
    assert!(spans.iter().all(|s| s.service_name == "janua"));
    // The receiver can join the trace too.
    let delivered = eventually("the delivery", Duration::from_secs(15), || async {
        receiver.requests().into_iter().find(|r| {
            r.json()["type"] == "user.created" && r.json()["data"]["user"]["email"] == "ada@example.com"
        })
    })
    .await;
    let traceparent = delivered.header("traceparent").expect("a traceparent on the delivery").to_string();
    assert!(traceparent.starts_with(&format!("00-{trace_id}-")), "{traceparent}");
}

/// Stopping as on SIGTERM, in the middle of sign-ups: no sign-up that got its 201 is lost, and
/// every event their requests wrote has been published before the services are gone.
#[tokio::test]
async fn a_graceful_stop_mid_load_loses_no_answered_request_and_no_event() {
    let mut app = TestStack::spawn().await;
    app.wait_until_attached().await;
    let answered = Arc::new(Mutex::new(Vec::new()));
    let mut load = Vec::new();
    for i in 0..40 {
        let (http, url, answered) = (app.http.clone(), app.url("/api/v1/auth/signup"), answered.clone());
        load.push(tokio::spawn(async move {
            let email = format!("load{i}@example.com");
            let body = serde_json::json!({"email": email, "password": PASSWORD});
            let status = http.post(url).json(&body).send().await.map(|r| r.status().as_u16()).unwrap_or(0);
            answered.lock().unwrap().push((email, status));
        }));
    }
    // Some have been answered, the rest are in flight or not yet sent.
    eventually("the first answers", Duration::from_secs(30), || async {
        (answered.lock().unwrap().len() >= 3).then_some(())
    })
    .await;
    app.shut_down().await;
    for task in load {
        task.await.unwrap();
    }
    let answered = answered.lock().unwrap().clone();
    let created: Vec<&String> = answered.iter().filter(|(_, s)| *s == 201).map(|(e, _)| e).collect();
    assert!(created.len() >= 3, "{answered:?}");
    for email in &created {
        let sql = format!("SELECT count(*) AS n FROM users WHERE email = '{email}'");
        assert_eq!(app.count("identity", &sql).await, 1, "{email} answered 201 and exists");
        let sql = format!(
            "SELECT count(*) AS n FROM outbox WHERE event_type = 'user.created' \
             AND published_at IS NOT NULL AND position('{email}' in convert_from(payload, 'LATIN1')) > 0"
        );
        assert_eq!(app.count("identity", &sql).await, 1, "{email}'s user.created was published");
    }
    for schema in ["auth", "identity", "org", "audit", "webhooks", "enterprise"] {
        let waiting = app.count(schema, "SELECT count(*) AS n FROM outbox WHERE published_at IS NULL").await;
        assert_eq!(waiting, 0, "{schema}'s outbox flushed at the stop");
    }
}

/// Past the gateway's bound, requests are shed at once with 503 and `Retry-After`, never
/// queued; its own answers (the probes) are not counted against it.
#[tokio::test]
async fn past_the_proxy_bound_requests_are_shed_with_retry_after() {
    let app = TestStack::spawn_with(|s| s.gateway.max_in_flight = 1).await;
    let attempts = (0..20).map(|i| {
        let (http, url) = (app.http.clone(), app.url("/api/v1/auth/signup"));
        async move {
            let body = serde_json::json!({"email": format!("burst{i}@example.com"), "password": PASSWORD});
            let resp = http.post(url).json(&body).send().await.unwrap();
            let retry = resp.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string());
            let status = resp.status().as_u16();
            let code = resp.json::<serde_json::Value>().await.unwrap()["error"]["code"].clone();
            (status, retry, code)
        }
    });
    let answers = futures::future::join_all(attempts).await;
    let shed: Vec<_> = answers.iter().filter(|(s, _, _)| *s == 503).collect();
    assert!(!shed.is_empty(), "20 at once through one place: {answers:?}");
    for (_, retry, code) in &shed {
        assert_eq!(retry.as_deref(), Some("1"));
        assert_eq!(code, "SERVICE_UNAVAILABLE");
    }
    assert!(answers.iter().all(|(s, _, _)| *s == 201 || *s == 503), "{answers:?}");
    assert_eq!(app.get("/api/v1/health/ready", None).await.status(), 200);
    let scrape = app.metrics().await;
    let line = scrape
        .lines()
        .find(|l| l.starts_with("janua_shed_requests_total{") && l.contains("queue=\"proxy\""))
        .expect("the shed requests counted");
    assert!(line.ends_with(&format!(" {}", shed.len())), "{line}");
}
