//! The Passkeys router (`/api/v1/passkeys`): WebAuthn registration for a signed-in user,
//! password-less sign-in (discoverable, or with an email hint), list and delete.
//!
//! Each ceremony's state stays in auth's database under a `ceremony_id`, expires, and is
//! consumed by its first completion whatever the outcome, so an assertion cannot be replayed.
//! A passkey sign-in verifies the user (UV required), so it satisfies MFA on its own.

use crate::domain::passkeys as rp;
use crate::domain::sessions;
use crate::domain::sign_in_methods::{self, Removing};
use crate::domain::throttle::user_account;
use crate::handlers::auth::{TokenPair, normalise_email, record_signin_failure, suspended, token_pair};
use crate::store::passkeys::{self as store, Ceremony, NewCeremony, NewPasskey, PasskeyRow};
use crate::{AuthState, events};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Duration, Utc};
use diesel_async::AsyncConnection;
use janua_core::error::refusals;
use janua_core::http::{RequestMeta, optional_json};
use janua_core::{ApiError, ErrorCode};
use janua_tokens::{Authenticated, Reauthenticated};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use webauthn_rs::prelude::{
    AuthenticationResult, CredentialID, DiscoverableAuthentication, DiscoverableKey, Passkey,
    PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential,
};

/// Passkeys one account may hold.
pub const MAX_PASSKEYS: i64 = 25;
const NAME_MAX: usize = 64;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BeginRegistration {
    /// A label for the passkey ("MacBook Touch ID"); can also be given on completion.
    pub name: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CompleteRegistration {
    pub ceremony_id: Uuid,
    /// The browser's `PublicKeyCredential.toJSON()` from `navigator.credentials.create()`.
    #[schema(value_type = Object)]
    pub credential: serde_json::Value,
    pub name: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BeginAuthentication {
    /// Optional: offers this account's passkeys; without it the browser lists what it has.
    pub email: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CompleteAuthentication {
    pub ceremony_id: Uuid,
    /// The browser's `PublicKeyCredential.toJSON()` from `navigator.credentials.get()`.
    #[schema(value_type = Object)]
    pub credential: serde_json::Value,
}

/// What a `begin` route answers: pass `publicKey` to `navigator.credentials.create()` or
/// `.get()` (binary fields are base64url), and send back `ceremony_id` with the result.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CeremonyOptions {
    #[serde(rename = "publicKey")]
    #[schema(value_type = Object)]
    pub public_key: serde_json::Value,
    pub ceremony_id: Uuid,
    pub expires_in: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PasskeyView {
    pub id: Uuid,
    pub name: String,
    /// Whether the passkey can be synced to the user's other devices, and whether it is.
    pub backup_eligible: bool,
    pub backed_up: bool,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<PasskeyRow> for PasskeyView {
    fn from(r: PasskeyRow) -> Self {
        PasskeyView {
            id: r.id,
            name: r.name,
            backup_eligible: r.backup_eligible,
            backed_up: r.backup_state,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PasskeyList {
    pub data: Vec<PasskeyView>,
    pub next_cursor: Option<String>,
}

fn clean_name(raw: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(name) = raw.map(str::trim) else {
        return Ok(None);
    };
    if name.is_empty() || name.chars().count() > NAME_MAX || name.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "name",
            "error.auth.passkey_name_invalid",
            vec![("max", NAME_MAX.to_string().into())],
        ));
    }
    Ok(Some(name.to_string()))
}

fn ceremony_gone() -> ApiError {
    ApiError::invalid("ceremony_id", "error.auth.ceremony_gone", vec![])
}

fn not_accepted() -> ApiError {
    ApiError::keyed(ErrorCode::InvalidCredentials, "error.auth.passkey_not_accepted", vec![])
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(e)
}

fn options(state: &AuthState, public_key: serde_json::Value, ceremony_id: Uuid) -> CeremonyOptions {
    CeremonyOptions {
        public_key: public_key.get("publicKey").cloned().unwrap_or(public_key),
        ceremony_id,
        expires_in: state.settings.webauthn.ceremony_ttl_secs,
    }
}

async fn store_ceremony(
    state: &AuthState, purpose: &str, user_id: Option<Uuid>, decoy: bool, name: Option<&str>,
    ceremony_state: serde_json::Value,
) -> Result<Uuid, ApiError> {
    let id = janua_core::ids::new_id();
    let now = Utc::now();
    let mut conn = state.pool.get().await?;
    store::begin(
        &mut conn,
        NewCeremony {
            id,
            purpose,
            user_id,
            decoy,
            name,
            state: ceremony_state,
            expires_at: now + Duration::seconds(state.settings.webauthn.ceremony_ttl_secs),
        },
        now,
    )
    .await?;
    Ok(id)
}

fn parse_passkey(row: &PasskeyRow) -> Result<Passkey, ApiError> {
    serde_json::from_value(row.passkey.clone()).map_err(internal)
}

/// Starts registering a passkey for the caller: answers the creation options.
///
/// Permissions: any signed-in user (their own account).
#[utoipa::path(post, path = "/api/v1/passkeys/register/begin", tag = "Passkeys",
    request_body(content = BeginRegistration, description = "optional"),
    responses((status = 200, body = CeremonyOptions), refusals::Conflict),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %auth.user_id()))]
pub async fn begin_registration(
    state: web::Data<AuthState>, auth: Reauthenticated, body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let request: BeginRegistration = optional_json(&body)?.unwrap_or_default();
    let name = clean_name(request.name.as_deref())?;
    let user = state.user(auth.user_id()).await?.ok_or_else(|| ApiError::unauthorized("user_gone"))?;
    let existing = {
        let mut conn = state.pool.get().await?;
        store::of_user(&mut conn, user.id).await?
    };
    if existing.len() as i64 >= MAX_PASSKEYS {
        return Err(ApiError::keyed(
            ErrorCode::Conflict,
            "error.auth.passkey_limit_reached",
            vec![("max", MAX_PASSKEYS.to_string().into())],
        ));
    }
    let exclude: Vec<CredentialID> =
        existing.iter().map(|r| CredentialID::from(r.credential_id.clone())).collect();
    let display = user.name.clone().unwrap_or_else(|| user.email.clone());
    let (challenge, registration) = state
        .webauthn
        .start_passkey_registration(user.id, &user.email, &display, Some(exclude))
        .map_err(internal)?;
    let mut public_key = serde_json::to_value(&challenge).map_err(internal)?;
    rp::prefer_discoverable(&mut public_key);
    let ceremony_id = store_ceremony(
        &state,
        "register",
        Some(user.id),
        false,
        name.as_deref(),
        serde_json::to_value(&registration).map_err(internal)?,
    )
    .await?;
    Ok(HttpResponse::Ok().json(options(&state, public_key, ceremony_id)))
}

/// Completes a registration with the authenticator's answer; the passkey is stored.
///
/// Permissions: the signed-in user who began the ceremony.
#[utoipa::path(post, path = "/api/v1/passkeys/register/complete", tag = "Passkeys",
    request_body = CompleteRegistration,
    responses((status = 201, body = PasskeyView), refusals::Invalid,
        refusals::Conflict),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %auth.user_id()))]
pub async fn complete_registration(
    state: web::Data<AuthState>, auth: Reauthenticated, meta: RequestMeta,
    body: web::Json<CompleteRegistration>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let user_id = auth.user_id();
    let name = clean_name(body.name.as_deref())?;
    let credential: RegisterPublicKeyCredential =
        serde_json::from_value(body.credential).map_err(malformed_credential)?;
    let ceremony = {
        let mut conn = state.pool.get().await?;
        store::take(&mut conn, body.ceremony_id, &["register"], Utc::now()).await?
    };
    // Another user's ceremony is as good as none.
    let ceremony = ceremony.filter(|c| c.user_id == Some(user_id)).ok_or_else(ceremony_gone)?;
    let registration: PasskeyRegistration = serde_json::from_value(ceremony.state).map_err(internal)?;
    let passkey = state.webauthn.finish_passkey_registration(&credential, &registration).map_err(|e| {
        ApiError::invalid("credential", "error.auth.credential_refused", vec![])
            .with_details(serde_json::json!({ "field": "credential", "reason": rp::failure_reason(&e) }))
    })?;
    let mirrored = rp::mirror(&passkey)?;
    let id = janua_core::ids::new_id();
    let name = name.or(ceremony.name).unwrap_or_else(|| "Passkey".into());
    let mut conn = state.pool.get().await?;
    let row = conn
        .transaction::<_, ApiError, _>(async |conn| {
            if store::count(conn, user_id).await? >= MAX_PASSKEYS {
                return Err(ApiError::keyed(
                    ErrorCode::Conflict,
                    "error.auth.passkey_limit",
                    vec![("max", MAX_PASSKEYS.to_string().into())],
                ));
            }
            let row = store::insert(
                conn,
                NewPasskey {
                    id,
                    user_id,
                    credential_id: &mirrored.credential_id,
                    name: &name,
                    passkey: mirrored.json.clone(),
                    counter: mirrored.counter,
                    backup_eligible: mirrored.backup_eligible,
                    backup_state: mirrored.backup_state,
                },
            )
            .await?
            .ok_or_else(|| ApiError::keyed(ErrorCode::Conflict, "error.auth.passkey_taken", vec![]))?;
            janua_db::outbox::enqueue(
                conn,
                &events::passkey_changed("passkey.registered", user_id, id, &name, meta.into()),
            )
            .await?;
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Created().json(PasskeyView::from(row)))
}

/// Starts a password-less sign-in. Without an email the browser offers the passkeys it holds
/// for this site; with one, that account's passkeys are named. The answer looks alike for an
/// email with or without passkeys.
///
/// Permissions: anyone.
#[utoipa::path(post, path = "/api/v1/passkeys/authenticate/begin", tag = "Passkeys",
    request_body(content = BeginAuthentication, description = "optional"),
    responses((status = 200, body = CeremonyOptions), refusals::Invalid))]
#[tracing::instrument(skip_all)]
pub async fn begin_authentication(
    state: web::Data<AuthState>, body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let request: BeginAuthentication = optional_json(&body)?.unwrap_or_default();
    let email = request.email.as_deref().map(normalise_email).filter(|e| !e.is_empty());
    if email.as_ref().is_some_and(|e| e.len() > 254) {
        return Err(ApiError::invalid("email", "error.auth.email_too_long", vec![]));
    }
    let known = match &email {
        Some(email) => match state.identity.find_by_email(email).await? {
            Some(user) => {
                let mut conn = state.pool.get().await?;
                let rows = store::of_user(&mut conn, user.id).await?;
                (!rows.is_empty()).then_some((user.id, rows))
            }
            None => None,
        },
        None => None,
    };
    let (public_key, ceremony_id) = if let Some((user_id, rows)) = known {
        let passkeys = rows.iter().map(parse_passkey).collect::<Result<Vec<_>, _>>()?;
        let (challenge, authentication) =
            state.webauthn.start_passkey_authentication(&passkeys).map_err(internal)?;
        let id = store_ceremony(
            &state,
            "authenticate",
            Some(user_id),
            false,
            None,
            serde_json::to_value(&authentication).map_err(internal)?,
        )
        .await?;
        (serde_json::to_value(&challenge).map_err(internal)?, id)
    } else {
        let (challenge, authentication) =
            state.webauthn.start_discoverable_authentication().map_err(internal)?;
        let decoy = email.as_deref().map(|e| rp::decoy_credential_id(&state.decoy_key, e));
        let id = store_ceremony(
            &state,
            "discover",
            None,
            decoy.is_some(),
            None,
            serde_json::to_value(&authentication).map_err(internal)?,
        )
        .await?;
        let challenge = serde_json::to_value(&challenge).map_err(internal)?;
        (rp::authentication_options(challenge, decoy), id)
    };
    Ok(HttpResponse::Ok().json(options(&state, public_key, ceremony_id)))
}

/// Completes a password-less sign-in: answers the token pair. A passkey verifies the user, so
/// no second factor is asked for. Failures count toward brute-force throttling.
///
/// Permissions: anyone holding a registered passkey.
#[utoipa::path(post, path = "/api/v1/passkeys/authenticate/complete", tag = "Passkeys",
    request_body = CompleteAuthentication,
    responses((status = 200, body = TokenPair), refusals::Invalid,
        (status = 401, body = janua_core::error::ErrorEnvelope), refusals::Forbidden,
        (status = 429, body = janua_core::error::ErrorEnvelope)))]
#[tracing::instrument(skip_all)]
pub async fn complete_authentication(
    state: web::Data<AuthState>, meta: RequestMeta, body: web::Json<CompleteAuthentication>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let ip = meta.ip.clone();
    state.throttle.check_ip(ip.as_deref()).await?;
    let credential: PublicKeyCredential =
        serde_json::from_value(body.credential).map_err(malformed_credential)?;
    let ceremony = take_sign_in_ceremony(&state, body.ceremony_id, ip.as_deref()).await?;
    if ceremony.decoy {
        return Err(refuse(&state, None, "unknown_credential", &meta).await);
    }
    let user_id = whose_passkey(&state, &ceremony, &credential, &meta).await?;
    state.throttle.check(&user_account(user_id), ip.as_deref()).await?;
    let (row, mut passkey, result) = verify_assertion(&state, ceremony, &credential, user_id, &meta).await?;
    passkey.update_credential(&result);
    record_use(&state, &row, &passkey, &meta).await?;
    let user = state.user(user_id).await?.ok_or_else(not_accepted)?;
    if user.status != "active" {
        return Err(suspended());
    }
    state.throttle.record_success(&user_account(user_id), meta.ip.as_deref()).await?;
    let mut conn = state.pool.get().await?;
    let issued = conn
        .transaction::<_, ApiError, _>(async |conn| {
            sessions::create(conn, &state, user.id, "passkey", &meta).await
        })
        .await?;
    Ok(HttpResponse::Ok().json(token_pair(&state, &user, issued)?))
}

/// Consumes a sign-in ceremony; one that is unknown, expired or already completed counts
/// against the caller's IP.
async fn take_sign_in_ceremony(state: &AuthState, id: Uuid, ip: Option<&str>) -> Result<Ceremony, ApiError> {
    let ceremony = {
        let mut conn = state.pool.get().await?;
        store::take(&mut conn, id, &["authenticate", "discover"], Utc::now()).await?
    };
    match ceremony {
        Some(ceremony) => Ok(ceremony),
        None => {
            state.throttle.record_ip_failure(ip).await?;
            Err(ceremony_gone())
        }
    }
}

/// Whose passkey signed: the hinted account's, or the one the credential's user handle names.
async fn whose_passkey(
    state: &AuthState, ceremony: &Ceremony, credential: &PublicKeyCredential, meta: &RequestMeta,
) -> Result<Uuid, ApiError> {
    match ceremony.user_id {
        Some(id) => Ok(id),
        None => match state.webauthn.identify_discoverable_authentication(credential) {
            Ok((id, _)) => Ok(id),
            Err(_) => Err(refuse(state, None, "no_user_handle", meta).await),
        },
    }
}

/// Checks the assertion against the user's stored passkey with the ceremony's state: the
/// passkey's row, the passkey and what the check found.
async fn verify_assertion(
    state: &AuthState, ceremony: Ceremony, credential: &PublicKeyCredential, user_id: Uuid,
    meta: &RequestMeta,
) -> Result<(PasskeyRow, Passkey, AuthenticationResult), ApiError> {
    let row = {
        let mut conn = state.pool.get().await?;
        store::by_credential(&mut conn, user_id, credential.get_credential_id()).await?
    };
    let Some(row) = row else {
        return Err(refuse(state, Some(user_id), "unknown_credential", meta).await);
    };
    let passkey = parse_passkey(&row)?;
    let verified = if ceremony.purpose == "authenticate" {
        let authentication: PasskeyAuthentication =
            serde_json::from_value(ceremony.state).map_err(internal)?;
        state.webauthn.finish_passkey_authentication(credential, &authentication)
    } else {
        let authentication: DiscoverableAuthentication =
            serde_json::from_value(ceremony.state).map_err(internal)?;
        state.webauthn.finish_discoverable_authentication(
            credential,
            authentication,
            &[DiscoverableKey::from(&passkey)],
        )
    };
    match verified {
        Ok(result) => Ok((row, passkey, result)),
        Err(e) => {
            let reason = rp::failure_reason(&e);
            if reason == "counter_regressed" {
                clone_suspected(state, user_id, row.id, meta).await?;
            }
            Err(refuse(state, Some(user_id), reason, meta).await)
        }
    }
}

/// Stores the passkey as the sign-in left it (counter, backup state). A counter value another
/// sign-in took first means two authenticators hold the key: refused as a suspected clone.
async fn record_use(
    state: &AuthState, row: &PasskeyRow, passkey: &Passkey, meta: &RequestMeta,
) -> Result<(), ApiError> {
    let mirrored = rp::mirror(passkey)?;
    let recorded = {
        let mut conn = state.pool.get().await?;
        store::record_use(
            &mut conn,
            row.id,
            mirrored.json,
            mirrored.counter,
            mirrored.backup_state,
            Utc::now(),
        )
        .await?
    };
    if !recorded {
        clone_suspected(state, row.user_id, row.id, meta).await?;
        return Err(refuse(state, Some(row.user_id), "counter_regressed", meta).await);
    }
    Ok(())
}

/// Counts a failed passkey sign-in (per account when known, per IP always), records it, and
/// gives the one answer every failure gets.
async fn refuse(state: &AuthState, user_id: Option<Uuid>, reason: &str, meta: &RequestMeta) -> ApiError {
    let counted = match user_id {
        Some(id) => state.throttle.record_failure(&user_account(id), meta.ip.as_deref()).await,
        None => state.throttle.record_ip_failure(meta.ip.as_deref()).await,
    };
    if let Err(e) = counted {
        return e;
    }
    match record_signin_failure(state, "passkey", user_id, reason, meta).await {
        Ok(()) => not_accepted(),
        Err(e) => e,
    }
}

async fn clone_suspected(
    state: &AuthState, user_id: Uuid, passkey_id: Uuid, meta: &RequestMeta,
) -> Result<(), ApiError> {
    tracing::warn!(%user_id, %passkey_id, "passkey signature counter went backwards: possible cloned authenticator");
    let mut conn = state.pool.get().await?;
    janua_db::outbox::enqueue(
        &mut conn,
        &events::passkey_clone_suspected(user_id, passkey_id, meta.clone().into()),
    )
    .await?;
    Ok(())
}

/// The caller's passkeys (never the keys themselves).
///
/// Permissions: any signed-in user (their own account).
#[utoipa::path(get, path = "/api/v1/passkeys", tag = "Passkeys",
    responses((status = 200, body = PasskeyList)), security(("bearer" = [])))]
pub async fn list_passkeys(
    state: web::Data<AuthState>, auth: Authenticated,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let data = store::of_user(&mut conn, auth.user_id()).await?.into_iter().map(PasskeyView::from).collect();
    Ok(HttpResponse::Ok().json(PasskeyList { data, next_cursor: None }))
}

/// Removes one of the caller's passkeys. Refused (409) when it is the account's last way to
/// sign in.
///
/// Permissions: any signed-in user (their own passkeys; another user's answers 404).
#[utoipa::path(delete, path = "/api/v1/passkeys/{passkey_id}", tag = "Passkeys",
    params(("passkey_id" = Uuid, Path)),
    responses((status = 204), refusals::NotFound,
        refusals::Conflict),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %auth.user_id()))]
pub async fn delete_passkey(
    state: web::Data<AuthState>, auth: Reauthenticated, meta: RequestMeta, path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (user_id, passkey_id) = (auth.user_id(), path.into_inner());
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let rows = store::of_user(conn, user_id).await?;
        let Some(row) = rows.iter().find(|r| r.id == passkey_id) else {
            return Err(ApiError::not_found());
        };
        sign_in_methods::ensure_another_remains(conn, user_id, Removing::Passkey(passkey_id)).await?;
        store::delete(conn, user_id, passkey_id).await?;
        janua_db::outbox::enqueue(
            conn,
            &events::passkey_changed("passkey.deleted", user_id, passkey_id, &row.name, meta.into()),
        )
        .await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A `credential` that is not a WebAuthn credential (the parser says why).
fn malformed_credential(e: serde_json::Error) -> ApiError {
    ApiError::invalid("credential", "error.auth.credential_malformed", vec![("reason", e.to_string().into())])
}
