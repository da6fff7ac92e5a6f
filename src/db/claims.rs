//! Per-order claims: before a process writes an order to a store it claims the order in the
//! database, so two processes pressing "sync now" together never write the same order twice.
//! A claim ends when the write is recorded, or when its holder's instance stops beating (the
//! process died mid-write; see [`super::instances`]).

use chrono::{DateTime, Utc};

use super::{Db, DbError, with_pool};
use crate::domain::Store;

impl Db {
    /// Claims `order_id` for `holder` (of this handle's instance) until `until`. Succeeds when
    /// nobody holds it, it is `holder`'s own, or its holder's instance stopped beating before
    /// `now` (a claim made before instances existed: when it expired). A claim whose instance
    /// beats is never taken, however old: the holder may be in the middle of a request. One
    /// statement, so two processes racing cannot both win.
    pub async fn claim_order(
        &self,
        order_id: i64,
        store: Store,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, DbError> {
        let instance = self.instance().await?;
        let changed = with_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO order_remote (order_id, channel, claimed_by, claimed_instance, claimed_until) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (order_id, channel) DO UPDATE SET \
                 claimed_by = excluded.claimed_by, claimed_instance = excluded.claimed_instance, \
                 claimed_until = excluded.claimed_until \
                 WHERE order_remote.claimed_by IS NULL \
                    OR (order_remote.claimed_by = excluded.claimed_by \
                        AND order_remote.claimed_instance = excluded.claimed_instance) \
                    OR (order_remote.claimed_instance IS NULL AND order_remote.claimed_until < $6) \
                    OR (order_remote.claimed_instance IS NOT NULL AND NOT EXISTS ( \
                        SELECT 1 FROM instances i WHERE i.id = order_remote.claimed_instance \
                        AND i.alive_until >= $6))",
            )
            .bind(order_id)
            .bind(store.name())
            .bind(holder.to_owned())
            .bind(instance.id().to_owned())
            .bind(until)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(changed == 1)
    }

    /// Who holds the claim on an order, if anyone.
    pub async fn order_claim(
        &self,
        order_id: i64,
        store: Store,
    ) -> Result<Option<(String, DateTime<Utc>)>, DbError> {
        let claim: Option<(Option<String>, Option<DateTime<Utc>>)> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT claimed_by, claimed_until FROM order_remote WHERE order_id = $1 AND channel = $2",
            )
            .bind(order_id)
            .bind(store.name())
            .fetch_optional(pool)
            .await?
        });
        Ok(claim.and_then(|(by, until)| by.zip(until)))
    }

    /// Ends `holder`'s claim (after the write is recorded, whatever its outcome).
    pub async fn release_order(
        &self,
        order_id: i64,
        store: Store,
        holder: &str,
    ) -> Result<(), DbError> {
        let instance = self.instance().await?;
        with_pool!(self, pool => {
            sqlx::query(
                "UPDATE order_remote SET claimed_by = NULL, claimed_until = NULL, \
                 claimed_instance = NULL \
                 WHERE order_id = $1 AND channel = $2 AND claimed_by = $3 AND claimed_instance = $4",
            )
            .bind(order_id)
            .bind(store.name())
            .bind(holder.to_owned())
            .bind(instance.id().to_owned())
            .execute(pool)
            .await?;
        });
        Ok(())
    }
}
