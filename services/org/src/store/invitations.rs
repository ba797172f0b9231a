use crate::store::schema::invitations;
use crate::store::wrote_one;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use janua_db::rows;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invitations)]
pub struct Invitation {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub email: String,
    pub role: String,
    pub invited_by: Uuid,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub accepted_by: Option<Uuid>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub sent_count: i32,
    pub last_sent_at: DateTime<Utc>,
    /// The language of its mail (else the organization's).
    pub locale: Option<String>,
}

impl Invitation {
    /// `pending` that has lapsed reads as `expired`.
    pub fn effective_status(&self, now: DateTime<Utc>) -> &str {
        if self.status == "pending" && self.expires_at <= now { "expired" } else { &self.status }
    }
}

#[derive(Insertable)]
#[diesel(table_name = invitations)]
pub struct NewInvitation<'a> {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub email: &'a str,
    pub role: &'a str,
    pub invited_by: Uuid,
    pub expires_at: DateTime<Utc>,
    pub locale: Option<&'a str>,
}

/// Inserts, first retiring a lapsed pending invitation for the same address; false if a live
/// one exists.
pub async fn insert(conn: &mut AsyncPgConnection, n: NewInvitation<'_>) -> QueryResult<bool> {
    diesel::update(
        invitations::table
            .filter(invitations::organization_id.eq(n.organization_id))
            .filter(invitations::email.eq(n.email))
            .filter(invitations::status.eq("pending"))
            .filter(invitations::expires_at.le(Utc::now())),
    )
    .set(invitations::status.eq("expired"))
    .execute(conn)
    .await?;
    wrote_one(conn, diesel::insert_into(invitations::table).values(&n).on_conflict_do_nothing()).await
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Invitation>> {
    rows::first(conn, invitations::table.find(id)).await
}

pub async fn find_for_update(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Invitation>> {
    rows::first(conn, invitations::table.find(id).for_update()).await
}

pub async fn list(
    conn: &mut AsyncPgConnection, org: Uuid, after: Option<(DateTime<Utc>, Uuid)>, limit: i64,
) -> QueryResult<Vec<Invitation>> {
    let mut q = invitations::table.filter(invitations::organization_id.eq(org)).into_boxed();
    if let Some(after) = after {
        q = q.filter(rows::after(invitations::created_at, invitations::id, after));
    }
    q.order((invitations::created_at.asc(), invitations::id.asc()))
        .limit(limit)
        .select(Invitation::as_select())
        .load(conn)
        .await
}

pub async fn mark_accepted(conn: &mut AsyncPgConnection, id: Uuid, by: Uuid) -> QueryResult<()> {
    diesel::update(invitations::table.find(id))
        .set((
            invitations::status.eq("accepted"),
            invitations::accepted_at.eq(Utc::now()),
            invitations::accepted_by.eq(by),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn mark_revoked(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    diesel::update(invitations::table.find(id))
        .set((invitations::status.eq("revoked"), invitations::revoked_at.eq(Utc::now())))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn mark_resent(
    conn: &mut AsyncPgConnection, id: Uuid, expires_at: DateTime<Utc>,
) -> QueryResult<Invitation> {
    let changes = (
        invitations::sent_count.eq(invitations::sent_count + 1),
        invitations::last_sent_at.eq(Utc::now()),
        invitations::expires_at.eq(expires_at),
    );
    rows::update(conn, invitations::table.find(id), changes).await
}
