//! What org consumes: identity's user events, into the `users` read model; `user.deleted`
//! also ends the user's memberships.

use crate::domain::membership;
use crate::domain::roles::Role;
use crate::store::{members, users};
use diesel_async::AsyncConnection;
use janua_db::Pool;
use janua_events::EventEnvelope;
use janua_events::consumer::{HandleError, Handler, Subscription};

pub const QUEUE: &str = "org";

pub fn subscription() -> Subscription {
    janua_events::topology::org()
}

pub fn handler(pool: Pool) -> Handler {
    janua_events::consumer::handler(pool, apply)
}

async fn apply(pool: Pool, envelope: EventEnvelope) -> Result<(), HandleError> {
    let (event_id, payload) = (envelope.event_id()?, envelope.json_payload()?);
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
    let ctx = janua_events::EventContext::default();
    match members::successor(conn, org).await? {
        Some(heir) => membership::change_role(conn, org, heir, Role::Owner.as_str(), deleted, ctx).await,
        None => {
            crate::store::organizations::delete(conn, org).await?;
            let gone = serde_json::json!({ "organization_id": org, "reason": "last_owner_deleted" });
            let event = crate::events::organization("organization.deleted", org, deleted, gone, ctx);
            janua_db::outbox::enqueue(conn, &event).await
        }
    }
}
