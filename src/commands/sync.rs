//! `hassou sync CHANNEL`: one sync run from the command line. Progress goes to standard error as
//! it happens; the result (a table, or `--json`) to standard output. Ctrl-C stops between
//! orders, finishing and recording the order in flight.

use crate::text::{At, Tell};
use tokio_util::sync::CancellationToken;

use super::{Context, Failure, Out, clock, operator};
use crate::cli::{PullArgs, SyncArgs};
use crate::domain::Store;
use crate::domain::job::Trigger;
use crate::settings::check_pull_days;
use crate::stores::connector;
use crate::sync::pull::{PullError, pull_once};
use crate::sync::{Connector, ResultOutcome, RunReport, SyncEngine, SyncEvent, SyncOptions};

/// `hassou sync STORE`: the store's connector as the configuration describes it, or what is
/// missing from it.
pub async fn sync(ctx: &Context, args: &SyncArgs, out: &mut Out) -> Result<u8, Failure> {
    let stores = super::chosen_stores(ctx, &args.stores, args.all)?;
    super::each_store(&stores, out, |store, mut out| async move {
        let args = SyncArgs {
            channel: store,
            ..args.clone()
        };
        let result = match connector(&ctx.config, store) {
            Ok(connector) => run(ctx, &args, &connector, &mut out).await,
            Err(e) => Err(Failure::input(e)),
        };
        (out, result)
    })
    .await
}

/// `hassou pull STORE…`.
pub async fn pull(ctx: &Context, args: &PullArgs, out: &mut Out) -> Result<u8, Failure> {
    let stores = super::chosen_stores(ctx, &args.stores, args.all)?;
    super::each_store(&stores, out, |store, mut out| async move {
        let args = PullArgs {
            channel: store,
            ..args.clone()
        };
        let result = match connector(&ctx.config, store) {
            Ok(connector) => pull_with(ctx, &args, &connector, &mut out).await,
            Err(e) => Err(Failure::input(e)),
        };
        (out, result)
    })
    .await
}

/// One pull through any connector, recorded as a run.
async fn pull_with<C: Connector>(
    ctx: &Context,
    args: &PullArgs,
    connector: &C,
    out: &mut Out,
) -> Result<u8, Failure> {
    let db = ctx.open_db().await?;
    // A signal stops the pull after the page in flight; nothing of it is recorded.
    let stop = tokio_util::sync::CancellationToken::new();
    let on_signal = stop.clone();
    let lang = ctx.config.language;
    let watcher = tokio::spawn(async move {
        let signal = super::termination().await;
        super::output::stderr_line(Tell::PullStopping(signal).get(lang));
        on_signal.cancel();
    });
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
    let watch = crate::channels::PullWatch {
        progress: std::sync::Arc::new(tokio::sync::watch::Sender::new(Default::default())),
        stop: stop.clone(),
    };
    let pulled = crate::channels::watching_pull(
        watch,
        pull_once(
            &db,
            connector,
            days,
            settings.pull_paid_date,
            Trigger::Cli,
            &operator(),
            clock,
        ),
    )
    .await;
    watcher.abort();
    let summary = match pulled {
        // Stopped by a signal between pages: nothing recorded; try again later (exit 3).
        Err(_) if stop.is_cancelled() => {
            return Err(Failure::temporary(
                Tell::PullStopped.get(ctx.config.language),
            ));
        }
        Ok(summary) => summary,
        Err(PullError::Store(error)) => {
            let lang = ctx.config.language;
            let message = Tell::PullFailed {
                store: crate::text::store(args.channel, lang),
                error: &crate::text::visible(&error.to_string()),
            }
            .get(lang);
            return match error.down {
                // Nothing pulled, nothing changed: try again later (exit 3) or sign in (2).
                Some(crate::sync::StoreDown::Unreachable) => Err(Failure::temporary(format!(
                    "{message} — {}",
                    Tell::NothingRecordedTryLater.get(lang)
                ))),
                Some(crate::sync::StoreDown::TokenRejected) => Err(Failure::input(format!(
                    "{message} — {}",
                    crate::text::sign_in_again(args.channel, ctx.config.language)
                ))),
                None => {
                    super::output::stderr_line(message);
                    Ok(1)
                }
            };
        }
        Err(PullError::Db(e)) => return Err(e.into()),
    };
    if args.json {
        let mut value = store_first(args.channel, &summary);
        value["days"] = days.into();
        out.json(&value);
    } else {
        out.line(crate::text::pull_summary(
            args.channel,
            days,
            &summary,
            ctx.config.language,
        ));
    }
    Ok(0)
}

async fn run<C: Connector>(
    ctx: &Context,
    args: &SyncArgs,
    connector: &C,
    out: &mut Out,
) -> Result<u8, Failure> {
    let db = ctx.open_db().await?;
    let rules = ctx.rules(&db, &[args.channel], &args.rules).await?;
    let options = SyncOptions {
        dry_run: args.dry_run,
        trigger: Trigger::Cli,
        host: operator(),
    };
    let lang = ctx.config.language;
    let cancel = CancellationToken::new();
    let on_signal = cancel.clone();
    // Ctrl-C, SIGTERM (systemd) and SIGHUP (a closed SSH session): the order in flight is
    // finished and recorded, the rest stay pending.
    tokio::spawn(async move {
        let signal = super::termination().await;
        super::output::stderr_line(Tell::StoppingAfterOrder(signal).get(lang));
        on_signal.cancel();
    });
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let store = args.channel;
    let host = ctx.config.store_host(store);
    let progress_host = host.clone();
    let progress = tokio::spawn(async move {
        let host = progress_host;
        while let Some(event) = rx.recv().await {
            match event {
                SyncEvent::RunStarted {
                    channel,
                    planned,
                    dry_run,
                    ..
                } => super::output::stderr_line(
                    Tell::SyncTargets {
                        store: crate::text::store(channel, lang),
                        planned,
                        dry_run,
                    }
                    .get(lang),
                ),
                // A store's order name or words never start a line of their own.
                SyncEvent::OrderWritten { number, outcome } => {
                    super::output::stderr_line(
                        Tell::OrderOutcome {
                            number: &crate::text::visible(&number),
                            outcome: crate::text::outcome_word(outcome.into(), lang),
                        }
                        .get(lang),
                    );
                }
                SyncEvent::OrderFailed {
                    number,
                    error,
                    cause,
                } => {
                    super::output::stderr_line(format!(
                        "{}: {}",
                        crate::text::visible(&number),
                        crate::text::failure(
                            cause,
                            &error,
                            At::store(store, host.as_deref()),
                            lang
                        )
                    ));
                }
                _ => {}
            }
        }
    });
    let report = SyncEngine::new(&db, connector)
        .with_clock(clock)
        .run(rules[0], &options, Some(&tx), &cancel)
        .await
        .map_err(|e| match e {
            crate::sync::SyncError::Db(e) => Failure::from(e),
            e @ crate::sync::SyncError::Stopped { .. } => Failure::temporary(e.to_string()),
            other => Failure::input(other.to_string()),
        })?;
    drop(tx);
    let _ = progress.await;
    print_report(
        &report,
        args.json,
        host.as_deref(),
        ctx.config.language,
        out,
    );
    // A store that is down stops the run: exit 3 (try again later) or 2 (sign in again); the
    // orders not reached stay pending.
    match report.stopped {
        Some(crate::sync::StoreDown::Unreachable) => {
            return Err(Failure::temporary(
                Tell::RunStoppedUnreachable {
                    store: crate::text::store(args.channel, ctx.config.language),
                    in_a_row: crate::sync::STOP_AFTER_UNREACHABLE,
                }
                .get(ctx.config.language),
            ));
        }
        Some(crate::sync::StoreDown::TokenRejected) => {
            return Err(Failure::input(
                Tell::RunStoppedTokenRejected {
                    store: crate::text::store(args.channel, ctx.config.language),
                    advice: crate::text::sign_in_again(args.channel, ctx.config.language),
                }
                .get(ctx.config.language),
            ));
        }
        None => {}
    }
    // A refused shipping mail needs the operator too: the order is written, its mail is not.
    Ok(if report.failed > 0 || report.mail_refused > 0 {
        1
    } else {
        0
    })
}

/// `value` as a JSON object led by SPEC §3's `"store"` (the store's name) and `"channel"` (its
/// platform), then its own keys in their order.
fn store_first(store: Store, value: &impl serde::Serialize) -> serde_json::Value {
    let mut object = serde_json::Map::new();
    object.insert("store".into(), store.name().into());
    object.insert("channel".into(), store.channel().code().into());
    if let Ok(serde_json::Value::Object(rest)) = serde_json::to_value(value) {
        for (key, v) in rest {
            if key != "store" && key != "channel" {
                object.insert(key, v);
            }
        }
    }
    serde_json::Value::Object(object)
}

fn print_report(
    report: &RunReport,
    json: bool,
    host: Option<&str>,
    lang: crate::config::Language,
    out: &mut Out,
) {
    if json {
        out.json(&store_first(report.channel, report));
        return;
    }
    for r in &report.results {
        let outcome = crate::text::outcome_word(r.outcome, lang);
        // The number and the store's words stay inside their line (SPEC §3).
        let number = crate::text::visible(&r.number);
        if r.outcome == ResultOutcome::Waiting || r.detail.is_empty() {
            out.line(format!("{number:<14}{outcome}"));
        } else {
            let detail = match r.cause {
                Some(cause) => {
                    crate::text::failure(cause, &r.detail, At::store(report.channel, host), lang)
                }
                None => crate::text::visible(&r.detail),
            };
            out.line(format!("{number:<14}{outcome}  {detail}"));
        }
    }
    out.line(crate::text::run_summary(report, lang));
    if let Some(who) = &report.stopped_by {
        out.line(Tell::StoppedBy(&crate::text::visible(who)).get(lang));
    }
}
