//! Erasure (GDPR Art. 17). Asking deactivates the account at once (identity suspends it, so
//! auth revokes every session) and mails the person a link that cancels until the grace period
//! (`privacy.deletion_grace_days`) ends; cancelling restores the account as it was. Then the
//! worker erases them everywhere: identity deletes the account (`user.deleted`, which carries no
//! personal data), every service removes what it holds (`POST /internal/v1/users/{id}/erase`),
//! and audit removes their personal data from the log, which still verifies (see
//! [`crate::pii`]). A sibling that is away delays a step, which is retried until it succeeds;
//! nothing is skipped.

use crate::AuditState;
use crate::jobs::{self, Wake};
use crate::privacy;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use janua_core::{ApiError, ErrorCode};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

diesel::table! {
    data_deletions (id) {
        id -> Uuid,
        subject_id -> Uuid,
        requested_by -> Uuid,
        request_id -> Nullable<Uuid>,
        status -> Text,
        previous_status -> Text,
        addresses_sealed -> Nullable<Bytea>,
        cancel_hash -> Nullable<Bytea>,
        scheduled_for -> Timestamptz,
        attempts -> Int4,
        error -> Nullable<Text>,
        erased -> Nullable<Jsonb>,
        created_at -> Timestamptz,
        deactivated_at -> Nullable<Timestamptz>,
        mailed_at -> Nullable<Timestamptz>,
        cancelled_at -> Nullable<Timestamptz>,
        restored_at -> Nullable<Timestamptz>,
        completed_at -> Nullable<Timestamptz>,
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = data_deletions)]
pub struct Deletion {
    pub id: Uuid,
    pub subject_id: Uuid,
    pub requested_by: Uuid,
    pub request_id: Option<Uuid>,
    pub status: String,
    pub previous_status: String,
    pub addresses_sealed: Option<Vec<u8>>,
    pub cancel_hash: Option<Vec<u8>>,
    pub scheduled_for: DateTime<Utc>,
    pub attempts: i32,
    pub error: Option<String>,
    pub erased: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub deactivated_at: Option<DateTime<Utc>>,
    pub mailed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub restored_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
}

/// An erasure as clients see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeletionView {
    pub id: Uuid,
    pub subject_id: Uuid,
    pub requested_by: Uuid,
    /// The erasure request it fulfils.
    pub request_id: Option<Uuid>,
    /// `scheduled`, `cancelled` or `completed`.
    pub status: String,
    /// When the erasure runs (until then it may be cancelled).
    pub scheduled_for: DateTime<Utc>,
    /// While scheduled: why the last try of a step did not succeed (it is retried).
    pub error: Option<String>,
    /// Rows removed, by service, once completed.
    #[schema(value_type = Option<Object>)]
    pub erased: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
}

impl From<Deletion> for DeletionView {
    fn from(d: Deletion) -> Self {
        DeletionView {
            id: d.id,
            subject_id: d.subject_id,
            requested_by: d.requested_by,
            request_id: d.request_id,
            status: d.status,
            scheduled_for: d.scheduled_for,
            error: d.error,
            erased: d.erased,
            created_at: d.created_at,
            cancelled_at: d.cancelled_at,
            completed_at: d.completed_at,
        }
    }
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Deletion>> {
    data_deletions::table.find(id).select(Deletion::as_select()).first(conn).await.optional()
}

#[derive(Deserialize)]
struct Account {
    email: String,
    status: String,
}

fn event(kind: &str, d: &Deletion, actor: Uuid, extra: Value) -> janua_events::Event {
    let mut data = json!({ "deletion_id": d.id, "subject_id": d.subject_id, "request_id": d.request_id,
                           "scheduled_for": d.scheduled_for });
    if let (Some(data), Value::Object(extra)) = (data.as_object_mut(), extra) {
        data.extend(extra);
    }
    janua_events::Event::new("audit", kind, data).actor(actor).subject(d.subject_id)
}

/// Schedules the erasure of `subject` and deactivates the account; 409 while one is
/// scheduled already.
pub async fn schedule(
    state: &AuditState, subject: Uuid, requester: Uuid, request: Option<Uuid>,
    meta: janua_core::http::RequestMeta,
) -> Result<Deletion, ApiError> {
    let account: Account = state
        .identity
        .get(&format!("/users/{subject}"), &[])
        .await?
        .ok_or_else(|| ApiError::invalid("subject_id", "error.platform.no_account_with_id", vec![]))?;
    let grace = chrono::Duration::from_std(state.settings.privacy.deletion_grace())
        .unwrap_or(chrono::Duration::days(30));
    let addresses = serde_json::to_vec(&[account.email.to_lowercase()]).unwrap_or_default();
    let mut conn = state.pool.get().await?;
    let deletion = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let deletion: Deletion = diesel::insert_into(data_deletions::table)
                .values((
                    data_deletions::id.eq(janua_core::ids::new_id()),
                    data_deletions::subject_id.eq(subject),
                    data_deletions::requested_by.eq(requester),
                    data_deletions::request_id.eq(request),
                    data_deletions::previous_status.eq(&account.status),
                    data_deletions::addresses_sealed.eq(Some(state.sealer.seal(&addresses))),
                    data_deletions::scheduled_for.eq(privacy::now() + grace),
                ))
                .returning(Deletion::as_returning())
                .get_result(conn)
                .await
                .map_err(|e| match e {
                    diesel::result::Error::DatabaseError(
                        diesel::result::DatabaseErrorKind::UniqueViolation,
                        _,
                    ) => {
                        let key = "error.platform.erasure_scheduled_already";
                        ApiError::keyed(ErrorCode::Conflict, key, vec![])
                    }
                    other => other.into(),
                })?;
            let scheduled =
                event("privacy.deletion_scheduled", &deletion, requester, json!({})).context(meta.into());
            janua_db::outbox::enqueue(conn, &scheduled).await?;
            Ok(deletion)
        })
        .await?;
    drop(conn);
    // At once when the siblings answer; the worker retries whatever did not go through.
    if let Err(e) = deactivate(state, &deletion).await {
        tracing::warn!(deletion = %deletion.id, error = %e, "deactivation delayed; retried");
    } else if let Err(e) = mail(state, &deletion).await {
        tracing::warn!(deletion = %deletion.id, error = %e, "deletion mail delayed; retried");
    }
    state.deletions.now();
    Ok(deletion)
}

async fn mark(state: &AuditState, id: Uuid, column: &'static str) -> Result<(), ApiError> {
    let mut conn = state.pool.get().await?;
    diesel::sql_query(format!("UPDATE data_deletions SET {column} = now() WHERE id = $1"))
        .bind::<diesel::sql_types::Uuid, _>(id)
        .execute(&mut conn)
        .await?;
    Ok(())
}

/// Suspends the account (identity; auth revokes its sessions on `user.suspended`).
async fn deactivate(state: &AuditState, d: &Deletion) -> Result<(), ApiError> {
    let change = json!({ "status": "suspended", "reason": "deletion_scheduled", "actor_id": d.requested_by });
    // Gone already: nothing to deactivate.
    let _: Option<Value> = state.identity.patch(&format!("/users/{}", d.subject_id), &change).await?;
    mark(state, d.id, "deactivated_at").await
}

/// Mails the person a fresh cancel link (to a verified address only).
async fn mail(state: &AuditState, d: &Deletion) -> Result<(), ApiError> {
    let token = janua_core::crypto::random_token();
    {
        let mut conn = state.pool.get().await?;
        diesel::update(data_deletions::table.find(d.id).filter(data_deletions::status.eq("scheduled")))
            .set(data_deletions::cancel_hash.eq(Some(janua_core::crypto::sha256(token.as_bytes()).to_vec())))
            .execute(&mut conn)
            .await?;
    }
    let link = format!(
        "{}/cancel-deletion?id={}&token={token}",
        state.settings.public_url.trim_end_matches('/'),
        d.id
    );
    let body = json!({ "kind": "deletion_scheduled", "link": link, "until": d.scheduled_for });
    let _: Option<Value> = state.auth.post(&format!("/users/{}/privacy-mail", d.subject_id), &body).await?;
    mark(state, d.id, "mailed_at").await
}

/// Gives the account back as it was before (active again, unless it was suspended before).
async fn restore(state: &AuditState, d: &Deletion) -> Result<(), ApiError> {
    if d.previous_status == "active" {
        let change = json!({ "status": "active", "reason": "deletion_cancelled", "actor_id": d.subject_id });
        let _: Option<Value> = state.identity.patch(&format!("/users/{}", d.subject_id), &change).await?;
    }
    mark(state, d.id, "restored_at").await
}

/// Who cancels: the holder of the mailed link, or someone signed in.
pub enum Canceller<'a> {
    Link(&'a str),
    Person(Uuid),
}

/// Cancels a scheduled erasure within its grace period and restores the account. Answers
/// `None` for an erasure the canceller may not cancel (a wrong link included).
pub async fn cancel(
    state: &AuditState, id: Uuid, by: Canceller<'_>, meta: janua_core::http::RequestMeta,
) -> Result<Option<Deletion>, ApiError> {
    let mut conn = state.pool.get().await?;
    let cancelled = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let Some(d) = data_deletions::table
                .find(id)
                .select(Deletion::as_select())
                .for_update()
                .first(conn)
                .await
                .optional()?
            else {
                return Ok(None);
            };
            let actor = match by {
                Canceller::Link(token) => {
                    let presented = janua_core::crypto::sha256(token.as_bytes());
                    if !d
                        .cancel_hash
                        .as_deref()
                        .is_some_and(|h| janua_core::crypto::constant_time_eq(h, &presented))
                    {
                        return Ok(None);
                    }
                    d.subject_id
                }
                Canceller::Person(who) => who,
            };
            if d.status != "scheduled" {
                let status = vec![("status", d.status.clone().into())];
                return Err(ApiError::keyed(ErrorCode::Conflict, "error.platform.erasure_status", status));
            }
            if d.scheduled_for <= Utc::now() {
                return Err(ApiError::keyed(ErrorCode::Conflict, "error.platform.erasure_begun", vec![]));
            }
            let d: Deletion = diesel::update(data_deletions::table.find(id))
                .set((
                    data_deletions::status.eq("cancelled"),
                    data_deletions::cancelled_at.eq(Some(Utc::now())),
                    data_deletions::addresses_sealed.eq(None::<Vec<u8>>),
                    data_deletions::cancel_hash.eq(None::<Vec<u8>>),
                    data_deletions::error.eq(None::<String>),
                ))
                .returning(Deletion::as_returning())
                .get_result(conn)
                .await?;
            janua_db::outbox::enqueue(
                conn,
                &event("privacy.deletion_cancelled", &d, actor, json!({})).context(meta.into()),
            )
            .await?;
            Ok(Some(d))
        })
        .await?;
    drop(conn);
    if let Some(d) = &cancelled
        && let Err(e) = restore(state, d).await
    {
        tracing::warn!(deletion = %d.id, error = %e, "restoring the account delayed; retried");
        state.deletions.now();
    }
    Ok(cancelled)
}

/// Erases people whose grace period is over, and retries the steps that did not go through.
pub async fn worker(state: AuditState, wake: Wake) {
    jobs::run("data deletions", wake, || async {
        catch_up(&state).await?;
        let mut conn = state.pool.get().await?;
        let Some(id) = jobs::claim_due(&mut conn, "data_deletions", "scheduled", "scheduled_for").await?
        else {
            return Ok(false);
        };
        if let Some(d) = find(&mut conn, id).await? {
            drop(conn);
            if let Err(e) = erase(&state, &d).await {
                tracing::warn!(deletion = %d.id, error = %e, "erasure delayed; retried");
                let mut conn = state.pool.get().await?;
                diesel::update(data_deletions::table.find(d.id))
                    .set(data_deletions::error.eq(Some(e.message())))
                    .execute(&mut conn)
                    .await?;
            }
        }
        Ok(true)
    })
    .await
}

/// The deactivations, mails and restorations still owed, and the audit log's personal data
/// past `audit.pii_retention_days`.
async fn catch_up(state: &AuditState) -> Result<(), ApiError> {
    if let Some(days) = state.settings.audit.pii_retention_days {
        let mut conn = state.pool.get().await?;
        crate::pii::expire(&mut conn, days).await?;
    }
    let owed: Vec<Deletion> = {
        let mut conn = state.pool.get().await?;
        data_deletions::table
            .filter(
                data_deletions::status
                    .eq("scheduled")
                    .and(data_deletions::deactivated_at.is_null().or(data_deletions::mailed_at.is_null()))
                    .or(data_deletions::status.eq("cancelled").and(data_deletions::restored_at.is_null())),
            )
            .select(Deletion::as_select())
            .limit(20)
            .load(&mut conn)
            .await?
    };
    for d in owed {
        let step = if d.status == "cancelled" {
            restore(state, &d).await
        } else if d.deactivated_at.is_none() {
            deactivate(state, &d).await
        } else {
            mail(state, &d).await
        };
        if let Err(e) = step {
            tracing::warn!(deletion = %d.id, error = %e, "privacy step delayed; retried");
        }
    }
    Ok(())
}

#[derive(Deserialize)]
struct Erased {
    rows: u64,
}

/// Erases the person everywhere, then records it. Each step is idempotent, so a retry after a
/// failure part-way repeats what was done and finishes the rest.
async fn erase(state: &AuditState, d: &Deletion) -> Result<(), ApiError> {
    let addresses: Vec<String> = match &d.addresses_sealed {
        Some(sealed) => serde_json::from_slice(&state.sealer.open(sealed).map_err(ApiError::internal)?)
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let path = format!("/users/{}", d.subject_id);
    state.identity.delete(&path, &[("reason", "erased".to_owned())]).await?;
    let mut erased = serde_json::Map::new();
    let body = json!({ "addresses": addresses });
    for (name, client) in [
        ("identity", &state.identity),
        ("auth", &state.auth),
        ("org", &state.org),
        ("enterprise", &state.enterprise),
        ("webhooks", &state.webhooks),
    ] {
        let done: Erased = client
            .post(&format!("{path}/erase"), &body)
            .await?
            .ok_or_else(|| ApiError::unavailable(&format!("the {name} service's erasure")))?;
        erased.insert(name.to_owned(), done.rows.into());
    }
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        // Audit's own published events, as every service's (the generic erasure, run here).
        let published = janua_db::personal_data::erase(conn, d.subject_id, &addresses, &[]).await?;
        let entries = crate::pii::erase(conn, d.subject_id, &addresses, &state.seal).await? + published;
        let requests = privacy::erase_descriptions(conn, d.subject_id).await?
            + crate::export::discard_of(conn, d.subject_id).await?;
        erased.insert("audit".to_owned(), json!(entries + requests));
        let erased = Value::Object(erased);
        let done: Deletion = diesel::update(data_deletions::table.find(d.id))
            .set((
                data_deletions::status.eq("completed"),
                data_deletions::completed_at.eq(Some(Utc::now())),
                data_deletions::addresses_sealed.eq(None::<Vec<u8>>),
                data_deletions::cancel_hash.eq(None::<Vec<u8>>),
                data_deletions::error.eq(None::<String>),
                data_deletions::erased.eq(Some(&erased)),
            ))
            .returning(Deletion::as_returning())
            .get_result(conn)
            .await?;
        let completed =
            event("privacy.erasure_completed", &done, d.requested_by, json!({ "erased": erased }));
        janua_db::outbox::enqueue(conn, &completed).await?;
        if let Some(request) = d.request_id {
            privacy::fulfil(conn, request, &format!("erased (deletion {})", d.id), d.requested_by).await?;
        }
        Ok(())
    })
    .await
}
