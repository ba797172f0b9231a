//! A webhook receiver on loopback for tests: a real HTTP server that keeps every request it
//! gets (method, path, headers, body bytes) and answers from a script (for example 500 three
//! times, then 200), or with a default status once the script is used up.

use crate::peer::Peer;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the receiver got it.
#[derive(Debug, Clone)]
pub struct ReceivedRequest {
    pub method: String,
    pub path: String,
    /// Names in lower case, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The status the receiver answered with.
    pub answered: u16,
}

impl ReceivedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// How the receiver answers one request.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    /// Extra headers (a `location` for a redirect, a `content-type`).
    pub headers: Vec<(String, String)>,
    /// Waits this long before answering (to run into the sender's timeout).
    pub delay: Duration,
}

impl Reply {
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            body: format!("janua-testkit receiver answered {status}"),
            headers: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    /// A redirect to `to`.
    pub fn redirect(to: &str) -> Reply {
        Reply::status(302).with_header("location", to)
    }

    /// A 200 JSON document.
    pub fn json(body: &serde_json::Value) -> Reply {
        Reply::status(200).with_body(body.to_string()).with_header("content-type", "application/json")
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_ascii_lowercase(), value.to_string()));
        self
    }

    pub fn with_body(mut self, body: impl Into<String>) -> Reply {
        self.body = body.into();
        self
    }

    pub fn after(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

struct Inner {
    received: Vec<ReceivedRequest>,
    script: VecDeque<Reply>,
    default: Reply,
}

#[derive(Clone)]
pub struct WebhookReceiver {
    peer: Peer,
    inner: Arc<Mutex<Inner>>,
}

async fn receive(req: HttpRequest, body: web::Bytes, inner: web::Data<Arc<Mutex<Inner>>>) -> HttpResponse {
    let reply = {
        let mut inner = inner.lock().unwrap();
        let reply = inner.script.pop_front().unwrap_or_else(|| inner.default.clone());
        inner.received.push(ReceivedRequest {
            method: req.method().to_string(),
            path: req.uri().to_string(),
            headers: req
                .headers()
                .iter()
                .map(|(n, v)| {
                    (n.as_str().to_ascii_lowercase(), String::from_utf8_lossy(v.as_bytes()).into_owned())
                })
                .collect(),
            body: body.to_vec(),
            answered: reply.status,
        });
        reply
    };
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let status = actix_web::http::StatusCode::from_u16(reply.status)
        .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR);
    let mut answer = HttpResponse::build(status);
    if !reply.headers.iter().any(|(n, _)| n == "content-type") {
        answer.content_type("text/plain");
    }
    for (name, value) in &reply.headers {
        answer.insert_header((name.as_str(), value.as_str()));
    }
    answer.body(reply.body)
}

impl WebhookReceiver {
    /// Listens on 127.0.0.1 on a free port; answers 200 until scripted otherwise.
    pub async fn start() -> WebhookReceiver {
        let inner = Arc::new(Mutex::new(Inner {
            received: Vec::new(),
            script: VecDeque::new(),
            default: Reply::status(200).with_body("ok"),
        }));
        let data = web::Data::new(inner.clone());
        let peer = Peer::serve(move |app| {
            app.app_data(data.clone())
                .app_data(web::PayloadConfig::new(8 * 1024 * 1024))
                .default_service(web::to(receive));
        });
        WebhookReceiver { peer, inner }
    }

    /// The URL to register as an endpoint.
    pub fn url(&self) -> String {
        format!("{}/hook", self.peer.base())
    }

    pub fn base(&self) -> &str {
        self.peer.base()
    }

    /// The next requests are answered with these statuses, in order (after any already
    /// scripted); then the default applies.
    pub fn answer_next(&self, statuses: impl IntoIterator<Item = u16>) {
        self.script(statuses.into_iter().map(Reply::status));
    }

    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.inner.lock().unwrap().script.extend(replies);
    }

    /// Answers every request that the script does not cover with `status`.
    pub fn answer_always(&self, status: u16) {
        self.answer_always_with(Reply::status(status));
    }

    /// Answers every request that the script does not cover with `reply`.
    pub fn answer_always_with(&self, reply: Reply) {
        self.inner.lock().unwrap().default = reply;
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.inner.lock().unwrap().received.clone()
    }

    /// Waits until at least `count` requests came (panics after `timeout`) and answers them all.
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<ReceivedRequest> {
        crate::eventually(&format!("{count} webhook request(s) at {}", self.peer.base()), timeout, || async {
            let got = self.requests();
            (got.len() >= count).then_some(got)
        })
        .await
    }

    /// Waits for a request whose JSON body has `"type": event_type`.
    pub async fn wait_for_event(&self, event_type: &str, timeout: Duration) -> ReceivedRequest {
        crate::eventually(&format!("a {event_type} webhook at {}", self.peer.base()), timeout, || async {
            self.requests()
                .into_iter()
                .find(|r| serde_json::from_slice::<Value>(&r.body).is_ok_and(|v| v["type"] == event_type))
        })
        .await
    }
}
