//! An address is verified only by mail that reached it. Every emailed token names the address
//! it went to; it proves that address for the account it was sent for, and only while the
//! account still has that address. Every route that trades an emailed token (verify, reset,
//! magic link) goes through here.

use crate::AuthState;
use crate::identity_client::IdentityUser;
use crate::letters::{Kind, Letter};
use crate::store::one_time_tokens::EmailedToken;
use janua_core::ApiError;
use janua_core::http::RequestMeta;

/// The account a token was mailed for, read from identity (the owner, not a read model that
/// may lag), if its address is still the one the token went to. `None`: the token names no
/// account, the account is gone, or its address moved since the mail left.
pub async fn account_of(state: &AuthState, token: &EmailedToken) -> Result<Option<IdentityUser>, ApiError> {
    let Some(id) = token.user_id else {
        return Ok(None);
    };
    Ok(state.identity.get_user(id).await?.filter(|user| user.email == token.sent_to))
}

/// Marks the address the token went to as verified. Identity checks, under the row lock, that
/// the account still has that address: `None` when it moved, whatever the race.
pub async fn verify_address(
    state: &AuthState, token: &EmailedToken, meta: &RequestMeta,
) -> Result<Option<IdentityUser>, ApiError> {
    let Some(id) = token.user_id else {
        return Ok(None);
    };
    state.identity.mark_email_verified(id, &token.sent_to, meta).await
}

/// What composing a verification mail needs, from the handlers' state or the event consumer.
pub struct Mailing<'a> {
    pub sealer: &'a janua_tokens::SecretBox,
    pub public_url: &'a str,
    pub verify_ttl_secs: i64,
}

impl<'a> Mailing<'a> {
    pub fn of(state: &'a AuthState) -> Self {
        Mailing {
            sealer: &state.sealer,
            public_url: &state.settings.public_url,
            verify_ttl_secs: state.settings.tokens.verify_token_ttl_secs,
        }
    }
}

/// Inside the caller's transaction: a new verification link for the account's current
/// address (earlier ones stop working), its mail, and `user.verification_sent`.
pub async fn queue_verification(
    conn: &mut diesel_async::AsyncPgConnection, mailing: &Mailing<'_>, user: &IdentityUser,
    ctx: janua_events::EventContext,
) -> diesel::QueryResult<()> {
    let (user_id, email) = (user.id, user.email.as_str());
    use crate::store::one_time_tokens;
    let token = janua_core::crypto::random_token();
    let now = chrono::Utc::now();
    one_time_tokens::invalidate_for_user(conn, user_id, one_time_tokens::PURPOSE_VERIFY_EMAIL, now).await?;
    one_time_tokens::insert(
        conn,
        &janua_core::crypto::sha256(token.as_bytes()),
        Some(user_id),
        email,
        one_time_tokens::PURPOSE_VERIFY_EMAIL,
        now + chrono::Duration::seconds(mailing.verify_ttl_secs),
    )
    .await?;
    let link = format!("{}/verify-email?token={}", mailing.public_url.trim_end_matches('/'), token);
    let letter = Letter::new(Kind::Verify, &user.locale)
        .name(user.name.as_deref())
        .link(link)
        .lifetime(mailing.verify_ttl_secs);
    crate::mailer::queue(conn, mailing.sealer, email, &letter).await?;
    janua_db::outbox::enqueue(conn, &crate::events::verification_sent(user_id, ctx)).await?;
    Ok(())
}
