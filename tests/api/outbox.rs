use crate::json;
use futures::StreamExt;
use janua_events::Event;
use janua_testkit::tcp_proxy::TcpProxy;
use janua_testkit::{ExpectStatus, PASSWORD, TestStack, eventually};
use lapin::options::{BasicAckOptions, BasicConsumeOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::FieldTable;
use lapin::{Connection, ConnectionProperties};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A consumer of every event on this test's vhost: (event id, type) in arrival order.
async fn listen(app: &TestStack) -> (Connection, Arc<Mutex<Vec<(String, String)>>>) {
    let conn = Connection::connect(&app.settings.amqp_url, ConnectionProperties::default()).await.unwrap();
    let channel = conn.create_channel().await.unwrap();
    janua_events::publisher::declare_exchange(&channel, &app.settings.amqp_exchange).await.unwrap();
    let queue = channel
        .queue_declare(
            "".into(),
            QueueDeclareOptions { exclusive: true, ..Default::default() },
            FieldTable::default(),
        )
        .await
        .unwrap();
    channel
        .queue_bind(
            queue.name().clone(),
            app.settings.amqp_exchange.as_str().into(),
            "#".into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await
        .unwrap();
    let mut consumer = channel
        .basic_consume(
            queue.name().clone(),
            "test".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await
        .unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    tokio::spawn(async move {
        while let Some(Ok(delivery)) = consumer.next().await {
            let envelope = janua_events::decode(&delivery.data).unwrap();
            assert_eq!(
                delivery.properties.message_id().as_ref().map(|s| s.as_str()),
                Some(envelope.id.as_str())
            );
            sink.lock().unwrap().push((envelope.id.clone(), envelope.r#type.clone()));
            let _ = delivery.ack(BasicAckOptions::default()).await;
        }
    });
    (conn, seen)
}

/// Signs Ada up, renames her "Ada King" and waits until auth's read model of users has the
/// new name; answers her sign-up.
async fn signup_renamed_in_auths_read_model(app: &TestStack) -> serde_json::Value {
    let pair = app.signup("ada@example.com", PASSWORD).await;
    let id = pair["user"]["id"].as_str().unwrap().to_string();
    app.put(
        &format!("/api/v1/users/{id}"),
        &serde_json::json!({"name":"Ada King"}),
        pair["access_token"].as_str(),
    )
    .await;
    app.wait_for_count(
        "auth's copy to catch up",
        "auth",
        "SELECT count(*) AS n FROM user_profiles WHERE profile->>'name' = 'Ada King'",
        1,
    )
    .await;
    pair
}

#[tokio::test]
async fn a_signup_publishes_its_events_to_the_exchange() {
    let app = TestStack::spawn().await;
    let (_conn, seen) = listen(&app).await;
    app.signup("ada@example.com", PASSWORD).await;
    let types = eventually("signup events", Duration::from_secs(15), || async {
        let types: HashSet<String> = seen.lock().unwrap().iter().map(|(_, t)| t.clone()).collect();
        ["user.created", "session.created", "user.signed_in", "user.password_set"]
            .iter()
            .all(|t| types.contains(*t))
            .then_some(types)
    })
    .await;
    assert!(!types.contains("user.deleted"), "no compensation on a good signup");
}

#[tokio::test]
async fn the_outbox_survives_a_broker_outage_and_delivers_every_event() {
    let app = TestStack::spawn().await;
    let (_conn, seen) = listen(&app).await;
    // A relay of its own, on an outbox of its own, talking to the broker through a proxy we
    // can cut.
    let relay_test = janua_db::Endpoint::direct(&app.settings.database_url, "relay_test");
    janua_db::migrate(&relay_test, janua_identity::MIGRATIONS).await.unwrap();
    let pool = janua_db::pool(&relay_test, 2).unwrap();
    let proxy = TcpProxy::broker().await;
    proxy.cut();
    let amqp_via_proxy = proxy.proxied(&app.settings.amqp_url);

    let enqueue = |n: usize| {
        let pool = pool.clone();
        async move {
            let mut conn = pool.get().await.unwrap();
            let mut ids = Vec::new();
            for i in 0..n {
                let event = Event::new("test", "test.happened", serde_json::json!({ "i": i }));
                janua_db::outbox::enqueue(&mut conn, &event).await.unwrap();
                ids.push(event.id.to_string());
            }
            ids
        }
    };
    let mut expected = enqueue(50).await;
    let relay = tokio::spawn(
        janua_db::outbox::OutboxRelay::new(pool.clone(), &amqp_via_proxy, &app.settings.amqp_exchange).run(),
    );

    // Broker unreachable: the relay keeps trying, nothing is lost or marked sent.
    eventually("reconnection attempts", Duration::from_secs(15), || async {
        (proxy.attempts() >= 2).then_some(())
    })
    .await;
    let mut conn = pool.get().await.unwrap();
    assert_eq!(janua_db::outbox::pending_count(&mut conn).await.unwrap(), 50);
    assert!(seen.lock().unwrap().iter().all(|(_, t)| t != "test.happened"));

    // The broker comes back: everything arrives, once.
    proxy.restore();
    let count_of = |seen: &Arc<Mutex<Vec<(String, String)>>>| -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for (id, t) in seen.lock().unwrap().iter() {
            if t == "test.happened" {
                *counts.entry(id.clone()).or_insert(0) += 1;
            }
        }
        counts
    };
    eventually("the first 50 events", Duration::from_secs(20), || async {
        (count_of(&seen).len() == 50).then_some(())
    })
    .await;
    assert!(count_of(&seen).values().all(|&n| n == 1), "no duplicates after a clean outage");

    // Cut the connection while a stream of events is being published.
    expected.extend(enqueue(300).await);
    eventually("part of the stream", Duration::from_secs(20), || async {
        (count_of(&seen).len() > 60).then_some(())
    })
    .await;
    proxy.cut();
    expected.extend(enqueue(50).await);
    proxy.restore();
    eventually("every event after recovery", Duration::from_secs(30), || async {
        (count_of(&seen).len() == expected.len()).then_some(())
    })
    .await;
    let counts = count_of(&seen);
    assert!(expected.iter().all(|id| counts.contains_key(id)));
    // Each publish waits for its confirm before the next, so at most the one in flight when
    // the connection died can arrive twice; consumers drop it by id.
    let duplicates: usize = counts.values().map(|n| n - 1).sum();
    assert!(duplicates <= 1, "{duplicates} duplicates");
    // Rows are marked sent when the relay's batch commits, just after the broker's confirms.
    drop(conn);
    eventually("the outbox to drain", Duration::from_secs(10), || async {
        let mut conn = pool.get().await.ok()?;
        (janua_db::outbox::pending_count(&mut conn).await.ok()? == 0).then_some(())
    })
    .await;
    relay.abort();
}

#[tokio::test]
async fn each_state_change_publishes_its_event() {
    // Refreshes are recorded only when asked for (tokens.refresh_events).
    let app = TestStack::spawn_with(|s| s.tokens.refresh_events = true).await;
    let (_conn, seen) = listen(&app).await;
    let pair = app.signup("ada@example.com", PASSWORD).await;
    let token = pair["access_token"].as_str();
    let id = pair["user"]["id"].as_str().unwrap();
    app.put(&format!("/api/v1/users/{id}"), &serde_json::json!({"name":"Ada L."}), token).await;
    let link = eventually("verification mail", Duration::from_secs(15), || async {
        app.smtp.mails_to("ada@example.com").first().map(|m| m.body())
    })
    .await;
    app.post(
        "/api/v1/auth/verify-email",
        &serde_json::json!({"token": janua_testkit::token_from_link(&link)}),
        None,
    )
    .await;
    app.refresh(&pair).await;
    app.forgot_password("ada@example.com").await;
    let reset = app.mailed_token("ada@example.com", "Reset your password", 0).await;
    app.reset_password(&reset, "a brand new passphrase").await;
    let expected = [
        "user.created",
        "user.password_set",
        "session.created",
        "user.signed_in",
        "user.updated",
        "user.email_verified",
        "session.refreshed",
        "password.reset_requested",
        "password.reset",
        "session.revoked",
    ];
    eventually("every event", Duration::from_secs(20), || async {
        let types: HashSet<String> = seen.lock().unwrap().iter().map(|(_, t)| t.clone()).collect();
        expected.iter().all(|t| types.contains(*t)).then_some(())
    })
    .await;
    let ids: Vec<String> = seen.lock().unwrap().iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(ids.len(), ids.iter().collect::<HashSet<_>>().len(), "one delivery per event id");
}

#[tokio::test]
async fn auth_keeps_a_read_model_of_users_from_identity_events() {
    let app = TestStack::spawn().await;
    app.wait_for_consumer("auth").await;
    // The change reaches auth's copy through the bus.
    let pair = signup_renamed_in_auths_read_model(&app).await;
    let seen = app.count("auth", "SELECT count(*) AS n FROM inbox WHERE consumer = 'auth'").await;
    assert!(seen >= 2, "user.created and user.updated recorded once each");
    use diesel_async::RunQueryDsl;
    let mut conn = app.db("auth").await;
    // Refresh answers from that copy, not from identity: mark the copy and see the mark.
    diesel::sql_query(
        "UPDATE user_profiles SET profile = jsonb_set(profile, '{name}', '\"From the read model\"')",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    assert_eq!(json(app.refresh(&pair).await).await["user"]["name"], "From the read model");
}

#[tokio::test]
async fn a_poison_message_is_dead_lettered_and_does_not_block_the_queue() {
    use lapin::options::{BasicPublishOptions, QueueDeclareOptions};
    let app = TestStack::spawn().await;
    // Wait for auth's consumer to have declared its queues.
    let conn = Connection::connect(&app.settings.amqp_url, ConnectionProperties::default()).await.unwrap();
    let channel = conn.create_channel().await.unwrap();
    let passive = QueueDeclareOptions { passive: true, ..Default::default() };
    app.wait_for_consumer("auth").await;
    channel
        .basic_publish(
            app.settings.amqp_exchange.as_str().into(),
            "user.updated".into(),
            BasicPublishOptions::default(),
            b"not a protobuf envelope",
            lapin::BasicProperties::default(),
        )
        .await
        .unwrap();
    eventually("the dead letter", Duration::from_secs(15), || {
        let conn = &conn;
        async move {
            let ch = conn.create_channel().await.ok()?;
            let q = ch.queue_declare("auth.dead".into(), passive, FieldTable::default()).await.ok()?;
            (q.message_count() == 1).then_some(())
        }
    })
    .await;
    // Later events still flow.
    signup_renamed_in_auths_read_model(&app).await;
}

/// By default a refresh is not an event (no outbox row, so no audit entry, webhook or live
/// message per refresh), yet the session's last use moves, reuse of the spent token still
/// revokes the session with its events, and the rotated pair works.
#[tokio::test]
async fn a_refresh_records_the_sessions_last_use_without_an_event_by_default() {
    let app = TestStack::spawn().await;
    let pair = app.signup("ada@example.com", PASSWORD).await;
    let rows = "SELECT count(*) AS n FROM outbox";
    let last_use = "SELECT (extract(epoch FROM max(last_used_at)) * 1000000)::bigint AS n FROM sessions";
    let (before, used_before) = (app.count("auth", rows).await, app.count("auth", last_use).await);
    let rotated: serde_json::Value = app.refresh(&pair).await.json().await.unwrap();
    assert!(rotated["refresh_token"].is_string(), "{rotated}");
    assert_eq!(app.count("auth", rows).await, before, "a refresh wrote an event");
    assert!(app.count("auth", last_use).await > used_before, "the session's last use did not move");
    app.get("/api/v1/auth/me", rotated["access_token"].as_str()).await.expect_status(200).await;
    // The spent token again: the session is revoked, and that is recorded.
    let reused = app.refresh(&pair).await;
    assert_eq!(reused.status(), 401);
    let events = app.outbox_events("auth").await;
    events.assert_has_all(&["session.refresh_reuse_detected", "session.revoked"]);
    assert!(!events.has("session.refreshed"));
}
