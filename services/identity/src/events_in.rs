//! What identity consumes: a deleted organization's overrides of messages go with it.

use diesel_async::AsyncConnection;
use janua_db::Pool;
use janua_events::EventEnvelope;
use janua_events::consumer::{HandleError, Handler, Subscription};
use uuid::Uuid;

pub const QUEUE: &str = "identity";

pub fn subscription() -> Subscription {
    janua_events::topology::identity()
}

pub fn handler(pool: Pool) -> Handler {
    janua_events::consumer::handler(pool, apply)
}

async fn apply(pool: Pool, envelope: EventEnvelope) -> Result<(), HandleError> {
    let event_id = envelope.event_id()?;
    if envelope.r#type != "organization.deleted" {
        return Ok(());
    }
    let Ok(org) = Uuid::parse_str(&envelope.organization_id) else {
        tracing::warn!("organization.deleted without an organization; skipped");
        return Ok(());
    };
    let mut conn = pool.get().await.map_err(|e| HandleError::Retry(e.to_string()))?;
    conn.transaction::<_, diesel::result::Error, _>(async |conn| {
        if janua_db::inbox::first_delivery(conn, QUEUE, event_id).await? {
            crate::store::translations::delete_organization(conn, org).await?;
        }
        Ok(())
    })
    .await
    .map_err(|e| HandleError::Retry(e.to_string()))
}
