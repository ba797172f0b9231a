//! Magic links (`/api/v1/auth/magic`): a single-use sign-in link by email, valid 15 minutes.
//! The link points at the application's page (`{public_url}/magic-link?token=`), which calls
//! `GET /verify`: mail scanners that fetch links therefore cannot spend the token.

use crate::domain::{account_claim, email_proof};
use crate::handlers::auth::{
    EmailRequest, TokenPair, accept_then, normalise_email, session_or_mfa_challenge, suspended,
};
use crate::identity_client::{CreateOutcome, IdentityUser};
use crate::letters::{Kind, Letter};
use crate::store::one_time_tokens;
use crate::{AuthState, events, mailer};
use actix_web::{HttpResponse, web};
use chrono::{Duration, Utc};
use diesel_async::AsyncConnection;
use janua_core::ApiError;
use janua_core::error::refusals;
use janua_core::http::RequestMeta;
use serde::Deserialize;

/// Emails a sign-in link. Answers 202 whether or not the email has an account; the work
/// happens after the answer so its timing says nothing either. With
/// `magic_links.signup_enabled`, an unknown email gets a link that creates the account.
///
/// Permissions: anyone.
#[utoipa::path(post, path = "/api/v1/auth/magic/send", tag = "Magic Links", request_body = EmailRequest,
    responses((status = 202), refusals::Invalid))]
#[tracing::instrument(skip_all)]
pub async fn send_magic_link(
    state: web::Data<AuthState>, meta: RequestMeta, body: web::Json<EmailRequest>,
) -> Result<HttpResponse, ApiError> {
    let email = normalise_email(&body.email);
    if email.is_empty() || email.len() > 254 || !email.contains('@') {
        return Err(ApiError::invalid("email", "error.email.invalid", vec![]));
    }
    Ok(accept_then("a magic link", state, email, meta, send))
}

async fn send(state: std::sync::Arc<AuthState>, email: String, meta: RequestMeta) -> Result<(), ApiError> {
    let (state, email) = (&*state, email.as_str());
    let budget = state.settings.magic_links.per_email_per_hour;
    if !state.throttle.mail_allowed("magic", email, budget).await? {
        return Ok(());
    }
    let user = state.identity.find_by_email(email).await?;
    if user.as_ref().is_some_and(|u| u.status != "active") {
        return Ok(());
    }
    if user.is_none() && !state.settings.magic_links.signup_enabled {
        return Ok(());
    }
    let token = janua_core::crypto::random_token();
    let hash = janua_core::crypto::sha256(token.as_bytes());
    let now = Utc::now();
    let expires_at = now + Duration::seconds(state.settings.magic_links.ttl_secs);
    let link = format!("{}/magic-link?token={}", state.settings.public_url.trim_end_matches('/'), token);
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let user_id = user.as_ref().map(|u| u.id);
        one_time_tokens::insert(conn, &hash, user_id, email, one_time_tokens::PURPOSE_MAGIC_LINK, expires_at)
            .await?;
        let locale = user
            .as_ref()
            .map(|u| u.locale.as_str())
            .unwrap_or(state.settings.localization.default_locale.as_str());
        let letter = Letter::new(Kind::MagicLink, locale)
            .name(user.as_ref().and_then(|u| u.name.as_deref()))
            .link(link.clone())
            .lifetime(state.settings.magic_links.ttl_secs);
        mailer::queue(conn, &state.sealer, email, &letter).await?;
        janua_db::outbox::enqueue(
            conn,
            &events::magic_link_sent(user.as_ref().map(|u| u.id), meta.clone().into()),
        )
        .await?;
        Ok(())
    })
    .await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct VerifyQuery {
    pub token: String,
}

/// Trades a magic-link token (single use) for a token pair. Following the link proves the
/// address, so the email counts as verified.
///
/// Permissions: anyone holding a magic-link token.
#[utoipa::path(get, path = "/api/v1/auth/magic/verify", tag = "Magic Links", params(VerifyQuery),
    responses((status = 200, body = TokenPair), (status = 401, body = janua_core::error::ErrorEnvelope),
        refusals::Forbidden))]
#[tracing::instrument(skip_all)]
pub async fn verify_magic_link(
    state: web::Data<AuthState>, meta: RequestMeta, q: web::Query<VerifyQuery>,
) -> Result<HttpResponse, ApiError> {
    let hash = janua_core::crypto::sha256(q.token.as_bytes());
    let invalid = || ApiError::unauthorized("magic_link_invalid");
    let mut conn = state.pool.get().await?;
    // One UPDATE: two concurrent uses of a link cannot both get through.
    let token = one_time_tokens::consume(&mut conn, &hash, one_time_tokens::PURPOSE_MAGIC_LINK, Utc::now())
        .await?
        .ok_or_else(invalid)?;
    drop(conn);
    let user: IdentityUser = if token.user_id.is_some() {
        // The link proves the address it went to, for the account that had it then and has
        // it still; an account whose address moved since gets nothing from it.
        let user = email_proof::account_of(&state, &token).await?.ok_or_else(invalid)?;
        if user.status != "active" {
            return Err(suspended());
        }
        if user.email_verified { user } else { claim(&state, &token, &meta).await? }
    } else {
        if !state.settings.magic_links.signup_enabled {
            return Err(invalid());
        }
        let email = token.sent_to;
        match state.identity.create_user(janua_core::ids::new_id(), &email, None, &[], true, &meta).await? {
            CreateOutcome::Created(user) => *user,
            // Someone signed up with this address since the link went out: the link reached
            // the address, so it signs that account in and proves the address.
            CreateOutcome::EmailTaken => {
                let user = state.identity.find_by_email(&email).await?.ok_or_else(invalid)?;
                if user.status != "active" {
                    return Err(suspended());
                }
                let proof = one_time_tokens::EmailedToken { user_id: Some(user.id), sent_to: email };
                match user.email_verified {
                    true => user,
                    false => claim(&state, &proof, &meta).await?,
                }
            }
        }
    };
    // A link is one factor: a user with a second factor still has to give it.
    session_or_mfa_challenge(&state, &user, "magic_link", &meta).await
}

/// A link to an account whose address was never proven: whoever follows it owns the address,
/// and whoever registered the account without proving it loses every way back in
/// ([`account_claim`]) before the address counts as verified. Both happen or neither.
async fn claim(
    state: &AuthState, proof: &one_time_tokens::EmailedToken, meta: &RequestMeta,
) -> Result<IdentityUser, ApiError> {
    let invalid = || ApiError::unauthorized("magic_link_invalid");
    let user_id = proof.user_id.ok_or_else(invalid)?;
    let mut conn = state.pool.get().await?;
    let (user, stripped) = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let stripped = account_claim::strip(conn, user_id, "magic_link", meta).await?;
            let user = email_proof::verify_address(state, proof, meta).await?.ok_or_else(invalid)?;
            Ok((user, stripped))
        })
        .await?;
    drop(conn);
    Ok(account_claim::after_commit(state, user_id, &stripped, meta).await?.unwrap_or(user))
}
