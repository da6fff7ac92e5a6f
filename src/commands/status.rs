//! `hassou status`: what the schedule of each store is doing, as every console sharing the
//! database sees it — who holds the lease, each job's setting, state, next run, last run and
//! failures, the watch mode, and how many orders wait in each verdict.

use crate::domain::Channel;
use crate::text::Phrase;
use serde_json::json;

use super::output::fit;
use super::{Context, Failure, Out};
use crate::cli::{RuleOverrides, StatusArgs};
use crate::db::{Db, ListFilter};
use crate::domain::job::JobKind;
use crate::domain::{Store, Verdict};
use crate::scheduler::ScheduleView;
use crate::text::schedule::{job_line, lease_line};

/// SPEC §3: each store's operational settings, with the rule option of that store only.
pub(super) fn settings_json(
    store: Store,
    s: &crate::settings::OperationalSettings,
) -> serde_json::Value {
    let mut value = json!({
        "period_days": s.rules.period.days(),
        "pull_days": s.pull_days,
        "auto_sync": s.auto_sync,
        "auto_pull": s.auto_pull,
        "watch": s.watch,
        "active_hours": s.window.hours.map(|h| h.to_string()),
        "active_days": s.window.days.to_string(),
        "skip_holidays": s.window.skip_holidays,
        "auto_reconcile_every_secs": s.auto_reconcile_every.map(|d| d.as_secs()),
    });
    match store.channel() {
        Channel::Shopify => value["statuses"] = json!(s.rules.statuses.code()),
        Channel::Colorme => value["shipped_date_only"] = json!(s.rules.shipped_date_only),
    }
    value
}

pub async fn status(ctx: &Context, args: &StatusArgs, out: &mut Out) -> Result<u8, Failure> {
    let db = ctx.open_db().await?;
    let lang = ctx.config.language;
    let tz = ctx.config.timezone.offset();
    let mut problems = 0;
    // Names the alert destinations (built once: it holds an HTTP client).
    let alerting = crate::alerts::Alerting::new(&ctx.config);
    for channel in ctx.config.store_list() {
        let view = ScheduleView::read(&db, channel, &ctx.config.initial_settings(channel)).await?;
        let (settings, lease) = (view.settings, view.lease.as_ref());
        let live = view.live_lease(ctx.now).is_some();
        let job = |kind: JobKind| view.job(kind, ctx.now);
        let counts = verdict_counts(ctx, &db, channel).await?;
        let health = view.health(&counts, ctx.config.health_rules(), ctx.now);
        let last_reconcile = db.last_reconcile(channel).await?;
        // Alert destinations that keep failing (a day of given-up alerts, or alerts waiting).
        let troubles: Vec<String> = db
            .alert_destinations(channel, ctx.now - chrono::Duration::days(1))
            .await?
            .iter()
            .filter(|d| d.given_up > 0 || d.last_error.is_some())
            .map(|d| {
                crate::text::alerts::destination_trouble(
                    &alerting.label(&d.destination),
                    d.waiting,
                    d.given_up,
                    lang,
                )
            })
            .collect();
        if args.check {
            // Only what is wrong, one line each (a store nobody configured is not a problem).
            if health.state != crate::domain::health::HealthState::Ok {
                problems += 1;
                out.line(format!(
                    "{}: {}",
                    crate::text::store(channel, lang),
                    crate::text::health(&health, lang)
                ));
            }
            for trouble in &troubles {
                out.line(format!("{}: {trouble}", crate::text::store(channel, lang)));
            }
            continue;
        }
        if args.json {
            let job_json = |name: JobKind, enabled: bool, every: std::time::Duration| {
                json!({
                    "enabled": enabled,
                    "every_secs": every.as_secs(),
                    "published_by": job(name).map(|(p, _)| p.holder.clone()),
                    "live": job(name).is_some_and(|(_, live)| live),
                    "status": job(name).map(|(p, _)| &p.status),
                })
            };
            let line = json!({
                "store": channel.name(),
                "channel": channel.channel().code(),
                "lease": lease.map(|l| json!({
                    "holder": l.holder,
                    "expires_at": l.expires_at,
                    "live": live,
                })),
                "health": {
                    "state": health.state,
                    "reasons": health.reasons,
                    "last_run": job(JobKind::Sync).map(|(p, _)| json!({
                        "job": "sync",
                        "at": p.status.started_at,
                        "ok": p.status.consecutive_failures == 0,
                        "counts": p.status.last_counts,
                    })),
                    "consecutive_failures": job(JobKind::Sync).map_or(0, |(p, _)| p.status.consecutive_failures),
                    "refused_mails": view.refused_mails,
                    "oldest_pending_at": counts.oldest_pending(channel),
                    "alerts_undelivered": troubles,
                },
                "pull": job_json(JobKind::Pull, settings.auto_pull, settings.auto_pull_every),
                "sync": job_json(JobKind::Sync, settings.auto_sync, settings.auto_sync_every),
                "watch": {"enabled": settings.watch, "debounce_secs": settings.watch_debounce.as_secs()},
                "settings": settings_json(channel, &settings),
                "reconcile": last_reconcile.as_ref().map(|r| json!({
                    "started_at": r.started_at,
                    "finished_at": r.finished_at,
                    "by": r.run_by,
                    "checked": r.checked,
                    "agree": r.agree,
                    "drift": r.drifted,
                    "error": r.error,
                })),
                "orders": Verdict::ALL.iter().map(|v| (v.code(), counts.get(channel, *v))).collect::<std::collections::BTreeMap<_, _>>(),
            });
            out.json(&line);
            continue;
        }
        out.line(format!(
            "{channel}: {}",
            lease_line(lease, ctx.now, tz, lang)
        ));
        out.line(format!(
            "  {} {}",
            fit(Phrase::Health.get(lang), 8),
            crate::text::health(&health, lang)
        ));
        let (pull_word, sync_word, watch_word, orders_word) = (
            Phrase::PullJob.get(lang),
            Phrase::SyncJob.get(lang),
            Phrase::WatchJob.get(lang),
            Phrase::Orders.get(lang),
        );
        for (word, name, enabled, interval) in [
            (
                pull_word,
                JobKind::Pull,
                settings.auto_pull,
                settings.auto_pull_every,
            ),
            (
                sync_word,
                JobKind::Sync,
                settings.auto_sync,
                settings.auto_sync_every,
            ),
        ] {
            let published = job(name);
            let line = job_line(
                enabled,
                interval,
                published.map(|(p, _)| &p.status),
                published.is_some_and(|(_, live)| live),
                tz,
                lang,
            );
            out.line(format!("  {} {line}", fit(word, 8)));
        }
        for trouble in &troubles {
            out.line(format!("  {} {trouble}", fit("", 8)));
        }
        if let Some(r) = &last_reconcile {
            let at = r
                .started_at
                .with_timezone(&tz)
                .format("%m-%d %H:%M")
                .to_string();
            out.line(format!(
                "  {} {}",
                fit(Phrase::Reconcile.get(lang), 8),
                crate::text::Tell::LastReconcile {
                    at: &at,
                    by: &crate::text::visible(&r.run_by),
                    checked: u64::try_from(r.checked).unwrap_or(0),
                    agree: u64::try_from(r.agree).unwrap_or(0),
                    drift: u64::try_from(r.drifted).unwrap_or(0),
                    failed: r.error.is_some() || r.finished_at.is_none(),
                }
                .get(lang)
            ));
        }
        let watch =
            crate::text::schedule::watch_line(settings.watch, settings.watch_debounce, lang);
        out.line(format!("  {} {watch}", fit(watch_word, 8)));
        if !settings.window.is_always() {
            let (name, _) = crate::text::settings::label(
                crate::console::settings_form::Row::ActiveHours,
                &settings,
                channel,
                lang,
            );
            let window = crate::text::settings::window_words(&settings.window, lang);
            out.line(format!("  {} {window}", fit(&name, 8)));
        }
        let parts: Vec<String> = Verdict::ALL
            .iter()
            .map(|v| {
                format!(
                    "{} {}",
                    crate::text::verdict(*v, lang),
                    counts.get(channel, *v)
                )
            })
            .collect();
        out.line(format!("  {} {}", fit(orders_word, 8), parts.join(" · ")));
    }
    // --check: 0 only when every store is ok (1: some store is not).
    Ok(u8::from(problems > 0))
}

async fn verdict_counts(
    ctx: &Context,
    db: &Db,
    store: Store,
) -> Result<crate::db::VerdictCounts, Failure> {
    let rules = ctx.rules(db, &[store], &RuleOverrides::default()).await?;
    Ok(db.verdict_counts(&ListFilter::new(rules)).await?)
}
