//! The Compliance router (`/api/v1/compliance`): frameworks, and their controls judged against
//! live state, for the platform (platform admins) or one organization (holders of
//! `audit:read` there: its owners and admins).

use crate::AuditState;
use crate::compliance::catalogue::{CONTROLS, FRAMEWORKS};
use crate::compliance::checks::Status;
use crate::compliance::reports::{self, Report, ReportView};
use crate::compliance::{self, ControlView, Scope};
use crate::handlers::logs::require_reader;
use actix_web::{HttpResponse, web};
use diesel_async::AsyncConnection;
use janua_core::error::refusals;
use janua_core::org_access::no_such_organization;
use janua_core::pagination::{List, Page, PageQuery};
use janua_core::{ApiError, ErrorCode};
use janua_tokens::Authenticated;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ScopeQuery {
    /// One organization's scope; required unless the caller is a platform admin.
    pub organization_id: Option<Uuid>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FrameworkView {
    /// `soc2`, `iso27001`, `gdpr`, `hipaa`.
    pub id: &'static str,
    pub name: &'static str,
    pub version: &'static str,
    pub description: &'static str,
    /// How many controls of it Janua catalogues.
    pub controls: usize,
}

/// The scope a caller may read: the platform for platform admins (403 for anyone else), an
/// organization for holders of `audit:read` there (403 for other members, 404 for strangers).
async fn scope_of(
    state: &AuditState, auth: &Authenticated, organization: Option<Uuid>,
) -> Result<Scope, ApiError> {
    require_reader(state, auth, organization).await?;
    // A platform admin passes the rule for any id: the organization must still exist.
    if let Some(org) = organization
        && auth.is_admin()
        && state.org.get::<serde_json::Value>(&format!("/organizations/{org}"), &[]).await?.is_none()
    {
        return Err(no_such_organization());
    }
    Ok(organization.map_or(Scope::Platform, Scope::Organization))
}

/// The compliance frameworks whose controls Janua evidences.
///
/// Permissions: platform admins; holders of `audit:read` in `organization_id` (required then).
#[utoipa::path(get, path = "/api/v1/compliance/frameworks", tag = "Compliance", security(("bearer" = [])),
    params(ScopeQuery), responses((status = 200, body = List<FrameworkView>), refusals::Forbidden, refusals::NotFound))]
pub async fn frameworks(
    state: web::Data<AuditState>, auth: Authenticated, query: web::Query<ScopeQuery>,
) -> Result<HttpResponse, ApiError> {
    scope_of(&state, &auth, query.organization_id).await?;
    let data = FRAMEWORKS
        .iter()
        .map(|f| FrameworkView {
            id: f.id,
            name: f.name,
            version: f.version,
            description: f.description,
            controls: CONTROLS.iter().filter(|c| c.framework == f.id).count(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(List { data }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ControlsQuery {
    /// Only this framework's controls (`soc2`, `iso27001`, `gdpr`, `hipaa`).
    pub framework: Option<String>,
    /// Only controls in this state: `passing`, `failing`, `not_applicable`, `manual`.
    pub status: Option<String>,
    /// One organization's scope (its owners and admins, its members, its webhook endpoints);
    /// required unless the caller is a platform admin.
    pub organization_id: Option<Uuid>,
}

/// The controls, each judged now against live state with its evidence: second factors of
/// privileged users, password hashing and token lifetimes in force, signing-key age, the audit
/// chain, webhook transport, dormant accounts, suspended users' sessions, rate limiting,
/// sealing of secrets and mail transport. Controls without live checks are `manual`.
///
/// Permissions: platform admins; holders of `audit:read` in `organization_id` (required then).
#[utoipa::path(get, path = "/api/v1/compliance/controls", tag = "Compliance", security(("bearer" = [])),
    params(ControlsQuery),
    responses((status = 200, body = List<ControlView>), refusals::Invalid, refusals::Forbidden, refusals::NotFound,
        (status = 503, body = janua_core::error::ErrorEnvelope)))]
pub async fn controls(
    state: web::Data<AuditState>, auth: Authenticated, query: web::Query<ControlsQuery>,
) -> Result<HttpResponse, ApiError> {
    let framework = query.framework.as_deref().map(known_framework).transpose()?;
    let status =
        match query.status.as_deref() {
            Some(raw) => Some(Status::parse(raw).ok_or_else(|| {
                ApiError::invalid("status", "error.platform.control_status_invalid", vec![])
            })?),
            None => None,
        };
    let scope = scope_of(&state, &auth, query.organization_id).await?;
    let facts = compliance::facts(&state, scope).await?.ok_or_else(no_such_organization)?;
    let data: Vec<ControlView> = compliance::judge_all(framework, &facts)
        .into_iter()
        .filter(|c| status.is_none_or(|s| c.status == s))
        .collect();
    Ok(HttpResponse::Ok().json(List { data }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// `soc2`, `iso27001`, `gdpr` or `hipaa`.
    pub framework: String,
    /// One organization's report; none: the platform's (platform admins).
    pub organization_id: Option<Uuid>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReportAccepted {
    pub id: Uuid,
    /// `pending`: the report is being generated; read it at `/api/v1/compliance/reports/{id}`.
    pub status: &'static str,
}

fn known_framework(framework: &str) -> Result<&str, ApiError> {
    match FRAMEWORKS.iter().find(|f| f.id == framework) {
        Some(f) => Ok(f.id),
        None => Err(ApiError::invalid("framework", "error.platform.framework_invalid", vec![])),
    }
}

/// Requests a signed report of a framework's controls (202): a worker judges every control
/// for the scope, records the audit chain's head, and has the report signed with the
/// platform's key (a compact JWS verifiable against `/.well-known/jwks.json`). Generation is
/// recorded in the audit log.
///
/// Permissions: platform admins; holders of `audit:read` in `organization_id` (required then).
#[utoipa::path(post, path = "/api/v1/compliance/reports", tag = "Compliance", security(("bearer" = [])),
    request_body = ReportRequest,
    responses((status = 202, body = ReportAccepted), refusals::Invalid, refusals::Forbidden, refusals::NotFound,
        refusals::Conflict))]
pub async fn create_report(
    state: web::Data<AuditState>, auth: Authenticated, body: web::Json<ReportRequest>,
) -> Result<HttpResponse, ApiError> {
    let framework = known_framework(&body.framework)?;
    scope_of(&state, &auth, body.organization_id).await?;
    let mut conn = state.pool.get().await?;
    let (framework, organization, requester) = (framework.to_owned(), body.organization_id, auth.user_id());
    let report = conn
        .transaction::<_, ApiError, _>(async |conn| {
            crate::jobs::admit(conn, "compliance_reports", requester, "reports").await?;
            Ok(reports::insert(conn, &framework, organization, requester).await?)
        })
        .await?;
    state.reports.now();
    Ok(HttpResponse::Accepted().json(ReportAccepted { id: report.id, status: "pending" }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReportListQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
    /// One organization's reports; required unless the caller is a platform admin.
    pub organization_id: Option<Uuid>,
}

/// Compliance reports, newest first.
///
/// Permissions: platform admins (all, or one organization's); holders of `audit:read` in
/// `organization_id` (required then).
#[utoipa::path(get, path = "/api/v1/compliance/reports", tag = "Compliance", security(("bearer" = [])),
    params(ReportListQuery), responses((status = 200, body = Page<ReportView>), refusals::Forbidden, refusals::NotFound))]
pub async fn list_reports(
    state: web::Data<AuditState>, auth: Authenticated, query: web::Query<ReportListQuery>,
) -> Result<HttpResponse, ApiError> {
    scope_of(&state, &auth, query.organization_id).await?;
    let page = PageQuery { limit: query.limit, cursor: query.cursor.clone() };
    let mut conn = state.pool.get().await?;
    let page = page
        .fetch(|after, n| reports::page(&mut conn, query.organization_id, after, n), |r: &Report| r.id)
        .await?;
    Ok(HttpResponse::Ok().json(page.map(ReportView::from)))
}

/// A report the caller may read: a platform report for platform admins, an organization's
/// for holders of `audit:read` there; anyone else gets 404, as for a report that does not exist.
async fn readable_report(state: &AuditState, auth: &Authenticated, id: Uuid) -> Result<Report, ApiError> {
    let report = {
        let mut conn = state.pool.get().await?;
        reports::find(&mut conn, id).await?.ok_or_else(no_such_report)?
    };
    match report.organization_id {
        None if auth.is_admin() => Ok(report),
        None => Err(no_such_report()),
        Some(org) => match require_reader(state, auth, Some(org)).await {
            Ok(()) => Ok(report),
            Err(e) if e.code() == ErrorCode::Forbidden || e.code() == ErrorCode::NotFound => {
                Err(no_such_report())
            }
            Err(e) => Err(e),
        },
    }
}

fn no_such_report() -> ApiError {
    ApiError::keyed(ErrorCode::NotFound, "error.platform.no_such_report", vec![])
}

/// One report: its status, summary, the audit chain's head it was generated at, and the
/// signed report (`jws`) once completed.
///
/// Permissions: platform admins; holders of `audit:read` in the report's organization. Anyone
/// else gets 404.
#[utoipa::path(get, path = "/api/v1/compliance/reports/{report_id}", tag = "Compliance",
    security(("bearer" = [])), params(("report_id" = Uuid, Path)),
    responses((status = 200, body = ReportView), refusals::NotFound))]
pub async fn get_report(
    state: web::Data<AuditState>, auth: Authenticated, path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let report = readable_report(&state, &auth, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(ReportView::from(report)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DownloadQuery {
    /// `json` (the signed document, default) or `csv` (one row per control).
    pub format: Option<String>,
}

/// Downloads a completed report: the document the JWS signs (JSON), or its controls as CSV.
///
/// Permissions: platform admins; holders of `audit:read` in the report's organization. Anyone
/// else gets 404.
#[utoipa::path(get, path = "/api/v1/compliance/reports/{report_id}/download", tag = "Compliance",
    security(("bearer" = [])), params(("report_id" = Uuid, Path), DownloadQuery),
    responses((status = 200, description = "The report (`application/json` or `text/csv`)"), refusals::Invalid,
        refusals::NotFound, refusals::Conflict))]
pub async fn download_report(
    state: web::Data<AuditState>, auth: Authenticated, path: web::Path<Uuid>,
    query: web::Query<DownloadQuery>,
) -> Result<HttpResponse, ApiError> {
    let csv = match query.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => return Err(ApiError::invalid("format", "error.platform.report_format_invalid", vec![])),
    };
    let report = readable_report(&state, &auth, path.into_inner()).await?;
    let Some(document) = report.document.filter(|_| report.status == "completed") else {
        let status = vec![("status", report.status.clone().into())];
        return Err(ApiError::keyed(ErrorCode::Conflict, "error.platform.report_not_completed", status));
    };
    let name = format!("compliance-{}-{}", report.framework, report.id);
    let disposition = |ext: &str| format!("attachment; filename=\"{name}.{ext}\"");
    if !csv {
        return Ok(HttpResponse::Ok()
            .insert_header(("content-disposition", disposition("json")))
            .json(document));
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ =
        w.write_record(["control", "framework", "reference", "title", "status", "checked_at", "evidence"]);
    for c in document["controls"].as_array().into_iter().flatten() {
        let text = |key: &str| c[key].as_str().unwrap_or_default().to_owned();
        let _ = w.write_record([
            text("id"),
            text("framework"),
            text("reference"),
            text("title"),
            text("status"),
            text("checked_at"),
            c["evidence"].to_string(),
        ]);
    }
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("content-disposition", disposition("csv")))
        .body(w.into_inner().unwrap_or_default()))
}
