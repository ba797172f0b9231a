//! What audit itself publishes: exports of the log are security-relevant and recorded too.

use crate::AuditState;
use crate::store::Filter;
use diesel_async::AsyncConnection;
use janua_core::ApiError;
use janua_core::http::RequestMeta;
use janua_tokens::Authenticated;

pub async fn record_export(
    state: &AuditState, auth: &Authenticated, filter: &Filter, format: &str, meta: RequestMeta,
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

/// What a service without a database of its own (the gateway) asks audit to record.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordRequest {
    #[serde(rename = "type")]
    pub event_type: String,
    pub actor_id: Option<uuid::Uuid>,
    #[serde(default)]
    pub data: serde_json::Value,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
}

/// `POST /internal/v1/records` (service token): the event goes through audit's outbox, so it
/// is in the chain (and reaches webhooks) like any other, once this answers 202.
pub async fn record(
    state: actix_web::web::Data<AuditState>, body: actix_web::web::Json<RecordRequest>,
) -> Result<actix_web::HttpResponse, ApiError> {
    let req = body.into_inner();
    let Some(kind) = janua_events::catalogue::find(&req.event_type).filter(|e| e.source == "gateway") else {
        return Err(ApiError::invalid("type", "error.platform.event_not_recorded", vec![]));
    };
    let mut event =
        janua_events::Event::new("gateway", kind.name, req.data).context(janua_events::EventContext {
            request_id: req.request_id,
            ip: req.ip,
            user_agent: req.user_agent,
            traceparent: None,
        });
    if let Some(actor) = req.actor_id {
        event = event.actor(actor);
    }
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, diesel::result::Error, _>(async |conn| {
        janua_db::outbox::enqueue(conn, &event).await
    })
    .await?;
    Ok(actix_web::HttpResponse::Accepted().json(serde_json::json!({ "id": event.id })))
}
