//! Retention: what a service no longer needs is deleted by age, so that no table grows without
//! bound. Every service with a database runs its jobs (its outbox and inbox, plus its own),
//! each statement deleting one batch of due rows that no other replica holds (`FOR UPDATE SKIP
//! LOCKED`): replicas share the work and never wait on each other. A failed run is retried at
//! the next interval; each job reports what it deleted and when it last completed.

use diesel_async::RunQueryDsl;
use janua_core::config::HousekeepingSettings;
use janua_core::metrics as m;
use janua_db::Pool;
use std::time::Duration;

/// One retention job: the rows of `table` for which `due` holds, `due` being an SQL condition
/// in which `$1` is the age (seconds) from [`Retention::keep`] past which a row goes.
pub struct Retention {
    /// Its name in the metrics (`task` label) and logs.
    pub task: &'static str,
    pub table: &'static str,
    pub due: &'static str,
    pub keep: fn(&HousekeepingSettings) -> u64,
}

/// The jobs of every service with a database.
pub const COMMON: &[Retention] = &[
    Retention {
        task: "outbox",
        table: "outbox",
        due: "published_at IS NOT NULL AND published_at < now() - make_interval(secs => $1)",
        keep: |s| s.outbox_secs,
    },
    Retention {
        task: "inbox",
        table: "inbox",
        due: "processed_at < now() - make_interval(secs => $1)",
        keep: |s| s.inbox_secs,
    },
];

impl Retention {
    /// The rows of `table` whose `expires_at` passed more than `keep` ago.
    pub const fn past_expiry(
        task: &'static str, table: &'static str, keep: fn(&HousekeepingSettings) -> u64,
    ) -> Retention {
        Retention { task, table, due: "expires_at < now() - make_interval(secs => $1)", keep }
    }

    /// Deletes one batch of due rows; answers how many went. The rows are picked by their
    /// physical address (a TID scan), so the statement works for any table, whatever its key.
    pub async fn delete_batch(&self, pool: &Pool, settings: &HousekeepingSettings) -> anyhow::Result<usize> {
        let sql = format!(
            "DELETE FROM {table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM {table} WHERE {due} \
             LIMIT $2 FOR UPDATE SKIP LOCKED))",
            table = self.table,
            due = self.due,
        );
        let keep = (self.keep)(settings) as f64;
        let mut conn = pool.get().await?;
        let deleted = diesel::sql_query(sql)
            .bind::<diesel::sql_types::Double, _>(keep)
            .bind::<diesel::sql_types::BigInt, _>(settings.batch_size.max(1))
            .execute(&mut conn)
            .await?;
        Ok(deleted)
    }

    /// Deletes every due row, batch after batch; answers how many went.
    pub async fn run(&self, pool: &Pool, settings: &HousekeepingSettings) -> anyhow::Result<usize> {
        let mut total = 0;
        loop {
            let deleted = self.delete_batch(pool, settings).await?;
            total += deleted;
            if (deleted as i64) < settings.batch_size.max(1) {
                return Ok(total);
            }
        }
    }
}

/// Runs `jobs` (with [`COMMON`]) for `service` every `housekeeping.interval_secs` until the
/// task is dropped; the first run comes one interval after start.
pub async fn run(
    service: &'static str, pool: Pool, settings: HousekeepingSettings, jobs: &'static [Retention],
) {
    let mut ticks = tokio::time::interval(Duration::from_secs(settings.interval_secs.max(1)));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        run_once(service, &pool, &settings, jobs).await;
    }
}

/// One pass of every job, each reported on its own.
pub async fn run_once(
    service: &'static str, pool: &Pool, settings: &HousekeepingSettings, jobs: &[Retention],
) {
    for job in COMMON.iter().chain(jobs) {
        match job.run(pool, settings).await {
            Ok(deleted) => {
                metrics::counter!(m::HOUSEKEEPING_DELETED, "service" => service, "task" => job.task)
                    .increment(deleted as u64);
                let now = chrono::Utc::now().timestamp_millis() as f64 / 1000.0;
                metrics::gauge!(m::HOUSEKEEPING_LAST_RUN, "service" => service, "task" => job.task).set(now);
                if deleted > 0 {
                    tracing::info!(service, task = job.task, deleted, "retention job deleted rows");
                }
            }
            Err(e) => {
                metrics::counter!(m::HOUSEKEEPING_FAILURES, "service" => service, "task" => job.task)
                    .increment(1);
                tracing::warn!(service, task = job.task, error = %e, "retention job failed; retried at the next run");
            }
        }
    }
}
