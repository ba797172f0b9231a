//! What org consumes: identity's user events, into the `users` read model; `user.deleted`
//! also ends the user's memberships.

use crate::store::{members, users};
use diesel_async::AsyncConnection;
use janua_db::Pool;
use janua_events::EventEnvelope;
use janua_events::consumer::{HandleError, Handler, Subscription};
use std::sync::Arc;

pub const QUEUE: &str = "org";

pub fn subscription() -> Subscription {
    janua_events::topology::org()
}

pub fn handler(pool: Pool) -> Handler {
    Arc::new(move |envelope: EventEnvelope| {
        let pool = pool.clone();
        Box::pin(async move { apply(&pool, envelope).await })
    })
}

async fn apply(pool: &Pool, envelope: EventEnvelope) -> Result<(), HandleError> {
    let event_id =
        uuid::Uuid::parse_str(&envelope.id).map_err(|e| HandleError::Reject(format!("event id: {e}")))?;
    let payload: serde_json::Value = serde_json::from_slice(&envelope.payload)
        .map_err(|e| HandleError::Reject(format!("payload: {e}")))?;
    let mut conn = pool.get().await.map_err(|e| HandleError::Retry(e.to_string()))?;
    conn.transaction::<_, diesel::result::Error, _>(async |conn| {
        if !janua_db::inbox::first_delivery(conn, QUEUE, event_id).await? {
            return Ok(());
        }
        if envelope.r#type == "user.deleted" {
            if let Some(id) = payload["user_id"].as_str().and_then(|s| uuid::Uuid::parse_str(s).ok()) {
                users::delete(conn, id).await?;
                let owned = members::owned_by(conn, id).await?;
                members::remove_user_everywhere(conn, id).await?;
                crate::store::roles::unassign_all(conn, id).await?;
                for org in owned {
                    succession(conn, org, id).await?;
                }
            }
        } else if let Ok(user) = serde_json::from_value::<users::User>(payload["user"].clone()) {
            users::upsert(conn, &user).await?;
        } else {
            tracing::warn!(event_type = %envelope.r#type, "user event without a user record; skipped");
        }
        Ok(())
    })
    .await
    .map_err(|e| HandleError::Retry(e.to_string()))
}

/// An organization keeps an owner: when its last owner's account is deleted, the
/// longest-standing admin (else member) becomes owner; with nobody left it is deleted.
async fn succession(
    conn: &mut diesel_async::AsyncPgConnection, org: uuid::Uuid, deleted: uuid::Uuid,
) -> Result<(), diesel::result::Error> {
    if !members::owners_for_update(conn, org).await?.is_empty() {
        return Ok(());
    }
    match members::successor(conn, org).await? {
        Some(heir) => {
            members::set_role(conn, org, heir, "owner").await?;
            janua_db::outbox::enqueue(
                conn,
                &crate::events::member(
                    "organization.member_role_changed",
                    org,
                    deleted,
                    heir,
                    "owner",
                    janua_events::EventContext::default(),
                ),
            )
            .await?;
        }
        None => {
            crate::store::organizations::delete(conn, org).await?;
            janua_db::outbox::enqueue(
                conn,
                &crate::events::organization(
                    "organization.deleted",
                    org,
                    deleted,
                    serde_json::json!({ "organization_id": org, "reason": "last_owner_deleted" }),
                    janua_events::EventContext::default(),
                ),
            )
            .await?;
        }
    }
    Ok(())
}
