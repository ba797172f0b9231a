//! Audit's background jobs (compliance reports, data exports): rows of a table that wait
//! `pending` until a worker of any replica claims one (`SKIP LOCKED`). Attempt n waits 2^n
//! seconds (capped at 5 minutes) after the request, so a sibling that is away delays the job
//! and never loses it; after [`MAX_ATTEMPTS`] the job gives up with its reason.

use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use janua_core::{ApiError, ErrorCode};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use uuid::Uuid;

/// Tries before a job is given up on (about a quarter of an hour with the backoff).
pub const MAX_ATTEMPTS: i32 = 8;

/// Wakes a worker when a job is requested.
#[derive(Clone, Default)]
pub struct Wake(Arc<Notify>);

impl Wake {
    pub fn now(&self) {
        self.0.notify_one();
    }
}

/// Runs `step` until the task is dropped: again at once while it finds work, otherwise when
/// woken or after a few seconds (jobs waiting on a retry, left by a replica that stopped, or
/// housekeeping a step does).
pub async fn run<F, Fut>(name: &'static str, wake: Wake, mut step: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<bool, ApiError>>,
{
    loop {
        loop {
            match step().await {
                Ok(true) => continue,
                Ok(false) => break,
                Err(e) => {
                    tracing::warn!(job = name, error = %e, "cannot read pending jobs");
                    break;
                }
            }
        }
        let _ = tokio::time::timeout(Duration::from_secs(5), wake.0.notified()).await;
    }
}

#[derive(QueryableByName)]
struct Claimed {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    id: Uuid,
}

/// Claims the oldest pending row of `table` whose backoff has passed, counting the attempt.
pub async fn claim(conn: &mut AsyncPgConnection, table: &'static str) -> diesel::QueryResult<Option<Uuid>> {
    claim_due(conn, table, "pending", "created_at").await
}

/// Claims the row of `table` in `status` that has been due longest (its `due` column, plus the
/// backoff of the attempts made), counting the attempt.
pub async fn claim_due(
    conn: &mut AsyncPgConnection, table: &'static str, status: &'static str, due: &'static str,
) -> diesel::QueryResult<Option<Uuid>> {
    let claimed: Option<Claimed> = diesel::sql_query(format!(
        "UPDATE {table} SET attempts = attempts + 1 WHERE id = (
             SELECT id FROM {table} WHERE status = '{status}'
               AND {due} + least(power(2, attempts), 300) * interval '1 second' - interval '1 second' <= now()
             ORDER BY {due} FOR UPDATE SKIP LOCKED LIMIT 1)
         RETURNING id"
    ))
    .get_result(conn)
    .await
    .map(Some)
    .or_else(|e| if e == diesel::NotFound { Ok(None) } else { Err(e) })?;
    Ok(claimed.map(|c| c.id))
}

/// Jobs one person may have waiting in one table at once: requesting cannot queue unbounded
/// work.
pub const MAX_PENDING_PER_REQUESTER: i64 = 3;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Admits one more job of `requester` into `table` (`what` names them in the refusal), or
/// answers 409 while [`MAX_PENDING_PER_REQUESTER`] are still pending. Call inside the
/// transaction that inserts the job: one requester's requests queue one behind the other here
/// (an advisory lock until the transaction ends), so the cap holds.
pub async fn admit(
    conn: &mut AsyncPgConnection, table: &'static str, requester: Uuid, what: &str,
) -> Result<(), ApiError> {
    janua_db::prepared::sql("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
        .bind::<diesel::sql_types::Text, _>(format!("{table}:{requester}"))
        .execute(conn)
        .await?;
    let pending: Count = diesel::sql_query(format!(
        "SELECT count(*) AS n FROM {table} WHERE requested_by = $1 AND status = 'pending'"
    ))
    .bind::<diesel::sql_types::Uuid, _>(requester)
    .get_result(conn)
    .await?;
    if pending.n >= MAX_PENDING_PER_REQUESTER {
        return Err(ApiError::keyed(
            ErrorCode::Conflict,
            "error.platform.too_many_pending",
            vec![("max", MAX_PENDING_PER_REQUESTER.to_string().into()), ("what", what.into())],
        ));
    }
    Ok(())
}
