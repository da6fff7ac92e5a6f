//! The scheduler of one job — a pull or a sync of one store — on its interval, with "run now"
//! on request. Never two runs of a job at once: a "run now" while a run is going queues one
//! follow-up run at most (coalescing). The interval and on/off come from a [`Schedule`] read
//! again before every wait, so a change made in any console sharing the database applies here.
//! Anyone can watch the [`JobStatus`].

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::domain::ShopTimeZone;
pub use crate::domain::job::{JobKind, JobStatus, RunCounts, Trigger};
use crate::domain::window::Window;

pub mod view;
pub mod worker;

pub use view::{ScheduleView, lease_name};
pub use worker::{LEASE_RENEW, LEASE_TIME, StoreWorker, WorkerHandle, WorkerOptions};

/// How often settings are read again while waiting (a change in another console shows up
/// within this).
pub const SETTINGS_POLL: Duration = Duration::from_secs(10);

/// What one run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobOutcome {
    Ran(RunCounts),
    /// Not this process's turn (another holds the store's lease), or nothing to do.
    Skipped(String),
}

/// A job the scheduler runs: a pull or a sync of one store.
pub trait Job: Send + Sync + 'static {
    fn run(
        &self,
        trigger: Trigger,
    ) -> impl Future<Output = Result<JobOutcome, crate::domain::Problem>> + Send;
}

/// On/off, interval and window, as the database says now.
pub trait Schedule: Send + Sync + 'static {
    fn current(&self) -> impl Future<Output = Timing> + Send;
}

/// When a job runs by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    pub enabled: bool,
    pub every: Duration,
    /// Scheduled and watch runs start only inside it; manual runs never wait.
    pub window: Window,
    pub timezone: ShopTimeZone,
}

impl Timing {
    /// On or off every `every`, at any hour.
    pub fn always(enabled: bool, every: Duration) -> Timing {
        Timing {
            enabled,
            every,
            window: Window::ALWAYS,
            timezone: ShopTimeZone::jst(),
        }
    }

    /// `due`, or the window's next opening when `due` falls outside it; `None` when it never
    /// opens.
    fn hold(&self, due: Instant) -> Option<Instant> {
        if self.window.is_always() {
            return Some(due);
        }
        let at = wall(due);
        let open = self.window.next_open(at, self.timezone)?;
        if open <= at {
            return Some(due);
        }
        let ahead = (open - Utc::now()).to_std().unwrap_or_default();
        Some(Instant::now() + ahead)
    }
}

/// The handle of a running scheduler.
#[derive(Clone)]
pub struct Scheduler {
    requests: mpsc::UnboundedSender<Trigger>,
    status: watch::Receiver<JobStatus>,
    /// The same status, for [`Scheduler::carry_on`].
    status_tx: Arc<watch::Sender<JobStatus>>,
}

impl Scheduler {
    /// Starts the scheduler of `job`; it stops when `cancel` is cancelled (after the run in
    /// progress, which is the job's to end early).
    pub fn spawn<J: Job, S: Schedule>(
        job: Arc<J>,
        schedule: Arc<S>,
        cancel: CancellationToken,
    ) -> (Scheduler, tokio::task::JoinHandle<()>) {
        let (requests, rx) = mpsc::unbounded_channel();
        let status_tx = Arc::new(watch::Sender::new(JobStatus::default()));
        let status = status_tx.subscribe();
        let task = tokio::spawn(run_loop(job, schedule, rx, status_tx.clone(), cancel));
        (
            Scheduler {
                requests,
                status,
                status_tx,
            },
            task,
        )
    }

    /// Runs the job as soon as possible ("sync now"); during a run, queues one follow-up.
    pub fn run_now(&self, trigger: Trigger) {
        let _ = self.requests.send(trigger);
    }

    pub fn status(&self) -> JobStatus {
        self.status.borrow().clone()
    }

    /// Carries on the history another process published (failures in a row, the last
    /// success and result), so that a restart or a takeover neither forgets a failing store
    /// nor says it recovered before a run did. Only before this scheduler finished a run.
    pub fn carry_on(&self, previous: &JobStatus) {
        self.status_tx.send_if_modified(|s| {
            if s.runs > 0 || s.carried {
                return false;
            }
            s.carried = true;
            s.consecutive_failures += previous.consecutive_failures;
            s.last_error.clone_from(&previous.last_error);
            s.last_cause = previous.last_cause;
            s.last_ok_at = previous.last_ok_at;
            s.last_counts.clone_from(&previous.last_counts);
            true
        });
    }

    /// A receiver that wakes on every status change.
    pub fn watch(&self) -> watch::Receiver<JobStatus> {
        self.status.clone()
    }
}

fn wall(at: Instant) -> DateTime<Utc> {
    let ahead = at.saturating_duration_since(Instant::now());
    Utc::now() + chrono::Duration::from_std(ahead).unwrap_or_default()
}

async fn run_loop<J: Job, S: Schedule>(
    job: Arc<J>,
    schedule: Arc<S>,
    mut requests: mpsc::UnboundedReceiver<Trigger>,
    status: Arc<watch::Sender<JobStatus>>,
    cancel: CancellationToken,
) {
    let mut last_start: Option<Instant> = None;
    let mut follow_up: Option<Trigger> = None;
    let mut requests_open = true;
    let mut failures: u32 = 0;
    loop {
        let timing = schedule.current().await;
        let (enabled, every) = (timing.enabled, timing.every);
        // The first scheduled run comes at once (catching up after a start), then every interval
        // from the start of the previous run; after failed runs (a store that is down) the
        // interval doubles, up to 8 times, so a dead store is not asked every few minutes.
        let every = every.saturating_mul(1 << failures.min(3));
        let due = enabled.then(|| last_start.map_or_else(Instant::now, |s| s + every));
        // A scheduled run due outside the window waits for its opening.
        let due = due.and_then(|d| timing.hold(d));
        status.send_modify(|s| s.next_run_at = due.map(wall));
        let trigger = match follow_up.take() {
            Some(trigger) => trigger,
            None => {
                // Wake for the due run, or to read the settings again, whichever is first.
                let wake = due.map_or(Instant::now() + SETTINGS_POLL, |d| {
                    d.min(Instant::now() + SETTINGS_POLL)
                });
                tokio::select! {
                    () = cancel.cancelled() => return,
                    request = requests.recv(), if requests_open => match request {
                        Some(trigger) => trigger,
                        None => {
                            // Nobody can ask any more: the schedule alone drives it.
                            requests_open = false;
                            continue;
                        }
                    },
                    () = tokio::time::sleep_until(wake) => {
                        if due.is_some_and(|d| d <= Instant::now()) {
                            Trigger::Schedule
                        } else {
                            continue;
                        }
                    }
                }
            }
        };
        if trigger != Trigger::Manual && !timing.window.is_open(Utc::now(), timing.timezone) {
            // A scheduled or watch request outside the window (a lease taken over at night):
            // the schedule runs it when the window opens.
            continue;
        }
        last_start = Some(Instant::now());
        status.send_modify(|s| {
            s.running = true;
            s.trigger = Some(trigger);
            s.started_at = Some(Utc::now());
            s.queued = false;
        });
        let run = job.run(trigger);
        tokio::pin!(run);
        let result = loop {
            tokio::select! {
                result = &mut run => break result,
                Some(next) = requests.recv(), if requests_open => {
                    // Coalesce: however many requests come during a run, one run follows it.
                    follow_up.get_or_insert(next);
                    status.send_modify(|s| s.queued = true);
                }
            }
        };
        failures = match &result {
            Ok(JobOutcome::Ran(_)) => 0,
            Ok(JobOutcome::Skipped(_)) => failures,
            Err(_) => failures.saturating_add(1),
        };
        status.send_modify(|s| {
            s.running = false;
            s.runs += 1;
            match result {
                Ok(JobOutcome::Ran(counts)) => {
                    s.last_counts = Some(counts);
                    s.last_skipped = None;
                    s.consecutive_failures = 0;
                    s.last_error = None;
                    s.last_cause = None;
                    s.last_ok_at = Some(Utc::now());
                }
                Ok(JobOutcome::Skipped(why)) => s.last_skipped = Some(why),
                Err(problem) => {
                    s.consecutive_failures += 1;
                    s.last_error = Some(problem.words);
                    s.last_cause = Some(problem.cause);
                }
            }
        });
        if cancel.is_cancelled() {
            return;
        }
    }
}

#[cfg(test)]
mod tests;
