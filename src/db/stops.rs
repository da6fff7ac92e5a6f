//! Stop requests: an operator's "stop the run on this store" (`x`), for whichever process runs
//! it. A run checks between orders whether a stop was asked since it started.

use chrono::{DateTime, Utc};

use super::{Db, DbError, with_pool};
use crate::domain::Store;

impl Db {
    /// Asks every run of `store` that started before `now` to stop after its order in flight.
    pub async fn request_stop(
        &self,
        store: Store,
        who: &str,
        now: DateTime<Utc>,
    ) -> Result<(), DbError> {
        with_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO stop_requests (channel, asked_at, asked_by) VALUES ($1, $2, $3) \
                 ON CONFLICT (channel) DO UPDATE SET asked_at = excluded.asked_at, \
                 asked_by = excluded.asked_by",
            )
            .bind(store.name())
            .bind(now)
            .bind(who.to_owned())
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Who asked to stop the runs of `store` since `started` (a run that started at
    /// `started`), if anyone did.
    pub async fn stop_asked_since(
        &self,
        store: Store,
        started: DateTime<Utc>,
    ) -> Result<Option<String>, DbError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT asked_by FROM stop_requests WHERE channel = $1 AND asked_at >= $2",
            )
            .bind(store.name())
            .bind(started)
            .fetch_optional(pool)
            .await?
        }))
    }
}
