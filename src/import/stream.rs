//! `hassou orders import` with memory that does not grow with the file (issue 14: a million
//! rows took 1.74 GB when every row was held). A blocking thread reads and checks the rows one at a
//! time ([`super::Rows`], [`super::Checker`]: of the whole file it keeps only digests of keys and
//! numbers) and hands them over 2,000 at a time; each batch is checked against the database and
//! written in **one transaction** that is committed only if no row of the file has a problem —
//! all or nothing, every problem listed, as before. Writing stops at the first problem found;
//! reading goes on so every bad row is listed.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};

use super::{Checker, ImportError, ImportedOrder, MAX_REPORTED, RowError, Rows, no_orders};
use crate::db::{Db, DbError, UpsertSummary};
use crate::domain::{ShopTimeZone, Store, TrackingWarning};

/// Rows handed from the reader to the writer at a time.
const CHUNK: usize = 2000;
/// Warnings kept to print; the rest are counted.
const MAX_WARNINGS: usize = 1000;

/// An order file imported (or, in a dry run, checked).
#[derive(Debug, Default)]
pub struct Imported {
    pub rows: usize,
    /// Written (or, in a dry run, what would be): new, changed, unchanged.
    pub summary: UpsertSummary,
    /// (line, warning) of the first rows with tracking warnings, and how many more there were.
    pub warnings: Vec<(usize, TrackingWarning)>,
    pub more_warnings: usize,
}

#[derive(Debug)]
pub enum StreamError {
    /// The file's problems: nothing was imported.
    File(ImportError),
    Db(DbError),
}

impl From<DbError> for StreamError {
    fn from(e: DbError) -> StreamError {
        StreamError::Db(e)
    }
}

/// Problems, the first [`MAX_REPORTED`] by line kept and the rest counted, in bounded memory.
#[derive(Default)]
struct Problems {
    kept: Vec<RowError>,
    dropped: usize,
}

impl Problems {
    fn extend(&mut self, errors: impl IntoIterator<Item = RowError>) {
        self.kept.extend(errors);
        if self.kept.len() > 20 * MAX_REPORTED {
            self.kept.sort_by_key(|e| e.line);
            self.dropped += self.kept.len() - MAX_REPORTED;
            self.kept.truncate(MAX_REPORTED);
        }
    }

    fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    fn into_error(self, path: &Path) -> ImportError {
        let mut error = ImportError::listing(path, self.kept);
        error.more += self.dropped;
        error
    }
}

/// What the reader found once the whole file was read.
struct ReadEnd {
    problems: Problems,
    /// Bundle children whose parent is not in the file: (line, channel, parent).
    parents_elsewhere: Vec<(usize, Store, String)>,
    any_row: bool,
}

/// Reads the file on this (blocking) thread, sending good rows in chunks; `bad` is raised at the
/// first problem so the writer stops writing.
fn read_file(
    path: &Path,
    stores: &[Store],
    tz: ShopTimeZone,
    now: DateTime<Utc>,
    chunks: &tokio::sync::mpsc::Sender<Vec<ImportedOrder>>,
    bad: &AtomicBool,
) -> ReadEnd {
    let mut problems = Problems::default();
    let end = |problems: Problems| ReadEnd {
        problems,
        parents_elsewhere: Vec::new(),
        any_row: true,
    };
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) => {
            problems.extend([RowError {
                line: None,
                column: None,
                message: format!("cannot read: {e}"),
            }]);
            return end(problems);
        }
    };
    let input = super::line_limit::LineLimit::new(
        BufReader::with_capacity(1 << 16, file),
        super::line_limit::MAX_LINE_BYTES,
    );
    let mut rows = match Rows::open(path, input) {
        Ok(rows) => rows,
        Err(errors) => {
            problems.extend(errors);
            return end(problems);
        }
    };
    let mut checker = Checker::new(stores, tz, now);
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut any_row = false;
    let mut errors = Vec::new();
    loop {
        match rows.next_row(&mut errors) {
            Ok(Some(row)) => {
                any_row = true;
                if let Some(order) = checker.check(&row, &mut errors) {
                    chunk.push(order);
                    if chunk.len() == CHUNK
                        && chunks.blocking_send(std::mem::take(&mut chunk)).is_err()
                    {
                        // The writer stopped (a database error, reported there).
                        break;
                    }
                }
            }
            Ok(None) => break,
            Err(fatal) => {
                errors.push(fatal);
                break;
            }
        }
        if !errors.is_empty() {
            bad.store(true, Ordering::Relaxed);
            problems.extend(errors.drain(..));
        }
    }
    problems.extend(errors);
    if !chunk.is_empty() {
        let _ = chunks.blocking_send(chunk);
    }
    let in_file = checker.bundle_parents_in_file();
    problems.extend(in_file.into_iter().map(|(line, message)| RowError {
        line: Some(line),
        column: Some("bundle_parent".into()),
        message,
    }));
    ReadEnd {
        problems,
        parents_elsewhere: checker.parents_elsewhere(),
        any_row,
    }
}

/// Imports an order file, all or nothing (with `dry_run`, checks it and counts what would
/// change, writing nothing).
pub async fn import_file(
    db: &Db,
    path: &Path,
    stores: &[Store],
    tz: ShopTimeZone,
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<Imported, StreamError> {
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<ImportedOrder>>(2);
    let bad = Arc::new(AtomicBool::new(false));
    let reader = {
        let path: PathBuf = path.to_owned();
        let bad = bad.clone();
        let stores = stores.to_vec();
        tokio::task::spawn_blocking(move || read_file(&path, &stores, tz, now, &sender, &bad))
    };
    let mut tx = if dry_run {
        None
    } else {
        Some(db.begin_orders_import().await?)
    };
    let mut imported = Imported::default();
    let mut problems = Problems::default();
    while let Some(chunk) = receiver.recv().await {
        imported.rows += chunk.len();
        for o in &chunk {
            for warning in &o.warnings {
                if imported.warnings.len() < MAX_WARNINGS {
                    imported.warnings.push((o.line, warning.clone()));
                } else {
                    imported.more_warnings += 1;
                }
            }
        }
        let stored = check_against_database(db, &chunk, &mut problems).await?;
        if !problems.is_empty() || bad.load(Ordering::Relaxed) {
            // Nothing of this file will be kept: stop writing, keep reading to list it all.
            tx = None;
            continue;
        }
        let orders: Vec<_> = chunk.into_iter().map(|o| o.order).collect();
        match tx.as_mut() {
            Some(tx) => {
                let done = tx.upsert(&orders, now).await?;
                imported.summary.inserted += done.inserted;
                imported.summary.updated += done.updated;
                imported.summary.unchanged += done.unchanged;
            }
            None => {
                for (order, held) in orders.iter().zip(&stored) {
                    match held {
                        None => imported.summary.inserted += 1,
                        Some(held) if held == order => imported.summary.unchanged += 1,
                        Some(_) => imported.summary.updated += 1,
                    }
                }
            }
        }
    }
    let end = reader.await.map_err(|e| {
        StreamError::File(ImportError::listing(
            path,
            vec![RowError {
                line: None,
                column: None,
                message: format!("reading stopped: {e}"),
            }],
        ))
    })?;
    problems.extend(end.problems.kept);
    problems.dropped += end.problems.dropped;
    problems.extend(parents_in_database(db, end.parents_elsewhere).await?);
    if !end.any_row && problems.is_empty() {
        problems.extend([no_orders()]);
    }
    if !problems.is_empty() {
        // Dropping the transaction rolls every batch back.
        return Err(StreamError::File(problems.into_error(path)));
    }
    if let Some(tx) = tx {
        tx.commit().await?;
        db.checkpoint().await;
    }
    Ok(imported)
}

/// What only the database can tell of a batch: an order number already used by another order of
/// the channel. Returns, per row, the same order (channel and remote id) as stored, if any.
async fn check_against_database(
    db: &Db,
    chunk: &[ImportedOrder],
    problems: &mut Problems,
) -> Result<Vec<Option<crate::domain::Order>>, DbError> {
    let mut holding: HashMap<(Store, String), Vec<crate::db::StoredOrder>> = HashMap::new();
    let stores: std::collections::BTreeSet<Store> = chunk.iter().map(|o| o.order.store).collect();
    for channel in stores {
        let numbers: Vec<String> = chunk
            .iter()
            .filter(|o| o.order.store == channel)
            .map(|o| o.order.number.clone())
            .collect();
        if numbers.is_empty() {
            continue;
        }
        for found in db.orders_with_numbers(channel, &numbers).await? {
            holding
                .entry((channel, found.order.number.clone()))
                .or_default()
                .push(found);
        }
    }
    let mut stored = Vec::with_capacity(chunk.len());
    let mut found = Vec::new();
    for o in chunk {
        let mut same_order = None;
        let key = (o.order.store, o.order.number.clone());
        for existing in holding.get(&key).into_iter().flatten() {
            if existing.order.remote_id == o.order.remote_id {
                same_order = Some(existing.order.clone());
            } else {
                found.push(RowError {
                    line: Some(o.line),
                    column: Some("number".into()),
                    message: format!(
                        "{} order {} already exists with remote_id {}",
                        o.order.store, o.order.number, existing.order.remote_id
                    ),
                });
            }
        }
        stored.push(same_order);
    }
    problems.extend(found);
    Ok(stored)
}

/// Bundle parents that are not in the file: they must be in the database, and not bundle
/// children themselves.
async fn parents_in_database(
    db: &Db,
    children: Vec<(usize, Store, String)>,
) -> Result<Vec<RowError>, DbError> {
    let mut problems = Vec::new();
    let mut answered: HashMap<(Store, String), Option<bool>> = HashMap::new();
    let mut asked: HashSet<(Store, String)> = HashSet::new();
    for (line, channel, parent) in children {
        let key = (channel, parent.clone());
        if asked.insert(key.clone()) {
            let is_child = if db.order_number_exists(channel, &parent).await? {
                Some(db.order_is_bundle_child(channel, &parent).await?)
            } else {
                None
            };
            answered.insert(key.clone(), is_child);
        }
        let message = match answered.get(&key).copied().flatten() {
            None => format!("no {channel} order numbered {parent} in the file or the database"),
            Some(true) => {
                format!("{parent} is itself a bundle child; point to its parent instead")
            }
            Some(false) => continue,
        };
        problems.push(RowError {
            line: Some(line),
            column: Some("bundle_parent".into()),
            message,
        });
    }
    Ok(problems)
}
