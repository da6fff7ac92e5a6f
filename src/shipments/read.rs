//! Reading a carrier file line by line with bounded memory: the encoding (UTF-8 with or without
//! a BOM, or CP932 as Windows writes it) decided at the first line that is not plain ASCII and
//! then held to, CRLF or LF, CSV fields split per line (a quoted field may span lines). A line
//! that is not valid in the file's encoding refuses the file with its number: no U+FFFD
//! replacement character ever reaches an order.

use std::io::{BufRead, Read};

use super::{Encoding, RowError};

/// The longest line, and the longest record (a quoted field may span lines), a carrier file may
/// have: real ones are a few hundred bytes even at 97 columns. A longer one is refused with its
/// line number and never held whole (issue 23: a 50 MB field took 522 MB).
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// One CSV record of the file: its first line number and its fields, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

/// Reads records from `input`, deciding the encoding as it goes (available once a record was
/// read; `Encoding::Utf8` while everything so far was ASCII).
pub struct Records<R> {
    input: R,
    line: usize,
    encoding: Option<Encoding>,
    bom_checked: bool,
    buffer: Vec<u8>,
    /// One CSV reader for every record: building one costs more than reading a line.
    splitter: csv_core::Reader,
}

impl<R: BufRead> Records<R> {
    pub fn new(input: R) -> Records<R> {
        Records {
            input,
            line: 0,
            encoding: None,
            bom_checked: false,
            buffer: Vec::new(),
            splitter: csv_core::Reader::new(),
        }
    }

    /// The encoding decided so far (plain ASCII reads as UTF-8).
    pub fn encoding(&self) -> Encoding {
        self.encoding.unwrap_or(Encoding::Utf8)
    }

    /// The next physical line, decoded, without its line ending; `None` at the end.
    fn next_line(&mut self) -> Option<Result<String, RowError>> {
        self.buffer.clear();
        let limit = MAX_LINE_BYTES as u64 + 1;
        match (&mut self.input)
            .take(limit)
            .read_until(b'\n', &mut self.buffer)
        {
            Ok(0) => return None,
            Ok(_) => {}
            Err(e) => {
                return Some(Err(RowError::new(
                    self.line + 1,
                    None,
                    format!("cannot read: {e}"),
                )));
            }
        }
        self.line += 1;
        if self.buffer.len() > MAX_LINE_BYTES && self.buffer.last() != Some(&b'\n') {
            // Skip the rest of the line without holding it: the next line is read as usual.
            self.buffer.clear();
            if let Err(e) = skip_line(&mut self.input) {
                return Some(Err(RowError::new(
                    self.line,
                    None,
                    format!("cannot read: {e}"),
                )));
            }
            return Some(Err(RowError::new(
                self.line,
                None,
                format!(
                    "the line is longer than {} KB: not a carrier file's line",
                    MAX_LINE_BYTES / 1024
                ),
            )));
        }
        let mut bytes: &[u8] = &self.buffer;
        while let [rest @ .., b'\n' | b'\r'] = bytes {
            bytes = rest;
        }
        if !self.bom_checked {
            self.bom_checked = true;
            if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
                self.encoding = Some(Encoding::Utf8Bom);
                bytes = rest;
            }
        }
        if bytes.is_ascii() {
            return Some(Ok(String::from_utf8_lossy(bytes).into_owned()));
        }
        let encoding = *self.encoding.get_or_insert_with(|| {
            if std::str::from_utf8(bytes).is_ok() {
                Encoding::Utf8
            } else {
                Encoding::Cp932
            }
        });
        let decoded = match encoding {
            Encoding::Utf8 | Encoding::Utf8Bom => {
                std::str::from_utf8(bytes).ok().map(str::to_owned)
            }
            // encoding_rs's Shift_JIS is the WHATWG decoder, which is Windows-31J: NEC and IBM
            // extensions (①, ㈱, 髙) decode; anything malformed is refused, never replaced.
            Encoding::Cp932 => encoding_rs::SHIFT_JIS
                .decode_without_bom_handling_and_without_replacement(bytes)
                .map(|c| c.into_owned()),
        };
        Some(decoded.ok_or_else(|| {
            RowError::new(
                self.line,
                None,
                format!("bytes that are not valid {}", encoding.code()),
            )
        }))
    }

    /// The next non-empty record; `None` at the end of the file.
    pub fn next_record(&mut self) -> Option<Result<Record, RowError>> {
        loop {
            let first = match self.next_line()? {
                Ok(line) => line,
                Err(e) => return Some(Err(e)),
            };
            let line = self.line;
            let mut text = first;
            // A quoted field that holds a line break continues on the next line. The quotes
            // are counted once per line (counting the whole record again for every line was
            // quadratic: an unclosed quote in 200,000 lines took 49 s to refuse).
            let mut open_quote = text.matches('"').count() % 2 == 1;
            while open_quote {
                if text.len() > MAX_LINE_BYTES {
                    return Some(Err(RowError::new(
                        line,
                        None,
                        format!(
                            "a quoted field is never closed (the record passes {} KB)",
                            MAX_LINE_BYTES / 1024
                        ),
                    )));
                }
                match self.next_line() {
                    Some(Ok(more)) => {
                        open_quote ^= more.matches('"').count() % 2 == 1;
                        text.push('\n');
                        text.push_str(&more);
                    }
                    Some(Err(e)) => return Some(Err(e)),
                    None => {
                        return Some(Err(RowError::new(
                            line,
                            None,
                            "a quoted field is never closed".into(),
                        )));
                    }
                }
            }
            if text.trim().is_empty() {
                continue;
            }
            return Some(split(&mut self.splitter, &text, line));
        }
    }
}

/// Consumes input up to and including the next line break, a buffer at a time.
fn skip_line(input: &mut impl BufRead) -> std::io::Result<()> {
    loop {
        let buffer = input.fill_buf()?;
        if buffer.is_empty() {
            return Ok(());
        }
        if let Some(at) = buffer.iter().position(|b| *b == b'\n') {
            input.consume(at + 1);
            return Ok(());
        }
        let all = buffer.len();
        input.consume(all);
    }
}

/// The fields of one CSV record (RFC 4180: commas, quoted fields with `""` for a quote).
fn split(reader: &mut csv_core::Reader, text: &str, line: usize) -> Result<Record, RowError> {
    reader.reset();
    let input = text.as_bytes();
    // A record's fields are never longer than its text; one more end than there are bytes.
    let mut output = vec![0u8; input.len()];
    let mut ends = vec![0usize; input.len() + 1];
    let (mut read, mut written, mut fields) = (0, 0, 0);
    loop {
        let (result, nin, nout, nend) =
            reader.read_record(&input[read..], &mut output[written..], &mut ends[fields..]);
        read += nin;
        written += nout;
        fields += nend;
        match result {
            // All of the text is in: say it ended, so the last field is closed.
            csv_core::ReadRecordResult::InputEmpty if read == input.len() && nin == 0 => {
                let (result, _, nout, nend) =
                    reader.read_record(&[], &mut output[written..], &mut ends[fields..]);
                written += nout;
                fields += nend;
                if !matches!(result, csv_core::ReadRecordResult::Record) {
                    return Err(RowError::new(line, None, "not CSV".into()));
                }
                break;
            }
            csv_core::ReadRecordResult::InputEmpty => {}
            csv_core::ReadRecordResult::Record | csv_core::ReadRecordResult::End => break,
            csv_core::ReadRecordResult::OutputFull | csv_core::ReadRecordResult::OutputEndsFull => {
                return Err(RowError::new(line, None, "not CSV".into()));
            }
        }
    }
    let bytes = &output[..written];
    let mut start = 0;
    let mut out = Vec::with_capacity(fields);
    for &end in &ends[..fields] {
        // Fields are cut out of valid UTF-8 at ASCII delimiters: still valid.
        out.push(String::from_utf8_lossy(&bytes[start..end]).into_owned());
        start = end;
    }
    Ok(Record { line, fields: out })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(bytes: &[u8]) -> (Vec<Result<Record, RowError>>, Encoding) {
        let mut r = Records::new(bytes);
        let mut out = Vec::new();
        while let Some(record) = r.next_record() {
            out.push(record);
        }
        (out, r.encoding())
    }

    #[test]
    fn cp932_with_the_nec_and_ibm_extensions_and_crlf() {
        let (bytes, _, unmappable) =
            encoding_rs::SHIFT_JIS.encode("1001,髙橋 ①,㈱ヤマト,ｶﾀｶﾅ\r\n1002,x\r\n");
        assert!(!unmappable);
        let (records, encoding) = records(&bytes);
        assert_eq!(encoding, Encoding::Cp932);
        let first = records[0].as_ref().expect("decoded");
        assert_eq!(first.fields, ["1001", "髙橋 ①", "㈱ヤマト", "ｶﾀｶﾅ"]);
        assert_eq!(records[1].as_ref().expect("second").line, 2);
    }

    #[test]
    fn utf8_with_a_bom_and_a_quoted_line_break() {
        let (records, encoding) = records("\u{feff}a,\"b\nc\",d\n\ne,f\n".as_bytes());
        assert_eq!(encoding, Encoding::Utf8Bom);
        assert_eq!(
            records[0].as_ref().expect("first").fields,
            ["a", "b\nc", "d"]
        );
        assert_eq!(records[1].as_ref().expect("second").line, 4);
    }

    /// Issue 23: a line without an end (or of 50 MB) is refused by its number and never held
    /// whole; the lines after it are read as usual.
    #[test]
    fn an_endless_line_is_refused_and_the_next_line_read() {
        let mut bytes = b"1001,a\n".to_vec();
        bytes.extend(std::iter::repeat_n(b'9', 5 * MAX_LINE_BYTES));
        bytes.extend_from_slice(b"\n1003,c\n");
        let (records, _) = records(&bytes);
        assert_eq!(records.len(), 3, "{records:?}");
        let error = records[1].as_ref().expect_err("refused");
        assert_eq!(error.line, 2);
        assert!(error.message.contains("longer than"), "{error:?}");
        assert_eq!(records[2].as_ref().expect("read").fields, ["1003", "c"]);
    }

    /// Issue 23: an unclosed quote is refused in linear time, once its record passes the limit.
    #[test]
    fn an_unclosed_quote_is_refused_without_reading_on() {
        let mut text = String::from("1001,\"open\n");
        for i in 0..200_000 {
            text.push_str(&format!("{i},x\n"));
        }
        let (records, _) = records(text.as_bytes());
        let error = records[0].as_ref().expect_err("refused");
        assert!(error.message.contains("never closed"), "{error:?}");
    }

    #[test]
    fn a_bad_byte_is_refused_with_its_line_never_replaced() {
        let mut bytes = encoding_rs::SHIFT_JIS
            .encode("1001,山田\r\n")
            .0
            .into_owned();
        bytes.extend_from_slice(b"1002,\x81\r\n");
        let (records, _) = records(&bytes);
        let error = records[1].as_ref().expect_err("refused");
        assert_eq!(error.line, 2);
        assert!(error.message.contains("cp932"), "{error:?}");
    }
}
