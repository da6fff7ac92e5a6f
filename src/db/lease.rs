//! The scheduler lease: at most one process runs the scheduled jobs of a store at a time,
//! whatever the number of consoles and daemons sharing the database. A holder renews it by
//! heartbeat; when it dies, the lease expires and another process takes over.

use chrono::{DateTime, Utc};

use super::{Db, DbError, with_pool};
use crate::domain::Channel;

/// Who holds a lease, and until when.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Lease {
    pub name: String,
    pub holder: String,
    pub acquired_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl Db {
    /// Takes or renews the lease `name` for `holder` until `expires_at`. Succeeds when the lease
    /// is free, expired (before `now`), or already held by `holder`; one statement, so two
    /// processes racing for it cannot both win.
    pub async fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<bool, DbError> {
        let changed = with_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO scheduler_leases (name, holder, acquired_at, expires_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO UPDATE SET \
                 acquired_at = CASE WHEN scheduler_leases.holder = excluded.holder \
                     THEN scheduler_leases.acquired_at ELSE excluded.acquired_at END, \
                 holder = excluded.holder, expires_at = excluded.expires_at \
                 WHERE scheduler_leases.holder = excluded.holder \
                    OR scheduler_leases.expires_at < excluded.acquired_at",
            )
            .bind(name.to_owned())
            .bind(holder.to_owned())
            .bind(now)
            .bind(expires_at)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(changed == 1)
    }

    /// Takes the lease from `gone`, a holder known to have died (a process on this machine that
    /// no longer runs), without waiting for it to expire. Fails if someone else took it first.
    pub async fn take_over_lease(
        &self,
        name: &str,
        gone: &str,
        holder: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<bool, DbError> {
        let changed = with_pool!(self, pool => {
            sqlx::query(
                "UPDATE scheduler_leases SET holder = $1, acquired_at = $2, expires_at = $3 \
                 WHERE name = $4 AND holder = $5",
            )
            .bind(holder.to_owned())
            .bind(now)
            .bind(expires_at)
            .bind(name.to_owned())
            .bind(gone.to_owned())
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(changed == 1)
    }

    /// When the newest change to a store's orders was made (the watch mode's cheap question).
    pub async fn latest_change(&self, channel: Channel) -> Result<Option<DateTime<Utc>>, DbError> {
        let latest: Option<DateTime<Utc>> = with_pool!(self, pool => {
            sqlx::query_scalar("SELECT MAX(updated_at) FROM orders WHERE channel = $1")
                .bind(channel.code())
                .fetch_one(pool)
                .await?
        });
        Ok(latest)
    }

    /// Gives the lease up (on a clean shutdown), if `holder` still has it.
    pub async fn release_lease(&self, name: &str, holder: &str) -> Result<(), DbError> {
        with_pool!(self, pool => {
            sqlx::query("DELETE FROM scheduler_leases WHERE name = $1 AND holder = $2")
                .bind(name.to_owned())
                .bind(holder.to_owned())
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
