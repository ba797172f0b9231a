//! Data exports under `/api/v1/compliance/privacy/data-export`: a signed-in user asks for a
//! copy of everything Janua holds about them (a platform admin on a subject's behalf, or to
//! fulfil an access or portability request); the archive's single-use link goes to the
//! subject's verified address only.

use crate::AuditState;
use crate::export::{self, ExportView};
use crate::handlers::privacy::{IdentityUser, subject_for};
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use diesel_async::AsyncConnection;
use janua_core::error::refusals;
use janua_core::http::RequestMeta;
use janua_core::{ApiError, ErrorCode};
use janua_tokens::Authenticated;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportRequest {
    /// The subject, for a platform admin acting on their behalf (or `subject_email`); none:
    /// the caller, or the subject of `request_id`.
    pub subject_id: Option<Uuid>,
    pub subject_email: Option<String>,
    /// An open access or portability request this export fulfils (it is completed once the
    /// link is mailed).
    pub request_id: Option<Uuid>,
}

fn no_such_export() -> ApiError {
    ApiError::keyed(ErrorCode::NotFound, "error.platform.no_such_export", vec![])
}

/// Asks for a copy of the subject's personal data: every service's part, packed as a ZIP of
/// one JSON file per service with a manifest of their SHA-256s. The single-use link to it is
/// mailed to the subject's verified address; the archive is removed after
/// `privacy.export_ttl_hours` or at its download.
///
/// Permissions: any signed-in user (for themself); platform admins (on a subject's behalf, by
/// `subject_id`, `subject_email` or an access request's `request_id`).
#[utoipa::path(post, path = "/api/v1/compliance/privacy/data-export", tag = "Compliance",
    security(("bearer" = [])), request_body = ExportRequest,
    responses((status = 202, body = ExportView), refusals::Invalid, refusals::Forbidden, refusals::NotFound,
        refusals::Conflict))]
pub async fn create(
    state: web::Data<AuditState>, auth: Authenticated, meta: RequestMeta, body: web::Json<ExportRequest>,
) -> Result<HttpResponse, ApiError> {
    let subject = subject_for(
        &state,
        &auth,
        (body.subject_id, body.subject_email.as_deref(), body.request_id),
        &["access", "portability"],
        "error.platform.export_request_kind",
    )
    .await?;
    let user: IdentityUser = state
        .identity
        .get(&format!("/users/{subject}"), &[])
        .await?
        .ok_or_else(|| ApiError::invalid("subject_id", "error.platform.no_account_with_id", vec![]))?;
    if !user.email_verified {
        return Err(ApiError::keyed(ErrorCode::Conflict, "error.platform.export_email_unverified", vec![]));
    }
    let (requester, request) = (auth.user_id(), body.request_id);
    let mut conn = state.pool.get().await?;
    let created = conn
        .transaction::<_, ApiError, _>(async |conn| {
            crate::jobs::admit(conn, "data_exports", requester, "exports").await?;
            let created = export::insert(conn, subject, requester, request).await?;
            let event = janua_events::Event::new(
                "audit",
                "privacy.export_requested",
                serde_json::json!({ "export_id": created.id, "subject_id": subject, "request_id": request }),
            )
            .actor(requester)
            .subject(subject)
            .context(meta.into());
            janua_db::outbox::enqueue(conn, &event).await?;
            Ok(created)
        })
        .await?;
    state.exports.now();
    Ok(HttpResponse::Accepted().json(ExportView::from(created)))
}

/// One export: its status, and while it is ready, where it is downloaded (with the mailed
/// link's token).
///
/// Permissions: platform admins; its subject; whoever asked for it. Anyone else gets 404.
#[utoipa::path(get, path = "/api/v1/compliance/privacy/data-export/{export_id}", tag = "Compliance",
    security(("bearer" = [])), params(("export_id" = Uuid, Path)),
    responses((status = 200, body = ExportView), refusals::NotFound))]
pub async fn get(
    state: web::Data<AuditState>, auth: Authenticated, path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let found = export::find(&mut conn, path.into_inner()).await?.ok_or_else(no_such_export)?;
    let me = auth.user_id();
    if found.subject_id != me && found.requested_by != me && !auth.is_admin() {
        return Err(no_such_export());
    }
    Ok(HttpResponse::Ok().json(ExportView::from(found)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DownloadQuery {
    /// The token of the link mailed to the subject.
    pub token: String,
}

/// Downloads an export's archive (`application/zip`) with the single-use link mailed to its
/// subject: the first download removes it; a used, expired or wrong link gets 404.
///
/// Permissions: whoever holds the mailed link (no bearer token).
#[utoipa::path(get, path = "/api/v1/compliance/privacy/data-export/{export_id}/download", tag = "Compliance",
    params(("export_id" = Uuid, Path), DownloadQuery),
    responses((status = 200, content_type = "application/zip", body = Vec<u8>), refusals::NotFound))]
pub async fn download(
    state: web::Data<AuditState>, meta: RequestMeta, path: web::Path<Uuid>, query: web::Query<DownloadQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let mut conn = state.pool.get().await?;
    let gone = || ApiError::keyed(ErrorCode::NotFound, "error.platform.export_link_gone", vec![]);
    let (found, sealed) = export::take(&mut conn, id, &query.token, meta).await?.ok_or_else(gone)?;
    let archive = state.sealer.open(&sealed).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"janua-personal-data-{}.zip\"", found.id),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(archive))
}
