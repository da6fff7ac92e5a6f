//! The four layouts of SPEC §3 and how a file's layout is told: B2クラウド (95 or 97 columns,
//! header optional), e飛伝Ⅱ (53 columns, header optional), ゆうプリR 発送履歴 (header required,
//! columns by name) and the generic `number,carrier,tracking,shipped_on[,channel]` (header
//! required). Every row is checked; any bad row refuses the whole file, and every bad row is
//! listed with its line and column.

use std::io::BufRead;

use chrono::{NaiveDate, NaiveDateTime};

use super::read::{Record, Records};
use super::{ParsedFile, RowError, ShipmentRow};
use crate::domain::tracking;
use crate::domain::{Carrier, Store, Tracking, TrackingNumber};

/// The most bad rows listed before the rest are summed up.
const MAX_ERRORS: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    B2,
    Ehiden,
    Yupri,
    Generic,
}

impl Format {
    pub fn code(self) -> &'static str {
        match self {
            Format::B2 => "b2",
            Format::Ehiden => "ehiden",
            Format::Yupri => "yupri",
            Format::Generic => "generic",
        }
    }

    /// `auto` (None) or a format's code.
    pub fn from_option(text: &str) -> Result<Option<Format>, String> {
        match text {
            "auto" => Ok(None),
            "b2" => Ok(Some(Format::B2)),
            "ehiden" => Ok(Some(Format::Ehiden)),
            "yupri" => Ok(Some(Format::Yupri)),
            "generic" => Ok(Some(Format::Generic)),
            other => Err(format!(
                "{other:?}: one of auto, b2, ehiden, yupri, generic"
            )),
        }
    }
}

/// Where a layout keeps each value (0-based column indexes).
#[derive(Debug, Clone, Copy)]
struct Columns {
    key: usize,
    tracking: usize,
    date: usize,
    carrier: Option<usize>,
    channel: Option<usize>,
}

const B2: Columns = Columns {
    key: 0,
    tracking: 3,
    date: 4,
    carrier: None,
    channel: None,
};
const EHIDEN: Columns = Columns {
    key: 12,
    tracking: 0,
    date: 1,
    carrier: None,
    channel: None,
};

fn column_of(header: &[String], names: &[&str]) -> Option<usize> {
    header
        .iter()
        .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
}

/// The layout named by a header row (ゆうプリR, generic), if the first record is one.
fn by_header(
    fields: &[String],
    line: usize,
    wanted: Option<Format>,
) -> Result<Option<(Format, Columns)>, RowError> {
    let has = |name: &str| fields.iter().any(|f| f.trim() == name);
    if has("お客様側管理番号") && wanted.is_none_or(|w| w == Format::Yupri) {
        let find = |name: &str| {
            column_of(fields, &[name]).ok_or_else(|| {
                RowError::new(
                    line,
                    None,
                    format!("the ゆうプリR header has no {name} column"),
                )
            })
        };
        return Ok(Some((
            Format::Yupri,
            Columns {
                key: find("お客様側管理番号")?,
                tracking: find("お問い合わせ番号")?,
                date: find("仮引受確定作業年月日")?,
                carrier: None,
                channel: None,
            },
        )));
    }
    let generic = column_of(fields, &["number"]).zip(column_of(fields, &["tracking"]));
    if let Some((key, tracking)) = generic
        && wanted.is_none_or(|w| w == Format::Generic)
    {
        let carrier = column_of(fields, &["carrier"])
            .ok_or_else(|| RowError::new(line, None, "the header has no carrier column".into()))?;
        let date = column_of(fields, &["shipped_on"]).ok_or_else(|| {
            RowError::new(line, None, "the header has no shipped_on column".into())
        })?;
        return Ok(Some((
            Format::Generic,
            Columns {
                key,
                tracking,
                date,
                carrier: Some(carrier),
                channel: column_of(fields, &["channel"]),
            },
        )));
    }
    Ok(None)
}

/// A B2 or e飛伝 header row: its tracking column holds no digit (`伝票番号`,
/// `お問合せ送り状No`), where every data row's does.
fn is_header(fields: &[String], columns: Columns) -> bool {
    fields
        .get(columns.tracking)
        .is_some_and(|t| !t.chars().any(|c| c.is_ascii_digit()))
}

/// Tells the layout from the first record (or checks the one asked for): the layout, its
/// columns, and whether that first record is a header.
fn layout(first: &Record, wanted: Option<Format>) -> Result<(Format, Columns, bool), RowError> {
    if let Some((format, columns)) = by_header(&first.fields, first.line, wanted)? {
        return Ok((format, columns, true));
    }
    let count = first.fields.len();
    let fixed = match (wanted, count) {
        (Some(Format::B2), _) | (None, 95 | 97) => Some((Format::B2, B2)),
        (Some(Format::Ehiden), _) | (None, 53) => Some((Format::Ehiden, EHIDEN)),
        _ => None,
    };
    match (fixed, wanted) {
        (Some((format, columns)), _) => Ok((format, columns, is_header(&first.fields, columns))),
        (None, Some(format)) => Err(RowError::new(
            first.line,
            None,
            format!(
                "a {} file starts with its header row ({})",
                format.code(),
                match format {
                    Format::Yupri => "お客様側管理番号, お問い合わせ番号, 仮引受確定作業年月日, …",
                    _ => "number,carrier,tracking,shipped_on[,channel]",
                }
            ),
        )),
        (None, None) => Err(RowError::new(
            first.line,
            None,
            format!(
                "cannot tell the format from the first line ({count} columns): B2クラウド has 95 \
                 or 97, e飛伝Ⅱ 53, ゆうプリR and generic files a header; use --format"
            ),
        )),
    }
}

fn date(text: &str, format: Format) -> Option<NaiveDate> {
    let t = text.trim();
    match format {
        Format::B2 => NaiveDate::parse_from_str(t, "%Y/%m/%d").ok(),
        Format::Ehiden => NaiveDate::parse_from_str(t, "%Y/%m/%d")
            .ok()
            .or_else(|| {
                NaiveDateTime::parse_from_str(t, "%Y/%m/%d %H:%M")
                    .ok()
                    .map(|d| d.date())
            })
            .or_else(|| {
                NaiveDateTime::parse_from_str(t, "%Y/%m/%d %H:%M:%S")
                    .ok()
                    .map(|d| d.date())
            }),
        Format::Yupri => {
            // chrono accepts `2026112` for %Y%m%d; exactly eight digits are asked for.
            (t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()))
                .then(|| NaiveDate::parse_from_str(t, "%Y%m%d").ok())
                .flatten()
        }
        Format::Generic => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .ok()
            .or_else(|| NaiveDate::parse_from_str(t, "%Y/%m/%d").ok()),
    }
}

fn date_hint(format: Format) -> &'static str {
    match format {
        Format::B2 => "yyyy/mm/dd",
        Format::Ehiden => "yyyy/mm/dd or yyyy/mm/dd HH:MM",
        Format::Yupri => "yyyymmdd",
        Format::Generic => "YYYY-MM-DD or yyyy/mm/dd",
    }
}

/// One data row, checked.
fn row(
    record: &Record,
    format: Format,
    columns: Columns,
    warnings: &mut Vec<(usize, String)>,
) -> Result<ShipmentRow, Vec<RowError>> {
    let line = record.line;
    let mut errors = Vec::new();
    let needed = [
        Some(columns.key),
        Some(columns.tracking),
        Some(columns.date),
        columns.carrier,
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(0)
        + 1;
    if record.fields.len() < needed {
        return Err(vec![RowError::new(
            line,
            None,
            format!(
                "{} columns, a {} row needs at least {needed}",
                record.fields.len(),
                format.code()
            ),
        )]);
    }
    let cell = |i: usize| record.fields[i].trim();
    for i in [
        Some(columns.key),
        Some(columns.tracking),
        columns.carrier,
        columns.channel,
    ]
    .into_iter()
    .flatten()
    {
        if let Some(text) = record.fields.get(i)
            && let Err(e) = crate::domain::input::check_chars(text)
        {
            errors.push(RowError::new(line, Some(i + 1), format!("the value {e}")));
        }
    }
    let key = cell(columns.key).to_owned();
    if let Err(crate::domain::input::InputError::TooLong(count, max)) =
        crate::domain::input::check_order_number(&key)
    {
        errors.push(RowError::new(
            line,
            Some(columns.key + 1),
            format!("the order number is {count} characters long; {max} at most"),
        ));
    }
    let raw_tracking = cell(columns.tracking);
    use crate::domain::input::MAX_TRACKING_NUMBER;
    let tracking = if raw_tracking.is_empty() {
        errors.push(RowError::new(
            line,
            Some(columns.tracking + 1),
            "the tracking number is empty".into(),
        ));
        String::new()
    } else {
        // The same limits as `order … set` (a 2 MB "number" went to Shopify before).
        match TrackingNumber::normalize(raw_tracking) {
            Some(number) if number.as_str().chars().count() > MAX_TRACKING_NUMBER => {
                errors.push(RowError::new(
                    line,
                    Some(columns.tracking + 1),
                    format!(
                        "the tracking number is {} characters long; {MAX_TRACKING_NUMBER} at most",
                        number.as_str().chars().count()
                    ),
                ));
                String::new()
            }
            Some(number) => number.as_str().to_owned(),
            None => {
                errors.push(RowError::new(
                    line,
                    Some(columns.tracking + 1),
                    format!("{raw_tracking:?} is not a tracking number"),
                ));
                String::new()
            }
        }
    };
    let shipped_on = date(cell(columns.date), format);
    if shipped_on.is_none() {
        errors.push(RowError::new(
            line,
            Some(columns.date + 1),
            format!(
                "{:?} is not a date ({})",
                cell(columns.date),
                date_hint(format)
            ),
        ));
    }
    let carrier = match (format, columns.carrier) {
        (Format::B2, _) => Some(Carrier::Yamato),
        (Format::Ehiden, _) => Some(Carrier::Sagawa),
        (Format::Yupri, _) => Some(Carrier::JapanPost),
        (Format::Generic, Some(i)) => match Carrier::parse_input(cell(i)) {
            Ok(Some(carrier)) => Some(carrier),
            Ok(None) => {
                errors.push(RowError::new(
                    line,
                    Some(i + 1),
                    "the carrier is empty".into(),
                ));
                None
            }
            Err(e) => {
                errors.push(RowError::new(line, Some(i + 1), e.to_string()));
                None
            }
        },
        (Format::Generic, None) => None,
    };
    let channel = match columns.channel.map(|i| (i, cell(i))) {
        Some((_, "")) | None => None,
        Some((i, text)) => match text.parse::<Store>() {
            Ok(channel) => Some(channel),
            Err(e) => {
                errors.push(RowError::new(line, Some(i + 1), e.to_string()));
                None
            }
        },
    };
    let (Some(shipped_on), Some(carrier), true) = (shipped_on, carrier, errors.is_empty()) else {
        return Err(errors);
    };
    for warning in tracking::validate(&Tracking::parse(&tracking), Some(&carrier)) {
        warnings.push((line, warning.to_string()));
    }
    Ok(ShipmentRow {
        line,
        key,
        tracking,
        shipped_on,
        carrier,
        channel,
    })
}

/// Reads and checks a whole file: every row good, or every bad row (up to 50) with its line and
/// column. `wanted` is the `--format` asked for (`None`: tell it from the file).
pub fn parse(input: impl BufRead, wanted: Option<Format>) -> Result<ParsedFile, Vec<RowError>> {
    let mut rows = Vec::new();
    let summary = parse_each(input, wanted, &mut |row| rows.push(row))?;
    rows.shrink_to_fit();
    Ok(ParsedFile {
        format: summary.format,
        encoding: summary.encoding,
        rows,
        warnings: summary.warnings,
    })
}

/// As [`parse`], handing each good row to `on_row` as it is read instead of keeping it: the
/// caller keeps what it needs. When the file has a bad row the rows already handed over must
/// be thrown away (the error says so).
pub fn parse_each(
    input: impl BufRead,
    wanted: Option<Format>,
    on_row: &mut dyn FnMut(ShipmentRow),
) -> Result<super::FileSummary, Vec<RowError>> {
    let mut records = Records::new(input);
    let first = match records.next_record() {
        Some(Ok(first)) => first,
        Some(Err(e)) => return Err(vec![e]),
        None => return Err(vec![RowError::new(0, None, "the file is empty".into())]),
    };
    let (format, columns, header) = layout(&first, wanted).map_err(|e| vec![e])?;
    let mut count = 0usize;
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    let mut more_errors = 0usize;
    let mut check = |record: &Record, errors: &mut Vec<RowError>| match row(
        record,
        format,
        columns,
        &mut warnings,
    ) {
        Ok(r) => {
            count += 1;
            on_row(r);
        }
        Err(found) => {
            for e in found {
                if errors.len() < MAX_ERRORS {
                    errors.push(e);
                } else {
                    more_errors += 1;
                }
            }
        }
    };
    if !header {
        check(&first, &mut errors);
    }
    while let Some(record) = records.next_record() {
        match record {
            Ok(record) => check(&record, &mut errors),
            Err(e) => {
                // Undecodable bytes: nothing after them can be trusted.
                errors.push(e);
                break;
            }
        }
    }
    if more_errors > 0 {
        errors.push(RowError::new(
            errors.last().map_or(0, |e| e.line),
            None,
            format!("and {more_errors} more"),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(super::FileSummary {
        format,
        encoding: records.encoding(),
        rows: count,
        warnings,
    })
}
