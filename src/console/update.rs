//! What happens: every key and every report from background work arrives as an owned [`Msg`];
//! [`update`] changes the [`App`] and returns the [`Cmd`]s the runtime must carry out (database
//! reads and writes, runs). No I/O here, so every behaviour is a table test.

use crate::text::Phrase;
use chrono::{DateTime, Utc};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::backend::crossterm::EventHandler;

use super::command_line::Command;
use super::settings_form::{self, ROWS};
use super::state::{
    App, Ask, Confirm, Detail, EditForm, ImportConfirm, ImportPreview, LOG_LINES, Mode, Progress,
    Question, ScheduleView, Tab,
};
use crate::db::{ListedOrder, OrderEdit, OrderPage};
use crate::domain::{Channel, ShippingWrite, Verdict};
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
        result: Result<OrderPage, String>,
    },
    Detail(Result<Detail, String>),
    /// An edit was saved (the order as now judged), or refused.
    Saved(Result<ListedOrder, String>),
    Schedules(Vec<ScheduleView>),
    /// A sync run of this process, order by order (scheduled, watch, sync now or dry run).
    Sync(Channel, SyncEvent),
    /// A job of this process changed state (its scheduler's status).
    Job {
        channel: Channel,
        job: JobKind,
        status: JobStatus,
    },
    SettingsSaved(Channel, Result<(), String>),
    /// A plan to show for confirmation (nothing was sent to make it).
    Plan(Result<SyncPlan, String>),
    /// A confirmed run of this console ended (its events said how, order by order).
    RunEnded(Channel, Result<RunReport, String>),
    /// A carrier file planned for the preview, or why it cannot be imported.
    ImportPlanned(Result<Box<ImportPreview>, String>),
    /// A confirmed import was saved (how many orders), or refused.
    Imported(Result<usize, String>),
    /// The order `:order NUMBER` asked for, judged (`None`: no such order).
    Found(String, Result<Option<ListedOrder>, String>),
    /// What the store holds for an order, read on request (and recorded).
    Reread(i64, Result<Option<ShippingWrite>, String>),
    /// Something was written to the database since the last look (by anyone).
    DataChanged,
    /// A shipping mail sent by hand: what came of it.
    MailSent(i64, Result<crate::sync::mail::MailOutcome, String>),
    /// Lines of this process's log (tracing), batched.
    Log(Vec<(bool, String)>),
    /// Something in the background failed in a way the operator must see.
    Error(String),
    /// The terminal changed size: draw again.
    Redraw,
}

/// What the runtime must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Cmd {
    LoadPage {
        generation: u64,
        channel: Option<Channel>,
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
    Plan(Channel, PlanScope),
    /// Run a plan the operator confirmed with `y`.
    RunPlan(SyncPlan),
    /// Stop this console's run of the store after the order in flight.
    StopRun(Channel),
    /// Read what the store holds for the order (nothing is written).
    Reread(Channel, i64),
    /// Send the order's shipping mail now (the operator said yes).
    SendMail(Channel, i64),
    /// Find the order numbered so in the store, and open it.
    FindOrder(Channel, String),
    /// Read and plan a carrier file (nothing saved).
    PrepareImport(String),
    /// Save a carrier file's changes the operator confirmed.
    SaveImport(Box<ImportPreview>),
    /// Show exactly what a sync would send, sending nothing.
    DryRun(Channel),
    PullNow(Channel),
    SaveSettings(Channel, OperationalSettings),
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
        channel: app.store_tab(),
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
            // have changed (kept in place) — read and judged again only when something was
            // written since, or after a quiet half minute (the period moves with the clock):
            // a million orders are not judged every 2 s for nothing.
            let mut cmds = vec![Cmd::LoadSchedules];
            let quiet_too_long = app
                .last_tick_reload
                .is_none_or(|at| now - at >= chrono::Duration::seconds(QUIET_RELOAD_SECS));
            if !app.loading
                && matches!(app.mode, Mode::List)
                && (app.data_changed || quiet_too_long)
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
                Err(e) => app.push_log(e, true),
            }
            vec![]
        }
        Msg::Detail(result) => {
            match result {
                Ok(detail) => app.detail = Some(detail),
                Err(e) => app.push_log(e, true),
            }
            vec![]
        }
        Msg::Saved(result) => saved(app, result),
        Msg::Schedules(views) => {
            app.schedules = views.into_iter().map(|v| (v.channel, v)).collect();
            vec![]
        }
        Msg::Sync(channel, event) => sync_event(app, channel, event),
        Msg::Job {
            channel,
            job,
            status,
        } => job_status(app, channel, job, &status),
        Msg::SettingsSaved(channel, result) => {
            if let Err(e) = result {
                app.push_store_log(channel, format!("{channel} settings: {e}"), true);
            }
            vec![Cmd::LoadSchedules]
        }
        Msg::Plan(result) => planned(app, result),
        Msg::RunEnded(channel, result) => {
            app.runs.remove(&channel);
            app.progress.remove(&channel);
            if let Err(e) = result {
                app.push_store_log(channel, format!("{channel}: {e}"), true);
            }
            vec![reload(app, true), Cmd::LoadSchedules]
        }
        Msg::ImportPlanned(result) => {
            match result {
                Ok(preview) if matches!(app.mode, Mode::List | Mode::Detail) => {
                    let back = Box::new(std::mem::replace(&mut app.mode, Mode::List));
                    let lines = crate::shipments::report::lines(
                        &preview.path,
                        true,
                        &preview.summary,
                        &preview.plan,
                        app.lang,
                    );
                    app.mode = Mode::ConfirmImport(Box::new(ImportConfirm {
                        preview: *preview,
                        lines,
                        scroll: 0,
                        back,
                    }));
                }
                Ok(_) => {}
                Err(e) => app.push_log(e, true),
            }
            vec![]
        }
        Msg::Imported(result) => {
            match result {
                Ok(n) => app.push_log(
                    match app.lang {
                        crate::config::Language::Ja => {
                            format!("送り状ファイル: {n}件の注文を保存しました")
                        }
                        crate::config::Language::En => format!("carrier file: {n} orders saved"),
                    },
                    false,
                ),
                Err(e) => app.push_log(e, true),
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
                app.push_log(
                    match app.lang {
                        crate::config::Language::Ja => format!("注文番号 {number} はありません"),
                        crate::config::Language::En => format!("no order numbered {number}"),
                    },
                    true,
                );
                vec![]
            }
            Err(e) => {
                app.push_log(e, true);
                vec![]
            }
        },
        Msg::Reread(id, result) => {
            match result {
                Ok(held) => {
                    let what = match held {
                        Some(w) => crate::text::held(&w, app.lang),
                        None => match app.lang {
                            crate::config::Language::Ja => "伝票番号なし・未発送".into(),
                            crate::config::Language::En => "no tracking, not shipped".into(),
                        },
                    };
                    let text = match app.lang {
                        crate::config::Language::Ja => format!("ストアから読込: {what}"),
                        crate::config::Language::En => format!("read from the store: {what}"),
                    };
                    app.push_log(text, false);
                }
                Err(e) => app.push_log(e, true),
            }
            vec![Cmd::LoadDetail(id), reload(app, true)]
        }
        Msg::MailSent(id, result) => {
            use crate::sync::mail::MailOutcome;
            let ja = app.lang == crate::config::Language::Ja;
            let (text, error) = match result {
                Ok(MailOutcome::Sent) => (
                    if ja {
                        "発送メールを送信しました"
                    } else {
                        "the shipping mail was sent"
                    }
                    .to_owned(),
                    false,
                ),
                Ok(MailOutcome::PerhapsSent(e))
                | Ok(MailOutcome::NotSent { message: e, .. })
                | Err(e) => (
                    if ja {
                        format!("発送メール: {e}")
                    } else {
                        format!("shipping mail: {e}")
                    },
                    true,
                ),
                Ok(MailOutcome::AlreadySent(_)) => (
                    if ja {
                        "発送メールは送信済みです (二度は送りません)"
                    } else {
                        "the shipping mail was sent before (never twice)"
                    }
                    .to_owned(),
                    true,
                ),
                Ok(MailOutcome::StoreSaysSent) => (
                    if ja {
                        "ストアでは発送メールは送信済みです (記録し、再送しません)"
                    } else {
                        "the store says the shipping mail was already sent (recorded, not sent again)"
                    }
                    .to_owned(),
                    true,
                ),
                Ok(MailOutcome::Busy) => (
                    if ja {
                        "別のプロセスがこの注文を書込中です (送信していません)"
                    } else {
                        "another process is writing this order (nothing sent)"
                    }
                    .to_owned(),
                    true,
                ),
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
        Msg::Error(e) => {
            app.push_log(e, true);
            vec![]
        }
        Msg::Redraw => vec![],
    }
}

/// A job of this process finished a run: say how it went (a sync's own events say the rest).
fn job_status(app: &mut App, channel: Channel, job: JobKind, status: &JobStatus) -> Vec<Cmd> {
    let seen = app
        .job_runs
        .insert((channel, job), status.runs)
        .unwrap_or(0);
    if status.running || status.runs <= seen {
        return vec![];
    }
    let ja = app.ja();
    if status.consecutive_failures > 0 {
        let error = crate::text::error_with_advice(
            &status.last_error.clone().unwrap_or_default(),
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
fn planned(app: &mut App, result: Result<SyncPlan, String>) -> Vec<Cmd> {
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
        Err(e) => app.push_log(e, true),
    }
    vec![]
}

fn saved(app: &mut App, result: Result<ListedOrder, String>) -> Vec<Cmd> {
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
                form.error = Some(e);
            } else {
                app.push_log(e, true);
            }
            vec![]
        }
    }
}

fn sync_event(app: &mut App, channel: Channel, event: SyncEvent) -> Vec<Cmd> {
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
        SyncEvent::OrderFailed { number, error } => {
            step(app, channel);
            let error = crate::text::error_with_advice(&error, app.lang);
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

fn step(app: &mut App, channel: Channel) {
    if let Some(p) = app.progress.get_mut(&channel) {
        p.done += 1;
        p.current = None;
    }
}

/// Opens a yes/no question over the current mode.
fn ask(app: &mut App, question: Question) {
    let back = Box::new(std::mem::replace(&mut app.mode, Mode::List));
    app.mode = Mode::Ask(Box::new(Ask { question, back }));
}

/// The store whose run this console would stop: a run it started, else none.
fn running_store(app: &App) -> Option<Channel> {
    app.runs.iter().next().copied()
}

/// `q` (at the top) and Ctrl-C: quit at once when nothing would be lost; otherwise ask.
fn quit_or_ask(app: &mut App) {
    let dirty = matches!(&app.mode, Mode::Edit(form) if form.is_dirty());
    if app.run_active() || dirty {
        ask(app, Question::Quit);
    } else {
        app.quit = true;
    }
}

fn on_key(app: &mut App, key: KeyEvent) -> Vec<Cmd> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && key.code == KeyCode::Char('c') && !matches!(app.mode, Mode::Ask(_)) {
        // While this console writes, Ctrl-C asks to stop the run (after the order in flight).
        match running_store(app) {
            Some(channel) => ask(app, Question::StopRun(channel)),
            None => quit_or_ask(app),
        }
        return vec![];
    }
    match app.mode.clone() {
        Mode::List if app.tab == Tab::Log => log_key(app, key),
        Mode::List => list_key(app, key),
        Mode::Command { input, .. } => command_key(app, input, key),
        Mode::Search => search_key(app, key),
        Mode::Detail => detail_key(app, key),
        Mode::Edit(form) => edit_key(app, form, key),
        Mode::Settings { channel, row } => settings_key(app, channel, row, key),
        Mode::Confirm(confirm) => confirm_key(app, *confirm, key),
        Mode::ConfirmImport(confirm) => import_key(app, *confirm, key),
        Mode::Ask(question) => ask_key(app, *question, key),
        Mode::Help => {
            app.mode = Mode::List;
            vec![]
        }
    }
}

/// The tabs in order: each store, then the log.
const TABS: [Tab; 3] = [
    Tab::Store(Channel::Shopify),
    Tab::Store(Channel::Colorme),
    Tab::Log,
];

fn switch_tab(app: &mut App, tab: Tab) -> Vec<Cmd> {
    app.tab = tab;
    app.selected_id = None;
    match tab {
        Tab::Store(_) => vec![reload(app, false)],
        Tab::Log => vec![],
    }
}

fn next_tab(app: &mut App, forward: bool) -> Vec<Cmd> {
    let at = TABS.iter().position(|t| *t == app.tab).unwrap_or(0);
    let n = TABS.len();
    let next = if forward {
        (at + 1) % n
    } else {
        (at + n - 1) % n
    };
    switch_tab(app, TABS[next])
}

/// The log tab: `f` follows or pauses (scrolling up pauses), arrows and pages scroll, `w` wraps,
/// `e` shows errors only, `c` cycles the store shown.
fn log_key(app: &mut App, key: KeyEvent) -> Vec<Cmd> {
    let view = &mut app.log_view;
    let page = 10;
    let scroll_up = |view: &mut super::state::LogView, by: usize| {
        view.follow = false;
        view.scroll += by;
    };
    match key.code {
        KeyCode::Tab | KeyCode::BackTab => return next_tab(app, key.code == KeyCode::Tab),
        KeyCode::Char('q') => quit_or_ask(app),
        KeyCode::Char('?') => app.mode = Mode::Help,
        KeyCode::Char(':') => {
            app.mode = Mode::Command {
                input: tui_input::Input::default(),
                error: None,
            };
        }
        KeyCode::Char('f') => {
            view.follow = !view.follow;
            if view.follow {
                view.scroll = 0;
                view.unseen = 0;
            }
        }
        KeyCode::Up | KeyCode::Char('k') => scroll_up(view, 1),
        KeyCode::PageUp | KeyCode::Char('b') => scroll_up(view, page),
        KeyCode::Home | KeyCode::Char('g') => scroll_up(view, LOG_LINES),
        KeyCode::Down | KeyCode::Char('j') => view.scroll = view.scroll.saturating_sub(1),
        KeyCode::PageDown | KeyCode::Char('n') => view.scroll = view.scroll.saturating_sub(page),
        KeyCode::End | KeyCode::Char('G') => {
            view.scroll = 0;
            view.follow = true;
            view.unseen = 0;
        }
        KeyCode::Char('w') => view.wrap = !view.wrap,
        KeyCode::Char('e') => view.errors_only = !view.errors_only,
        KeyCode::Char('c') => {
            view.store = match view.store {
                None => Some(Channel::Shopify),
                Some(Channel::Shopify) => Some(Channel::Colorme),
                Some(Channel::Colorme) => None,
            };
        }
        KeyCode::Char('x') => {
            if let Some(channel) = running_store(app) {
                ask(app, Question::StopRun(channel));
            }
        }
        _ => {}
    }
    vec![]
}

/// The `:` command line: `Enter` runs it (a bad one stays open with its error), `Tab`
/// completes the command name, `Esc` drops it.
fn command_key(app: &mut App, mut input: tui_input::Input, key: KeyEvent) -> Vec<Cmd> {
    match key.code {
        KeyCode::Esc => {
            app.mode = Mode::List;
            vec![]
        }
        KeyCode::Tab => {
            let completed = super::command_line::complete(input.value());
            app.mode = Mode::Command {
                input: tui_input::Input::default().with_value(completed),
                error: None,
            };
            vec![]
        }
        KeyCode::Enter => {
            match super::command_line::parse(input.value(), app.store_tab(), app.lang) {
                Ok(command) => {
                    app.mode = Mode::List;
                    apply_command(app, command)
                }
                Err(error) => {
                    app.mode = Mode::Command {
                        input,
                        error: Some(error),
                    };
                    vec![]
                }
            }
        }
        _ => {
            input.handle_event(&Event::Key(key));
            app.mode = Mode::Command { input, error: None };
            vec![]
        }
    }
}

/// Carries out a command of the command line (or a key that does the same).
fn apply_command(app: &mut App, command: Command) -> Vec<Cmd> {
    let store = app.store_tab();
    let setting = |app: &mut App, change: &dyn Fn(&mut OperationalSettings)| -> Vec<Cmd> {
        let Some(channel) = store else {
            return vec![];
        };
        let Some(view) = app.schedules.get_mut(&channel) else {
            return vec![];
        };
        change(&mut view.settings);
        // Shown at once; saved for every process sharing the database.
        vec![Cmd::SaveSettings(channel, view.settings), reload(app, true)]
    };
    let key = |app: &mut App, c: char| {
        store_key(app, KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)).unwrap_or_default()
    };
    match command {
        Command::Period(period) => setting(app, &|s| s.rules.period = period),
        Command::Statuses(option) => setting(app, &|s| s.rules.statuses = option),
        Command::ShippedDateOnly(on) => setting(app, &|s| s.rules.shipped_date_only = on),
        Command::AutoSync(on) => setting(app, &|s| s.auto_sync = on),
        Command::AutoSyncEvery(every) => setting(app, &|s| s.auto_sync_every = every),
        Command::AutoPull(on) => setting(app, &|s| s.auto_pull = on),
        Command::Watch(on) => setting(app, &|s| s.watch = on),
        Command::Sync => key(app, 's'),
        Command::DryRun => key(app, 'd'),
        Command::Pull => key(app, 'p'),
        Command::Filter(verdict) => {
            app.verdict = verdict;
            vec![reload(app, false)]
        }
        Command::Order(number) => store
            .map(|channel| vec![Cmd::FindOrder(channel, number)])
            .unwrap_or_default(),
        Command::Import(path) => vec![Cmd::PrepareImport(path)],
        Command::Tab(tab) => switch_tab(app, tab),
        Command::Help => {
            app.mode = Mode::Help;
            vec![]
        }
        Command::Quit => {
            quit_or_ask(app);
            vec![]
        }
    }
}

/// Where a scrolling key moves a list's first line shown (`None`: not a scrolling key).
fn scrolled(code: KeyCode, at: usize, last: usize) -> Option<usize> {
    match code {
        KeyCode::Down | KeyCode::Char('j') => Some((at + 1).min(last)),
        KeyCode::Up | KeyCode::Char('k') => Some(at.saturating_sub(1)),
        KeyCode::PageDown => Some((at + 10).min(last)),
        KeyCode::PageUp => Some(at.saturating_sub(10)),
        _ => None,
    }
}

/// The confirmation: `y` runs the plan; `n`, `Esc`, `q` and `Enter` (the focus is on Cancel)
/// leave it, sending nothing; arrows scroll the orders.
fn confirm_key(app: &mut App, mut confirm: Confirm, key: KeyEvent) -> Vec<Cmd> {
    let last = confirm.plan.items.len().saturating_sub(1);
    if let Some(at) = scrolled(key.code, confirm.scroll, last) {
        confirm.scroll = at;
        app.mode = Mode::Confirm(Box::new(confirm));
        return vec![];
    }
    match key.code {
        KeyCode::Char('y') => {
            let channel = confirm.plan.channel;
            app.mode = *confirm.back;
            app.runs.insert(channel);
            vec![Cmd::RunPlan(confirm.plan)]
        }
        _ => {
            let channel = confirm.plan.channel;
            app.mode = *confirm.back;
            app.push_store_log(
                channel,
                match app.lang {
                    crate::config::Language::Ja => {
                        format!("{channel}: 取り消しました (何も送っていません)")
                    }
                    crate::config::Language::En => {
                        format!("{channel}: cancelled (nothing was sent)")
                    }
                },
                false,
            );
            vec![]
        }
    }
}

/// The preview of a carrier file: `y` saves it; `n`, `Esc`, `Enter` and any other key leave it,
/// saving nothing; arrows scroll.
fn import_key(app: &mut App, mut confirm: ImportConfirm, key: KeyEvent) -> Vec<Cmd> {
    let last = confirm.preview.plan.orders.len();
    if let Some(at) = scrolled(key.code, confirm.scroll, last) {
        confirm.scroll = at;
        app.mode = Mode::ConfirmImport(Box::new(confirm));
        return vec![];
    }
    match key.code {
        KeyCode::Char('y') => {
            app.mode = *confirm.back;
            vec![Cmd::SaveImport(Box::new(confirm.preview))]
        }
        _ => {
            app.mode = *confirm.back;
            app.push_log(
                match app.lang {
                    crate::config::Language::Ja => {
                        "送り状ファイル: 取り消しました (何も保存していません)"
                    }
                    crate::config::Language::En => "carrier file: cancelled (nothing was saved)",
                },
                false,
            );
            vec![]
        }
    }
}

/// A yes/no question: only `y` says yes.
fn ask_key(app: &mut App, ask: Ask, key: KeyEvent) -> Vec<Cmd> {
    app.mode = *ask.back;
    if key.code != KeyCode::Char('y') {
        return vec![];
    }
    match ask.question {
        Question::Quit => {
            app.quit = true;
            vec![]
        }
        Question::StopRun(channel) => {
            if let Some(p) = app.progress.get_mut(&channel) {
                p.stopping = true;
            }
            app.push_store_log(
                channel,
                match app.lang {
                    crate::config::Language::Ja => {
                        format!("{channel}: 送信中の注文のあとで止めます")
                    }
                    crate::config::Language::En => {
                        format!("{channel}: stopping after the order in flight")
                    }
                },
                false,
            );
            vec![Cmd::StopRun(channel)]
        }
        Question::DiscardEdit => {
            app.mode = Mode::Detail;
            vec![]
        }
        Question::SendMail(channel, id) => vec![Cmd::SendMail(channel, id)],
    }
}

/// Keys that act on a store from the list and the detail alike: each write starts with a plan
/// to confirm. In the list, `s` plans the tab's store (or the selected order's), `S` only the
/// selected order, `F` the failed orders again; in the detail, `s` plans its order alone.
fn store_key(app: &mut App, key: KeyEvent) -> Option<Vec<Cmd>> {
    let selected = match &app.mode {
        Mode::Detail => app.detail.as_ref().map(|d| &d.row),
        _ => app.selected_row(),
    }
    .map(|r| (r.stored.order.channel, r.stored.id));
    let (channel, scope) = match (&app.mode, key.code) {
        (Mode::Detail, KeyCode::Char('s')) => (
            selected.map(|s| s.0),
            selected.map(|s| PlanScope::Order(s.1)),
        ),
        (_, KeyCode::Char('s')) => (app.target_store(), Some(PlanScope::Pending)),
        (_, KeyCode::Char('S')) => (
            selected.map(|s| s.0),
            selected.map(|s| PlanScope::Order(s.1)),
        ),
        (_, KeyCode::Char('F')) => (app.target_store(), Some(PlanScope::Failed)),
        (Mode::Detail, KeyCode::Char('d')) => (selected.map(|s| s.0), None),
        (_, KeyCode::Char('d') | KeyCode::Char('p')) => (app.target_store(), None),
        (_, KeyCode::Char('x')) => {
            if let Some(channel) = running_store(app) {
                ask(app, Question::StopRun(channel));
            }
            return Some(vec![]);
        }
        _ => return None,
    };
    let Some(channel) = channel.filter(|c| app.stores.contains(c)) else {
        let text = match (channel, app.ja()) {
            (Some(c), true) => format!("{c} は設定されていません (接続先とトークン)"),
            (Some(c), false) => format!("{c} is not configured (address and token)"),
            (None, true) => "設定されたストアがありません".to_owned(),
            (None, false) => "no store is configured".to_owned(),
        };
        app.push_log(text, true);
        return Some(vec![]);
    };
    Some(match (key.code, scope) {
        (KeyCode::Char('d'), _) => vec![Cmd::DryRun(channel)],
        (KeyCode::Char('p'), _) => vec![Cmd::PullNow(channel)],
        (_, Some(_)) if app.runs.contains(&channel) => {
            app.push_store_log(
                channel,
                match app.lang {
                    crate::config::Language::Ja => format!("{channel}: 実行中です (x で停止)"),
                    crate::config::Language::En => {
                        format!("{channel}: a run is in progress (x stops it)")
                    }
                },
                true,
            );
            vec![]
        }
        (_, Some(scope)) => vec![Cmd::Plan(channel, scope)],
        (_, None) => vec![],
    })
}

fn list_key(app: &mut App, key: KeyEvent) -> Vec<Cmd> {
    if let Some(cmds) = store_key(app, key) {
        return cmds;
    }
    let rows = app.rows().len();
    match key.code {
        KeyCode::Char('q') => quit_or_ask(app),
        KeyCode::Down | KeyCode::Char('j') if app.selected + 1 < rows => {
            app.select_row(app.selected + 1);
        }
        KeyCode::Up | KeyCode::Char('k') => app.select_row(app.selected.saturating_sub(1)),
        KeyCode::Home | KeyCode::Char('g') => app.select_row(0),
        KeyCode::End | KeyCode::Char('G') => app.select_row(rows.saturating_sub(1)),
        KeyCode::PageDown | KeyCode::Char('n') => {
            let matching = app.page.as_ref().map_or(0, |p| p.matching);
            if app.offset + app.page_size < matching {
                app.offset += app.page_size;
                app.selected = 0;
                app.selected_id = None;
                return vec![reload(app, true)];
            }
        }
        KeyCode::PageUp | KeyCode::Char('b') if app.offset > 0 => {
            app.offset = app.offset.saturating_sub(app.page_size);
            app.selected = 0;
            app.selected_id = None;
            return vec![reload(app, true)];
        }
        KeyCode::Tab | KeyCode::BackTab => return next_tab(app, key.code == KeyCode::Tab),
        KeyCode::Char(':') => {
            app.mode = Mode::Command {
                input: tui_input::Input::default(),
                error: None,
            };
        }
        // The period in place, applied at once for every process (作成期間 N日).
        KeyCode::Char(c @ ('+' | '-')) => {
            if let Some(channel) = app.store_tab()
                && let Some(view) = app.schedules.get(&channel)
            {
                let days = view.settings.rules.period.days();
                let days = if c == '+' {
                    days + 1
                } else {
                    days.saturating_sub(1)
                };
                if let Ok(period) = crate::domain::Period::try_from(days) {
                    return apply_command(app, Command::Period(period));
                }
            }
        }
        KeyCode::Char(c @ '0'..='5') => {
            let index = c as usize - '0' as usize;
            app.verdict = index.checked_sub(1).map(|i| Verdict::ALL[i]);
            return vec![reload(app, false)];
        }
        KeyCode::Char('/') => app.mode = Mode::Search,
        KeyCode::Char('r') => return vec![reload(app, true), Cmd::LoadSchedules],
        KeyCode::Char('?') => app.mode = Mode::Help,
        KeyCode::Char('o') => {
            if let Some(channel) = app.target_store().or(Some(Channel::Shopify)) {
                app.mode = Mode::Settings { channel, row: 0 };
            }
        }
        KeyCode::Enter | KeyCode::Char('e') => {
            let Some(row) = app.selected_row().cloned() else {
                return vec![];
            };
            let id = row.stored.id;
            app.detail = Some(Detail {
                row,
                attempts: Vec::new(),
            });
            app.mode = Mode::Detail;
            if key.code == KeyCode::Char('e') {
                open_editor(app);
            }
            return vec![Cmd::LoadDetail(id)];
        }
        _ => {}
    }
    vec![]
}

fn search_key(app: &mut App, key: KeyEvent) -> Vec<Cmd> {
    match key.code {
        KeyCode::Enter => {
            app.mode = Mode::List;
            vec![reload(app, false)]
        }
        KeyCode::Esc => {
            app.search.reset();
            app.mode = Mode::List;
            vec![reload(app, false)]
        }
        _ => {
            app.search.handle_event(&Event::Key(key));
            vec![]
        }
    }
}

fn detail_key(app: &mut App, key: KeyEvent) -> Vec<Cmd> {
    if let Some(cmds) = store_key(app, key) {
        return cmds;
    }
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') | KeyCode::Backspace => {
            // Back on the order the detail showed, wherever the list has moved it.
            if let Some(detail) = &app.detail {
                app.selected_id = Some(detail.row.stored.id);
            }
            app.mode = Mode::List;
            app.detail = None;
            vec![reload(app, true)]
        }
        KeyCode::Char('e') | KeyCode::Enter => {
            open_editor(app);
            vec![]
        }
        KeyCode::Char('v') => {
            app.show_raw = !app.show_raw;
            vec![]
        }
        // A mail the store refused goes only when the operator asks, after a question.
        KeyCode::Char('m') => {
            let Some(d) = &app.detail else {
                return vec![];
            };
            let (order, remote) = (&d.row.stored.order, &d.row.stored.remote);
            if remote.mail_error.is_some()
                && remote.mail_sent_at.is_none()
                && app.stores.contains(&order.channel)
            {
                ask(app, Question::SendMail(order.channel, d.row.stored.id));
            }
            vec![]
        }
        // Read again from the store itself (where it is configured), so "synced" is never a
        // guess; otherwise from the database.
        KeyCode::Char('r') => app
            .detail
            .as_ref()
            .map(|d| {
                let (channel, id) = (d.row.stored.order.channel, d.row.stored.id);
                if app.stores.contains(&channel) {
                    vec![Cmd::Reread(channel, id)]
                } else {
                    vec![Cmd::LoadDetail(id)]
                }
            })
            .unwrap_or_default(),
        _ => vec![],
    }
}

/// The edit form, filled with the order as read.
fn open_editor(app: &mut App) {
    let Some(detail) = &app.detail else {
        return;
    };
    app.mode = Mode::Edit(Box::new(EditForm::open(
        detail.row.stored.id,
        &detail.row.stored.order,
    )));
}

fn edit_key(app: &mut App, mut form: Box<EditForm>, key: KeyEvent) -> Vec<Cmd> {
    match key.code {
        KeyCode::Esc if form.is_dirty() => {
            app.mode = Mode::Edit(form);
            ask(app, Question::DiscardEdit);
            return vec![];
        }
        KeyCode::Esc => {
            app.mode = Mode::Detail;
            return vec![];
        }
        KeyCode::Enter => {
            let Some(detail) = &app.detail else {
                app.mode = Mode::List;
                return vec![];
            };
            match form.edit(&detail.row.stored.order, app.lang) {
                Ok(edit) if edit == OrderEdit::default() => {
                    app.mode = Mode::Detail;
                    return vec![];
                }
                Ok(edit) => {
                    let cmd = Cmd::Save {
                        order_id: form.order_id,
                        revision: detail.row.stored.revision,
                        edit,
                    };
                    form.error = None;
                    app.mode = Mode::Edit(form);
                    return vec![cmd];
                }
                Err(e) => form.error = Some(e),
            }
        }
        _ => form.key(key, app.now.with_timezone(&app.tz).date_naive()),
    }
    app.mode = Mode::Edit(form);
    vec![]
}

fn settings_key(app: &mut App, channel: Channel, row: usize, key: KeyEvent) -> Vec<Cmd> {
    let (toggle, up) = match key.code {
        KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('o') => {
            app.mode = Mode::List;
            return vec![];
        }
        KeyCode::Tab => {
            let next = Channel::ALL[(Channel::ALL.iter().position(|c| *c == channel).unwrap_or(0)
                + 1)
                % Channel::ALL.len()];
            app.mode = Mode::Settings { channel: next, row };
            return vec![];
        }
        KeyCode::Down | KeyCode::Char('j') => {
            app.mode = Mode::Settings {
                channel,
                row: (row + 1).min(ROWS.len() - 1),
            };
            return vec![];
        }
        KeyCode::Up | KeyCode::Char('k') => {
            app.mode = Mode::Settings {
                channel,
                row: row.saturating_sub(1),
            };
            return vec![];
        }
        KeyCode::Char(' ') | KeyCode::Enter => (true, true),
        KeyCode::Right | KeyCode::Char('l') | KeyCode::Char('+') => (false, true),
        KeyCode::Left | KeyCode::Char('h') | KeyCode::Char('-') => (false, false),
        _ => return vec![],
    };
    let Some(view) = app.schedules.get_mut(&channel) else {
        return vec![];
    };
    match settings_form::change(&view.settings, channel, ROWS[row], toggle, up) {
        Some(next) => {
            // Shown at once; saved for every process sharing the database.
            view.settings = next;
            vec![Cmd::SaveSettings(channel, next)]
        }
        None => vec![],
    }
}

#[cfg(test)]
mod tests;
