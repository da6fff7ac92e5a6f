//! Reconcile runs and the drifts they find (issue 21). A drift is recorded only when nothing was
//! written to the order since the store was read — no attempt started, nothing confirmed, no
//! write in flight or claimed — so a reconcile racing a sync never files as drift what the sync
//! itself just wrote.

use chrono::{DateTime, Utc};

use super::rows::{ORDER_COLUMNS, ORDER_FROM, OrderRow};
use super::{Db, DbError, StoredOrder, with_pool};
use crate::domain::Store;
use crate::domain::drift::{DriftKind, StoreReading};

/// What the order's store record said when hassou's side was read: a drift is recorded only if
/// it still says so (no attempt, confirmation, claim or write in flight since) — compared as
/// values, not clocks, so processes whose clocks differ cannot slip a write through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemoteMark {
    pub confirmed_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The confirmed values and the last attempt, as stored (text, compared byte for byte).
    pub confirmed: Option<String>,
    pub last_attempt: Option<String>,
}

/// One reconcile, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReconcileRun {
    pub id: i64,
    pub channel: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub run_by: String,
    pub checked: i64,
    pub agree: i64,
    pub drifted: i64,
    pub error: Option<String>,
}

impl Db {
    pub async fn start_reconcile(
        &self,
        store: Store,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<i64, DbError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_scalar(
                "INSERT INTO reconcile_runs (channel, started_at, run_by) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(store.name())
            .bind(at)
            .bind(by.to_owned())
            .fetch_one(pool)
            .await?
        }))
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn finish_reconcile(
        &self,
        id: i64,
        checked: u64,
        agree: u64,
        drifted: u64,
        error: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), DbError> {
        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        with_pool!(self, pool => {
            sqlx::query(
                "UPDATE reconcile_runs SET finished_at = $1, checked = $2, agree = $3, drifted = $4, \
                 error = $5 WHERE id = $6",
            )
            .bind(at)
            .bind(n(checked))
            .bind(n(agree))
            .bind(n(drifted))
            .bind(error.map(str::to_owned))
            .bind(id)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The store's latest reconcile, finished or not.
    pub async fn last_reconcile(&self, store: Store) -> Result<Option<ReconcileRun>, DbError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_as::<_, ReconcileRun>(
                "SELECT id, channel, started_at, finished_at, run_by, checked, agree, drifted, error \
                 FROM reconcile_runs WHERE channel = $1 ORDER BY id DESC LIMIT 1",
            )
            .bind(store.name())
            .fetch_optional(pool)
            .await?
        }))
    }

    /// Every order of `store` changed since `since`, oldest first, with its store record's
    /// mark.
    pub async fn orders_changed_since(
        &self,
        store: Store,
        since: DateTime<Utc>,
    ) -> Result<Vec<(StoredOrder, RemoteMark)>, DbError> {
        let sql = format!(
            "SELECT {ORDER_COLUMNS} {ORDER_FROM} WHERE o.channel = $1 AND o.updated_at >= $2 ORDER BY o.id"
        );
        let rows: Vec<OrderRow> = with_pool!(self, pool => {
            sqlx::query_as::<_, OrderRow>(sqlx::AssertSqlSafe(sql))
                .bind(store.name())
                .bind(since)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter()
            .map(|row| {
                let mark = RemoteMark {
                    confirmed_at: row.confirmed_at,
                    last_attempt_at: row.last_attempt_at,
                    confirmed: row.confirmed.clone(),
                    last_attempt: row.last_attempt.clone(),
                };
                let (id, revision, order, remote) = row.into_domain()?;
                Ok((
                    StoredOrder {
                        id,
                        revision,
                        order,
                        remote,
                    },
                    mark,
                ))
            })
            .collect()
    }

    /// Records a drift found by reconcile run `run_id`; `false` (nothing recorded) when the
    /// order's store record no longer bears `mark`, or a write of it is claimed or in flight —
    /// the store's answer may be that write's, not someone else's change.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_drift(
        &self,
        order_id: i64,
        kind: DriftKind,
        store: &StoreReading,
        found_at: DateTime<Utc>,
        run_id: Option<i64>,
        mark: &RemoteMark,
    ) -> Result<bool, DbError> {
        let json = serde_json::to_string(store).unwrap_or_default();
        let n = with_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO order_drift (order_id, kind, store, found_at, run_id) \
                 SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS ( \
                     SELECT 1 FROM order_remote r WHERE r.order_id = $1 AND ( \
                         r.in_flight_since IS NOT NULL OR r.claimed_by IS NOT NULL \
                         OR r.confirmed_at IS DISTINCT FROM $6 \
                         OR r.last_attempt_at IS DISTINCT FROM $7 \
                         OR r.confirmed IS DISTINCT FROM $8 \
                         OR r.last_attempt IS DISTINCT FROM $9)) \
                 ON CONFLICT (order_id) DO UPDATE SET kind = excluded.kind, store = excluded.store, \
                 found_at = excluded.found_at, run_id = excluded.run_id",
            )
            .bind(order_id)
            .bind(kind.code())
            .bind(json)
            .bind(found_at)
            .bind(run_id)
            .bind(mark.confirmed_at)
            .bind(mark.last_attempt_at)
            .bind(mark.confirmed.clone())
            .bind(mark.last_attempt.clone())
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// Settles (forgets) the order's drift; `false` when it had none.
    pub async fn clear_drift(&self, order_id: i64) -> Result<bool, DbError> {
        let n = with_pool!(self, pool => {
            sqlx::query("DELETE FROM order_drift WHERE order_id = $1")
                .bind(order_id)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(n == 1)
    }
}
