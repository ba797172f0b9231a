//! The event backbone under load:
//! - steady state: sign-ups as fast as argon2 allows; the lag from each event's `occurred_at`
//!   to its audit entry's `recorded_at`, and to its webhook delivery at a local receiver;
//! - capacity: audit and webhooks are paused (SIGSTOP) while profile updates pile events up
//!   in their queues, then resumed; how fast each drains the backlog (events/s into the
//!   audit chain, deliveries/s to the receiver);
//! - WebSocket fan-out: 100 members of one organization, each with a socket; the time from
//!   an organization update's request to each member's frame.

use futures::StreamExt;
use hdrhistogram::Histogram;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

fn now_micros() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros() as i64).unwrap_or(0)
}

fn micros(rfc3339: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(rfc3339).ok().map(|t| t.timestamp_micros())
}

pub(crate) fn ms(h: &Histogram<u64>, q: f64) -> f64 {
    h.value_at_quantile(q) as f64 / 1000.0
}

/// A webhook receiver: HTTP/1.1 with keep-alive on loopback, answering 204 and noting each
/// delivery's arrival time and its event's `occurred_at` and type.
#[derive(Clone, Default)]
pub struct Receiver {
    pub got: Arc<Mutex<Vec<(i64, i64, String)>>>,
}

impl Receiver {
    pub async fn start() -> anyhow::Result<(Receiver, String)> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://127.0.0.1:{}/hook", listener.local_addr()?.port());
        let receiver = Receiver::default();
        let got = receiver.got.clone();
        tokio::task::spawn_local(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let got = got.clone();
                tokio::task::spawn_local(async move {
                    let _ = serve(stream, got).await;
                });
            }
        });
        Ok((receiver, url))
    }

    pub fn count(&self, kind: &str) -> usize {
        self.got.lock().map(|g| g.iter().filter(|(_, _, t)| t == kind).count()).unwrap_or(0)
    }
}

async fn serve(
    stream: tokio::net::TcpStream, got: Arc<Mutex<Vec<(i64, i64, String)>>>,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    loop {
        let mut length = 0usize;
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((name, value)) = l.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body).await?;
        let arrived = now_micros();
        if let Ok(event) = serde_json::from_slice::<Value>(&body) {
            let occurred = event["occurred_at"].as_str().and_then(micros).unwrap_or(arrived);
            let kind = event["type"].as_str().unwrap_or_default().to_string();
            if let Ok(mut g) = got.lock() {
                g.push((arrived, occurred, kind));
            }
        }
        write.write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n").await?;
    }
}

/// Audit entries of `kind` with `occurred_at` in the window, as (occurred, recorded) micros,
/// read with the streamed export.
async fn audit_times(
    http: &reqwest::Client, gateway: &str, admin: &str, kind: &str, from: i64, to: i64,
) -> anyhow::Result<Vec<(i64, i64)>> {
    let t = |m: i64| chrono::DateTime::from_timestamp_micros(m).unwrap_or_default();
    let text = http
        .post(format!("{gateway}/api/v1/audit-logs/export"))
        .bearer_auth(admin)
        .json(&json!({"format": "jsonl", "type": kind, "from": t(from), "to": t(to)}))
        .send()
        .await?
        .error_for_status()?
        .text()
        .await?;
    Ok(text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|e| Some((micros(e["occurred_at"].as_str()?)?, micros(e["recorded_at"].as_str()?)?)))
        .collect())
}

/// Waits (bounded) until `count()` reaches `want`.
async fn until<F, Fut>(what: &str, want: usize, timeout: Duration, mut count: F) -> anyhow::Result<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<usize>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        let n = count().await?;
        if n >= want {
            return Ok(());
        }
        anyhow::ensure!(Instant::now() < deadline, "{what}: {n} of {want} after {timeout:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Waits (up to a minute) until the audit chain has stopped growing for a second: the events
/// of the previous scenario have all been processed.
pub async fn quiet(http: &reqwest::Client, gateway: &str, admin: Option<&str>) {
    let Some(admin) = admin else { return };
    let head = || async {
        let page: Value = http
            .get(format!("{gateway}/api/v1/audit-logs?limit=1"))
            .bearer_auth(admin)
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        page["data"][0]["seq"].as_i64()
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut last = head().await;
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let now = head().await;
        if now == last {
            return;
        }
        last = now;
    }
}

fn lag_histogram(pairs: impl Iterator<Item = (i64, i64)>) -> Histogram<u64> {
    let mut h = Histogram::<u64>::new(3).expect("histogram");
    for (occurred, seen) in pairs {
        let _ = h.record((seen - occurred).max(0) as u64);
    }
    h
}

fn signal(pid: Option<&str>, sig: &str) {
    if let Some(pid) = pid {
        let _ = std::process::Command::new("kill").args([sig, pid]).status();
    }
}

pub struct Setup<'a> {
    pub http: &'a reqwest::Client,
    pub gateway: &'a str,
    pub admin: &'a str,
    pub seconds: u64,
    pub concurrency: usize,
    pub audit_pid: Option<&'a str>,
    pub webhooks_pid: Option<&'a str>,
}

pub async fn run(s: Setup<'_>) -> anyhow::Result<()> {
    let (receiver, hook_url) = Receiver::start().await?;
    let created = s
        .http
        .post(format!("{}/api/v1/webhooks", s.gateway))
        .bearer_auth(s.admin)
        .json(&json!({"url": hook_url, "events": ["user.created", "user.updated"], "description": "bench"}))
        .send()
        .await?;
    anyhow::ensure!(created.status().is_success(), "webhook endpoint: {}", created.status());

    // Steady state: sign-ups as fast as the machine hashes passwords.
    let from = now_micros();
    let deadline = Instant::now() + Duration::from_secs(s.seconds);
    let signups = Arc::new(Mutex::new(0usize));
    let mut tasks = Vec::new();
    for _ in 0..s.concurrency {
        let (http, gateway, signups) = (s.http.clone(), s.gateway.to_string(), signups.clone());
        tasks.push(tokio::task::spawn_local(async move {
            while Instant::now() < deadline {
                let email = format!("bench-ev-{}@example.com", uuid::Uuid::new_v4().simple());
                let ok = http
                    .post(format!("{gateway}/api/v1/auth/signup"))
                    .json(&json!({"email": email, "password": "correct horse battery staple"}))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                if ok && let Ok(mut n) = signups.lock() {
                    *n += 1;
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let to = now_micros();
    let n = *signups.lock().expect("count");
    let window = (to - from) as f64 / 1e6;
    until("sign-ups in the audit log", n, Duration::from_secs(60), || async {
        Ok(audit_times(s.http, s.gateway, s.admin, "user.created", from, to + 60_000_000).await?.len())
    })
    .await?;
    until("sign-ups at the webhook receiver", n, Duration::from_secs(60), || async {
        Ok(receiver.count("user.created"))
    })
    .await?;
    let audited = audit_times(s.http, s.gateway, s.admin, "user.created", from, to + 60_000_000).await?;
    let audit_lag = lag_histogram(audited.iter().copied());
    let hook_lag = lag_histogram(
        receiver
            .got
            .lock()
            .expect("receiver")
            .iter()
            .filter(|(_, _, t)| t == "user.created")
            .map(|(arrived, occurred, _)| (*occurred, *arrived)),
    );
    println!(
        "{:<34} {:>10.1} sign-ups/s (argon2-bound; the highest rate this machine sustains)",
        "sign-ups, event source",
        n as f64 / window
    );
    println!(
        "{:<34} {:>10} entries   lag p50 {:>7.2} ms   p99 {:>7.2} ms (occurred_at -> recorded_at)",
        "  outbox -> audit chain",
        audited.len(),
        ms(&audit_lag, 0.5),
        ms(&audit_lag, 0.99)
    );
    println!(
        "{:<34} {:>10} deliveries lag p50 {:>7.2} ms   p99 {:>7.2} ms (occurred_at -> receiver)",
        "  outbox -> webhook receiver",
        receiver.count("user.created"),
        ms(&hook_lag, 0.5),
        ms(&hook_lag, 0.99)
    );

    // Capacity: a backlog built while audit and webhooks are paused, then drained.
    let token = crate::signup(s.http, s.gateway, "updates").await?;
    let me: Value =
        s.http.get(format!("{}/api/v1/auth/me", s.gateway)).bearer_auth(&token).send().await?.json().await?;
    let me_url = format!("{}/api/v1/users/{}", s.gateway, me["id"].as_str().unwrap_or_default());
    signal(s.audit_pid, "-STOP");
    signal(s.webhooks_pid, "-STOP");
    let from = now_micros();
    let deadline = Instant::now() + Duration::from_secs(s.seconds.min(5));
    let updates = Arc::new(Mutex::new(0usize));
    let mut tasks = Vec::new();
    for i in 0..s.concurrency {
        let (http, url, token, updates) = (s.http.clone(), me_url.clone(), token.clone(), updates.clone());
        tasks.push(tokio::task::spawn_local(async move {
            let mut k = 0u64;
            while Instant::now() < deadline {
                k += 1;
                let ok = http
                    .put(&url)
                    .bearer_auth(&token)
                    .json(&json!({"name": format!("Bench {i}-{k}")}))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                if ok && let Ok(mut n) = updates.lock() {
                    *n += 1;
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let to = now_micros();
    let backlog = *updates.lock().expect("count");
    let resumed = now_micros();
    signal(s.audit_pid, "-CONT");
    signal(s.webhooks_pid, "-CONT");
    until("the backlog in the audit log", backlog, Duration::from_secs(180), || async {
        Ok(audit_times(s.http, s.gateway, s.admin, "user.updated", from, to + 1_000_000).await?.len())
    })
    .await?;
    let audited = audit_times(s.http, s.gateway, s.admin, "user.updated", from, to + 1_000_000).await?;
    let last_recorded = audited.iter().map(|(_, r)| *r).max().unwrap_or(resumed);
    let audit_rate = audited.len() as f64 / ((last_recorded - resumed) as f64 / 1e6).max(1e-3);
    until("the backlog at the webhook receiver", backlog, Duration::from_secs(300), || async {
        Ok(receiver.count("user.updated"))
    })
    .await?;
    let last_delivered = receiver
        .got
        .lock()
        .expect("receiver")
        .iter()
        .filter(|(_, _, t)| t == "user.updated")
        .map(|(a, _, _)| *a)
        .max()
        .unwrap_or(resumed);
    let hook_rate = backlog as f64 / ((last_delivered - resumed) as f64 / 1e6).max(1e-3);
    println!(
        "{:<34} {:>10} events piled up while audit and webhooks were paused ({:.0}/s produced)",
        "profile updates, event source",
        backlog,
        backlog as f64 / ((to - from) as f64 / 1e6)
    );
    println!(
        "{:<34} {:>10.0} events/s into the hash chain (batched appends)",
        "  audit drains the backlog", audit_rate
    );
    println!(
        "{:<34} {:>10.0} deliveries/s to a local receiver (signed, one endpoint)",
        "  webhooks drain the backlog", hook_rate
    );
    println!(
        "{:<34} {:>10.2} (baseline: audit events/s)",
        "  ratio webhooks to audit",
        hook_rate / audit_rate.max(1e-9)
    );
    fan_out(&s).await
}

/// 100 members with a socket each; the organization is renamed 30 times, one at a time; each
/// member's frame is timed from the request's start.
async fn fan_out(s: &Setup<'_>) -> anyhow::Result<()> {
    const MEMBERS: usize = 100;
    const UPDATES: usize = 30;
    let owner = crate::signup(s.http, s.gateway, "fanout-owner").await?;
    let org: Value = s
        .http
        .post(format!("{}/api/v1/organizations", s.gateway))
        .bearer_auth(&owner)
        .json(&json!({"name": format!("Fan-out {}", uuid::Uuid::new_v4().simple())}))
        .send()
        .await?
        .json()
        .await?;
    let org_id = org["id"].as_str().unwrap_or_default().to_string();
    let ws_base = s.gateway.replace("http://", "ws://");
    let mut sockets = Vec::new();
    for _ in 0..MEMBERS {
        let token = crate::signup(s.http, s.gateway, "fanout").await?;
        let me: Value = s
            .http
            .get(format!("{}/api/v1/auth/me", s.gateway))
            .bearer_auth(&token)
            .send()
            .await?
            .json()
            .await?;
        let added = s
            .http
            .post(format!("{}/api/v1/organizations/{org_id}/members", s.gateway))
            .bearer_auth(&owner)
            .json(&json!({"user_id": me["id"], "role": "member"}))
            .send()
            .await?;
        anyhow::ensure!(added.status().is_success(), "member add: {}", added.status());
        let (socket, _) =
            tokio_tungstenite::connect_async(format!("{ws_base}/api/v1/websocket/ws?token={token}")).await?;
        sockets.push(socket);
    }
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(String, Instant)>();
    for socket in sockets {
        let tx = tx.clone();
        tokio::task::spawn_local(async move {
            let (_, mut read) = socket.split();
            while let Some(Ok(msg)) = read.next().await {
                if let tokio_tungstenite::tungstenite::Message::Text(text) = msg
                    && let Ok(frame) = serde_json::from_str::<Value>(&text)
                    && frame["type"] == "organization.updated"
                    && let Some(name) = frame["data"]["name"].as_str()
                {
                    let _ = tx.send((name.to_string(), Instant::now()));
                }
            }
        });
    }
    let mut h = Histogram::<u64>::new(3).expect("histogram");
    let mut missing = 0usize;
    for i in 0..UPDATES {
        let name = format!("Fan-out round {i}");
        let started = Instant::now();
        let resp = s
            .http
            .put(format!("{}/api/v1/organizations/{org_id}", s.gateway))
            .bearer_auth(&owner)
            .json(&json!({"name": name}))
            .send()
            .await?;
        anyhow::ensure!(resp.status().is_success(), "organization update: {}", resp.status());
        let mut seen = 0;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while seen < MEMBERS {
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Some((got, at))) if got == name => {
                    let _ = h.record(at.duration_since(started).as_micros() as u64);
                    seen += 1;
                }
                Ok(Some(_)) => {}
                _ => break,
            }
        }
        missing += MEMBERS - seen;
    }
    println!(
        "{:<34} {:>10} frames   p50 {:>7.2} ms   p99 {:>7.2} ms (request start -> member's frame; {} missing)",
        "WebSocket fan-out, 100 members",
        h.len(),
        ms(&h, 0.5),
        ms(&h, 0.99),
        missing
    );
    Ok(())
}
