//! The Webhooks router (`/api/v1/webhooks`): endpoints, their signing secrets (shown once,
//! at creation and rotation) and the test ping.

use crate::domain::access::{ManagedEndpoint, no_such_organization, require_manage};
use crate::domain::event_types::Subscriptions;
use crate::domain::signature::SigningKey;
use crate::domain::target::EndpointUrl;
use crate::handlers::deliveries::DeliveryView;
use crate::store::deliveries;
use crate::store::endpoints::{self as store, Endpoint, Listing};
use crate::{WebhooksState, events};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use diesel::QueryResult;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use janua_core::error::refusals;
use janua_core::http::RequestMeta;
use janua_core::pagination::{Page, PageQuery};
use janua_core::text::check_description;
use janua_core::{ApiError, ErrorCode};
use janua_tokens::Authenticated;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhook {
    /// `http` or `https`; must not resolve to a loopback, private or link-local address.
    pub url: String,
    /// Event types (`user.created`), patterns (`user.*`) or `*`.
    pub events: Vec<String>,
    /// The organization whose events the endpoint receives; without one the endpoint is
    /// platform-wide and receives every event (platform admins only).
    pub organization_id: Option<Uuid>,
    pub description: Option<String>,
    /// Default true.
    pub enabled: Option<bool>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhook {
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "janua_core::text::null_or_value")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// Turning an endpoint back on clears its failure history.
    pub enabled: Option<bool>,
    /// A new signing secret, shown once in the answer; the old one keeps signing (a second
    /// signature) for 24 hours.
    pub rotate_secret: Option<bool>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListScope {
    /// Only this organization's endpoints (needs `webhooks:manage` there).
    pub organization_id: Option<Uuid>,
}

/// An endpoint. `secret` is present only when it was just made (creation, rotation).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WebhookView {
    pub id: Uuid,
    pub url: String,
    pub description: Option<String>,
    pub events: Vec<String>,
    pub organization_id: Option<Uuid>,
    pub enabled: bool,
    /// Why it was disabled (by a user, or after failing too long).
    pub disabled_reason: Option<String>,
    /// Since when its deliveries have been failing, if they are.
    pub failing_since: Option<DateTime<Utc>>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// `whsec_` + base64: the Standard Webhooks signing secret. Shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

impl WebhookView {
    fn of(e: Endpoint, secret: Option<&SigningKey>) -> WebhookView {
        WebhookView {
            id: e.id,
            url: e.url,
            description: e.description,
            events: e.event_types,
            organization_id: e.organization_id,
            enabled: e.enabled,
            disabled_reason: e.disabled_reason,
            failing_since: e.failing_since,
            created_by: e.created_by,
            created_at: e.created_at,
            updated_at: e.updated_at,
            secret: secret.map(SigningKey::reveal),
        }
    }
}

/// Records the caller's change of an endpoint (`webhook.created`, `.updated`, `.deleted`,
/// `.secret_rotated`), in the change's transaction.
async fn record(
    conn: &mut AsyncPgConnection, kind: &str, endpoint: &Endpoint, caller: Uuid, extra: serde_json::Value,
    meta: &RequestMeta,
) -> QueryResult<()> {
    let event = events::endpoint(kind, endpoint, Some(caller), extra, meta.clone().into());
    janua_db::outbox::enqueue(conn, &event).await
}

async fn checked_url(state: &WebhooksState, raw: &str) -> Result<EndpointUrl, ApiError> {
    let url = EndpointUrl::parse(raw)?;
    url.check_destination(&state.guard).await?;
    Ok(url)
}

/// Creates an endpoint and answers its signing secret, which is never shown again.
///
/// Permissions: `webhooks:manage` in the organization; platform admins for endpoints without
/// one.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "Webhooks", request_body = CreateWebhook,
    responses((status = 201, body = WebhookView), refusals::Invalid, refusals::Forbidden, refusals::NotFound),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %auth.user_id()))]
pub async fn create(
    state: web::Data<WebhooksState>, auth: Authenticated, meta: RequestMeta, body: web::Json<CreateWebhook>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    if body.organization_id.is_none() && !auth.is_admin() {
        let key = "error.platform.webhook_organization_required";
        return Err(ApiError::keyed(ErrorCode::Forbidden, key, vec![]));
    }
    require_manage(&state, &auth, body.organization_id, no_such_organization).await?;
    let url = checked_url(&state, &body.url).await?;
    let events = Subscriptions::parse(&body.events)?.into_inner();
    check_description(body.description.as_deref())?;
    let key = SigningKey::generate();
    let mut conn = state.pool.get().await?;
    let endpoint = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let endpoint = store::insert(
                conn,
                store::NewEndpoint {
                    id: janua_core::ids::new_id(),
                    created_by: auth.user_id(),
                    organization_id: body.organization_id,
                    url: url.as_str(),
                    description: body.description.as_deref(),
                    event_types: &events,
                    enabled: body.enabled.unwrap_or(true),
                    sealed_secret: state.secrets.seal(key.as_bytes()),
                },
            )
            .await?;
            record(conn, "webhook.created", &endpoint, auth.user_id(), serde_json::json!({}), &meta).await?;
            Ok(endpoint)
        })
        .await?;
    Ok(HttpResponse::Created().json(WebhookView::of(endpoint, Some(&key))))
}

/// Endpoints, oldest first. With `organization_id`: that organization's. Without: every
/// endpoint for a platform admin, the ones the caller created for anyone else.
///
/// Permissions: any signed-in user; `webhooks:manage` in the organization to filter by one.
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "Webhooks", params(ListScope, PageQuery),
    responses((status = 200, body = Page<WebhookView>), refusals::Forbidden, refusals::NotFound),
    security(("bearer" = [])))]
pub async fn list(
    state: web::Data<WebhooksState>, auth: Authenticated, scope: web::Query<ListScope>,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = q.limit()?;
    let after = q.after::<(DateTime<Utc>, Uuid)>()?;
    let listing = match scope.organization_id {
        Some(org) => {
            require_manage(&state, &auth, Some(org), no_such_organization).await?;
            Listing::Organization(org)
        }
        None if auth.is_admin() => Listing::Everything,
        // What the caller made, in the organizations they still manage webhooks of: someone
        // who left, or lost the permission, no longer sees those endpoints or their URLs.
        None => {
            let made_in = {
                let mut conn = state.pool.get().await?;
                store::organizations_created_by(&mut conn, auth.user_id()).await?
            };
            let mut managed = Vec::new();
            for org in made_in {
                if state.orgs.holds(auth.user_id(), org, crate::domain::access::PERMISSION).await? {
                    managed.push(org);
                }
            }
            Listing::CreatedByIn(auth.user_id(), managed)
        }
    };
    let mut conn = state.pool.get().await?;
    let rows = store::list(&mut conn, listing, after, limit + 1).await?;
    let page = Page::from_rows(rows, limit, |e| (e.created_at, e.id));
    Ok(HttpResponse::Ok().json(page.map(|e| WebhookView::of(e, None))))
}

/// One endpoint (without its secret).
///
/// Permissions: `webhooks:manage` in its organization (platform admins for platform-wide
/// endpoints); a non-member gets 404.
#[utoipa::path(get, path = "/api/v1/webhooks/{webhook_id}", tag = "Webhooks",
    params(("webhook_id" = Uuid, Path)),
    responses((status = 200, body = WebhookView), refusals::Forbidden, refusals::NotFound),
    security(("bearer" = [])))]
pub async fn get(managed: ManagedEndpoint) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(WebhookView::of(managed.endpoint, None)))
}

/// Changes the URL, events, description or enabled state, or rotates the signing secret
/// (`"rotate_secret": true`; the answer shows the new secret once).
///
/// Permissions: as for reading the endpoint.
#[utoipa::path(put, path = "/api/v1/webhooks/{webhook_id}", tag = "Webhooks",
    params(("webhook_id" = Uuid, Path)), request_body = UpdateWebhook,
    responses((status = 200, body = WebhookView), refusals::Invalid, refusals::Forbidden, refusals::NotFound),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(webhook_id = %managed.endpoint.id))]
pub async fn update(
    state: web::Data<WebhooksState>, managed: ManagedEndpoint, meta: RequestMeta,
    body: web::Json<UpdateWebhook>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let url = match &body.url {
        Some(raw) => Some(checked_url(&state, raw).await?),
        None => None,
    };
    let events = body.events.as_deref().map(Subscriptions::parse).transpose()?.map(Subscriptions::into_inner);
    if let Some(d) = &body.description {
        check_description(d.as_deref())?;
    }
    let rotated = (body.rotate_secret == Some(true)).then(SigningKey::generate);
    let mut changed = Vec::new();
    for (field, present) in [
        ("url", url.is_some()),
        ("events", events.is_some()),
        ("description", body.description.is_some()),
        ("enabled", body.enabled.is_some()),
    ] {
        if present {
            changed.push(field);
        }
    }
    let (id, caller) = (managed.endpoint.id, managed.caller);
    let was_enabled = managed.endpoint.enabled;
    let mut conn = state.pool.get().await?;
    let endpoint = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let endpoint = store::update(
                conn,
                id,
                store::Changes {
                    url: url.as_ref().map(EndpointUrl::as_str),
                    description: body.description.as_ref().map(|d| d.as_deref()),
                    event_types: events.as_deref(),
                    enabled: body.enabled,
                    rotated_secret: rotated.as_ref().map(|k| state.secrets.seal(k.as_bytes())),
                },
            )
            .await?;
            if was_enabled && !endpoint.enabled {
                deliveries::abandon_outstanding(conn, id).await?;
            }
            if !changed.is_empty() {
                let extra = serde_json::json!({ "changed": changed });
                record(conn, "webhook.updated", &endpoint, caller, extra, &meta).await?;
            }
            if rotated.is_some() {
                let extra =
                    serde_json::json!({ "previous_secret_expires_at": endpoint.previous_secret_expires_at });
                record(conn, "webhook.secret_rotated", &endpoint, caller, extra, &meta).await?;
            }
            Ok(endpoint)
        })
        .await?;
    Ok(HttpResponse::Ok().json(WebhookView::of(endpoint, rotated.as_ref())))
}

/// Deletes the endpoint with its delivery history; nothing more is sent to it.
///
/// Permissions: as for reading the endpoint.
#[utoipa::path(delete, path = "/api/v1/webhooks/{webhook_id}", tag = "Webhooks",
    params(("webhook_id" = Uuid, Path)),
    responses((status = 204), refusals::Forbidden, refusals::NotFound),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(webhook_id = %managed.endpoint.id))]
pub async fn delete(
    state: web::Data<WebhooksState>, managed: ManagedEndpoint, meta: RequestMeta,
) -> Result<HttpResponse, ApiError> {
    let endpoint = managed.endpoint;
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        if !store::delete(conn, endpoint.id).await? {
            return Err(crate::domain::access::no_such_webhook());
        }
        record(conn, "webhook.deleted", &endpoint, managed.caller, serde_json::json!({}), &meta).await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sends a `webhook.test` event to the endpoint (whatever it subscribed to), through the
/// same queue, signing and retries as every delivery; answers the delivery to follow.
///
/// Permissions: as for reading the endpoint.
#[utoipa::path(post, path = "/api/v1/webhooks/{webhook_id}/test", tag = "Webhooks",
    params(("webhook_id" = Uuid, Path)),
    responses((status = 202, body = DeliveryView), refusals::Forbidden, refusals::NotFound,
        refusals::Conflict),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(webhook_id = %managed.endpoint.id))]
pub async fn test(
    state: web::Data<WebhooksState>, managed: ManagedEndpoint,
) -> Result<HttpResponse, ApiError> {
    let endpoint = managed.endpoint;
    if !endpoint.enabled {
        return Err(ApiError::keyed(ErrorCode::Conflict, "error.platform.webhook_disabled", vec![]));
    }
    let event_id = janua_core::ids::new_id();
    let body = crate::events_in::body(
        event_id,
        events::TEST_EVENT,
        &Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        &serde_json::json!({
            "webhook_id": endpoint.id,
            "message": "a test event from Janua",
            "requested_by": managed.caller,
        }),
    );
    let mut conn = state.pool.get().await?;
    let delivery =
        deliveries::insert_one(&mut conn, endpoint.id, event_id, events::TEST_EVENT, &body).await?;
    state.wake.notify_one();
    Ok(HttpResponse::Accepted().json(DeliveryView::of(delivery, Vec::new())))
}
