//! Compliance controls evaluated against live state. A read gathers the facts once (auth's
//! settings and accounts, webhooks' endpoints, the audit chain verified now) for its scope,
//! the platform or one organization's people, and judges every control from them: a control
//! that flips (an admin turns TOTP off) shows it on the next read.

pub mod catalogue;
pub mod checks;
pub mod reports;

use crate::AuditState;
use catalogue::{CONTROLS, Control};
use checks::{AuthFacts, ChainFacts, Facts, Status, Verdict, WebhookFacts};
use chrono::{DateTime, Utc};
use janua_core::ApiError;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// Whose controls: the platform, or one organization's owners, admins and members.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    Platform,
    Organization(Uuid),
}

#[derive(Deserialize)]
struct People {
    members: Vec<Uuid>,
    privileged: Vec<Uuid>,
}

/// Gathers what the checks judge. `Ok(None)`: the organization does not exist.
pub async fn facts(state: &AuditState, scope: Scope) -> Result<Option<Facts>, ApiError> {
    let (auth_scope, organization, subjects) = match scope {
        Scope::Platform => (serde_json::json!({ "privileged": null, "population": null }), None, None),
        Scope::Organization(org) => {
            let Some(people) = state.org.get::<People>(&format!("/organizations/{org}/people"), &[]).await?
            else {
                return Ok(None);
            };
            let scope = serde_json::json!({ "privileged": people.privileged, "population": people.members });
            (scope, Some(org), Some(people.members))
        }
    };
    let dsr_overdue = {
        let mut conn = state.pool.get().await?;
        crate::privacy::overdue_count(&mut conn, subjects.as_deref()).await?
    };
    let query: Vec<(&str, String)> =
        organization.map(|o| ("organization_id", o.to_string())).into_iter().collect();
    let (auth, webhooks, chain) = tokio::join!(
        state.auth.post::<_, AuthFacts>("/compliance/facts", &auth_scope),
        state.webhooks.get::<WebhookFacts>("/compliance/facts", &query),
        chain(state),
    );
    Ok(Some(Facts {
        dsr_overdue,
        audit_pii_retention_days: state.settings.audit.pii_retention_days,
        auth: auth?.ok_or_else(|| ApiError::unavailable("the auth service"))?,
        webhooks: webhooks?.ok_or_else(|| ApiError::unavailable("the webhooks service"))?,
        chain: chain?,
        now: Utc::now(),
    }))
}

/// How long one verification of the whole chain serves the controls: reads of the controls
/// cannot make audit re-hash a long chain on every request, and a tampered entry still shows
/// within this long.
pub const CHAIN_VERIFICATION_TTL: std::time::Duration = std::time::Duration::from_secs(60);

/// The last verification of the chain and when it ran, shared by this process's evaluations.
#[derive(Clone, Default)]
pub struct ChainCache(std::sync::Arc<tokio::sync::Mutex<Option<(std::time::Instant, ChainFacts)>>>);

async fn chain(state: &AuditState) -> Result<ChainFacts, ApiError> {
    // One verification at a time: concurrent reads wait for it instead of each running one.
    let mut cached = state.chain_cache.0.lock().await;
    if let Some((at, facts)) = cached.as_ref()
        && at.elapsed() < CHAIN_VERIFICATION_TTL
    {
        return Ok(facts.clone());
    }
    let mut conn = state.pool.get().await?;
    let report = crate::verify::run(&mut conn, &state.seal).await?;
    let facts = ChainFacts {
        valid: report.valid,
        entries_checked: report.entries_checked,
        head_seq: report.head_seq,
        first_broken: report.first_broken.map(|b| format!("{} at {}", b.reason, b.seq)),
        verified_at: report.checked_at,
    };
    *cached = Some((std::time::Instant::now(), facts.clone()));
    Ok(facts)
}

/// A control as judged now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ControlView {
    #[serde(flatten)]
    pub control: &'static Control,
    pub status: Status,
    /// Each live check's findings, by check id (empty for manual and not-applicable controls).
    #[schema(value_type = Object)]
    pub evidence: HashMap<&'static str, serde_json::Value>,
    /// The live checks and their verdicts.
    #[schema(value_type = Vec<Object>)]
    pub checks: Vec<Verdict>,
    pub checked_at: DateTime<Utc>,
}

/// Judges `control` from `facts`, each check once per evaluation (`verdicts` caches them).
pub fn judge(
    control: &'static Control, facts: &Facts, verdicts: &mut HashMap<&'static str, Verdict>,
) -> ControlView {
    let checks: Vec<Verdict> = control
        .checks
        .iter()
        .map(|check| verdicts.entry(check.id()).or_insert_with(|| check.evaluate(facts)).clone())
        .collect();
    let status = match (control.applicable, checks.is_empty()) {
        (false, _) => Status::NotApplicable,
        (true, true) => Status::Manual,
        (true, false) => checks::overall(&checks),
    };
    ControlView {
        control,
        status,
        evidence: checks.iter().map(|v| (v.check, v.evidence.clone())).collect(),
        checks,
        checked_at: facts.now,
    }
}

/// Every control of `framework` (all frameworks when `None`), judged from one gathering of facts.
pub fn judge_all(framework: Option<&str>, facts: &Facts) -> Vec<ControlView> {
    let mut verdicts = HashMap::new();
    CONTROLS
        .iter()
        .filter(|c| framework.is_none_or(|f| c.framework == f))
        .map(|c| judge(c, facts, &mut verdicts))
        .collect()
}
