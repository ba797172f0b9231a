//! An endpoint's deliveries with their attempt history, and redelivery.

use crate::WebhooksState;
use crate::domain::access::ManagedEndpoint;
use crate::store::deliveries::{self as store, Attempt, Delivery, Redelivery};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use janua_core::error::refusals;
use janua_core::pagination::{Page, PageQuery};
use janua_core::{ApiError, ErrorCode};
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

/// One event's delivery to one endpoint.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveryView {
    pub id: Uuid,
    /// Also the `webhook-id` header, the same on every attempt.
    pub event_id: Uuid,
    pub event_type: String,
    /// `pending`, `delivering`, `succeeded` or `failed`.
    pub status: String,
    /// Attempts made so far.
    pub attempts: i32,
    /// The status of the latest answer.
    pub response_status: Option<i32>,
    /// When the next attempt is due (pending deliveries only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Every attempt, oldest first.
    pub attempts_detail: Vec<Attempt>,
}

impl DeliveryView {
    pub fn of(d: Delivery, attempts: Vec<Attempt>) -> DeliveryView {
        DeliveryView {
            next_attempt_at: (d.status == store::PENDING).then_some(d.next_attempt_at),
            id: d.id,
            event_id: d.event_id,
            event_type: d.event_type,
            status: d.status,
            attempts: d.attempts,
            response_status: d.response_status,
            created_at: d.created_at,
            updated_at: d.updated_at,
            attempts_detail: attempts,
        }
    }
}

/// The endpoint's deliveries, newest first, each with its attempts.
///
/// Permissions: `webhooks:manage` in the endpoint's organization (platform admins for
/// platform-wide endpoints).
#[utoipa::path(get, path = "/api/v1/webhooks/{webhook_id}/deliveries", tag = "Webhooks",
    params(("webhook_id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Page<DeliveryView>), refusals::Forbidden, refusals::NotFound),
    security(("bearer" = [])))]
pub async fn list(
    state: web::Data<WebhooksState>, managed: ManagedEndpoint, q: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let page = q
        .fetch(|before, n| store::list(&mut conn, managed.endpoint.id, before, n), |d| (d.created_at, d.id))
        .await?;
    let ids: Vec<Uuid> = page.data.iter().map(|d| d.id).collect();
    let mut by_delivery: HashMap<Uuid, Vec<Attempt>> = HashMap::new();
    for a in store::attempts_of(&mut conn, &ids).await? {
        by_delivery.entry(a.delivery_id).or_default().push(a);
    }
    Ok(HttpResponse::Ok().json(page.map(|d| {
        let attempts = by_delivery.remove(&d.id).unwrap_or_default();
        DeliveryView::of(d, attempts)
    })))
}

/// Sends a delivery again now, with the same `webhook-id` (succeeded or failed ones alike;
/// one whose attempts were used up gets one more). A new attempt follows in its history.
///
/// Permissions: as for listing deliveries.
#[utoipa::path(post, path = "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver", tag = "Webhooks",
    params(("webhook_id" = Uuid, Path), ("delivery_id" = Uuid, Path)),
    responses((status = 202, body = DeliveryView), refusals::Forbidden, refusals::NotFound,
        refusals::Conflict),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(webhook_id = %managed.endpoint.id))]
pub async fn redeliver(
    state: web::Data<WebhooksState>, managed: ManagedEndpoint, path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let no_such_delivery = || ApiError::keyed(ErrorCode::NotFound, "error.platform.no_such_delivery", vec![]);
    let delivery_id = Uuid::parse_str(&path.1).map_err(|_| no_such_delivery())?;
    if !managed.endpoint.enabled {
        return Err(ApiError::keyed(ErrorCode::Conflict, "error.platform.webhook_disabled", vec![]));
    }
    let mut conn = state.pool.get().await?;
    let delivery = match store::redeliver(&mut conn, managed.endpoint.id, delivery_id).await? {
        Redelivery::Scheduled(d) => d,
        Redelivery::InProgress => {
            return Err(ApiError::keyed(ErrorCode::Conflict, "error.platform.delivery_in_progress", vec![]));
        }
        Redelivery::NotFound => return Err(no_such_delivery()),
    };
    let attempts = store::attempts_of(&mut conn, &[delivery.id]).await?;
    state.wake.notify_one();
    Ok(HttpResponse::Accepted().json(DeliveryView::of(delivery, attempts)))
}
