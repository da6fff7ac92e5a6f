//! The console's edges: the terminal (raw mode, alternate screen, restored on exit and on a
//! panic), a thread reading keys, a clock, the store workers of this process, and the execution
//! of every [`Cmd`] against the database. Results come back as owned [`Msg`]s.

use std::time::Duration;

use chrono::Utc;
use crossterm::event::Event;
use tokio::sync::mpsc::{self, UnboundedSender};
use tokio_util::sync::CancellationToken;

use super::state::{App, Detail, ScheduleView};
use super::update::{Cmd, Msg, start, update};
use super::view::draw;
use crate::db::{Db, ListFilter, ListedOrder, OrderEdit};
use crate::domain::job::JobKind;
use crate::domain::{Channel, ChannelRules, ShopTimeZone, Verdict};
use crate::scheduler::WorkerHandle;
use crate::settings::OperationalSettings;

/// How often the screen asks the database what changed (other processes' edits and runs).
const REFRESH: Duration = Duration::from_secs(2);

/// What the console works with.
pub struct Backend {
    pub db: Db,
    pub timezone: ShopTimeZone,
    /// The first values of each store's settings (from the configuration).
    pub initial: Vec<(Channel, OperationalSettings)>,
    /// This process's workers, one per configured store.
    pub workers: Vec<WorkerHandle>,
    /// Who edits, for the settings' audit (`user@host`).
    pub operator: String,
}

impl Backend {
    fn initial(&self, channel: Channel) -> OperationalSettings {
        self.initial
            .iter()
            .find(|(c, _)| *c == channel)
            .map(|(_, s)| *s)
            .unwrap_or_default()
    }

    fn worker(&self, channel: Channel) -> Option<&WorkerHandle> {
        self.workers.iter().find(|w| w.channel == channel)
    }

    async fn rules(&self, channels: &[Channel]) -> Result<Vec<ChannelRules>, String> {
        let now = Utc::now();
        let mut rules = Vec::new();
        for channel in channels {
            let settings = self
                .db
                .settings_or_init(*channel, &self.initial(*channel), &self.operator, now)
                .await
                .map_err(|e| e.to_string())?;
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
        channel: Option<Channel>,
        verdict: Option<Verdict>,
        search: Option<String>,
        offset: u64,
        limit: u64,
    ) -> Result<crate::db::OrderPage, String> {
        let channels: Vec<Channel> = channel.map_or_else(|| Channel::ALL.to_vec(), |c| vec![c]);
        let mut filter = ListFilter::new(self.rules(&channels).await?);
        filter.verdict = verdict;
        filter.search = search;
        self.db
            .order_page(&filter, offset, limit)
            .await
            .map_err(|e| e.to_string())
    }

    async fn judged(&self, id: i64) -> Result<ListedOrder, String> {
        let stored = self
            .db
            .order_by_id(id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("order id {id} is gone"))?;
        let rules = self.rules(&[stored.order.channel]).await?;
        let evaluation = rules[0].evaluate(&stored.order, &stored.remote);
        Ok(ListedOrder { stored, evaluation })
    }

    async fn detail(&self, id: i64) -> Result<Detail, String> {
        let row = self.judged(id).await?;
        let attempts = self
            .db
            .attempts_for_order(id)
            .await
            .map_err(|e| e.to_string())?;
        Ok(Detail { row, attempts })
    }

    async fn save(&self, id: i64, revision: i64, edit: &OrderEdit) -> Result<ListedOrder, String> {
        let mut stored = self
            .db
            .order_by_id(id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("order id {id} is gone"))?;
        // Saved against the revision the operator saw: if another console or an import changed
        // the order since, the database refuses and the form keeps what was typed.
        stored.revision = revision;
        let edited = self
            .db
            .edit_order(&stored, edit, Utc::now())
            .await
            .map_err(|e| e.to_string())?;
        self.judged(edited.id).await
    }

    async fn schedules(&self) -> Result<Vec<ScheduleView>, String> {
        let mut views = Vec::new();
        for channel in Channel::ALL {
            let view = ScheduleView::read(&self.db, channel, &self.initial(channel)).await;
            views.push(view.map_err(|e| e.to_string())?);
        }
        Ok(views)
    }
}

/// Carries out one command; its result comes back on `tx`.
fn execute(backend: &std::sync::Arc<Backend>, cmd: Cmd, tx: &UnboundedSender<Msg>) {
    let b = backend.clone();
    let tx = tx.clone();
    match cmd {
        Cmd::SyncNow(channel) => {
            if let Some(worker) = b.worker(channel) {
                worker.sync.run_now(crate::scheduler::Trigger::Manual);
            }
        }
        Cmd::PullNow(channel) => {
            if let Some(worker) = b.worker(channel) {
                worker.pull.run_now(crate::scheduler::Trigger::Manual);
            }
        }
        Cmd::DryRun(channel) => {
            if let Some(worker) = b.worker(channel) {
                let (events, mut rx) = mpsc::unbounded_channel();
                let run = worker.dry_run(events);
                tokio::spawn(async move {
                    while let Some(event) = rx.recv().await {
                        let _ = tx.send(Msg::Sync(channel, event));
                    }
                    if let Ok(Err(e)) = run.await {
                        let _ = tx.send(Msg::Error(format!("{channel}: {e}")));
                    }
                });
            }
        }
        other => {
            tokio::spawn(async move {
                let msg = match other {
                    Cmd::LoadPage {
                        generation,
                        channel,
                        verdict,
                        search,
                        offset,
                        limit,
                    } => Msg::Page {
                        generation,
                        result: b.page(channel, verdict, search, offset, limit).await,
                    },
                    Cmd::LoadDetail(id) => Msg::Detail(b.detail(id).await),
                    Cmd::Save {
                        order_id,
                        revision,
                        edit,
                    } => Msg::Saved(b.save(order_id, revision, &edit).await),
                    Cmd::LoadSchedules => match b.schedules().await {
                        Ok(views) => Msg::Schedules(views),
                        Err(e) => Msg::Error(e),
                    },
                    Cmd::SaveSettings(channel, settings) => Msg::SettingsSaved(
                        channel,
                        b.db.save_channel_settings(channel, &settings, &b.operator, Utc::now())
                            .await
                            .map_err(|e| e.to_string()),
                    ),
                    Cmd::SyncNow(_) | Cmd::PullNow(_) | Cmd::DryRun(_) => return,
                };
                let _ = tx.send(msg);
            });
        }
    }
}

/// Forwards what this process's workers do to the screen: each sync run's events, and each
/// job's status (a pull's end, a failure).
pub fn forward_worker_status(
    worker: &WorkerHandle,
    tx: &UnboundedSender<Msg>,
    cancel: &CancellationToken,
) {
    for (job, scheduler) in [
        (JobKind::Pull, worker.pull.clone()),
        (JobKind::Sync, worker.sync.clone()),
    ] {
        let tx = tx.clone();
        let channel = worker.channel;
        let cancel = cancel.clone();
        tokio::spawn(async move {
            let mut changes = scheduler.watch();
            loop {
                tokio::select! {
                    () = cancel.cancelled() => return,
                    changed = changes.changed() => if changed.is_err() { return },
                }
                let status = changes.borrow().clone();
                let _ = tx.send(Msg::Job {
                    channel,
                    job,
                    status,
                });
            }
        });
    }
}

/// Runs the console until the operator quits. `app` says what to show first.
pub async fn run(
    mut app: App,
    backend: Backend,
    tx: UnboundedSender<Msg>,
    mut rx: mpsc::UnboundedReceiver<Msg>,
    cancel: CancellationToken,
) -> Result<(), String> {
    let backend = std::sync::Arc::new(backend);
    for worker in &backend.workers {
        forward_worker_status(worker, &tx, &cancel);
    }
    // Keys are read on their own thread (crossterm's read blocks); it ends with the process.
    let keys = tx.clone();
    std::thread::spawn(move || {
        while let Ok(event) = crossterm::event::read() {
            let msg = match event {
                Event::Key(key) => Msg::Key(key),
                Event::Resize(..) => Msg::Redraw,
                _ => continue,
            };
            if keys.send(msg).is_err() {
                return;
            }
        }
    });
    let clock = tx.clone();
    let clock_cancel = cancel.clone();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                () = clock_cancel.cancelled() => return,
                () = tokio::time::sleep(REFRESH) => {}
            }
            if clock.send(Msg::Tick(Utc::now())).is_err() {
                return;
            }
        }
    });

    let mut terminal = ratatui::init();
    for cmd in start(&mut app) {
        execute(&backend, cmd, &tx);
    }
    let result = loop {
        if let Err(e) = terminal.draw(|frame| draw(frame, &app)) {
            break Err(format!("cannot draw: {e}"));
        }
        let Some(msg) = rx.recv().await else {
            break Ok(());
        };
        for cmd in update(&mut app, msg) {
            execute(&backend, cmd, &tx);
        }
        // Everything already waiting is applied before the next draw.
        while let Ok(msg) = rx.try_recv() {
            for cmd in update(&mut app, msg) {
                execute(&backend, cmd, &tx);
            }
        }
        if app.quit {
            break Ok(());
        }
    };
    ratatui::restore();
    result
}
