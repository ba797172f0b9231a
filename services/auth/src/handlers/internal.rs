//! `/internal/v1` of auth: operations for operators and sibling services, behind the shared
//! service token (mounted by `janua_core::http::internal`) and never routed by the gateway.

use crate::AuthState;
use crate::letters::{Kind, Letter};
use actix_web::{HttpResponse, web};
use janua_core::ApiError;
use janua_tokens::jwks::KeySource;

/// The browser a sibling service acted for, as it saw it (carried into sessions and events).
fn browser(
    ip: Option<String>, user_agent: Option<String>, request_id: Option<String>,
) -> janua_core::http::RequestMeta {
    janua_core::http::RequestMeta { request_id, ip, user_agent, traceparent: None, accept_language: None }
}

/// Retires the current signing key now and starts a new one (e.g. after a suspected leak).
/// Tokens of the old key keep verifying for one access-token lifetime.
pub async fn rotate_keys(state: web::Data<AuthState>) -> Result<HttpResponse, ApiError> {
    state.keys.reload(true).await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "signing_kid": state.keys.current().signing_kid() })))
}

/// Re-reads the keys from the database (after an operator changed them there).
pub async fn reload_keys(state: web::Data<AuthState>) -> Result<HttpResponse, ApiError> {
    state.keys.reload(false).await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "signing_kid": state.keys.current().signing_kid() })))
}

/// `janua admin create-user`: an account with a password, its address proven, a platform admin
/// with `admin`.
#[derive(serde::Deserialize)]
pub struct NewAccount {
    pub email: String,
    pub password: String,
    pub name: Option<String>,
    #[serde(default)]
    pub admin: bool,
}

pub async fn create_account(
    state: web::Data<AuthState>, meta: janua_core::http::RequestMeta, body: web::Json<NewAccount>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let email = crate::handlers::auth::normalise_email(&body.email);
    if email.is_empty() {
        return Err(ApiError::required("email"));
    }
    crate::domain::password::check_policy(&body.password, &state.common_passwords, "password")?;
    let (roles, name): (&[&str], _) = match body.admin {
        true => (&["admin"], body.name.as_deref().or(Some("Administrator"))),
        false => (&[], body.name.as_deref()),
    };
    match crate::domain::bootstrap::create_account(&state, &email, &body.password, name, roles, &meta).await?
    {
        Some(user) => Ok(HttpResponse::Created().json(serde_json::json!({
            "id": user.id, "email": user.email, "roles": user.roles,
        }))),
        None => Err(ApiError::keyed(janua_core::ErrorCode::Conflict, "error.auth.email_taken", vec![])
            .with_details(serde_json::json!({ "field": "email" }))),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct PasswordCheck {
    pub password: String,
}

/// Re-authentication for a sibling service (identity, before deleting an account): is this
/// the user's password? Failures count toward the brute-force throttling like sign-ins.
pub async fn verify_password(
    state: web::Data<AuthState>, meta: janua_core::http::RequestMeta, path: web::Path<uuid::Uuid>,
    body: web::Json<PasswordCheck>,
) -> Result<HttpResponse, ApiError> {
    let user_id = path.into_inner();
    let account = crate::domain::throttle::user_account(user_id);
    state.throttle.check(&account, meta.ip.as_deref()).await?;
    let stored = {
        let mut conn = state.pool.get().await?;
        crate::store::credentials::password_hash(&mut conn, user_id).await?
    };
    let too_long = body.password.chars().count() > crate::domain::password::MAX_LEN;
    let valid = !too_long && state.hasher.verify(&body.password, stored.as_deref()).await?;
    if valid {
        state.throttle.record_success(&account, meta.ip.as_deref()).await?;
    } else {
        state.throttle.record_failure(&account, meta.ip.as_deref()).await?;
    }
    Ok(HttpResponse::Ok().json(serde_json::json!({ "valid": valid })))
}

/// Figures for the admin dashboard: live sessions, and sign-ins per day (UTC) for 30 days.
pub async fn stats(state: web::Data<AuthState>) -> Result<HttpResponse, ApiError> {
    use diesel::sql_types::{BigInt, Text};
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName, serde::Serialize)]
    struct Day {
        #[diesel(sql_type = Text)]
        date: String,
        #[diesel(sql_type = BigInt)]
        count: i64,
    }
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let mut conn = state.pool.get().await?;
    let active: Count = janua_db::prepared::sql(
        "SELECT count(*) AS n FROM sessions WHERE revoked_at IS NULL AND expires_at > now()",
    )
    .get_result(&mut conn)
    .await?;
    let days: Vec<Day> = janua_db::prepared::sql(
        "SELECT to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS date, count(*) AS count
         FROM sessions WHERE created_at > now() - interval '30 days'
         GROUP BY 1 ORDER BY 1",
    )
    .load(&mut conn)
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "sessions_active": active.n, "sign_ins_per_day": days })))
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInFor {
    /// `sso:saml` or `sso:oidc`: how the user proved who they are to the calling service.
    pub method: String,
    /// The browser's address and agent, as the calling service saw them.
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
}

/// A sign-in another service completed (enterprise, after a verified SAML assertion or OIDC
/// ID token): answers what a password sign-in would (the token pair, or the MFA challenge when
/// the user has TOTP), with the same session, event and suspension rules.
pub async fn sign_in_for(
    state: web::Data<AuthState>, path: web::Path<uuid::Uuid>, body: web::Json<SignInFor>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    if !matches!(body.method.as_str(), "sso:saml" | "sso:oidc") {
        return Err(ApiError::invalid("method", "error.auth.sso_method_invalid", vec![]));
    }
    let user = state.user(path.into_inner()).await?.ok_or_else(|| {
        ApiError::keyed(janua_core::ErrorCode::NotFound, "error.auth.user_not_found", vec![])
    })?;
    if user.status != "active" {
        return Err(crate::handlers::auth::suspended());
    }
    let meta = browser(body.ip, body.user_agent, body.request_id);
    let answer = crate::handlers::auth::sign_in_outcome(&state, &user, &body.method, &meta).await?;
    Ok(HttpResponse::Ok().insert_header((actix_web::http::header::CACHE_CONTROL, "no-store")).json(answer))
}

#[derive(Debug, serde::Deserialize)]
pub struct RevokeFor {
    pub user_id: uuid::Uuid,
}

/// Ends a session for a sibling service (enterprise, on the IdP's single logout): its tokens
/// stop working at once. Idempotent.
pub async fn revoke_session_for(
    state: web::Data<AuthState>, path: web::Path<uuid::Uuid>, q: web::Query<RevokeFor>,
) -> Result<HttpResponse, ApiError> {
    let session_id = path.into_inner();
    let user_id = q.user_id;
    let mut conn = state.pool.get().await?;
    use diesel_async::AsyncConnection;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let now = chrono::Utc::now();
        if crate::store::sessions::find_active(conn, user_id, session_id, now).await?.is_some()
            && crate::store::sessions::revoke(conn, session_id, "single_logout", now).await?
        {
            janua_db::outbox::enqueue(
                conn,
                &crate::events::session_revoked(
                    user_id,
                    session_id,
                    "single_logout",
                    None,
                    Default::default(),
                ),
            )
            .await?;
        }
        Ok(())
    })
    .await?;
    state.revocations.revoke(session_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimAccount {
    /// The address the calling service has proof of (an identity provider speaking for a
    /// domain its organization verified).
    pub email: String,
    /// What proved it (`sso`).
    pub proven_by: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
}

/// Hands an account registered with an address nobody proved to the address's proven owner
/// (enterprise, before an SSO sign-in links the account): everything its registrant set up is
/// removed first ([`crate::domain::account_claim`]) and the address becomes verified, in one
/// transaction. Answers the account and what was removed; an account whose address is already
/// verified is left as it is (`removed: []`). 409 if the account's address is another one.
pub async fn claim_account(
    state: web::Data<AuthState>, path: web::Path<uuid::Uuid>, body: web::Json<ClaimAccount>,
) -> Result<HttpResponse, ApiError> {
    use crate::domain::{account_claim, email_proof};
    use diesel_async::AsyncConnection;
    let user_id = path.into_inner();
    let body = body.into_inner();
    if body.proven_by != "sso" {
        return Err(ApiError::invalid("proven_by", "error.auth.proven_by_invalid", vec![]));
    }
    let meta = browser(body.ip, body.user_agent, body.request_id);
    let proof = crate::store::one_time_tokens::EmailedToken {
        user_id: Some(user_id),
        sent_to: body.email.trim().to_lowercase(),
    };
    let moved = || ApiError::keyed(janua_core::ErrorCode::Conflict, "error.auth.address_not_proven", vec![]);
    let user = email_proof::account_of(&state, &proof).await?.ok_or_else(moved)?;
    if user.email_verified {
        return Ok(HttpResponse::Ok().json(serde_json::json!({ "user": user.public(), "removed": [] })));
    }
    let mut conn = state.pool.get().await?;
    let (user, stripped) = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let stripped = account_claim::strip(conn, user_id, &body.proven_by, &meta).await?;
            let user = email_proof::verify_address(&state, &proof, &meta).await?.ok_or_else(moved)?;
            Ok((user, stripped))
        })
        .await?;
    drop(conn);
    let user = account_claim::after_commit(&state, user_id, &stripped, &meta).await?.unwrap_or(user);
    tracing::info!(%user_id, removed = ?stripped.removed(), "an unproven account was claimed by its address's owner");
    Ok(HttpResponse::Ok().json(serde_json::json!({ "user": user.public(), "removed": stripped.removed() })))
}

/// Whose facts a compliance check asks for: an organization's people, or (`None`) the platform.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactsScope {
    /// Users whose second factor is checked; `None`: the platform's admins.
    pub privileged: Option<Vec<uuid::Uuid>>,
    /// Users counted for dormancy and live sessions; `None`: every account.
    pub population: Option<Vec<uuid::Uuid>>,
}

/// Days without a sign-in after which an active account counts as dormant.
pub const DORMANT_AFTER_DAYS: i64 = 90;

/// What auth enforces and holds, as evidence for compliance controls (audit asks): the
/// password-hashing, token, signing-key, brute-force, mail and sealing settings in force here,
/// and the state of the scope's accounts. No secret is part of it.
pub async fn compliance_facts(
    state: web::Data<AuthState>, body: web::Json<FactsScope>,
) -> Result<HttpResponse, ApiError> {
    use crate::store::compliance;
    let scope = body.into_inner();
    let settings = &state.settings;
    let since = chrono::Utc::now() - chrono::Duration::days(DORMANT_AFTER_DAYS);
    let mut conn = state.pool.get().await?;
    let (privileged, without_factor) =
        compliance::second_factors(&mut conn, scope.privileged.as_deref()).await?;
    let population = scope.population.as_deref();
    let (active, dormant) = compliance::dormant_accounts(&mut conn, population, since).await?;
    let suspended_live = compliance::suspended_with_live_sessions(&mut conn, population).await?;
    let signing_key = compliance::current_signing_key(&mut conn).await?;
    let limits = &settings.rate_limits;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "password_hashing": {
            "algorithm": "argon2id",
            "memory_kib": settings.passwords.argon2_memory_kib,
            "iterations": settings.passwords.argon2_iterations,
            "parallelism": settings.passwords.argon2_parallelism,
        },
        "tokens": {
            "access_ttl_secs": settings.tokens.access_ttl_secs,
            "refresh_ttl_secs": settings.tokens.refresh_ttl_secs,
        },
        "signing_key": {
            "current": signing_key,
            "rotation_secs": settings.tokens.signing_key_rotation_days.max(1) * 86_400,
        },
        "rate_limits": {
            "anonymous_per_min": limits.anonymous_per_min,
            "authenticated_per_min": limits.authenticated_per_min,
            "signin_failures_per_ip_per_min": limits.signin_failures_per_ip_per_min,
            "signin_failures_per_account": limits.signin_failures_per_account,
            "signin_lockout_base_secs": limits.signin_lockout_base_secs,
            "signin_lockout_max_secs": limits.signin_lockout_max_secs,
        },
        "mail": { "host": settings.smtp.host, "tls": settings.smtp.tls },
        "encryption_key": { "development_default": settings.uses_dev_encryption_key() },
        "privileged": { "users": privileged, "without_second_factor": without_factor },
        "accounts": { "active": active, "dormant": dormant, "dormant_after_days": DORMANT_AFTER_DAYS },
        "suspended_with_live_sessions": suspended_live,
    })))
}

/// The one kind of document auth signs for a sibling: audit's compliance reports.
pub const REPORT_TYP: &str = "janua-compliance-report+jws";

/// `POST /internal/v1/signatures`: signs audit's compliance report (the JSON body, exactly as
/// sent) with the platform's current signing key, as a compact JWS that anyone can verify
/// against `/.well-known/jwks.json`. Its `typ` keeps it from ever passing for an access token.
pub async fn sign_report(state: web::Data<AuthState>, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    if serde_json::from_slice::<serde_json::Value>(&body).map_or(true, |v| !v.is_object()) {
        return Err(ApiError::invalid("body", "error.auth.report_not_object", vec![]));
    }
    let jws = state.keys.current().sign_document(REPORT_TYP, &body).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "jws": jws })))
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivacyMail {
    /// `export_ready` (the archive's single-use download link) or `deletion_scheduled` (the
    /// link that cancels the erasure).
    pub kind: String,
    /// The link; audit mints its token and keeps only the hash.
    pub link: String,
    /// Until when the link works (the export's removal, the erasure).
    pub until: chrono::DateTime<chrono::Utc>,
}

/// `POST /internal/v1/users/{user_id}/privacy-mail`: mails a data subject the link of their
/// export or of the cancellation of their erasure, to the account's verified address as
/// identity knows it now, never to an unproven one (`{"queued": false}`); 404 for an account
/// that no longer exists.
pub async fn privacy_mail(
    state: web::Data<AuthState>, path: web::Path<uuid::Uuid>, body: web::Json<PrivacyMail>,
) -> Result<HttpResponse, ApiError> {
    let Some(user) = state.identity.get_user(path.into_inner()).await? else {
        return Err(ApiError::keyed(janua_core::ErrorCode::NotFound, "error.auth.account_not_found", vec![]));
    };
    let until = body.until.format("%Y-%m-%d %H:%M UTC").to_string();
    let kind = match body.kind.as_str() {
        "export_ready" if user.status == "active" => Kind::ExportReady,
        "deletion_scheduled" => Kind::DeletionScheduled,
        "export_ready" => return Ok(HttpResponse::Ok().json(serde_json::json!({ "queued": false }))),
        _ => return Err(ApiError::invalid("kind", "error.auth.privacy_mail_kind_invalid", vec![])),
    };
    if !user.email_verified {
        return Ok(HttpResponse::Ok().json(serde_json::json!({ "queued": false })));
    }
    let letter = Letter::new(kind, &user.locale)
        .name(user.name.as_deref())
        .link(body.link.clone())
        .text("until", until);
    let mut conn = state.pool.get().await?;
    crate::mailer::queue(&mut conn, &state.sealer, &user.email, &letter).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "queued": true })))
}
