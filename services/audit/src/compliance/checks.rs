//! The live checks behind the controls. Each reads facts the owning service reported (auth,
//! org, webhooks) or audit holds itself, and answers `passing` or `failing` with the evidence
//! it judged: numbers, settings, timestamps; never a secret.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Check {
    PrivilegedMfa,
    PasswordHashing,
    TokenLifetimes,
    SigningKeyRotation,
    AuditChain,
    WebhooksHttps,
    DormantAccounts,
    SuspendedSessions,
    RateLimiting,
    SecretsSealed,
    MailTls,
    DsrOverdue,
    AuditRetention,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Passing,
    Failing,
    NotApplicable,
    Manual,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Passing, Status::Failing, Status::NotApplicable, Status::Manual];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Passing => "passing",
            Status::Failing => "failing",
            Status::NotApplicable => "not_applicable",
            Status::Manual => "manual",
        }
    }

    pub fn parse(raw: &str) -> Option<Status> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// Longest access-token lifetime that counts as short-lived (OWASP ASVS 3.5: minutes, not hours).
pub const MAX_ACCESS_TTL_SECS: i64 = 3600;
/// Longest refresh-token (session) lifetime without re-authentication.
pub const MAX_REFRESH_TTL_SECS: i64 = 30 * 24 * 3600;
/// Longest signing-key rotation period.
pub const MAX_KEY_ROTATION_SECS: i64 = 90 * 24 * 3600;

/// OWASP Password Storage Cheat Sheet: the Argon2id configurations of equal strength
/// (memory in KiB, iterations) at parallelism 1; more memory or iterations is stronger.
const OWASP_ARGON2ID: [(u32, u32); 5] = [(47_104, 1), (19_456, 2), (12_288, 3), (9_216, 4), (7_168, 5)];

/// What auth reports (`POST /internal/v1/compliance/facts`).
#[derive(Debug, Clone, Deserialize)]
pub struct AuthFacts {
    pub password_hashing: PasswordHashing,
    pub tokens: Tokens,
    pub signing_key: SigningKey,
    pub rate_limits: RateLimits,
    pub mail: Mail,
    pub encryption_key: EncryptionKey,
    pub privileged: Privileged,
    pub accounts: Accounts,
    pub suspended_with_live_sessions: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PasswordHashing {
    pub algorithm: String,
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tokens {
    pub access_ttl_secs: i64,
    pub refresh_ttl_secs: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SigningKey {
    pub current: Option<CurrentKey>,
    pub rotation_secs: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CurrentKey {
    pub kid: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RateLimits {
    pub anonymous_per_min: u32,
    pub authenticated_per_min: u32,
    pub signin_failures_per_ip_per_min: u32,
    pub signin_failures_per_account: u32,
    pub signin_lockout_base_secs: u64,
    pub signin_lockout_max_secs: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Mail {
    pub host: String,
    pub tls: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EncryptionKey {
    pub development_default: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Privileged {
    pub users: usize,
    pub without_second_factor: Vec<Uuid>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Accounts {
    pub active: i64,
    pub dormant: i64,
    pub dormant_after_days: i64,
}

/// What webhooks reports (`GET /internal/v1/compliance/facts`).
#[derive(Debug, Clone, Deserialize)]
pub struct WebhookFacts {
    pub endpoints: usize,
    pub plain_http: Vec<Uuid>,
}

/// The audit chain as verified for this evaluation.
#[derive(Debug, Clone)]
pub struct ChainFacts {
    pub valid: bool,
    pub entries_checked: i64,
    pub head_seq: i64,
    pub first_broken: Option<String>,
    pub verified_at: DateTime<Utc>,
}

/// Everything one evaluation judges, gathered once.
pub struct Facts {
    /// Open data-subject requests past their due date, in scope.
    pub dsr_overdue: i64,
    /// `audit.pii_retention_days`: how long personal data stays in audit entries.
    pub audit_pii_retention_days: Option<u32>,
    pub auth: AuthFacts,
    pub webhooks: WebhookFacts,
    pub chain: ChainFacts,
    pub now: DateTime<Utc>,
}

/// A check's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub check: &'static str,
    pub status: Status,
    pub evidence: Value,
}

impl Check {
    pub fn id(self) -> &'static str {
        match self {
            Check::PrivilegedMfa => "privileged_mfa",
            Check::PasswordHashing => "password_hashing",
            Check::TokenLifetimes => "token_lifetimes",
            Check::SigningKeyRotation => "signing_key_rotation",
            Check::AuditChain => "audit_chain",
            Check::WebhooksHttps => "webhooks_https",
            Check::DormantAccounts => "dormant_accounts",
            Check::SuspendedSessions => "suspended_sessions",
            Check::RateLimiting => "rate_limiting",
            Check::SecretsSealed => "secrets_sealed",
            Check::MailTls => "mail_tls",
            Check::DsrOverdue => "dsr_overdue",
            Check::AuditRetention => "audit_retention",
        }
    }

    pub fn evaluate(self, facts: &Facts) -> Verdict {
        let (passing, evidence) = match self {
            Check::PrivilegedMfa => {
                let p = &facts.auth.privileged;
                (
                    p.without_second_factor.is_empty(),
                    json!({
                        "privileged_users": p.users,
                        "without_second_factor": p.without_second_factor.len(),
                        "users_without_second_factor": p.without_second_factor,
                    }),
                )
            }
            Check::PasswordHashing => {
                let h = &facts.auth.password_hashing;
                let strong = h.algorithm == "argon2id"
                    && OWASP_ARGON2ID.iter().any(|&(m, t)| h.memory_kib >= m && h.iterations >= t);
                (strong, json!({ "in_force": h, "owasp_minimums": owasp_minimums() }))
            }
            Check::TokenLifetimes => {
                let t = &facts.auth.tokens;
                (
                    t.access_ttl_secs <= MAX_ACCESS_TTL_SECS && t.refresh_ttl_secs <= MAX_REFRESH_TTL_SECS,
                    json!({
                        "access_ttl_secs": t.access_ttl_secs,
                        "max_access_ttl_secs": MAX_ACCESS_TTL_SECS,
                        "refresh_ttl_secs": t.refresh_ttl_secs,
                        "max_refresh_ttl_secs": MAX_REFRESH_TTL_SECS,
                    }),
                )
            }
            Check::SigningKeyRotation => {
                let k = &facts.auth.signing_key;
                let age = k.current.as_ref().map(|c| (facts.now - c.created_at).num_seconds());
                // A key may outlive its period by a day: rotation happens on the next check.
                let within = age.is_some_and(|a| a <= k.rotation_secs + 24 * 3600);
                (
                    within && k.rotation_secs <= MAX_KEY_ROTATION_SECS,
                    json!({
                        "kid": k.current.as_ref().map(|c| c.kid.clone()),
                        "created_at": k.current.as_ref().map(|c| c.created_at),
                        "age_secs": age,
                        "rotation_secs": k.rotation_secs,
                        "max_rotation_secs": MAX_KEY_ROTATION_SECS,
                    }),
                )
            }
            Check::AuditChain => {
                let c = &facts.chain;
                (
                    c.valid,
                    json!({
                        "valid": c.valid,
                        "entries_checked": c.entries_checked,
                        "head_seq": c.head_seq,
                        "first_broken": c.first_broken,
                        "verified_at": c.verified_at,
                    }),
                )
            }
            Check::WebhooksHttps => {
                let w = &facts.webhooks;
                (
                    w.plain_http.is_empty(),
                    json!({
                        "enabled_endpoints": w.endpoints,
                        "plain_http": w.plain_http.len(),
                        "plain_http_endpoints": w.plain_http,
                    }),
                )
            }
            Check::DormantAccounts => {
                let a = &facts.auth.accounts;
                (
                    a.dormant == 0,
                    json!({
                        "active_accounts": a.active,
                        "dormant_accounts": a.dormant,
                        "dormant_after_days": a.dormant_after_days,
                    }),
                )
            }
            Check::SuspendedSessions => {
                let n = facts.auth.suspended_with_live_sessions;
                (n == 0, json!({ "suspended_users_with_live_sessions": n }))
            }
            Check::RateLimiting => {
                let r = &facts.auth.rate_limits;
                let on = r.anonymous_per_min > 0
                    && r.authenticated_per_min > 0
                    && r.signin_failures_per_ip_per_min > 0
                    && r.signin_failures_per_account > 0
                    && r.signin_lockout_base_secs > 0;
                (on, json!(r))
            }
            Check::SecretsSealed => {
                let dev = facts.auth.encryption_key.development_default;
                (
                    !dev,
                    json!({
                        "sealed_with": "AES-256-GCM",
                        "key_is_development_default": dev,
                    }),
                )
            }
            Check::MailTls => {
                let m = &facts.auth.mail;
                (m.tls != "none", json!({ "smtp_host": m.host, "tls": m.tls }))
            }
            Check::DsrOverdue => {
                (facts.dsr_overdue == 0, json!({ "overdue_data_subject_requests": facts.dsr_overdue }))
            }
            Check::AuditRetention => (
                facts.audit_pii_retention_days.is_some(),
                json!({
                    "audit.pii_retention_days": facts.audit_pii_retention_days,
                    "entries": "kept and verifiable; their personal data removed after the retention period or at erasure",
                }),
            ),
        };
        Verdict {
            check: self.id(),
            status: if passing { Status::Passing } else { Status::Failing },
            evidence,
        }
    }
}

fn owasp_minimums() -> Vec<Value> {
    OWASP_ARGON2ID.iter().map(|(m, t)| json!({ "memory_kib": m, "iterations": t })).collect()
}

/// A control's status from its checks' verdicts: failing if any fails, passing if all pass.
pub fn overall(verdicts: &[Verdict]) -> Status {
    if verdicts.iter().any(|v| v.status == Status::Failing) { Status::Failing } else { Status::Passing }
}
