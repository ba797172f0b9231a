//! Compliance under a populated audit log: the platform admin with 1,000 audit entries
//! (profile changes, each a `user.updated` event in the hash chain), then
//! - reading every control (all frameworks, platform scope): the first read verifies the whole
//!   chain, later ones within a minute reuse that verification;
//! - generating a signed SOC 2 report: from the request (202) to the report read back
//!   `completed` (controls judged, chain head taken, auth's JWS, audit event), five in a row;
//! - exporting that person's data: from the request (202) to the export read back `ready`
//!   (every service's part, the ZIP with its manifest, sealed, the link's mail queued), five in
//!   a row. (The admin is the subject because an export goes only to a verified address.)

use crate::enterprise::ok_json;
use crate::events::ms;
use hdrhistogram::Histogram;
use serde_json::json;
use std::time::{Duration, Instant};

/// Audit entries the subject of the figures has.
const ENTRIES: usize = 1000;

pub struct Setup<'a> {
    pub http: &'a reqwest::Client,
    pub gateway: &'a str,
    pub admin: &'a str,
}

/// Entries of the audit log whose subject is `user` (counted page by page).
async fn entries_about(s: &Setup<'_>, user: &str) -> anyhow::Result<usize> {
    let (mut n, mut cursor) = (0, None::<String>);
    loop {
        let mut url = format!("{}/api/v1/audit-logs/users/{user}?limit=100", s.gateway);
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let page = ok_json(s.http.get(url).bearer_auth(s.admin).send().await?, "audit page").await?;
        n += page["data"].as_array().map_or(0, Vec::len);
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return Ok(n),
        }
    }
}

pub async fn run(s: Setup<'_>, quiet: impl AsyncFn()) -> anyhow::Result<()> {
    let me =
        ok_json(s.http.get(format!("{}/api/v1/auth/me", s.gateway)).bearer_auth(s.admin).send().await?, "me")
            .await?;
    let (user, token) = (me["id"].as_str().unwrap_or_default(), s.admin);
    let url = format!("{}/api/v1/users/{user}", s.gateway);
    let started = Instant::now();
    for batch in 0..ENTRIES / 50 {
        let updates = (0..50).map(|i| {
            let body = json!({ "name": format!("Bench {}", batch * 50 + i) });
            s.http.put(&url).bearer_auth(token).json(&body).send()
        });
        for resp in futures::future::join_all(updates).await {
            anyhow::ensure!(resp?.status().is_success(), "profile update refused");
        }
    }
    quiet().await;
    let deadline = Instant::now() + Duration::from_secs(120);
    let entries = loop {
        let n = entries_about(&s, user).await?;
        if n >= ENTRIES || Instant::now() > deadline {
            break n;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    println!(
        "compliance: a person with {entries} audit entries ({:.1} s to record)",
        started.elapsed().as_secs_f64()
    );

    let controls_url = format!("{}/api/v1/compliance/controls", s.gateway);
    let timed_read = async || -> anyhow::Result<(f64, usize, i64)> {
        let t = Instant::now();
        let page = ok_json(s.http.get(&controls_url).bearer_auth(s.admin).send().await?, "controls").await?;
        let controls = page["data"].as_array().cloned().unwrap_or_default();
        let chain = controls
            .iter()
            .find_map(|c| c["evidence"]["audit_chain"]["entries_checked"].as_i64())
            .unwrap_or_default();
        Ok((t.elapsed().as_secs_f64() * 1000.0, controls.len(), chain))
    };
    // A minute after the last read, the next one verifies the chain again.
    tokio::time::sleep(Duration::from_secs(61)).await;
    let (first, controls, chain) = timed_read().await?;
    let mut cached = Histogram::<u64>::new(3).expect("histogram");
    for _ in 0..20 {
        let _ = cached.record((timed_read().await?.0 * 1000.0) as u64);
    }
    println!(
        "{:<34} {:>10.1} ms ({controls} controls, {chain} chain entries verified)",
        "controls, chain verified", first
    );
    println!(
        "{:<34} {:>10.1} ms p50 {:>8.1} ms p99 (baseline: the read above)",
        "controls, verification reused",
        ms(&cached, 0.5),
        ms(&cached, 0.99)
    );

    let mut generation = Histogram::<u64>::new(3).expect("histogram");
    for _ in 0..5 {
        let t = Instant::now();
        let accepted = s
            .http
            .post(format!("{}/api/v1/compliance/reports", s.gateway))
            .bearer_auth(s.admin)
            .json(&json!({"framework": "soc2"}))
            .send()
            .await?;
        let id = ok_json(accepted, "report request").await?["id"].as_str().unwrap_or_default().to_owned();
        let report_url = format!("{}/api/v1/compliance/reports/{id}", s.gateway);
        loop {
            let report =
                ok_json(s.http.get(&report_url).bearer_auth(s.admin).send().await?, "report").await?;
            match report["status"].as_str() {
                Some("completed") => break,
                Some("failed") => anyhow::bail!("report failed: {}", report["error"]),
                _ => tokio::time::sleep(Duration::from_millis(10)).await,
            }
            anyhow::ensure!(t.elapsed() < Duration::from_secs(60), "report not generated within a minute");
        }
        let _ = generation.record(t.elapsed().as_micros() as u64);
    }
    println!(
        "{:<34} {:>10.1} ms p50 {:>8.1} ms max; {:.1}x a controls read",
        "signed SOC 2 report, request->done",
        ms(&generation, 0.5),
        ms(&generation, 1.0),
        ms(&generation, 0.5) / first.max(1e-9)
    );

    let mut exports = Histogram::<u64>::new(3).expect("histogram");
    let mut size = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let accepted = s
            .http
            .post(format!("{}/api/v1/compliance/privacy/data-export", s.gateway))
            .bearer_auth(s.admin)
            .json(&json!({}))
            .send()
            .await?;
        let id = ok_json(accepted, "export request").await?["id"].as_str().unwrap_or_default().to_owned();
        let export_url = format!("{}/api/v1/compliance/privacy/data-export/{id}", s.gateway);
        loop {
            let export =
                ok_json(s.http.get(&export_url).bearer_auth(s.admin).send().await?, "export").await?;
            match export["status"].as_str() {
                Some("ready") => {
                    size = export["size_bytes"].as_i64().unwrap_or_default();
                    break;
                }
                Some("failed") => anyhow::bail!("export failed: {}", export["error"]),
                _ => tokio::time::sleep(Duration::from_millis(10)).await,
            }
            anyhow::ensure!(t.elapsed() < Duration::from_secs(60), "export not ready within a minute");
        }
        let _ = exports.record(t.elapsed().as_micros() as u64);
    }
    println!(
        "{:<34} {:>10.1} ms p50 {:>8.1} ms max; {:.1}x a report ({} KiB ZIP)",
        "data export, request->ready",
        ms(&exports, 0.5),
        ms(&exports, 1.0),
        ms(&exports, 0.5) / ms(&generation, 0.5).max(1e-9),
        size / 1024
    );
    Ok(())
}
