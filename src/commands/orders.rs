//! `hassou orders import` and `hassou orders list`.

use crate::text::Phrase;
use std::path::Path;

use serde_json::json;

use super::output::fit;
use super::{Context, Failure, Out};
use crate::cli::ListArgs;
use crate::config::Language;
use crate::db::{ListFilter, ListedOrder};
use crate::domain::{Store, Verdict};
use crate::text;

pub async fn import(
    ctx: &Context,
    file: &Path,
    dry_run: bool,
    out: &mut Out,
) -> Result<u8, Failure> {
    // A file that cannot be read is refused before the database is opened (or created).
    std::fs::File::open(file)
        .map_err(|e| Failure::input(format!("{}: cannot read: {e}", file.display())))?;
    let db = ctx.open_db().await?;
    let imported = crate::import::stream::import_file(
        &db,
        file,
        &ctx.config.store_list(),
        ctx.config.timezone,
        ctx.now,
        dry_run,
    )
    .await?;
    for (line, warning) in &imported.warnings {
        super::output::stderr_line(format!(
            "warning: {}:line {line}: tracking: {warning}",
            file.display(),
        ));
    }
    if imported.more_warnings > 0 {
        super::output::stderr_line(format!(
            "warning: {}: … and {} more tracking warnings",
            file.display(),
            imported.more_warnings
        ));
    }
    if !dry_run {
        // The verdicts of the orders just written inside a window are judged now, by the
        // import, rather than by the first screen or `status` that counts them. With the
        // settings as they stand, never storing them: the configuration's first values are
        // stored on first use by what uses them (a console, the daemon, `settings`).
        let mut rules = Vec::new();
        for channel in ctx.config.store_list() {
            let settings = db
                .channel_settings(channel)
                .await?
                .unwrap_or(ctx.config.initial_settings(channel));
            rules.push(crate::domain::ChannelRules::new(
                channel,
                settings.rules,
                ctx.now,
                ctx.config.timezone,
            ));
        }
        db.judge_unjudged(&ListFilter::new(rules)).await?;
    }
    let s = &imported.summary;
    if dry_run {
        out.line(format!(
            "{}: {} orders valid; would add {}, update {}, leave {} unchanged (dry run: nothing written)",
            file.display(),
            imported.rows,
            s.inserted,
            s.updated,
            s.unchanged
        ));
    } else {
        out.line(format!(
            "{}: imported {} orders: {} new, {} updated, {} unchanged",
            file.display(),
            imported.rows,
            s.inserted,
            s.updated,
            s.unchanged
        ));
    }
    Ok(0)
}

/// One order as a JSON object (SPEC §3), plus `error`, `updated_at` and `shipped_on`.
pub fn order_json(row: &ListedOrder) -> serde_json::Value {
    let o = &row.stored.order;
    let e = &row.evaluation;
    json!({
        // SPEC §1: the store is the channel's one configured shop, named after it.
        "store": o.store.name(),
        "channel": o.store.channel().code(),
        "number": o.number,
        "remote_id": o.remote_id,
        "status": o.status.code(),
        "verdict": e.verdict.code(),
        "reasons": e.reasons.iter().map(|r| r.code()).collect::<Vec<_>>(),
        "delivered": e.delivered,
        "tracking": o.tracking.values(),
        "carrier": o.carrier.as_ref().map(|c| c.code().to_owned()),
        "error": e.error,
        "updated_at": o.updated_at.to_rfc3339(),
        "shipped_on": o.shipped_on.map(|d| d.to_string()),
    })
}

pub async fn list(ctx: &Context, args: &ListArgs, out: &mut Out) -> Result<u8, Failure> {
    let db = ctx.open_db().await?;
    let channels: Vec<Store> = match ctx.maybe_store(&args.channel)? {
        Some(c) => vec![c],
        None => ctx.config.store_list(),
    };
    let rules = ctx.rules(&db, &channels, &args.rules).await?;
    let mut filter = ListFilter::new(rules.clone());
    filter.verdict = args.verdict;
    filter.search = args.search.clone();
    let lang = ctx.config.language;
    // With --limit, one page (the console's indexed query) and its counts: a million orders
    // are not judged to print a hundred. Without it, every order, streamed in batches.
    let page = match args.limit {
        Some(limit) => Some(db.order_page(&filter, 0, limit).await?),
        None => None,
    };

    if args.json {
        match page {
            Some(page) => page.rows.iter().for_each(|row| out.json(&order_json(row))),
            None => {
                db.for_each_order(&filter, |row| {
                    out.json(&order_json(&row));
                    Ok(())
                })
                .await?;
            }
        }
        return Ok(0);
    }

    let head = |p: Phrase, width: usize| fit(p.get(lang), width);
    out.line(format!(
        "{} {} {} {} {} {} {}",
        head(Phrase::CliChannel, 7),
        head(Phrase::CliNumber, 12),
        head(Phrase::CliStatus, 10),
        head(Phrase::CliVerdict, 10),
        head(Phrase::CliTracking, 30),
        head(Phrase::CliCarrier, 10),
        Phrase::CliWhy.get(lang),
    ));
    let counts = match page {
        Some(page) => {
            for row in &page.rows {
                out.line(table_row(row, lang));
            }
            page.counts
        }
        None => {
            db.for_each_order(&filter, |row| {
                out.line(table_row(&row, lang));
                Ok(())
            })
            .await?;
            db.verdict_counts(&filter).await?
        }
    };
    for r in &rules {
        let local = r.as_of.with_timezone(&ctx.config.timezone.offset());
        let start = r.period_start.with_timezone(&ctx.config.timezone.offset());
        let parts: Vec<String> = Verdict::ALL
            .iter()
            .map(|v| format!("{} {}", v.code(), counts.get(r.store, *v)))
            .collect();
        out.line(format!(
            "{}: {} · as of {} · period {} days from {}",
            r.store,
            parts.join(", "),
            local.format("%Y-%m-%d %H:%M %:z"),
            r.settings.period,
            start.format("%Y-%m-%d %H:%M"),
        ));
    }
    Ok(0)
}

fn table_row(row: &ListedOrder, lang: Language) -> String {
    let o = &row.stored.order;
    let e = &row.evaluation;
    format!(
        "{} {} {} {} {} {} {}",
        fit(o.store.name(), 7),
        fit(&o.number, 12),
        fit(text::status(o.status, lang), 10),
        fit(text::verdict(e.verdict, lang), 10),
        fit(&o.tracking.display(), 30),
        fit(
            o.carrier.as_ref().map_or("", |c| text::carrier(c, lang)),
            10
        ),
        text::explain(e, lang),
    )
    .trim_end()
    .to_owned()
}
