//! Persistence: one repository over SQLite (the embedded default) or PostgreSQL (a team sharing
//! one database), chosen by URL. Every query is written once, with `$N` placeholders that both
//! backends accept, and run on whichever pool is open; rows are mapped to domain types here and
//! nowhere else. The rules are not in SQL: the database only narrows the candidates (by time
//! window, with indexes) and the pure functions of [`crate::domain::rules`] judge them.

mod claims;
mod lease;
mod listing;
mod orders;
mod pull;
mod remote;
mod rows;
mod settings;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

pub use lease::Lease;
pub use listing::{ListFilter, ListedOrder, OrderPage, VerdictCounts};
pub use orders::{OrderEdit, StoredOrder, UpsertSummary};
pub use pull::{PAID_DATE_DAYS, PullSummary, PulledOrder};
pub use remote::{AttemptRecord, RunCounts, RunRecord};

/// An open, migrated database.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same body on whichever pool is open. Inside, `$pool` is a concrete pool type, so
/// the same query text and binds compile once per backend.
macro_rules! with_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database URL {0:?} is neither sqlite:… nor postgres://…")]
    UnsupportedUrl(String),
    #[error("cannot open database {url}: {source}")]
    Open { url: String, source: sqlx::Error },
    #[error("cannot create the directory {path} for the database: {source}")]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot migrate database {url}: {source}")]
    Migrate {
        url: String,
        source: sqlx::migrate::MigrateError,
    },
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
    #[error("the database holds a value hassou cannot read: {0}")]
    Corrupt(String),
    #[error("order {number} was changed by someone else since it was read; reload and try again")]
    Conflict { number: String },
}

/// How long a SQLite writer waits for another (a second console, the daemon) before failing.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Rows the SQLite worker may buffer ahead of the reader.
const SQLITE_ROW_BUFFER: usize = 4096;

impl Db {
    /// Opens (creating a SQLite file and its directory if needed) and migrates the database.
    pub async fn open(url: &str) -> Result<Db, DbError> {
        let shown = redact_url(url);
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url).map_err(open_error(&shown))?;
            Db::open_postgres(options, &shown).await
        } else if url.starts_with("sqlite:") {
            Db::open_sqlite(url, &shown).await
        } else {
            Err(DbError::UnsupportedUrl(shown))
        }
    }

    /// Opens PostgreSQL with explicit options (tests use this to pick a schema).
    pub async fn open_postgres(options: PgConnectOptions, shown: &str) -> Result<Db, DbError> {
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(open_error(shown))?;
        sqlx::migrate!("./migrations/postgres")
            .run(&pool)
            .await
            .map_err(migrate_error(shown))?;
        Ok(Db::Postgres(pool))
    }

    async fn open_sqlite(url: &str, shown: &str) -> Result<Db, DbError> {
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let mut options = SqliteConnectOptions::from_str(url)
            .map_err(open_error(shown))?
            .create_if_missing(true)
            .foreign_keys(true)
            .busy_timeout(SQLITE_BUSY_TIMEOUT)
            // sqlx runs SQLite on a worker thread and hands rows over a channel. With the default
            // 50-row buffer the two threads wake each other for almost every row of a listing;
            // a larger buffer lets the worker run ahead (listing benchmark: 151 -> 111 ms).
            .row_buffer_size(SQLITE_ROW_BUFFER);
        if !in_memory {
            if let Some(dir) = options
                .get_filename()
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                create_dir(dir)?;
            }
            options = options
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal);
        }
        // An in-memory database exists once per connection: keep exactly one.
        let max = if in_memory { 1 } else { 4 };
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .min_connections(if in_memory { 1 } else { 0 })
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(open_error(shown))?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&pool)
            .await
            .map_err(migrate_error(shown))?;
        Ok(Db::Sqlite(pool))
    }

    /// A fresh in-memory SQLite database, migrated (tests, `--dry-run` previews).
    pub async fn in_memory() -> Result<Db, DbError> {
        Db::open("sqlite::memory:").await
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    pub async fn close(&self) {
        with_pool!(self, pool => pool.close().await);
    }
}

fn open_error(shown: &str) -> impl FnOnce(sqlx::Error) -> DbError + '_ {
    move |source| DbError::Open {
        url: shown.to_owned(),
        source,
    }
}

fn migrate_error(shown: &str) -> impl FnOnce(sqlx::migrate::MigrateError) -> DbError + '_ {
    move |source| DbError::Migrate {
        url: shown.to_owned(),
        source,
    }
}

fn create_dir(dir: &Path) -> Result<(), DbError> {
    std::fs::create_dir_all(dir).map_err(|source| DbError::CreateDir {
        path: dir.display().to_string(),
        source,
    })
}

/// A database URL fit for messages: the password, if any, replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact_url("postgres://hassou:s3cret@db.local/hassou"),
            "postgres://hassou:***@db.local/hassou"
        );
        assert_eq!(
            redact_url("postgres://hassou@db/x"),
            "postgres://hassou@db/x"
        );
        assert_eq!(redact_url("sqlite:///tmp/a.db"), "sqlite:///tmp/a.db");
    }
}
