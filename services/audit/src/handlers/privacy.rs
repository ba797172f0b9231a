//! Data-subject requests under `/api/v1/compliance/privacy`: a signed-in user files one for
//! themself; a platform admin records one on a subject's behalf (by user id or email), sees
//! them all and moves them on; a subject sees and may cancel their own.

use crate::AuditState;
use crate::privacy::{self, Filter, MAX_EXTENSION_MONTHS, Request, TYPES};
use actix_web::{HttpResponse, web};
use chrono::{Months, Utc};
use diesel_async::AsyncConnection;
use janua_core::error::refusals;
use janua_core::http::RequestMeta;
use janua_core::pagination::{Page, PageQuery};
use janua_core::{ApiError, ErrorCode};
use janua_tokens::Authenticated;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A request as clients see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RequestView {
    #[serde(flatten)]
    pub request: Request,
    /// Open past its due date.
    pub overdue: bool,
}

impl From<Request> for RequestView {
    fn from(request: Request) -> Self {
        RequestView { overdue: request.overdue(Utc::now()), request }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequest {
    /// `access`, `portability`, `erasure`, `rectification`, `restriction` or `objection`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The subject, for a platform admin recording a request on their behalf (or
    /// `subject_email`); none: the caller.
    pub subject_id: Option<Uuid>,
    pub subject_email: Option<String>,
    /// What the subject asks, in their words.
    pub description: Option<String>,
}

fn no_such_request() -> ApiError {
    ApiError::keyed(ErrorCode::NotFound, "error.platform.no_such_request", vec![])
}

fn check_kind(kind: &str) -> Result<(), ApiError> {
    if TYPES.contains(&kind) {
        Ok(())
    } else {
        Err(ApiError::invalid("type", "error.platform.request_type_invalid", vec![]))
    }
}

#[derive(Deserialize)]
pub(crate) struct IdentityUser {
    pub id: Uuid,
    pub email_verified: bool,
}

/// Whose request this is: the caller's own, or (platform admins only) the subject named by id
/// or email address.
pub(crate) async fn subject_of(
    state: &AuditState, auth: &Authenticated, subject_id: Option<Uuid>, subject_email: Option<&str>,
) -> Result<Uuid, ApiError> {
    let named = match (subject_id, subject_email) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid("subject_email", "error.platform.subject_both_given", vec![]));
        }
        (Some(id), None) => Some(id),
        (None, Some(email)) => {
            if !auth.is_admin() {
                return Err(ApiError::forbidden());
            }
            let user: Option<IdentityUser> =
                state.identity.get("/users/by-email", &[("email", email.to_owned())]).await?;
            let unknown =
                || ApiError::invalid("subject_email", "error.platform.no_account_with_address", vec![]);
            Some(user.ok_or_else(unknown)?.id)
        }
        (None, None) => None,
    };
    match named {
        None => Ok(auth.user_id()),
        Some(id) if id == auth.user_id() => Ok(id),
        Some(id) if auth.is_admin() => {
            let user: Option<IdentityUser> = state.identity.get(&format!("/users/{id}"), &[]).await?;
            let unknown = || ApiError::invalid("subject_id", "error.platform.no_account_with_id", vec![]);
            Ok(user.ok_or_else(unknown)?.id)
        }
        Some(_) => Err(ApiError::forbidden()),
    }
}

/// The subject of an export or an erasure, named as for any data-subject request, or by an
/// open request of one of `kinds` that it fulfils (`named` = subject id, subject email,
/// request id). `wrong_kind` is the catalogue key of the refusal of a request of another kind.
pub(crate) async fn subject_for(
    state: &AuditState, auth: &Authenticated, named: (Option<Uuid>, Option<&str>, Option<Uuid>),
    kinds: &[&str], wrong_kind: &'static str,
) -> Result<Uuid, ApiError> {
    let (subject_id, subject_email, request) = named;
    let subject = subject_of(state, auth, subject_id, subject_email).await?;
    let Some(request) = request else { return Ok(subject) };
    let request = visible(state, auth, request).await?;
    if !kinds.contains(&request.kind.as_str()) {
        return Err(ApiError::invalid("request_id", wrong_kind, vec![]));
    }
    if !request.is_open() {
        let status = vec![("status", request.status.clone().into())];
        return Err(ApiError::keyed(ErrorCode::Conflict, "error.platform.request_status", status));
    }
    if (subject_id.is_some() || subject_email.is_some()) && subject != request.subject_id {
        return Err(ApiError::invalid("request_id", "error.platform.request_other_subject", vec![]));
    }
    if request.subject_id != auth.user_id() && !auth.is_admin() {
        return Err(ApiError::forbidden());
    }
    Ok(request.subject_id)
}

/// Records the event of a request's change in the same transaction as the change.
async fn save_with_event(
    state: &AuditState, request: &Request, kind: &str, actor: Uuid, meta: RequestMeta, new: bool,
) -> Result<(), ApiError> {
    let event = request.event(kind, actor).context(meta.into());
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        if new {
            privacy::insert(conn, request).await?;
        } else {
            privacy::save(conn, request).await?;
        }
        janua_db::outbox::enqueue(conn, &event).await?;
        Ok(())
    })
    .await
}

/// Files a data-subject request: due one month after receipt.
///
/// Permissions: any signed-in user (for themself); platform admins (on a subject's behalf, by
/// `subject_id` or `subject_email`).
#[utoipa::path(post, path = "/api/v1/compliance/privacy/data-subject-requests", tag = "Compliance",
    security(("bearer" = [])), request_body = NewRequest,
    responses((status = 201, body = RequestView), refusals::Invalid, refusals::Forbidden))]
pub async fn create(
    state: web::Data<AuditState>, auth: Authenticated, meta: RequestMeta, body: web::Json<NewRequest>,
) -> Result<HttpResponse, ApiError> {
    check_kind(&body.kind)?;
    let description = body.description.as_deref().map(str::trim).filter(|d| !d.is_empty());
    janua_core::text::check_description(description)?;
    let description = description.map(str::to_owned);
    let subject = subject_of(&state, &auth, body.subject_id, body.subject_email.as_deref()).await?;
    let request = Request::received(&body.kind, subject, auth.user_id(), description);
    save_with_event(&state, &request, "privacy.request_received", auth.user_id(), meta, true).await?;
    Ok(HttpResponse::Created().json(RequestView::from(request)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// `received`, `in_progress`, `completed`, `rejected`, `cancelled`.
    pub status: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Only open requests past their due date (`true`), or all others (`false`).
    pub overdue: Option<bool>,
    /// One subject's requests (platform admins; others always see only their own).
    pub subject_id: Option<Uuid>,
}

/// Data-subject requests, newest first: all of them for platform admins, one's own for anyone
/// else.
///
/// Permissions: any signed-in user; the list holds every request for a platform admin, and one's
/// own requests for anyone else.
#[utoipa::path(get, path = "/api/v1/compliance/privacy/data-subject-requests", tag = "Compliance",
    security(("bearer" = [])), params(ListQuery), responses((status = 200, body = Page<RequestView>), refusals::Invalid))]
pub async fn list(
    state: web::Data<AuditState>, auth: Authenticated, query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    if let Some(kind) = &query.kind {
        check_kind(kind)?;
    }
    if let Some(status) = &query.status
        && !privacy::STATUSES.contains(&status.as_str())
    {
        return Err(ApiError::invalid("status", "error.platform.request_status_filter_invalid", vec![]));
    }
    let filter = Filter {
        subject: if auth.is_admin() { query.subject_id } else { Some(auth.user_id()) },
        status: query.status.clone(),
        kind: query.kind.clone(),
        overdue: query.overdue,
    };
    let page = PageQuery { limit: query.limit, cursor: query.cursor.clone() };
    let mut conn = state.pool.get().await?;
    let page = page.fetch(|after, n| privacy::page(&mut conn, &filter, after, n), |r: &Request| r.id).await?;
    Ok(HttpResponse::Ok().json(page.map(RequestView::from)))
}

/// A request the caller may see: any for platform admins, their own for subjects.
pub(crate) async fn visible(state: &AuditState, auth: &Authenticated, id: Uuid) -> Result<Request, ApiError> {
    let mut conn = state.pool.get().await?;
    let request = privacy::find(&mut conn, id).await?.ok_or_else(no_such_request)?;
    if request.subject_id == auth.user_id() || auth.is_admin() { Ok(request) } else { Err(no_such_request()) }
}

/// One data-subject request.
///
/// Permissions: platform admins; its subject. Anyone else gets 404.
#[utoipa::path(get, path = "/api/v1/compliance/privacy/data-subject-requests/{request_id}", tag = "Compliance",
    security(("bearer" = [])), params(("request_id" = Uuid, Path)),
    responses((status = 200, body = RequestView), refusals::NotFound))]
pub async fn get(
    state: web::Data<AuditState>, auth: Authenticated, path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(RequestView::from(visible(&state, &auth, path.into_inner()).await?)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Extension {
    /// 1 or 2.
    pub months: u32,
    /// Why it takes longer; the subject is told.
    pub reason: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestChange {
    /// `in_progress`, `completed`, `rejected` (with `reason`) or `cancelled`.
    pub status: Option<String>,
    /// Why it was rejected, or what was done.
    pub reason: Option<String>,
    /// Extends the due date, once.
    pub extend: Option<Extension>,
}

/// A reason given with a change: trimmed, at most as long as a description.
fn reason_text(field: &str, raw: Option<&str>) -> Result<Option<String>, ApiError> {
    let limit = janua_core::text::DESCRIPTION_MAX;
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) if r.chars().count() > limit => {
            let max = vec![("max", limit.to_string().into())];
            Err(ApiError::invalid(field, "error.platform.reason_too_long", max))
        }
        other => Ok(other.map(str::to_owned)),
    }
}

/// Moves a request on (`in_progress`, `completed`, `rejected` with a reason, `cancelled`), or
/// extends its due date once by up to two months with a reason the subject is told by email.
///
/// Permissions: platform admins; its subject may only cancel it while it is open. Anyone else
/// gets 404.
#[utoipa::path(patch, path = "/api/v1/compliance/privacy/data-subject-requests/{request_id}", tag = "Compliance",
    security(("bearer" = [])), params(("request_id" = Uuid, Path)), request_body = RequestChange,
    responses((status = 200, body = RequestView), refusals::Invalid, refusals::Forbidden, refusals::NotFound,
        refusals::Conflict))]
pub async fn update(
    state: web::Data<AuditState>, auth: Authenticated, meta: RequestMeta, path: web::Path<Uuid>,
    body: web::Json<RequestChange>,
) -> Result<HttpResponse, ApiError> {
    let change = body.into_inner();
    if change.status.is_none() && change.extend.is_none() {
        return Err(ApiError::invalid("status", "error.platform.status_or_extension_needed", vec![]));
    }
    let reason = reason_text("reason", change.reason.as_deref())?;
    let mut request = visible(&state, &auth, path.into_inner()).await?;
    let own_cancel = change.status.as_deref() == Some("cancelled") && change.extend.is_none();
    if !auth.is_admin() && !own_cancel {
        return Err(ApiError::forbidden());
    }
    let now = privacy::now();
    let mut kind = "privacy.request_updated";
    if let Some(extension) = &change.extend {
        if !(1..=MAX_EXTENSION_MONTHS).contains(&extension.months) {
            return Err(ApiError::invalid("extend.months", "error.platform.extension_months", vec![]));
        }
        let why = reason_text("extend.reason", Some(&extension.reason))?.ok_or_else(|| {
            ApiError::invalid("extend.reason", "error.platform.extension_reason_needed", vec![])
        })?;
        if !request.is_open() {
            let status = vec![("status", request.status.clone().into())];
            return Err(ApiError::keyed(ErrorCode::Conflict, "error.platform.request_status", status));
        }
        if request.extended_at.is_some() {
            let key = "error.platform.request_extended_already";
            return Err(ApiError::keyed(ErrorCode::Conflict, key, vec![]));
        }
        request.due_at =
            request.due_at.checked_add_months(Months::new(extension.months)).unwrap_or(request.due_at);
        request.extended_at = Some(now);
        request.extension_reason = Some(why);
        kind = "privacy.request_extended";
    }
    if let Some(status) = change.status.as_deref() {
        if !privacy::NEXT.contains(&status) {
            return Err(ApiError::invalid("status", "error.platform.request_next_status_invalid", vec![]));
        }
        if !privacy::may_move(&request.status, status) {
            return Err(ApiError::keyed(
                ErrorCode::Conflict,
                "error.platform.request_transition",
                vec![("current", request.status.clone().into()), ("status", status.into())],
            ));
        }
        if status == "rejected" && reason.is_none() {
            return Err(ApiError::invalid("reason", "error.platform.rejection_reason_needed", vec![]));
        }
        request.status = status.to_owned();
        if reason.is_some() {
            request.resolution = reason;
        }
        if !request.is_open() {
            request.closed_at = Some(now);
        }
    }
    request.updated_at = now;
    save_with_event(&state, &request, kind, auth.user_id(), meta, false).await?;
    Ok(HttpResponse::Ok().json(RequestView::from(request)))
}
