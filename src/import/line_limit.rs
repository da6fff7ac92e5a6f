//! A reader that refuses a line longer than a limit before it is ever held (issue 23:
//! `orders import /dev/zero` grew until the OOM killer). It passes bytes through untouched and
//! counts the run since the last line break; a line that would pass the limit ends the input
//! with an error naming the line.

use std::io::{BufRead, Read};

/// The longest line an order file may have: a row is a few hundred bytes.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

pub struct LineLimit<R> {
    inner: R,
    limit: usize,
    /// Bytes since the last line break, up to what was consumed.
    run: usize,
    /// Line breaks consumed.
    lines: usize,
}

impl<R: BufRead> LineLimit<R> {
    pub fn new(inner: R, limit: usize) -> LineLimit<R> {
        LineLimit {
            inner,
            limit,
            run: 0,
            lines: 0,
        }
    }
}

impl<R: BufRead> BufRead for LineLimit<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        let (limit, lines) = (self.limit, self.lines);
        let mut run = self.run;
        let buffer = self.inner.fill_buf()?;
        // Only what keeps every line within the limit is handed on.
        let mut end = buffer.len();
        for (i, byte) in buffer.iter().enumerate() {
            if *byte == b'\n' {
                run = 0;
            } else {
                run += 1;
                if run > limit {
                    end = i;
                    break;
                }
            }
        }
        if end == 0 && !buffer.is_empty() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "line {} is longer than {} KB (is this an order file?)",
                    lines + 1,
                    limit / 1024
                ),
            ));
        }
        Ok(&buffer[..end])
    }

    fn consume(&mut self, amount: usize) {
        if let Ok(buffer) = self.inner.fill_buf() {
            for byte in &buffer[..amount.min(buffer.len())] {
                if *byte == b'\n' {
                    self.run = 0;
                    self.lines += 1;
                } else {
                    self.run += 1;
                }
            }
        }
        self.inner.consume(amount);
    }
}

impl<R: BufRead> Read for LineLimit<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_within_the_limit_pass_untouched() {
        let text = "a,b\nccc\n\ndd";
        let mut out = String::new();
        LineLimit::new(text.as_bytes(), 3)
            .read_to_string(&mut out)
            .expect("read");
        assert_eq!(out, text);
    }

    #[test]
    fn a_line_past_the_limit_is_an_error_naming_it() {
        let text = "ok\nfine\ntoolong\n";
        let mut reader = LineLimit::new(std::io::BufReader::with_capacity(2, text.as_bytes()), 4);
        let mut out = String::new();
        let error = reader.read_to_string(&mut out).expect_err("refused");
        assert!(error.to_string().contains("line 3"), "{error}");
        assert_eq!(out, "ok\nfine\ntool", "nothing past the limit is handed on");
    }

    #[test]
    fn endless_zeros_stop_at_the_limit() {
        let mut reader =
            LineLimit::new(std::io::BufReader::new(std::io::repeat(0)), MAX_LINE_BYTES);
        let mut line = Vec::new();
        let error = reader.read_until(b'\n', &mut line).expect_err("refused");
        assert!(error.to_string().contains("line 1"), "{error}");
        assert!(line.len() <= MAX_LINE_BYTES);
    }
}
