//! `hassou shipments import FILE`: a carrier file read and checked whole (a bad row refuses it,
//! exit 2, with every bad row's line and column), matched to orders, shown (`set`, `changed`
//! before → after, `unchanged`, unmatched and ambiguous rows, check-digit warnings), then saved
//! in one transaction unless `--dry-run`. The same file imported twice changes nothing.

use serde::Serialize;

use super::{Context, Failure, Out};
use crate::cli::ShipmentsImportArgs;
use crate::shipments::{self, FileSummary, ImportPlan};

pub async fn import(
    ctx: &Context,
    args: &ShipmentsImportArgs,
    out: &mut Out,
) -> Result<u8, Failure> {
    let wanted = shipments::Format::from_option(&args.format)
        .map_err(|e| Failure::input(format!("--format {e}")))?;
    let db = ctx.open_db().await?;
    let prepared = shipments::import::prepare(
        &db,
        &args.file,
        wanted,
        args.channel,
        args.mark_processed,
        ctx.now,
    )
    .await;
    let (parsed, plan) = match prepared {
        Ok(prepared) => prepared,
        Err(shipments::import::PrepareError::Rows(errors)) => {
            let lines: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {e}", args.file.display()))
                .collect();
            return Err(Failure::input(format!(
                "{}\nnothing was imported",
                lines.join("\n")
            )));
        }
        Err(e) => return Err(Failure::input(e.to_string())),
    };
    if !args.dry_run {
        shipments::import::save(&db, &plan).await?;
    }
    db.close().await;
    if args.json {
        out.json(&JsonReport::new(args, &parsed, &plan));
    } else {
        shipments::report::write(
            &args.file,
            args.dry_run,
            &parsed,
            &plan,
            ctx.config.language,
            &mut |line| out.line(line),
        );
    }
    // Rows that reached no order because two stores hold the key need the operator.
    Ok(if plan.ambiguous.is_empty() { 0 } else { 1 })
}

/// SPEC §3's `--json` object, serialized as it is written (no intermediate value tree).
#[derive(Serialize)]
struct JsonReport<'a> {
    file: String,
    format: &'static str,
    encoding: &'static str,
    dry_run: bool,
    rows: usize,
    orders: Vec<JsonOrder<'a>>,
    unmatched: Vec<JsonLine<'a>>,
    ambiguous: Vec<JsonLine<'a>>,
    warnings: Vec<JsonWarning<'a>>,
}

#[derive(Serialize)]
struct JsonOrder<'a> {
    channel: &'static str,
    number: &'a str,
    change: shipments::Change,
    tracking: &'a [String],
    carrier: &'a str,
    shipped_on: chrono::NaiveDate,
    previous: &'a Option<shipments::Previous>,
}

#[derive(Serialize)]
struct JsonLine<'a> {
    line: usize,
    key: &'a str,
}

#[derive(Serialize)]
struct JsonWarning<'a> {
    line: usize,
    message: &'a str,
}

impl<'a> JsonReport<'a> {
    fn new(
        args: &ShipmentsImportArgs,
        parsed: &'a FileSummary,
        plan: &'a ImportPlan,
    ) -> JsonReport<'a> {
        let lines = |list: &'a [(usize, String)]| {
            list.iter()
                .map(|(line, key)| JsonLine { line: *line, key })
                .collect()
        };
        JsonReport {
            file: args.file.display().to_string(),
            format: parsed.format.code(),
            encoding: parsed.encoding.code(),
            dry_run: args.dry_run,
            rows: parsed.rows,
            orders: plan
                .orders
                .iter()
                .map(|o| JsonOrder {
                    channel: o.channel.code(),
                    number: &o.number,
                    change: o.change,
                    tracking: &o.tracking,
                    carrier: o.carrier.code(),
                    shipped_on: o.shipped_on,
                    previous: &o.previous,
                })
                .collect(),
            unmatched: lines(&plan.unmatched),
            ambiguous: lines(&plan.ambiguous),
            warnings: parsed
                .warnings
                .iter()
                .map(|(line, message)| JsonWarning {
                    line: *line,
                    message,
                })
                .collect(),
        }
    }
}
