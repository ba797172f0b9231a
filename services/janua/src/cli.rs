//! What an operator does with the `janua` command besides running services. Each command loads
//! the configuration as the services do, does one thing, prints what it did, and fails with
//! one line saying why. Commands that change what a running service owns (accounts, signing
//! keys) ask that service over its `/internal/v1`, with the service token, so its rules apply;
//! commands on the database itself (migrations, the audit chain) connect directly.

use crate::stack::{self, Target};
use janua_core::config::Settings;
use janua_core::internal::InternalClient;
use std::io::{BufRead, IsTerminal};
use std::path::Path;
use std::time::Duration;

/// A command's refusal: the one line it prints, and exit status 1.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

fn refused(message: impl Into<String>) -> anyhow::Error {
    Refused(message.into()).into()
}

/// `janua healthcheck`: the target's readiness route on this host answers 200 (Docker's
/// `HEALTHCHECK`). `all` is ready when its gateway is.
pub async fn healthcheck(target: Target, settings: &Settings) -> anyhow::Result<()> {
    let section = stack::probed(target, settings);
    let host = match section.host.as_str() {
        "0.0.0.0" | "::" | "[::]" => "127.0.0.1",
        host => host,
    };
    let url = format!("http://{host}:{}/api/v1/health/ready", section.port);
    let client = reqwest::Client::builder().timeout(Duration::from_secs(2)).build()?;
    match client.get(&url).send().await {
        Ok(resp) if resp.status().is_success() => {
            println!("ready: {url}");
            Ok(())
        }
        Ok(resp) => Err(refused(format!("not ready: {url} answered {}", resp.status()))),
        Err(e) => Err(refused(format!("not ready: {url}: {e}"))),
    }
}

/// `janua migrate status`: every migration of the target's services and whether it is applied.
pub async fn migrate_status(target: Target, settings: &Settings) -> anyhow::Result<()> {
    let mut pending = 0;
    for service in stack::services(target) {
        for migration in service.migration_status(settings).await? {
            let state = if migration.applied { "applied" } else { "pending" };
            pending += usize::from(!migration.applied);
            println!("{:<11} {:<8} {}", service.name, state, migration.name);
        }
    }
    println!("{pending} pending");
    Ok(())
}

/// `janua migrate run`: applies the target's pending migrations (under the advisory lock, so
/// replicas starting together are safe).
pub async fn migrate_run(target: Target, settings: &Settings) -> anyhow::Result<()> {
    stack::migrate(target, settings).await?;
    println!("migrations applied for {}", target.name());
    Ok(())
}

/// `janua config check`: prints the effective configuration with its secrets redacted, then
/// fails on what would make it wrong: a `JANUA_*` variable that names nothing (a typo keeps
/// the default silently), or a development secret in production.
pub fn config_check(settings: &Settings) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(&settings.redacted())?);
    let mut problems: Vec<String> = settings
        .unknown_env()
        .into_iter()
        .map(|variable| format!("{variable} is not a configuration key"))
        .collect();
    let refusals = settings.refusals();
    if refusals.is_empty() {
        for variable in settings.dev_secrets_in_use() {
            eprintln!(
                "warning: {variable} is the development default (refused when JANUA_ENVIRONMENT=production)"
            );
        }
    }
    problems.extend(refusals);
    if problems.is_empty() {
        eprintln!("configuration ok");
        return Ok(());
    }
    for problem in &problems {
        eprintln!("error: {problem}");
    }
    Err(refused(format!("{} problem(s) in the configuration", problems.len())))
}

/// Where `janua admin create-user` reads the password from.
pub enum PasswordSource<'a> {
    File(&'a Path),
    /// Asked on the terminal (twice), or the first line of standard input when it is not one.
    Prompt,
}

fn read_password(source: PasswordSource<'_>) -> anyhow::Result<String> {
    let password = match source {
        PasswordSource::File(path) => std::fs::read_to_string(path)
            .map_err(|e| refused(format!("cannot read {}: {e}", path.display())))?
            .lines()
            .next()
            .unwrap_or_default()
            .to_string(),
        PasswordSource::Prompt if std::io::stdin().is_terminal() => {
            let first = rpassword::prompt_password("Password: ")?;
            let again = rpassword::prompt_password("Password again: ")?;
            if first != again {
                return Err(refused("the passwords differ"));
            }
            first
        }
        PasswordSource::Prompt => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    if password.is_empty() {
        return Err(refused("no password given"));
    }
    Ok(password)
}

fn auth_client(settings: &Settings) -> anyhow::Result<InternalClient> {
    let http =
        reqwest::Client::builder().user_agent(concat!("janua-cli/", env!("CARGO_PKG_VERSION"))).build()?;
    Ok(InternalClient::new("auth", &settings.auth.url, settings, http).with_timeout(Duration::from_secs(30)))
}

/// The message of an error envelope (API.md), or the status when there is none.
fn refusal(status: reqwest::StatusCode, body: &serde_json::Value) -> anyhow::Error {
    let message =
        body["error"]["message"].as_str().unwrap_or_else(|| status.canonical_reason().unwrap_or("refused"));
    refused(format!("{message} ({status})"))
}

/// `janua admin create-user`: an account whose address counts as proven, a platform admin
/// with `--admin`. Auth creates it (password policy, hashing, events, audit) while running.
pub async fn create_user(
    settings: &Settings, email: &str, admin: bool, password: PasswordSource<'_>,
) -> anyhow::Result<()> {
    let password = read_password(password)?;
    let body = serde_json::json!({ "email": email, "password": password, "admin": admin });
    let (status, answer) = auth_client(settings)?
        .post_answer("/users", &body)
        .await
        .map_err(|_| refused(format!("auth is not reachable at {}", settings.auth.url)))?;
    if !status.is_success() {
        return Err(refusal(status, &answer));
    }
    println!(
        "created {} ({}){}",
        answer["email"].as_str().unwrap_or(email),
        answer["id"],
        if admin { ", platform admin" } else { "" }
    );
    Ok(())
}

/// `janua keys rotate-signing`: auth signs with a new key from now on; the old one keeps
/// verifying until the tokens it signed have expired.
pub async fn rotate_signing(settings: &Settings) -> anyhow::Result<()> {
    let (status, answer) = auth_client(settings)?
        .post_answer("/keys/rotate", &serde_json::json!({}))
        .await
        .map_err(|_| refused(format!("auth is not reachable at {}", settings.auth.url)))?;
    if !status.is_success() {
        return Err(refusal(status, &answer));
    }
    println!("signing with {}", answer["signing_kid"].as_str().unwrap_or_default());
    Ok(())
}

/// `janua keys reseal`: every sealed value of the target's services moved to the newest
/// encryption key (`secrets.encryption_key`), opened with any configured one. Safe while the
/// services run (each row is compare-and-swapped) and resumable (what is done is skipped).
/// Fails while any value is sealed with a key that is not configured, so the old key is not
/// removed too early.
pub async fn reseal(target: Target, settings: &Settings) -> anyhow::Result<()> {
    let sealer = janua_tokens::SecretBox::from_settings(&settings.secrets)?;
    let (mut moved, mut unreadable) = (0, 0);
    for service in stack::services(target) {
        for report in service.reseal(settings, &sealer).await? {
            println!(
                "{:<11} {}.{}: {} resealed, {} unreadable",
                service.name, report.table, report.column, report.resealed, report.unreadable
            );
            moved += report.resealed;
            unreadable += report.unreadable;
        }
    }
    if unreadable > 0 {
        return Err(refused(format!(
            "{unreadable} value(s) are sealed with a key that is not configured: add it to \
             secrets.previous_encryption_keys and run again"
        )));
    }
    println!(
        "{moved} value(s) resealed; everything is sealed with key {}: the previous keys can be removed",
        sealer.current_key_id()
    );
    Ok(())
}

/// `janua audit verify`: recomputes the audit chain from the database (not through the
/// service, so a compromised service cannot vouch for itself) and fails when a link is broken.
pub async fn audit_verify(settings: &Settings) -> anyhow::Result<()> {
    let endpoint = janua_audit::SERVICE.endpoint(settings).expect("audit has a database");
    let mut conn = endpoint.session_connector()?.connect().await?;
    let seal = janua_audit::chain::HeadSeal::kept(&mut conn, &settings.secrets).await?;
    let report = janua_audit::verify::run(&mut conn, &seal).await?;
    println!("{}", serde_json::to_string_pretty(&report)?);
    if !report.valid {
        return Err(refused("the audit chain does not verify"));
    }
    Ok(())
}
