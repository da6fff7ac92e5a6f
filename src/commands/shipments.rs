//! `hassou shipments import FILE`: a carrier file read and checked whole (a bad row refuses it,
//! exit 2, with every bad row's line and column), matched to orders, shown (`set`, `changed`
//! before → after, `unchanged`, unmatched and ambiguous rows, check-digit warnings), then saved
//! in one transaction unless `--dry-run`. The same file imported twice changes nothing.

use std::io::BufReader;

use serde_json::json;

use super::{Context, Failure, Out};
use crate::cli::ShipmentsImportArgs;
use crate::config::Language;
use crate::shipments::{self, Change, FileSummary, ImportPlan};

/// Reads, checks and plans a carrier file against the database (nothing written).
pub async fn prepare(
    ctx: &Context,
    db: &crate::db::Db,
    args: &ShipmentsImportArgs,
) -> Result<(FileSummary, ImportPlan), Failure> {
    let wanted = shipments::Format::from_option(&args.format)
        .map_err(|e| Failure::input(format!("--format {e}")))?;
    let path = &args.file;
    let file = std::fs::File::open(path)
        .map_err(|e| Failure::input(format!("{}: {e}", path.display())))?;
    let parsed = shipments::parse(BufReader::new(file), wanted).map_err(|errors| {
        let lines: Vec<String> = errors
            .iter()
            .map(|e| format!("{}: {e}", path.display()))
            .collect();
        Failure::input(format!("{}\nnothing was imported", lines.join("\n")))
    })?;
    let mut numbers: Vec<String> = parsed
        .rows
        .iter()
        .flat_map(|r| shipments::plan::candidate_numbers(&r.key))
        .collect();
    numbers.sort();
    numbers.dedup();
    let orders = db.orders_numbered(&numbers).await?;
    drop(numbers);
    let plan = shipments::plan(
        &parsed.rows,
        &orders,
        args.channel,
        args.mark_processed,
        ctx.now,
    );
    drop(orders);
    Ok((parsed.summary(), plan))
}

pub async fn import(
    ctx: &Context,
    args: &ShipmentsImportArgs,
    out: &mut Out,
) -> Result<u8, Failure> {
    let db = ctx.open_db().await?;
    let (parsed, plan) = prepare(ctx, &db, args).await?;
    if !args.dry_run {
        let writes: Vec<_> = plan
            .writes()
            .filter_map(|o| o.next.as_ref().map(|next| (o.id, o.revision, next)))
            .collect();
        db.save_orders_at_revision(&writes).await?;
    }
    db.close().await;
    if args.json {
        out.line(json_report(args, &parsed, &plan).to_string());
    } else {
        for line in text_report(args, &parsed, &plan, ctx.config.language) {
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

/// The report in the operator's language: one line per order reached, then what was left out.
pub fn text_report(
    args: &ShipmentsImportArgs,
    parsed: &FileSummary,
    plan: &ImportPlan,
    lang: Language,
) -> Vec<String> {
    let ja = lang == Language::Ja;
    let mut lines = vec![if ja {
        format!(
            "{}: 形式 {} · 文字コード {} · {}行",
            args.file.display(),
            parsed.format.code(),
            parsed.encoding.code(),
            parsed.rows
        )
    } else {
        format!(
            "{}: format {} · encoding {} · {} rows",
            args.file.display(),
            parsed.format.code(),
            parsed.encoding.code(),
            parsed.rows
        )
    }];
    for o in &plan.orders {
        let word = match (o.change, ja) {
            (Change::Set, true) => "設定",
            (Change::Changed, true) => "変更",
            (Change::Unchanged, true) => "変更なし",
            (Change::Set, false) => "set",
            (Change::Changed, false) => "changed",
            (Change::Unchanged, false) => "unchanged",
        };
        let after = format!(
            "{} {} {}",
            o.tracking.join(", "),
            o.carrier.code(),
            o.shipped_on
        );
        let shown = match &o.previous {
            Some(p) => format!(
                "{} {} {} → {after}",
                p.tracking.join(", "),
                p.carrier.as_deref().unwrap_or("—"),
                p.shipped_on
                    .map_or_else(|| "—".to_owned(), |d| d.to_string())
            ),
            None => after,
        };
        let bundle = match (o.from_parent, ja) {
            (true, true) => " (同梱)",
            (true, false) => " (bundle)",
            _ => "",
        };
        lines.push(format!(
            "{word:<10} {} {}{bundle}  {shown}",
            o.channel,
            crate::text::visible(&o.number)
        ));
    }
    for (line, key) in &plan.unmatched {
        lines.push(if ja {
            format!("一致なし   {line}行目 {}", crate::text::visible(key))
        } else {
            format!("unmatched  line {line}: {}", crate::text::visible(key))
        });
    }
    for (line, key) in &plan.ambiguous {
        lines.push(if ja {
            format!(
                "曖昧       {line}行目 {}: 両方のストアにあります (--channel で指定)",
                crate::text::visible(key)
            )
        } else {
            format!(
                "ambiguous  line {line}: {} is in both stores (choose with --channel)",
                crate::text::visible(key)
            )
        });
    }
    for (line, message) in &parsed.warnings {
        lines.push(if ja {
            format!("注意       {line}行目 {message}")
        } else {
            format!("warning    line {line}: {message}")
        });
    }
    let (set, changed, same) = (
        plan.count(Change::Set),
        plan.count(Change::Changed),
        plan.count(Change::Unchanged),
    );
    lines.push(match (args.dry_run, ja) {
        (true, true) => format!(
            "設定 {set}件、変更 {changed}件、変更なし {same}件 — 確認のみ、何も書き込んでいません"
        ),
        (false, true) => format!("設定 {set}件、変更 {changed}件、変更なし {same}件を保存しました"),
        (true, false) => {
            format!("{set} set, {changed} changed, {same} unchanged — dry run, nothing written")
        }
        (false, false) => format!("{set} set, {changed} changed, {same} unchanged: saved"),
    });
    lines
}
