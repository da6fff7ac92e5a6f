//! The scheduler lease: at most one process runs the scheduled jobs of a store at a time,
//! whatever the number of consoles and daemons sharing the database. A holder renews it by
//! heartbeat; when it dies (its instance's heartbeat runs out, or the lease expires), another
//! process takes over.

use chrono::{DateTime, Utc};

use super::{Db, DbError, with_pool};
use crate::domain::Store;

/// Who holds a lease, and until when.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Lease {
    pub name: String,
    pub holder: String,
    pub acquired_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl Db {
    /// Takes or renews the lease `name` for `holder` (of this handle's instance) until
    /// `expires_at`. Succeeds when the lease is free, expired (before `now`), already this
    /// instance's, or held by an instance whose heartbeat ran out; one statement, so two
    /// processes racing for it cannot both win. The instance, not the holder's name, says whose
    /// it is: two processes may well share a host name and a PID.
    pub async fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<bool, DbError> {
        let instance = self.instance().await?;
        let changed = with_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO scheduler_leases (name, holder, instance, acquired_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO UPDATE SET \
                 acquired_at = CASE WHEN scheduler_leases.instance = excluded.instance \
                     THEN scheduler_leases.acquired_at ELSE excluded.acquired_at END, \
                 holder = excluded.holder, instance = excluded.instance, \
                 expires_at = excluded.expires_at \
                 WHERE scheduler_leases.instance = excluded.instance \
                    OR scheduler_leases.expires_at < excluded.acquired_at \
                    OR (scheduler_leases.instance IS NOT NULL AND NOT EXISTS ( \
                        SELECT 1 FROM instances i WHERE i.id = scheduler_leases.instance \
                        AND i.alive_until >= excluded.acquired_at))",
            )
            .bind(name.to_owned())
            .bind(holder.to_owned())
            .bind(instance.id().to_owned())
            .bind(now)
            .bind(expires_at)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(changed == 1)
    }

    /// When the newest change to a store's orders was made (the watch mode's cheap question).
    pub async fn latest_change(&self, store: Store) -> Result<Option<DateTime<Utc>>, DbError> {
        let latest: Option<DateTime<Utc>> = with_pool!(self, pool => {
            sqlx::query_scalar("SELECT MAX(updated_at) FROM orders WHERE channel = $1")
                .bind(store.name())
                .fetch_one(pool)
                .await?
        });
        Ok(latest)
    }

    /// Gives the lease up (on a clean shutdown), if this instance still has it as `holder`.
    pub async fn release_lease(&self, name: &str, holder: &str) -> Result<(), DbError> {
        let instance = self.instance().await?;
        with_pool!(self, pool => {
            sqlx::query(
                "DELETE FROM scheduler_leases WHERE name = $1 AND holder = $2 AND instance = $3",
            )
                .bind(name.to_owned())
                .bind(holder.to_owned())
                .bind(instance.id().to_owned())
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    pub async fn lease(&self, name: &str) -> Result<Option<Lease>, DbError> {
        let lease = with_pool!(self, pool => {
            sqlx::query_as::<_, Lease>(
                "SELECT name, holder, acquired_at, expires_at FROM scheduler_leases WHERE name = $1",
            )
            .bind(name.to_owned())
            .fetch_optional(pool)
            .await?
        });
        Ok(lease)
    }
}
