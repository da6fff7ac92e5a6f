//! The console's edges: the terminal (raw mode, alternate screen, restored on every exit path
//! and on a panic), the keys, the clock, signals, the store workers of this process, and the
//! execution of every [`Cmd`] against the database and the stores. Results come back as owned
//! [`Msg`]s. The loop itself, [`run_loop`], is generic over the ratatui backend and takes its
//! input as a channel, so tests drive it on a `TestBackend` with scripted keys.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use crossterm::event::Event;
use ratatui::Terminal;
use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::state::{App, Detail, ImportPreview, ScheduleView};
use super::update::{Cmd, Msg, start, update};
use super::view::draw;

mod forward;
mod orders;
use crate::db::{Db, ListFilter, ListedOrder, OrderEdit};
use crate::domain::{Cause, ChannelRules, Problem, ShopTimeZone, Store, Verdict};
use crate::scheduler::WorkerHandle;
use crate::settings::OperationalSettings;
pub use forward::{forward_events, forward_worker_status};

/// How often the screen asks the database what changed (other processes' edits and runs).
const REFRESH: Duration = Duration::from_secs(2);

/// What the console works with.
pub struct Backend {
    pub db: Db,
    pub timezone: ShopTimeZone,
    /// The first values of each store's settings (from the configuration).
    pub initial: Vec<(Store, OperationalSettings)>,
    /// This process's workers, one per configured store.
    pub workers: Vec<WorkerHandle>,
    /// Who edits, for the settings' audit (`user@host`).
    pub operator: String,
    /// The stop token of each confirmed run of this console still going.
    pub runs: Mutex<HashMap<Store, CancellationToken>>,
    /// The confirmed runs' tasks: waited for before the console exits, so the order in flight
    /// is finished and recorded.
    pub run_tasks: Mutex<Vec<JoinHandle<()>>>,
    /// Cancelled when the console stops (quit, SIGHUP, SIGTERM): every run stops after the
    /// order in flight.
    pub cancel: CancellationToken,
    /// Names the alert destinations in the log (`None`: alerts are not shown).
    pub alerting: Option<Arc<crate::alerts::Alerting>>,
    /// The last outbox row the log has shown (-1: not read yet; the log starts at the newest).
    pub(super) alerts_seen: std::sync::atomic::AtomicI64,
}

impl Backend {
    pub fn new(
        db: Db,
        timezone: ShopTimeZone,
        initial: Vec<(Store, OperationalSettings)>,
        workers: Vec<WorkerHandle>,
        operator: String,
        cancel: CancellationToken,
    ) -> Backend {
        Backend {
            db,
            timezone,
            initial,
            workers,
            operator,
            runs: Mutex::new(HashMap::new()),
            run_tasks: Mutex::new(Vec::new()),
            cancel,
            alerting: None,
            alerts_seen: std::sync::atomic::AtomicI64::new(-1),
        }
    }

    /// Waits for the confirmed runs still going (after the cancel: each finishes the order in
    /// flight and records it).
    pub async fn finish_runs(&self) {
        let tasks = std::mem::take(&mut *self.run_tasks.lock().unwrap_or_else(|e| e.into_inner()));
        for task in tasks {
            let _ = task.await;
        }
    }

    /// Every store with a tab, in the tabs' order.
    fn stores(&self) -> Vec<Store> {
        self.initial.iter().map(|(store, _)| *store).collect()
    }

    fn initial(&self, store: Store) -> OperationalSettings {
        self.initial
            .iter()
            .find(|(c, _)| *c == store)
            .map(|(_, s)| *s)
            .unwrap_or_default()
    }

    fn worker(&self, store: Store) -> Option<&WorkerHandle> {
        self.workers.iter().find(|w| w.channel == store)
    }

    async fn rules(&self, channels: &[Store]) -> Result<Vec<ChannelRules>, Problem> {
        let now = Utc::now();
        let mut rules = Vec::new();
        for channel in channels {
            let settings = self
                .db
                .settings_or_init(*channel, &self.initial(*channel), &self.operator, now)
                .await?;
            rules.push(ChannelRules::new(
                *channel,
                settings.rules,
                now,
                self.timezone,
            ));
        }
        Ok(rules)
    }

    async fn page(
        &self,
        store: Option<Store>,
        verdict: Option<Verdict>,
        search: Option<String>,
        offset: u64,
        limit: u64,
    ) -> Result<crate::db::OrderPage, Problem> {
        let channels: Vec<Store> = store.map_or_else(|| self.stores(), |c| vec![c]);
        let mut filter = ListFilter::new(self.rules(&channels).await?);
        filter.verdict = verdict;
        filter.search = search;
        Ok(self.db.order_page(&filter, offset, limit).await?)
    }

    async fn judged(&self, id: i64) -> Result<ListedOrder, Problem> {
        let stored = self
            .db
            .order_by_id(id)
            .await?
            .ok_or_else(|| Problem::new(Cause::OrderGone, format!("order id {id}")))?;
        let rules = self.rules(&[stored.order.store]).await?;
        let evaluation = rules[0].evaluate(&stored.order, &stored.remote);
        Ok(ListedOrder { stored, evaluation })
    }

    /// The order numbered so in `store` (a leading `#` on either side does not matter).
    async fn find(&self, store: Store, number: &str) -> Result<Option<ListedOrder>, Problem> {
        let mut found = Vec::new();
        for candidate in [
            number.to_owned(),
            format!("#{}", number.trim_start_matches('#')),
        ] {
            found = self.db.find_orders(&candidate, Some(store)).await?;
            if !found.is_empty() {
                break;
            }
        }
        match found.first() {
            Some(stored) => self.judged(stored.id).await.map(Some),
            None => Ok(None),
        }
    }

    async fn detail(&self, id: i64) -> Result<Detail, Problem> {
        let row = self.judged(id).await?;
        let attempts = self.db.attempts_for_order(id).await?;
        Ok(Detail { row, attempts })
    }

    async fn save(&self, id: i64, revision: i64, edit: &OrderEdit) -> Result<ListedOrder, Problem> {
        let mut stored = self
            .db
            .order_by_id(id)
            .await?
            .ok_or_else(|| Problem::new(Cause::OrderGone, format!("order id {id}")))?;
        // Saved against the revision the operator saw: if another console or an import changed
        // the order since, the database refuses and the form keeps what was typed.
        stored.revision = revision;
        let edited = self.db.edit_order(&stored, edit, Utc::now()).await?;
        self.judged(edited.id).await
    }

    /// Saves a store's settings for every process, and writes what changed, and who changed
    /// it, to the log file.
    async fn save_settings(
        &self,
        channel: Store,
        settings: &OperationalSettings,
    ) -> Result<(), Problem> {
        let now = Utc::now();
        let before = self
            .db
            .settings_or_init(channel, &self.initial(channel), &self.operator, now)
            .await?;
        self.db
            .save_channel_settings(channel, settings, &self.operator, now)
            .await?;
        let changes =
            crate::text::settings::changes(&before, settings, channel, crate::config::Language::En);
        if !changes.is_empty() {
            tracing::info!(store = %channel, by = %self.operator, "settings changed: {}", changes.join(", "));
        }
        Ok(())
    }

    async fn schedules(&self) -> Result<Vec<ScheduleView>, Problem> {
        let mut views = Vec::new();
        for channel in self.stores() {
            let view = ScheduleView::read(&self.db, channel, &self.initial(channel)).await;
            views.push(view?);
        }
        Ok(views)
    }
}

/// Carries out the [`Cmd`]s of `update`; results come back as [`Msg`]s on `tx`. The real one
/// is [`Backend`]; a test's records the commands and answers as it likes.
pub trait Effects {
    fn execute(&self, cmd: Cmd, tx: &UnboundedSender<Msg>);
}

impl Effects for Arc<Backend> {
    fn execute(&self, cmd: Cmd, tx: &UnboundedSender<Msg>) {
        let b = self.clone();
        let tx = tx.clone();
        let worker = |channel: Store| b.worker(channel).cloned();
        match cmd {
            Cmd::Reconcile(channel) => {
                if let Some(worker) = worker(channel) {
                    let run = worker.reconcile(b.operator.clone());
                    tokio::spawn(async move {
                        let result = run.await.unwrap_or_else(|e| {
                            Err(Problem::new(crate::domain::Cause::Database, e.to_string()))
                        });
                        let _ = tx.send(Msg::Reconciled(channel, result));
                    });
                }
            }
            Cmd::Bell => {
                // Between frames; BEL moves nothing. A terminal gone away just misses it.
                use std::io::Write;
                let mut out = std::io::stdout();
                let _ = out.write_all(b"\x07").and_then(|()| out.flush());
            }
            Cmd::PullNow(channel) => {
                if let Some(worker) = worker(channel) {
                    worker.pull.run_now(crate::scheduler::Trigger::Manual);
                }
            }
            Cmd::DryRun(channel, scope) => {
                if let Some(worker) = worker(channel) {
                    let run = worker.dry_run(scope, forward_events(channel, &tx));
                    tokio::spawn(async move {
                        if let Ok(Err(e)) = run.await {
                            let _ = tx.send(Msg::Error(Some(channel), e));
                        }
                    });
                }
            }
            Cmd::Plan(channel, scope) => {
                if let Some(worker) = worker(channel) {
                    let plan = worker.plan(scope);
                    tokio::spawn(async move {
                        let result = plan.await.unwrap_or_else(|e| Err(Problem::database(e)));
                        let _ = tx.send(Msg::Plan(result));
                    });
                }
            }
            Cmd::RunPlan(plan) => {
                let channel = plan.channel;
                let Some(worker) = worker(channel) else {
                    return;
                };
                let stop = self.cancel.child_token();
                self.runs
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(channel, stop.clone());
                let run = worker.run_plan(plan, forward_events(channel, &tx), stop);
                let task = tokio::spawn(async move {
                    let result = run.await.unwrap_or_else(|e| Err(Problem::database(e)));
                    b.runs
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .remove(&channel);
                    let _ = tx.send(Msg::RunEnded(channel, result));
                });
                self.run_tasks
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(task);
            }
            Cmd::Reread(channel, id) => {
                if let Some(worker) = worker(channel) {
                    let read = worker.reread(id);
                    tokio::spawn(async move {
                        let result = read.await.unwrap_or_else(|e| Err(Problem::database(e)));
                        let _ = tx.send(Msg::Reread(id, result));
                    });
                }
            }
            Cmd::SendMail(channel, id) => {
                if let Some(worker) = worker(channel) {
                    let sent = worker.send_mail(id);
                    tokio::spawn(async move {
                        let result = sent.await.unwrap_or_else(|e| Err(Problem::database(e)));
                        let _ = tx.send(Msg::MailSent(id, result));
                    });
                }
            }
            Cmd::PrepareImport(path) => {
                tokio::spawn(async move {
                    let path = std::path::PathBuf::from(path);
                    let prepared = crate::shipments::import::prepare(
                        &b.db,
                        &path,
                        None,
                        None,
                        false,
                        Utc::now(),
                    )
                    .await;
                    let msg = prepared
                        .map(|(summary, plan)| {
                            Box::new(ImportPreview {
                                path: path.clone(),
                                summary,
                                plan,
                            })
                        })
                        .map_err(|e| {
                            let mut problem = Problem::from(e);
                            problem.words = format!("{}: {}", path.display(), problem.words);
                            problem
                        });
                    let _ = tx.send(Msg::ImportPlanned(msg));
                });
            }
            Cmd::SaveImport(preview) => {
                tokio::spawn(async move {
                    let result = crate::shipments::import::save(&b.db, &preview.plan)
                        .await
                        .map(|()| preview.plan.writes().count())
                        .map_err(Problem::from);
                    let _ = tx.send(Msg::Imported(result));
                });
            }
            Cmd::RequestStop(channel) => {
                tokio::spawn(async move {
                    if let Err(e) = b.db.request_stop(channel, &b.operator, Utc::now()).await {
                        let _ = tx.send(Msg::Error(Some(channel), e.into()));
                    }
                });
            }
            Cmd::StopRun(channel) => {
                if let Some(stop) = self
                    .runs
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get(&channel)
                {
                    stop.cancel();
                }
            }
            other => {
                tokio::spawn(async move {
                    let msg = match other {
                        Cmd::LoadPage {
                            generation,
                            store: channel,
                            verdict,
                            search,
                            offset,
                            limit,
                        } => Msg::Page {
                            generation,
                            result: b.page(channel, verdict, search, offset, limit).await,
                        },
                        Cmd::LoadDetail(id) => Msg::Detail(b.detail(id).await),
                        Cmd::FindOrder(channel, number) => {
                            Msg::Found(number.clone(), b.find(channel, &number).await)
                        }
                        Cmd::Save {
                            order_id,
                            revision,
                            edit,
                        } => Msg::Saved(b.save(order_id, revision, &edit).await),
                        Cmd::LoadSchedules => {
                            match b.new_alerts().await {
                                Ok(notes) if !notes.is_empty() => {
                                    let _ = tx.send(Msg::Alerts(notes));
                                }
                                Ok(_) => {}
                                Err(e) => tracing::warn!("cannot read the alert outbox: {e}"),
                            }
                            match b.schedules().await {
                                Ok(views) => Msg::Schedules(views),
                                Err(e) => Msg::Error(None, e),
                            }
                        }
                        Cmd::SaveSettings(channel, settings) => {
                            Msg::SettingsSaved(channel, b.save_settings(channel, &settings).await)
                        }
                        Cmd::Resolve { order_id, ours } => {
                            Msg::Resolved(order_id, ours, b.resolve(order_id, ours).await)
                        }
                        Cmd::SetHold { order_id, hold } => {
                            let held = hold.is_some();
                            Msg::HoldSet(order_id, held, b.set_hold(order_id, hold).await)
                        }
                        Cmd::PullNow(_)
                        | Cmd::Reconcile(_)
                        | Cmd::Bell
                        | Cmd::DryRun(..)
                        | Cmd::Plan(..)
                        | Cmd::RunPlan(_)
                        | Cmd::StopRun(_)
                        | Cmd::RequestStop(_)
                        | Cmd::Reread(..)
                        | Cmd::SendMail(..)
                        | Cmd::PrepareImport(_)
                        | Cmd::SaveImport(_) => return,
                    };
                    let _ = tx.send(msg);
                });
            }
        }
    }
}

/// Forwards what this process's workers do to the screen: each sync run's events, and each
/// How the loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The operator quit, or a signal asked the console to stop.
    Quit,
    /// The terminal went away (the SSH connection dropped): nothing more may be written to it,
    /// not even to restore it; the rest ends as a quit does (issue 20).
    TerminalGone,
}

/// The loop: applies every message, then draws once the queue is empty, until the operator
/// quits or `cancel` fires (a signal). Generic over the backend; keys come from `input`. A draw
/// that fails means the terminal is gone: it is never written to again.
pub async fn run_loop<B: ratatui::backend::Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    effects: &impl Effects,
    tx: &UnboundedSender<Msg>,
    msgs: &mut UnboundedReceiver<Msg>,
    input: &mut UnboundedReceiver<Event>,
    cancel: &CancellationToken,
) -> Result<Ended, String> {
    for cmd in start(app) {
        effects.execute(cmd, tx);
    }
    loop {
        // A hang-up may have come while the messages were applied: no draw on a dead terminal.
        if cancel.is_cancelled() {
            return Ok(Ended::Quit);
        }
        if let Err(e) = terminal.draw(|frame| draw(frame, app)) {
            tracing::warn!("the terminal went away ({e}); stopping as a quit does");
            return Ok(Ended::TerminalGone);
        }
        // biased: a signal first, then the results already waiting, then the keys.
        let first = tokio::select! {
            biased;
            () = cancel.cancelled() => return Ok(Ended::Quit),
            Some(msg) = msgs.recv() => msg,
            Some(event) = input.recv() => match event {
                Event::Key(key) => Msg::Key(key),
                Event::Resize(..) => Msg::Redraw,
                _ => continue,
            },
            else => return Ok(Ended::Quit),
        };
        let mut next = Some(first);
        while let Some(msg) = next {
            for cmd in update(app, msg) {
                effects.execute(cmd, tx);
            }
            if app.quit {
                return Ok(Ended::Quit);
            }
            // Everything already waiting is applied before the next draw.
            next = msgs.try_recv().ok();
        }
    }
}

/// Reads the terminal's keys on a thread of its own (crossterm's read blocks); it ends with the
/// process.
fn terminal_input() -> UnboundedReceiver<Event> {
    let (keys, input) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        while let Ok(event) = crossterm::event::read() {
            if keys.send(event).is_err() {
                return;
            }
        }
    });
    input
}

/// SIGHUP (the SSH connection dropped, tmux kill-session), SIGTERM and SIGINT stop the console
/// as a quit does: runs end after the order in flight, the terminal is restored, exit 0.
fn stop_on_signals(cancel: &CancellationToken) -> Result<(), String> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut signals = Vec::new();
    for kind in [
        SignalKind::hangup(),
        SignalKind::terminate(),
        SignalKind::interrupt(),
    ] {
        signals.push(signal(kind).map_err(|e| format!("cannot listen for signals: {e}"))?);
    }
    for mut s in signals {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            if s.recv().await.is_some() {
                tracing::info!("signal: stopping after the order in flight");
                cancel.cancel();
            }
        });
    }
    Ok(())
}

/// Runs the console on the real terminal until the operator quits or a signal stops it.
pub async fn run(
    mut app: App,
    backend: Backend,
    tx: UnboundedSender<Msg>,
    mut rx: UnboundedReceiver<Msg>,
) -> Result<(), String> {
    let cancel = backend.cancel.clone();
    let backend = Arc::new(backend);
    stop_on_signals(&cancel)?;
    for worker in &backend.workers {
        forward_worker_status(worker, &tx, &cancel);
    }
    let clock = tx.clone();
    let clock_cancel = cancel.clone();
    let watched = backend.db.clone();
    tokio::spawn(async move {
        // One cheap question before each tick: was anything written since the last one? A
        // change is also said on the tick after (PostgreSQL's mark may move a moment before the
        // writer's commit is visible).
        let mut watch = watched.change_watch().await.ok();
        let mut last = None;
        let mut say_again = false;
        loop {
            tokio::select! {
                () = clock_cancel.cancelled() => return,
                () = tokio::time::sleep(REFRESH) => {}
            }
            let mark = match watch.as_mut() {
                Some(w) => w.mark().await.ok(),
                None => None,
            };
            let changed = mark.is_none() || mark != last;
            last = mark;
            if (changed || say_again) && clock.send(Msg::DataChanged).is_err() {
                return;
            }
            say_again = changed;
            if clock.send(Msg::Tick(Utc::now())).is_err() {
                return;
            }
        }
    });
    let mut input = terminal_input();
    let mut terminal = ratatui::init();
    let result = run_loop(
        &mut terminal,
        &mut app,
        &backend,
        &tx,
        &mut rx,
        &mut input,
        &cancel,
    )
    .await;
    if result != Ok(Ended::TerminalGone) {
        // Cleared at the size the terminal has now (it may have grown since the last frame), so
        // no row of the last frame is left on the shell's screen whatever the terminal does
        // with the alternate screen.
        let _ = terminal.autoresize();
        let _ = terminal.clear();
        ratatui::restore();
    }
    // Stop whatever runs, each after its order in flight, and wait for it to be recorded.
    cancel.cancel();
    backend.finish_runs().await;
    result.map(|_| ())
}
