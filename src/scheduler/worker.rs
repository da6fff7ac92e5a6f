//! The scheduled work of one store, with no screen: its pull and sync [`Scheduler`]s, the lease
//! that lets only one process sharing the database run them, and the watch mode that writes a
//! newly pending order within the debounce. `hassou daemon` runs one [`StoreWorker`] per
//! configured store; a console runs the same, and starts its confirmed runs through it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::Utc;
use tokio_util::sync::CancellationToken;

use super::view::lease_name;
use super::{Job, JobKind, JobOutcome, Schedule, Scheduler, Timing, Trigger};
use crate::channels::StoreConnector;
use crate::db::{Db, RunCounts};
use crate::domain::{Cause, ChannelRules, Problem, ShippingWrite, ShopTimeZone, Store};
use crate::settings::OperationalSettings;
use crate::sync::holder;
use crate::sync::pull::pull_once;
use crate::sync::{Connector, PlanScope, RunReport, SyncEngine, SyncEvent, SyncOptions, SyncPlan};
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

mod background;
mod on_request;

use background::{auto_reconcile, deliver_alerts, raise_alerts};

/// How long a lease lasts without renewal, and how often its holder renews it: a dead holder's
/// lease is taken over once its heartbeat runs out (`db::instances::INSTANCE_TTL`, 30 s).
pub const LEASE_TIME: Duration = Duration::from_secs(60);
pub const LEASE_RENEW: Duration = Duration::from_secs(15);

/// Everything the jobs of one store share.
struct StoreRuntime {
    db: Db,
    connector: StoreConnector,
    store: Store,
    initial: OperationalSettings,
    timezone: ShopTimeZone,
    /// This process holds the store's lease now.
    leading: AtomicBool,
    /// The lease has been tried at least once (jobs wait for it).
    lease_tried: tokio::sync::watch::Sender<bool>,
    holder: String,
    cancel: CancellationToken,
    /// Where the sync runs report order by order (a console), if anywhere.
    events: Option<UnboundedSender<SyncEvent>>,
    /// How far a pull of this process has read (a console shows it).
    pull_progress: Arc<tokio::sync::watch::Sender<crate::channels::PullProgress>>,
    alerting: Option<Arc<crate::alerts::Alerting>>,
    /// Wakes the alert delivery when an alert was put in the outbox.
    alerts_queued: tokio::sync::Notify,
    /// Asks for the alert conditions to be judged now (a confirmed run of this process ended).
    judge_alerts: tokio::sync::Notify,
}

impl StoreRuntime {
    /// The order as stored now, or why not.
    async fn order(&self, order_id: i64) -> Result<crate::db::StoredOrder, Problem> {
        self.db
            .order_by_id(order_id)
            .await?
            .ok_or_else(|| Problem::new(Cause::OrderGone, format!("order id {order_id}")))
    }

    async fn settings(&self) -> Result<OperationalSettings, Problem> {
        Ok(self
            .db
            .settings_or_init(self.store, &self.initial, "daemon", Utc::now())
            .await?)
    }

    fn lease_name(&self) -> String {
        lease_name(self.store)
    }

    /// Takes or renews the lease; takes it from a holder whose heartbeat ran out.
    async fn keep_lease(&self) -> Result<bool, Problem> {
        let now = Utc::now();
        let until = now + chrono::Duration::from_std(LEASE_TIME).unwrap_or_default();
        let name = self.lease_name();
        let held = self
            .db
            .acquire_lease(&name, &self.holder, now, until)
            .await?;
        let was = self.leading.swap(held, Ordering::SeqCst);
        if !held && !*self.lease_tried.borrow() {
            let by = self.db.lease(&name).await.ok().flatten().map(|l| l.holder);
            tracing::info!(store = %self.store, "scheduler lease held by {}", by.unwrap_or_default());
        }
        if held != was {
            tracing::info!(store = %self.store, leading = held, "scheduler lease {}", if held { "taken" } else { "lost" });
        }
        Ok(held)
    }

    /// Why a job must not run now: scheduled and watch runs belong to the lease holder. A run
    /// an operator asked for ("sync now") runs in any process: the per-order claims keep it from
    /// writing an order another process is writing.
    /// One sync run (or dry run) with the settings as they are now.
    async fn sync(
        &self,
        trigger: Trigger,
        dry_run: bool,
        events: Option<&UnboundedSender<SyncEvent>>,
    ) -> Result<crate::sync::RunReport, Problem> {
        let rules = self.rules().await?;
        let options = SyncOptions {
            dry_run,
            trigger,
            host: self.holder.clone(),
        };
        Ok(SyncEngine::new(&self.db, &self.connector)
            .run(rules, &options, events, &self.cancel)
            .await?)
    }

    async fn not_leading(&self, trigger: Trigger) -> Option<JobOutcome> {
        if trigger == Trigger::Manual {
            return None;
        }
        let mut tried = self.lease_tried.subscribe();
        let _ = tried.wait_for(|t| *t).await;
        (!self.leading.load(Ordering::SeqCst))
            .then(|| JobOutcome::Skipped("another process holds this store's schedule".into()))
    }
}

/// Every order a run changed or failed, then its counts, to the log.
fn log_report(channel: Store, report: &RunReport) {
    for result in report.results.iter().filter(|r| {
        !matches!(
            r.outcome,
            crate::sync::ResultOutcome::AlreadySynced | crate::sync::ResultOutcome::Waiting
        )
    }) {
        tracing::info!(store = %channel, order = %result.number, outcome = ?result.outcome, detail = %result.detail);
    }
    tracing::info!(
        store = %channel,
        written = report.written,
        failed = report.failed,
        already_synced = report.already_synced,
        cancelled = report.cancelled,
        "sync finished"
    );
}

struct SyncJob(Arc<StoreRuntime>);
struct PullJob(Arc<StoreRuntime>);

impl Job for SyncJob {
    async fn run(&self, trigger: Trigger) -> Result<JobOutcome, Problem> {
        let store = &self.0;
        if let Some(skip) = store.not_leading(trigger).await {
            return Ok(skip);
        }
        tracing::info!(store = %store.store, trigger = trigger.code(), "sync started");
        let report = store.sync(trigger, false, store.events.as_ref()).await?;
        log_report(store.store, &report);
        if let Some(down) = report.stopped {
            // A failed run: the schedule backs off until the store answers again.
            return Err(crate::sync::StoreError {
                message: crate::sync::stop_words(down).to_owned(),
                down: Some(down),
            }
            .into());
        }
        Ok(JobOutcome::Ran(RunCounts {
            considered: report.considered,
            written: report.written,
            already_synced: report.already_synced,
            waiting: report.waiting,
            failed: report.failed,
        }))
    }
}

impl Job for PullJob {
    async fn run(&self, trigger: Trigger) -> Result<JobOutcome, Problem> {
        let store = &self.0;
        if let Some(skip) = store.not_leading(trigger).await {
            return Ok(skip);
        }
        let settings = store.settings().await?;
        let watch = crate::channels::PullWatch {
            progress: store.pull_progress.clone(),
            stop: store.cancel.clone(),
        };
        let pulled = crate::channels::watching_pull(
            watch,
            pull_once(
                &store.db,
                &store.connector,
                settings.pull_days,
                settings.pull_paid_date,
                trigger,
                &store.holder,
                Utc::now,
            ),
        )
        .await;
        let summary = match pulled {
            // Stopped by a quit (or a signal) between pages: nothing recorded, not a failure.
            Err(_) if store.cancel.is_cancelled() => {
                return Ok(JobOutcome::Skipped("stopped before its end".into()));
            }
            other => other?,
        };
        tracing::info!(store = %store.store, pulled = summary.pulled, new = summary.new, cancelled = summary.cancelled, "pull finished");
        Ok(JobOutcome::Ran(RunCounts {
            considered: summary.pulled,
            written: summary.new + summary.cancelled + summary.paid,
            ..RunCounts::default()
        }))
    }
}

/// Which of a store's schedules.
#[derive(Clone, Copy)]
enum Kind {
    Pull,
    Sync,
}

struct StoreSchedule(Arc<StoreRuntime>, Kind);

impl Schedule for StoreSchedule {
    async fn current(&self) -> Timing {
        match self.0.settings().await {
            // Auto pull only reads, so it keeps the order list fresh at any hour; the window
            // holds back what writes to the store and mails customers.
            Ok(s) => match self.1 {
                Kind::Pull => Timing::always(s.auto_pull, s.auto_pull_every),
                Kind::Sync => Timing {
                    enabled: s.auto_sync,
                    every: s.auto_sync_every,
                    window: s.window,
                    timezone: self.0.timezone,
                },
            },
            Err(e) => {
                tracing::error!(store = %self.0.store, "cannot read the settings: {e}");
                Timing::always(false, Duration::from_secs(60))
            }
        }
    }
}

/// The running scheduled work of one store.
pub struct StoreWorker {
    pub channel: Store,
    pub pull: Scheduler,
    pub sync: Scheduler,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    release: Box<dyn FnOnce() -> tokio::task::JoinHandle<()> + Send>,
    store: Arc<StoreRuntime>,
}

/// Run now, dry run and the status of a running [`StoreWorker`].
#[derive(Clone)]
pub struct WorkerHandle {
    pub channel: Store,
    pub pull: Scheduler,
    pub sync: Scheduler,
    store: Arc<StoreRuntime>,
}

impl WorkerHandle {
    /// How far this process's pull of the store has read, as it reads.
    pub fn pull_progress(&self) -> tokio::sync::watch::Receiver<crate::channels::PullProgress> {
        self.store.pull_progress.subscribe()
    }

    /// Shows exactly what a sync would send now, sending nothing; the events go to `events`.
    pub fn dry_run(
        &self,
        scope: PlanScope,
        events: UnboundedSender<SyncEvent>,
    ) -> JoinHandle<Result<(), Problem>> {
        self.store.dry_run(scope, events)
    }

    /// What a sync would send now, for the operator to confirm; sends nothing.
    pub fn plan(&self, scope: PlanScope) -> JoinHandle<Result<SyncPlan, Problem>> {
        self.store.plan(scope)
    }

    /// Reads what the store holds for the order now and records it (nothing is written to the
    /// store).
    pub fn reread(&self, order_id: i64) -> JoinHandle<Result<Option<ShippingWrite>, Problem>> {
        self.store.reread(order_id)
    }

    /// Reads the store back and records what differs (nothing written to the store).
    pub fn reconcile(
        &self,
        by: String,
    ) -> JoinHandle<Result<crate::sync::reconcile::ReconcileReport, Problem>> {
        self.store.reconcile(by)
    }

    /// Sends the order's shipping mail now (the operator said yes), recorded in its trail.
    pub fn send_mail(
        &self,
        order_id: i64,
    ) -> JoinHandle<Result<crate::sync::mail::MailOutcome, Problem>> {
        self.store.send_mail(order_id)
    }

    /// Runs a plan the operator confirmed, in this process, now; `cancel` stops it after the
    /// order in flight.
    pub fn run_plan(
        &self,
        plan: SyncPlan,
        events: UnboundedSender<SyncEvent>,
        cancel: CancellationToken,
    ) -> JoinHandle<Result<RunReport, Problem>> {
        self.store.run_plan(plan, events, cancel)
    }
}

/// Who runs a worker, and who hears of its sync runs.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Names the process in the lease and the audit trail: `daemon`, `console`.
    pub role: &'static str,
    pub events: Option<UnboundedSender<SyncEvent>>,
    /// Raises and sends the store's alerts while this process holds its lease.
    pub alerting: Option<Arc<crate::alerts::Alerting>>,
}

impl StoreWorker {
    /// Starts the lease keeper, both schedulers and the watcher of one store, for `role` (the
    /// daemon's or a console's), reporting every sync run's events to `options.events`.
    pub fn start_with(
        db: Db,
        connector: StoreConnector,
        initial: OperationalSettings,
        timezone: ShopTimeZone,
        cancel: CancellationToken,
        options: WorkerOptions,
    ) -> StoreWorker {
        let channel = connector.store();
        let store = Arc::new(StoreRuntime {
            db,
            connector,
            store: channel,
            initial,
            timezone,
            leading: AtomicBool::new(false),
            lease_tried: tokio::sync::watch::Sender::new(false),
            holder: holder::holder(&format!("{}-{}", options.role, channel.name())),
            cancel: cancel.clone(),
            events: options.events,
            pull_progress: Arc::new(tokio::sync::watch::Sender::new(Default::default())),
            alerting: options.alerting,
            alerts_queued: tokio::sync::Notify::new(),
            judge_alerts: tokio::sync::Notify::new(),
        });
        let mut tasks = Vec::new();
        let (pull, pull_task) = Scheduler::spawn(
            Arc::new(PullJob(store.clone())),
            Arc::new(StoreSchedule(store.clone(), Kind::Pull)),
            cancel.clone(),
        );
        let (sync, sync_task) = Scheduler::spawn(
            Arc::new(SyncJob(store.clone())),
            Arc::new(StoreSchedule(store.clone(), Kind::Sync)),
            cancel.clone(),
        );
        tasks.push(pull_task);
        tasks.push(sync_task);
        // The lease keeper. Jobs wait for its first attempt; when it takes the lease later (its
        // holder died), the scheduled jobs run at once instead of at their next turn.
        let keeper = store.clone();
        let keeper_cancel = cancel.clone();
        let (pull_kick, sync_kick) = (pull.clone(), sync.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let was = keeper.leading.load(Ordering::SeqCst);
                match keeper.keep_lease().await {
                    Ok(true) if !was && *keeper.lease_tried.borrow() => {
                        if let Ok(settings) = keeper.settings().await {
                            if settings.auto_pull {
                                pull_kick.run_now(Trigger::Schedule);
                            }
                            if settings.auto_sync {
                                sync_kick.run_now(Trigger::Schedule);
                            }
                        }
                    }
                    Ok(_) => {}
                    Err(e) => tracing::error!(store = %keeper.store, "lease: {e}"),
                }
                keeper.lease_tried.send_replace(true);
                tokio::select! {
                    () = keeper_cancel.cancelled() => return,
                    () = tokio::time::sleep(LEASE_RENEW) => {}
                }
            }
        }));
        tasks.push(tokio::spawn(watch(
            store.clone(),
            sync.clone(),
            cancel.clone(),
        )));
        if store.alerting.is_some() {
            tasks.push(tokio::spawn(deliver_alerts(store.clone(), cancel.clone())));
        }
        tasks.push(tokio::spawn(auto_reconcile(store.clone(), cancel.clone())));
        tasks.push(tokio::spawn(publish(
            store.clone(),
            pull.clone(),
            sync.clone(),
            cancel,
        )));
        let releaser = store.clone();
        let release = Box::new(move || {
            tokio::spawn(async move {
                let _ = releaser
                    .db
                    .release_lease(&releaser.lease_name(), &releaser.holder)
                    .await;
            })
        });
        StoreWorker {
            channel,
            pull,
            sync,
            tasks,
            release,
            store,
        }
    }

    /// What a console needs to drive this worker (it keeps the worker itself to finish it).
    pub fn handle(&self) -> WorkerHandle {
        WorkerHandle {
            channel: self.channel,
            pull: self.pull.clone(),
            sync: self.sync.clone(),
            store: self.store.clone(),
        }
    }

    /// Waits for every task to end (after `cancel`), then gives the lease up.
    pub async fn finish(self) {
        for task in self.tasks {
            let _ = task.await;
        }
        let _ = (self.release)().await;
    }
}

/// Publishes both schedulers' status in the database while this process holds the lease, so
/// every console sharing it shows what the schedule is doing: on every change, and on each
/// renewal (a process that just took the lease over says so at once).
async fn publish(
    store: Arc<StoreRuntime>,
    pull: Scheduler,
    sync: Scheduler,
    cancel: CancellationToken,
) {
    let (mut pull_changes, mut sync_changes) = (pull.watch(), sync.watch());
    let mut carried = false;
    loop {
        let stopping = cancel.is_cancelled();
        let leading = store.leading.load(Ordering::SeqCst);
        carried &= leading;
        if leading {
            // A new holder carries on its predecessor's history before it first publishes
            // (read once each time this process takes the lease).
            if !carried && let Ok(previous) = store.db.published_status(store.store).await {
                carried = true;
                for p in previous.iter().filter(|p| p.holder != store.holder) {
                    match p.job {
                        JobKind::Pull => pull.carry_on(&p.status),
                        JobKind::Sync => sync.carry_on(&p.status),
                    }
                }
            }
            for (job, scheduler) in [(JobKind::Pull, &pull), (JobKind::Sync, &sync)] {
                let mut status = scheduler.status();
                if stopping {
                    // Nobody will run it at that time unless another process takes over.
                    status.next_run_at = None;
                }
                if let Err(e) = store
                    .db
                    .publish_status(store.store, job, &store.holder, &status, Utc::now())
                    .await
                {
                    tracing::warn!(store = %store.store, "cannot publish the {job} status: {e}");
                }
            }
            if !stopping {
                raise_alerts(&store).await;
            }
        }
        if stopping {
            return;
        }
        tokio::select! {
            // After the cancel, wait for both schedulers to end so the last word is theirs.
            () = cancel.cancelled() => {
                let _ = pull_changes.wait_for(|s| !s.running).await;
                let _ = sync_changes.wait_for(|s| !s.running).await;
            }
            Ok(()) = pull_changes.changed() => {}
            Ok(()) = sync_changes.changed() => {}
            () = store.judge_alerts.notified() => {}
            () = tokio::time::sleep(LEASE_RENEW) => {}
        }
    }
}

/// Watch mode: when any process changes an order of this store, a sync follows within the
/// debounce (if watch is on). It asks the database one cheap question every few seconds.
async fn watch(store: Arc<StoreRuntime>, sync: Scheduler, cancel: CancellationToken) {
    let mut seen = store.db.latest_change(store.store).await.ok().flatten();
    loop {
        let settings = store.settings().await.ok();
        let debounce = settings
            .as_ref()
            .map_or(Duration::from_secs(60), |s| s.watch_debounce);
        // Poll and settle each take at most a quarter of the debounce (5 s at most), so a run
        // starts well within it.
        let step = (debounce / 4).clamp(Duration::from_millis(200), Duration::from_secs(5));
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(step) => {}
        }
        let latest = store.db.latest_change(store.store).await.ok().flatten();
        if latest.is_none() || latest == seen {
            continue;
        }
        let Some(settings) = settings.filter(|s| s.watch) else {
            seen = latest;
            continue;
        };
        if !settings.window.is_open(Utc::now(), store.timezone) {
            // Outside the window the change waits, unseen: it is written when the window opens.
            continue;
        }
        seen = latest;
        // Let a burst of edits (an import) settle, then one run takes them all.
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(step) => {}
        }
        seen = store
            .db
            .latest_change(store.store)
            .await
            .ok()
            .flatten()
            .or(seen);
        tracing::info!(store = %store.store, "orders changed: sync (watch)");
        sync.run_now(Trigger::Watch);
    }
}
