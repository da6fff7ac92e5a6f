//! The import against a database (the only I/O of this module): read and check the file, look
//! the keys' orders up, plan. Shared by `hassou shipments import` and the console's `:import`.

use std::io::BufReader;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::{FileSummary, Format, ImportPlan, candidate_numbers, parse, plan};
use crate::db::Db;
use crate::domain::Store;

/// Why a file could not be planned: its bad rows (each with line and column), or another reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrepareError {
    File(String),
    Rows(Vec<super::RowError>),
    Db(String),
    /// The database is locked by another process or cannot be reached: try again later.
    Temporary(String),
}

impl From<PrepareError> for crate::domain::Problem {
    fn from(e: PrepareError) -> crate::domain::Problem {
        use crate::domain::{Cause, Problem};
        let cause = match &e {
            PrepareError::File(_) | PrepareError::Rows(_) => Cause::File,
            PrepareError::Db(_) | PrepareError::Temporary(_) => Cause::Database,
        };
        Problem::new(cause, e.to_string())
    }
}

impl std::fmt::Display for PrepareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PrepareError::File(m) | PrepareError::Db(m) | PrepareError::Temporary(m) => {
                f.write_str(m)
            }
            PrepareError::Rows(rows) => {
                let lines: Vec<String> = rows.iter().map(ToString::to_string).collect();
                f.write_str(&lines.join("; "))
            }
        }
    }
}

/// Reads, checks and plans a carrier file against the database; nothing is written.
pub async fn prepare(
    db: &Db,
    path: &Path,
    format: Option<Format>,
    channel: Option<Store>,
    mark_processed: bool,
    now: DateTime<Utc>,
) -> Result<(FileSummary, ImportPlan), PrepareError> {
    let parsed = read_off_the_runtime(path, format).await?;
    let mut numbers: Vec<String> = parsed
        .rows
        .iter()
        .flat_map(|r| candidate_numbers(&r.key))
        .collect();
    numbers.sort();
    numbers.dedup();
    let orders = db
        .orders_numbered(&numbers)
        .await
        .map_err(|e| PrepareError::Db(e.to_string()))?;
    drop(numbers);
    let plan = plan(&parsed.rows, &orders, channel, mark_processed, now);
    drop(orders);
    if !plan.too_many.is_empty() {
        return Err(PrepareError::Rows(plan.too_many));
    }
    Ok((parsed.summary(), plan))
}

/// Opens and parses the file on a thread of its own (issue 23): a FIFO or a hung network share
/// blocks that thread, never the console's clock, refresh and leases, and quitting does not wait
/// for it (the thread is not the runtime's, so the process ends without it).
async fn read_off_the_runtime(
    path: &Path,
    format: Option<Format>,
) -> Result<super::ParsedFile, PrepareError> {
    let (done, parsed) = tokio::sync::oneshot::channel();
    let owned = path.to_path_buf();
    std::thread::Builder::new()
        .name("carrier-file".into())
        .spawn(move || {
            let result = std::fs::File::open(&owned)
                .map_err(|e| PrepareError::File(format!("{}: {e}", owned.display())))
                .and_then(|file| parse(BufReader::new(file), format).map_err(PrepareError::Rows));
            let _ = done.send(result);
        })
        .map_err(|e| PrepareError::File(format!("cannot start reading: {e}")))?;
    parsed
        .await
        .map_err(|_| PrepareError::File(format!("{}: reading stopped", path.display())))?
}

/// Saves what a plan changes, all or nothing at the revisions read.
pub async fn save(db: &Db, plan: &ImportPlan) -> Result<(), crate::db::DbError> {
    db.save_shipping_at_revision(&plan.saves(), plan.saved_at)
        .await
}
