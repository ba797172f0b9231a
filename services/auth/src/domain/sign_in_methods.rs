//! The ways an account can sign in (password, passkeys, linked providers), and the rule that
//! removing one may not leave none.

use crate::store::{credentials, passkeys};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use janua_core::ApiError;
use uuid::Uuid;

/// What is being taken away.
#[derive(Debug, Clone, Copy)]
pub enum Removing<'a> {
    Passkey(Uuid),
    Provider(&'a str),
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Methods {
    pub password: bool,
    pub passkeys: i64,
    pub providers: i64,
}

impl Methods {
    pub fn total(&self) -> i64 {
        i64::from(self.password) + self.passkeys + self.providers
    }
}

/// Serialises changes to one user's sign-in methods until the transaction ends, so two
/// concurrent removals cannot each leave "another" method that the other one removes.
pub async fn lock_user(conn: &mut AsyncPgConnection, user_id: Uuid) -> Result<(), ApiError> {
    janua_db::prepared::sql("SELECT pg_advisory_xact_lock(hashtextextended($1::text, 7))")
        .bind::<diesel::sql_types::Uuid, _>(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn methods(conn: &mut AsyncPgConnection, user_id: Uuid) -> Result<Methods, ApiError> {
    Ok(Methods {
        password: credentials::password_hash(conn, user_id).await?.is_some(),
        passkeys: passkeys::count(conn, user_id).await?,
        providers: crate::store::oauth::count_links(conn, user_id).await?,
    })
}

/// Inside a transaction: takes the user's lock and refuses (409) a removal that would leave
/// the account no way to sign in. Magic links do not count: they can be switched off, and an
/// inbox alone is a weak way back in.
pub async fn ensure_another_remains(
    conn: &mut AsyncPgConnection, user_id: Uuid, removing: Removing<'_>,
) -> Result<Methods, ApiError> {
    lock_user(conn, user_id).await?;
    let now = methods(conn, user_id).await?;
    if now.total() <= 1 {
        let key = match removing {
            Removing::Passkey(_) => "error.auth.last_passkey",
            Removing::Provider(_) => "error.auth.last_linked_account",
        };
        return Err(ApiError::keyed(janua_core::ErrorCode::Conflict, key, vec![])
            .with_details(serde_json::json!({ "reason": "last_sign_in_method" })));
    }
    Ok(now)
}
