//! The order file of `hassou orders import` (SPEC §3): CSV with a header, or JSON Lines with the
//! same keys. Parsing and validation are pure and see the whole file before anything is written,
//! so an import is all-or-nothing; every bad row is reported with its line and column.

use std::collections::HashMap;
use std::fmt;
use std::io::BufRead;
use std::path::Path;

use chrono::{DateTime, Utc};

use crate::domain::{
    Carrier, Channel, Order, OrderStatus, ShopTimeZone, Tracking, TrackingWarning, tracking,
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
    tz: ShopTimeZone,
    now: DateTime<Utc>,
) -> Result<Vec<ImportedOrder>, ImportError> {
    let (orders, errors) = parse_file_rows(path, bytes, tz, now)?;
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
    tz: ShopTimeZone,
    now: DateTime<Utc>,
) -> Result<(Vec<ImportedOrder>, Vec<RowError>), ImportError> {
    let input = line_limit::LineLimit::new(bytes, line_limit::MAX_LINE_BYTES);
    let mut rows = Rows::open(path, input).map_err(|errors| ImportError::listing(path, errors))?;
    let mut checker = Checker::new(tz, now);
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

/// Where an order file's rows come from: CSV with a header, or JSON Lines, read one row at a
/// time so a file of a million orders is never held whole.
pub(crate) enum Rows<R: BufRead> {
    Csv {
        reader: csv::Reader<R>,
        columns: Vec<Option<&'static str>>,
        record: csv::ByteRecord,
    },
    Json {
        reader: R,
        line: usize,
        buffer: Vec<u8>,
    },
}

fn not_utf8(line: usize) -> RowError {
    RowError {
        line: Some(line),
        column: None,
        message:
            "the file is not UTF-8 (save it as UTF-8; Shift_JIS is not accepted for order files)"
                .into(),
    }
}

/// A file named `.jsonl`/`.ndjson`/`.json` is JSON Lines, `.csv` is CSV; otherwise a file whose
/// first character is `{`.
fn looks_like_json_lines(path: &Path, start: &[u8]) -> bool {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("jsonl" | "ndjson" | "json") => true,
        Some("csv") => false,
        _ => start.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{'),
    }
}

fn column_name(name: &str) -> Option<&'static str> {
    COLUMNS.iter().copied().find(|c| *c == name.trim())
}

impl<R: BufRead> Rows<R> {
    /// Opens the file's rows (a UTF-8 BOM is skipped); a CSV header with problems is refused
    /// with all of them.
    pub(crate) fn open(path: &Path, mut input: R) -> Result<Rows<R>, Vec<RowError>> {
        let start = input.fill_buf().map_err(|e| vec![read_error(&e)])?;
        if start.starts_with(b"\xEF\xBB\xBF") {
            input.consume(3);
        }
        let start = input.fill_buf().map_err(|e| vec![read_error(&e)])?;
        if looks_like_json_lines(path, start) {
            return Ok(Rows::Json {
                reader: input,
                line: 0,
                buffer: Vec::new(),
            });
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(input);
        let headers = reader
            .byte_headers()
            .map_err(|e| vec![csv_error(&e, 1)])?
            .clone();
        let mut errors = Vec::new();
        let mut columns = Vec::new();
        for name in &headers {
            let name = std::str::from_utf8(name).map_err(|_| vec![not_utf8(1)])?;
            match column_name(name) {
                Some(c) if columns.contains(&Some(c)) => errors.push(RowError {
                    line: Some(1),
                    column: Some(c.into()),
                    message: "the column appears twice in the header".into(),
                }),
                Some(c) => columns.push(Some(c)),
                None => {
                    errors.push(RowError {
                        line: Some(1),
                        column: Some(name.to_owned()),
                        message: format!("unknown column (expected {})", COLUMNS.join(",")),
                    });
                    columns.push(None);
                }
            }
        }
        for required in REQUIRED {
            if !columns.contains(&Some(required)) {
                errors.push(RowError {
                    line: Some(1),
                    column: Some(required.into()),
                    message: "required column is missing from the header".into(),
                });
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Rows::Csv {
            reader,
            columns,
            record: csv::ByteRecord::new(),
        })
    }

    /// The next row; a row that cannot be read is listed in `errors` and skipped. `Err` ends
    /// the file: bytes that are not UTF-8.
    pub(crate) fn next_row(
        &mut self,
        errors: &mut Vec<RowError>,
    ) -> Result<Option<RawRow>, RowError> {
        match self {
            Rows::Csv {
                reader,
                columns,
                record,
            } => loop {
                match reader.read_byte_record(record) {
                    Ok(false) => return Ok(None),
                    Ok(true) => {
                        let line = record
                            .position()
                            .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
                        let mut fields = HashMap::new();
                        let mut blank = true;
                        for (column, value) in columns.iter().zip(record.iter()) {
                            let value = std::str::from_utf8(value).map_err(|_| not_utf8(line))?;
                            blank &= value.trim().is_empty();
                            if let Some(column) = column {
                                fields.insert(*column, value.to_owned());
                            }
                        }
                        if !blank {
                            return Ok(Some(RawRow { line, fields }));
                        }
                    }
                    Err(e) => {
                        if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                            return Err(csv_error(&e, 0));
                        }
                        errors.push(csv_error(&e, 0));
                    }
                }
            },
            Rows::Json {
                reader,
                line,
                buffer,
            } => loop {
                buffer.clear();
                let read = reader
                    .read_until(b'\n', buffer)
                    .map_err(|e| read_error(&e))?;
                if read == 0 {
                    return Ok(None);
                }
                *line += 1;
                let text = std::str::from_utf8(buffer).map_err(|_| not_utf8(*line))?;
                if text.trim().is_empty() {
                    continue;
                }
                if let Some(row) = json_row(*line, text, errors) {
                    return Ok(Some(row));
                }
            },
        }
    }
}

fn read_error(e: &std::io::Error) -> RowError {
    RowError {
        line: None,
        column: None,
        message: format!("cannot read: {e}"),
    }
}

fn csv_error(e: &csv::Error, fallback_line: usize) -> RowError {
    let line = e.position().map_or(fallback_line, |p| {
        usize::try_from(p.line()).unwrap_or(fallback_line)
    });
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("the row has {len} fields but the header has {expected_len}")
        }
        _ => e.to_string(),
    };
    RowError {
        line: (line > 0).then_some(line),
        column: None,
        message,
    }
}

/// One JSON Lines row; `None` (its problems listed) when it is not an object of known keys.
fn json_row(line: usize, text: &str, errors: &mut Vec<RowError>) -> Option<RawRow> {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            errors.push(RowError {
                line: Some(line),
                column: None,
                message: format!("not a JSON object: {e}"),
            });
            return None;
        }
    };
    let Some(object) = value.as_object() else {
        errors.push(RowError {
            line: Some(line),
            column: None,
            message: "each line must be one JSON object".into(),
        });
        return None;
    };
    let mut row = RawRow {
        line,
        ..RawRow::default()
    };
    let before = errors.len();
    for (key, value) in object {
        let Some(column) = column_name(key) else {
            errors.push(RowError {
                line: Some(line),
                column: Some(key.clone()),
                message: format!("unknown key (expected {})", COLUMNS.join(", ")),
            });
            continue;
        };
        let text = match value {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            // A list of tracking numbers is accepted as well as the `;`-separated string.
            serde_json::Value::Array(items) if column == "tracking" => {
                let parts: Option<Vec<&str>> =
                    items.iter().map(serde_json::Value::as_str).collect();
                match parts {
                    Some(parts) => parts.join(";"),
                    None => {
                        errors.push(RowError {
                            line: Some(line),
                            column: Some(column.into()),
                            message: "a tracking list must hold strings".into(),
                        });
                        continue;
                    }
                }
            }
            other => {
                errors.push(RowError {
                    line: Some(line),
                    column: Some(column.into()),
                    message: format!("expected a string, got {other}"),
                });
                continue;
            }
        };
        row.fields.insert(column, text);
    }
    (errors.len() == before).then_some(row)
}

pub use crate::domain::time::{parse_date, parse_time};

/// A key of the file-wide index: 128 bits of the text, so a million keys take a few dozen MB
/// rather than the keys themselves (two different keys sharing a digest: about 1 in 10^26 for a
/// file of a million rows).
type Digest = u128;

fn digest(channel: Channel, text: &str) -> Digest {
    use std::hash::{BuildHasher, Hasher};
    let half = |seed: u64| {
        let mut h =
            std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default()
                .build_hasher();
        h.write_u64(seed);
        h.write(channel.code().as_bytes());
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
    tz: ShopTimeZone,
    now: DateTime<Utc>,
    remote_ids: HashMap<Digest, u32>,
    /// Line, and whether the order of that number is itself a bundle child.
    numbers: HashMap<Digest, (u32, bool)>,
    /// (line, channel, parent number) of every bundle child, checked once the file is read.
    children: Vec<(usize, Channel, String)>,
}

fn line32(line: usize) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
}

impl Checker {
    pub(crate) fn new(tz: ShopTimeZone, now: DateTime<Utc>) -> Checker {
        Checker {
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
        let order = validate_row(row, self.tz, self.now, errors)?;
        self.check_duplicate(&order, errors);
        if let Some(parent) = &order.order.bundle_parent {
            self.children
                .push((order.line, order.order.channel, parent.clone()));
        }
        (errors.len() == before).then_some(order)
    }

    /// The same order twice, or two orders with one number in a channel (numbers must identify
    /// orders, since operators type them).
    fn check_duplicate(&mut self, o: &ImportedOrder, errors: &mut Vec<RowError>) {
        let line = line32(o.line);
        let remote = digest(o.order.channel, &o.order.remote_id);
        if let Some(first) = self.remote_ids.get(&remote) {
            errors.push(RowError {
                line: Some(o.line),
                column: Some("remote_id".into()),
                message: format!(
                    "{} {} already appears on line {first}",
                    o.order.channel, o.order.remote_id
                ),
            });
            return;
        }
        self.remote_ids.insert(remote, line);
        let number = digest(o.order.channel, &o.order.number);
        if let Some((first, _)) = self.numbers.get(&number) {
            errors.push(RowError {
                line: Some(o.line),
                column: Some("number".into()),
                message: format!(
                    "{} order number {} already appears on line {first} with another remote_id",
                    o.order.channel, o.order.number
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
    pub(crate) fn parents_elsewhere(&mut self) -> Vec<(usize, Channel, String)> {
        std::mem::take(&mut self.children)
    }
}

/// One row's own checks; `None` when a required field is missing or unreadable.
fn validate_row(
    row: &RawRow,
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
    let channel = row
        .get("channel")
        .parse::<Channel>()
        .map_err(|e| err("channel", e.to_string()))
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
            channel,
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
pub mod stream;

#[cfg(test)]
mod tests;
