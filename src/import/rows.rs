//! Reading an order file one row at a time: CSV with its header checked, or JSON Lines.

use super::*;

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

pub(super) fn not_utf8(line: usize) -> RowError {
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
pub(super) fn looks_like_json_lines(path: &Path, start: &[u8]) -> bool {
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

pub(super) fn column_name(name: &str) -> Option<&'static str> {
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

pub(super) fn read_error(e: &std::io::Error) -> RowError {
    RowError {
        line: None,
        column: None,
        message: format!("cannot read: {e}"),
    }
}

pub(super) fn csv_error(e: &csv::Error, fallback_line: usize) -> RowError {
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
pub(super) fn json_row(line: usize, text: &str, errors: &mut Vec<RowError>) -> Option<RawRow> {
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
