//! `hassou orders import` and `hassou orders list`.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde_json::json;

use super::output::fit;
use super::{Context, Failure, Out};
use crate::cli::ListArgs;
use crate::config::Language;
use crate::db::{Db, ListFilter, ListedOrder};
use crate::domain::{Channel, Order, Verdict};
use crate::import::{ImportError, ImportedOrder, RowError, parse_file_rows};
use crate::text;

pub async fn import(
    ctx: &Context,
    file: &Path,
    dry_run: bool,
    out: &mut Out,
) -> Result<u8, Failure> {
    let bytes = std::fs::read(file)
        .map_err(|e| Failure::input(format!("{}: cannot read: {e}", file.display())))?;
    let (orders, mut problems) = parse_file_rows(file, &bytes, ctx.config.timezone, ctx.now)?;
    let db = ctx.open_db().await?;
    // Every problem at once: the rows' own, then what the database says of the good rows.
    let DatabaseCheck {
        problems: found,
        stored,
    } = check_against_database(&db, &orders).await?;
    problems.extend(found);
    if !problems.is_empty() {
        return Err(ImportError::listing(file, problems).into());
    }
    for imported in &orders {
        for warning in &imported.warnings {
            super::output::stderr_line(format!(
                "warning: {}:line {}: tracking: {warning}",
                file.display(),
                imported.line
            ));
        }
    }
    let plain: Vec<_> = orders.into_iter().map(|o| o.order).collect();
    if dry_run {
        let (mut new, mut changed, mut same) = (0, 0, 0);
        for (order, held) in plain.iter().zip(&stored) {
            match held {
                None => new += 1,
                Some(held) if held == order => same += 1,
                Some(_) => changed += 1,
            }
        }
        out.line(format!(
            "{}: {} orders valid; would add {new}, update {changed}, leave {same} unchanged (dry run: nothing written)",
            file.display(),
            plain.len()
        ));
        return Ok(0);
    }
    let summary = db.upsert_orders(&plain, ctx.now).await?;
    out.line(format!(
        "{}: imported {} orders: {} new, {} updated, {} unchanged",
        file.display(),
        plain.len(),
        summary.inserted,
        summary.updated,
        summary.unchanged
    ));
    Ok(0)
}

/// What the database says of an order file.
struct DatabaseCheck {
    problems: Vec<RowError>,
    /// Per row of the file, the same order (channel and remote id) as stored, if any.
    stored: Vec<Option<Order>>,
}

/// What only the database can tell: bundle parents that exist nowhere, a parent that is itself a
/// child, and an order number already used by another order of the channel.
async fn check_against_database(
    db: &Db,
    orders: &[ImportedOrder],
) -> Result<DatabaseCheck, Failure> {
    let mut problems = Vec::new();
    let mut stored = Vec::with_capacity(orders.len());
    let in_file: HashMap<(Channel, &str), &ImportedOrder> = orders
        .iter()
        .map(|o| ((o.order.channel, o.order.number.as_str()), o))
        .collect();
    let mut known: HashSet<(Channel, String)> = HashSet::new();
    for chunk in orders.chunks(2000) {
        // Orders already holding the chunk's numbers, read in batches (one query per 100 numbers,
        // not one per row), a chunk at a time so a large file is not held twice.
        let mut holding: HashMap<(Channel, String), Vec<crate::db::StoredOrder>> = HashMap::new();
        for channel in Channel::ALL {
            let numbers: Vec<String> = chunk
                .iter()
                .filter(|o| o.order.channel == channel)
                .map(|o| o.order.number.clone())
                .collect();
            for found in db.orders_with_numbers(channel, &numbers).await? {
                holding
                    .entry((channel, found.order.number.clone()))
                    .or_default()
                    .push(found);
            }
        }
        for o in chunk {
            let row = |column: &str, message: String| RowError {
                line: Some(o.line),
                column: Some(column.into()),
                message,
            };
            let mut same_order = None;
            let key = (o.order.channel, o.order.number.clone());
            for existing in holding.get(&key).into_iter().flatten() {
                if existing.order.remote_id == o.order.remote_id {
                    same_order = Some(existing.order.clone());
                } else {
                    problems.push(row(
                        "number",
                        format!(
                            "{} order {} already exists with remote_id {}",
                            o.order.channel, o.order.number, existing.order.remote_id
                        ),
                    ));
                }
            }
            stored.push(same_order);
            let Some(parent) = &o.order.bundle_parent else {
                continue;
            };
            let key = (o.order.channel, parent.as_str());
            let parent_is_child = match in_file.get(&key) {
                Some(p) => p.order.bundle_parent.is_some(),
                None => {
                    if !known.contains(&(o.order.channel, parent.clone())) {
                        if !db.order_number_exists(o.order.channel, parent).await? {
                            problems.push(row(
                                "bundle_parent",
                                format!(
                                    "no {} order numbered {parent} in the file or the database",
                                    o.order.channel
                                ),
                            ));
                            continue;
                        }
                        known.insert((o.order.channel, parent.clone()));
                    }
                    db.order_is_bundle_child(o.order.channel, parent).await?
                }
            };
            if parent_is_child {
                problems.push(row(
                    "bundle_parent",
                    format!("{parent} is itself a bundle child; point to its parent instead"),
                ));
            }
        }
    }
    problems.sort_by_key(|p| p.line);
    Ok(DatabaseCheck { problems, stored })
}

/// One order as a JSON object (SPEC §3), plus `error`, `updated_at` and `shipped_on`.
pub fn order_json(row: &ListedOrder) -> serde_json::Value {
    let o = &row.stored.order;
    let e = &row.evaluation;
    json!({
        "channel": o.channel.code(),
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
    let channels: Vec<Channel> = match args.channel {
        Some(c) => vec![c],
        None => Channel::ALL.to_vec(),
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

    out.line(format!(
        "{} {} {} {} {} {} {}",
        fit("CHANNEL", 7),
        fit(
            if lang == Language::Ja {
                "注文番号"
            } else {
                "NUMBER"
            },
            12
        ),
        fit(
            if lang == Language::Ja {
                "ステータス"
            } else {
                "STATUS"
            },
            10
        ),
        fit(
            if lang == Language::Ja {
                "判定"
            } else {
                "VERDICT"
            },
            10
        ),
        fit(
            if lang == Language::Ja {
                "伝票番号"
            } else {
                "TRACKING"
            },
            30
        ),
        fit(
            if lang == Language::Ja {
                "配送会社"
            } else {
                "CARRIER"
            },
            10
        ),
        if lang == Language::Ja {
            "理由・内容"
        } else {
            "WHY / WHAT"
        },
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
            .map(|v| format!("{} {}", v.code(), counts.get(r.channel, *v)))
            .collect();
        out.line(format!(
            "{}: {} · as of {} · period {} days from {}",
            r.channel,
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
        fit(o.channel.code(), 7),
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
