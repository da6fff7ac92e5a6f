//! What happens: every key and every report from background work arrives as an owned [`Msg`];
//! [`update`] changes the [`App`] and returns the [`Cmd`]s the runtime must carry out (database
//! reads and writes, runs). No I/O here, so every behaviour is a table test.

mod dialogs;
mod forms;
mod jobs;
mod keys;

// Reports and keys are handled in their own files; `update` dispatches to them.
use self::{dialogs::*, forms::*, jobs::*, keys::*};
use crate::text::{Phrase, Say};
use chrono::{DateTime, Utc};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::backend::crossterm::EventHandler;

use super::command_line::Command;
use super::keymap::{self, Action};
use super::settings_form::{self, ROWS};
use super::state::{
    App, Ask, Confirm, Detail, EditForm, ImportConfirm, ImportPreview, LOG_LINES, Mode, Progress,
    Question, ScheduleView, Switch, Tab,
};
use crate::db::{ListedOrder, OrderEdit, OrderPage};
use crate::domain::{Problem, ShippingWrite, Store, Verdict};
use crate::scheduler::{JobKind, JobStatus};
use crate::settings::OperationalSettings;
use crate::sync::{PlanScope, ResultOutcome, RunReport, SyncEvent, SyncPlan};

/// A report to the console: a key, the clock, or the end of some background work.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Tick(DateTime<Utc>),
    Page {
        generation: u64,
        result: Result<OrderPage, Problem>,
    },
    Detail(Result<Detail, Problem>),
    /// An edit was saved (the order as now judged), or refused.
    Saved(Result<ListedOrder, Problem>),
    Schedules(Vec<ScheduleView>),
    /// A sync run of this process, order by order (scheduled, watch, sync now or dry run).
    Sync(Store, SyncEvent),
    /// A job of this process changed state (its scheduler's status).
    Job {
        store: Store,
        job: JobKind,
        status: JobStatus,
    },
    SettingsSaved(Store, Result<(), Problem>),
    /// A plan to show for confirmation (nothing was sent to make it).
    Plan(Result<SyncPlan, Problem>),
    /// A confirmed run of this console ended (its events said how, order by order).
    RunEnded(Store, Result<RunReport, Problem>),
    /// A carrier file planned for the preview, or why it cannot be imported.
    ImportPlanned(Result<Box<ImportPreview>, Problem>),
    /// A confirmed import was saved (how many orders), or refused.
    Imported(Result<usize, Problem>),
    /// The order `:order NUMBER` asked for, judged (`None`: no such order).
    Found(String, Result<Option<ListedOrder>, Problem>),
    /// What the store holds for an order, read on request (and recorded).
    Reread(i64, Result<Option<ShippingWrite>, Problem>),
    /// Something was written to the database since the last look (by anyone).
    DataChanged,
    /// A shipping mail sent by hand: what came of it.
    MailSent(i64, Result<crate::sync::mail::MailOutcome, Problem>),
    /// How far this process's pull of a store has read.
    PullProgress(Store, crate::channels::PullProgress),
    /// Lines of this process's log (tracing), batched.
    Log(Vec<(bool, String)>),
    /// Something in the background failed in a way the operator must see (about this store).
    Error(Option<Store>, Problem),
    /// Alerts delivered (or given up on) since the last look, by any process.
    Alerts(Vec<AlertNote>),
    /// A drift was settled (hassou's values: `true`), or why not.
    Resolved(i64, bool, Result<(), Problem>),
    /// A reconcile of this console ended: what it found.
    Reconciled(
        Store,
        Result<crate::sync::reconcile::ReconcileReport, Problem>,
    ),
    /// An order was held (`true`) or released, or why not.
    HoldSet(i64, bool, Result<(), Problem>),
    /// The terminal changed size: draw again.
    Redraw,
}

/// An alert that went out (or that hassou gave up on), for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertNote {
    pub store: Store,
    /// The destination as shown (`webhook hooks.slack.com`), never its URL.
    pub destination: String,
    /// What it said, in the shop's language.
    pub summary: String,
    pub delivered: bool,
}

/// What the runtime must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Cmd {
    LoadPage {
        generation: u64,
        store: Option<Store>,
        verdict: Option<Verdict>,
        search: Option<String>,
        offset: u64,
        limit: u64,
    },
    LoadDetail(i64),
    /// Save an operator's edit of the order read at `revision`.
    Save {
        order_id: i64,
        revision: i64,
        edit: OrderEdit,
    },
    LoadSchedules,
    /// Work out what a sync would send, for the operator to confirm; sends nothing.
    Plan(Store, PlanScope),
    /// Run a plan the operator confirmed with `y`.
    RunPlan(SyncPlan),
    /// Stop this console's run of the store after the order in flight.
    StopRun(Store),
    /// Ask every run of the store, in any process, to stop after its order in flight.
    RequestStop(Store),
    /// Read what the store holds for the order (nothing is written).
    Reread(Store, i64),
    /// Send the order's shipping mail now (the operator said yes).
    SendMail(Store, i64),
    /// Find the order numbered so in the store, and open it.
    FindOrder(Store, String),
    /// Read and plan a carrier file (nothing saved).
    PrepareImport(String),
    /// Save a carrier file's changes the operator confirmed.
    SaveImport(Box<ImportPreview>),
    /// Show exactly what a sync would send, sending nothing.
    /// What a run of this scope would send, sent nowhere (`d`; in an order's detail, that order).
    DryRun(Store, PlanScope),
    PullNow(Store),
    SaveSettings(Store, OperationalSettings),
    /// Ring the terminal bell (a run failed and `[alerts] bell` is on).
    Bell,
    /// Read the store back and record what differs (nothing is written to it).
    Reconcile(Store),
    /// Settle the order's drift the way the operator said yes to.
    Resolve {
        order_id: i64,
        ours: bool,
    },
    /// Hold the order (with the operator's words) or release it (`None`).
    SetHold {
        order_id: i64,
        hold: Option<String>,
    },
}

/// The bell, when `[alerts] bell` is on.
pub(super) fn bell(app: &App) -> Option<Cmd> {
    app.bell.then_some(Cmd::Bell)
}

/// Seconds without any write after which the clock reads the page again anyway.
const QUIET_RELOAD_SECS: i64 = 30;

/// The page request for the current filter, from the start of the list.
fn reload(app: &mut App, keep_position: bool) -> Cmd {
    if !keep_position {
        app.offset = 0;
        app.selected = 0;
    }
    app.generation += 1;
    app.loading = true;
    let search = app.search.value().trim();
    Cmd::LoadPage {
        generation: app.generation,
        store: app.store_tab(),
        verdict: app.verdict,
        search: (!search.is_empty()).then(|| search.to_owned()),
        offset: app.offset,
        limit: app.page_size,
    }
}

/// The commands that bring the screen up to date at start.
pub fn start(app: &mut App) -> Vec<Cmd> {
    vec![reload(app, false), Cmd::LoadSchedules]
}

pub fn update(app: &mut App, msg: Msg) -> Vec<Cmd> {
    match msg {
        Msg::Key(key) if key.kind != KeyEventKind::Release => on_key(app, key),
        Msg::Key(_) => vec![],
        Msg::Tick(now) => {
            app.now = now;
            // The schedule as every process sees it, and the list, which other processes may
            // have changed (kept in place) — read again when something was written since, when
            // the clock passed a window's edge (an order left or entered it), or after a quiet
            // half minute.
            let mut cmds = vec![Cmd::LoadSchedules];
            let quiet_too_long = app
                .last_tick_reload
                .is_none_or(|at| now - at >= chrono::Duration::seconds(QUIET_RELOAD_SECS));
            let edge_passed = app
                .page
                .as_ref()
                .and_then(|p| p.counts.next_change())
                .is_some_and(|edge| now >= edge);
            if !app.loading
                && matches!(app.mode, Mode::List)
                && (app.data_changed || quiet_too_long || edge_passed)
            {
                app.data_changed = false;
                app.last_tick_reload = Some(now);
                cmds.push(reload(app, true));
            }
            cmds
        }
        Msg::DataChanged => {
            app.data_changed = true;
            vec![]
        }
        Msg::Page { generation, result } => {
            if generation != app.generation {
                return vec![];
            }
            app.loading = false;
            match result {
                Ok(page) => {
                    app.page = Some(page);
                    app.follow_selection();
                }
                Err(e) => app.push_problem(app.store_tab(), &e),
            }
            vec![]
        }
        Msg::Detail(result) => {
            match result {
                Ok(detail) => app.detail = Some(detail),
                Err(e) => app.push_problem(None, &e),
            }
            vec![]
        }
        Msg::Saved(result) => saved(app, result),
        Msg::Schedules(views) => {
            app.schedules = views.into_iter().map(|v| (v.store, v)).collect();
            vec![]
        }
        Msg::Sync(channel, event) => sync_event(app, channel, event),
        Msg::Job {
            store: channel,
            job,
            status,
        } => job_status(app, channel, job, &status),
        Msg::SettingsSaved(channel, result) => {
            if let Err(e) = result {
                app.push_problem(Some(channel), &e);
            }
            vec![Cmd::LoadSchedules]
        }
        Msg::Plan(result) => planned(app, result),
        Msg::RunEnded(channel, result) => {
            app.runs.remove(&channel);
            app.progress.remove(&channel);
            let mut cmds = vec![reload(app, true), Cmd::LoadSchedules];
            if let Err(e) = result {
                app.push_problem(Some(channel), &e);
                cmds.extend(bell(app));
            }
            cmds
        }
        Msg::ImportPlanned(result) => {
            match result {
                Ok(preview) if matches!(app.mode, Mode::List | Mode::Detail) => {
                    let back = Box::new(std::mem::replace(&mut app.mode, Mode::List));
                    let lines = crate::text::import_report::lines(
                        &preview.path,
                        true,
                        &preview.summary,
                        &preview.plan,
                        app.lang,
                    );
                    let short = preview
                        .plan
                        .orders
                        .iter()
                        .map(|o| crate::text::import_report::order_line_short(o, app.lang))
                        .collect();
                    app.mode = Mode::ConfirmImport(Box::new(ImportConfirm {
                        short,
                        preview: *preview,
                        lines,
                        scroll: 0,
                        back,
                    }));
                }
                Ok(_) => {}
                // Said in the command line it came from, with the command to correct.
                Err(e) => {
                    command_line_error(app, crate::text::problem(&e, Default::default(), app.lang))
                }
            }
            vec![]
        }
        Msg::Imported(result) => {
            match result {
                Ok(n) => app.push_log(Say::CarrierFileSaved(n).get(app.lang), false),
                Err(e) => app.push_problem(None, &e),
            }
            vec![reload(app, true), Cmd::LoadSchedules]
        }
        Msg::Found(number, result) => match result {
            Ok(Some(row)) => {
                let id = row.stored.id;
                app.selected_id = Some(id);
                app.detail = Some(Detail {
                    row,
                    attempts: Vec::new(),
                });
                app.mode = Mode::Detail;
                vec![Cmd::LoadDetail(id)]
            }
            Ok(None) => {
                command_line_error(app, Say::NoOrderNumbered(&number).get(app.lang));
                vec![]
            }
            Err(e) => {
                app.push_problem(app.store_tab(), &e);
                vec![]
            }
        },
        Msg::Reread(id, result) => {
            match result {
                Ok(held) => {
                    let what = match held {
                        Some(w) => crate::text::held(&w, app.lang),
                        None => Say::NothingHeld.get(app.lang),
                    };
                    app.push_log(Say::ReadFromStore(&what).get(app.lang), false);
                }
                Err(e) => {
                    let store = app.detail.as_ref().map(|d| d.row.stored.order.store);
                    app.push_problem(store, &e);
                }
            }
            vec![Cmd::LoadDetail(id), reload(app, true)]
        }
        Msg::MailSent(id, result) => {
            use crate::sync::mail::MailOutcome;
            let (text, error) = match result {
                Ok(MailOutcome::Sent) => (Say::MailSentNow.get(app.lang), false),
                Err(e) => (crate::text::problem(&e, Default::default(), app.lang), true),
                Ok(MailOutcome::PerhapsSent(e)) | Ok(MailOutcome::NotSent { message: e, .. }) => {
                    (Say::MailNotSent(&e).get(app.lang), true)
                }
                Ok(MailOutcome::AlreadySent(_)) => (Say::MailSentBefore.get(app.lang), true),
                Ok(MailOutcome::StoreSaysSent) => {
                    (Phrase::MailStoreSaysSent.get(app.lang).to_owned(), true)
                }
                Ok(MailOutcome::Busy) => (Phrase::OrderBeingWritten.get(app.lang).to_owned(), true),
            };
            app.push_log(text, error);
            vec![Cmd::LoadDetail(id)]
        }
        Msg::Log(lines) => {
            for (error, text) in lines {
                app.push_log(text, error);
            }
            vec![]
        }
        Msg::Error(store, e) => {
            app.push_problem(store, &e);
            vec![]
        }
        Msg::PullProgress(channel, progress) => {
            if progress.running {
                app.pulls.insert(channel, progress);
            } else {
                app.pulls.remove(&channel);
            }
            vec![]
        }
        Msg::Resolved(id, ours, result) => {
            match result {
                Ok(()) => {
                    let text = Say::ResolvedInConsole {
                        ours,
                        by: &app.operator,
                    }
                    .get(app.lang);
                    app.push_log(text, false);
                }
                Err(e) => app.push_problem(None, &e),
            }
            vec![reload(app, true), Cmd::LoadDetail(id)]
        }
        Msg::Reconciled(channel, result) => {
            app.reconciling.remove(&channel);
            match result {
                Ok(report) => {
                    let store = crate::text::store(channel, app.lang);
                    let text = Say::Reconciled {
                        store,
                        checked: report.checked,
                        agree: report.agree,
                        drift: report.drift.iter().filter(|f| f.kind.is_verdict()).count() as u64,
                    }
                    .get(app.lang);
                    app.push_store_log(channel, text, !report.drift.is_empty());
                    for f in &report.drift {
                        let text = format!(
                            "{store} {}: {}",
                            crate::text::visible(&f.number),
                            crate::text::drift_kind(f.kind, app.lang)
                        );
                        app.push_store_log(channel, text, true);
                    }
                }
                Err(e) => app.push_problem(Some(channel), &e),
            }
            vec![reload(app, true), Cmd::LoadSchedules]
        }
        Msg::HoldSet(id, held, result) => {
            match result {
                Ok(()) => {
                    let number = app
                        .detail
                        .as_ref()
                        .filter(|d| d.row.stored.id == id)
                        .map(|d| d.row.stored.order.number.clone())
                        .or_else(|| {
                            app.rows()
                                .iter()
                                .find(|r| r.stored.id == id)
                                .map(|r| r.stored.order.number.clone())
                        })
                        .unwrap_or_default();
                    let text = Say::HoldChanged {
                        number: &number,
                        held,
                        by: &app.operator,
                    }
                    .get(app.lang);
                    app.push_log(text, false);
                }
                Err(e) => app.push_problem(None, &e),
            }
            let mut cmds = vec![reload(app, true)];
            if app.detail.as_ref().is_some_and(|d| d.row.stored.id == id) {
                cmds.push(Cmd::LoadDetail(id));
            }
            cmds
        }
        Msg::Alerts(notes) => {
            for note in notes {
                let text = crate::text::alerts::delivery(
                    &note.destination,
                    &note.summary,
                    note.delivered,
                    app.lang,
                );
                app.push_store_log(note.store, text, !note.delivered);
            }
            vec![]
        }
        Msg::Redraw => vec![],
    }
}

#[cfg(test)]
mod tests;
