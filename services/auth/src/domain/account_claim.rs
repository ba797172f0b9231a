//! Taking over an account whose address was never proven. Whoever proves an address (a magic
//! link that reached it, an organization's identity provider within a DNS-verified domain)
//! may take over an account that someone registered with that address without proving it; but
//! the one who registered it first must end up with nothing: every way they set up to get
//! back in (password, passkeys, linked provider accounts, TOTP and backup codes, sessions,
//! pending emailed tokens) is removed before the new owner is signed in, and the event says
//! which were removed.

use crate::identity_client::IdentityUser;
use crate::store::{mfa, oauth, one_time_tokens, passkeys, sessions};
use crate::{AuthState, events};
use chrono::Utc;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use janua_core::ApiError;
use janua_core::http::RequestMeta;
use uuid::Uuid;

/// What the earlier registrant had set up and lost.
#[derive(Debug, Default)]
pub struct Stripped {
    pub password: bool,
    pub passkeys: usize,
    pub providers: usize,
    pub totp: bool,
    pub sessions: Vec<Uuid>,
}

impl Stripped {
    /// The names of what was removed, as the event lists them.
    pub fn removed(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.password {
            out.push("password");
        }
        if self.passkeys > 0 {
            out.push("passkeys");
        }
        if self.providers > 0 {
            out.push("provider_links");
        }
        if self.totp {
            out.push("totp");
        }
        if !self.sessions.is_empty() {
            out.push("sessions");
        }
        out
    }
}

/// Inside the caller's transaction: removes every credential and session of the account and
/// writes `user.account_claimed`. `by` says what proved the address (`magic_link`, `sso`).
/// The caller lists the returned sessions in the revocation set after commit, and clears
/// identity's `mfa_enabled` flag when `totp` was removed.
pub async fn strip(
    conn: &mut AsyncPgConnection, user_id: Uuid, by: &str, meta: &RequestMeta,
) -> Result<Stripped, ApiError> {
    crate::domain::sign_in_methods::lock_user(conn, user_id).await?;
    let now = Utc::now();
    let password = diesel::delete(
        crate::store::schema::credentials::table
            .filter(crate::store::schema::credentials::user_id.eq(user_id)),
    )
    .execute(conn)
    .await?
        > 0;
    let passkey_count = passkeys::of_user(conn, user_id).await?.len();
    diesel::delete(
        crate::store::schema::passkeys::table.filter(crate::store::schema::passkeys::user_id.eq(user_id)),
    )
    .execute(conn)
    .await?;
    let providers = oauth::delete_links_of_user(conn, user_id).await?;
    let totp = mfa::totp(conn, user_id).await?.is_some();
    mfa::delete_all(conn, user_id).await?;
    one_time_tokens::invalidate_all_for_user(conn, user_id, now).await?;
    let revoked = sessions::revoke_all_of_user(conn, user_id, None, "account_claimed", now).await?;
    for sid in &revoked {
        janua_db::outbox::enqueue(
            conn,
            &events::session_revoked(user_id, *sid, "account_claimed", None, meta.clone().into()),
        )
        .await?;
    }
    let stripped = Stripped { password, passkeys: passkey_count, providers, totp, sessions: revoked };
    janua_db::outbox::enqueue(
        conn,
        &events::account_claimed(user_id, by, &stripped.removed(), meta.clone().into()),
    )
    .await?;
    Ok(stripped)
}

/// After the transaction of [`strip`] committed: the removed sessions' tokens stop at once and
/// identity's `mfa_enabled` follows the removed TOTP (the user as it is then, if it changed).
pub async fn after_commit(
    state: &AuthState, user_id: Uuid, stripped: &Stripped, meta: &RequestMeta,
) -> Result<Option<IdentityUser>, ApiError> {
    state.revocations.revoke_many(&stripped.sessions).await?;
    if stripped.totp {
        return Ok(Some(state.identity.set_mfa_enabled(user_id, false, meta).await?));
    }
    Ok(None)
}
