use crate::store::schema::outgoing_emails;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

pub async fn enqueue(
    conn: &mut AsyncPgConnection, recipient: &str, subject: &str, body_sealed: &[u8],
) -> QueryResult<Uuid> {
    let id = janua_core::ids::new_id();
    diesel::insert_into(outgoing_emails::table)
        .values((
            outgoing_emails::id.eq(id),
            outgoing_emails::recipient.eq(recipient),
            outgoing_emails::subject.eq(subject),
            outgoing_emails::body_sealed.eq(body_sealed),
        ))
        .execute(conn)
        .await?;
    Ok(id)
}

pub type PendingEmail = (Uuid, String, String, Option<Vec<u8>>, i32);

pub async fn lock_due(
    conn: &mut AsyncPgConnection, now: DateTime<Utc>, limit: i64,
) -> QueryResult<Vec<PendingEmail>> {
    outgoing_emails::table
        .filter(outgoing_emails::sent_at.is_null())
        .filter(outgoing_emails::next_attempt_at.le(now))
        .order(outgoing_emails::next_attempt_at)
        .limit(limit)
        .select((
            outgoing_emails::id,
            outgoing_emails::recipient,
            outgoing_emails::subject,
            outgoing_emails::body_sealed,
            outgoing_emails::attempts,
        ))
        .for_update()
        .skip_locked()
        .load(conn)
        .await
}

/// Mails waiting to be sent, due now or at their next retry (not those parked as unsendable).
pub async fn queued(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    outgoing_emails::table
        .filter(outgoing_emails::sent_at.is_null())
        .filter(outgoing_emails::next_attempt_at.lt(Utc::now() + chrono::Duration::days(30)))
        .count()
        .get_result(conn)
        .await
}

/// Sent: the body (with its token link) is wiped.
pub async fn mark_sent(conn: &mut AsyncPgConnection, id: Uuid, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(outgoing_emails::table.find(id))
        .set((
            outgoing_emails::sent_at.eq(now),
            outgoing_emails::body_sealed.eq(None::<Vec<u8>>),
            outgoing_emails::attempts.eq(outgoing_emails::attempts + 1),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn mark_failed(
    conn: &mut AsyncPgConnection, id: Uuid, next_attempt_at: DateTime<Utc>, error: &str,
) -> QueryResult<()> {
    diesel::update(outgoing_emails::table.find(id))
        .set((
            outgoing_emails::next_attempt_at.eq(next_attempt_at),
            outgoing_emails::attempts.eq(outgoing_emails::attempts + 1),
            outgoing_emails::last_error.eq(error),
        ))
        .execute(conn)
        .await?;
    Ok(())
}
