//! Data exports (GDPR Art. 15 and 20). A request is stored `pending` (202); the worker asks
//! every service for what it holds about the subject (`GET /internal/v1/users/{id}/personal-data`,
//! each answering for its own schema), adds the audit entries where the subject is actor or
//! subject, and packs one JSON file per service plus a manifest with each file's SHA-256 into
//! a ZIP, sealed at rest. Auth mails the subject a single-use link to their verified address
//! (only the link token's SHA-256 is kept); the archive goes at the first download, or when
//! `privacy.export_ttl_hours` have passed. A sibling that is away delays the export (retried,
//! see [`crate::jobs`]), never fakes a part.

use crate::AuditState;
use crate::jobs::{self, Wake};
use crate::privacy;
use crate::store::audit_entries;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use janua_core::{ApiError, ErrorCode};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::HashSet;
use uuid::Uuid;

diesel::table! {
    data_exports (id) {
        id -> Uuid,
        subject_id -> Uuid,
        requested_by -> Uuid,
        request_id -> Nullable<Uuid>,
        status -> Text,
        attempts -> Int4,
        error -> Nullable<Text>,
        archive_sealed -> Nullable<Bytea>,
        size_bytes -> Nullable<Int8>,
        link_hash -> Nullable<Bytea>,
        created_at -> Timestamptz,
        ready_at -> Nullable<Timestamptz>,
        expires_at -> Nullable<Timestamptz>,
        downloaded_at -> Nullable<Timestamptz>,
    }
}

pub const PATH: &str = "/api/v1/compliance/privacy/data-export";
/// The archive's format, named in its manifest.
pub const FORMAT: &str = "janua-personal-data/1";
/// The services that answer for their own part, in the archive's order (audit's is added here).
const SERVICES: [&str; 4] = ["identity", "auth", "org", "enterprise"];

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = data_exports)]
pub struct Export {
    pub id: Uuid,
    pub subject_id: Uuid,
    pub requested_by: Uuid,
    pub request_id: Option<Uuid>,
    pub status: String,
    pub attempts: i32,
    pub error: Option<String>,
    pub archive_sealed: Option<Vec<u8>>,
    pub size_bytes: Option<i64>,
    pub link_hash: Option<Vec<u8>>,
    pub created_at: DateTime<Utc>,
    pub ready_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub downloaded_at: Option<DateTime<Utc>>,
}

/// An export as clients see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExportView {
    pub id: Uuid,
    pub subject_id: Uuid,
    pub requested_by: Uuid,
    /// The access or portability request it fulfils.
    pub request_id: Option<Uuid>,
    /// `pending`, `ready`, `downloaded`, `expired` or `failed`.
    pub status: String,
    /// Why a failed export failed.
    pub error: Option<String>,
    /// The archive's size, once assembled.
    pub size_bytes: Option<i64>,
    /// While ready: where the archive is downloaded, with the `token` of the single-use link
    /// mailed to the subject's verified address (the token is never shown here).
    pub download_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub ready_at: Option<DateTime<Utc>>,
    /// When the archive and its link are removed.
    pub expires_at: Option<DateTime<Utc>>,
    pub downloaded_at: Option<DateTime<Utc>>,
}

impl From<Export> for ExportView {
    fn from(e: Export) -> Self {
        ExportView {
            download_url: (e.status == "ready").then(|| format!("{PATH}/{}/download", e.id)),
            id: e.id,
            subject_id: e.subject_id,
            requested_by: e.requested_by,
            request_id: e.request_id,
            status: e.status,
            error: e.error,
            size_bytes: e.size_bytes,
            created_at: e.created_at,
            ready_at: e.ready_at,
            expires_at: e.expires_at,
            downloaded_at: e.downloaded_at,
        }
    }
}

pub async fn insert(
    conn: &mut AsyncPgConnection, subject: Uuid, requester: Uuid, request: Option<Uuid>,
) -> QueryResult<Export> {
    diesel::insert_into(data_exports::table)
        .values((
            data_exports::id.eq(janua_core::ids::new_id()),
            data_exports::subject_id.eq(subject),
            data_exports::requested_by.eq(requester),
            data_exports::request_id.eq(request),
        ))
        .returning(Export::as_returning())
        .get_result(conn)
        .await
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Export>> {
    data_exports::table.find(id).select(Export::as_select()).first(conn).await.optional()
}

/// Prepares pending exports until the task is dropped, and removes those whose time is up.
pub async fn worker(state: AuditState, wake: Wake) {
    jobs::run("data exports", wake, || async {
        let mut conn = state.pool.get().await?;
        expire(&mut conn).await?;
        let Some(id) = jobs::claim(&mut conn, "data_exports").await? else { return Ok(false) };
        if let Some(export) = find(&mut conn, id).await? {
            drop(conn);
            prepare(&state, export).await;
        }
        Ok(true)
    })
    .await
}

/// Removes the archives (and links) of ready exports whose time is up.
pub async fn expire(conn: &mut AsyncPgConnection) -> QueryResult<usize> {
    diesel::update(
        data_exports::table
            .filter(data_exports::status.eq("ready"))
            .filter(data_exports::expires_at.le(diesel::dsl::now)),
    )
    .set((
        data_exports::status.eq("expired"),
        data_exports::archive_sealed.eq(None::<Vec<u8>>),
        data_exports::link_hash.eq(None::<Vec<u8>>),
    ))
    .execute(conn)
    .await
}

/// Drops the subject's exports not yet downloaded (at their erasure): the archives and links go.
pub async fn discard_of(conn: &mut AsyncPgConnection, subject: Uuid) -> QueryResult<usize> {
    diesel::update(
        data_exports::table
            .filter(data_exports::subject_id.eq(subject))
            .filter(data_exports::status.eq_any(["pending", "ready"])),
    )
    .set((
        data_exports::status.eq("expired"),
        data_exports::archive_sealed.eq(None::<Vec<u8>>),
        data_exports::link_hash.eq(None::<Vec<u8>>),
    ))
    .execute(conn)
    .await
}

async fn prepare(state: &AuditState, export: Export) {
    match assemble_and_mail(state, &export).await {
        Ok(()) => {}
        Err(e)
            if matches!(e.code(), ErrorCode::NotFound | ErrorCode::Conflict)
                || export.attempts >= jobs::MAX_ATTEMPTS =>
        {
            if let Err(e) = fail(state, export.id, e.message()).await {
                tracing::warn!(export = %export.id, error = %e, "data export not marked failed; retried");
            }
        }
        Err(e) => tracing::warn!(export = %export.id, error = %e, "data export delayed; retried"),
    }
}

async fn fail(state: &AuditState, id: Uuid, reason: &str) -> Result<(), ApiError> {
    let mut conn = state.pool.get().await?;
    diesel::update(data_exports::table.find(id))
        .set((
            data_exports::status.eq("failed"),
            data_exports::error.eq(Some(reason)),
            data_exports::archive_sealed.eq(None::<Vec<u8>>),
            data_exports::link_hash.eq(None::<Vec<u8>>),
        ))
        .execute(&mut conn)
        .await?;
    Ok(())
}

#[derive(Deserialize)]
struct Mailed {
    queued: bool,
}

/// Assembles and seals the archive (once: a retry of the mail keeps it), then has auth mail a
/// fresh single-use link to the subject's verified address, and marks the export ready.
async fn assemble_and_mail(state: &AuditState, export: &Export) -> Result<(), ApiError> {
    let size = match export.size_bytes {
        Some(size) if export.archive_sealed.is_some() => size,
        _ => {
            let archive = assemble(state, export).await?;
            let size = archive.len() as i64;
            let sealed = state.sealer.seal(&archive);
            let mut conn = state.pool.get().await?;
            diesel::update(data_exports::table.find(export.id).filter(data_exports::status.eq("pending")))
                .set((data_exports::archive_sealed.eq(Some(sealed)), data_exports::size_bytes.eq(Some(size))))
                .execute(&mut conn)
                .await?;
            size
        }
    };
    // Each try mints its own link; only the newest one's hash is kept.
    let token = janua_core::crypto::random_token();
    let ttl = chrono::Duration::from_std(state.settings.privacy.export_ttl())
        .unwrap_or(chrono::Duration::hours(24));
    let expires_at = Utc::now() + ttl;
    {
        let mut conn = state.pool.get().await?;
        diesel::update(data_exports::table.find(export.id).filter(data_exports::status.eq("pending")))
            .set(data_exports::link_hash.eq(Some(janua_core::crypto::sha256(token.as_bytes()).to_vec())))
            .execute(&mut conn)
            .await?;
    }
    let link = format!(
        "{}{PATH}/{}/download?token={token}",
        state.settings.public_url.trim_end_matches('/'),
        export.id
    );
    let mailed: Mailed = state
        .auth
        .post(
            &format!("/users/{}/privacy-mail", export.subject_id),
            &json!({ "kind": "export_ready", "link": link, "until": expires_at }),
        )
        .await?
        .ok_or_else(|| ApiError::keyed(ErrorCode::NotFound, "error.platform.account_gone", vec![]))?;
    if !mailed.queued {
        return Err(ApiError::keyed(ErrorCode::Conflict, "error.platform.no_verified_address", vec![]));
    }
    ready(state, export, size, expires_at).await
}

/// Marks the export ready, records it, and completes the request it fulfils.
async fn ready(
    state: &AuditState, export: &Export, size: i64, expires_at: DateTime<Utc>,
) -> Result<(), ApiError> {
    let event = janua_events::Event::new(
        "audit",
        "privacy.export_ready",
        json!({ "export_id": export.id, "subject_id": export.subject_id, "request_id": export.request_id,
                "size_bytes": size, "expires_at": expires_at }),
    )
    .actor(export.requested_by)
    .subject(export.subject_id);
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        diesel::update(data_exports::table.find(export.id).filter(data_exports::status.eq("pending")))
            .set((
                data_exports::status.eq("ready"),
                data_exports::error.eq(None::<String>),
                data_exports::ready_at.eq(Some(Utc::now())),
                data_exports::expires_at.eq(Some(expires_at)),
            ))
            .execute(conn)
            .await?;
        janua_db::outbox::enqueue(conn, &event).await?;
        if let Some(request) = export.request_id {
            let resolution = format!("data export {} mailed to the subject", export.id);
            privacy::fulfil(conn, request, &resolution, export.requested_by).await?;
        }
        Ok(())
    })
    .await
}

/// The archive: one JSON file per service and the manifest of their SHA-256s.
async fn assemble(state: &AuditState, export: &Export) -> Result<Vec<u8>, ApiError> {
    let user = export.subject_id;
    let path = format!("/users/{user}/personal-data");
    let part = |client: &janua_core::internal::InternalClient| {
        let path = path.clone();
        let client = client.clone();
        async move {
            client
                .get::<Value>(&path, &[])
                .await?
                .ok_or_else(|| ApiError::unavailable("a service's personal data"))
        }
    };
    let (identity, auth, org, enterprise) = tokio::try_join!(
        part(&state.identity),
        part(&state.auth),
        part(&state.org),
        part(&state.enterprise)
    )?;
    if identity["profile"].as_array().is_none_or(|p| p.is_empty()) {
        return Err(ApiError::keyed(ErrorCode::NotFound, "error.platform.account_gone", vec![]));
    }
    let parts = [identity, auth, org, enterprise];
    let mut own = HashSet::new();
    for p in &parts {
        addresses(p, &mut own);
    }
    // The request itself belongs on the subject's record: its event travels the outbox and the
    // broker to the chain, so give it a moment (never more: a broker outage delays that entry,
    // not the export).
    let requested = export.created_at - chrono::Duration::seconds(5);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let mut conn = state.pool.get().await?;
        let on_record: i64 = audit_entries::table
            .filter(audit_entries::subject_id.eq(user))
            .filter(audit_entries::event_type.eq("privacy.export_requested"))
            .filter(audit_entries::occurred_at.ge(requested))
            .count()
            .get_result(&mut conn)
            .await?;
        if on_record > 0 || std::time::Instant::now() >= deadline {
            break;
        }
        drop(conn);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let entries = {
        let mut conn = state.pool.get().await?;
        audit_part(&mut conn, user, &own).await?
    };
    let generated_at = Utc::now();
    let files: Vec<(String, Vec<u8>)> = SERVICES
        .iter()
        .zip(parts)
        .map(|(service, data)| (*service, data))
        .chain(std::iter::once(("audit", json!({ "entries": entries }))))
        .map(|(service, data)| {
            let body =
                json!({ "service": service, "subject_id": user, "generated_at": generated_at, "data": data });
            (format!("{service}.json"), serde_json::to_vec_pretty(&body).unwrap_or_default())
        })
        .collect();
    let manifest = json!({
        "format": FORMAT,
        "export_id": export.id,
        "subject_id": user,
        "generated_at": generated_at,
        "files": files.iter().map(|(name, bytes)| json!({
            "name": name,
            "bytes": bytes.len(),
            "sha256": janua_core::crypto::sha256_hex(bytes),
        })).collect::<Vec<_>>(),
    });
    let manifest = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    tokio::task::spawn_blocking(move || zip_files(files, manifest))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
}

fn zip_files(files: Vec<(String, Vec<u8>)>, manifest: Vec<u8>) -> zip::result::ZipResult<Vec<u8>> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in
        files.iter().map(|(n, b)| (n.as_str(), b)).chain(std::iter::once(("manifest.json", &manifest)))
    {
        zip.start_file(name, options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// Every email address in a part: the subject's own (the parts are about them alone).
fn addresses(v: &Value, into: &mut HashSet<String>) {
    match v {
        Value::String(s) if crate::pii::looks_like_address(s) => {
            into.insert(s.to_lowercase());
        }
        Value::Array(items) => items.iter().for_each(|i| addresses(i, into)),
        Value::Object(map) => map.values().for_each(|i| addresses(i, into)),
        _ => {}
    }
}

/// What stands in for someone else's data in the subject's copy (Art. 15(4)).
const WITHHELD: &str = "[withheld: another person]";

/// The audit entries where `user` is actor or subject, oldest first. Whatever names someone
/// else is withheld: the other party's id, addresses that are not the subject's, and the
/// address and user agent of requests the subject did not make.
async fn audit_part(
    conn: &mut AsyncPgConnection, user: Uuid, own: &HashSet<String>,
) -> Result<Vec<Value>, ApiError> {
    let rows: Vec<crate::store::Entry> = audit_entries::table
        .filter(audit_entries::actor_id.eq(user).or(audit_entries::subject_id.eq(user)))
        .order(audit_entries::seq)
        .select(crate::store::Entry::as_select())
        .load(conn)
        .await?;
    let rows = crate::pii::attach(conn, rows).await?;
    Ok(rows
        .into_iter()
        .map(|entry| {
            let e = entry.event;
            let acted = e.actor_id == Some(user);
            let others: Vec<String> = [e.actor_id, e.subject_id]
                .into_iter()
                .flatten()
                .filter(|id| *id != user)
                .map(|id| id.to_string())
                .collect();
            let mut data: Value = serde_json::from_slice(&e.data).unwrap_or(Value::Null);
            withhold(&mut data, &others, own);
            let mine = |id: Option<Uuid>| id.map(|id| if id == user { json!(id) } else { json!(WITHHELD) });
            json!({
                "seq": entry.seq,
                "id": e.id,
                "type": e.event_type,
                "source": e.source,
                "outcome": e.outcome,
                "occurred_at": e.occurred_at,
                "organization_id": e.organization_id,
                "actor_id": mine(e.actor_id),
                "subject_id": mine(e.subject_id),
                "ip": if acted { e.ip } else { None },
                "user_agent": if acted { e.user_agent } else { None },
                "data": data,
            })
        })
        .collect())
}

fn withhold(v: &mut Value, others: &[String], own: &HashSet<String>) {
    match v {
        Value::String(s)
            if others.iter().any(|o| o == s)
                || (crate::pii::looks_like_address(s) && !own.contains(&s.to_lowercase())) =>
        {
            *s = WITHHELD.to_owned();
        }
        Value::Array(items) => items.iter_mut().for_each(|i| withhold(i, others, own)),
        Value::Object(map) => map.values_mut().for_each(|i| withhold(i, others, own)),
        _ => {}
    }
}

/// The archive behind a link, once: the link's token is checked in constant time, and the
/// archive and the link go in the same transaction that hands the archive out.
pub async fn take(
    conn: &mut AsyncPgConnection, id: Uuid, token: &str, meta: janua_core::http::RequestMeta,
) -> Result<Option<(Export, Vec<u8>)>, ApiError> {
    let presented = janua_core::crypto::sha256(token.as_bytes());
    conn.transaction::<_, ApiError, _>(async |conn| {
        let Some(export) =
            data_exports::table.find(id).select(Export::as_select()).for_update().first(conn).await.optional()?
        else {
            return Ok(None);
        };
        let live = export.status == "ready" && export.expires_at.is_some_and(|t| t > Utc::now());
        let matches =
            export.link_hash.as_deref().is_some_and(|h| janua_core::crypto::constant_time_eq(h, &presented));
        let (true, true, Some(archive)) = (live, matches, export.archive_sealed.clone()) else {
            return Ok(None);
        };
        diesel::update(data_exports::table.find(id))
            .set((
                data_exports::status.eq("downloaded"),
                data_exports::downloaded_at.eq(Some(Utc::now())),
                data_exports::archive_sealed.eq(None::<Vec<u8>>),
                data_exports::link_hash.eq(None::<Vec<u8>>),
            ))
            .execute(conn)
            .await?;
        let event = janua_events::Event::new(
            "audit",
            "privacy.export_downloaded",
            json!({ "export_id": export.id, "subject_id": export.subject_id, "size_bytes": export.size_bytes }),
        )
        .actor(export.subject_id)
        .subject(export.subject_id)
        .context(meta.into());
        janua_db::outbox::enqueue(conn, &event).await?;
        Ok(Some((export, archive)))
    })
    .await
}

/// The subject's exports, newest first, after the `after` cursor.
pub async fn page(
    conn: &mut AsyncPgConnection, subject: Option<Uuid>, after: Option<Uuid>, limit: i64,
) -> QueryResult<Vec<Export>> {
    let mut q = data_exports::table.select(Export::as_select()).into_boxed();
    if let Some(subject) = subject {
        q = q.filter(data_exports::subject_id.eq(subject));
    }
    if let Some(after) = after {
        q = q.filter(data_exports::id.lt(after));
    }
    q.order(data_exports::id.desc()).limit(limit).load(conn).await
}
