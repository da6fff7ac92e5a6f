//! Standard output and standard error for one-shot commands, the one path every line takes:
//! plain text with control characters escaped (SPEC §3 "Text that reaches a terminal": a
//! Shopify order named `#5002\e]0;pwned\a` must not set the terminal's title), JSON exact;
//! buffered, and quiet when the reader goes away (`hassou orders list | head` must not panic
//! or print an error, nor must a full device behind stderr).

use std::io::{self, BufWriter, Stdout, Write};

pub struct Out {
    writer: Sink,
    closed: bool,
}

/// Where an [`Out`] writes: standard output, or memory (one store's report of several that run
/// at once, written out in the order asked when all are done).
enum Sink {
    Stdout(BufWriter<Stdout>),
    Memory(Vec<u8>),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stdout(w) => w.write(buf),
            Sink::Memory(v) => v.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout(w) => w.flush(),
            Sink::Memory(_) => Ok(()),
        }
    }
}

impl Out {
    pub fn stdout() -> Out {
        Out {
            writer: Sink::Stdout(BufWriter::new(io::stdout())),
            closed: false,
        }
    }

    /// An output kept in memory, for [`Out::append`].
    pub fn memory() -> Out {
        Out {
            writer: Sink::Memory(Vec::new()),
            closed: false,
        }
    }

    /// Writes what `other` (a [`Out::memory`]) holds, as it is.
    pub fn append(&mut self, other: Out) {
        if let Sink::Memory(bytes) = other.writer
            && let Ok(text) = String::from_utf8(bytes)
        {
            self.json_part(&text);
        }
    }

    /// Writes one line of plain text, control characters escaped; after the reader has gone,
    /// further lines are dropped.
    pub fn line(&mut self, text: impl AsRef<str>) {
        let text = crate::text::visible_lines(text.as_ref());
        self.write(&text);
    }

    /// Writes one line of JSON as it is (serde escapes control characters in strings, and
    /// escaping the JSON again would break it).
    pub fn json(&mut self, value: &impl serde::Serialize) {
        match serde_json::to_string(value) {
            Ok(text) => self.write(&text),
            Err(e) => stderr_line(format!("cannot write JSON: {e}")),
        }
    }

    /// Writes part of a line of JSON as it is (a report too large to build whole is written
    /// piece by piece); [`Out::end_line`] ends it.
    pub fn json_part(&mut self, text: &str) {
        if self.closed {
            return;
        }
        if self.writer.write_all(text.as_bytes()).is_err() {
            self.closed = true;
        }
    }

    pub fn end_line(&mut self) {
        self.json_part("\n");
    }

    fn write(&mut self, text: &str) {
        if self.closed {
            return;
        }
        let result = self
            .writer
            .write_all(text.as_bytes())
            .and_then(|()| self.writer.write_all(b"\n"));
        if result.is_err() {
            self.closed = true;
        }
    }

    pub fn flush(&mut self) {
        if !self.closed && self.writer.flush().is_err() {
            self.closed = true;
        }
    }
}

/// Writes `hassou: TEXT` to standard error, control characters escaped. Never panics: when
/// stderr cannot be written (a full device, a closed pipe) the line is lost, not the process.
pub fn stderr_line(text: impl AsRef<str>) {
    let text = crate::text::visible_lines(text.as_ref());
    let mut stderr = io::stderr().lock();
    let _ = writeln!(stderr, "hassou: {text}");
}

pub use crate::text::fit;

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn fits_by_cells_not_chars() {
        assert_eq!(fit("処理済み", 10), "処理済み  ");
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(
            UnicodeWidthStr::width(fit("受注更新日時が作成期間外", 9).as_str()),
            9
        );
    }
}
