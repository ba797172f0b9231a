//! The Audit Logs router (`/api/audit-logs`, also `/api/v1/audit-logs`). Platform admins read
//! everything; holders of `audit:read` in an organization (its owners and admins) read that
//! organization's entries.

use crate::AuditState;
use crate::store::{self, Entry, Filter, Order};
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use janua_core::ApiError;
use janua_core::error::refusals;
use janua_core::http::RequestMeta;
use janua_core::org_access::no_such_organization;
use janua_core::pagination::{List, Page, PageQuery};
use janua_tokens::Authenticated;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EntryView {
    pub id: Uuid,
    /// Position in the hash chain.
    pub seq: i64,
    #[serde(rename = "type")]
    pub event_type: String,
    pub source: String,
    /// `success`, or `failure` for refusals and signs of attack.
    pub outcome: String,
    pub actor_id: Option<Uuid>,
    pub subject_id: Option<Uuid>,
    pub organization_id: Option<Uuid>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    /// Hex SHA-256 of the previous entry.
    pub prev_hash: String,
    /// Hex SHA-256 of this entry's canonical encoding.
    pub hash: String,
}

impl From<Entry> for EntryView {
    fn from(entry: Entry) -> Self {
        let e = entry.event;
        EntryView {
            id: e.id,
            seq: entry.seq,
            data: serde_json::from_slice(&e.data)
                .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(&e.data).into())),
            event_type: e.event_type,
            source: e.source,
            outcome: e.outcome,
            actor_id: e.actor_id,
            subject_id: e.subject_id,
            organization_id: e.organization_id,
            ip: e.ip,
            user_agent: e.user_agent,
            request_id: e.request_id,
            occurred_at: e.occurred_at,
            recorded_at: entry.recorded_at,
            prev_hash: hex::encode(&entry.prev_hash),
            hash: hex::encode(&entry.hash),
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// An event type (`user.created`) or a family (`user.*`).
    #[serde(rename = "type")]
    pub event_type: Option<String>,
    pub actor_id: Option<Uuid>,
    pub subject_id: Option<Uuid>,
    /// Required unless the caller is a platform admin.
    pub organization_id: Option<Uuid>,
    /// `success` or `failure`.
    pub outcome: Option<String>,
    /// From this time (inclusive, RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Before this time (exclusive, RFC 3339).
    pub to: Option<DateTime<Utc>>,
}

impl ListQuery {
    fn filter(&self) -> Result<Filter, ApiError> {
        let filter = Filter {
            event_type: self.event_type.clone(),
            actor_id: self.actor_id,
            subject_id: self.subject_id,
            user_id: None,
            organization_id: self.organization_id,
            outcome: self.outcome.clone(),
            from: self.from,
            to: self.to,
        };
        validate(&filter)?;
        Ok(filter)
    }

    fn page(&self) -> PageQuery {
        PageQuery { limit: self.limit, cursor: self.cursor.clone() }
    }
}

fn validate(f: &Filter) -> Result<(), ApiError> {
    if let Some(t) = &f.event_type {
        let name = t.strip_suffix(".*").unwrap_or(t);
        if name.is_empty()
            || name.len() > 100
            || !name.bytes().all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_')
        {
            return Err(ApiError::invalid("type", "error.platform.log_type_invalid", vec![]));
        }
    }
    if let Some(o) = &f.outcome
        && o != "success"
        && o != "failure"
    {
        return Err(ApiError::invalid("outcome", "error.platform.outcome_invalid", vec![]));
    }
    if let (Some(from), Some(to)) = (f.from, f.to)
        && from >= to
    {
        return Err(ApiError::invalid("to", "error.platform.range_invalid", vec![]));
    }
    Ok(())
}

/// Platform admins read everything; others only an organization where they hold `audit:read`
/// (the shared rule: a member without it gets 403, a stranger 404); the platform-wide log is
/// the admins' (403).
pub(crate) async fn require_reader(
    state: &AuditState, auth: &Authenticated, org: Option<Uuid>,
) -> Result<(), ApiError> {
    match org {
        None if auth.is_admin() => Ok(()),
        None => Err(ApiError::forbidden()),
        Some(org) => {
            state.orgs.require(auth.user_id(), auth.is_admin(), org, "audit:read", no_such_organization).await
        }
    }
}

async fn list_page(state: &AuditState, filter: &Filter, page: &PageQuery) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let page = page
        .fetch(|after, n| store::page(&mut conn, filter, after, Order::NewestFirst, n), |e| e.seq)
        .await?;
    Ok(HttpResponse::Ok().json(page.map(EntryView::from)))
}

/// Audit entries, newest first, with filters and keyset pagination.
///
/// Permissions: platform admins; holders of `audit:read` in `organization_id` (required then).
#[utoipa::path(get, path = "/api/v1/audit-logs", tag = "Audit Logs", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<EntryView>), refusals::Invalid,
        (status = 401, body = janua_core::error::ErrorEnvelope), refusals::Forbidden))]
pub async fn list(
    state: web::Data<AuditState>, auth: Authenticated, q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    require_reader(&state, &auth, q.organization_id).await?;
    list_page(&state, &q.filter()?, &q.page()).await
}

/// One audit entry.
///
/// Permissions: platform admins; holders of `audit:read` in the entry's organization.
#[utoipa::path(get, path = "/api/v1/audit-logs/{log_id}", tag = "Audit Logs", security(("bearer" = [])),
    params(("log_id" = Uuid, Path, description = "the entry's id (the event's id)")),
    responses((status = 200, body = EntryView), refusals::Forbidden,
        refusals::NotFound))]
pub async fn get(
    state: web::Data<AuditState>, auth: Authenticated, path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let entry = store::get(&mut conn, path.into_inner()).await?;
    drop(conn);
    // Anyone but an admin learns nothing of entries outside their organizations: an unknown
    // id, a platform entry and another organization's entry all answer 404.
    match entry {
        Some(e) if e.event.organization_id.is_some() || auth.is_admin() => {
            require_reader(&state, &auth, e.event.organization_id).await?;
            Ok(HttpResponse::Ok().json(EntryView::from(e)))
        }
        _ => Err(ApiError::not_found()),
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventTypeView {
    #[serde(rename = "type")]
    pub event_type: &'static str,
    pub description: &'static str,
    pub source: &'static str,
    /// The outcome its entries carry.
    pub outcome: &'static str,
}

/// The catalogue of event types the log records (and webhooks can subscribe to).
///
/// Permissions: any signed-in user (it is the published catalogue).
#[utoipa::path(get, path = "/api/v1/audit-logs/events", tag = "Audit Logs", security(("bearer" = [])),
    responses((status = 200, body = List<EventTypeView>), (status = 401, body = janua_core::error::ErrorEnvelope)))]
pub async fn event_types(_auth: Authenticated) -> HttpResponse {
    let data: Vec<EventTypeView> = janua_events::catalogue::EVENT_TYPES
        .iter()
        .map(|e| EventTypeView {
            event_type: e.name,
            description: e.description,
            source: e.source,
            outcome: if e.failure { "failure" } else { "success" },
        })
        .collect();
    HttpResponse::Ok().json(List { data })
}

/// A user's entries: those where the user acted and those about the user.
///
/// Permissions: platform admins.
#[utoipa::path(get, path = "/api/v1/audit-logs/users/{user_id}", tag = "Audit Logs", security(("bearer" = [])),
    params(("user_id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Page<EntryView>), refusals::Forbidden))]
pub async fn for_user(
    state: web::Data<AuditState>, auth: Authenticated, path: web::Path<Uuid>, page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    require_reader(&state, &auth, None).await?;
    let filter = Filter { user_id: Some(path.into_inner()), ..Filter::default() };
    list_page(&state, &filter, &page).await
}

/// An organization's entries.
///
/// Permissions: platform admins; holders of `audit:read` in the organization.
#[utoipa::path(get, path = "/api/v1/audit-logs/organizations/{org_id}", tag = "Audit Logs", security(("bearer" = [])),
    params(("org_id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Page<EntryView>), refusals::Forbidden))]
pub async fn for_organization(
    state: web::Data<AuditState>, auth: Authenticated, path: web::Path<Uuid>, page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let org = path.into_inner();
    require_reader(&state, &auth, Some(org)).await?;
    let filter = Filter { organization_id: Some(org), ..Filter::default() };
    list_page(&state, &filter, &page).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportRequest {
    /// `csv` or `jsonl` (JSON Lines); default `jsonl`.
    pub format: Option<String>,
    /// From this time (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Before this time (exclusive).
    pub to: Option<DateTime<Utc>>,
    #[serde(rename = "type")]
    pub event_type: Option<String>,
    pub actor_id: Option<Uuid>,
    pub subject_id: Option<Uuid>,
    /// Required unless the caller is a platform admin.
    pub organization_id: Option<Uuid>,
    pub outcome: Option<String>,
}

#[derive(Clone, Copy)]
enum Format {
    Csv,
    Jsonl,
}

const EXPORT_PAGE: i64 = 500;
const CSV_HEADER: [&str; 16] = [
    "seq",
    "id",
    "type",
    "source",
    "outcome",
    "actor_id",
    "subject_id",
    "organization_id",
    "ip",
    "user_agent",
    "request_id",
    "occurred_at",
    "recorded_at",
    "data",
    "prev_hash",
    "hash",
];

/// Exports entries in chain order as CSV or JSON Lines. The answer is streamed page by page
/// from the database, so an export of any size holds one page in memory.
///
/// Permissions: platform admins; holders of `audit:read` in `organization_id` (required then).
#[utoipa::path(post, path = "/api/v1/audit-logs/export", tag = "Audit Logs", request_body = ExportRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "text/csv or application/x-ndjson, streamed"),
        refusals::Invalid, refusals::Forbidden))]
pub async fn export(
    state: web::Data<AuditState>, auth: Authenticated, meta: RequestMeta, body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let req: ExportRequest = janua_core::http::optional_json(&body)?.unwrap_or(ExportRequest {
        format: None,
        from: None,
        to: None,
        event_type: None,
        actor_id: None,
        subject_id: None,
        organization_id: None,
        outcome: None,
    });
    let format = match req.format.as_deref() {
        None | Some("jsonl") | Some("ndjson") => Format::Jsonl,
        Some("csv") => Format::Csv,
        Some(_) => return Err(ApiError::invalid("format", "error.platform.log_format_invalid", vec![])),
    };
    let filter = Filter {
        event_type: req.event_type,
        actor_id: req.actor_id,
        subject_id: req.subject_id,
        user_id: None,
        organization_id: req.organization_id,
        outcome: req.outcome,
        from: req.from,
        to: req.to,
    };
    validate(&filter)?;
    require_reader(&state, &auth, filter.organization_id).await?;
    crate::events::record_export(&state, &auth, &filter, format_name(format), meta).await?;

    let (content_type, ext) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
        Format::Jsonl => ("application/x-ndjson", "jsonl"),
    };
    let pool = state.pool.clone();
    let stream = futures::stream::unfold(Some((None::<i64>, true)), move |cursor| {
        let (pool, filter) = (pool.clone(), filter.clone());
        async move {
            let (after, first) = cursor?;
            let rows = match pool.get().await {
                Ok(mut conn) => store::page(&mut conn, &filter, after, Order::OldestFirst, EXPORT_PAGE).await,
                Err(e) => {
                    tracing::error!(error = %e, "audit export lost the database");
                    return Some((Err(std::io::Error::other("database unavailable")), None));
                }
            };
            let rows = match rows {
                Ok(rows) => rows,
                Err(e) => {
                    tracing::error!(error = %e, "audit export query failed");
                    return Some((Err(std::io::Error::other("database error")), None));
                }
            };
            // A short page is the last one; a full page may have more after it.
            let next = (rows.len() as i64 == EXPORT_PAGE)
                .then(|| rows.last().map(|e| (Some(e.seq), false)))
                .flatten();
            Some((Ok::<Bytes, std::io::Error>(encode(format, first, rows)), next))
        }
    });
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"audit-{}.{ext}\"", Utc::now().format("%Y%m%dT%H%M%SZ")),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(stream))
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Csv => "csv",
        Format::Jsonl => "jsonl",
    }
}

fn encode(format: Format, first: bool, rows: Vec<Entry>) -> Bytes {
    match format {
        Format::Jsonl => {
            let mut out = Vec::with_capacity(rows.len() * 512);
            for e in rows {
                if serde_json::to_writer(&mut out, &EntryView::from(e)).is_ok() {
                    out.push(b'\n');
                }
            }
            Bytes::from(out)
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 512));
            if first {
                let _ = w.write_record(CSV_HEADER);
            }
            for e in rows {
                let v = EntryView::from(e);
                let opt = |u: Option<Uuid>| u.map(|u| u.to_string()).unwrap_or_default();
                let _ = w.write_record([
                    v.seq.to_string(),
                    v.id.to_string(),
                    v.event_type,
                    v.source,
                    v.outcome,
                    opt(v.actor_id),
                    opt(v.subject_id),
                    opt(v.organization_id),
                    v.ip.unwrap_or_default(),
                    v.user_agent.unwrap_or_default(),
                    v.request_id.unwrap_or_default(),
                    v.occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                    v.recorded_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                    v.data.to_string(),
                    v.prev_hash,
                    v.hash,
                ]);
            }
            Bytes::from(w.into_inner().unwrap_or_default())
        }
    }
}

/// Recomputes the whole chain and reports the first broken link, if any.
///
/// Permissions: platform admins.
#[utoipa::path(get, path = "/api/v1/audit-logs/verify", tag = "Audit Logs", security(("bearer" = [])),
    responses((status = 200, body = crate::verify::Report), refusals::Forbidden))]
pub async fn verify(state: web::Data<AuditState>, auth: Authenticated) -> Result<HttpResponse, ApiError> {
    require_reader(&state, &auth, None).await?;
    let mut conn = state.pool.get().await?;
    let report = crate::verify::run(&mut conn, &state.seal).await?;
    if !report.valid {
        tracing::error!(broken = ?report.first_broken, "the audit chain does not verify");
    }
    Ok(HttpResponse::Ok().json(report))
}
