//! Compliance reports: a request is stored `pending` (202); the worker judges every control of
//! the framework for the request's scope, takes the audit chain's head at that moment, has auth
//! sign the document with the platform's key, and stores it `completed`. A sibling that is away
//! delays a report (it stays pending and is retried with backoff, see [`crate::jobs`]); only
//! after [`jobs::MAX_ATTEMPTS`] is it `failed`, with the reason. Generation is an audit event.

use super::{Scope, judge_all};
use crate::AuditState;
use crate::jobs::{self, Wake};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use janua_core::ApiError;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

diesel::table! {
    compliance_reports (id) {
        id -> Uuid,
        framework -> Text,
        organization_id -> Nullable<Uuid>,
        requested_by -> Uuid,
        status -> Text,
        attempts -> Int4,
        error -> Nullable<Text>,
        document -> Nullable<Jsonb>,
        jws -> Nullable<Text>,
        created_at -> Timestamptz,
        completed_at -> Nullable<Timestamptz>,
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = compliance_reports)]
pub struct Report {
    pub id: Uuid,
    pub framework: String,
    pub organization_id: Option<Uuid>,
    pub requested_by: Uuid,
    pub status: String,
    pub attempts: i32,
    pub error: Option<String>,
    pub document: Option<serde_json::Value>,
    pub jws: Option<String>,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

/// A report as clients see it (the document itself through the download).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReportView {
    pub id: Uuid,
    /// `soc2`, `iso27001`, `gdpr`, `hipaa`.
    pub framework: String,
    pub organization_id: Option<Uuid>,
    pub requested_by: Uuid,
    /// `pending`, `completed` or `failed`.
    pub status: String,
    /// Why a failed report failed.
    pub error: Option<String>,
    /// Controls by status (`passing`, `failing`, `manual`, `not_applicable`), when completed.
    #[schema(value_type = Option<Object>)]
    pub summary: Option<serde_json::Value>,
    /// The audit chain's head when the report was generated.
    #[schema(value_type = Option<Object>)]
    pub audit_chain_head: Option<serde_json::Value>,
    /// The whole report as a compact JWS (EdDSA), verifiable against `/.well-known/jwks.json`.
    pub jws: Option<String>,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

impl From<Report> for ReportView {
    fn from(r: Report) -> Self {
        let part = |key: &str| r.document.as_ref().map(|d| d[key].clone());
        ReportView {
            summary: part("summary"),
            audit_chain_head: part("audit_chain_head"),
            id: r.id,
            framework: r.framework,
            organization_id: r.organization_id,
            requested_by: r.requested_by,
            status: r.status,
            error: r.error,
            jws: r.jws,
            created_at: r.created_at,
            completed_at: r.completed_at,
        }
    }
}

pub async fn insert(
    conn: &mut AsyncPgConnection, framework: &str, organization: Option<Uuid>, requested_by: Uuid,
) -> QueryResult<Report> {
    diesel::insert_into(compliance_reports::table)
        .values((
            compliance_reports::id.eq(janua_core::ids::new_id()),
            compliance_reports::framework.eq(framework),
            compliance_reports::organization_id.eq(organization),
            compliance_reports::requested_by.eq(requested_by),
        ))
        .returning(Report::as_returning())
        .get_result(conn)
        .await
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Report>> {
    compliance_reports::table.find(id).select(Report::as_select()).first(conn).await.optional()
}

/// Newest first, after the `after` cursor (a report id, which sorts by creation).
pub async fn page(
    conn: &mut AsyncPgConnection, organization: Option<Uuid>, after: Option<Uuid>, limit: i64,
) -> QueryResult<Vec<Report>> {
    let mut q = compliance_reports::table.select(Report::as_select()).into_boxed();
    if let Some(org) = organization {
        q = q.filter(compliance_reports::organization_id.eq(org));
    }
    if let Some(after) = after {
        q = q.filter(compliance_reports::id.lt(after));
    }
    q.order(compliance_reports::id.desc()).limit(limit).load(conn).await
}

/// Generates pending reports until the task is dropped.
pub async fn worker(state: AuditState, wake: Wake) {
    jobs::run("compliance reports", wake, || async {
        let mut conn = state.pool.get().await?;
        let Some(id) = jobs::claim(&mut conn, "compliance_reports").await? else { return Ok(false) };
        if let Some(report) = find(&mut conn, id).await? {
            drop(conn);
            generate(&state, report).await;
        }
        Ok(true)
    })
    .await
}

async fn generate(state: &AuditState, report: Report) {
    match build_and_sign(state, &report).await {
        Ok((document, jws)) => {
            if let Err(e) = complete(state, &report, document, jws).await {
                tracing::warn!(report = %report.id, error = %e, "compliance report not stored; retried");
            }
        }
        Err(e) if e.code() == janua_core::ErrorCode::NotFound || report.attempts >= jobs::MAX_ATTEMPTS => {
            let _ = fail(state, report.id, e.message()).await;
        }
        Err(e) => tracing::warn!(report = %report.id, error = %e, "compliance report delayed; retried"),
    }
}

#[derive(Deserialize)]
struct Signed {
    jws: String,
}

/// The report document, and its JWS as auth signed it.
async fn build_and_sign(
    state: &AuditState, report: &Report,
) -> Result<(serde_json::Value, String), ApiError> {
    let scope = report.organization_id.map_or(Scope::Platform, Scope::Organization);
    let facts = super::facts(state, scope).await?.ok_or_else(|| {
        ApiError::keyed(janua_core::ErrorCode::NotFound, "error.platform.organization_gone", vec![])
    })?;
    let head = {
        let mut conn = state.pool.get().await?;
        crate::store::head(&mut conn).await?
    };
    let controls = judge_all(Some(&report.framework), &facts);
    let mut summary = serde_json::Map::new();
    for c in &controls {
        let key = c.status.as_str();
        let n = summary.get(key).and_then(|v| v.as_u64()).unwrap_or(0);
        summary.insert(key.to_owned(), (n + 1).into());
    }
    let document = serde_json::json!({
        "id": report.id,
        "framework": report.framework,
        "organization_id": report.organization_id,
        "requested_by": report.requested_by,
        "generated_at": facts.now,
        "audit_chain_head": { "seq": head.seq, "hash": hex::encode(&head.hash) },
        "summary": summary,
        "controls": controls,
    });
    let signed: Signed = state
        .auth
        .post("/signatures", &document)
        .await?
        .ok_or_else(|| ApiError::unavailable("the auth service"))?;
    Ok((document, signed.jws))
}

async fn complete(
    state: &AuditState, report: &Report, document: serde_json::Value, jws: String,
) -> Result<(), ApiError> {
    let mut event = janua_events::Event::new(
        "audit",
        "compliance.report_generated",
        serde_json::json!({
            "report_id": report.id,
            "framework": report.framework,
            "summary": document["summary"],
            "audit_chain_head": document["audit_chain_head"],
        }),
    )
    .actor(report.requested_by);
    if let Some(org) = report.organization_id {
        event = event.organization(org);
    }
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        diesel::update(compliance_reports::table.find(report.id))
            .set((
                compliance_reports::status.eq("completed"),
                compliance_reports::document.eq(Some(document)),
                compliance_reports::jws.eq(Some(jws)),
                compliance_reports::error.eq(None::<String>),
                compliance_reports::completed_at.eq(Some(Utc::now())),
            ))
            .execute(conn)
            .await?;
        janua_db::outbox::enqueue(conn, &event).await?;
        Ok(())
    })
    .await
}

async fn fail(state: &AuditState, id: Uuid, reason: &str) -> Result<(), ApiError> {
    let mut conn = state.pool.get().await?;
    diesel::update(compliance_reports::table.find(id))
        .set((
            compliance_reports::status.eq("failed"),
            compliance_reports::error.eq(Some(reason)),
            compliance_reports::completed_at.eq(Some(Utc::now())),
        ))
        .execute(&mut conn)
        .await?;
    Ok(())
}
