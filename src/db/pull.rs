//! Orders pulled from a store (受注取得). A pull adds new orders and records what only the store
//! knows — a cancellation, a payment — and never touches what the operator keeps: tracking,
//! carrier, 出荷日, bundles, or a status the operator set.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::rows::OrderRow;
use super::{BeginWrite, Db, DbError, with_pool};
use crate::domain::OrderStatus;

pub use crate::domain::PulledOrder;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PullSummary {
    pub pulled: u64,
    pub new: u64,
    pub cancelled: u64,
    pub paid: u64,
    pub unchanged: u64,
}

/// 入金日 自動取得 covers orders ordered within this many days (seed 000).
pub const PAID_DATE_DAYS: i64 = 10;

/// Keeps the store's references of one pulled order (its remote state row is made if missing).
async fn keep_remote_ref<'c, DB>(
    tx: &mut sqlx::Transaction<'c, DB>,
    order_id: i64,
    pulled: &PulledOrder,
) -> Result<(), DbError>
where
    DB: sqlx::Database,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
    for<'e> &'e mut <DB as sqlx::Database>::Connection: sqlx::Executor<'e, Database = DB>,
{
    let Some(remote_ref) = &pulled.remote_ref else {
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO order_remote (order_id, channel, remote_ref) VALUES ($1, $2, $3) \
         ON CONFLICT (order_id, channel) DO UPDATE SET remote_ref = excluded.remote_ref",
    )
    .bind(order_id)
    .bind(pulled.store.name().to_owned())
    .bind(remote_ref.clone())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Db {
    /// Records a pull in one transaction. `record_paid` is the 入金日 自動取得 setting.
    pub async fn record_pull(
        &self,
        orders: &[PulledOrder],
        record_paid: bool,
        now: DateTime<Utc>,
    ) -> Result<PullSummary, DbError> {
        let mut summary = PullSummary {
            pulled: orders.len() as u64,
            ..PullSummary::default()
        };
        let paid_window = now - Duration::days(PAID_DATE_DAYS);
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            for pulled in orders {
                let paid_at = pulled
                    .paid_at
                    .filter(|_| record_paid && pulled.ordered_at >= paid_window);
                let existing = sqlx::query_as::<_, OrderRow>(
                    "SELECT o.id, o.channel, o.remote_id, o.number, o.status, o.ordered_at, \
                     o.updated_at, o.shipped_on, o.carrier, o.tracking, o.bundle_parent, o.revision, \
                     NULL AS confirmed, NULL AS confirmed_at, NULL AS last_attempt, NULL AS last_error, NULL AS last_cause, NULL AS last_attempt_at, \
                     NULL AS in_flight_since, NULL AS mail_sent_at, NULL AS remote_ref, NULL AS mail_error, FALSE AS mail_uncertain, \
                     NULL AS held_at, NULL AS held_by, NULL AS hold_reason, \
                     NULL AS drift_kind, NULL AS drift_store, NULL AS drift_found_at FROM orders o WHERE o.channel = $1 AND o.remote_id = $2",
                )
                .bind(pulled.store.name())
                .bind(pulled.remote_id.clone())
                .fetch_optional(&mut *tx)
                .await?;
                let Some(row) = existing else {
                    let status = if pulled.cancelled { OrderStatus::Cancelled } else { OrderStatus::New };
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO orders (channel, remote_id, number, status, ordered_at, updated_at, \
                         tracking, paid_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, '', $7, $6) \
                         RETURNING id",
                    )
                    .bind(pulled.store.name())
                    .bind(pulled.remote_id.clone())
                    .bind(pulled.number.clone())
                    .bind(status.code())
                    .bind(pulled.ordered_at)
                    .bind(now)
                    .bind(paid_at)
                    .fetch_one(&mut *tx)
                    .await?;
                    keep_remote_ref(&mut tx, id, pulled).await?;
                    summary.new += 1;
                    continue;
                };
                let id = row.id;
                keep_remote_ref(&mut tx, id, pulled).await?;
                let status: OrderStatus = row
                    .status
                    .parse()
                    .map_err(|e| DbError::Corrupt(format!("order id {id}: {e}")))?;
                if pulled.cancelled && status != OrderStatus::Cancelled {
                    sqlx::query(
                        "UPDATE orders SET status = $1, updated_at = $2, revision = revision + 1 WHERE id = $3",
                    )
                    .bind(OrderStatus::Cancelled.code())
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    summary.cancelled += 1;
                    continue;
                }
                let Some(paid_at) = paid_at else {
                    summary.unchanged += 1;
                    continue;
                };
                // The payment date once; 入金待ち moves on to 発送待ち, any other status stays.
                let next = if status == OrderStatus::AwaitingPayment {
                    OrderStatus::AwaitingShipment
                } else {
                    status
                };
                let changed = sqlx::query(
                    "UPDATE orders SET paid_at = $1, status = $2, \
                     updated_at = CASE WHEN status = $2 THEN updated_at ELSE $3 END, \
                     revision = revision + 1 WHERE id = $4 AND paid_at IS NULL",
                )
                .bind(paid_at)
                .bind(next.code())
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed == 1 {
                    summary.paid += 1;
                } else {
                    summary.unchanged += 1;
                }
            }
            tx.commit().await?;
        });
        Ok(summary)
    }
}
