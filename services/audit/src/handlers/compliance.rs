//! The Compliance router (`/api/v1/compliance`): frameworks, and their controls judged against
//! live state, for the platform (platform admins) or one organization (holders of
//! `audit:read` there: its owners and admins).

use crate::AuditState;
use crate::compliance::catalogue::{CONTROLS, FRAMEWORKS};
use crate::compliance::checks::Status;
use crate::compliance::{self, ControlView, Scope};
use crate::handlers::logs::require_reader;
use actix_web::{HttpResponse, web};
use janua_core::ApiError;
use janua_core::error::refusals;
use janua_core::org_access::no_such_organization;
use janua_core::pagination::List;
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
    let framework = match query.framework.as_deref() {
        Some(f) if !FRAMEWORKS.iter().any(|known| known.id == f) => {
            return Err(ApiError::validation(
                "framework",
                "framework must be one of soc2, iso27001, gdpr, hipaa",
            ));
        }
        other => other,
    };
    let status = match query.status.as_deref() {
        Some(raw) => Some(Status::parse(raw).ok_or_else(|| {
            ApiError::validation("status", "status must be passing, failing, not_applicable or manual")
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
