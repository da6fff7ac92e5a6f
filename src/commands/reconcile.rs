//! `hassou reconcile STORE [--days N] [--json]` (SPEC §3 "Reading the store back"): what the
//! store really holds against what hassou confirmed; a table (or one JSON object) of the drifts
//! with advice; exit 0 when everything agrees, 1 when something drifted.

use serde_json::json;

use super::{Context, Failure, Out, operator};
use crate::cli::PullArgs;
use crate::domain::ShippingWrite;
use crate::domain::drift::StoreReading;
use crate::settings::check_pull_days;
use crate::sync::reconcile::reconcile_with as run;
use crate::text::{self, Tell};

fn values(w: Option<&ShippingWrite>) -> serde_json::Value {
    match w {
        Some(ShippingWrite::Shopify { tracking, carrier }) => json!({
            "tracking": tracking,
            "carrier": carrier.as_ref().map(|c| c.code().to_owned()),
            "delivered": serde_json::Value::Null,
        }),
        Some(ShippingWrite::Colorme { slips, delivered }) => json!({
            "tracking": slips,
            "carrier": serde_json::Value::Null,
            "delivered": delivered,
        }),
        None => json!({"tracking": [], "carrier": null, "delivered": false}),
    }
}

fn store_values(s: &StoreReading) -> serde_json::Value {
    let mut v = values(s.held.as_ref());
    v["status"] = json!(s.status);
    v
}

pub async fn reconcile(ctx: &Context, args: &PullArgs, out: &mut Out) -> Result<u8, Failure> {
    let stores = super::chosen_stores(ctx, &args.stores, args.all)?;
    super::each_store(&stores, out, |store, mut out| async move {
        let args = PullArgs {
            channel: store,
            ..args.clone()
        };
        let result = reconcile_one(ctx, &args, &mut out).await;
        (out, result)
    })
    .await
}

async fn reconcile_one(ctx: &Context, args: &PullArgs, out: &mut Out) -> Result<u8, Failure> {
    let lang = ctx.config.language;
    let connector = crate::stores::connector(&ctx.config, args.channel).map_err(Failure::input)?;
    let db = ctx.open_db().await?;
    let settings = db
        .settings_or_init(
            args.channel,
            &ctx.config.initial_settings(args.channel),
            "config",
            ctx.now,
        )
        .await?;
    let days = check_pull_days(args.days.unwrap_or(settings.pull_days))
        .map_err(|m| Failure::input(format!("--days: {m}")))?;
    let rules = crate::domain::ChannelRules::new(
        args.channel,
        settings.rules,
        ctx.now,
        ctx.config.timezone,
    );
    let since = ctx.now - chrono::Duration::days(i64::from(days));
    let stale_after = ctx.config.alerts.stale_after;
    let report = run(&db, &connector, &rules, since, &operator(), stale_after)
        .await
        .map_err(|p| {
            let words = text::problem(&p, text::At::store(args.channel, None), lang);
            if p.cause == crate::domain::Cause::Unreachable {
                Failure::temporary(words)
            } else {
                Failure::input(words)
            }
        })?;
    db.close().await;
    let store = text::store(args.channel, lang);
    if args.json {
        out.json(&json!({
            "store": args.channel.name(),
            "checked": report.checked,
            "agree": report.agree,
            "busy": report.busy,
            "drift": report.drift.iter().map(|f| json!({
                "number": f.number,
                "kind": f.kind.code(),
                "hassou": values(f.hassou.as_ref()),
                "store": store_values(&f.store),
                "advice": text::drift_advice(f.kind, &f.number, lang),
            })).collect::<Vec<_>>(),
        }));
    } else {
        out.line(
            Tell::Reconciled {
                store,
                checked: report.checked,
                agree: report.agree,
                drift: report.drift.iter().filter(|f| f.kind.is_verdict()).count() as u64,
                busy: report.busy,
            }
            .get(lang),
        );
        for f in &report.drift {
            out.line(format!(
                "  {:<12} {}",
                text::visible(&f.number),
                text::drift_kind(f.kind, lang)
            ));
            let hassou = f
                .hassou
                .as_ref()
                .map_or_else(|| "—".to_owned(), |w| text::held(w, lang));
            let theirs = f
                .store
                .held
                .as_ref()
                .map_or_else(|| "—".to_owned(), |w| text::held(w, lang));
            out.line(format!("  {:<12} hassou: {hassou}", ""));
            out.line(format!(
                "  {:<12} {store}: {theirs} ({})",
                "",
                text::store_status(&f.store.status, lang)
            ));
            out.line(format!(
                "  {:<12} {}",
                "",
                text::drift_advice(f.kind, &f.number, lang)
            ));
        }
    }
    // Exit 1 for a drift (a verdict); not_written is reported, not a drift of the store.
    Ok(u8::from(report.drift.iter().any(|f| f.kind.is_verdict())))
}

/// `hassou order N resolve --ours|--store-values [--yes]`: settles the order's drift.
pub async fn resolve(
    ctx: &Context,
    number: &str,
    channel: Option<crate::domain::Store>,
    ours: bool,
    yes: bool,
    out: &mut Out,
) -> Result<u8, Failure> {
    let lang = ctx.config.language;
    let db = ctx.open_db().await?;
    let stored = super::order::find_one(ctx, &db, number, channel).await?;
    let Some(drift) = stored.remote.drift.clone() else {
        return Err(Failure::input(
            Tell::NoDrift(&text::visible(&stored.order.number)).get(lang),
        ));
    };
    let store = text::store(stored.order.store, lang);
    let theirs = drift
        .store
        .held
        .as_ref()
        .map_or_else(|| "—".to_owned(), |w| text::held(w, lang));
    out.line(format!(
        "{store} {}: {}",
        text::visible(&stored.order.number),
        text::drift_kind(drift.kind, lang)
    ));
    out.line(
        Tell::ResolvePlan {
            ours,
            store: &theirs,
        }
        .get(lang),
    );
    if !yes {
        db.close().await;
        return Err(Failure::input(Tell::ConfirmationNeeded.get(lang)));
    }
    crate::sync::reconcile::settle(&db, &stored, ours, ctx.now).await?;
    tracing::info!(order = %stored.order.number, by = %operator(), ours, "drift resolved");
    out.line(Tell::Resolved { ours }.get(lang));
    db.close().await;
    Ok(0)
}
