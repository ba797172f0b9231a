//! What audit itself publishes: exports of the log are security-relevant and recorded too.

use crate::AuditState;
use crate::store::Filter;
use diesel_async::AsyncConnection;
use janua_core::ApiError;
use janua_core::http::RequestMeta;
use janua_tokens::Authenticated;

pub async fn record_export(
    state: &AuditState,
    auth: &Authenticated,
    filter: &Filter,
    format: &str,
    meta: RequestMeta,
) -> Result<(), ApiError> {
    let mut event = janua_events::Event::new(
        "audit",
        "audit.exported",
        serde_json::json!({
            "format": format,
            "from": filter.from,
            "to": filter.to,
            "type": filter.event_type,
            "actor_id": filter.actor_id,
            "subject_id": filter.subject_id,
            "organization_id": filter.organization_id,
            "outcome": filter.outcome,
        }),
    )
    .actor(auth.user_id())
    .context(meta.into());
    if let Some(org) = filter.organization_id {
        event = event.organization(org);
    }
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, diesel::result::Error, _>(async |conn| {
        janua_db::outbox::enqueue(conn, &event).await
    })
    .await?;
    Ok(())
}
