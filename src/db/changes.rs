//! A cheap question a screen asks every few seconds instead of reading and judging its page
//! again: has anything been written since? SQLite answers with `PRAGMA data_version` on one
//! connection held for it (it changes when any other connection commits); PostgreSQL with a
//! sequence that statement triggers on the orders, their store state and the settings advance
//! (migration 0006; a sequence is not transactional, so it never makes writers wait on each
//! other — a reader may see it move a moment before the commit, which the caller allows for).

use super::{Db, DbError, Pool};

/// A held way to ask "changed since?" of one database.
pub enum ChangeWatch {
    Sqlite(sqlx::pool::PoolConnection<sqlx::Sqlite>),
    Postgres(sqlx::PgPool),
    /// An in-memory database has one connection, which the watch must not hold: every mark
    /// differs, so the screen reads its page every time, as it did before.
    Always(i64),
}

impl Db {
    /// A watch for writes by anyone (other processes, and this one's other connections).
    pub async fn change_watch(&self) -> Result<ChangeWatch, DbError> {
        Ok(match &self.pool {
            Pool::Sqlite(pool) if pool.options().get_max_connections() <= 1 => {
                ChangeWatch::Always(0)
            }
            Pool::Sqlite(pool) => ChangeWatch::Sqlite(pool.acquire().await?),
            Pool::Postgres(pool) => ChangeWatch::Postgres(pool.clone()),
        })
    }
}

impl ChangeWatch {
    /// A number that differs from the last one read whenever something was written since.
    pub async fn mark(&mut self) -> Result<i64, DbError> {
        Ok(match self {
            ChangeWatch::Sqlite(conn) => {
                sqlx::query_scalar::<_, i64>("PRAGMA data_version")
                    .fetch_one(&mut **conn)
                    .await?
            }
            ChangeWatch::Postgres(pool) => {
                sqlx::query_scalar::<_, i64>(
                    "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM hassou_changes",
                )
                .fetch_one(&*pool)
                .await?
            }
            ChangeWatch::Always(n) => {
                *n += 1;
                *n
            }
        })
    }
}
