//! What each store holds for each order, and the audit trail: sync runs and every request made
//! for an order, with what was sent and what the store answered.

use chrono::{DateTime, Utc};

use super::{BeginWrite, Db, DbError, with_pool};
use crate::domain::{ShippingWrite, Store};

fn to_json(write: &ShippingWrite) -> Result<String, DbError> {
    serde_json::to_string(write).map_err(|e| DbError::Corrupt(format!("cannot encode values: {e}")))
}

pub use crate::domain::job::RunCounts;
use crate::domain::job::{JobKind, Trigger};

/// One pull or sync run as recorded.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RunRecord {
    pub id: i64,
    pub channel: String,
    pub kind: String,
    pub trigger: String,
    pub dry_run: bool,
    pub host: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub outcome: Option<String>,
    pub considered: i64,
    pub written: i64,
    pub already_synced: i64,
    pub waiting: i64,
    pub failed: i64,
    pub error: Option<String>,
}

/// One request made for one order.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AttemptRecord {
    pub id: i64,
    pub run_id: i64,
    pub order_id: i64,
    pub channel: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub request: String,
    pub response: Option<String>,
    pub outcome: Option<String>,
    pub error: Option<String>,
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Db {
    /// Ensures the remote-state row of an order exists.
    async fn touch_remote(&self, order_id: i64, store: Store) -> Result<(), DbError> {
        with_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO order_remote (order_id, channel) VALUES ($1, $2) \
                 ON CONFLICT (order_id, channel) DO NOTHING",
            )
            .bind(order_id)
            .bind(store.name())
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The store confirmed holding `held` (after a write, or found on a read): the order is synced
    /// for these values, and any earlier failure is cleared.
    pub async fn record_confirmed(
        &self,
        order_id: i64,
        store: Store,
        held: &ShippingWrite,
        remote_ref: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), DbError> {
        self.touch_remote(order_id, store).await?;
        let json = to_json(held)?;
        with_pool!(self, pool => {
            sqlx::query(
                "UPDATE order_remote SET confirmed = $1, confirmed_at = $2, \
                 remote_ref = COALESCE($3, remote_ref), last_attempt = $1, last_attempt_at = $2, \
                 last_error = NULL, last_cause = NULL, in_flight_since = NULL WHERE order_id = $4 AND channel = $5",
            )
            .bind(json)
            .bind(at)
            .bind(remote_ref.map(str::to_owned))
            .bind(order_id)
            .bind(store.name())
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// A read found the store holding nothing for this order (no tracking, not shipped): what
    /// hassou believed confirmed is forgotten, so the order is judged again.
    pub async fn record_store_holds_nothing(
        &self,
        order_id: i64,
        store: Store,
        at: DateTime<Utc>,
    ) -> Result<(), DbError> {
        self.touch_remote(order_id, store).await?;
        with_pool!(self, pool => {
            sqlx::query(
                "UPDATE order_remote SET confirmed = NULL, confirmed_at = $1 \
                 WHERE order_id = $2 AND channel = $3",
            )
            .bind(at)
            .bind(order_id)
            .bind(store.name())
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// A write of `attempted` failed with the store's `error`. When its outcome is unknown (it
    /// may have been applied), the order stays marked in flight so the next attempt reads the
    /// store first.
    pub async fn record_failure(
        &self,
        order_id: i64,
        store: Store,
        attempted: &ShippingWrite,
        error: &str,
        cause: crate::domain::Cause,
        at: DateTime<Utc>,
    ) -> Result<(), DbError> {
        let outcome_unknown = cause == crate::domain::Cause::Uncertain;
        self.touch_remote(order_id, store).await?;
        let json = to_json(attempted)?;
        with_pool!(self, pool => {
            sqlx::query(
                "UPDATE order_remote SET last_attempt = $1, last_attempt_at = $2, last_error = $3, \
                 last_cause = $7, in_flight_since = CASE WHEN $6 THEN in_flight_since ELSE NULL END \
                 WHERE order_id = $4 AND channel = $5",
            )
            .bind(json)
            .bind(at)
            .bind(error.to_owned())
            .bind(order_id)
            .bind(store.name())
            .bind(outcome_unknown)
            .bind(cause.code())
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Records that the shipping mail (or Shopify's customer notification) went out, so it is
    /// never sent twice. Returns false if it was already recorded.
    pub async fn record_mail_sent(
        &self,
        order_id: i64,
        store: Store,
        at: DateTime<Utc>,
    ) -> Result<bool, DbError> {
        self.record_mail(order_id, store, at, false).await
    }

    /// Records a shipping mail that may have gone (its answer lost or unreadable): as sent, so
    /// it is never sent again, and shown as uncertain.
    pub async fn record_mail_uncertain(
        &self,
        order_id: i64,
        store: Store,
        at: DateTime<Utc>,
    ) -> Result<bool, DbError> {
        self.record_mail(order_id, store, at, true).await
    }

    async fn record_mail(
        &self,
        order_id: i64,
        store: Store,
        at: DateTime<Utc>,
        uncertain: bool,
    ) -> Result<bool, DbError> {
        self.touch_remote(order_id, store).await?;
        let changed = with_pool!(self, pool => {
            sqlx::query(
                "UPDATE order_remote SET mail_sent_at = $1, mail_error = NULL, mail_uncertain = $4 \
                 WHERE order_id = $2 AND channel = $3 AND mail_sent_at IS NULL",
            )
            .bind(at)
            .bind(order_id)
            .bind(store.name())
            .bind(uncertain)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(changed == 1)
    }

    /// Records that the store refused the shipping mail (its words): not sent, shown to the
    /// operator, sent again only when asked.
    pub async fn record_mail_refused(
        &self,
        order_id: i64,
        store: Store,
        error: &str,
    ) -> Result<(), DbError> {
        self.touch_remote(order_id, store).await?;
        with_pool!(self, pool => {
            sqlx::query(
                "UPDATE order_remote SET mail_error = $1 \
                 WHERE order_id = $2 AND channel = $3 AND mail_sent_at IS NULL",
            )
            .bind(error.to_owned())
            .bind(order_id)
            .bind(store.name())
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    pub async fn mail_sent_at(
        &self,
        order_id: i64,
        store: Store,
    ) -> Result<Option<DateTime<Utc>>, DbError> {
        let at: Option<Option<DateTime<Utc>>> = with_pool!(self, pool => {
            sqlx::query_scalar::<_, Option<DateTime<Utc>>>(
                "SELECT mail_sent_at FROM order_remote WHERE order_id = $1 AND channel = $2",
            )
            .bind(order_id)
            .bind(store.name())
            .fetch_optional(pool)
            .await?
        });
        Ok(at.flatten())
    }

    /// Starts a run and returns its id.
    pub async fn start_run(
        &self,
        store: Store,
        kind: JobKind,
        trigger: Trigger,
        dry_run: bool,
        host: &str,
        at: DateTime<Utc>,
    ) -> Result<i64, DbError> {
        let id: i64 = with_pool!(self, pool => {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO sync_runs (channel, kind, trigger, dry_run, host, started_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(store.name())
            .bind(kind.code())
            .bind(trigger.code())
            .bind(dry_run)
            .bind(host.to_owned())
            .bind(at)
            .fetch_one(pool)
            .await?
        });
        Ok(id)
    }

    pub async fn finish_run(
        &self,
        run_id: i64,
        outcome: &str,
        counts: RunCounts,
        error: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), DbError> {
        with_pool!(self, pool => {
            sqlx::query(
                "UPDATE sync_runs SET finished_at = $1, outcome = $2, considered = $3, written = $4, \
                 already_synced = $5, waiting = $6, failed = $7, error = $8 WHERE id = $9",
            )
            .bind(at)
            .bind(outcome.to_owned())
            .bind(count(counts.considered))
            .bind(count(counts.written))
            .bind(count(counts.already_synced))
            .bind(count(counts.waiting))
            .bind(count(counts.failed))
            .bind(error.map(str::to_owned))
            .bind(run_id)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    pub async fn runs(&self, store: Store, limit: u32) -> Result<Vec<RunRecord>, DbError> {
        let runs = with_pool!(self, pool => {
            sqlx::query_as::<_, RunRecord>(
                "SELECT id, channel, kind, trigger, dry_run, host, started_at, finished_at, outcome, \
                 considered, written, already_synced, waiting, failed, error FROM sync_runs \
                 WHERE channel = $1 ORDER BY started_at DESC, id DESC LIMIT $2",
            )
            .bind(store.name())
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
        });
        Ok(runs)
    }

    /// Records a request before it is sent (so an interrupted run leaves a trace), and marks the
    /// order's write as in flight: its outcome is unknown until `finish_attempt`.
    pub async fn start_attempt(
        &self,
        run_id: i64,
        order_id: i64,
        store: Store,
        request: &str,
        at: DateTime<Utc>,
    ) -> Result<i64, DbError> {
        self.touch_remote(order_id, store).await?;
        let id: i64 = with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let id = sqlx::query_scalar::<_, i64>(
                "INSERT INTO sync_attempts (run_id, order_id, channel, started_at, request) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(run_id)
            .bind(order_id)
            .bind(store.name())
            .bind(at)
            .bind(request.to_owned())
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("UPDATE order_remote SET in_flight_since = $1 WHERE order_id = $2 AND channel = $3")
                .bind(at)
                .bind(order_id)
                .bind(store.name())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// Records a shipping mail sent by hand (`order N send-mail`) in the audit trail: its
    /// request, the store's answer and what came of it. The order's write state is not touched.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_mail_attempt(
        &self,
        run_id: i64,
        order_id: i64,
        store: Store,
        request: &str,
        response: Option<&str>,
        outcome: &str,
        error: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), DbError> {
        self.touch_remote(order_id, store).await?;
        with_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO sync_attempts (run_id, order_id, channel, started_at, finished_at, \
                 request, response, outcome, error) VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8)",
            )
            .bind(run_id)
            .bind(order_id)
            .bind(store.name())
            .bind(at)
            .bind(request.to_owned())
            .bind(response.map(str::to_owned))
            .bind(outcome.to_owned())
            .bind(error.map(str::to_owned))
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    pub async fn finish_attempt(
        &self,
        attempt_id: i64,
        outcome: &str,
        response: Option<&str>,
        error: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), DbError> {
        with_pool!(self, pool => {
            sqlx::query(
                "UPDATE sync_attempts SET finished_at = $1, outcome = $2, response = $3, error = $4 \
                 WHERE id = $5",
            )
            .bind(at)
            .bind(outcome.to_owned())
            .bind(response.map(str::to_owned))
            .bind(error.map(str::to_owned))
            .bind(attempt_id)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The audit trail of one order, oldest first.
    pub async fn attempts_for_order(&self, order_id: i64) -> Result<Vec<AttemptRecord>, DbError> {
        let attempts = with_pool!(self, pool => {
            sqlx::query_as::<_, AttemptRecord>(
                "SELECT id, run_id, order_id, channel, started_at, finished_at, request, response, \
                 outcome, error FROM sync_attempts WHERE order_id = $1 ORDER BY started_at, id",
            )
            .bind(order_id)
            .fetch_all(pool)
            .await?
        });
        Ok(attempts)
    }
}
