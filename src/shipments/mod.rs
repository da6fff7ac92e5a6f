//! Carrier files (`hassou shipments import`, SPEC §3): the label software's exports — ヤマト
//! B2クラウド 発行済データ, 佐川 e飛伝Ⅱ 出荷実績, 日本郵便 ゆうプリR 発送履歴 — and a generic CSV,
//! read in CP932 or UTF-8, turned into tracking numbers, carrier and 出荷日 per order. Reading
//! ([`read`]) and the formats ([`format`]) are pure over bytes; matching and what changes
//! ([`plan`]) is pure over the orders found; [`import`] ties them to a file and a database.

pub mod format;
pub mod import;
pub mod plan;
pub mod read;
pub mod staged;

use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::{Carrier, Store};

pub use format::{Format, parse};
pub use plan::{
    Change, ImportPlan, OrderChange, Previous, candidate_numbers, plan, plan_group, root,
};

/// The encoding a file was read in (SPEC §3 `encoding`: `utf-8` or `cp932`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// UTF-8 that starts with a byte-order mark (as Excel writes "CSV UTF-8").
    Utf8Bom,
    Cp932,
}

impl Encoding {
    pub fn code(self) -> &'static str {
        match self {
            Encoding::Utf8 | Encoding::Utf8Bom => "utf-8",
            Encoding::Cp932 => "cp932",
        }
    }
}

/// Why a row refuses the file: its line, the column (1-based) when one is to blame, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub line: usize,
    pub column: Option<usize>,
    pub message: String,
}

impl RowError {
    pub fn new(line: usize, column: Option<usize>, message: String) -> RowError {
        RowError {
            line,
            column,
            message,
        }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(column) => write!(f, "line {}, column {column}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// One parcel of the file: which order (the key as written), its tracking number (hyphens and
/// spaces removed), the day it left, the carrier, and the channel when the file names one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShipmentRow {
    pub line: usize,
    pub key: String,
    pub tracking: String,
    pub shipped_on: NaiveDate,
    pub carrier: Carrier,
    pub channel: Option<Store>,
}

/// What the report says of the file once its rows have been matched (the rows themselves are
/// dropped then, so a large file is not held twice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSummary {
    pub format: Format,
    pub encoding: Encoding,
    pub rows: usize,
    pub warnings: Vec<(usize, String)>,
}

impl ParsedFile {
    pub fn summary(self) -> FileSummary {
        FileSummary {
            format: self.format,
            encoding: self.encoding,
            rows: self.rows.len(),
            warnings: self.warnings,
        }
    }
}

/// A file read whole and checked: every row good, or nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedFile {
    pub format: Format,
    pub encoding: Encoding,
    pub rows: Vec<ShipmentRow>,
    /// Check-digit and format warnings: `(line, message)`; they never refuse the file.
    pub warnings: Vec<(usize, String)>,
}
