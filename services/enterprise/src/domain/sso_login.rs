//! What a verified SSO sign-in becomes: the user it names (their identity at this IdP, or an
//! account found or made just in time), their membership, and auth's answer (the token pair,
//! or the MFA challenge).
//!
//! Identities are namespaced by configuration: `(configuration, subject)` names a user. The
//! first sign-in of a subject needs an email in one of the organization's *verified* domains;
//! then an account with that email is linked (the organization proved it owns the domain, so
//! its IdP speaks for the address), or an account is made with the address verified. An
//! address outside the verified domains is refused: an IdP could otherwise claim anyone's
//! account by asserting their email.
//!
//! Linking by email needs proof on both sides. An existing account whose address its
//! registrant never proved is taken over only after auth removed everything that registrant
//! set up (password, passkeys, provider links, TOTP, sessions): whoever registered the
//! address first ends up with nothing. The identity is linked, and the membership granted,
//! only after that succeeded.

use crate::EnterpriseState;
use crate::store::sso::{self as store, SsoConfiguration};
use crate::{domain::upstream::Account, events};
use diesel_async::AsyncConnection;
use janua_core::error::Text;
use janua_core::http::RequestMeta;
use janua_core::{ApiError, ErrorCode};
use serde_json::{Value, json};
use uuid::Uuid;

/// The user's details, as the IdP asserted them (after the attribute mapping).
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub email: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub name: Option<String>,
    pub groups: Vec<String>,
}

impl Profile {
    fn display_name(&self) -> Option<String> {
        self.name.clone().or_else(|| {
            let parts: Vec<&str> =
                [self.given_name.as_deref(), self.family_name.as_deref()].into_iter().flatten().collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        })
    }
}

/// Where the mapping (or the usual names) puts each detail.
pub fn profile_from(
    mapping: &Value, lookup: impl Fn(&str) -> Vec<String>, defaults: &ProfileDefaults, name_id: Option<&str>,
) -> Profile {
    let pick = |key: &str, fallbacks: &[&str]| -> Vec<String> {
        if let Some(name) = mapping.get(key).and_then(Value::as_str) {
            return lookup(name);
        }
        fallbacks.iter().map(|n| lookup(n)).find(|v| !v.is_empty()).unwrap_or_default()
    };
    let first = |v: Vec<String>| v.into_iter().find(|s| !s.trim().is_empty());
    let email = first(pick("email", defaults.email))
        .or_else(|| name_id.filter(|n| n.contains('@') && mapping.get("email").is_none()).map(str::to_owned));
    Profile {
        email: email.map(|e| e.trim().to_lowercase()),
        given_name: first(pick("given_name", defaults.given_name)),
        family_name: first(pick("family_name", defaults.family_name)),
        name: first(pick("name", defaults.name)),
        groups: pick("groups", defaults.groups),
    }
}

/// The usual attribute (SAML) or claim (OIDC) names of each detail.
pub struct ProfileDefaults {
    pub email: &'static [&'static str],
    pub given_name: &'static [&'static str],
    pub family_name: &'static [&'static str],
    pub name: &'static [&'static str],
    pub groups: &'static [&'static str],
}

pub const SAML_DEFAULTS: ProfileDefaults = ProfileDefaults {
    email: &[
        "email",
        "mail",
        "emailAddress",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "urn:oid:0.9.2342.19200300.100.1.3",
    ],
    given_name: &[
        "givenName",
        "firstName",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "urn:oid:2.5.4.42",
    ],
    family_name: &[
        "sn",
        "surname",
        "lastName",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        "urn:oid:2.5.4.4",
    ],
    name: &["displayName", "name", "http://schemas.microsoft.com/identity/claims/displayname"],
    groups: &["groups", "memberOf", "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"],
};

pub const OIDC_DEFAULTS: ProfileDefaults = ProfileDefaults {
    email: &["email"],
    given_name: &["given_name"],
    family_name: &["family_name"],
    name: &["name"],
    groups: &["groups"],
};

/// The values of a claim (a string, or an array of strings).
pub fn claim_values(claims: &Value, name: &str) -> Vec<String> {
    match claims.get(name) {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

/// A refused sign-in: recorded (`sso.signin_failed`) and answered with a reason and the
/// catalogue message `text`.
pub fn refused(status: ErrorCode, reason: &str, text: Text) -> ApiError {
    ApiError::keyed(status, text.key, text.args).with_details(json!({ "reason": reason }))
}

/// [`refused`] with a catalogue message without variables.
pub fn refused_as(status: ErrorCode, reason: &str, key: &'static str) -> ApiError {
    refused(status, reason, Text { key, args: vec![] })
}

/// Whether another refusal of this connection may be recorded this minute: unauthenticated
/// posts to the ACS and SLO cannot flood an organization's audit log and webhooks.
async fn within_failure_budget(state: &EnterpriseState, config: &SsoConfiguration) -> bool {
    let key = format!(
        "{}:sso:failures:{}:{}",
        state.settings.redis_prefix,
        config.id,
        chrono::Utc::now().timestamp() / 60
    );
    let mut redis = state.redis.clone();
    let counted: Result<(u32,), _> = redis::pipe()
        .cmd("INCR")
        .arg(&key)
        .cmd("EXPIRE")
        .arg(&key)
        .arg(120)
        .ignore()
        .query_async(&mut redis)
        .await;
    match counted {
        Ok((n,)) => n <= state.settings.sso.failure_events_per_min,
        // Without the counter, record nothing more: the refusal itself still stands.
        Err(e) => {
            tracing::warn!(error = %e, "the SSO failure budget cannot be counted");
            false
        }
    }
}

/// Records a refused sign-in on the audit trail (within the connection's budget).
pub async fn record_failure(
    state: &EnterpriseState, config: &SsoConfiguration, user: Option<Uuid>, reason: &str, meta: &RequestMeta,
) {
    if !within_failure_budget(state, config).await {
        tracing::info!(configuration_id = %config.id, reason, "SSO refusal not recorded: the connection's budget for this minute is spent");
        return;
    }
    let event = events::sso_signin(
        "sso.signin_failed",
        config,
        user,
        json!({ "reason": reason }),
        meta.clone().into(),
    );
    let result = async {
        let mut conn = state.pool.get().await.map_err(ApiError::from)?;
        janua_db::outbox::enqueue(&mut conn, &event).await.map_err(ApiError::from)
    }
    .await;
    if let Err(e) = result {
        tracing::warn!(error = %e, "could not record a refused SSO sign-in");
    }
}

/// A completed sign-in.
pub struct Outcome {
    /// What auth answered (token pair or MFA challenge), passed on as is.
    pub answer: Value,
    pub user_id: Uuid,
    /// The Janua session, when one was started (not while MFA is pending).
    pub session_id: Option<Uuid>,
}

/// How an account came to a subject signing in through this connection for the first time.
struct Joined {
    /// `sso.identity_linked` or `sso.user_provisioned`.
    event_type: &'static str,
    /// What auth removed from an unproven account it handed over.
    claimed: Option<Vec<String>>,
}

impl Joined {
    /// The details of its event.
    fn details(&self, role: &str) -> Value {
        let mut data = json!({ "role": role });
        if let Some(removed) = &self.claimed {
            data["account_claimed"] = json!(true);
            data["removed"] = json!(removed);
        }
        data
    }
}

/// Signs in the user an IdP vouched for.
pub async fn complete(
    state: &EnterpriseState, config: &SsoConfiguration, subject: &str, profile: &Profile, method: &str,
    meta: &RequestMeta,
) -> Result<Outcome, ApiError> {
    let (account, joined) = match linked_account(state, config, subject).await? {
        Some(account) => (account, None),
        None => {
            let (account, joined) = join(state, config, profile, meta).await?;
            (account, Some(joined))
        }
    };
    let role = role_of(config, profile);
    let answer = sign_in(state, config, &account, role, method, meta).await?;
    let session_id = session_id_of(&answer);
    let mut published = Vec::new();
    if let Some(joined) = joined {
        let details = joined.details(role);
        published.push(events::sso_signin(
            joined.event_type,
            config,
            Some(account.id),
            details,
            meta.clone().into(),
        ));
    }
    let details = json!({ "mfa_required": answer.get("mfa_required").is_some() });
    published.push(events::sso_signin(
        "sso.signed_in",
        config,
        Some(account.id),
        details,
        meta.clone().into(),
    ));
    link_identity(state, config, subject, &account, profile, &published).await?;
    Ok(Outcome { answer, user_id: account.id, session_id })
}

/// The account the subject's identity at this connection is linked to. A link to a deleted
/// account is stale: it is dropped and the subject starts afresh.
async fn linked_account(
    state: &EnterpriseState, config: &SsoConfiguration, subject: &str,
) -> Result<Option<Account>, ApiError> {
    let known = {
        let mut conn = state.pool.get().await?;
        store::identity(&mut conn, config.id, subject).await?
    };
    let Some(identity) = known else {
        return Ok(None);
    };
    let account = state.upstreams.account_of(identity.user_id).await?;
    if account.is_none() {
        let mut conn = state.pool.get().await?;
        store::unlink_identity(&mut conn, config.id, subject).await?;
    }
    Ok(account)
}

/// The account a first sign-in takes, by its email in a verified domain of the organization:
/// an account with that address proven, one whose unproven address auth hands over, or a new
/// one.
async fn join(
    state: &EnterpriseState, config: &SsoConfiguration, profile: &Profile, meta: &RequestMeta,
) -> Result<(Account, Joined), ApiError> {
    let Some(email) = profile.email.clone().filter(|e| e.contains('@') && e.len() <= 254) else {
        record_failure(state, config, None, "email_missing", meta).await;
        return Err(refused_as(ErrorCode::Forbidden, "email_missing", "error.enterprise.email_missing"));
    };
    let domain = email.rsplit_once('@').map(|(_, d)| d.to_owned()).unwrap_or_default();
    let verified = {
        let mut conn = state.pool.get().await?;
        store::domain_verified_for(&mut conn, config.organization_id, &domain).await?
    };
    if !verified {
        record_failure(state, config, None, "domain_not_verified", meta).await;
        return Err(refused_as(
            ErrorCode::Forbidden,
            "domain_not_verified",
            "error.enterprise.domain_not_verified",
        ));
    }
    let linked = |claimed| Joined { event_type: "sso.identity_linked", claimed };
    Ok(match state.upstreams.account_by_email(&email).await? {
        Some(existing) if existing.email_verified => (existing, linked(None)),
        Some(unproven) => {
            let removed = state.upstreams.claim_account(unproven.id, &email, meta).await?;
            (unproven, linked(Some(removed)))
        }
        None => {
            let created = state
                .upstreams
                .create_verified_account(Uuid::now_v7(), &email, profile.display_name().as_deref())
                .await?;
            let joined = Joined { event_type: "sso.user_provisioned", claimed: None };
            (created, joined)
        }
    })
}

/// The organization role the connection gives: admin for a member of one of its admin
/// groups, else its default role.
fn role_of<'c>(config: &'c SsoConfiguration, profile: &Profile) -> &'c str {
    let admin = profile.groups.iter().any(|g| config.admin_groups.iter().any(|a| a == g));
    if admin { "admin" } else { config.default_role.as_str() }
}

/// Makes the account a member with `role` and asks auth to sign it in (a suspended account's
/// refusal is recorded).
async fn sign_in(
    state: &EnterpriseState, config: &SsoConfiguration, account: &Account, role: &str, method: &str,
    meta: &RequestMeta,
) -> Result<Value, ApiError> {
    state.upstreams.ensure_member(config.organization_id, account.id, role).await?;
    match state.upstreams.sign_in(account.id, method, meta).await {
        Ok(answer) => Ok(answer),
        Err(e) => {
            let error = ApiError::from(e);
            if error.code() == ErrorCode::AccountSuspended {
                record_failure(state, config, Some(account.id), "account_suspended", meta).await;
            }
            Err(error)
        }
    }
}

/// The Janua session auth's answer started (none while MFA is pending).
fn session_id_of(answer: &Value) -> Option<Uuid> {
    answer["access_token"]
        .as_str()
        .and_then(session_of)
        .or_else(|| answer["session_id"].as_str().and_then(|s| Uuid::parse_str(s).ok()))
}

/// Links the identity and publishes the sign-in's events, in one transaction.
async fn link_identity(
    state: &EnterpriseState, config: &SsoConfiguration, subject: &str, account: &Account, profile: &Profile,
    published: &[janua_events::Event],
) -> Result<(), ApiError> {
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        // Linked only now that the sign-in went through (and a claim, if any, before it);
        // seen again: the last sign-in and the address as the IdP now says it.
        store::link_identity(
            conn,
            config.id,
            subject,
            account.id,
            config.organization_id,
            profile.email.as_deref(),
        )
        .await?;
        for event in published {
            janua_db::outbox::enqueue(conn, event).await?;
        }
        Ok(())
    })
    .await
}

/// The `sid` claim of an access token auth just issued (read, not verified: it came from
/// auth over the internal API, not from a client).
fn session_of(token: &str) -> Option<Uuid> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let bytes =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    Uuid::parse_str(claims["sid"].as_str()?).ok()
}
