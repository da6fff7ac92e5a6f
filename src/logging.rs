//! The one tracing pipeline of the long-running processes (the daemon and the console): the
//! level filter (`HASSOU_LOG`, default info), daily files that never drop a line, and a layer that
//! hands each event as one line of text to a screen. Nothing here prints to the terminal.

use std::fmt::Write as _;
use std::path::Path;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_appender::non_blocking::{NonBlocking, WorkerGuard};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::Context;

/// `HASSOU_LOG` (an `EnvFilter`), else info; the HTTP and SQL crates at warn.
pub fn filter() -> EnvFilter {
    EnvFilter::try_from_env("HASSOU_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,hyper=warn,reqwest=warn"))
}

/// A writer to `dir/hassou.log.YYYY-MM-DD`. The guard flushes on drop: keep it until the end.
pub fn daily_file(dir: &Path) -> Result<(NonBlocking, WorkerGuard), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let appender = tracing_appender::rolling::daily(dir, "hassou.log");
    // lossy(false): a full buffer makes the logger wait rather than drop a line.
    Ok(
        tracing_appender::non_blocking::NonBlockingBuilder::default()
            .lossy(false)
            .finish(appender),
    )
}

/// Where a screen takes its lines: `(is_error, text)`. Must not block.
pub type Sink = Box<dyn Fn(bool, String) + Send + Sync>;

/// Hands every event to a screen as one line: `message key=value …`, warnings and errors
/// marked. It never blocks, never logs itself, and never touches the terminal.
pub struct ScreenLayer {
    sink: Sink,
}

impl ScreenLayer {
    pub fn new(sink: Sink) -> ScreenLayer {
        ScreenLayer { sink }
    }
}

/// Collects an event's message and fields as text.
#[derive(Default)]
struct Line {
    message: String,
    fields: String,
}

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.fields, " {}={value}", field.name());
        }
    }
}

impl<S: Subscriber> tracing_subscriber::Layer<S> for ScreenLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut line = Line::default();
        event.record(&mut line);
        let level = *event.metadata().level();
        let error = level <= Level::WARN;
        let mut text = line.message;
        text.push_str(&line.fields);
        if error {
            text = format!("{level}: {text}");
        }
        (self.sink)(error, text);
    }
}

/// A log writer that escapes control characters (SPEC §3: logs are plain-text output too): a
/// store's error text with `\e]0;…\a` in it reaches the file or the journal as `\x1b]0;…\x07`.
/// Each event arrives as one write of whole lines, so only the line breaks stay raw.
#[derive(Clone)]
pub struct Escaped<M>(pub M);

impl<'a, M: tracing_subscriber::fmt::MakeWriter<'a>> tracing_subscriber::fmt::MakeWriter<'a>
    for Escaped<M>
{
    type Writer = EscapedWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        EscapedWriter(self.0.make_writer())
    }
}

pub struct EscapedWriter<W>(W);

impl<W: std::io::Write> std::io::Write for EscapedWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // One event, one line: a line break inside it (a store's words) is shown escaped, so
        // no store can forge a log line; only the event's own end of line stays.
        let text = String::from_utf8_lossy(buf);
        let (event, end) = match text.strip_suffix('\n') {
            Some(event) => (event, "\n"),
            None => (text.as_ref(), ""),
        };
        self.0.write_all(crate::text::visible(event).as_bytes())?;
        self.0.write_all(end.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}
