//! Persistence: one repository over SQLite (the embedded default) or PostgreSQL (a team sharing
//! one database), chosen by URL. Every query is written once, with `$N` placeholders that both
//! backends accept, and run on whichever pool is open; rows are mapped to domain types here and
//! nowhere else. The rules are not in SQL: the database only narrows the candidates (by time
//! window, with indexes) and the pure functions of [`crate::domain::rules`] judge them.

mod alerts;
mod changes;
mod claims;
mod holds;
mod instances;
mod lease;
mod listing;
mod orders;
mod pull;
mod reconcile;
mod remote;
mod rows;
mod settings;
mod shipping;
mod status;
mod stops;
mod stores;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

pub use alerts::{DestinationState, OutboxRow};
pub use changes::ChangeWatch;
pub use instances::Instance;
pub use lease::Lease;
pub use listing::{ListFilter, ListedOrder, OrderPage, VerdictCounts};
pub use orders::{OrderEdit, OrdersTx, StoredOrder, UpsertSummary};
pub use pull::{PAID_DATE_DAYS, PullSummary, PulledOrder};
pub use reconcile::{ReconcileRun, RemoteMark};
pub use remote::{AttemptRecord, RunCounts, RunRecord};
pub use shipping::{ShippingHeld, ShippingSave, ShippingTx};
pub use status::PublishedStatus;

/// An open, migrated database, and this handle's [`Instance`] (registered on first need).
#[derive(Debug, Clone)]
pub struct Db {
    pool: Pool,
    instance: Arc<tokio::sync::OnceCell<Arc<Instance>>>,
}

/// The pool of whichever backend is open.
#[derive(Debug, Clone)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same body on whichever pool is open. Inside, `$pool` is a concrete pool type, so
/// the same query text and binds compile once per backend.
macro_rules! with_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match &$db.pool {
            $crate::db::Pool::Sqlite($pool) => $body,
            $crate::db::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

/// Opens a transaction that will write. On SQLite it starts with `BEGIN IMMEDIATE`, taking the
/// write lock at once (waiting up to the busy timeout): a plain `BEGIN` that reads first and
/// writes later fails at once with "database is locked" (SQLITE_BUSY_SNAPSHOT) when another
/// process or connection wrote in between, which the busy timeout does not cover.
pub(crate) trait BeginWrite {
    type Database: sqlx::Database;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Self::Database>, sqlx::Error>;
}

impl BeginWrite for SqlitePool {
    type Database = sqlx::Sqlite;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.begin_with("BEGIN IMMEDIATE").await
    }
}

impl BeginWrite for PgPool {
    type Database = sqlx::Postgres;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        self.begin().await
    }
}

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
    #[error("cannot lock {path} to migrate the database: {source}")]
    Lock {
        path: String,
        source: std::io::Error,
    },
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
    #[error("the database holds a value hassou cannot read: {0}")]
    Corrupt(String),
    #[error("order {number} was changed by someone else since it was read; reload and try again")]
    Conflict { number: String },
    #[error("{0}")]
    StoreConflict(String),
}

impl From<DbError> for crate::domain::Problem {
    fn from(e: DbError) -> crate::domain::Problem {
        match e {
            DbError::Conflict { .. } => {
                crate::domain::Problem::new(crate::domain::Cause::EditConflict, e.to_string())
            }
            e => crate::domain::Problem::database(e),
        }
    }
}

impl DbError {
    /// A condition that passes (SPEC §3 exit 3): the database locked by another process past
    /// the busy timeout, a PostgreSQL server that cannot be reached or is starting, a
    /// serialization failure or deadlock. Nothing was changed; trying again later is right.
    pub fn is_temporary(&self) -> bool {
        let source = match self {
            DbError::Open { source, .. } | DbError::Query(source) => source,
            DbError::Migrate {
                source: sqlx::migrate::MigrateError::Execute(source),
                ..
            } => source,
            _ => return false,
        };
        match source {
            sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => true,
            sqlx::Error::Database(e) => {
                let code = e.code().unwrap_or_default();
                // SQLite: busy (5), locked (6), and a full disk (13) — nothing was written and
                // the same command works once space is freed, so exit 3, not 2.
                let sqlite_busy = matches!(self, DbError::Open { .. } | DbError::Query(_))
                    && (code
                        .parse::<u32>()
                        .is_ok_and(|c| matches!(c & 0xff, 5 | 6 | 13))
                        || e.message().contains("database is locked"));
                let postgres_transient = matches!(
                    &*code,
                    "40001" | "40P01" | "55P03" | "57P03" | "53300" | "53100"
                );
                sqlite_busy || postgres_transient
            }
            _ => false,
        }
    }
}

/// How long a SQLite writer waits for another (a second console, the daemon) before failing.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Rows the SQLite worker may buffer ahead of the reader.
const SQLITE_ROW_BUFFER: usize = 4096;

impl Db {
    fn from_pool(pool: Pool) -> Db {
        Db {
            pool,
            instance: Arc::default(),
        }
    }

    /// The same database as seen by another process: the same pool, a new [`Instance`] (tests
    /// of claims and leases between processes; never needed in one process).
    pub fn as_another_process(&self) -> Db {
        Db::from_pool(self.pool.clone())
    }

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
        let db = Db::from_pool(Pool::Postgres(pool));
        db.know_stores().await?;
        Ok(db)
    }

    async fn open_sqlite(url: &str, shown: &str) -> Result<Db, DbError> {
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let mut migrate_lock = None;
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
            migrate_lock = Some(lock_for_migration(options.get_filename()).await?);
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
        drop(migrate_lock);
        let db = Db::from_pool(Pool::Sqlite(pool));
        db.know_stores().await?;
        Ok(db)
    }

    /// A fresh in-memory SQLite database, migrated (tests, `--dry-run` previews).
    pub async fn in_memory() -> Result<Db, DbError> {
        Db::open("sqlite::memory:").await
    }

    pub fn backend(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    pub async fn close(&self) {
        with_pool!(self, pool => pool.close().await);
    }

    /// After a large write (an import of a million orders leaves a WAL as large as the
    /// database): SQLite copies the WAL into the database and empties it now, so the readers
    /// that follow do not pay for it. Nothing to do on PostgreSQL. Best effort: a reader holding
    /// the WAL only makes it partial.
    pub async fn checkpoint(&self) {
        if let Pool::Sqlite(pool) = &self.pool {
            let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(pool)
                .await;
        }
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

/// Takes an exclusive lock on a file beside the SQLite database, held while migrating: two
/// processes opening a new database at once (a daemon and a console, say) would otherwise both
/// see migration 1 as not applied and one would fail with "table orders already exists".
/// (PostgreSQL needs none: sqlx migrates it under an advisory lock.)
async fn lock_for_migration(database: &Path) -> Result<std::fs::File, DbError> {
    let mut name = database.as_os_str().to_owned();
    name.push("-migrate.lock");
    let path = std::path::PathBuf::from(name);
    let shown = path.display().to_string();
    let error = |source| DbError::Lock {
        path: shown.clone(),
        source,
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(error)?;
    // Waiting for another process's migration blocks: off the async workers.
    tokio::task::spawn_blocking(move || file.lock().map(|()| file))
        .await
        .map_err(|e| error(std::io::Error::other(e)))?
        .map_err(error)
}

fn create_dir(dir: &Path) -> Result<(), DbError> {
    std::fs::create_dir_all(dir).map_err(|source| DbError::CreateDir {
        path: dir.display().to_string(),
        source,
    })
}

/// The folder of a SQLite database file (`None` for PostgreSQL, in-memory or a bare file name).
pub fn sqlite_folder(url: &str) -> Option<std::path::PathBuf> {
    if !url.starts_with("sqlite:") || url.contains(":memory:") || url.contains("mode=memory") {
        return None;
    }
    let options = SqliteConnectOptions::from_str(url).ok()?;
    options
        .get_filename()
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map(Path::to_path_buf)
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

    /// Two processes opening one new SQLite file at once both migrate it without error, and
    /// then write into it together: a pull (reads, then writes, in one transaction) while the
    /// other keeps writing never fails with "database is locked".
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_processes_share_one_new_sqlite_file() {
        use crate::domain::Store;
        use crate::domain::job::JobStatus;
        let dir = tempfile::tempdir().expect("dir");
        let url = format!("sqlite://{}", dir.path().join("h.db").display());
        let (a, b) = tokio::join!(Db::open(&url), Db::open(&url));
        let (a, b) = (a.expect("first opens"), b.expect("second opens"));
        let now = chrono::Utc::now();
        let writer = tokio::spawn(async move {
            for _ in 0..1500 {
                b.publish_status(
                    Store::COLORME,
                    crate::domain::job::JobKind::Pull,
                    "b",
                    &JobStatus::default(),
                    now,
                )
                .await?;
            }
            Ok::<_, DbError>(())
        });
        for round in 0..300 {
            let orders: Vec<PulledOrder> = (0..5)
                .map(|i| PulledOrder {
                    store: Store::COLORME,
                    remote_id: format!("{}", round * 10 + i),
                    number: format!("{}", round * 10 + i),
                    ordered_at: now,
                    cancelled: false,
                    paid_at: None,
                    remote_ref: Some("[1]".into()),
                })
                .collect();
            a.record_pull(&orders, false, now)
                .await
                .expect("pull while the other writes");
        }
        writer
            .await
            .expect("writer")
            .expect("writes while the pull runs");
    }
}
