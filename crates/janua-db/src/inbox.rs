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
    let n = diesel::insert_into(inbox::table)
        .values((inbox::event_id.eq(event_id), inbox::consumer.eq(consumer)))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(n == 1)
}
