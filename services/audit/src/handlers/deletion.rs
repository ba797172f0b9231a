//! Erasure under `/api/v1/compliance/privacy/data-deletion`: a person asks for their own (with
//! a factor proven just now), or a platform admin for someone's, or to fulfil an erasure
//! request. The account is deactivated at once; the person may cancel with the link mailed to
//! them until the grace period ends; then they are erased from every service.

use crate::AuditState;
use crate::deletion::{self, Canceller, DeletionView};
use crate::handlers::privacy::subject_for;
use actix_web::{HttpResponse, web};
use janua_core::error::refusals;
use janua_core::http::RequestMeta;
use janua_core::{ApiError, ErrorCode};
use janua_tokens::{Authenticated, Reauthenticated};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeletionRequest {
    /// The subject, for a platform admin acting on their behalf (or `subject_email`); none:
    /// the caller, or the subject of `request_id`.
    pub subject_id: Option<Uuid>,
    pub subject_email: Option<String>,
    /// An open erasure request this fulfils (it is completed once the person is erased).
    pub request_id: Option<Uuid>,
}

fn no_such_deletion() -> ApiError {
    ApiError::keyed(ErrorCode::NotFound, "error.platform.no_such_erasure", vec![])
}

/// Schedules the erasure of everything Janua holds about the subject after
/// `privacy.deletion_grace_days`, and deactivates the account at once (every session ends).
/// The subject is mailed a link that cancels it until then.
///
/// Permissions: any signed-in user, for themself, with a factor proven within
/// `tokens.reauth_window_secs`; platform admins (on a subject's behalf, by `subject_id`,
/// `subject_email` or an erasure request's `request_id`).
#[utoipa::path(post, path = "/api/v1/compliance/privacy/data-deletion", tag = "Compliance",
    security(("bearer" = [])), request_body = DeletionRequest,
    responses((status = 202, body = DeletionView), refusals::Invalid, refusals::Forbidden, refusals::NotFound,
        refusals::Conflict))]
pub async fn create(
    state: web::Data<AuditState>, auth: Reauthenticated, meta: RequestMeta, body: web::Json<DeletionRequest>,
) -> Result<HttpResponse, ApiError> {
    let auth = auth.0;
    let subject = subject_for(
        &state,
        &auth,
        (body.subject_id, body.subject_email.as_deref(), body.request_id),
        &["erasure"],
        "error.platform.erasure_request_kind",
    )
    .await?;
    let scheduled = deletion::schedule(&state, subject, auth.user_id(), body.request_id, meta).await?;
    Ok(HttpResponse::Accepted().json(DeletionView::from(scheduled)))
}

/// One erasure: scheduled (until when), cancelled or completed (with the rows removed by
/// service).
///
/// Permissions: platform admins; whoever asked for it. Anyone else gets 404.
#[utoipa::path(get, path = "/api/v1/compliance/privacy/data-deletion/{deletion_id}", tag = "Compliance",
    security(("bearer" = [])), params(("deletion_id" = Uuid, Path)),
    responses((status = 200, body = DeletionView), refusals::NotFound))]
pub async fn get(
    state: web::Data<AuditState>, auth: Authenticated, path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let found = deletion::find(&mut conn, path.into_inner()).await?.ok_or_else(no_such_deletion)?;
    let me = auth.user_id();
    if found.subject_id != me && found.requested_by != me && !auth.is_admin() {
        return Err(no_such_deletion());
    }
    Ok(HttpResponse::Ok().json(DeletionView::from(found)))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Cancellation {
    /// The token of the link mailed to the subject (who is signed out while the erasure is
    /// scheduled); not needed by a platform admin or the admin who asked for it.
    pub token: Option<String>,
}

/// Cancels a scheduled erasure within its grace period and restores the account as it was.
///
/// Permissions: the holder of the link mailed to the subject (no bearer token needed);
/// platform admins; whoever asked for it. Anyone else gets 404; an erasure that has begun or
/// ended, 409.
#[utoipa::path(post, path = "/api/v1/compliance/privacy/data-deletion/{deletion_id}/cancel", tag = "Compliance",
    params(("deletion_id" = Uuid, Path)), request_body = Cancellation,
    responses((status = 200, body = DeletionView), refusals::Invalid, refusals::NotFound, refusals::Conflict))]
pub async fn cancel(
    state: web::Data<AuditState>, auth: Option<Authenticated>, meta: RequestMeta, path: web::Path<Uuid>,
    body: Option<web::Json<Cancellation>>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let body = body.map(web::Json::into_inner).unwrap_or_default();
    let by = match (body.token.as_deref(), &auth) {
        (Some(token), _) => Canceller::Link(token),
        (None, Some(auth)) => {
            let mut conn = state.pool.get().await?;
            let found = deletion::find(&mut conn, id).await?.ok_or_else(no_such_deletion)?;
            if found.requested_by != auth.user_id() && !auth.is_admin() {
                return Err(no_such_deletion());
            }
            Canceller::Person(auth.user_id())
        }
        (None, None) => return Err(ApiError::invalid("token", "error.platform.token_needed", vec![])),
    };
    let cancelled = deletion::cancel(&state, id, by, meta).await?.ok_or_else(no_such_deletion)?;
    Ok(HttpResponse::Ok().json(DeletionView::from(cancelled)))
}
