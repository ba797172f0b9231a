//! Overload: password sign-ins offered at twice the capacity measured just before, open loop
//! (a request every 1/rate s whatever the answers, as real clients arrive), for 30 s. What it
//! shows: the share shed at once (429/503, each with `Retry-After`), the p99 of the requests
//! admitted against the p99 at capacity (the bounded queues keep it within 2x), and that no
//! service process died or grew without bound.

use hdrhistogram::Histogram;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Requests the generator keeps outstanding at most; beyond, an arrival is counted as not sent
/// (the generator's own limit, not the stack's).
const MAX_OUTSTANDING: usize = 4096;

enum Answer {
    Admitted,
    Shed { retry_after: bool },
    Other,
}

#[derive(Default)]
struct Tally {
    ok: u64,
    shed: u64,
    shed_without_retry_after: u64,
    other: u64,
    not_sent: u64,
}

pub struct Report {
    pub offered_rate: f64,
    pub seconds: u64,
    pub sent: u64,
    ok: u64,
    shed: u64,
    shed_without_retry_after: u64,
    other: u64,
    not_sent: u64,
    admitted: Histogram<u64>,
    rss_before: BTreeMap<String, u64>,
    rss_peak: BTreeMap<String, u64>,
    rss_after: BTreeMap<String, u64>,
    dead: Vec<String>,
}

fn alive(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map(|s| !s.lines().any(|l| l.starts_with("State:") && (l.contains("zombie") || l.contains("dead"))))
        .unwrap_or(false)
}

pub async fn run(
    http: &reqwest::Client, url: &str, body: Arc<Value>, rate: f64, seconds: u64, pids: &[(String, String)],
) -> Report {
    let rss_before = crate::rss_all(pids);
    let mut rss_peak = rss_before.clone();
    let tally = Rc::new(RefCell::new(Tally::default()));
    let admitted = Rc::new(RefCell::new(Histogram::<u64>::new(3).expect("histogram")));
    let outstanding = Rc::new(RefCell::new(0usize));
    let mut ticks = tokio::time::interval(Duration::from_secs_f64(1.0 / rate.max(0.1)));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut next_sample = Instant::now();
    let mut sent = 0u64;
    let mut tasks = Vec::new();
    while Instant::now() < deadline {
        ticks.tick().await;
        if Instant::now() >= next_sample {
            for (name, rss) in crate::rss_all(pids) {
                let e = rss_peak.entry(name).or_insert(0);
                *e = (*e).max(rss);
            }
            next_sample = Instant::now() + Duration::from_millis(500);
        }
        if *outstanding.borrow() >= MAX_OUTSTANDING {
            tally.borrow_mut().not_sent += 1;
            continue;
        }
        sent += 1;
        *outstanding.borrow_mut() += 1;
        let (http, url, body) = (http.clone(), url.to_string(), body.clone());
        let (tally, admitted, outstanding) = (tally.clone(), admitted.clone(), outstanding.clone());
        tasks.push(tokio::task::spawn_local(async move {
            let started = Instant::now();
            let answer = http.post(&url).json(&*body).send().await;
            // What came back, read in full before the tally is touched.
            let outcome = match answer {
                Ok(resp) if resp.status().is_success() => {
                    if resp.bytes().await.is_ok() {
                        Answer::Admitted
                    } else {
                        Answer::Other
                    }
                }
                Ok(resp) if matches!(resp.status().as_u16(), 429 | 503) => {
                    Answer::Shed { retry_after: resp.headers().contains_key("retry-after") }
                }
                _ => Answer::Other,
            };
            let took = started.elapsed();
            let mut t = tally.borrow_mut();
            match outcome {
                Answer::Admitted => {
                    t.ok += 1;
                    let _ = admitted.borrow_mut().record(took.as_micros() as u64);
                }
                Answer::Shed { retry_after } => {
                    t.shed += 1;
                    if !retry_after {
                        t.shed_without_retry_after += 1;
                    }
                }
                Answer::Other => t.other += 1,
            }
            drop(t);
            *outstanding.borrow_mut() -= 1;
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    let rss_after = crate::rss_all(pids);
    let dead = pids.iter().filter(|(_, pid)| !alive(pid)).map(|(name, _)| name.clone()).collect();
    let t = tally.borrow();
    Report {
        offered_rate: rate,
        seconds,
        sent,
        ok: t.ok,
        shed: t.shed,
        shed_without_retry_after: t.shed_without_retry_after,
        other: t.other,
        not_sent: t.not_sent,
        admitted: admitted.borrow().clone(),
        rss_before,
        rss_peak,
        rss_after,
        dead,
    }
}

impl Report {
    /// The figures, against the p99 at capacity (ms).
    pub fn print(&self, p99_at_capacity_ms: f64) {
        let share = |n: u64| 100.0 * n as f64 / self.sent.max(1) as f64;
        let p99 = self.admitted.value_at_quantile(0.99) as f64 / 1000.0;
        println!(
            "{:<34} {:>10.1} req/s offered for {} s (2x the capacity above), open loop: {} sent",
            "overload: password sign-ins", self.offered_rate, self.seconds, self.sent
        );
        println!(
            "{:<34} {:>9.1} % answered 2xx ({}), {:.1} % shed 429/503 ({}, {} without Retry-After), {} other errors, {} not sent by the generator",
            "  answers",
            share(self.ok),
            self.ok,
            share(self.shed),
            self.shed,
            self.shed_without_retry_after,
            self.other,
            self.not_sent
        );
        println!(
            "{:<34} {:>10.2} ms p99 admitted (p50 {:.2} ms); at capacity p99 {:.2} ms; ratio {:.2} (target <= 2.00)",
            "  latency of the admitted",
            p99,
            self.admitted.value_at_quantile(0.5) as f64 / 1000.0,
            p99_at_capacity_ms,
            p99 / p99_at_capacity_ms.max(1e-9)
        );
        let processes =
            if self.dead.is_empty() { "all alive".to_string() } else { format!("DIED: {:?}", self.dead) };
        println!("{:<34} {processes}", "  service processes");
        for (name, before) in &self.rss_before {
            println!(
                "{:<34} {:>9} KiB before, {:>9} KiB peak, {:>9} KiB after",
                format!("  RSS {name}"),
                before,
                self.rss_peak.get(name).copied().unwrap_or(0),
                self.rss_after.get(name).copied().unwrap_or(0)
            );
        }
    }
}
