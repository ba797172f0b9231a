//! The first platform admin, from `JANUA_BOOTSTRAP_ADMIN_EMAIL` / `..._PASSWORD`. Idempotent:
//! an existing account is left as it is. Retries until identity answers.

use crate::AuthState;
use crate::identity_client::{CreateOutcome, IdentityUser};
use crate::store::credentials;
use diesel_async::AsyncConnection;
use janua_core::ApiError;
use janua_core::http::RequestMeta;
use secrecy::ExposeSecret;

pub async fn bootstrap_admin(state: AuthState) {
    let (Some(email), Some(password)) =
        (state.settings.bootstrap_admin_email.clone(), state.settings.bootstrap_admin_password.clone())
    else {
        return;
    };
    let email = email.trim().to_lowercase();
    let mut delay = std::time::Duration::from_millis(200);
    loop {
        match ensure_admin(&state, &email, password.expose_secret()).await {
            Ok(created) => {
                if created {
                    tracing::info!("bootstrap admin created");
                }
                return;
            }
            Err(e) if e.code() == janua_core::ErrorCode::ServiceUnavailable => {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(std::time::Duration::from_secs(5));
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot create the bootstrap admin");
                return;
            }
        }
    }
}

async fn ensure_admin(state: &AuthState, email: &str, password: &str) -> Result<bool, ApiError> {
    if state.identity.find_by_email(email).await?.is_some() {
        return Ok(false);
    }
    let created =
        create_account(state, email, password, Some("Administrator"), &["admin"], &RequestMeta::default())
            .await?;
    Ok(created.is_some())
}

/// An account with a password whose address counts as proven, made by an operator (the
/// bootstrap admin, `janua admin create-user`): identity creates the user, auth keeps the
/// password. `None` when the address is taken.
pub async fn create_account(
    state: &AuthState, email: &str, password: &str, name: Option<&str>, roles: &[&str], meta: &RequestMeta,
) -> Result<Option<IdentityUser>, ApiError> {
    let hash = state.hasher.hash(password).await?;
    let id = janua_core::ids::new_id();
    let user = match state.identity.create_user(id, email, name, roles, true, meta).await? {
        CreateOutcome::Created(u) => u,
        CreateOutcome::EmailTaken => return Ok(None),
    };
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        credentials::upsert(conn, user.id, &hash).await?;
        janua_db::outbox::enqueue(conn, &crate::events::credential_created(user.id, meta.clone().into()))
            .await?;
        Ok(())
    })
    .await?;
    Ok(Some(*user))
}
