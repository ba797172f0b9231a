//! Changing what identifies an account (its address, its name), by any path: the user's own
//! profile, SCIM, an admin. One place, so every path follows the same rule: a new address is
//! unverified (mail that reached the old one proves nothing about it), and `user.updated`
//! names the previous address so auth kills every token mailed there and tells it.

use crate::domain::user::{Email, User};
use crate::{events, store};
use diesel_async::AsyncPgConnection;
use janua_core::http::RequestMeta;
use janua_core::{ApiError, ErrorCode};
use uuid::Uuid;

/// Inside the caller's transaction: sets the address and/or the name (`Some(None)` clears it)
/// of a locked user row and writes `user.updated` when something changed. Answers the user
/// as it is now.
pub async fn change(
    conn: &mut AsyncPgConnection, id: Uuid, email: Option<&Email>, name: Option<Option<&str>>,
    locale: Option<&str>, actor: Uuid, meta: &RequestMeta,
) -> Result<User, ApiError> {
    let current = store::users::find_for_update(conn, id)
        .await?
        .ok_or_else(|| ApiError::keyed(ErrorCode::NotFound, "error.accounts.no_such_user", vec![]))?;
    let new_email = email.map(Email::as_str).filter(|e| *e != current.email);
    let new_name = name.filter(|n| *n != current.name.as_deref());
    let new_locale = locale.filter(|l| *l != current.locale);
    if new_email.is_none() && new_name.is_none() && new_locale.is_none() {
        return Ok(current);
    }
    let user = store::users::update_account(conn, id, new_email, new_name, new_locale).await.map_err(
        |e| match e {
            diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
                ApiError::keyed(ErrorCode::Conflict, "error.accounts.email_taken", vec![])
                    .with_details(serde_json::json!({ "field": "email" }))
            }
            other => other.into(),
        },
    )?;
    let mut changed = Vec::new();
    if new_email.is_some() {
        changed.push("email");
        if current.email_verified {
            changed.push("email_verified");
        }
    }
    if new_name.is_some() {
        changed.push("name");
    }
    if new_locale.is_some() {
        changed.push("locale");
    }
    let previous = new_email.map(|_| current.email.as_str());
    janua_db::outbox::enqueue(
        conn,
        &events::user_changed(&user, actor, changed, previous, meta.clone().into()),
    )
    .await?;
    Ok(user)
}
