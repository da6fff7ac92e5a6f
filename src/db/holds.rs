//! Holds: an operator's "don't sync this one". A held order is ineligible (reason `held`) and
//! never written; the hold lives in its own table, so the writes of pulls, imports and carrier
//! files — which rewrite the order's row — never release it. Only `release` does.

use chrono::{DateTime, Utc};

use super::{Db, DbError, with_pool};

impl Db {
    /// Holds the order (again: the newest who, when and why win).
    pub async fn hold_order(
        &self,
        order_id: i64,
        by: &str,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<(), DbError> {
        with_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO order_holds (order_id, held_at, held_by, reason) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (order_id) DO UPDATE SET held_at = excluded.held_at, \
                 held_by = excluded.held_by, reason = excluded.reason",
            )
            .bind(order_id)
            .bind(at)
            .bind(by.to_owned())
            .bind(reason.to_owned())
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Releases the order's hold; `false` when it was not held.
    pub async fn release_hold(&self, order_id: i64) -> Result<bool, DbError> {
        let n = with_pool!(self, pool => {
            sqlx::query("DELETE FROM order_holds WHERE order_id = $1")
                .bind(order_id)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(n == 1)
    }
}
