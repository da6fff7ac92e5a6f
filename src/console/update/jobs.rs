//! Reports from background work: a job's status, a plan made, an order saved, a run's events.

use super::*;

/// A job of this process finished a run: say how it went (a sync's own events say the rest).
pub(super) fn job_status(
    app: &mut App,
    channel: Store,
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
    let store = crate::text::store(channel, app.lang);
    if status.consecutive_failures > 0 {
        let error = crate::text::failure(
            status.last_cause.unwrap_or(crate::domain::Cause::Refused),
            status.last_error.as_deref().unwrap_or_default(),
            app.at(channel),
            app.lang,
        );
        let text = Say::JobFailed {
            store,
            pull: job == JobKind::Pull,
            error: &error,
        }
        .get(app.lang);
        app.push_store_log(channel, text, true);
        let mut cmds = vec![Cmd::LoadSchedules];
        cmds.extend(super::bell(app));
        return cmds;
    }
    if job == JobKind::Pull
        && status.last_skipped.is_none()
        && let Some(c) = &status.last_counts
    {
        let text = Say::PullDone {
            store,
            orders: c.considered,
            changed: c.written,
        }
        .get(app.lang);
        app.push_store_log(channel, text, false);
        return vec![reload(app, true), Cmd::LoadSchedules];
    }
    vec![]
}

/// A plan came back: shown for confirmation, or said to be empty.
pub(super) fn planned(app: &mut App, result: Result<SyncPlan, Problem>) -> Vec<Cmd> {
    let switch = match (&result, app.switching) {
        (Ok(plan), Some((channel, switch))) if plan.channel == channel => {
            app.switching = None;
            Some(switch)
        }
        (Err(_), Some(_)) => {
            app.switching = None;
            None
        }
        _ => None,
    };
    match result {
        Ok(plan) if plan.items.is_empty() => {
            let channel = plan.channel;
            if let Some(switch) = switch {
                // Nothing to write now: turning it on writes nothing, so no question.
                return switch_on(app, channel, switch);
            }
            let store = crate::text::store(channel, app.lang);
            app.push_store_log(channel, Say::NothingToSend(store).get(app.lang), false);
        }
        Ok(plan) => {
            // A plan arriving while a form or question is open waits for nothing: it replaces
            // only the list, the detail or the settings, never an edit in progress.
            if matches!(
                app.mode,
                Mode::List | Mode::Detail | Mode::Search | Mode::Settings { .. }
            ) {
                let back = Box::new(std::mem::replace(&mut app.mode, Mode::List));
                app.mode = Mode::Confirm(Box::new(Confirm {
                    plan,
                    scroll: 0,
                    back,
                    switch,
                }));
            }
        }
        Err(e) => app.push_problem(None, &e),
    }
    vec![]
}

/// Asks to turn on what writes by itself: first the plan of what it would write now.
pub(super) fn ask_to_switch_on(app: &mut App, switch: Switch) -> Vec<Cmd> {
    let Some(channel) = app.store_tab().or(match app.mode {
        Mode::Settings { store: channel, .. } => Some(channel),
        _ => None,
    }) else {
        return vec![];
    };
    if !app.stores.contains(&channel) {
        let store = crate::text::store(channel, app.lang);
        app.push_log(Say::NotConfigured(store).get(app.lang), true);
        return vec![];
    }
    app.switching = Some((channel, switch));
    vec![Cmd::Plan(channel, PlanScope::Pending)]
}

/// Turns the switch on for every process (the operator confirmed, or there was nothing to
/// write), said in the log with who.
pub(super) fn switch_on(app: &mut App, store: Store, switch: Switch) -> Vec<Cmd> {
    let Some(view) = app.schedules.get_mut(&store) else {
        return vec![];
    };
    let before = view.settings;
    match switch {
        Switch::AutoSync => view.settings.auto_sync = true,
        Switch::Watch => view.settings.watch = true,
    }
    let after = view.settings;
    log_setting_change(app, store, &before, &after);
    vec![Cmd::SaveSettings(store, after), Cmd::LoadSchedules]
}

pub(super) fn saved(app: &mut App, result: Result<ListedOrder, Problem>) -> Vec<Cmd> {
    match result {
        Ok(row) => {
            let text = format!(
                "{} {}: {}",
                row.stored.order.store,
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
                form.error = Some(crate::text::problem(&e, Default::default(), app.lang));
            } else {
                app.push_problem(None, &e);
            }
            vec![]
        }
    }
}

pub(super) fn sync_event(app: &mut App, channel: Store, event: SyncEvent) -> Vec<Cmd> {
    let store = crate::text::store(channel, app.lang);
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
            let text = Say::RunStarted {
                store,
                dry_run,
                planned,
            }
            .get(app.lang);
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
                    "{store} {number}: {}",
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
            app.push_store_log(channel, format!("{store} {number} {word}: {what}"), false);
        }
        SyncEvent::OrderFailed {
            number,
            error,
            cause,
        } => {
            step(app, channel);
            let error = crate::text::failure(cause, &error, app.at(channel), app.lang);
            app.push_store_log(channel, format!("{store} {number}: {error}"), true);
        }
        SyncEvent::RunFinished { report } if report.dry_run => {
            app.progress.remove(&channel);
            let text = Say::DryRunDone {
                store,
                would_write: report.pending,
            }
            .get(app.lang);
            app.push_store_log(channel, text, false);
        }
        SyncEvent::RunFinished { report } => {
            app.progress.remove(&channel);
            let text = Say::SyncDone {
                store,
                counts: &report.counts(),
            }
            .get(app.lang);
            app.push_store_log(channel, text, report.failed > 0);
            let mut cmds = vec![reload(app, true), Cmd::LoadSchedules];
            if report.failed > 0 || report.stopped.is_some() {
                cmds.extend(super::bell(app));
            }
            if let Some(detail) = &app.detail {
                cmds.push(Cmd::LoadDetail(detail.row.stored.id));
            }
            return cmds;
        }
    }
    vec![]
}

pub(super) fn step(app: &mut App, store: Store) {
    if let Some(p) = app.progress.get_mut(&store) {
        p.done += 1;
        p.current = None;
    }
}
