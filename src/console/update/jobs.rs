//! Reports from background work: a job's status, a plan made, an order saved, a run's events.

use super::*;

/// A job of this process finished a run: say how it went (a sync's own events say the rest).
pub(super) fn job_status(
    app: &mut App,
    channel: Channel,
    job: JobKind,
    status: &JobStatus,
) -> Vec<Cmd> {
    let seen = app
        .job_runs
        .insert((channel, job), status.runs)
        .unwrap_or(0);
    if status.running || status.runs <= seen {
        return vec![];
    }
    let ja = app.ja();
    if status.consecutive_failures > 0 {
        let error = crate::text::failure(
            status.last_cause.unwrap_or(crate::domain::Cause::Refused),
            status.last_error.as_deref().unwrap_or_default(),
            Some(channel),
            app.lang,
        );
        let word = match (job, ja) {
            (JobKind::Pull, true) => "受注取得",
            (JobKind::Sync, true) => "発送情報の更新",
            (other, false) => other.code(),
        };
        app.push_store_log(channel, format!("{channel} {word}: {error}"), true);
        return vec![Cmd::LoadSchedules];
    }
    if job == JobKind::Pull
        && status.last_skipped.is_none()
        && let Some(c) = &status.last_counts
    {
        let text = if ja {
            format!(
                "{channel} 受注取得: {}件 (追加・変更 {}件)",
                c.considered, c.written
            )
        } else {
            format!(
                "{channel} pull: {} orders ({} new or changed)",
                c.considered, c.written
            )
        };
        app.push_store_log(channel, text, false);
        return vec![reload(app, true), Cmd::LoadSchedules];
    }
    vec![]
}

/// A plan came back: shown for confirmation, or said to be empty.
pub(super) fn planned(app: &mut App, result: Result<SyncPlan, Problem>) -> Vec<Cmd> {
    match result {
        Ok(plan) if plan.items.is_empty() => {
            let channel = plan.channel;
            app.push_store_log(
                channel,
                match app.lang {
                    crate::config::Language::Ja => {
                        format!("{channel}: 送信するものはありません (何も送っていません)")
                    }
                    crate::config::Language::En => {
                        format!("{channel}: nothing to send (nothing was sent)")
                    }
                },
                false,
            );
        }
        Ok(plan) => {
            // A plan arriving while a form or question is open waits for nothing: it replaces
            // only the list or detail, never an edit in progress.
            if matches!(app.mode, Mode::List | Mode::Detail | Mode::Search) {
                let back = Box::new(std::mem::replace(&mut app.mode, Mode::List));
                app.mode = Mode::Confirm(Box::new(Confirm {
                    plan,
                    scroll: 0,
                    back,
                }));
            }
        }
        Err(e) => app.push_problem(None, &e),
    }
    vec![]
}

pub(super) fn saved(app: &mut App, result: Result<ListedOrder, Problem>) -> Vec<Cmd> {
    match result {
        Ok(row) => {
            let text = format!(
                "{} {}: {}",
                row.stored.order.channel,
                row.stored.order.number,
                crate::text::verdict(row.evaluation.verdict, app.lang)
            );
            app.push_log(text, false);
            let id = row.stored.id;
            if let Some(detail) = &mut app.detail {
                detail.row = row;
            }
            app.mode = Mode::Detail;
            vec![Cmd::LoadDetail(id), reload(app, true)]
        }
        Err(e) => {
            // The form stays open with what the operator typed: nothing is lost.
            if let Mode::Edit(form) = &mut app.mode {
                form.error = Some(crate::text::problem(&e, None, app.lang));
            } else {
                app.push_problem(None, &e);
            }
            vec![]
        }
    }
}

pub(super) fn sync_event(app: &mut App, channel: Channel, event: SyncEvent) -> Vec<Cmd> {
    let ja = app.ja();
    match event {
        SyncEvent::RunStarted {
            planned, dry_run, ..
        } => {
            app.progress.insert(
                channel,
                Progress {
                    dry_run,
                    started_at: app.now,
                    stopping: false,
                    planned,
                    done: 0,
                    current: None,
                },
            );
            let text = match (dry_run, ja) {
                (true, true) => format!("{channel} 送信内容の確認: {planned}件"),
                (true, false) => format!("{channel} dry run: {planned} orders"),
                (false, true) => format!("{channel} 発送情報の更新を開始: {planned}件"),
                (false, false) => format!("{channel} sync started: {planned} orders"),
            };
            app.push_store_log(channel, text, false);
        }
        SyncEvent::OrderStarted { number } => {
            if let Some(p) = app.progress.get_mut(&channel) {
                p.current = Some(number);
            }
        }
        SyncEvent::OrderWritten { number, outcome } => {
            step(app, channel);
            let outcome = ResultOutcome::from(outcome);
            app.push_store_log(
                channel,
                format!(
                    "{channel} {number}: {}",
                    crate::text::outcome_word(outcome, app.lang)
                ),
                false,
            );
        }
        SyncEvent::OrderSkipped { .. } => step(app, channel),
        SyncEvent::WouldWrite {
            number, planned, ..
        } => {
            step(app, channel);
            let word = Phrase::WouldSend.get(app.lang);
            let what = crate::text::planned(&planned, app.lang);
            app.push_store_log(channel, format!("{channel} {number} {word}: {what}"), false);
        }
        SyncEvent::OrderFailed {
            number,
            error,
            cause,
        } => {
            step(app, channel);
            let error = crate::text::failure(cause, &error, Some(channel), app.lang);
            app.push_store_log(channel, format!("{channel} {number}: {error}"), true);
        }
        SyncEvent::RunFinished { report } if report.dry_run => {
            app.progress.remove(&channel);
            let text = if ja {
                format!(
                    "{channel} 確認完了: 送信予定 {}件 · 何も送っていません",
                    report.pending
                )
            } else {
                format!(
                    "{channel} dry run done: {} would be written · nothing was sent",
                    report.pending
                )
            };
            app.push_store_log(channel, text, false);
        }
        SyncEvent::RunFinished { report } => {
            app.progress.remove(&channel);
            let text = if ja {
                format!(
                    "{channel} 更新完了: 書込 {} · 済 {} · 伝票待ち {} · 失敗 {}",
                    report.written, report.already_synced, report.waiting, report.failed
                )
            } else {
                format!(
                    "{channel} sync done: {} written · {} already synced · {} waiting · {} failed",
                    report.written, report.already_synced, report.waiting, report.failed
                )
            };
            app.push_store_log(channel, text, report.failed > 0);
            let mut cmds = vec![reload(app, true), Cmd::LoadSchedules];
            if let Some(detail) = &app.detail {
                cmds.push(Cmd::LoadDetail(detail.row.stored.id));
            }
            return cmds;
        }
    }
    vec![]
}

pub(super) fn step(app: &mut App, channel: Channel) {
    if let Some(p) = app.progress.get_mut(&channel) {
        p.done += 1;
        p.current = None;
    }
}
