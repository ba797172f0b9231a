//! The live feed (`/api/v1/websocket/ws`) through the gateway, with a real WebSocket client:
//! authentication before the upgrade, frames for the user's own changes and for their
//! organizations only, security notifications, heartbeats, and the socket closing when its
//! session is revoked.

use crate::json;
use futures::{SinkExt, StreamExt};
use janua_testkit::{ExpectStatus, TestStack};
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

use janua_testkit::PASSWORD;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn open(app: &TestStack, token: &str) -> (Socket, Value) {
    let url = format!("{}/api/v1/websocket/ws?token={token}", app.gateway_url.replace("http://", "ws://"));
    let (mut socket, resp) = tokio_tungstenite::connect_async(url).await.expect("a WebSocket");
    assert_eq!(resp.status(), 101);
    let ready = next_frame(&mut socket).await;
    assert_eq!(ready["type"], "connection.ready");
    (socket, ready)
}

/// The next JSON frame (pings are answered by the client library).
async fn next_frame(socket: &mut Socket) -> Value {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(15), socket.next())
            .await
            .expect("a frame in time")
            .expect("the socket open")
            .expect("a frame");
        if let Message::Text(text) = msg {
            return serde_json::from_str(&text).unwrap();
        }
    }
}

/// The next frame of `kind`, skipping others.
async fn frame_of(socket: &mut Socket, kind: &str) -> Value {
    frame_where(socket, |f| f["type"] == kind).await
}

/// The next frame `pick` accepts, skipping others (a user's own sign-up notifications may
/// still be on their way when the socket opens).
async fn frame_where(socket: &mut Socket, pick: impl Fn(&Value) -> bool) -> Value {
    loop {
        let f = next_frame(socket).await;
        if pick(&f) {
            return f;
        }
    }
}

#[tokio::test]
async fn a_user_gets_their_own_updates_and_their_organizations_only() {
    let app = TestStack::spawn().await;
    let ada = app.signup("ada@example.com", PASSWORD).await;
    let ada_token = ada["access_token"].as_str().unwrap();
    let ada_id = ada["user"]["id"].as_str().unwrap();
    let bob = app.signup("bob@example.com", PASSWORD).await;
    let bob_token = bob["access_token"].as_str().unwrap();
    let eve = app.signup("eve@example.com", PASSWORD).await;
    let eve_token = eve["access_token"].as_str().unwrap();
    let org = json(app.post("/api/v1/organizations", &json!({"name": "Acme"}), Some(ada_token)).await).await;
    let org_id = org["id"].as_str().unwrap();

    let (mut ada_ws, ready) = open(&app, ada_token).await;
    assert_eq!(ready["data"]["user_id"], ada_id);
    assert_eq!(ready["data"]["organizations"], json!([org_id]));
    let (mut bob_ws, _) = open(&app, bob_token).await;
    let (mut eve_ws, _) = open(&app, eve_token).await;

    // Bob joins: he is told, Ada's organization view updates, Eve hears nothing.
    app.post(
        &format!("/api/v1/organizations/{org_id}/members"),
        &json!({"user_id": bob["user"]["id"], "role": "member"}),
        Some(ada_token),
    )
    .await
    .expect_status(201)
    .await;
    let note = frame_where(&mut bob_ws, |f| {
        f["type"] == "notification.created" && f["data"]["kind"] != "user.signed_in"
    })
    .await;
    assert_eq!(note["data"]["kind"], "organization.member_added");
    assert_eq!(note["data"]["organization_id"], org_id);
    let change = frame_of(&mut ada_ws, "organization.updated").await;
    assert_eq!(change["data"]["change"], "member_added");

    // The organization is renamed: both members get it (Bob through the membership he just got).
    app.put(&format!("/api/v1/organizations/{org_id}"), &json!({"name": "Acme Ltd"}), Some(ada_token))
        .await
        .expect_status(200)
        .await;
    for ws in [&mut ada_ws, &mut bob_ws] {
        let f = frame_of(ws, "organization.updated").await;
        if f["data"]["change"].is_null() {
            assert_eq!(f["data"]["organization_id"], org_id);
        } else {
            let f = frame_of(ws, "organization.updated").await;
            assert_eq!(f["data"]["organization_id"], org_id);
        }
    }

    // Ada edits her profile: only her socket hears of it.
    app.put(&format!("/api/v1/users/{ada_id}"), &json!({"name": "Ada L."}), Some(ada_token))
        .await
        .expect_status(200)
        .await;
    let f = frame_of(&mut ada_ws, "user.updated").await;
    assert_eq!(f["data"]["name"], "Ada L.");

    // Eve has seen nothing of Ada's or her organization's (her own sign-up notices aside).
    eve_ws.send(Message::Text(r#"{"type":"ping"}"#.into())).await.unwrap();
    loop {
        let f = next_frame(&mut eve_ws).await;
        if f["type"] == "pong" {
            break;
        }
        assert_eq!(f["type"], "notification.created", "Eve got {f}");
        assert_eq!(f["data"]["kind"], "user.signed_in", "Eve got {f}");
        assert_eq!(f["data"]["data"]["user_id"], eve["user"]["id"], "Eve got {f}");
    }
}

#[tokio::test]
async fn the_socket_closes_when_its_session_is_revoked() {
    let app = TestStack::spawn().await;
    let pair = app.signup("ada@example.com", PASSWORD).await;
    let token = pair["access_token"].as_str().unwrap();
    let other = json(app.signin("ada@example.com", PASSWORD).await).await;
    let other_token = other["access_token"].as_str().unwrap();
    let (mut ws, ready) = open(&app, token).await;
    let (mut other_ws, _) = open(&app, other_token).await;

    // A new sign-in elsewhere is a notification on the open socket.
    app.signin("ada@example.com", PASSWORD).await;
    let note = frame_of(&mut ws, "notification.created").await;
    assert_eq!(note["data"]["kind"], "user.signed_in");

    let sid = ready["data"]["session_id"].as_str().unwrap();
    app.delete(&format!("/api/v1/sessions/{sid}"), Some(other_token)).await.expect_status(204).await;
    let expired = frame_of(&mut ws, "session.expired").await;
    assert_eq!(expired["data"]["session_id"], sid);
    let closed = loop {
        match tokio::time::timeout(Duration::from_secs(10), ws.next()).await.expect("closed in time") {
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(_)) => continue,
            _ => break None,
        }
    };
    assert!(closed.is_some_and(|f| f.reason.contains("expired")));

    // The other session's socket is still open.
    other_ws.send(Message::Text(r#"{"type":"ping"}"#.into())).await.unwrap();
    assert_eq!(frame_of(&mut other_ws, "pong").await["type"], "pong");
    // And the revoked token cannot open a new one.
    let url = format!("{}/api/v1/websocket/ws?token={token}", app.gateway_url.replace("http://", "ws://"));
    assert!(tokio_tungstenite::connect_async(url).await.is_err());
}

#[tokio::test]
async fn a_bad_token_is_refused_before_the_upgrade_and_the_server_pings() {
    let app = TestStack::spawn_with(|s| s.websocket.heartbeat_secs = 1).await;
    app.get("/api/v1/websocket/ws", None).await.expect_error(401, "UNAUTHORIZED").await;
    app.get("/api/v1/websocket/ws?token=not.a.jwt", None).await.expect_error(401, "UNAUTHORIZED").await;
    let pair = app.signup("ada@example.com", PASSWORD).await;
    let token = pair["access_token"].as_str().unwrap();
    // A valid token but no WebSocket handshake: a clear 400.
    app.get(&format!("/api/v1/websocket/ws?token={token}"), None)
        .await
        .expect_error(400, "VALIDATION_ERROR")
        .await;

    let (mut ws, ready) = open(&app, token).await;
    assert_eq!(ready["data"]["heartbeat_secs"], 1);
    let ping = loop {
        match tokio::time::timeout(Duration::from_secs(5), ws.next()).await.expect("a ping in time") {
            Some(Ok(Message::Ping(p))) => break p,
            Some(Ok(_)) => continue,
            other => panic!("socket ended: {other:?}"),
        }
    };
    assert!(ping.is_empty());
}

/// The close frame, skipping anything before it.
async fn close_of(socket: &mut Socket) -> Option<tokio_tungstenite::tungstenite::protocol::CloseFrame> {
    loop {
        match tokio::time::timeout(Duration::from_secs(20), socket.next()).await.expect("closed in time") {
            Some(Ok(Message::Close(frame))) => return frame,
            Some(Ok(_)) => continue,
            _ => return None,
        }
    }
}

fn expiry(access_token: &str) -> i64 {
    use base64::Engine;
    let payload = access_token.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap();
    serde_json::from_slice::<Value>(&bytes).unwrap()["exp"].as_i64().unwrap()
}

/// A connection lives no longer than its token, unless the client hands it a fresh one of the
/// same user; someone else's token is refused.
#[tokio::test]
async fn a_connection_lives_no_longer_than_its_token_unless_renewed() {
    let app = TestStack::spawn_with(|s| s.tokens.access_ttl_secs = 3).await;
    let pair = app.signup("ada@example.com", PASSWORD).await;
    let first = pair["access_token"].as_str().unwrap().to_string();
    let (mut socket, _) = open(&app, &first).await;
    let warned = frame_of(&mut socket, "token.expiring").await;
    assert_eq!(warned["data"]["expires_at"], expiry(&first));

    // Another user's token moves nothing.
    let other = app.signup("bob@example.com", PASSWORD).await;
    let foreign = json!({"type": "token", "token": other["access_token"]}).to_string();
    socket.send(Message::Text(foreign.into())).await.unwrap();
    assert_eq!(frame_of(&mut socket, "error").await["data"]["reason"], "token_invalid");

    // A refreshed token of the same user, expiring later, moves the deadline.
    let refresh = std::sync::Mutex::new(pair["refresh_token"].as_str().unwrap().to_string());
    let renewal = janua_testkit::eventually("a token expiring later", Duration::from_secs(10), || {
        let (app, refresh, first) = (&app, &refresh, &first);
        async move {
            let current = refresh.lock().unwrap().clone();
            let pair =
                json(app.post("/api/v1/auth/refresh", &json!({"refresh_token": current}), None).await).await;
            *refresh.lock().unwrap() = pair["refresh_token"].as_str().unwrap().to_string();
            let token = pair["access_token"].as_str().unwrap().to_string();
            (expiry(&token) > expiry(first)).then_some(token)
        }
    })
    .await;
    let frame = json!({"type": "token", "token": renewal}).to_string();
    socket.send(Message::Text(frame.into())).await.unwrap();
    let accepted = frame_of(&mut socket, "token.accepted").await;
    assert_eq!(accepted["data"]["expires_at"], expiry(&renewal));

    // It ends at the renewed token's expiry, not the first one's.
    let expired = frame_of(&mut socket, "session.expired").await;
    assert_eq!(expired["data"]["reason"], "token_expired");
    assert!(chrono::Utc::now().timestamp() >= expiry(&renewal));
    let closed = close_of(&mut socket).await;
    assert!(closed.is_some_and(|f| f.reason.contains("expired")));
}

/// The revocation check fails closed: when Redis cannot be read, live connections end.
#[tokio::test]
async fn the_revocation_check_fails_closed() {
    let redis = janua_testkit::tcp_proxy::TcpProxy::start("127.0.0.1:6379".parse().unwrap()).await;
    let port = redis.port();
    let app = TestStack::spawn_with(move |s| {
        s.redis_url = format!("redis://127.0.0.1:{port}");
        s.websocket.heartbeat_secs = 1;
    })
    .await;
    let pair = app.signup("ada@example.com", PASSWORD).await;
    let (mut socket, _) = open(&app, pair["access_token"].as_str().unwrap()).await;
    redis.cut();
    let closed = close_of(&mut socket).await;
    assert!(
        closed.is_some_and(|f| f.reason.contains("revocation check unavailable")),
        "the connection must close when revocations cannot be checked"
    );
}
