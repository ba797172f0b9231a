//! `/internal/v1` of webhooks, behind the shared service token, never routed by the gateway.

use crate::WebhooksState;
use crate::store::schema::endpoints;
use actix_web::{HttpResponse, web};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use janua_core::ApiError;
use uuid::Uuid;

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactsQuery {
    /// One organization's endpoints; none: every endpoint of the platform.
    pub organization_id: Option<Uuid>,
}

/// `GET /internal/v1/compliance/facts`: the enabled endpoints in scope and which of them
/// receive events over plain HTTP (by id: a URL may carry a credential), for the transmission
/// controls audit checks.
pub async fn compliance_facts(
    state: web::Data<WebhooksState>, query: web::Query<FactsQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let mut q = endpoints::table
        .filter(endpoints::enabled.eq(true))
        .select((endpoints::id, endpoints::url))
        .into_boxed();
    if let Some(org) = query.organization_id {
        q = q.filter(endpoints::organization_id.eq(org));
    }
    let rows: Vec<(Uuid, String)> = q.order(endpoints::id).load(&mut conn).await?;
    let plain: Vec<Uuid> = rows
        .iter()
        .filter(|(_, url)| !url.get(..8).is_some_and(|s| s.eq_ignore_ascii_case("https://")))
        .map(|(id, _)| *id)
        .collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "endpoints": rows.len(), "plain_http": plain })))
}
