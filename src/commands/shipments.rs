//! `hassou shipments import FILE`: a carrier file read and checked whole (a bad row refuses it,
//! exit 2, with every bad row's line and column), matched to orders, shown (`set`, `changed`
//! before → after, `unchanged`, unmatched and ambiguous rows, check-digit warnings), then saved
//! in one transaction unless `--dry-run`. The same file imported twice changes nothing.

use serde_json::json;

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
        out.line(json_report(args, &parsed, &plan).to_string());
    } else {
        for line in shipments::report::lines(
            &args.file,
            args.dry_run,
            &parsed,
            &plan,
            ctx.config.language,
        ) {
            out.line(line);
        }
    }
    // Rows that reached no order because two stores hold the key need the operator.
    Ok(if plan.ambiguous.is_empty() { 0 } else { 1 })
}

/// SPEC §3's `--json` object.
pub fn json_report(
    args: &ShipmentsImportArgs,
    parsed: &FileSummary,
    plan: &ImportPlan,
) -> serde_json::Value {
    json!({
        "file": args.file.display().to_string(),
        "format": parsed.format.code(),
        "encoding": parsed.encoding.code(),
        "dry_run": args.dry_run,
        "rows": parsed.rows,
        "orders": plan.orders.iter().map(|o| json!({
            "channel": o.channel.code(),
            "number": o.number,
            "change": o.change,
            "tracking": o.tracking,
            "carrier": o.carrier.code(),
            "shipped_on": o.shipped_on,
            "previous": o.previous,
        })).collect::<Vec<_>>(),
        "unmatched": plan.unmatched.iter().map(|(line, key)| json!({"line": line, "key": key})).collect::<Vec<_>>(),
        "ambiguous": plan.ambiguous.iter().map(|(line, key)| json!({"line": line, "key": key})).collect::<Vec<_>>(),
        "warnings": parsed.warnings.iter().map(|(line, message)| json!({"line": line, "message": message})).collect::<Vec<_>>(),
    })
}
