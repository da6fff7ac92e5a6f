//! Standard output for one-shot commands: buffered, and quiet when the reader goes away
//! (`hassou orders list | head` must not panic or print an error).

use std::io::{self, BufWriter, Stdout, Write};

pub struct Out {
    writer: BufWriter<Stdout>,
    closed: bool,
}

impl Out {
    pub fn stdout() -> Out {
        Out {
            writer: BufWriter::new(io::stdout()),
            closed: false,
        }
    }

    /// Writes one line; after the reader has gone, further lines are dropped.
    pub fn line(&mut self, text: impl AsRef<str>) {
        if self.closed {
            return;
        }
        let result = self
            .writer
            .write_all(text.as_ref().as_bytes())
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
