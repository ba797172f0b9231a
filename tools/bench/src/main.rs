//! `make bench`: load figures for a running stack (started by `scripts/bench.sh` from release
//! binaries, one process per service), each printed with its baseline from the same run:
//! - argon2id hashes/s on all cores with the production parameters (the ceiling of sign-ins);
//! - password sign-ins/s through the gateway, p50/p99, and the ratio to that ceiling (the
//!   clients honour `Retry-After` as the SDKs do; the overload scenario is the one that does not);
//! - refresh grants/s (each worker follows its own rotating chain);
//! - `GET /api/v1/auth/me` through the gateway and directly against the service, p50/p99,
//!   and the latency the gateway adds;
//! - TOTP step-up verifications/s (`POST /mfa/totp/verify-code`, every request fully checked:
//!   a code is accepted once per step, the repeats are refused as replays after the same work);
//! - passkey sign-ins/s (begin, a software authenticator signs, complete: a token pair);
//! - `GET /api/v1/organizations/{id}/members` (20 members) through the gateway;
//! - messages formatted and invitation emails rendered per second in process, and
//!   `GET /api/v1/localization/translations/{locale}` through the gateway;
//! - policy evaluations/s in process (janua-authz: one policy of five conditions, and a set
//!   of 50 where a deny wins), on one core;
//! - RSS of each service process idle and under load;
//! - overload: sign-ins offered at twice the capacity just measured, open loop, for 30 s: the
//!   share shed (429/503 with `Retry-After`), the p99 of those admitted against the p99 at
//!   capacity, and that every service process survived without growing without bound;
//! - with `--scale` (`BENCH_SCALE=1`), last: the routes whose work could grow with the
//!   number of accounts, at 1,000 users and again at 1,000,000, as ratios (see `scale`).
//!
//! The load generator runs on one thread, so it takes at most one of the machine's cores.

mod compliance;
mod enterprise;
mod events;
mod overload;
mod scale;

use argon2::password_hash::PasswordHasher as _;
use argon2::{Algorithm, Argon2, Params, Version};
use clap::Parser;
use hdrhistogram::Histogram;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Parser)]
struct Args {
    #[arg(long, default_value = "http://127.0.0.1:18080")]
    gateway: String,
    /// The service that answers `GET /api/v1/auth/me` (identity), for the direct baseline.
    #[arg(long, default_value = "http://127.0.0.1:18082")]
    direct: String,
    /// Seconds per scenario.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// `name=pid` of each service process, for RSS.
    #[arg(long, value_delimiter = ',')]
    pids: Vec<String>,
    #[arg(long, default_value_t = 19456)]
    argon2_memory_kib: u32,
    #[arg(long, default_value_t = 2)]
    argon2_iterations: u32,
    /// The platform admin (`JANUA_BOOTSTRAP_ADMIN_*`), for the audit and webhook figures.
    #[arg(long)]
    admin_email: Option<String>,
    #[arg(long)]
    admin_password: Option<String>,
    /// The enterprise service itself (SCIM lookups direct).
    #[arg(long, default_value = "http://127.0.0.1:18084")]
    enterprise: String,
    /// The scratch database the stack runs on (the SCIM directory is loaded with SQL).
    #[arg(long, default_value = "janua_bench")]
    database: String,
    /// The loopback port of the DNS server the stack's `sso.dns_servers` names.
    #[arg(long, default_value_t = 18053)]
    dns_port: u16,
    /// Seconds of the overload scenario.
    #[arg(long, default_value_t = 30)]
    overload_seconds: u64,
    /// The WebAuthn origin the stack accepts (`JANUA_WEBAUTHN__RP_ORIGIN`).
    #[arg(long, default_value = "http://localhost:18080")]
    webauthn_origin: String,
    /// Also the scale figures (`BENCH_SCALE=1`): the routes at 1,000 users, then again at
    /// 1,000,000 (loaded by SQL), each as a ratio.
    #[arg(long)]
    scale: bool,
    /// Only these scenarios (`BENCH_ONLY`, comma-separated: signin, overload, refresh, me,
    /// translations, members, totp, passkeys, events, enterprise, compliance, scale), e.g. to
    /// profile one of them; all of them when empty.
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
}

impl Args {
    fn wants(&self, scenario: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|o| o == scenario)
    }
    /// Scale runs when asked for, by `--scale` or by name.
    fn wants_scale(&self) -> bool {
        (self.scale && self.only.is_empty()) || self.only.iter().any(|o| o == "scale")
    }
}

struct Outcome {
    ok: u64,
    errors: u64,
    elapsed: Duration,
    latency: Histogram<u64>,
}

impl Outcome {
    /// A scenario not run.
    fn skipped() -> Outcome {
        Outcome {
            ok: 0,
            errors: 0,
            elapsed: Duration::from_secs(1),
            latency: Histogram::new(3).expect("histogram"),
        }
    }
    fn rate(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64()
    }
    fn p(&self, q: f64) -> f64 {
        self.latency.value_at_quantile(q) as f64 / 1000.0
    }
    /// Throughput as a ratio to `baseline`'s.
    fn ratio_to(&self, baseline: &Outcome) -> f64 {
        self.rate() / baseline.rate().max(1e-9)
    }
    fn line(&self, name: &str) -> String {
        format!(
            "{name:<34} {:>10.1} req/s   p50 {:>7.2} ms   p99 {:>7.2} ms   ({} ok, {} errors)",
            self.rate(),
            self.p(0.50),
            self.p(0.99),
            self.ok,
            self.errors
        )
    }
}

/// The line under a figure with its ratio to a baseline or target: `label`, the ratio, and
/// what it is measured against.
fn print_ratio(label: &str, ratio: f64, against: &str) {
    println!("{:<34} {:>10.2} ({against})", format!("  {label}"), ratio);
}

fn rss_kib(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
}

fn rss_all(pids: &[(String, String)]) -> BTreeMap<String, u64> {
    pids.iter().filter_map(|(name, pid)| rss_kib(pid).map(|r| (name.clone(), r))).collect()
}

/// Hashes on every core for `seconds`: the most sign-ins/s this machine can do.
fn argon2_ceiling(args: &Args) -> f64 {
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let params = Params::new(args.argon2_memory_kib, args.argon2_iterations, 1, None).expect("argon2 params");
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let params = params.clone();
            std::thread::spawn(move || {
                let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
                let mut n = 0u64;
                while Instant::now() < deadline {
                    argon2.hash_password(b"correct horse battery staple").expect("hash");
                    n += 1;
                }
                n
            })
        })
        .collect();
    let started = Instant::now();
    let total: u64 = handles.into_iter().map(|h| h.join().unwrap_or(0)).sum();
    total as f64 / started.elapsed().as_secs_f64().max(args.seconds as f64)
}

/// Runs `concurrency` workers, each calling `step` (which returns whether the request
/// succeeded) until the time is up; samples RSS while it runs.
async fn drive<S, F>(
    args: &Args, pids: &[(String, String)], peak: &mut BTreeMap<String, u64>,
    make_state: impl Fn(usize) -> S, step: F,
) -> Outcome
where
    S: 'static,
    F: for<'a> Fn(&'a mut S) -> std::pin::Pin<Box<dyn std::future::Future<Output = bool> + 'a>>
        + Clone
        + 'static,
{
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let hist = Arc::new(Mutex::new(Histogram::<u64>::new(3).expect("histogram")));
    let counts = Arc::new(Mutex::new((0u64, 0u64)));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..args.concurrency {
        let (hist, counts, step) = (hist.clone(), counts.clone(), step.clone());
        let mut state = make_state(i);
        tasks.push(tokio::task::spawn_local(async move {
            let mut local = Histogram::<u64>::new(3).expect("histogram");
            let (mut ok, mut err) = (0u64, 0u64);
            while Instant::now() < deadline {
                let t = Instant::now();
                let good = step(&mut state).await;
                let _ = local.record(t.elapsed().as_micros() as u64);
                if good { ok += 1 } else { err += 1 }
            }
            let _ = hist.lock().map(|mut h| h.add(&local));
            if let Ok(mut c) = counts.lock() {
                c.0 += ok;
                c.1 += err;
            }
        }));
    }
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(500)).await;
        for (name, rss) in rss_all(pids) {
            let e = peak.entry(name).or_insert(0);
            *e = (*e).max(rss);
        }
    }
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = started.elapsed();
    let (ok, errors) = *counts.lock().expect("counts");
    let latency = hist.lock().expect("histogram").clone();
    Outcome { ok, errors, elapsed, latency }
}

type MeState = (reqwest::Client, String, String);

fn get_me(s: &mut MeState) -> std::pin::Pin<Box<dyn std::future::Future<Output = bool> + '_>> {
    Box::pin(async move {
        match s.0.get(&s.1).bearer_auth(&s.2).send().await {
            Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
            Err(_) => false,
        }
    })
}

async fn post(http: &reqwest::Client, url: &str, body: &Value) -> Option<Value> {
    let resp = http.post(url).json(body).send().await.ok()?;
    if !resp.status().is_success() {
        return None;
    }
    resp.json().await.ok()
}

/// Like [`post`], for a client that honours `Retry-After` as an SDK does: a request the
/// server shed (503) or throttled (429) waits the time it asks for (not past `deadline`)
/// before the next, instead of asking again at once.
async fn post_politely(http: &reqwest::Client, url: &str, body: &Value, deadline: Instant) -> Option<Value> {
    let resp = http.post(url).json(body).send().await.ok()?;
    if resp.status().is_success() {
        return resp.json().await.ok();
    }
    let asked = resp
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(seconds) = asked {
        let wait = Duration::from_secs(seconds).min(deadline.saturating_duration_since(Instant::now()));
        tokio::time::sleep(wait).await;
    }
    None
}

/// The code an authenticator app shows now for a base32 secret.
fn totp_now(secret_b32: &str) -> String {
    let secret = totp_rs::Secret::try_from_base32(secret_b32).unwrap_or_default();
    let totp = totp_rs::Builder::new().with_secret(secret).with_account_name("bench").build_noncompliant();
    totp.generate_current().to_string()
}

async fn signup(http: &reqwest::Client, gateway: &str, tag: &str) -> anyhow::Result<String> {
    let email = format!("bench-{tag}-{}@example.com", uuid::Uuid::new_v4().simple());
    let pair = post(
        http,
        &format!("{gateway}/api/v1/auth/signup"),
        &json!({"email": email, "password": "correct horse battery staple"}),
    )
    .await
    .ok_or_else(|| anyhow::anyhow!("signup failed"))?;
    Ok(pair["access_token"].as_str().unwrap_or_default().to_string())
}

async fn post_bearer(
    http: &reqwest::Client, url: &str, body: &Value, token: &str,
) -> Option<reqwest::Response> {
    http.post(url).bearer_auth(token).json(body).send().await.ok()
}

/// A user with TOTP on: (access token, base32 secret).
async fn totp_user(http: &reqwest::Client, gateway: &str) -> anyhow::Result<(String, String)> {
    let access = signup(http, gateway, "totp").await?;
    let setup: Value = post_bearer(http, &format!("{gateway}/api/v1/mfa/totp/generate"), &json!({}), &access)
        .await
        .ok_or_else(|| anyhow::anyhow!("totp generate failed"))?
        .json()
        .await?;
    let secret = setup["secret"].as_str().unwrap_or_default().to_string();
    let on = post_bearer(
        http,
        &format!("{gateway}/api/v1/mfa/totp/verify"),
        &json!({"code": totp_now(&secret)}),
        &access,
    )
    .await
    .ok_or_else(|| anyhow::anyhow!("totp verify failed"))?;
    anyhow::ensure!(on.status().is_success(), "totp enrolment answered {}", on.status());
    Ok((access, secret))
}

/// A user with one passkey in a software authenticator.
async fn passkey_user(
    http: &reqwest::Client, gateway: &str, origin: &str,
) -> anyhow::Result<janua_testkit::authenticator::SoftKey> {
    let access = signup(http, gateway, "passkey").await?;
    let begun: Value =
        post_bearer(http, &format!("{gateway}/api/v1/passkeys/register/begin"), &json!({}), &access)
            .await
            .ok_or_else(|| anyhow::anyhow!("passkey begin failed"))?
            .json()
            .await?;
    let mut key = janua_testkit::authenticator::SoftKey::new();
    let credential = key.create(origin, &begun).await;
    let done = post_bearer(
        http,
        &format!("{gateway}/api/v1/passkeys/register/complete"),
        &json!({"ceremony_id": begun["ceremony_id"], "credential": credential}),
        &access,
    )
    .await
    .ok_or_else(|| anyhow::anyhow!("passkey complete failed"))?;
    anyhow::ensure!(done.status().is_success(), "passkey registration answered {}", done.status());
    Ok(key)
}

/// Evaluations per second of `f` on this thread for about a second.
fn per_second(mut f: impl FnMut() -> bool) -> f64 {
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed() < Duration::from_secs(1) {
        for _ in 0..1000 {
            std::hint::black_box(f());
        }
        n += 1000;
    }
    n as f64 / started.elapsed().as_secs_f64()
}

/// Messages formatted per second in process (one message with a plural and variables, in
/// pt-BR after fallback), and whole letters (an invitation: every message, text and HTML).
fn message_figures() -> (f64, f64) {
    use janua_auth::letters::{Kind, Letter, Organization};
    use janua_i18n::{Resolver, Value};
    let resolver = Resolver::new("pt-BR", "en");
    let args = [
        ("inviter", Value::from("Ada")),
        ("organization", Value::from("Acme")),
        ("role", Value::from("admin")),
    ];
    let letter = Letter::new(Kind::Invitation, "pt-BR")
        .link("https://id.example.com/invitations/0b9f6c1e-0000-4000-8000-000000000000")
        .organization(Organization { id: uuid::Uuid::nil(), name: "Acme".into(), logo_url: None })
        .text("inviter", "Ada")
        .text("role", "admin")
        .lifetime(7 * 86_400);
    (
        per_second(|| !resolver.format("email.invitation.body", &args).is_empty()),
        per_second(|| !letter.render(&resolver).html.is_empty()),
    )
}

fn policy_figures() -> (f64, f64) {
    use janua_authz::{Effect, evaluate, sample};
    let req = sample::request();
    let one = sample::policy(0, Effect::Allow);
    let set = sample::set_of_fifty();
    (
        per_second(|| one.evaluate(&req).decision == Effect::Allow),
        per_second(|| evaluate(&set, &req).decision == Effect::Deny),
    )
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let pids: Vec<(String, String)> = args
        .pids
        .iter()
        .filter_map(|p| p.split_once('=').map(|(n, p)| (n.to_string(), p.to_string())))
        .collect();
    println!(
        "janua bench: {} s per scenario, {} concurrent clients, 1 client thread, {} cores",
        args.seconds,
        args.concurrency,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    println!();
    let idle = rss_all(&pids);
    let ceiling = if args.wants("signin") { argon2_ceiling(&args) } else { f64::NAN };
    println!(
        "{:<34} {:>10.1} hashes/s (m={} KiB, t={}, p=1, all cores) = the ceiling",
        "argon2id, bare", ceiling, args.argon2_memory_kib, args.argon2_iterations
    );

    let (one_policy, fifty_policies) = policy_figures();
    println!(
        "{:<34} {:>10.0} evaluations/s (one policy, 5 conditions, in process, 1 core)",
        "policy evaluation", one_policy
    );
    println!(
        "{:<34} {:>10.0} evaluations/s (50 policies, deny wins); ratio to one policy {:.3}",
        "policy set evaluation",
        fifty_policies,
        fifty_policies / one_policy.max(1e-9)
    );

    let (messages, letters) = message_figures();
    println!(
        "{:<34} {:>10.0} messages/s ({:.2} us each; pt-BR, plural and variables, in process, 1 core)",
        "message formatting",
        messages,
        1e6 / messages.max(1e-9)
    );
    println!(
        "{:<34} {:>10.0} letters/s ({:.1} us each: every message, text + HTML); ratio to one message {:.4}",
        "email rendering (invitation)",
        letters,
        1e6 / letters.max(1e-9),
        letters / messages.max(1e-9)
    );

    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async move {
        let http = reqwest::Client::builder().pool_max_idle_per_host(1024).build()?;
        let email = format!("bench-{}@example.com", uuid::Uuid::new_v4().simple());
        let password = "correct horse battery staple";
        let first = post(
            &http,
            &format!("{}/api/v1/auth/signup", args.gateway),
            &json!({"email": email, "password": password}),
        )
        .await
        .ok_or_else(|| anyhow::anyhow!("signup failed: is the stack up at {}?", args.gateway))?;
        let access = first["access_token"].as_str().unwrap_or_default().to_string();
        let mut peak = BTreeMap::new();
        let admin = match (&args.admin_email, &args.admin_password) {
            (Some(email), Some(password)) => {
                let pair = post(
                    &http,
                    &format!("{}/api/v1/auth/signin", args.gateway),
                    &json!({"email": email, "password": password}),
                )
                .await
                .ok_or_else(|| anyhow::anyhow!("admin sign-in failed"))?;
                Some(pair["access_token"].as_str().unwrap_or_default().to_string())
            }
            _ => None,
        };
        // Every request that changes something publishes an event, which audit and webhooks
        // then process; each scenario starts once that work from the one before is done.
        let quiet = || events::quiet(&http, &args.gateway, admin.as_deref());

        // Sign-ins: argon2-bound; compared with the bare ceiling.
        let signin_url = format!("{}/api/v1/auth/signin", args.gateway);
        let body = Arc::new(json!({"email": email, "password": password}));
        let signin = if !args.wants("signin") && !args.wants("overload") {
            Outcome::skipped()
        } else {
            drive(
                &args,
                &pids,
                &mut peak,
                // `drive` set its deadline just before making each worker's state.
                |_| {
                    let deadline = Instant::now() + Duration::from_secs(args.seconds);
                    (http.clone(), signin_url.clone(), body.clone(), deadline)
                },
                |s| Box::pin(async move { post_politely(&s.0, &s.1, &s.2, s.3).await.is_some() }),
            )
            .await
        };

        // Refresh: each worker rotates its own chain.
        let refresh_url = format!("{}/api/v1/auth/refresh", args.gateway);
        let mut chains = Vec::new();
        for _ in 0..args.concurrency * usize::from(args.wants("refresh")) {
            let pair =
                post(&http, &signin_url, &body).await.ok_or_else(|| anyhow::anyhow!("signin failed"))?;
            chains.push(pair["refresh_token"].as_str().unwrap_or_default().to_string());
        }
        quiet().await;
        let refresh = if !args.wants("refresh") {
            Outcome::skipped()
        } else {
            drive(
                &args,
                &pids,
                &mut peak,
                |i| (http.clone(), refresh_url.clone(), chains[i].clone()),
                |s| {
                    Box::pin(async move {
                        match post(&s.0, &s.1, &json!({"refresh_token": s.2})).await {
                            Some(pair) => {
                                s.2 = pair["refresh_token"].as_str().unwrap_or_default().to_string();
                                true
                            }
                            None => false,
                        }
                    })
                },
            )
            .await
        };

        // GET /me through the gateway and directly against the service.
        let me = |base: &str| {
            let url = format!("{base}/api/v1/auth/me");
            let (http, access) = (http.clone(), access.clone());
            move |_: usize| (http.clone(), url.clone(), access.clone())
        };
        quiet().await;
        // Loaded (throughput), then one client alone: the latency the hop adds, without the
        // queueing that saturation adds to every p50.
        let one = Args { concurrency: 1, seconds: args.seconds.min(5), ..args.clone() };
        let (me_gateway, me_direct, me_gateway_one, me_direct_one) = if args.wants("me") {
            (
                drive(&args, &pids, &mut peak, me(&args.gateway), get_me).await,
                drive(&args, &pids, &mut peak, me(&args.direct), get_me).await,
                drive(&one, &pids, &mut peak, me(&args.gateway), get_me).await,
                drive(&one, &pids, &mut peak, me(&args.direct), get_me).await,
            )
        } else {
            (Outcome::skipped(), Outcome::skipped(), Outcome::skipped(), Outcome::skipped())
        };

        // A locale's effective messages (public, after fallback), through the gateway.
        let translations_url = format!("{}/api/v1/localization/translations/pt-BR", args.gateway);
        let translations = if !args.wants("translations") {
            Outcome::skipped()
        } else {
            drive(
                &args,
                &pids,
                &mut peak,
                |_| (http.clone(), translations_url.clone(), access.clone()),
                get_me,
            )
            .await
        };

        // An organization of 20 members, listed through the gateway.
        let org: Value = post_bearer(
            &http,
            &format!("{}/api/v1/organizations", args.gateway),
            &json!({"name": format!("Bench {}", uuid::Uuid::new_v4().simple())}),
            &access,
        )
        .await
        .ok_or_else(|| anyhow::anyhow!("organization create failed"))?
        .json()
        .await?;
        let org_id = org["id"].as_str().unwrap_or_default().to_string();
        for _ in 0..19 * usize::from(args.wants("members")) {
            let member_token = signup(&http, &args.gateway, "member").await?;
            let me: Value = http
                .get(format!("{}/api/v1/auth/me", args.gateway))
                .bearer_auth(&member_token)
                .send()
                .await?
                .json()
                .await?;
            let added = post_bearer(
                &http,
                &format!("{}/api/v1/organizations/{org_id}/members", args.gateway),
                &json!({"user_id": me["id"], "role": "member"}),
                &access,
            )
            .await
            .ok_or_else(|| anyhow::anyhow!("member add failed"))?;
            anyhow::ensure!(added.status().is_success(), "member add answered {}", added.status());
        }
        let members_url = format!("{}/api/v1/organizations/{org_id}/members", args.gateway);
        quiet().await;
        let members = if !args.wants("members") {
            Outcome::skipped()
        } else {
            drive(&args, &pids, &mut peak, |_| (http.clone(), members_url.clone(), access.clone()), get_me)
                .await
        };

        // TOTP step-up checks: one enrolled user per worker.
        let mut totp_users = Vec::new();
        for _ in 0..args.concurrency * usize::from(args.wants("totp")) {
            totp_users.push(totp_user(&http, &args.gateway).await?);
        }
        let verify_url = format!("{}/api/v1/mfa/totp/verify-code", args.gateway);
        let accepted = Arc::new(Mutex::new(0u64));
        quiet().await;
        let totp = if !args.wants("totp") {
            Outcome::skipped()
        } else {
            let accepted = accepted.clone();
            drive(
                &args,
                &pids,
                &mut peak,
                |i| (http.clone(), verify_url.clone(), totp_users[i].clone(), accepted.clone()),
                |s| {
                    Box::pin(async move {
                        let code = totp_now(&s.2.1);
                        match post_bearer(&s.0, &s.1, &json!({ "code": code }), &s.2.0).await {
                            Some(r) if r.status().is_success() => {
                                *s.3.lock().expect("count") += 1;
                                r.bytes().await.is_ok()
                            }
                            // A replay: refused after the same full check.
                            Some(r) if r.status() == reqwest::StatusCode::UNAUTHORIZED => {
                                r.bytes().await.is_ok()
                            }
                            _ => false,
                        }
                    })
                },
            )
            .await
        };

        // Passkey sign-ins: one user and authenticator per worker.
        let mut keys = Vec::new();
        for _ in 0..args.concurrency * usize::from(args.wants("passkeys")) {
            keys.push(passkey_user(&http, &args.gateway, &args.webauthn_origin).await?);
        }
        let begin_url = format!("{}/api/v1/passkeys/authenticate/begin", args.gateway);
        let complete_url = format!("{}/api/v1/passkeys/authenticate/complete", args.gateway);
        let origin = args.webauthn_origin.clone();
        quiet().await;
        let passkeys = if !args.wants("passkeys") {
            Outcome::skipped()
        } else {
            drive(
                &args,
                &pids,
                &mut peak,
                |i| (http.clone(), begin_url.clone(), complete_url.clone(), keys[i].clone(), origin.clone()),
                |s| {
                    Box::pin(async move {
                        let Some(begun) = post(&s.0, &s.1, &json!({})).await else {
                            return false;
                        };
                        let credential = s.3.get(&s.4, &begun).await;
                        post(
                            &s.0,
                            &s.2,
                            &json!({"ceremony_id": begun["ceremony_id"], "credential": credential}),
                        )
                        .await
                        .is_some_and(|pair| pair["access_token"].is_string())
                    })
                },
            )
            .await
        };

        if args.wants("signin") {
            println!("{}", signin.line("password sign-in, via gateway"));
            print_ratio("ratio to the argon2 ceiling", signin.rate() / ceiling, "target >= 0.90");
        }
        if args.wants("overload") {
            // Twice what was just measured, offered whatever the answers.
            let overload = overload::run(
                &http,
                &signin_url,
                body.clone(),
                2.0 * signin.rate(),
                args.overload_seconds,
                &pids,
            )
            .await;
            overload.print(signin.p(0.99));
            // The overload's events are handled before the next figures.
            quiet().await;
        }
        if args.wants("refresh") {
            println!("{}", refresh.line("refresh grant, via gateway"));
            print_ratio("ratio to 2000/s", refresh.rate() / 2000.0, "target >= 1.00, i.e. 2000/s");
        }
        if args.wants("me") {
            println!("{}", me_gateway.line("GET /auth/me, via gateway"));
            println!("{}", me_direct.line("GET /auth/me, direct to identity"));
            print_ratio("gateway throughput ratio", me_gateway.ratio_to(&me_direct), "target >= 0.75");
            println!(
                "{:<34} {:>10.2} ms p50 under load ({} clients: queueing included)",
                "  gateway adds",
                me_gateway.p(0.5) - me_direct.p(0.5),
                args.concurrency
            );
            println!("{}", me_gateway_one.line("GET /auth/me, via gateway, 1 client"));
            println!("{}", me_direct_one.line("GET /auth/me, direct, 1 client"));
            println!(
                "{:<34} {:>10.3} ms p50, one client (target < 0.5 ms)",
                "  gateway adds",
                me_gateway_one.p(0.5) - me_direct_one.p(0.5),
            );
        }
        if args.wants("translations") {
            println!("{}", translations.line("GET /localization/translations"));
            print_ratio(
                "ratio to GET /auth/me",
                translations.ratio_to(&me_gateway),
                "baseline: GET /auth/me via gateway; pt-BR, every key, ETag",
            );
        }
        if args.wants("members") {
            println!("{}", members.line("GET /organizations/{id}/members"));
            print_ratio(
                "ratio to GET /auth/me",
                members.ratio_to(&me_gateway),
                "baseline: GET /auth/me via gateway",
            );
        }
        if args.wants("totp") {
            println!("{}", totp.line("TOTP verify-code, via gateway"));
            println!(
                "{:<34} {:>10} accepted (one per user per 30 s step), the rest refused as replays",
                "",
                *accepted.lock().expect("count")
            );
            print_ratio(
                "ratio to GET /auth/me",
                totp.ratio_to(&me_gateway),
                "baseline: GET /auth/me via gateway",
            );
        }
        if args.wants("passkeys") {
            println!("{}", passkeys.line("passkey sign-in (begin+complete)"));
            print_ratio(
                "ratio to password sign-in",
                passkeys.ratio_to(&signin),
                "baseline: password sign-in; no argon2 on this path",
            );
        }
        if let Some(admin) = &admin {
            let pid = |name: &str| pids.iter().find(|(n, _)| n == name).map(|(_, p)| p.as_str());
            if args.wants("events") {
                quiet().await;
                println!();
                events::run(events::Setup {
                    http: &http,
                    gateway: &args.gateway,
                    admin,
                    seconds: args.seconds,
                    concurrency: args.concurrency,
                    audit_pid: pid("audit"),
                    webhooks_pid: pid("webhooks"),
                })
                .await?;
            }
            if args.wants("enterprise") {
                quiet().await;
                println!();
                enterprise::run(enterprise::Setup {
                    http: &http,
                    gateway: &args.gateway,
                    enterprise: &args.enterprise,
                    admin,
                    seconds: args.seconds,
                    concurrency: args.concurrency,
                    database: &args.database,
                    dns_port: args.dns_port,
                })
                .await?;
            }
            if args.wants("compliance") {
                quiet().await;
                println!();
                compliance::run(compliance::Setup { http: &http, gateway: &args.gateway, admin }, quiet)
                    .await?;
            }
            if args.wants_scale() {
                quiet().await;
                println!();
                let me: Value = http
                    .get(format!("{}/api/v1/auth/me", args.gateway))
                    .bearer_auth(admin)
                    .send()
                    .await?
                    .json()
                    .await?;
                scale::run(scale::Setup {
                    http: &http,
                    gateway: &args.gateway,
                    admin,
                    admin_id: me["id"].as_str().unwrap_or_default(),
                    seconds: args.seconds,
                    concurrency: args.concurrency,
                    database: &args.database,
                    signin: (*body).clone(),
                    access: &access,
                })
                .await?;
            }
        }
        quiet().await;
        // Idle: the services give freed memory back every 5 s (janua_service::memory).
        tokio::time::sleep(Duration::from_secs(6)).await;
        let after = rss_all(&pids);
        // Each service idles under 50 MiB; auth adds its argon2 pool, one memory area per
        // hashing thread (one per core by default).
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1) as u64;
        println!();
        println!(
            "{:<12} {:>12} {:>16} {:>16} {:>14}",
            "service", "RSS idle", "RSS under load", "RSS idle after", "idle target"
        );
        for (name, _) in &pids {
            let target =
                50 * 1024 + if name == "auth" { cores * u64::from(args.argon2_memory_kib) } else { 0 };
            let idle_now = idle.get(name).copied().unwrap_or(0);
            let idle_after = after.get(name).copied().unwrap_or(0);
            println!(
                "{:<12} {:>9} KiB {:>13} KiB {:>13} KiB {:>10} KiB{}",
                name,
                idle_now,
                peak.get(name).copied().unwrap_or(0),
                idle_after,
                target,
                if idle_now.max(idle_after) < target { "" } else { "   over" }
            );
        }
        anyhow::Ok(())
    })?;
    Ok(())
}
