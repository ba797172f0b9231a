//! The consumer side of exactly-once: inside the transaction that applies an event, record
//! its id; a redelivered event finds its id there and changes nothing.

use crate::schema::inbox;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// True the first time `consumer` sees `event_id` (call it in the applying transaction).
pub async fn first_delivery(
    conn: &mut AsyncPgConnection, consumer: &str, event_id: Uuid,
) -> QueryResult<bool> {
    Ok(!first_deliveries(conn, consumer, &[event_id]).await?.is_empty())
}

/// Of `event_ids`, those `consumer` sees for the first time (one statement for a batch).
pub async fn first_deliveries(
    conn: &mut AsyncPgConnection, consumer: &str, event_ids: &[Uuid],
) -> QueryResult<std::collections::HashSet<Uuid>> {
    if event_ids.is_empty() {
        return Ok(Default::default());
    }
    let new: Vec<Uuid> = diesel::insert_into(inbox::table)
        .values(
            event_ids
                .iter()
                .map(|id| (inbox::event_id.eq(*id), inbox::consumer.eq(consumer)))
                .collect::<Vec<_>>(),
        )
        .on_conflict_do_nothing()
        .returning(inbox::event_id)
        .get_results(conn)
        .await?;
    Ok(new.into_iter().collect())
}
