//! The order file of `hassou orders import` (SPEC §3): CSV with a header, or JSON Lines with the
//! same keys. Parsing and validation are pure and see the whole file before anything is written,
//! so an import is all-or-nothing; every bad row is reported with its line and column.

use std::collections::HashMap;
use std::fmt;
use std::io::BufRead;
use std::path::Path;

use chrono::{DateTime, Utc};

use crate::domain::{
    Carrier, Order, OrderStatus, ShopTimeZone, Store, Tracking, TrackingWarning, tracking,
};

/// The columns of the order file, in the order SPEC §3 lists them.
pub const COLUMNS: [&str; 10] = [
    "channel",
    "remote_id",
    "number",
    "status",
    "ordered_at",
    "updated_at",
    "shipped_on",
    "carrier",
    "tracking",
    "bundle_parent",
];
const REQUIRED: [&str; 5] = ["channel", "remote_id", "number", "status", "ordered_at"];

/// How many row errors to list before summarising the rest.
const MAX_REPORTED: usize = 50;

/// One problem in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line in the file; `None` for the file as a whole.
    pub line: Option<usize>,
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        if let Some(column) = &self.column {
            write!(f, "{column}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// A file that cannot be imported, with every problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub file: String,
    pub errors: Vec<RowError>,
    /// Problems found beyond those listed.
    pub more: usize,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.errors.len() + self.more;
        write!(
            f,
            "{}: {total} problem{}; nothing was imported",
            self.file,
            if total == 1 { "" } else { "s" }
        )?;
        for e in &self.errors {
            write!(f, "\n  {}:{e}", self.file)?;
        }
        if self.more > 0 {
            write!(f, "\n  … and {} more", self.more)?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportError {}

/// An order read from the file, with the line it came from and any warnings about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedOrder {
    pub line: usize,
    pub order: Order,
    pub warnings: Vec<TrackingWarning>,
}

/// One row as text, before validation.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawRow {
    line: usize,
    fields: HashMap<&'static str, String>,
}

impl RawRow {
    fn get(&self, column: &str) -> &str {
        self.fields.get(column).map_or("", |v| v.trim())
    }
}

/// Reads and validates a whole order file. `now` stamps rows without `updated_at`.
pub fn parse_file(
    path: &Path,
    bytes: &[u8],
    stores: &[Store],
    tz: ShopTimeZone,
    now: DateTime<Utc>,
) -> Result<Vec<ImportedOrder>, ImportError> {
    let (orders, errors) = parse_file_rows(path, bytes, stores, tz, now)?;
    if errors.is_empty() {
        Ok(orders)
    } else {
        Err(ImportError::listing(path, errors))
    }
}

/// The rows that are good and the errors of the others (so a caller can check the good ones
/// further and list every problem at once); a file that cannot be read at all is an error.
/// The whole file in memory: the console and the tests; `hassou orders import` streams it
/// ([`stream`]).
pub fn parse_file_rows(
    path: &Path,
    bytes: &[u8],
    stores: &[Store],
    tz: ShopTimeZone,
    now: DateTime<Utc>,
) -> Result<(Vec<ImportedOrder>, Vec<RowError>), ImportError> {
    let input = line_limit::LineLimit::new(bytes, line_limit::MAX_LINE_BYTES);
    let mut rows = Rows::open(path, input).map_err(|errors| ImportError::listing(path, errors))?;
    let mut checker = Checker::new(stores, tz, now);
    let mut errors = Vec::new();
    let mut orders = Vec::new();
    let mut read_any = false;
    loop {
        match rows.next_row(&mut errors) {
            Ok(Some(row)) => {
                read_any = true;
                if let Some(order) = checker.check(&row, &mut errors) {
                    orders.push(order);
                }
            }
            Ok(None) => break,
            Err(fatal) => return Err(ImportError::listing(path, vec![fatal])),
        }
    }
    if !read_any && errors.is_empty() {
        return Err(ImportError::listing(path, vec![no_orders()]));
    }
    for (line, message) in checker.bundle_parents_in_file() {
        errors.push(RowError {
            line: Some(line),
            column: Some("bundle_parent".into()),
            message,
        });
    }
    let bad: std::collections::HashSet<Option<usize>> = errors.iter().map(|e| e.line).collect();
    orders.retain(|o| !bad.contains(&Some(o.line)));
    errors.sort_by_key(|e| e.line);
    Ok((orders, errors))
}

fn no_orders() -> RowError {
    RowError {
        line: None,
        column: None,
        message: "the file has no orders".into(),
    }
}

impl ImportError {
    /// The file's problems, the first [`MAX_REPORTED`] listed, sorted by line.
    pub fn listing(path: &Path, mut errors: Vec<RowError>) -> ImportError {
        errors.sort_by_key(|e| e.line);
        let more = errors.len().saturating_sub(MAX_REPORTED);
        ImportError {
            file: path.display().to_string(),
            errors: errors.into_iter().take(MAX_REPORTED).collect(),
            more,
        }
    }
}

pub use crate::domain::time::{parse_date, parse_time};

/// A key of the file-wide index: 128 bits of the text, so a million keys take a few dozen MB
/// rather than the keys themselves (two different keys sharing a digest: about 1 in 10^26 for a
/// file of a million rows).
type Digest = u128;

fn digest(store: Store, text: &str) -> Digest {
    use std::hash::{BuildHasher, Hasher};
    let half = |seed: u64| {
        let mut h =
            std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default()
                .build_hasher();
        h.write_u64(seed);
        h.write(store.name().as_bytes());
        h.write_u8(0xff);
        h.write(text.as_bytes());
        h.finish()
    };
    (u128::from(half(0x9e37_79b9_7f4a_7c15)) << 64) | u128::from(half(0xc2b2_ae3d_27d4_eb4f))
}

/// Checks rows one at a time, remembering of the whole file only what later rows are checked
/// against: each order's key and number (as digests, with their line), whether a number is a
/// bundle child, and the bundle children whose parent may come later.
pub(crate) struct Checker {
    /// The stores of the configuration: the `channel` column names one of them.
    stores: Vec<Store>,
    tz: ShopTimeZone,
    now: DateTime<Utc>,
    remote_ids: HashMap<Digest, u32>,
    /// Line, and whether the order of that number is itself a bundle child.
    numbers: HashMap<Digest, (u32, bool)>,
    /// (line, channel, parent number) of every bundle child, checked once the file is read.
    children: Vec<(usize, Store, String)>,
}

fn line32(line: usize) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
}

impl Checker {
    pub(crate) fn new(stores: &[Store], tz: ShopTimeZone, now: DateTime<Utc>) -> Checker {
        Checker {
            stores: stores.to_vec(),
            tz,
            now,
            remote_ids: HashMap::new(),
            numbers: HashMap::new(),
            children: Vec::new(),
        }
    }

    /// The row as an order, or `None` when it has any problem (each listed in `errors`).
    pub(crate) fn check(
        &mut self,
        row: &RawRow,
        errors: &mut Vec<RowError>,
    ) -> Option<ImportedOrder> {
        let before = errors.len();
        let order = validate_row(row, &self.stores, self.tz, self.now, errors)?;
        self.check_duplicate(&order, errors);
        if let Some(parent) = &order.order.bundle_parent {
            self.children
                .push((order.line, order.order.store, parent.clone()));
        }
        (errors.len() == before).then_some(order)
    }

    /// The same order twice, or two orders with one number in a channel (numbers must identify
    /// orders, since operators type them).
    fn check_duplicate(&mut self, o: &ImportedOrder, errors: &mut Vec<RowError>) {
        let line = line32(o.line);
        let remote = digest(o.order.store, &o.order.remote_id);
        if let Some(first) = self.remote_ids.get(&remote) {
            errors.push(RowError {
                line: Some(o.line),
                column: Some("remote_id".into()),
                message: format!(
                    "{} {} already appears on line {first}",
                    o.order.store, o.order.remote_id
                ),
            });
            return;
        }
        self.remote_ids.insert(remote, line);
        let number = digest(o.order.store, &o.order.number);
        if let Some((first, _)) = self.numbers.get(&number) {
            errors.push(RowError {
                line: Some(o.line),
                column: Some("number".into()),
                message: format!(
                    "{} order number {} already appears on line {first} with another remote_id",
                    o.order.store, o.order.number
                ),
            });
            return;
        }
        self.numbers
            .insert(number, (line, o.order.bundle_parent.is_some()));
    }

    /// Once the file is read: bundle children whose parent is in the file as a bundle child
    /// itself, as (line, message). Children whose parent is not in the file are left in
    /// [`Checker::parents_elsewhere`] for the database to answer.
    pub(crate) fn bundle_parents_in_file(&mut self) -> Vec<(usize, String)> {
        let mut problems = Vec::new();
        let mut elsewhere = Vec::new();
        for (line, channel, parent) in std::mem::take(&mut self.children) {
            match self.numbers.get(&digest(channel, &parent)) {
                Some((_, true)) => problems.push((
                    line,
                    format!("{parent} is itself a bundle child; point to its parent instead"),
                )),
                Some((_, false)) => {}
                None => elsewhere.push((line, channel, parent)),
            }
        }
        self.children = elsewhere;
        problems
    }

    /// Bundle children whose parent is not in the file: (line, channel, parent number).
    pub(crate) fn parents_elsewhere(&mut self) -> Vec<(usize, Store, String)> {
        std::mem::take(&mut self.children)
    }
}

/// One row's own checks; `None` when a required field is missing or unreadable.
fn validate_row(
    row: &RawRow,
    stores: &[Store],
    tz: ShopTimeZone,
    now: DateTime<Utc>,
    errors: &mut Vec<RowError>,
) -> Option<ImportedOrder> {
    let mut err = |column: &str, message: String| {
        errors.push(RowError {
            line: Some(row.line),
            column: Some(column.to_owned()),
            message,
        });
    };
    let channel = Store::choose(row.get("channel"), stores)
        .map_err(|e| {
            err(
                "channel",
                crate::text::Tell::NoSuchStore(&e).get(crate::domain::Language::En),
            )
        })
        .ok();
    // The input gate sees each value as written, before trimming: a refused character at
    // either end is refused too, as `order … set` refuses it (issue 23).
    let mut gated = std::collections::HashSet::new();
    for column in [
        "remote_id",
        "number",
        "bundle_parent",
        "carrier",
        "tracking",
    ] {
        if let Some(raw) = row.fields.get(column)
            && let Err(e) = crate::domain::input::check_chars(raw)
        {
            err(column, e.to_string());
            gated.insert(column);
        }
    }
    let remote_id = row.get("remote_id").to_owned();
    if remote_id.is_empty() {
        err(
            "remote_id",
            "is empty (the store's order id is required)".into(),
        );
    }
    let number = row.get("number").to_owned();
    if number.is_empty() {
        err("number", "is empty".into());
    } else if let Err(e) =
        crate::domain::input::check_length(&number, crate::domain::input::MAX_ORDER_NUMBER)
    {
        err("number", e.to_string());
    }
    let status = row
        .get("status")
        .parse::<OrderStatus>()
        .map_err(|e| err("status", e.to_string()))
        .ok();
    let ordered_at = if row.get("ordered_at").is_empty() {
        err("ordered_at", "is empty".into());
        None
    } else {
        parse_time(row.get("ordered_at"), tz)
            .map_err(|m| err("ordered_at", m))
            .ok()
    };
    let updated_at = if row.get("updated_at").is_empty() {
        Some(now)
    } else {
        parse_time(row.get("updated_at"), tz)
            .map_err(|m| err("updated_at", m))
            .ok()
    };
    let shipped_on = if row.get("shipped_on").is_empty() {
        Some(None)
    } else {
        parse_date(row.get("shipped_on"))
            .map(Some)
            .map_err(|m| err("shipped_on", m))
            .ok()
    };
    let parent = Some(row.get("bundle_parent"))
        .filter(|p| !p.is_empty())
        .map(str::to_owned);
    if let Some(Err(e)) = parent
        .as_deref()
        .filter(|_| !gated.contains("bundle_parent"))
        .map(crate::domain::input::check_order_number)
    {
        err("bundle_parent", e.to_string());
    }
    if parent.as_deref() == Some(number.as_str()) && !number.is_empty() {
        err(
            "bundle_parent",
            "an order cannot be its own bundle parent".into(),
        );
    }
    let tracking =
        match Tracking::parse_input(row.fields.get("tracking").map_or("", String::as_str)) {
            Ok(tracking) => tracking,
            Err(e) => {
                if !gated.contains("tracking") {
                    err("tracking", e.to_string());
                }
                Tracking::Empty
            }
        };
    let carrier = match Carrier::parse_input(row.get("carrier")) {
        Ok(carrier) => carrier,
        Err(e) => {
            if !gated.contains("carrier") {
                err("carrier", e.to_string());
            }
            None
        }
    };
    let (Some(channel), Some(status), Some(ordered_at), Some(updated_at), Some(shipped_on)) =
        (channel, status, ordered_at, updated_at, shipped_on)
    else {
        return None;
    };
    if remote_id.is_empty() || number.is_empty() {
        return None;
    }
    let warnings = tracking::validate(&tracking, carrier.as_ref());
    Some(ImportedOrder {
        line: row.line,
        warnings,
        order: Order {
            store: channel,
            remote_id,
            number,
            status,
            ordered_at,
            updated_at,
            shipped_on,
            carrier,
            tracking,
            bundle_parent: parent,
        },
    })
}

pub mod line_limit;
mod rows;
pub mod stream;

pub(crate) use rows::Rows;

#[cfg(test)]
mod tests;
