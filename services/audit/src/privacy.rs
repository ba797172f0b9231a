//! Data-subject requests (GDPR Art. 12, 15-21): filed by the subject or recorded by a platform
//! admin on their behalf, due one month after receipt (Art. 12(3)), extendable once by up to two
//! months with a reason the subject is told by email. `received` -> `in_progress` ->
//! `completed` | `rejected` (with a reason) | `cancelled`. Every change is an audit event.

use chrono::{DateTime, Months, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use uuid::Uuid;

diesel::table! {
    data_subject_requests (id) {
        id -> Uuid,
        #[sql_name = "type"]
        kind -> Text,
        status -> Text,
        subject_id -> Uuid,
        filed_by -> Uuid,
        description -> Nullable<Text>,
        received_at -> Timestamptz,
        due_at -> Timestamptz,
        extended_at -> Nullable<Timestamptz>,
        extension_reason -> Nullable<Text>,
        resolution -> Nullable<Text>,
        closed_at -> Nullable<Timestamptz>,
        updated_at -> Timestamptz,
    }
}

/// A request is open (its clock running) while it is in one of these.
pub const OPEN: [&str; 2] = ["received", "in_progress"];
/// Where an open request may go.
pub const NEXT: [&str; 4] = ["in_progress", "completed", "rejected", "cancelled"];
/// Every status, in life-cycle order.
pub const STATUSES: [&str; 5] = ["received", "in_progress", "completed", "rejected", "cancelled"];

pub const TYPES: [&str; 6] =
    ["access", "portability", "erasure", "rectification", "restriction", "objection"];

/// The longest extension (Art. 12(3): "by two further months").
pub const MAX_EXTENSION_MONTHS: u32 = 2;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Serialize, utoipa::ToSchema)]
#[diesel(table_name = data_subject_requests)]
pub struct Request {
    pub id: Uuid,
    /// `access`, `portability`, `erasure`, `rectification`, `restriction` or `objection`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `received`, `in_progress`, `completed`, `rejected` or `cancelled`.
    pub status: String,
    pub subject_id: Uuid,
    pub filed_by: Uuid,
    pub description: Option<String>,
    pub received_at: DateTime<Utc>,
    /// One month after receipt; later once extended.
    pub due_at: DateTime<Utc>,
    pub extended_at: Option<DateTime<Utc>>,
    pub extension_reason: Option<String>,
    /// Why it was rejected, or what was done.
    pub resolution: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl Request {
    /// A request as received now.
    pub fn received(kind: &str, subject_id: Uuid, filed_by: Uuid, description: Option<String>) -> Request {
        let now = now();
        Request {
            id: janua_core::ids::new_id(),
            kind: kind.to_owned(),
            status: "received".into(),
            subject_id,
            filed_by,
            description,
            received_at: now,
            due_at: now.checked_add_months(Months::new(1)).unwrap_or(now),
            extended_at: None,
            extension_reason: None,
            resolution: None,
            closed_at: None,
            updated_at: now,
        }
    }

    pub fn is_open(&self) -> bool {
        OPEN.contains(&self.status.as_str())
    }

    /// The audit event of this request's change `kind` (`privacy.request_received`,
    /// `privacy.request_updated`, `privacy.request_extended`) by `actor`.
    pub fn event(&self, kind: &str, actor: Uuid) -> janua_events::Event {
        janua_events::Event::new(
            "audit",
            kind,
            serde_json::json!({
                "request_id": self.id,
                "type": self.kind,
                "status": self.status,
                "subject_id": self.subject_id,
                "due_at": self.due_at,
                "extension_reason": self.extension_reason,
                "resolution": self.resolution,
            }),
        )
        .actor(actor)
        .subject(self.subject_id)
    }

    /// Whether it is open past its due date.
    pub fn overdue(&self, now: DateTime<Utc>) -> bool {
        self.is_open() && self.due_at < now
    }
}

/// The time now as PostgreSQL keeps it (microseconds), so what is answered is what is stored.
pub fn now() -> DateTime<Utc> {
    chrono::SubsecRound::trunc_subsecs(Utc::now(), 6)
}

/// Whether `to` may follow the request's status (closed requests stay closed).
pub fn may_move(from: &str, to: &str) -> bool {
    OPEN.contains(&from) && NEXT.contains(&to) && from != to
}

pub async fn insert(conn: &mut AsyncPgConnection, request: &Request) -> QueryResult<()> {
    diesel::insert_into(data_subject_requests::table).values(request).execute(conn).await.map(|_| ())
}

pub async fn find_for_update(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Request>> {
    data_subject_requests::table
        .find(id)
        .select(Request::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Request>> {
    data_subject_requests::table.find(id).select(Request::as_select()).first(conn).await.optional()
}

pub async fn save(conn: &mut AsyncPgConnection, request: &Request) -> QueryResult<()> {
    diesel::update(data_subject_requests::table.find(request.id)).set(request).execute(conn).await.map(|_| ())
}

/// Completes an open request that an export or an erasure fulfilled, with its event; a closed
/// one stays as it is. Call inside the fulfilling transaction.
pub async fn fulfil(
    conn: &mut AsyncPgConnection, id: Uuid, resolution: &str, actor: Uuid,
) -> QueryResult<()> {
    let Some(mut request) = find_for_update(conn, id).await? else { return Ok(()) };
    if !request.is_open() {
        return Ok(());
    }
    let now = now();
    request.status = "completed".into();
    request.resolution = Some(resolution.to_owned());
    request.closed_at = Some(now);
    request.updated_at = now;
    save(conn, &request).await?;
    janua_db::outbox::enqueue(conn, &request.event("privacy.request_updated", actor)).await.map(|_| ())
}

/// Forgets what an erased person wrote in their requests (the requests stay, as the record of
/// what was asked and done).
pub async fn erase_descriptions(conn: &mut AsyncPgConnection, subject: Uuid) -> QueryResult<usize> {
    diesel::update(
        data_subject_requests::table
            .filter(data_subject_requests::subject_id.eq(subject))
            .filter(data_subject_requests::description.is_not_null()),
    )
    .set(data_subject_requests::description.eq(None::<String>))
    .execute(conn)
    .await
}

#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub subject: Option<Uuid>,
    pub status: Option<String>,
    pub kind: Option<String>,
    pub overdue: Option<bool>,
}

/// Newest first, after the `after` cursor (an id, which sorts by creation).
pub async fn page(
    conn: &mut AsyncPgConnection, filter: &Filter, after: Option<Uuid>, limit: i64,
) -> QueryResult<Vec<Request>> {
    use data_subject_requests::dsl as r;
    let mut q = r::data_subject_requests.select(Request::as_select()).into_boxed();
    if let Some(subject) = filter.subject {
        q = q.filter(r::subject_id.eq(subject));
    }
    if let Some(status) = &filter.status {
        q = q.filter(r::status.eq(status.clone()));
    }
    if let Some(kind) = &filter.kind {
        q = q.filter(r::kind.eq(kind.clone()));
    }
    match filter.overdue {
        Some(true) => q = q.filter(r::status.eq_any(OPEN)).filter(r::due_at.lt(Utc::now())),
        Some(false) => {
            q = q.filter(r::status.ne_all(OPEN).or(r::due_at.ge(Utc::now())));
        }
        None => {}
    }
    if let Some(after) = after {
        q = q.filter(r::id.lt(after));
    }
    q.order(r::id.desc()).limit(limit).load(conn).await
}

/// Open requests past their due date (the compliance check's number).
pub async fn overdue_count(conn: &mut AsyncPgConnection, subjects: Option<&[Uuid]>) -> QueryResult<i64> {
    use data_subject_requests::dsl as r;
    let mut q = r::data_subject_requests
        .filter(r::status.eq_any(OPEN))
        .filter(r::due_at.lt(Utc::now()))
        .count()
        .into_boxed();
    if let Some(subjects) = subjects {
        q = q.filter(r::subject_id.eq_any(subjects.to_vec()));
    }
    q.get_result(conn).await
}
