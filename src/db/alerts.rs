//! Alert conditions and the alert outbox (issue 20). A condition's row exists while it holds: the
//! one process whose insert lands raises it, the one whose delete lands clears it — so each
//! condition alerts once across runs and processes. Alerts wait in the outbox, one row per
//! destination, until delivered or an hour has passed; a delivery attempt is claimed first so two
//! processes never send the same row.

use chrono::{DateTime, Utc};

use super::{Db, DbError, with_pool};
use crate::domain::Store;
use crate::domain::alert::AlertEvent;

/// An alert waiting in (or gone through) the outbox.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub channel: String,
    pub event: String,
    pub destination: String,
    pub payload: String,
    pub created_at: DateTime<Utc>,
    pub attempts: i64,
    pub delivered_at: Option<DateTime<Utc>>,
    pub gave_up_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

const OUTBOX_COLUMNS: &str = "id, channel, event, destination, payload, created_at, attempts, \
     delivered_at, gave_up_at, last_error";

/// How one destination has been doing, for `status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DestinationState {
    pub destination: String,
    /// Alerts not delivered yet (still retried).
    pub waiting: u64,
    /// Alerts given up on in the last day.
    pub given_up: u64,
    pub last_error: Option<String>,
}

impl Db {
    /// Records that `event` holds for `store`; `true` only for the process that recorded it
    /// first (it alone sends the alert).
    pub async fn raise_condition(
        &self,
        store: Store,
        event: AlertEvent,
        at: DateTime<Utc>,
        by: &str,
    ) -> Result<bool, DbError> {
        let n = with_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO alert_conditions (channel, event, raised_at, raised_by) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (channel, event) DO NOTHING",
            )
            .bind(store.name())
            .bind(event.code())
            .bind(at)
            .bind(by.to_owned())
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// Records that `event` no longer holds; `true` only for the process that cleared it.
    pub async fn clear_condition(&self, store: Store, event: AlertEvent) -> Result<bool, DbError> {
        let n = with_pool!(self, pool => {
            sqlx::query("DELETE FROM alert_conditions WHERE channel = $1 AND event = $2")
                .bind(store.name())
                .bind(event.code())
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(n == 1)
    }

    /// The conditions recorded as holding for `store`.
    pub async fn open_conditions(&self, store: Store) -> Result<Vec<AlertEvent>, DbError> {
        let codes: Vec<String> = with_pool!(self, pool => {
            sqlx::query_scalar("SELECT event FROM alert_conditions WHERE channel = $1 ORDER BY event")
                .bind(store.name())
                .fetch_all(pool)
                .await?
        });
        Ok(codes
            .iter()
            .filter_map(|c| AlertEvent::from_code(c))
            .collect())
    }

    /// Puts an alert in the outbox for one destination, due at once.
    pub async fn enqueue_alert(
        &self,
        store: Store,
        event: AlertEvent,
        destination: &str,
        payload: &str,
        at: DateTime<Utc>,
    ) -> Result<(), DbError> {
        with_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO alert_outbox (channel, event, destination, payload, created_at, \
                 next_attempt_at) VALUES ($1, $2, $3, $4, $5, $5)",
            )
            .bind(store.name())
            .bind(event.code())
            .bind(destination.to_owned())
            .bind(payload.to_owned())
            .bind(at)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Alerts of `store` due for an attempt at `now`, oldest first.
    pub async fn due_alerts(
        &self,
        store: Store,
        now: DateTime<Utc>,
    ) -> Result<Vec<OutboxRow>, DbError> {
        let sql = format!(
            "SELECT {OUTBOX_COLUMNS} FROM alert_outbox WHERE channel = $1 \
             AND delivered_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= $2 \
             ORDER BY id LIMIT 20"
        );
        Ok(with_pool!(self, pool => {
            sqlx::query_as::<_, OutboxRow>(sqlx::AssertSqlSafe(sql))
                .bind(store.name())
                .bind(now)
                .fetch_all(pool)
                .await?
        }))
    }

    /// Claims the next attempt of an alert until `until`; `false` when another process claimed
    /// or finished it first.
    pub async fn claim_alert(
        &self,
        id: i64,
        attempts: i64,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, DbError> {
        let n = with_pool!(self, pool => {
            sqlx::query(
                "UPDATE alert_outbox SET next_attempt_at = $1, attempts = attempts + 1 \
                 WHERE id = $2 AND attempts = $3 AND delivered_at IS NULL AND gave_up_at IS NULL \
                 AND next_attempt_at <= $4",
            )
            .bind(until)
            .bind(id)
            .bind(attempts)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(n == 1)
    }

    pub async fn alert_delivered(&self, id: i64, at: DateTime<Utc>) -> Result<(), DbError> {
        with_pool!(self, pool => {
            sqlx::query("UPDATE alert_outbox SET delivered_at = $1, last_error = NULL WHERE id = $2")
                .bind(at)
                .bind(id)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// An attempt failed: tried again at `retry_at`, or given up when `None`.
    pub async fn alert_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(), DbError> {
        with_pool!(self, pool => {
            sqlx::query(
                "UPDATE alert_outbox SET last_error = $1, \
                 next_attempt_at = COALESCE($2, next_attempt_at), \
                 gave_up_at = CASE WHEN $2 IS NULL THEN $3 ELSE NULL END WHERE id = $4",
            )
            .bind(error.to_owned())
            .bind(retry_at)
            .bind(now)
            .bind(id)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Alerts after `after_id` that were delivered or given up on (a console's log shows them),
    /// oldest first.
    pub async fn finished_alerts(&self, after_id: i64) -> Result<Vec<OutboxRow>, DbError> {
        let sql = format!(
            "SELECT {OUTBOX_COLUMNS} FROM alert_outbox WHERE id > $1 \
             AND (delivered_at IS NOT NULL OR gave_up_at IS NOT NULL) ORDER BY id LIMIT 100"
        );
        Ok(with_pool!(self, pool => {
            sqlx::query_as::<_, OutboxRow>(sqlx::AssertSqlSafe(sql))
                .bind(after_id)
                .fetch_all(pool)
                .await?
        }))
    }

    /// The newest outbox id (a console starts its log of alerts after it).
    pub async fn last_alert_id(&self) -> Result<i64, DbError> {
        let id: Option<i64> = with_pool!(self, pool => {
            sqlx::query_scalar("SELECT MAX(id) FROM alert_outbox")
                .fetch_one(pool)
                .await?
        });
        Ok(id.unwrap_or(0))
    }

    /// Every destination with alerts of `store` waiting or given up on since `since`, for
    /// `status`.
    pub async fn alert_destinations(
        &self,
        store: Store,
        since: DateTime<Utc>,
    ) -> Result<Vec<DestinationState>, DbError> {
        let rows: Vec<OutboxRow> = {
            let sql = format!(
                "SELECT {OUTBOX_COLUMNS} FROM alert_outbox WHERE channel = $1 \
                 AND delivered_at IS NULL AND (gave_up_at IS NULL OR gave_up_at >= $2) ORDER BY id"
            );
            with_pool!(self, pool => {
                sqlx::query_as::<_, OutboxRow>(sqlx::AssertSqlSafe(sql))
                    .bind(store.name())
                    .bind(since)
                    .fetch_all(pool)
                    .await?
            })
        };
        let mut out: Vec<DestinationState> = Vec::new();
        for row in rows {
            let i = match out.iter().position(|d| d.destination == row.destination) {
                Some(i) => i,
                None => {
                    out.push(DestinationState {
                        destination: row.destination.clone(),
                        waiting: 0,
                        given_up: 0,
                        last_error: None,
                    });
                    out.len() - 1
                }
            };
            let d = &mut out[i];
            if row.gave_up_at.is_some() {
                d.given_up += 1;
            } else {
                d.waiting += 1;
            }
            if row.last_error.is_some() {
                d.last_error = row.last_error;
            }
        }
        Ok(out)
    }

    /// Numbers of the orders of `store` whose shipping mail the store refused and that were
    /// not sent since, at most `limit`, oldest first.
    pub async fn refused_mail_numbers(
        &self,
        store: Store,
        limit: i64,
    ) -> Result<Vec<String>, DbError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT o.number FROM order_remote r JOIN orders o ON o.id = r.order_id \
                 WHERE r.channel = $1 AND r.mail_error IS NOT NULL AND r.mail_sent_at IS NULL \
                 ORDER BY o.id LIMIT $2",
            )
            .bind(store.name())
            .bind(limit)
            .fetch_all(pool)
            .await?
        }))
    }
}
