//! Webhooks through the gateway: endpoints and their secrets, signed deliveries to a real
//! receiver on loopback, retries with their history, the SSRF guard, organization scoping,
//! secret rotation, test pings, redelivery, auto-disable and idempotent consumption.

use crate::json;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use janua_testkit::webhook_receiver::{ReceivedRequest, Reply, WebhookReceiver};
use janua_testkit::{ExpectStatus, Person, TestStack, eventually};
use serde_json::{Value, json};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

async fn create_webhook(app: &TestStack, token: &str, body: Value) -> Value {
    let resp = app.post("/api/v1/webhooks", &body, Some(token)).await;
    assert_eq!(resp.status(), 201, "creating a webhook");
    json(resp).await
}

/// A receiver, and an endpoint the holder of `token` made that sends it `events`.
async fn hook_to_new_receiver(app: &TestStack, token: &str, events: Value) -> (WebhookReceiver, Value) {
    let receiver = WebhookReceiver::start().await;
    let hook = create_webhook(app, token, json!({ "url": receiver.url(), "events": events })).await;
    (receiver, hook)
}

async fn invite(app: &TestStack, org: &str, by: &Person, email: &str) {
    app.post(
        &format!("/api/v1/invitations/organizations/{org}/invitations"),
        &json!({ "email": email, "role": "member" }),
        Some(&by.token),
    )
    .await
    .expect_status(201)
    .await;
}

async fn deliveries(app: &TestStack, webhook: &str, token: &str) -> Vec<Value> {
    let resp = app.get(&format!("/api/v1/webhooks/{webhook}/deliveries"), Some(token)).await;
    assert_eq!(resp.status(), 200);
    json(resp).await["data"].as_array().unwrap().clone()
}

/// Verifies a delivery the way a receiver would with any Standard Webhooks library: the
/// HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` under the base64 key after
/// `whsec_`, against each `v1,` entry of `webhook-signature`.
fn verifies(secret: &str, req: &ReceivedRequest) -> bool {
    let key = STANDARD.decode(secret.strip_prefix("whsec_").expect("a whsec_ secret")).unwrap();
    let id = req.header("webhook-id").expect("webhook-id");
    let timestamp = req.header("webhook-timestamp").expect("webhook-timestamp");
    let sent_at: i64 = timestamp.parse().expect("unix seconds");
    assert!((chrono::Utc::now().timestamp() - sent_at).abs() < 300, "a fresh timestamp");
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(&req.body);
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    req.header("webhook-signature").expect("webhook-signature").split(' ').any(|s| s == expected)
}

fn of_type<'a>(requests: &'a [ReceivedRequest], event_type: &str) -> Vec<&'a ReceivedRequest> {
    requests.iter().filter(|r| r.json()["type"] == event_type).collect()
}

#[tokio::test]
async fn a_signup_reaches_a_matching_endpoint_signed_and_the_secret_is_shown_once() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let (matching, other) = (WebhookReceiver::start().await, WebhookReceiver::start().await);
    let hook = create_webhook(
        &app,
        &admin,
        json!({ "url": matching.url(), "events": ["user.created"], "description": "users" }),
    )
    .await;
    let secret = hook["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"));
    assert_eq!(STANDARD.decode(&secret[6..]).unwrap().len(), 32);
    assert_eq!(hook["events"], json!(["user.created"]));
    assert_eq!(hook["enabled"], true);
    assert!(hook["organization_id"].is_null());
    let id = hook["id"].as_str().unwrap();
    let unmatched = create_webhook(
        &app,
        &admin,
        json!({ "url": other.url(), "events": ["organization.*", "session.revoked"] }),
    )
    .await;

    let read = json(app.get(&format!("/api/v1/webhooks/{id}"), Some(&admin)).await).await;
    assert!(read.get("secret").is_none(), "{read}");
    assert_eq!(read["description"], "users");
    let listed = json(app.get("/api/v1/webhooks", Some(&admin)).await).await;
    let listed = listed["data"].as_array().unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|w| w.get("secret").is_none()));
    assert!(!listed.iter().any(|w| w.to_string().contains(&secret)));

    app.wait_for_consumer("webhooks").await;
    let ada = app.person("ada@example.com").await;
    let got = eventually("ada's user.created at the receiver", WAIT, || async {
        matching
            .requests()
            .into_iter()
            .find(|r| r.json()["type"] == "user.created" && r.json()["data"].to_string().contains(&ada.id))
    })
    .await;
    assert!(verifies(&secret, &got), "the signature verifies with the shown secret");
    let body = got.json();
    assert_eq!(got.header("webhook-id").unwrap(), body["id"].as_str().unwrap());
    assert!(body["occurred_at"].as_str().is_some());
    assert!(body["data"].to_string().contains("ada@example.com"));
    assert_eq!(got.method, "POST");
    assert_eq!(got.header("content-type"), Some("application/json"));
    assert!(got.header("user-agent").unwrap().starts_with("Janua-Webhooks/"));

    let history = eventually("a succeeded delivery", WAIT, || async {
        let list = deliveries(&app, id, &admin).await;
        list.into_iter().find(|d| d["event_id"] == body["id"] && d["status"] == "succeeded")
    })
    .await;
    assert_eq!(history["event_type"], "user.created");
    assert_eq!(history["attempts"], 1);
    assert_eq!(history["response_status"], 200);
    assert_eq!(history["attempts_detail"][0]["response_status"], 200);
    assert_eq!(history["attempts_detail"][0]["response_excerpt"], "ok");

    // Both deliveries are made in the same transaction: the other endpoint got none.
    let unmatched_id = unmatched["id"].as_str().unwrap();
    assert!(deliveries(&app, unmatched_id, &admin).await.is_empty());
    assert!(other.requests().is_empty());
}

#[tokio::test]
async fn a_receiver_failing_three_times_gets_the_event_on_the_fourth_attempt() {
    let app = TestStack::spawn_with(|s| {
        s.webhooks.retry_base_ms = 20;
        s.webhooks.retry_max_ms = 200;
    })
    .await;
    let ada = app.person("ada@example.com").await;
    let org = app.create_org_id(&ada.token, "Acme").await;
    let receiver = WebhookReceiver::start().await;
    receiver.answer_next([500, 500, 500]);
    let hook = create_webhook(
        &app,
        &ada.token,
        json!({ "url": receiver.url(), "events": ["invitation.created"], "organization_id": org }),
    )
    .await;
    assert_eq!(hook["organization_id"], org.as_str());
    let id = hook["id"].as_str().unwrap();
    app.wait_for_consumer("webhooks").await;
    invite(&app, &org, &ada, "bob@example.com").await;

    let got = receiver.wait_for(4, WAIT).await;
    assert_eq!(got.iter().map(|r| r.answered).collect::<Vec<_>>(), vec![500, 500, 500, 200]);
    let webhook_id = got[0].header("webhook-id").unwrap();
    assert!(got.iter().all(|r| r.header("webhook-id") == Some(webhook_id)), "one id on every retry");
    assert!(got.iter().all(|r| r.body == got[0].body), "the same bytes every time");
    assert!(got.iter().all(|r| verifies(hook["secret"].as_str().unwrap(), r)));
    assert_eq!(got[0].json()["data"]["email"], "bob@example.com");

    let delivery = eventually("the delivery settled", WAIT, || async {
        let list = deliveries(&app, id, &ada.token).await;
        list.into_iter().find(|d| d["status"] == "succeeded")
    })
    .await;
    assert_eq!(delivery["attempts"], 4);
    assert_eq!(delivery["response_status"], 200);
    assert!(delivery["next_attempt_at"].is_null());
    let attempts = delivery["attempts_detail"].as_array().unwrap();
    assert_eq!(
        attempts.iter().map(|a| a["response_status"].clone()).collect::<Vec<_>>(),
        vec![json!(500), json!(500), json!(500), json!(200)]
    );
    assert_eq!(
        attempts.iter().map(|a| a["attempt"].clone()).collect::<Vec<_>>(),
        vec![json!(1), json!(2), json!(3), json!(4)]
    );
    assert!(attempts[0]["response_excerpt"].as_str().unwrap().contains("answered 500"));
    assert!(attempts.iter().all(|a| a["latency_ms"].as_i64().unwrap() >= 0 && a["error"].is_null()));
    assert_eq!(receiver.requests().len(), 4, "nothing after the success");
}

#[tokio::test]
async fn urls_into_internal_networks_are_refused_at_creation_and_at_delivery() {
    let (app, admin) = TestStack::spawn_with_admin(|s| s.outbound.allowed_networks = String::new()).await;
    let receiver = WebhookReceiver::start().await;
    let port = receiver.base().rsplit(':').next().unwrap().to_string();
    for url in [
        receiver.url(),
        format!("http://localhost:{port}/hook"),
        "http://10.0.0.1/".to_string(),
        "http://192.168.1.10/".to_string(),
        "http://169.254.169.254/latest/meta-data".to_string(),
        "http://[::1]/".to_string(),
        "http://[::ffff:127.0.0.1]/".to_string(),
        "http://0x7f000001/".to_string(),
    ] {
        let resp = app.post("/api/v1/webhooks", &json!({ "url": url, "events": ["*"] }), Some(&admin)).await;
        let body = resp.expect_error(400, "VALIDATION_ERROR").await;
        assert_eq!(body["error"]["details"]["field"], "url", "{url}");
    }
    for url in ["ftp://example.com/", "https://user:pw@example.com/", "not a url"] {
        let resp = app.post("/api/v1/webhooks", &json!({ "url": url, "events": ["*"] }), Some(&admin)).await;
        let body = resp.expect_error(400, "VALIDATION_ERROR").await;
        assert_eq!(body["error"]["details"]["field"], "url", "{url}");
    }

    // A name that pointed somewhere public when the endpoint was saved and at loopback now
    // (DNS rebinding) is refused when the delivery connects.
    let hook = create_webhook(
        &app,
        &admin,
        json!({ "url": "http://93.184.216.34/hook", "events": ["user.created"] }),
    )
    .await;
    let id = hook["id"].as_str().unwrap();
    {
        use diesel_async::RunQueryDsl;
        let mut conn = app.db("webhooks").await;
        diesel::sql_query(format!(
            "UPDATE endpoints SET url = 'http://localhost:{port}/hook' WHERE id = '{id}'"
        ))
        .execute(&mut conn)
        .await
        .unwrap();
    }
    app.post(&format!("/api/v1/webhooks/{id}/test"), &json!({}), Some(&admin)).await.expect_status(202).await;
    let attempt = eventually("a refused attempt", WAIT, || async {
        let list = deliveries(&app, id, &admin).await;
        list.first().and_then(|d| d["attempts_detail"].as_array().and_then(|a| a.first().cloned()))
    })
    .await;
    assert!(attempt["response_status"].is_null());
    assert!(attempt["error"].as_str().unwrap().contains("may not reach"), "{attempt}");
    assert!(receiver.requests().is_empty(), "the receiver on loopback was never reached");
}

#[tokio::test]
async fn organization_endpoints_are_for_its_managers_and_get_only_its_events() {
    let app = TestStack::spawn().await;
    let [ada, bob, carol] = app.people(["ada@example.com", "bob@example.com", "carol@example.com"]).await;
    let org = app.create_org_id(&ada.token, "Acme").await;
    app.add_member(&ada.token, &org, &bob.id, "member").await;
    let (acme_receiver, globex_receiver) = (WebhookReceiver::start().await, WebhookReceiver::start().await);
    let hook = create_webhook(
        &app,
        &ada.token,
        json!({ "url": acme_receiver.url(), "events": ["invitation.*"], "organization_id": org }),
    )
    .await;
    let id = hook["id"].as_str().unwrap();
    let path = format!("/api/v1/webhooks/{id}");

    // Platform-wide endpoints are for platform admins.
    let resp = app
        .post("/api/v1/webhooks", &json!({ "url": acme_receiver.url(), "events": ["*"] }), Some(&ada.token))
        .await;
    resp.expect_error(403, "FORBIDDEN").await;
    // A member without webhooks:manage: 403; an outsider: 404, as if nothing were there.
    let create_in_org = json!({ "url": acme_receiver.url(), "events": ["*"], "organization_id": org });
    app.post("/api/v1/webhooks", &create_in_org, Some(&bob.token)).await.expect_error(403, "FORBIDDEN").await;
    app.post("/api/v1/webhooks", &create_in_org, Some(&carol.token))
        .await
        .expect_error(404, "NOT_FOUND")
        .await;
    app.get(&path, Some(&bob.token)).await.expect_error(403, "FORBIDDEN").await;
    app.get(&path, Some(&carol.token)).await.expect_error(404, "NOT_FOUND").await;
    let change = json!({ "enabled": false });
    app.put(&path, &change, Some(&carol.token)).await.expect_error(404, "NOT_FOUND").await;
    app.delete(&path, Some(&bob.token)).await.expect_error(403, "FORBIDDEN").await;
    app.get(&format!("{path}/deliveries"), Some(&carol.token)).await.expect_error(404, "NOT_FOUND").await;
    let scoped = format!("/api/v1/webhooks?organization_id={org}");
    app.get(&scoped, Some(&bob.token)).await.expect_error(403, "FORBIDDEN").await;
    app.get(&scoped, Some(&carol.token)).await.expect_error(404, "NOT_FOUND").await;
    let carols = json(app.get("/api/v1/webhooks", Some(&carol.token)).await).await;
    assert_eq!(carols["data"], json!([]));
    let listed = json(app.get(&scoped, Some(&ada.token)).await).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    assert_eq!(listed["data"][0]["id"], id);
    let mine = json(app.get("/api/v1/webhooks", Some(&ada.token)).await).await;
    assert_eq!(mine["data"][0]["id"], id);

    // Made an admin of the organization, bob may manage its webhooks.
    app.set_member_role(&ada.token, &org, &bob.id, "admin").await.expect_status(200).await;
    let resp = app.put(&path, &json!({ "description": "by bob" }), Some(&bob.token)).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(json(resp).await["description"], "by bob");

    // Each organization's endpoint gets its own organization's events only.
    let globex = app.create_org_id(&carol.token, "Globex").await;
    create_webhook(
        &app,
        &carol.token,
        json!({ "url": globex_receiver.url(), "events": ["invitation.*"], "organization_id": globex }),
    )
    .await;
    app.wait_for_consumer("webhooks").await;
    invite(&app, &org, &ada, "dave@example.com").await;
    let got = acme_receiver.wait_for_event("invitation.created", WAIT).await;
    assert_eq!(got.json()["data"]["organization_id"], org.as_str());
    invite(&app, &globex, &carol, "erin@example.com").await;
    let got = globex_receiver.wait_for_event("invitation.created", WAIT).await;
    assert_eq!(got.json()["data"]["email"], "erin@example.com");
    assert_eq!(of_type(&acme_receiver.requests(), "invitation.created").len(), 1);
    assert_eq!(of_type(&globex_receiver.requests(), "invitation.created").len(), 1);

    // Deleted, it is gone for everyone.
    assert_eq!(app.delete(&path, Some(&ada.token)).await.status(), 204);
    app.get(&path, Some(&ada.token)).await.expect_error(404, "NOT_FOUND").await;
    app.outbox_events("webhooks").await.assert_has_all(&[
        "webhook.created",
        "webhook.updated",
        "webhook.deleted",
    ]);
}

#[tokio::test]
async fn a_rotated_secret_and_the_old_one_both_verify_during_the_overlap() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let (receiver, hook) = hook_to_new_receiver(&app, &admin, json!(["mfa.enabled"])).await;
    let (id, old) = (hook["id"].as_str().unwrap(), hook["secret"].as_str().unwrap());

    let rotated = app
        .put(&format!("/api/v1/webhooks/{id}"), &json!({ "rotate_secret": true }), Some(&admin))
        .await
        .expect_status(200)
        .await;
    let new = rotated["secret"].as_str().unwrap();
    assert!(new.starts_with("whsec_"));
    assert_ne!(new, old);
    let read = json(app.get(&format!("/api/v1/webhooks/{id}"), Some(&admin)).await).await;
    assert!(read.get("secret").is_none());

    app.post(&format!("/api/v1/webhooks/{id}/test"), &json!({}), Some(&admin)).await.expect_status(202).await;
    let ping = receiver.wait_for_event("webhook.test", WAIT).await;
    assert_eq!(ping.header("webhook-signature").unwrap().split(' ').count(), 2);
    assert!(verifies(new, &ping), "the new secret verifies");
    assert!(verifies(old, &ping), "the old secret still verifies");
    assert_eq!(ping.json()["data"]["webhook_id"], id);

    let events = app.outbox_events("webhooks").await;
    let rotation =
        events.iter().find(|(t, _)| t == "webhook.secret_rotated").expect("a webhook.secret_rotated event");
    let all = serde_json::to_string(&events.iter().map(|(_, p)| p).collect::<Vec<_>>()).unwrap();
    assert!(!all.contains(&new[6..]) && !all.contains(&old[6..]), "no secret in events");
    assert_eq!(rotation.1["webhook_id"], id);
}

#[tokio::test]
async fn a_test_ping_and_a_redelivery_reach_the_receiver_with_the_same_id() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let (receiver, hook) = hook_to_new_receiver(&app, &admin, json!(["mfa.enabled"])).await;
    let id = hook["id"].as_str().unwrap();
    let queued = app
        .post(&format!("/api/v1/webhooks/{id}/test"), &json!({}), Some(&admin))
        .await
        .expect_status(202)
        .await;
    assert_eq!(queued["event_type"], "webhook.test");
    assert_eq!(queued["status"], "pending");
    let first = receiver.wait_for(1, WAIT).await.remove(0);
    assert!(verifies(hook["secret"].as_str().unwrap(), &first));
    assert_eq!(first.json()["type"], "webhook.test");
    let delivery_id = queued["id"].as_str().unwrap();
    eventually("the ping settled", WAIT, || async {
        let list = deliveries(&app, id, &admin).await;
        (list.len() == 1 && list[0]["status"] == "succeeded").then_some(())
    })
    .await;

    let redeliver = format!("/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver");
    app.post(&redeliver, &json!({}), Some(&admin)).await.expect_status(202).await;
    let again = receiver.wait_for(2, WAIT).await.remove(1);
    assert_eq!(again.header("webhook-id"), first.header("webhook-id"));
    assert_eq!(again.body, first.body);
    let delivery = eventually("the redelivery settled", WAIT, || async {
        let list = deliveries(&app, id, &admin).await;
        (list[0]["attempts"] == 2 && list[0]["status"] == "succeeded").then(|| list[0].clone())
    })
    .await;
    assert_eq!(delivery["attempts_detail"].as_array().unwrap().len(), 2);

    let unknown = format!("/api/v1/webhooks/{id}/deliveries/{}/redeliver", uuid::Uuid::now_v7());
    app.post(&unknown, &json!({}), Some(&admin)).await.expect_error(404, "NOT_FOUND").await;
    let bad = app
        .post("/api/v1/webhooks", &json!({ "url": receiver.url(), "events": ["Not An Event"] }), Some(&admin))
        .await;
    let body = bad.expect_error(400, "VALIDATION_ERROR").await;
    assert_eq!(body["error"]["details"]["field"], "events");
    let typo = app
        .post("/api/v1/webhooks", &json!({ "url": receiver.url(), "events": ["user.create"] }), Some(&admin))
        .await;
    let body = typo.expect_error(400, "VALIDATION_ERROR").await;
    assert_eq!(body["error"]["details"]["field"], "events");
}

#[tokio::test]
async fn an_endpoint_failing_too_long_is_disabled_until_turned_back_on() {
    let (app, admin) = TestStack::spawn_with_admin(|s| {
        s.webhooks.disable_after_secs = 0;
        s.webhooks.max_attempts = 2;
        s.webhooks.retry_base_ms = 20;
        s.webhooks.response_excerpt_bytes = 10;
    })
    .await;
    let receiver = WebhookReceiver::start().await;
    receiver.answer_always(503);
    let hook =
        create_webhook(&app, &admin, json!({ "url": receiver.url(), "events": ["mfa.enabled"] })).await;
    let id = hook["id"].as_str().unwrap();
    let path = format!("/api/v1/webhooks/{id}");
    app.post(&format!("{path}/test"), &json!({}), Some(&admin)).await.expect_status(202).await;

    let disabled = eventually("the endpoint disabled", WAIT, || async {
        let w = json(app.get(&path, Some(&admin)).await).await;
        (w["enabled"] == false).then_some(w)
    })
    .await;
    assert!(disabled["disabled_reason"].as_str().unwrap().contains("failed"));
    assert!(disabled["failing_since"].is_string());
    let list = deliveries(&app, id, &admin).await;
    assert_eq!(list[0]["status"], "failed");
    assert_eq!(list[0]["attempts_detail"][0]["response_status"], 503);
    assert_eq!(list[0]["attempts_detail"][0]["response_excerpt"], "janua-test", "capped");
    let events = app.outbox_events("webhooks").await;
    events.assert_has_with("webhook.disabled", "webhook_id", id);
    app.post(&format!("{path}/test"), &json!({}), Some(&admin)).await.expect_error(409, "CONFLICT").await;

    let enabled = app.put(&path, &json!({ "enabled": true }), Some(&admin)).await.expect_status(200).await;
    assert_eq!(enabled["enabled"], true);
    assert!(enabled["disabled_reason"].is_null());
    assert!(enabled["failing_since"].is_null());
}

#[tokio::test]
async fn an_event_the_broker_delivers_twice_makes_one_delivery() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let (receiver, hook) = hook_to_new_receiver(&app, &admin, json!(["mfa.enabled", "mfa.disabled"])).await;
    let id = hook["id"].as_str().unwrap();
    app.wait_for_consumer("webhooks").await;

    let publisher =
        janua_events::Publisher::connect(&app.settings.amqp_url, &app.settings.amqp_exchange).await.unwrap();
    let twice = janua_events::Event::new("auth", "mfa.enabled", json!({ "n": 1 }));
    let marker = janua_events::Event::new("auth", "mfa.disabled", json!({}));
    for event in [&twice, &twice, &marker] {
        publisher.publish(&event.id.to_string(), &event.event_type, &event.encode()).await.unwrap();
    }
    // One consumer applies the queue in order: once the marker's delivery exists, both
    // copies of the duplicated event were handled.
    let list = eventually("both events delivered", WAIT, || async {
        let list = deliveries(&app, id, &admin).await;
        (list.len() >= 2 && list.iter().all(|d| d["status"] == "succeeded")).then_some(list)
    })
    .await;
    let duplicated: Vec<&Value> = list.iter().filter(|d| d["event_type"] == "mfa.enabled").collect();
    assert_eq!(duplicated.len(), 1, "{list:?}");
    assert_eq!(duplicated[0]["event_id"], twice.id.to_string());
    assert_eq!(of_type(&receiver.requests(), "mfa.enabled").len(), 1);
    assert_eq!(receiver.requests().len(), 2);
}

#[tokio::test]
async fn a_receiver_slower_than_the_timeout_fails_the_attempt_and_is_retried() {
    let (app, admin) = TestStack::spawn_with_admin(|s| {
        s.webhooks.timeout_ms = 300;
        s.webhooks.retry_base_ms = 20;
        s.webhooks.retry_max_ms = 50;
    })
    .await;
    let receiver = WebhookReceiver::start().await;
    receiver.script([Reply::status(200).after(Duration::from_secs(3))]);
    let hook =
        create_webhook(&app, &admin, json!({ "url": receiver.url(), "events": ["mfa.enabled"] })).await;
    let id = hook["id"].as_str().unwrap();
    app.post(&format!("/api/v1/webhooks/{id}/test"), &json!({}), Some(&admin)).await.expect_status(202).await;
    let delivery = eventually("the retry succeeded", WAIT, || async {
        let list = deliveries(&app, id, &admin).await;
        list.into_iter().find(|d| d["status"] == "succeeded")
    })
    .await;
    let attempts = delivery["attempts_detail"].as_array().unwrap();
    assert_eq!(attempts.len(), 2);
    assert!(attempts[0]["response_status"].is_null());
    assert_eq!(attempts[0]["error"], "no answer within 300 ms");
    assert!(attempts[0]["latency_ms"].as_i64().unwrap() >= 300);
    assert_eq!(attempts[1]["response_status"], 200);
}

#[tokio::test]
async fn a_deleted_organization_takes_its_endpoints_with_it() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let ada = app.person("ada@example.com").await;
    let org = app.create_org_id(&ada.token, "Acme").await;
    let receiver = WebhookReceiver::start().await;
    app.wait_for_consumer("webhooks").await;
    let hook = create_webhook(
        &app,
        &ada.token,
        json!({ "url": receiver.url(), "events": ["*"], "organization_id": org }),
    )
    .await;
    let path = format!("/api/v1/webhooks/{}", hook["id"].as_str().unwrap());
    app.delete(&format!("/api/v1/organizations/{org}"), Some(&ada.token)).await.expect_status(204).await;
    eventually("the endpoint removed", WAIT, || async {
        (app.get(&path, Some(&admin)).await.status() == 404).then_some(())
    })
    .await;
}

/// Deleting reaches everything: a member who leaves (or loses `webhooks:manage`) no longer
/// sees the organization's endpoints, in the list or one by one, nor their URLs.
#[tokio::test]
async fn a_member_who_leaves_no_longer_sees_the_organizations_webhooks() {
    let app = TestStack::spawn().await;
    let ada = app.person("ada@example.com").await;
    let org = app.create_org_id(&ada.token, "Acme").await;
    let bob = app.person("bob@example.com").await;
    app.add_member(&ada.token, &org, &bob.id, "admin").await;
    let receiver = WebhookReceiver::start().await;
    let hook = create_webhook(
        &app,
        &bob.token,
        json!({ "url": format!("{}?secret=in-the-url", receiver.url()), "events": ["*"], "organization_id": org }),
    )
    .await;
    let path = format!("/api/v1/webhooks/{}", hook["id"].as_str().unwrap());
    let listed = json(app.get("/api/v1/webhooks", Some(&bob.token)).await).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    // Bob leaves.
    app.delete(&format!("/api/v1/organizations/{org}/members/{}", bob.id), Some(&bob.token))
        .await
        .expect_status(204)
        .await;
    let listed = json(app.get("/api/v1/webhooks", Some(&bob.token)).await).await;
    assert_eq!(listed["data"], json!([]), "{listed}");
    assert!(!listed.to_string().contains("in-the-url"));
    app.get(&path, Some(&bob.token)).await.expect_error(404, "NOT_FOUND").await;
    // The organization still has it.
    assert_eq!(app.get(&path, Some(&ada.token)).await.status(), 200);
}

#[tokio::test]
async fn one_batch_of_events_reaches_each_endpoint_that_wants_each_event_once() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let [ada, carol] = app.people(["ada@example.com", "carol@example.com"]).await;
    let (acme, globex) =
        (app.create_org_id(&ada.token, "Acme").await, app.create_org_id(&carol.token, "Globex").await);
    let receiver = WebhookReceiver::start().await;
    let users = create_webhook(&app, &admin, json!({ "url": receiver.url(), "events": ["user.*"] })).await;
    let acme_all = create_webhook(
        &app,
        &ada.token,
        json!({ "url": receiver.url(), "events": ["*"], "organization_id": acme }),
    )
    .await;
    let globex_orgs = create_webhook(
        &app,
        &carol.token,
        json!({ "url": receiver.url(), "events": ["organization.*"], "organization_id": globex }),
    )
    .await;
    let org_id = |s: &str| uuid::Uuid::parse_str(s).unwrap();
    let user_updated = janua_events::Event::new("identity", "user.updated", json!({}));
    let acme_updated =
        janua_events::Event::new("org", "organization.updated", json!({})).organization(org_id(&acme));
    let globex_updated =
        janua_events::Event::new("org", "organization.updated", json!({})).organization(org_id(&globex));
    let batch =
        || [&user_updated, &acme_updated, &globex_updated, &user_updated].map(|e| e.envelope()).to_vec();
    let url = app.settings.database_direct_url.as_deref().unwrap_or(&app.settings.database_url);
    let pool = janua_db::pool(&janua_db::Endpoint::direct(url, "webhooks"), 2).unwrap();

    // In one transaction: each event once (the batch holds one twice), to the endpoints that
    // want it: the platform's user.* endpoint, and each organization's endpoint its own event.
    let added = janua_webhooks::events_in::apply_all(&pool, batch()).await.unwrap();
    assert_eq!(added, 3);
    let of = |event: &janua_events::Event| {
        format!("SELECT count(*) AS n FROM deliveries WHERE event_id = '{}'", event.id)
    };
    let to = |event: &janua_events::Event, hook: &Value| {
        format!(
            "SELECT count(*) AS n FROM deliveries WHERE event_id = '{}' AND endpoint_id = '{}'",
            event.id,
            hook["id"].as_str().unwrap()
        )
    };
    assert_eq!(app.count("webhooks", &to(&user_updated, &users)).await, 1);
    assert_eq!(app.count("webhooks", &to(&acme_updated, &acme_all)).await, 1);
    assert_eq!(app.count("webhooks", &to(&globex_updated, &globex_orgs)).await, 1);
    for event in [&user_updated, &acme_updated, &globex_updated] {
        assert_eq!(app.count("webhooks", &of(event)).await, 1, "{}", event.event_type);
    }
    // The same batch again (a redelivery) adds nothing.
    assert_eq!(janua_webhooks::events_in::apply_all(&pool, batch()).await.unwrap(), 0);
}
