//! `hassou shipments import` with memory that does not grow with the file (100,000 rows and
//! more): rows are checked as they are read and staged in a temporary SQLite file; they are read
//! back sorted by their root number (every key that may reach one order shares it, see
//! [`super::root`]), planned a few thousand at a time by the same pure [`super::plan_group`] as
//! the console's preview, and saved batch by batch in one transaction of the orders database —
//! all or nothing. What the report lists is spilled to temporary files and read back after the
//! save, so nothing is printed of a save that did not happen.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::import::PrepareError;
use super::{
    Change, FileSummary, Format, OrderChange, ShipmentRow, candidate_numbers, plan, plan_group,
    root,
};
use crate::db::{Db, ShippingHeld};
use crate::domain::{Carrier, Store};

/// Rows planned together at most (a group of one root is never split).
const CHUNK_ROWS: i64 = 2000;
/// Rows staged per INSERT (7 values each; few, for the reason given at `db::shipping`).
const STAGE_BATCH: usize = 64;

/// An import done (or, with `--dry-run`, planned): the counts, and the report's parts spilled.
pub struct StagedImport {
    pub summary: FileSummary,
    pub set: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub ambiguous: usize,
    dir: tempfile::TempDir,
    /// Held for the folder's life: a folder whose lock can be taken belongs to no running
    /// import (see [`sweep_abandoned`]).
    _lock: File,
}

impl StagedImport {
    /// The orders reached, in the order of their numbers.
    pub fn orders(&self) -> Spilled<OrderChange> {
        Spilled::open(&self.dir.path().join(ORDERS))
    }

    /// `(line, key)` of rows that reach no order.
    pub fn unmatched(&self) -> Spilled<(usize, String)> {
        Spilled::open(&self.dir.path().join(UNMATCHED))
    }

    /// `(line, key)` of rows whose key is in both stores.
    pub fn ambiguous_rows(&self) -> Spilled<(usize, String)> {
        Spilled::open(&self.dir.path().join(AMBIGUOUS))
    }
}

const ORDERS: &str = "orders.jsonl";
const UNMATCHED: &str = "unmatched.jsonl";
const AMBIGUOUS: &str = "ambiguous.jsonl";

/// A spilled list read back one item at a time.
pub struct Spilled<T> {
    lines: Option<std::io::Lines<BufReader<File>>>,
    _item: std::marker::PhantomData<T>,
}

impl<T> Spilled<T> {
    fn open(path: &Path) -> Spilled<T> {
        Spilled {
            lines: File::open(path).ok().map(|f| BufReader::new(f).lines()),
            _item: std::marker::PhantomData,
        }
    }
}

impl<T: DeserializeOwned> Iterator for Spilled<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        let line = self.lines.as_mut()?.next()?.ok()?;
        serde_json::from_str(&line).ok()
    }
}

struct Spill {
    path: PathBuf,
    out: BufWriter<File>,
}

impl Spill {
    fn create(dir: &Path, name: &str) -> Result<Spill, PrepareError> {
        let path = dir.join(name);
        let file = File::create(&path).map_err(|e| file_error(&path, &e))?;
        Ok(Spill {
            path,
            out: BufWriter::new(file),
        })
    }

    fn push(&mut self, item: &impl Serialize) -> Result<(), PrepareError> {
        serde_json::to_writer(&mut self.out, item)
            .map_err(std::io::Error::other)
            .and_then(|()| self.out.write_all(b"\n"))
            .map_err(|e| file_error(&self.path, &e))
    }

    fn finish(mut self) -> Result<(), PrepareError> {
        self.out.flush().map_err(|e| file_error(&self.path, &e))
    }
}

fn file_error(path: &Path, e: &std::io::Error) -> PrepareError {
    PrepareError::File(format!("{}: {e}", path.display()))
}

fn stage_error(e: sqlx::Error) -> PrepareError {
    PrepareError::File(format!("the import's temporary file: {e}"))
}

fn db_error(e: crate::db::DbError) -> PrepareError {
    if e.is_temporary() {
        PrepareError::Temporary(e.to_string())
    } else {
        PrepareError::Db(e.to_string())
    }
}

/// What the options of the command say.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub format: Option<Format>,
    pub channel: Option<Store>,
    pub mark_processed: bool,
    pub dry_run: bool,
    pub now: DateTime<Utc>,
}

/// Reads, checks, plans and (unless a dry run) saves a carrier file, all or nothing.
pub async fn run(db: &Db, path: &Path, options: Options) -> Result<StagedImport, PrepareError> {
    sweep_abandoned(&std::env::temp_dir());
    let dir = tempfile::Builder::new()
        .prefix(FOLDER_PREFIX)
        .tempdir()
        .map_err(|e| PrepareError::File(format!("a temporary folder: {e}")))?;
    let lock = File::create(dir.path().join(LOCK))
        .and_then(|f| f.lock().map(|()| f))
        .map_err(|e| PrepareError::File(format!("the temporary folder's lock: {e}")))?;
    let stage = SqlitePoolOptions::new()
        .max_connections(2)
        .connect_with(
            SqliteConnectOptions::new()
                .filename(dir.path().join("rows.db"))
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Off)
                .synchronous(SqliteSynchronous::Off),
        )
        .await
        .map_err(stage_error)?;
    let result = run_staged(db, path, options, &stage, dir.path()).await;
    stage.close().await;
    let (summary, counts) = result?;
    Ok(StagedImport {
        summary,
        set: counts.set,
        changed: counts.changed,
        unchanged: counts.unchanged,
        ambiguous: counts.ambiguous,
        dir,
        _lock: lock,
    })
}

const FOLDER_PREFIX: &str = "hassou-import-";
const LOCK: &str = ".lock";

/// Removes the temporary folders of imports that ended without removing them (a SIGKILL, a
/// power cut: they hold order numbers and tracking, issue 23). A folder is abandoned when its
/// lock can be taken — no running import holds it, on this machine or in another PID
/// namespace sharing the folder — or, made before locks existed, when it is over a day old.
pub fn sweep_abandoned(temp: &Path) {
    let Ok(entries) = std::fs::read_dir(temp) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let ours = entry
            .file_name()
            .to_string_lossy()
            .starts_with(FOLDER_PREFIX)
            && entry.file_type().is_ok_and(|t| t.is_dir());
        if !ours {
            continue;
        }
        let abandoned = match File::open(path.join(LOCK)) {
            Ok(lock) => lock.try_lock().is_ok(),
            Err(_) => entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > std::time::Duration::from_secs(24 * 3600)),
        };
        if abandoned {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

#[derive(Default)]
struct Counts {
    set: usize,
    changed: usize,
    unchanged: usize,
    ambiguous: usize,
}

async fn run_staged(
    db: &Db,
    path: &Path,
    options: Options,
    stage: &SqlitePool,
    dir: &Path,
) -> Result<(FileSummary, Counts), PrepareError> {
    sqlx::query(
        "CREATE TABLE rows (root TEXT NOT NULL, line INTEGER NOT NULL, key TEXT NOT NULL, \
         tracking TEXT NOT NULL, shipped_on TEXT NOT NULL, carrier TEXT NOT NULL, channel TEXT)",
    )
    .execute(stage)
    .await
    .map_err(stage_error)?;
    let summary = stage_rows(path, options.format, stage).await?;
    sqlx::query("CREATE INDEX rows_by_root ON rows (root, line)")
        .execute(stage)
        .await
        .map_err(stage_error)?;

    let mut orders = Spill::create(dir, ORDERS)?;
    let mut unmatched = Spill::create(dir, UNMATCHED)?;
    let mut ambiguous = Spill::create(dir, AMBIGUOUS)?;
    let mut counts = Counts::default();
    let mut too_many = Vec::new();
    let mut tx = if options.dry_run {
        None
    } else {
        Some(db.begin_shipping_save().await.map_err(db_error)?)
    };
    let mut after: Option<String> = None;
    loop {
        let rows = next_chunk(stage, after.as_deref()).await?;
        let Some(last) = rows.last() else {
            break;
        };
        after = Some(root(&last.key).to_owned());
        let roots: HashSet<&str> = rows.iter().map(|r| root(&r.key)).collect();
        let held = reached(db, &rows).await?;
        // Bundle children whose own rows are in another group keep them.
        let mut elsewhere = HashSet::new();
        for child in held.iter().filter(|o| o.bundle_parent.is_some()) {
            if !roots.contains(root(&child.number))
                && has_own_rows(db, stage, child, options).await?
            {
                elsewhere.insert(child.id);
            }
        }
        let planned = plan_group(
            &rows,
            &held,
            options.channel,
            options.mark_processed,
            options.now,
            &elsewhere,
        );
        if !planned.too_many.is_empty() {
            // Nothing is saved: the transaction is dropped, the file refused with its lines.
            too_many.extend(planned.too_many.iter().cloned());
            continue;
        }
        if !too_many.is_empty() {
            continue;
        }
        if let Some(tx) = tx.as_mut() {
            tx.save(&planned.saves(), options.now)
                .await
                .map_err(db_error)?;
        }
        for o in &planned.orders {
            match o.change {
                Change::Set => counts.set += 1,
                Change::Changed => counts.changed += 1,
                Change::Unchanged => counts.unchanged += 1,
            }
            orders.push(o)?;
        }
        for row in &planned.unmatched {
            unmatched.push(row)?;
        }
        for row in &planned.ambiguous {
            ambiguous.push(row)?;
        }
        counts.ambiguous += planned.ambiguous.len();
    }
    if !too_many.is_empty() {
        return Err(PrepareError::Rows(too_many));
    }
    orders.finish()?;
    unmatched.finish()?;
    ambiguous.finish()?;
    if let Some(tx) = tx {
        tx.commit().await.map_err(db_error)?;
    }
    Ok((summary, counts))
}

/// Reads and checks the file on a blocking thread, staging its rows as they come; every bad row
/// refuses the file.
async fn stage_rows(
    path: &Path,
    format: Option<Format>,
    stage: &SqlitePool,
) -> Result<FileSummary, PrepareError> {
    let file = File::open(path).map_err(|e| file_error(path, &e))?;
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<ShipmentRow>(STAGE_BATCH * 4);
    let reader = tokio::task::spawn_blocking(move || {
        super::format::parse_each(BufReader::new(file), format, &mut |row| {
            // The receiver only goes away on a staging error, which is reported instead.
            let _ = sender.blocking_send(row);
        })
    });
    let mut batch = Vec::with_capacity(STAGE_BATCH);
    let mut staged = Ok(());
    while let Some(row) = receiver.recv().await {
        batch.push(row);
        if batch.len() == STAGE_BATCH && staged.is_ok() {
            staged = insert(stage, &batch).await;
            batch.clear();
        }
    }
    if staged.is_ok() && !batch.is_empty() {
        staged = insert(stage, &batch).await;
    }
    let summary = reader
        .await
        .map_err(|e| PrepareError::File(format!("{}: {e}", path.display())))?
        .map_err(PrepareError::Rows)?;
    staged?;
    Ok(summary)
}

async fn insert(stage: &SqlitePool, rows: &[ShipmentRow]) -> Result<(), PrepareError> {
    let values: Vec<String> = (0..rows.len())
        .map(|r| {
            let cells: Vec<String> = (1..=7).map(|c| format!("${}", r * 7 + c)).collect();
            format!("({})", cells.join(", "))
        })
        .collect();
    let sql = format!(
        "INSERT INTO rows (root, line, key, tracking, shipped_on, carrier, channel) VALUES {}",
        values.join(", ")
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for row in rows {
        query = query
            .bind(root(&row.key).to_owned())
            .bind(i64::try_from(row.line).unwrap_or(i64::MAX))
            .bind(row.key.clone())
            .bind(row.tracking.clone())
            .bind(row.shipped_on.to_string())
            .bind(row.carrier.input_text())
            .bind(row.channel.map(|c| c.name()));
    }
    query.execute(stage).await.map_err(stage_error)?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct StagedRow {
    line: i64,
    key: String,
    tracking: String,
    shipped_on: String,
    carrier: String,
    channel: Option<String>,
}

impl StagedRow {
    fn into_row(self) -> Result<ShipmentRow, PrepareError> {
        let broken =
            |what: &str| PrepareError::File(format!("the import's temporary file: {what}"));
        Ok(ShipmentRow {
            line: usize::try_from(self.line).map_err(|_| broken("a line number"))?,
            tracking: self.tracking,
            shipped_on: self
                .shipped_on
                .parse::<NaiveDate>()
                .map_err(|_| broken("a date"))?,
            carrier: Carrier::parse(&self.carrier).ok_or_else(|| broken("a carrier"))?,
            channel: self
                .channel
                .map(|c| c.parse::<Store>())
                .transpose()
                .map_err(|_| broken("a channel"))?,
            key: self.key,
        })
    }
}

#[derive(sqlx::FromRow)]
struct PagedRow {
    root: String,
    #[sqlx(flatten)]
    row: StagedRow,
}

const ROW_COLUMNS: &str = "line, key, tracking, shipped_on, carrier, channel";

/// The next rows in root order after the root `after`: about [`CHUNK_ROWS`], whole groups only.
async fn next_chunk(
    stage: &SqlitePool,
    after: Option<&str>,
) -> Result<Vec<ShipmentRow>, PrepareError> {
    let page: Vec<(String, StagedRow)> =
        sqlx::query_as::<_, PagedRow>(sqlx::AssertSqlSafe(format!(
            "SELECT root, {ROW_COLUMNS} FROM rows WHERE $1 IS NULL OR root > $1 \
             ORDER BY root, line LIMIT $2"
        )))
        .bind(after.map(str::to_owned))
        .bind(CHUNK_ROWS)
        .fetch_all(stage)
        .await
        .map_err(stage_error)?
        .into_iter()
        .map(|p| (p.root, p.row))
        .collect();
    let full = i64::try_from(page.len()).unwrap_or(i64::MAX) >= CHUNK_ROWS;
    let mut page = page;
    if full && let Some((last_root, _)) = page.last().map(|(r, s)| (r.clone(), s.line)) {
        // The last group may go on past the page: take it whole on its own, or next time.
        let first_root = page[0].0.clone();
        page.retain(|(r, _)| *r != last_root);
        if page.is_empty() {
            debug_assert_eq!(first_root, last_root);
            return group_rows(stage, &last_root).await;
        }
    }
    page.into_iter().map(|(_, row)| row.into_row()).collect()
}

/// Every staged row of one root.
async fn group_rows(stage: &SqlitePool, group: &str) -> Result<Vec<ShipmentRow>, PrepareError> {
    sqlx::query_as::<_, StagedRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {ROW_COLUMNS} FROM rows WHERE root = $1 ORDER BY line"
    )))
    .bind(group.to_owned())
    .fetch_all(stage)
    .await
    .map_err(stage_error)?
    .into_iter()
    .map(StagedRow::into_row)
    .collect()
}

/// The orders `rows` may reach, and their bundle children.
async fn reached(db: &Db, rows: &[ShipmentRow]) -> Result<Vec<ShippingHeld>, PrepareError> {
    let mut numbers: Vec<String> = rows
        .iter()
        .flat_map(|r| candidate_numbers(&r.key))
        .collect();
    numbers.sort();
    numbers.dedup();
    db.orders_numbered(&numbers).await.map_err(db_error)
}

/// Whether rows of the file reach this bundle child themselves (then it keeps their values
/// rather than its parent's): its group planned on its own.
async fn has_own_rows(
    db: &Db,
    stage: &SqlitePool,
    child: &ShippingHeld,
    options: Options,
) -> Result<bool, PrepareError> {
    let rows = group_rows(stage, root(&child.number)).await?;
    if rows.is_empty() {
        return Ok(false);
    }
    let held = reached(db, &rows).await?;
    let planned = plan(
        &rows,
        &held,
        options.channel,
        options.mark_processed,
        options.now,
    );
    Ok(planned
        .orders
        .iter()
        .any(|o| o.id == child.id && !o.from_parent))
}

#[cfg(test)]
mod sweep_tests {
    use super::*;

    /// A killed import's folder is removed by the next one; a running import's is kept.
    #[test]
    fn abandoned_folders_go_and_running_ones_stay() {
        let temp = tempfile::tempdir().expect("temp");
        let running = temp.path().join(format!("{FOLDER_PREFIX}running"));
        let killed = temp.path().join(format!("{FOLDER_PREFIX}killed"));
        let other = temp.path().join("someone-elses");
        for dir in [&running, &killed, &other] {
            std::fs::create_dir(dir).expect("dir");
            std::fs::write(dir.join("orders.jsonl"), "{}").expect("file");
        }
        let held = File::create(running.join(LOCK)).expect("lock file");
        held.lock().expect("locked");
        File::create(killed.join(LOCK)).expect("lock file, its holder gone");
        sweep_abandoned(temp.path());
        assert!(running.exists(), "a running import's folder stays");
        assert!(!killed.exists(), "a killed import's folder is removed");
        assert!(other.exists(), "nothing else is touched");
    }
}
