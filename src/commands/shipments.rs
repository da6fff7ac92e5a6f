//! `hassou shipments import FILE`: a carrier file read and checked whole (a bad row refuses it,
//! exit 2, with every bad row's line and column), matched to orders, saved in one transaction
//! unless `--dry-run`, then reported (`set`, `changed` before → after, `unchanged`, unmatched and
//! ambiguous rows, check-digit warnings). The same file imported twice changes nothing. Memory
//! does not grow with the file: see [`crate::shipments::staged`].

use serde::Serialize;

use super::{Context, Failure, Out};
use crate::cli::ShipmentsImportArgs;
use crate::shipments::import::PrepareError;
use crate::shipments::staged::{self, StagedImport};
use crate::shipments::{self, Change, OrderChange};
use crate::text::import_report as report;

/// Reads, checks, plans and saves the file with memory that does not grow with it (see
/// [`staged`]), then writes the report — text or SPEC §3's JSON — read back item by item.
pub async fn import(
    ctx: &Context,
    args: &ShipmentsImportArgs,
    out: &mut Out,
) -> Result<u8, Failure> {
    let wanted = shipments::Format::from_option(&args.format)
        .map_err(|e| Failure::input(format!("--format {e}")))?;
    let db = ctx.open_db().await?;
    let options = staged::Options {
        format: wanted,
        channel: ctx.maybe_store(&args.channel)?,
        mark_processed: args.mark_processed,
        dry_run: args.dry_run,
        now: ctx.now,
    };
    // SIGTERM or Ctrl-C: the run is dropped — its transaction rolled back, its temporary
    // folder (order numbers and tracking) removed — and nothing is imported.
    let done = tokio::select! {
        done = staged::run(&db, &args.file, options) => done,
        signal = super::termination() => {
            db.close().await;
            return Err(Failure::input(format!("stopped by {signal}; nothing was imported")));
        }
    };
    db.close().await;
    let done = match done {
        Ok(done) => done,
        Err(PrepareError::Rows(errors)) => {
            let lines: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {e}", args.file.display()))
                .collect();
            return Err(Failure::input(format!(
                "{}\nnothing was imported",
                lines.join("\n")
            )));
        }
        Err(PrepareError::Temporary(m)) => {
            return Err(Failure::temporary(format!(
                "{m}; nothing was imported — try again later"
            )));
        }
        Err(e) => return Err(Failure::input(format!("{e}; nothing was imported"))),
    };
    if args.json {
        write_json(args, &done, out);
    } else {
        write_text(args, &done, ctx.config.language, out);
    }
    // Rows that reached no order because two stores hold the key need the operator.
    Ok(if done.ambiguous == 0 { 0 } else { 1 })
}

fn write_text(
    args: &ShipmentsImportArgs,
    done: &StagedImport,
    lang: crate::config::Language,
    out: &mut Out,
) {
    out.line(report::header_line(&args.file, &done.summary, lang));
    for o in done.orders() {
        out.line(report::order_line(&o, lang));
    }
    for (line, key) in done.unmatched() {
        out.line(report::unmatched_line(line, &key, lang));
    }
    for (line, key) in done.ambiguous_rows() {
        out.line(report::ambiguous_line(line, &key, lang));
    }
    for (line, message) in &done.summary.warnings {
        out.line(report::warning_line(*line, message, lang));
    }
    out.line(report::summary_line(
        args.dry_run,
        done.set,
        done.changed,
        done.unchanged,
        lang,
    ));
}

/// SPEC §3's `--json` object, one line, written piece by piece.
fn write_json(args: &ShipmentsImportArgs, done: &StagedImport, out: &mut Out) {
    let head = JsonHead {
        file: args.file.display().to_string(),
        format: done.summary.format.code(),
        encoding: done.summary.encoding.code(),
        dry_run: args.dry_run,
        rows: done.summary.rows,
    };
    let head = serde_json::to_string(&head).unwrap_or_else(|_| "{}".into());
    // `{"file":…,"rows":N` then the lists.
    out.json_part(head.strip_suffix('}').unwrap_or(&head));
    out.json_part(",\"orders\":[");
    list(out, done.orders().map(|o| JsonOrder::of(&o).to_json()));
    out.json_part("],\"unmatched\":[");
    list(
        out,
        done.unmatched().map(|(line, key)| line_json(line, &key)),
    );
    out.json_part("],\"ambiguous\":[");
    list(
        out,
        done.ambiguous_rows()
            .map(|(line, key)| line_json(line, &key)),
    );
    out.json_part("],\"warnings\":[");
    list(
        out,
        done.summary.warnings.iter().map(|(line, message)| {
            serde_json::json!({"line": line, "message": message}).to_string()
        }),
    );
    out.json_part("]}");
    out.end_line();
}

fn list(out: &mut Out, items: impl Iterator<Item = String>) {
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.json_part(",");
        }
        out.json_part(&item);
    }
}

fn line_json(line: usize, key: &str) -> String {
    serde_json::json!({"line": line, "key": key}).to_string()
}

#[derive(Serialize)]
struct JsonHead {
    file: String,
    format: &'static str,
    encoding: &'static str,
    dry_run: bool,
    rows: usize,
}

#[derive(Serialize)]
struct JsonOrder<'a> {
    channel: &'static str,
    number: &'a str,
    change: Change,
    tracking: &'a [String],
    carrier: &'a str,
    shipped_on: chrono::NaiveDate,
    previous: &'a Option<shipments::Previous>,
}

impl<'a> JsonOrder<'a> {
    fn of(o: &'a OrderChange) -> JsonOrder<'a> {
        JsonOrder {
            channel: o.channel.name(),
            number: &o.number,
            change: o.change,
            tracking: &o.tracking,
            carrier: o.carrier.code(),
            shipped_on: o.shipped_on,
            previous: &o.previous,
        }
    }

    fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "null".into())
    }
}
