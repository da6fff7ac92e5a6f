//! The published status of each store's schedulers: the lease holder writes what its pull and
//! sync schedulers are doing, and every console or `hassou status` reads it, whichever process
//! they are. Stored as JSON text, one row per store and job.

use chrono::{DateTime, Utc};

use super::{Db, DbError, with_pool};
use crate::domain::Store;
use crate::domain::job::{JobKind, JobStatus};

/// What the scheduler of one job said last, and who said it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedStatus {
    pub store: Store,
    /// `pull` or `sync`.
    pub job: JobKind,
    pub holder: String,
    pub status: JobStatus,
    pub updated_at: DateTime<Utc>,
}

impl Db {
    /// How many write attempts of `store` ended in each outcome, ever (the metrics' counter).
    pub async fn write_outcomes(&self, store: Store) -> Result<Vec<(String, u64)>, DbError> {
        let rows: Vec<(String, i64)> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT outcome, COUNT(*) FROM sync_attempts WHERE channel = $1 \
                 AND outcome IS NOT NULL GROUP BY outcome ORDER BY outcome",
            )
            .bind(store.name())
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(outcome, n)| (outcome, u64::try_from(n).unwrap_or_default()))
            .collect())
    }

    /// Orders of `store` written whose shipping mail the store refused and that were not sent
    /// since (a store's health is `degraded` while there are any).
    pub async fn refused_mails(&self, store: Store) -> Result<u64, DbError> {
        let n: i64 = with_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM order_remote WHERE channel = $1 \
                 AND mail_error IS NOT NULL AND mail_sent_at IS NULL",
            )
            .bind(store.name())
            .fetch_one(pool)
            .await?
        });
        Ok(u64::try_from(n).unwrap_or_default())
    }

    /// Records what the scheduler of `job` of `store` is doing (by the lease holder).
    pub async fn publish_status(
        &self,
        store: Store,
        job: JobKind,
        holder: &str,
        status: &JobStatus,
        now: DateTime<Utc>,
    ) -> Result<(), DbError> {
        let json = serde_json::to_string(status)
            .map_err(|e| DbError::Corrupt(format!("cannot encode a scheduler status: {e}")))?;
        with_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO scheduler_status (channel, job, holder, status, updated_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (channel, job) DO UPDATE SET \
                 holder = excluded.holder, status = excluded.status, updated_at = excluded.updated_at",
            )
            .bind(store.name())
            .bind(job.code())
            .bind(holder.to_owned())
            .bind(json)
            .bind(now)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The published status of every job of `store`, pull before sync.
    pub async fn published_status(&self, store: Store) -> Result<Vec<PublishedStatus>, DbError> {
        let rows: Vec<(String, String, String, DateTime<Utc>)> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT job, holder, status, updated_at FROM scheduler_status \
                 WHERE channel = $1 ORDER BY job",
            )
            .bind(store.name())
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(job, holder, json, updated_at)| {
                let status = serde_json::from_str(&json).map_err(|e| {
                    DbError::Corrupt(format!("scheduler status of {store} {job}: {e}"))
                })?;
                let job = match job.as_str() {
                    "pull" => JobKind::Pull,
                    "sync" => JobKind::Sync,
                    other => {
                        return Err(DbError::Corrupt(format!(
                            "scheduler status of {store}: unknown job {other:?}"
                        )));
                    }
                };
                Ok(PublishedStatus {
                    store,
                    job,
                    holder,
                    status,
                    updated_at,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::RunCounts;
    use crate::domain::job::Trigger;

    #[tokio::test]
    async fn a_published_status_reads_back_and_the_latest_wins() {
        let db = Db::in_memory().await.expect("db");
        let now = Utc::now();
        let mut status = JobStatus {
            running: true,
            trigger: Some(Trigger::Watch),
            started_at: Some(now),
            ..JobStatus::default()
        };
        db.publish_status(Store::SHOPIFY, JobKind::Sync, "a/1/daemon", &status, now)
            .await
            .expect("publish");
        status.running = false;
        status.last_counts = Some(RunCounts {
            written: 3,
            ..RunCounts::default()
        });
        db.publish_status(Store::SHOPIFY, JobKind::Sync, "b/2/console", &status, now)
            .await
            .expect("publish again");
        db.publish_status(
            Store::SHOPIFY,
            JobKind::Pull,
            "b/2/console",
            &JobStatus::default(),
            now,
        )
        .await
        .expect("pull");
        let read = db.published_status(Store::SHOPIFY).await.expect("read");
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].job, JobKind::Pull);
        assert_eq!(read[1].holder, "b/2/console");
        assert_eq!(read[1].status, status);
        assert!(
            db.published_status(Store::COLORME)
                .await
                .expect("read")
                .is_empty()
        );
    }
}
