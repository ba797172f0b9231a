//! `GET /api/v1/websocket/ws?token=<access token>`: live events for a signed-in user.
//!
//! Each gateway replica consumes `janua.events` through a queue of its own (exclusive,
//! deleted with the connection), so every replica sees every event and pushes it to the
//! connections it holds: `user.updated` to the user's own connections, `organization.updated`
//! to connected members of the organization, `notification.created` for security-relevant
//! changes to the user's account and memberships, and `session.expired` just before the
//! connection of a revoked session (or a suspended or deleted user) is closed. The gateway
//! pings every `heartbeat_secs`, drops a client silent for three intervals, and re-checks the
//! revocation set on each beat, so a revocation whose event was missed still closes the socket;
//! when that check cannot be made (Redis errs), the connection closes: it fails closed.
//!
//! A connection lives no longer than its token: at the token's expiry it gets `session.expired`
//! (`reason: token_expired`) and is closed, unless the client sent a fresh access token of the
//! same user in a frame, `{"type":"token","token":"<access token>"}`, which moves the deadline
//! to that token's expiry (answered `token.accepted`, or an `error` frame if it does not
//! verify). A minute before the deadline the client is sent `token.expiring`.

use crate::GatewayState;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use actix_ws::{CloseCode, CloseReason, Message};
use futures::StreamExt;
use janua_core::ApiError;
use janua_events::EventEnvelope;
use janua_tokens::Claims;
use lapin::options::{BasicConsumeOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::FieldTable;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use uuid::Uuid;

/// Frames waiting for one slow client at most; beyond it the client is disconnected.
const OUTBOX_FRAMES: usize = 256;
/// Largest frame a client may send (it only sends pings).
const MAX_CLIENT_FRAME: usize = 4 * 1024;

/// The event types a replica's queue is bound to.
const BINDINGS: &[&str] = &[
    "user.*",
    "session.revoked",
    "session.refresh_reuse_detected",
    "organization.*",
    "password.changed",
    "mfa.enabled",
    "mfa.disabled",
    "passkey.*",
    "oauth.*",
    "notification.created",
];

/// Changes to a user's account that the user is told about on their open connections.
const NOTIFY_USER: &[&str] = &[
    "user.signed_in",
    "password.changed",
    "mfa.enabled",
    "mfa.disabled",
    "passkey.registered",
    "passkey.deleted",
    "passkey.clone_suspected",
    "oauth.linked",
    "oauth.unlinked",
    "session.refresh_reuse_detected",
    "organization.member_added",
    "organization.member_removed",
    "organization.member_role_changed",
];

enum Outbound {
    Frame(String),
    Close(String),
}

struct Conn {
    user: Uuid,
    session: Uuid,
    orgs: HashSet<Uuid>,
    tx: mpsc::Sender<Outbound>,
}

/// The connections this replica holds.
#[derive(Default)]
pub struct Hub {
    conns: Mutex<HashMap<u64, Conn>>,
    next: AtomicU64,
    /// Up while the replica's event queue is consumed (readiness of the live feed).
    pub consumer: janua_events::BrokerStatus,
}

fn frame(kind: &str, data: Value) -> String {
    json!({ "type": kind, "data": data }).to_string()
}

impl Hub {
    pub fn connections(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Conn>> {
        self.conns.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn register(&self, conn: Conn, max_per_user: usize) -> u64 {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let mut conns = self.lock();
        let mut mine: Vec<u64> =
            conns.iter().filter(|(_, c)| c.user == conn.user).map(|(id, _)| *id).collect();
        mine.sort_unstable();
        // Over the limit, the oldest connections make room.
        while mine.len() >= max_per_user.max(1) {
            let oldest = mine.remove(0);
            if let Some(c) = conns.remove(&oldest) {
                let _ = c.tx.try_send(Outbound::Close("too many connections".into()));
            }
        }
        conns.insert(id, conn);
        id
    }

    /// A connection's token was renewed with one of another session of the same user.
    fn moved_session(&self, id: u64, session: Uuid) {
        if let Some(conn) = self.lock().get_mut(&id) {
            conn.session = session;
        }
    }

    fn unregister(&self, id: u64) {
        self.lock().remove(&id);
    }

    /// Sends to every connection `pick` chooses; a client too slow to keep up is dropped.
    fn send(&self, pick: impl Fn(&Conn) -> bool, text: &str) -> usize {
        let mut conns = self.lock();
        let mut slow = Vec::new();
        let mut sent = 0;
        for (id, c) in conns.iter() {
            if pick(c) {
                match c.tx.try_send(Outbound::Frame(text.to_string())) {
                    Ok(()) => sent += 1,
                    Err(_) => slow.push(*id),
                }
            }
        }
        for id in slow {
            if let Some(c) = conns.remove(&id) {
                let _ = c.tx.try_send(Outbound::Close("too slow".into()));
            }
        }
        sent
    }

    /// Tells the chosen connections their session is over, then closes them.
    fn expire(&self, pick: impl Fn(&Conn) -> bool, data: Value) {
        let text = frame("session.expired", data);
        let mut conns = self.lock();
        let ids: Vec<u64> = conns.iter().filter(|(_, c)| pick(c)).map(|(id, _)| *id).collect();
        for id in ids {
            if let Some(c) = conns.remove(&id) {
                let _ = c.tx.try_send(Outbound::Frame(text.clone()));
                let _ = c.tx.try_send(Outbound::Close("session expired".into()));
            }
        }
    }

    fn memberships(&self, user: Uuid, org: Uuid, member: bool) {
        for c in self.lock().values_mut().filter(|c| c.user == user) {
            if member {
                c.orgs.insert(org);
            } else {
                c.orgs.remove(&org);
            }
        }
    }

    fn forget_org(&self, org: Uuid) {
        for c in self.lock().values_mut() {
            c.orgs.remove(&org);
        }
    }

    /// Turns one event into frames for the connections it concerns.
    pub fn apply(&self, e: &EventEnvelope) {
        let payload: Value = serde_json::from_slice(&e.payload).unwrap_or(Value::Null);
        let uuid = |s: &str| Uuid::parse_str(s).ok();
        let subject = uuid(&e.subject_id);
        let org = uuid(&e.organization_id);
        let user = payload["user_id"].as_str().and_then(uuid).or(subject);
        let kind = e.r#type.as_str();
        match kind {
            "user.updated" | "user.email_verified" => {
                if let Some(user) = subject {
                    let data = payload.get("user").cloned().unwrap_or(payload.clone());
                    self.send(|c| c.user == user, &frame("user.updated", data));
                }
            }
            "user.suspended" | "user.deleted" => {
                if let Some(user) = user {
                    let reason = if kind == "user.deleted" { "user_deleted" } else { "user_suspended" };
                    self.expire(|c| c.user == user, json!({ "reason": reason }));
                }
            }
            "session.revoked" => {
                if let Some(sid) = payload["session_id"].as_str().and_then(uuid) {
                    let reason = payload["reason"].clone();
                    self.expire(|c| c.session == sid, json!({ "session_id": sid, "reason": reason }));
                }
            }
            "organization.updated" | "organization.deleted" => {
                if let Some(org) = org {
                    let mut data = payload.clone();
                    data["organization_id"] = json!(org);
                    if kind == "organization.deleted" {
                        data["deleted"] = json!(true);
                    }
                    self.send(|c| c.orgs.contains(&org), &frame("organization.updated", data));
                    if kind == "organization.deleted" {
                        self.forget_org(org);
                    }
                }
            }
            _ => {}
        }
        if let (
            "organization.member_added" | "organization.member_removed" | "organization.member_role_changed",
            Some(org),
            Some(user),
        ) = (kind, org, user)
        {
            if kind == "organization.member_added" {
                self.memberships(user, org, true);
            }
            let change = kind.trim_start_matches("organization.");
            let data =
                json!({ "organization_id": org, "change": change, "user_id": user, "role": payload["role"] });
            self.send(|c| c.orgs.contains(&org), &frame("organization.updated", data));
            if kind == "organization.member_removed" {
                self.memberships(user, org, false);
            }
        }
        if NOTIFY_USER.contains(&kind) || kind == "notification.created" {
            let Some(user) = user else { return };
            let data = if kind == "notification.created" {
                payload
            } else {
                json!({
                    "id": e.id,
                    "kind": kind,
                    "occurred_at": e.occurred_at,
                    "organization_id": org,
                    "data": payload,
                })
            };
            self.send(|c| c.user == user, &frame("notification.created", data));
        }
    }
}

/// Consumes every event the live feed uses, through a queue of this replica's own, until the
/// task is dropped; reconnects with backoff. At most once: a frame missed while the broker was
/// away is not replayed (clients refetch on `connection.ready`).
pub async fn consume(amqp_url: String, exchange: String, hub: Arc<Hub>) {
    let mut attempts = janua_core::retry::Backoff::RECONNECT.attempts();
    loop {
        match consume_once(&amqp_url, &exchange, &hub).await {
            Ok(()) => attempts.succeeded(),
            Err(e) => tracing::warn!(error = %e, "live event feed lost the broker; reconnecting"),
        }
        hub.consumer.set(false);
        attempts.wait_after_failure().await;
    }
}

async fn consume_once(amqp_url: &str, exchange: &str, hub: &Hub) -> Result<(), lapin::Error> {
    let connection = janua_events::broker::connect(amqp_url).await?;
    let channel = connection.create_channel().await?;
    janua_events::publisher::declare_exchange(&channel, exchange).await?;
    let queue = channel
        .queue_declare(
            "".into(),
            QueueDeclareOptions { exclusive: true, auto_delete: true, ..Default::default() },
            FieldTable::default(),
        )
        .await?;
    for key in BINDINGS {
        channel
            .queue_bind(
                queue.name().clone(),
                exchange.into(),
                (*key).into(),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await?;
    }
    let mut deliveries = channel
        .basic_consume(
            queue.name().clone(),
            "gateway-live".into(),
            BasicConsumeOptions { no_ack: true, ..Default::default() },
            FieldTable::default(),
        )
        .await?;
    hub.consumer.set(true);
    while let Some(delivery) = deliveries.next().await {
        let delivery = delivery?;
        match janua_events::decode(delivery.data.as_slice()) {
            Ok(envelope) => {
                let span = janua_events::consumer::span("live-feed", &delivery, &envelope);
                span.in_scope(|| hub.apply(&envelope));
            }
            Err(e) => tracing::warn!(error = %e, "undecodable event on the live feed"),
        }
    }
    Ok(())
}

#[derive(serde::Deserialize)]
struct OrgPage {
    data: Vec<OrgRef>,
    next_cursor: Option<String>,
}

#[derive(serde::Deserialize)]
struct OrgRef {
    id: Uuid,
}

/// The user's organizations, asked of org with the user's own token.
async fn organizations(
    state: &GatewayState, claims: &Claims, token: &str,
) -> Result<HashSet<Uuid>, ApiError> {
    let mut out = HashSet::new();
    let mut cursor: Option<String> = None;
    // Bounded: 20 pages of 100.
    for _ in 0..20 {
        let mut req = state
            .http
            .get(format!(
                "{}/api/v1/users/{}/organizations",
                state.settings.org.url.trim_end_matches('/'),
                claims.sub
            ))
            .bearer_auth(token)
            .query(&[("limit", "100")]);
        if let Some(c) = &cursor {
            req = req.query(&[("cursor", c.as_str())]);
        }
        let resp = req.send().await.map_err(|_| ApiError::unavailable("the org service"))?;
        match resp.status().as_u16() {
            200..=299 => {}
            401 | 403 | 404 => return Err(ApiError::unauthorized("token_invalid")),
            status => {
                tracing::warn!(status, "org answered the live feed's membership question with an error");
                return Err(ApiError::unavailable("the org service"));
            }
        }
        let page: OrgPage = resp.json().await.map_err(ApiError::internal)?;
        out.extend(page.data.into_iter().map(|o| o.id));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    Ok(out)
}

#[derive(serde::Deserialize)]
struct WsQuery {
    token: Option<String>,
}

/// The upgrade: the token is checked (signature, expiry, revocation, full scope) before the
/// handshake, so a refusal is an ordinary JSON error.
pub async fn connect(req: &HttpRequest, payload: web::Payload, state: &GatewayState) -> HttpResponse {
    match upgrade(req, payload, state).await {
        Ok(resp) => resp,
        Err(e) => e.error_response(),
    }
}

async fn upgrade(
    req: &HttpRequest, payload: web::Payload, state: &GatewayState,
) -> Result<HttpResponse, ApiError> {
    let query = web::Query::<WsQuery>::from_query(req.query_string())
        .map_err(|_| ApiError::invalid("token", "error.platform.query_malformed", vec![]))?;
    let token = query
        .token
        .clone()
        .or_else(|| janua_tokens::extract::bearer(req).map(str::to_owned))
        .ok_or_else(|| ApiError::unauthorized("token_missing"))?;
    let claims = state.guard.check(&token).await?;
    if claims.scope.is_some() {
        return Err(ApiError::unauthorized("token_scope"));
    }
    let orgs = organizations(state, &claims, &token).await?;
    if claims.exp <= chrono::Utc::now().timestamp() {
        return Err(ApiError::unauthorized("token_expired"));
    }
    let (response, session, stream) = actix_ws::handle(req, payload).map_err(|e| {
        let reason = vec![("reason", e.to_string().into())];
        ApiError::invalid("upgrade", "error.platform.not_websocket_handshake", reason)
    })?;
    let (tx, rx) = mpsc::channel(OUTBOX_FRAMES);
    let ready = frame(
        "connection.ready",
        json!({
            "user_id": claims.sub,
            "session_id": claims.sid,
            "organizations": orgs.iter().collect::<Vec<_>>(),
            "heartbeat_secs": state.settings.websocket.heartbeat_secs,
        }),
    );
    let id = state.hub.register(
        Conn { user: claims.sub, session: claims.sid, orgs, tx },
        state.settings.websocket.max_connections_per_user,
    );
    let state = state.clone();
    actix_web::rt::spawn(async move {
        run(&state, id, claims, ready, session, stream, rx).await;
        state.hub.unregister(id);
    });
    Ok(response)
}

/// When a token expiring at `exp` (unix seconds) stops carrying the connection.
fn deadline_of(exp: i64) -> tokio::time::Instant {
    let left = (exp - chrono::Utc::now().timestamp()).max(0) as u64;
    tokio::time::Instant::now() + Duration::from_secs(left)
}

/// A fresh token sent in a frame: it must verify (signature, expiry, revocation, full scope)
/// and be the same user's; its session becomes the connection's.
async fn renewed(state: &GatewayState, current: &Claims, token: &str) -> Result<Claims, &'static str> {
    let claims = state.guard.check(token).await.map_err(|_| "token_invalid")?;
    if claims.scope.is_some() || claims.sub != current.sub {
        return Err("token_invalid");
    }
    Ok(claims)
}

async fn run(
    state: &GatewayState, id: u64, mut claims: Claims, ready: String, mut session: actix_ws::Session,
    stream: actix_ws::MessageStream, mut rx: mpsc::Receiver<Outbound>,
) {
    let beat = Duration::from_secs(state.settings.websocket.heartbeat_secs.max(1));
    let mut stream = stream.max_frame_size(MAX_CLIENT_FRAME);
    let mut ticker = tokio::time::interval(beat);
    ticker.tick().await;
    let mut last_heard = Instant::now();
    if session.text(ready).await.is_err() {
        return;
    }
    tracing::debug!(connection = id, user = %claims.sub, "live connection opened");
    let mut deadline = deadline_of(claims.exp);
    let mut warned = false;
    let close = loop {
        let warning = deadline.checked_sub(Duration::from_secs(60)).unwrap_or(deadline);
        tokio::select! {
            _ = tokio::time::sleep_until(deadline) => {
                let _ = session.text(frame("session.expired", json!({ "session_id": claims.sid, "reason": "token_expired" }))).await;
                break Some(CloseReason { code: CloseCode::Policy, description: Some("token expired".into()) });
            }
            _ = tokio::time::sleep_until(warning), if !warned => {
                warned = true;
                if session.text(frame("token.expiring", json!({ "expires_at": claims.exp }))).await.is_err() {
                    return;
                }
            }
            out = rx.recv() => match out {
                Some(Outbound::Frame(text)) => {
                    if session.text(text).await.is_err() {
                        return;
                    }
                }
                Some(Outbound::Close(why)) => break Some(CloseReason { code: CloseCode::Policy, description: Some(why) }),
                None => break None,
            },
            incoming = stream.recv() => match incoming {
                Some(Ok(Message::Ping(bytes))) => {
                    last_heard = Instant::now();
                    if session.pong(&bytes).await.is_err() {
                        return;
                    }
                }
                Some(Ok(Message::Text(text))) => {
                    last_heard = Instant::now();
                    let asked: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                    let answer = match asked["type"].as_str() {
                        Some("ping") => Some(frame("pong", json!({}))),
                        Some("token") => match renewed(state, &claims, asked["token"].as_str().unwrap_or_default()).await {
                            Ok(fresh) => {
                                claims = fresh;
                                state.hub.moved_session(id, claims.sid);
                                deadline = deadline_of(claims.exp);
                                warned = false;
                                Some(frame("token.accepted", json!({ "expires_at": claims.exp })))
                            }
                            Err(reason) => Some(frame("error", json!({ "reason": reason }))),
                        },
                        _ => None,
                    };
                    if let Some(answer) = answer
                        && session.text(answer).await.is_err()
                    {
                        return;
                    }
                }
                Some(Ok(Message::Pong(_) | Message::Binary(_) | Message::Continuation(_) | Message::Nop)) => {
                    last_heard = Instant::now();
                }
                Some(Ok(Message::Close(_))) | None => break None,
                Some(Err(_)) => break Some(CloseReason { code: CloseCode::Protocol, description: None }),
            },
            _ = ticker.tick() => {
                if last_heard.elapsed() > beat * 3 {
                    break Some(CloseReason { code: CloseCode::Away, description: Some("no heartbeat".into()) });
                }
                // A revocation whose event this replica missed still ends the connection; a
                // check that cannot be made ends it too (fail closed).
                match state.revocations.is_revoked(claims.sub, claims.sid).await {
                    Ok(false) => {}
                    Ok(true) => {
                        let _ = session.text(frame("session.expired", json!({ "session_id": claims.sid, "reason": "revoked" }))).await;
                        break Some(CloseReason { code: CloseCode::Policy, description: Some("session expired".into()) });
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "the revocation set cannot be read; closing a live connection");
                        break Some(CloseReason { code: CloseCode::Error, description: Some("revocation check unavailable".into()) });
                    }
                }
                if session.ping(b"").await.is_err() {
                    return;
                }
            }
        }
    };
    // Frames queued before a close (the `session.expired` notice) go out first.
    while let Ok(Outbound::Frame(text)) = rx.try_recv() {
        if session.text(text).await.is_err() {
            return;
        }
    }
    let _ = session.close(close).await;
}
