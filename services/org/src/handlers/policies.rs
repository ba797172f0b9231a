//! The Policies router (`/api/policies`, also `/api/v1/policies`): attribute-based rules,
//! platform-wide (platform admins) or per organization (its owners and admins), and
//! `POST /{id}/evaluate` with a readable explanation. Evaluation is janua-authz's.

use crate::domain::access::require_in_scope;
use crate::domain::roles::Action;
use crate::store::policies::{self as store, Fields, PolicyRow};
use crate::{OrgState, events};
use actix_web::{HttpResponse, web};
use diesel::QueryResult;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use janua_authz::{Decision, Effect, Policy, Request};
use janua_core::error::refusals;
use janua_core::http::RequestMeta;
use janua_core::pagination::{Page, PageQuery};
use janua_core::text::check_description;
use janua_core::{ApiError, ErrorCode};
use janua_tokens::Authenticated;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyInput {
    pub name: String,
    pub description: Option<String>,
    /// `allow` or `deny`.
    pub effect: String,
    /// `resource:action` patterns; `*` matches anything.
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    /// Attribute path -> test, e.g. `{"context.ip": {"ip_in": ["10.0.0.0/8"]}}`.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub conditions: serde_json::Value,
    #[serde(default)]
    pub priority: i32,
    /// Set on creation only: the organization the policy belongs to (none: platform-wide).
    pub organization_id: Option<Uuid>,
}

pub use store::PolicyRow as PolicyView;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluateRequest {
    #[serde(default)]
    #[schema(value_type = Object)]
    pub subject: serde_json::Value,
    pub action: String,
    pub resource: String,
    /// Attributes of the resource, reachable in conditions as `resource.*`.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub resource_attributes: serde_json::Value,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub context: serde_json::Value,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DecisionView {
    /// `allow` or `deny`.
    pub decision: String,
    pub policy_id: Option<String>,
    pub reason: String,
}

impl From<Decision> for DecisionView {
    fn from(d: Decision) -> Self {
        DecisionView {
            decision: match d.decision {
                Effect::Allow => "allow",
                Effect::Deny => "deny",
            }
            .into(),
            policy_id: d.policy_id,
            reason: d.reason,
        }
    }
}

fn no_such_policy() -> ApiError {
    ApiError::keyed(ErrorCode::NotFound, "error.accounts.no_such_policy", vec![])
}

/// The input as janua-authz sees it, checked.
fn checked(id: Uuid, input: &PolicyInput) -> Result<Policy, ApiError> {
    let effect = match input.effect.as_str() {
        "allow" => Effect::Allow,
        "deny" => Effect::Deny,
        _ => return Err(ApiError::invalid("effect", "error.accounts.effect_invalid", vec![])),
    };
    let conditions =
        if input.conditions.is_null() { serde_json::json!({}) } else { input.conditions.clone() };
    let conditions: BTreeMap<String, janua_authz::Test> =
        serde_json::from_value(conditions).map_err(|e| {
            ApiError::invalid(
                "conditions",
                "error.accounts.conditions_invalid",
                vec![("reason", e.to_string().into())],
            )
        })?;
    check_description(input.description.as_deref())?;
    let policy = Policy {
        id: id.to_string(),
        name: input.name.trim().to_string(),
        effect,
        actions: input.actions.clone(),
        resources: input.resources.clone(),
        conditions,
        priority: input.priority,
    };
    policy.validate().map_err(|e| match e {
        janua_authz::PolicyError::Invalid { field, message } => ApiError::validation(&field, message),
    })?;
    Ok(policy)
}

fn fields<'a>(input: &'a PolicyInput, policy: &'a Policy) -> Result<Fields<'a>, ApiError> {
    Ok(Fields {
        name: &policy.name,
        description: input.description.as_deref(),
        effect: &input.effect,
        actions: &policy.actions,
        resources: &policy.resources,
        conditions: serde_json::to_value(&policy.conditions).map_err(ApiError::internal)?,
        priority: policy.priority,
    })
}

/// May the caller manage policies of `org` (None: platform-wide)? Non-members of the
/// organization learn nothing (404).
async fn may_manage(state: &OrgState, auth: &Authenticated, org: Option<Uuid>) -> Result<(), ApiError> {
    require_in_scope(state, auth, org, Action::ManagePolicies, "policies").await
}

/// The policy, if the caller may see (and so manage) it; 404 otherwise.
async fn visible(state: &OrgState, auth: &Authenticated, id: Uuid) -> Result<PolicyRow, ApiError> {
    let row = {
        let mut conn = state.pool.get().await?;
        store::find(&mut conn, id).await?.ok_or_else(no_such_policy)?
    };
    match may_manage(state, auth, row.organization_id).await {
        Ok(()) => Ok(row),
        Err(_) => Err(no_such_policy()),
    }
}

/// Records the caller's change of a policy (`policy.created`, `.updated`, `.deleted`), in the
/// change's transaction.
async fn record(
    conn: &mut AsyncPgConnection, kind: &str, row: &PolicyRow, auth: &Authenticated, meta: RequestMeta,
) -> QueryResult<()> {
    janua_db::outbox::enqueue(conn, &events::policy(kind, row, auth.user_id(), meta.into())).await
}

/// Creates a policy.
///
/// Permissions: platform admins (any); owners and admins of the policy's organization.
#[utoipa::path(post, path = "/api/v1/policies", tag = "Policies", request_body = PolicyInput,
    responses((status = 201, body = PolicyView), refusals::Invalid, refusals::Forbidden, refusals::NotFound),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %auth.user_id()))]
pub async fn create(
    state: web::Data<OrgState>, auth: Authenticated, meta: RequestMeta, body: web::Json<PolicyInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let id = janua_core::ids::new_id();
    let policy = checked(id, &input)?;
    may_manage(&state, &auth, input.organization_id).await?;
    let f = fields(&input, &policy)?;
    let mut conn = state.pool.get().await?;
    let row = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let row = store::insert(conn, id, input.organization_id, auth.user_id(), f).await?;
            record(conn, "policy.created", &row, &auth, meta).await?;
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Created().json(row))
}

/// The policies the caller manages: all for platform admins, else those of the
/// organizations the caller is an owner or admin of.
///
/// Permissions: any signed-in user (the list is filtered).
#[utoipa::path(get, path = "/api/v1/policies", tag = "Policies", params(PageQuery),
    responses((status = 200, body = Page<PolicyView>)), security(("bearer" = [])))]
pub async fn list(
    state: web::Data<OrgState>, auth: Authenticated, q: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let manager = (!auth.is_admin()).then(|| auth.user_id());
    let mut conn = state.pool.get().await?;
    let page = q
        .fetch(|after, n| store::list(&mut conn, manager, after, n), |p: &PolicyRow| (p.created_at, p.id))
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One policy.
///
/// Permissions: those who may manage it; anyone else gets 404.
#[utoipa::path(get, path = "/api/v1/policies/{policy_id}", tag = "Policies",
    params(("policy_id" = Uuid, Path)),
    responses((status = 200, body = PolicyView), refusals::NotFound),
    security(("bearer" = [])))]
pub async fn get(
    state: web::Data<OrgState>, auth: Authenticated, path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(visible(&state, &auth, path.into_inner()).await?))
}

/// Replaces a policy's rule (its organization stays).
///
/// Permissions: those who may manage it; anyone else gets 404.
#[utoipa::path(put, path = "/api/v1/policies/{policy_id}", tag = "Policies",
    params(("policy_id" = Uuid, Path)), request_body = PolicyInput,
    responses((status = 200, body = PolicyView), refusals::Invalid, refusals::NotFound),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %auth.user_id()))]
pub async fn update(
    state: web::Data<OrgState>, auth: Authenticated, meta: RequestMeta, path: web::Path<Uuid>,
    body: web::Json<PolicyInput>,
) -> Result<HttpResponse, ApiError> {
    let current = visible(&state, &auth, path.into_inner()).await?;
    let input = body.into_inner();
    if input.organization_id.is_some() && input.organization_id != current.organization_id {
        return Err(ApiError::invalid("organization_id", "error.accounts.policy_moved", vec![]));
    }
    let policy = checked(current.id, &input)?;
    let f = fields(&input, &policy)?;
    let mut conn = state.pool.get().await?;
    let row = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let row = store::update(conn, current.id, f).await?;
            record(conn, "policy.updated", &row, &auth, meta).await?;
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(row))
}

/// Deletes a policy.
///
/// Permissions: those who may manage it; anyone else gets 404.
#[utoipa::path(delete, path = "/api/v1/policies/{policy_id}", tag = "Policies",
    params(("policy_id" = Uuid, Path)),
    responses((status = 204), refusals::NotFound),
    security(("bearer" = [])))]
pub async fn delete(
    state: web::Data<OrgState>, auth: Authenticated, meta: RequestMeta, path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let current = visible(&state, &auth, path.into_inner()).await?;
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        if !store::delete(conn, current.id).await? {
            return Err(no_such_policy());
        }
        record(conn, "policy.deleted", &current, &auth, meta).await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Evaluates the policy for a request context: the decision, the policy that decided (or
/// none: the default deny), and why.
///
/// Permissions: those who may manage the policy; anyone else gets 404.
#[utoipa::path(post, path = "/api/v1/policies/{policy_id}/evaluate", tag = "Policies",
    params(("policy_id" = Uuid, Path)), request_body = EvaluateRequest,
    responses((status = 200, body = DecisionView), refusals::NotFound),
    security(("bearer" = [])))]
pub async fn evaluate(
    state: web::Data<OrgState>, auth: Authenticated, meta: RequestMeta, path: web::Path<Uuid>,
    body: web::Json<EvaluateRequest>,
) -> Result<HttpResponse, ApiError> {
    let row = visible(&state, &auth, path.into_inner()).await?;
    let policy = Policy {
        id: row.id.to_string(),
        name: row.name.clone(),
        effect: if row.effect == "deny" { Effect::Deny } else { Effect::Allow },
        actions: row.actions.clone(),
        resources: row.resources.clone(),
        conditions: serde_json::from_value(row.conditions.clone()).map_err(ApiError::internal)?,
        priority: row.priority,
    };
    let mut body = body.into_inner();
    // `context.ip`, when the caller does not say it, is the client's address as the gateway
    // determined it (its trusted proxies), never a header the client wrote.
    if body.context.is_null() {
        body.context = serde_json::json!({});
    }
    if let (Some(context), Some(ip)) = (body.context.as_object_mut(), meta.ip.as_ref())
        && !context.contains_key("ip")
    {
        context.insert("ip".into(), serde_json::json!(ip));
    }
    let request = Request {
        subject: body.subject,
        action: body.action,
        resource: body.resource,
        resource_attributes: body.resource_attributes,
        context: body.context,
    };
    Ok(HttpResponse::Ok().json(DecisionView::from(policy.evaluate(&request))))
}
