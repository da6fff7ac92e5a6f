//! The order file of `hassou orders import` (SPEC §3): CSV with a header, or JSON Lines with the
//! same keys. Parsing and validation are pure and see the whole file before anything is written,
//! so an import is all-or-nothing; every bad row is reported with its line and column.

use std::collections::HashMap;
use std::fmt;
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
struct RawRow {
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
pub fn parse_file_rows(
    path: &Path,
    bytes: &[u8],
    tz: ShopTimeZone,
    now: DateTime<Utc>,
) -> Result<(Vec<ImportedOrder>, Vec<RowError>), ImportError> {
    let file = path.display().to_string();
    let fail = |errors: Vec<RowError>| {
        let more = errors.len().saturating_sub(MAX_REPORTED);
        ImportError {
            file: file.clone(),
            errors: errors.into_iter().take(MAX_REPORTED).collect(),
            more,
        }
    };
    let text = decode(bytes).map_err(|e| fail(vec![e]))?;
    let rows = if looks_like_json_lines(path, text) {
        read_json_lines(text)
    } else {
        read_csv(text)
    }
    .map_err(fail)?;
    if rows.is_empty() {
        return Err(fail(vec![RowError {
            line: None,
            column: None,
            message: "the file has no orders".into(),
        }]));
    }
    Ok(validate(rows, tz, now))
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

/// UTF-8 (a BOM is allowed). Anything else is refused with the line of the first bad byte,
/// rather than imported with replacement characters.
fn decode(bytes: &[u8]) -> Result<&str, RowError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
        RowError {
            line: Some(line),
            column: None,
            message: "the file is not UTF-8 (save it as UTF-8; Shift_JIS is not accepted for order files)"
                .into(),
        }
    })
}

fn looks_like_json_lines(path: &Path, text: &str) -> bool {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("jsonl" | "ndjson" | "json") => true,
        Some("csv") => false,
        _ => text.trim_start().starts_with('{'),
    }
}

fn column_name(name: &str) -> Option<&'static str> {
    COLUMNS.iter().copied().find(|c| *c == name.trim())
}

fn read_csv(text: &str) -> Result<Vec<RawRow>, Vec<RowError>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| vec![csv_error(&e, 1)])?
        .clone();
    let mut errors = Vec::new();
    let mut columns = Vec::new();
    for name in &headers {
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
    let mut rows = Vec::new();
    for record in reader.records() {
        match record {
            Ok(record) => {
                let line = record
                    .position()
                    .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
                if record.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                let fields = columns
                    .iter()
                    .zip(record.iter())
                    .filter_map(|(c, v)| c.map(|c| (c, v.to_owned())))
                    .collect();
                rows.push(RawRow { line, fields });
            }
            Err(e) => errors.push(csv_error(&e, 0)),
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
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

fn read_json_lines(text: &str) -> Result<Vec<RawRow>, Vec<RowError>> {
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, raw_line) in text.lines().enumerate() {
        let line = i + 1;
        if raw_line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = match serde_json::from_str(raw_line) {
            Ok(v) => v,
            Err(e) => {
                errors.push(RowError {
                    line: Some(line),
                    column: None,
                    message: format!("not a JSON object: {e}"),
                });
                continue;
            }
        };
        let Some(object) = value.as_object() else {
            errors.push(RowError {
                line: Some(line),
                column: None,
                message: "each line must be one JSON object".into(),
            });
            continue;
        };
        let mut row = RawRow {
            line,
            ..RawRow::default()
        };
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
        rows.push(row);
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

pub use crate::domain::time::{parse_date, parse_time};

fn validate(
    rows: Vec<RawRow>,
    tz: ShopTimeZone,
    now: DateTime<Utc>,
) -> (Vec<ImportedOrder>, Vec<RowError>) {
    let mut errors = Vec::new();
    let mut orders = Vec::new();
    for row in &rows {
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
        let remote_id = row.get("remote_id").to_owned();
        if remote_id.is_empty() {
            err(
                "remote_id",
                "is empty (the store's order id is required)".into(),
            );
        }
        if let Err(e) = crate::domain::input::check_chars(&remote_id) {
            err("remote_id", e.to_string());
        }
        let number = row.get("number").to_owned();
        if number.is_empty() {
            err("number", "is empty".into());
        } else if let Err(e) = crate::domain::input::check_order_number(&number) {
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
                    err("tracking", e.to_string());
                    Tracking::Empty
                }
            };
        let carrier = match Carrier::parse_input(row.get("carrier")) {
            Ok(carrier) => carrier,
            Err(e) => {
                err("carrier", e.to_string());
                None
            }
        };
        if let (Some(channel), Some(status), Some(ordered_at), Some(updated_at), Some(shipped_on)) =
            (channel, status, ordered_at, updated_at, shipped_on)
        {
            if remote_id.is_empty() || number.is_empty() {
                continue;
            }
            let warnings = tracking::validate(&tracking, carrier.as_ref());
            orders.push(ImportedOrder {
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
            });
        }
    }
    check_duplicates(&orders, &mut errors);
    // A row with any problem is not checked further (its other checks would only repeat it).
    let bad: std::collections::HashSet<Option<usize>> = errors.iter().map(|e| e.line).collect();
    orders.retain(|o| !bad.contains(&Some(o.line)));
    errors.sort_by_key(|e| e.line);
    (orders, errors)
}

/// The same order twice, or two orders with one number in a channel (numbers must identify
/// orders, since operators type them).
fn check_duplicates(orders: &[ImportedOrder], errors: &mut Vec<RowError>) {
    let mut by_remote: HashMap<(Channel, &str), usize> = HashMap::new();
    let mut by_number: HashMap<(Channel, &str), usize> = HashMap::new();
    for o in orders {
        if let Some(first) = by_remote.insert((o.order.channel, &o.order.remote_id), o.line) {
            errors.push(RowError {
                line: Some(o.line),
                column: Some("remote_id".into()),
                message: format!(
                    "{} {} already appears on line {first}",
                    o.order.channel, o.order.remote_id
                ),
            });
        } else if let Some(first) = by_number.insert((o.order.channel, &o.order.number), o.line) {
            errors.push(RowError {
                line: Some(o.line),
                column: Some("number".into()),
                message: format!(
                    "{} order number {} already appears on line {first} with another remote_id",
                    o.order.channel, o.order.number
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests;
