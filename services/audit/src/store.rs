//! The audit schema: entries (append-only) and the chain head.

use crate::chain::{self, HeadSeal};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use janua_db::rows;
use uuid::Uuid;

diesel::table! {
    audit_entries (seq) {
        seq -> BigInt,
        id -> Uuid,
        #[sql_name = "type"]
        event_type -> Text,
        source -> Text,
        outcome -> Text,
        actor_id -> Nullable<Uuid>,
        subject_id -> Nullable<Uuid>,
        organization_id -> Nullable<Uuid>,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        request_id -> Nullable<Text>,
        occurred_at -> Timestamptz,
        recorded_at -> Timestamptz,
        data -> Bytea,
        prev_hash -> Bytea,
        hash -> Bytea,
        pii_commitment -> Nullable<Bytea>,
    }
}

diesel::table! {
    audit_chain_head (chain) {
        chain -> Text,
        seq -> BigInt,
        hash -> Bytea,
        mac -> Nullable<Bytea>,
        updated_at -> Timestamptz,
    }
}

pub const CHAIN: &str = "main";

/// An entry of the chain: the event at its position, with the hashes that link it.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_entries)]
pub struct Entry {
    pub seq: i64,
    #[diesel(embed)]
    pub event: Pending,
    pub recorded_at: DateTime<Utc>,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
}

impl Entry {
    pub fn fields(&self) -> chain::Fields<'_> {
        let e = &self.event;
        chain::Fields {
            seq: self.seq,
            id: e.id,
            event_type: &e.event_type,
            source: &e.source,
            outcome: &e.outcome,
            actor_id: e.actor_id,
            subject_id: e.subject_id,
            organization_id: e.organization_id,
            ip: e.ip.as_deref(),
            user_agent: e.user_agent.as_deref(),
            request_id: e.request_id.as_deref(),
            occurred_at: e.occurred_at,
            recorded_at: self.recorded_at,
            data: &e.data,
            prev_hash: &self.prev_hash,
            pii_commitment: e.pii_commitment.as_deref(),
        }
    }
}

/// An event on its way into the chain (no position yet), and the event of an [`Entry`].
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_entries)]
pub struct Pending {
    pub id: Uuid,
    pub event_type: String,
    pub source: String,
    pub outcome: String,
    pub actor_id: Option<Uuid>,
    pub subject_id: Option<Uuid>,
    pub organization_id: Option<Uuid>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub data: Vec<u8>,
    /// Set when the entry's personal data is kept apart ([`crate::pii`]).
    pub pii_commitment: Option<Vec<u8>>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_chain_head)]
pub struct Head {
    pub seq: i64,
    pub hash: Vec<u8>,
    pub mac: Option<Vec<u8>>,
}

pub async fn head(conn: &mut AsyncPgConnection) -> QueryResult<Head> {
    rows::first(conn, audit_chain_head::table.find(CHAIN)).await?.ok_or(diesel::NotFound)
}

/// Appends the events not yet in the chain, in order, and moves the head; call inside a
/// transaction. Answers how many were new (a redelivered event is skipped by its id).
pub async fn append(
    conn: &mut AsyncPgConnection, events: Vec<Pending>, seal: &HeadSeal,
) -> QueryResult<usize> {
    let head: Head =
        rows::first(conn, audit_chain_head::table.find(CHAIN).for_update()).await?.ok_or(diesel::NotFound)?;
    let ids: Vec<Uuid> = events.iter().map(|e| e.id).collect();
    let mut known: std::collections::HashSet<Uuid> = audit_entries::table
        .filter(audit_entries::id.eq_any(&ids))
        .select(audit_entries::id)
        .load::<Uuid>(conn)
        .await?
        .into_iter()
        .collect();
    let recorded_at = chain::to_micros(Utc::now());
    let (mut seq, mut prev) = (head.seq, head.hash);
    let mut rows = Vec::with_capacity(events.len());
    let mut personal = Vec::new();
    for e in events {
        if !known.insert(e.id) {
            continue;
        }
        seq += 1;
        let mut event = Pending { occurred_at: chain::to_micros(e.occurred_at), ..e };
        if let Some(p) = crate::pii::split(&mut event, seal, recorded_at) {
            personal.push((p, [event.actor_id, event.subject_id]));
        }
        let mut entry = Entry { seq, event, recorded_at, prev_hash: prev, hash: Vec::new() };
        entry.hash = chain::hash(&entry.fields()).to_vec();
        prev = entry.hash.clone();
        rows.push(entry);
    }
    if rows.is_empty() {
        return Ok(0);
    }
    let n = rows.len();
    diesel::insert_into(audit_entries::table).values(&rows).execute(conn).await?;
    crate::pii::keep(conn, personal, seal).await?;
    diesel::update(audit_chain_head::table.find(CHAIN))
        .set((
            audit_chain_head::seq.eq(seq),
            audit_chain_head::mac.eq(Some(seal.seal(seq, &prev))),
            audit_chain_head::hash.eq(prev),
            audit_chain_head::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await?;
    Ok(n)
}

/// One entry, with its personal data (while it is kept).
pub async fn get(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Entry>> {
    let found: Option<Entry> =
        rows::first(conn, audit_entries::table.filter(audit_entries::id.eq(id))).await?;
    Ok(crate::pii::attach(conn, found.into_iter().collect()).await?.pop())
}

/// Which entries a list or an export wants.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// An exact type, or a prefix with `.*` (`user.*`).
    pub event_type: Option<String>,
    pub actor_id: Option<Uuid>,
    pub subject_id: Option<Uuid>,
    /// Entries where the user is the actor or the subject.
    pub user_id: Option<Uuid>,
    pub organization_id: Option<Uuid>,
    pub outcome: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy)]
pub enum Order {
    NewestFirst,
    OldestFirst,
}

/// One page of entries after the `after` sequence number (in `order`), with their personal
/// data (while it is kept).
pub async fn page(
    conn: &mut AsyncPgConnection, filter: &Filter, after: Option<i64>, order: Order, limit: i64,
) -> QueryResult<Vec<Entry>> {
    let mut q = audit_entries::table.select(Entry::as_select()).into_boxed();
    if let Some(t) = &filter.event_type {
        match t.strip_suffix(".*") {
            Some(prefix) => {
                q = q.filter(
                    audit_entries::event_type.like(janua_db::rows::starts_with(&format!("{prefix}."))),
                )
            }
            None => q = q.filter(audit_entries::event_type.eq(t.clone())),
        }
    }
    if let Some(a) = filter.actor_id {
        q = q.filter(audit_entries::actor_id.eq(a));
    }
    if let Some(s) = filter.subject_id {
        q = q.filter(audit_entries::subject_id.eq(s));
    }
    if let Some(u) = filter.user_id {
        q = q.filter(audit_entries::actor_id.eq(u).or(audit_entries::subject_id.eq(u)));
    }
    if let Some(o) = filter.organization_id {
        q = q.filter(audit_entries::organization_id.eq(o));
    }
    if let Some(o) = &filter.outcome {
        q = q.filter(audit_entries::outcome.eq(o.clone()));
    }
    if let Some(from) = filter.from {
        q = q.filter(audit_entries::occurred_at.ge(from));
    }
    if let Some(to) = filter.to {
        q = q.filter(audit_entries::occurred_at.lt(to));
    }
    q = match (order, after) {
        (Order::NewestFirst, Some(s)) => q.filter(audit_entries::seq.lt(s)),
        (Order::OldestFirst, Some(s)) => q.filter(audit_entries::seq.gt(s)),
        (_, None) => q,
    };
    q = match order {
        Order::NewestFirst => q.order(audit_entries::seq.desc()),
        Order::OldestFirst => q.order(audit_entries::seq.asc()),
    };
    let entries = q.limit(limit).load(conn).await?;
    crate::pii::attach(conn, entries).await
}

/// Entries in chain order, as hashed (their personal data apart) from `from_seq` (inclusive) up to `to_seq` (inclusive).
pub async fn chain_slice(
    conn: &mut AsyncPgConnection, from_seq: i64, to_seq: i64, limit: i64,
) -> QueryResult<Vec<Entry>> {
    audit_entries::table
        .filter(audit_entries::seq.ge(from_seq))
        .filter(audit_entries::seq.le(to_seq))
        .order(audit_entries::seq.asc())
        .limit(limit)
        .select(Entry::as_select())
        .load(conn)
        .await
}
