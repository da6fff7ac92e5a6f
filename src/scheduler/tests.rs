//! Scheduler timing and coalescing on paused tokio time: no real sleeps.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::*;
use crate::domain::window::Window;

/// A job that takes `takes` of (paused) time and records when each run started.
struct FakeJob {
    takes: Duration,
    started: Mutex<Vec<(Instant, Trigger)>>,
    running: AtomicBool,
    overlapped: AtomicBool,
    fail: AtomicBool,
}

impl FakeJob {
    fn new(takes: Duration) -> Arc<FakeJob> {
        Arc::new(FakeJob {
            takes,
            started: Mutex::new(Vec::new()),
            running: AtomicBool::new(false),
            overlapped: AtomicBool::new(false),
            fail: AtomicBool::new(false),
        })
    }

    fn starts(&self) -> Vec<(Instant, Trigger)> {
        self.started.lock().expect("lock").clone()
    }
}

impl Job for FakeJob {
    async fn run(&self, trigger: Trigger) -> Result<JobOutcome, crate::domain::Problem> {
        if self.running.swap(true, Ordering::SeqCst) {
            self.overlapped.store(true, Ordering::SeqCst);
        }
        self.started
            .lock()
            .expect("lock")
            .push((Instant::now(), trigger));
        tokio::time::sleep(self.takes).await;
        self.running.store(false, Ordering::SeqCst);
        if self.fail.load(Ordering::SeqCst) {
            return Err(crate::domain::Problem::new(
                crate::domain::Cause::Unreachable,
                "store unreachable",
            ));
        }
        Ok(JobOutcome::Ran(RunCounts {
            considered: 3,
            written: 2,
            ..RunCounts::default()
        }))
    }
}

/// On/off and interval that a test changes as another console would.
struct FakeSchedule {
    enabled: AtomicBool,
    every_secs: AtomicU64,
    window: Mutex<Window>,
}

impl FakeSchedule {
    fn new(enabled: bool, every: Duration) -> Arc<FakeSchedule> {
        Arc::new(FakeSchedule {
            enabled: AtomicBool::new(enabled),
            every_secs: AtomicU64::new(every.as_secs()),
            window: Mutex::new(Window::ALWAYS),
        })
    }
}

impl Schedule for FakeSchedule {
    async fn current(&self) -> Timing {
        Timing {
            window: *self.window.lock().expect("lock"),
            ..Timing::always(
                self.enabled.load(Ordering::SeqCst),
                Duration::from_secs(self.every_secs.load(Ordering::SeqCst)),
            )
        }
    }
}

fn offsets(start: Instant, starts: &[(Instant, Trigger)]) -> Vec<(u64, Trigger)> {
    starts
        .iter()
        .map(|(at, trigger)| (at.duration_since(start).as_secs(), *trigger))
        .collect()
}

#[tokio::test(start_paused = true)]
async fn runs_at_start_then_every_interval_from_the_previous_start() {
    let start = Instant::now();
    let job = FakeJob::new(Duration::from_secs(20));
    let schedule = FakeSchedule::new(true, Duration::from_secs(30 * 60));
    let cancel = CancellationToken::new();
    let (scheduler, task) = Scheduler::spawn(job.clone(), schedule, cancel.clone());
    tokio::time::sleep(Duration::from_secs(95 * 60)).await;
    assert_eq!(
        offsets(start, &job.starts()),
        [
            (0, Trigger::Schedule),
            (1800, Trigger::Schedule),
            (3600, Trigger::Schedule),
            (5400, Trigger::Schedule)
        ]
    );
    let status = scheduler.status();
    assert_eq!(status.runs, 4);
    assert!(!status.running);
    assert!(status.next_run_at.is_some());
    assert_eq!(status.last_counts.map(|c| c.written), Some(2));
    cancel.cancel();
    task.await.expect("stops");
}

#[tokio::test(start_paused = true)]
async fn run_now_during_a_run_queues_exactly_one_follow_up() {
    let start = Instant::now();
    let job = FakeJob::new(Duration::from_secs(60));
    let schedule = FakeSchedule::new(false, Duration::from_secs(30 * 60));
    let cancel = CancellationToken::new();
    let (scheduler, _task) = Scheduler::spawn(job.clone(), schedule, cancel.clone());
    scheduler.run_now(Trigger::Manual);
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert!(scheduler.status().running);
    // Five presses during the run: one follow-up, never two runs at once.
    for _ in 0..5 {
        scheduler.run_now(Trigger::Manual);
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(scheduler.status().queued);
    tokio::time::sleep(Duration::from_secs(600)).await;
    assert_eq!(
        offsets(start, &job.starts()),
        [(0, Trigger::Manual), (60, Trigger::Manual)]
    );
    assert!(!job.overlapped.load(Ordering::SeqCst));
    let status = scheduler.status();
    assert_eq!((status.runs, status.queued), (2, false));
    assert_eq!(status.next_run_at, None, "schedule off: only on request");
    cancel.cancel();
}

#[tokio::test(start_paused = true)]
async fn a_setting_changed_elsewhere_applies_without_a_restart() {
    let start = Instant::now();
    let job = FakeJob::new(Duration::from_secs(1));
    let schedule = FakeSchedule::new(false, Duration::from_secs(30 * 60));
    let cancel = CancellationToken::new();
    let (_scheduler, _task) = Scheduler::spawn(job.clone(), schedule.clone(), cancel.clone());
    tokio::time::sleep(Duration::from_secs(120)).await;
    assert!(job.starts().is_empty(), "off: nothing runs");
    // Another console turns it on, every 5 minutes.
    schedule.every_secs.store(300, Ordering::SeqCst);
    schedule.enabled.store(true, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(900)).await;
    let runs = offsets(start, &job.starts());
    assert_eq!(runs.len(), 3, "{runs:?}");
    assert!(
        runs[0].0 >= 120 && runs[0].0 <= 120 + SETTINGS_POLL.as_secs(),
        "{runs:?}"
    );
    assert_eq!(runs[1].0 - runs[0].0, 300);
    cancel.cancel();
}

/// Issue 13: "the schedule backs off" when a store is down: failed runs double the interval
/// (up to 8×); the first run that succeeds brings it back.
#[tokio::test(start_paused = true)]
async fn failures_are_counted_and_back_off_until_a_run_succeeds() {
    let start = Instant::now();
    let job = FakeJob::new(Duration::from_secs(1));
    job.fail.store(true, Ordering::SeqCst);
    let schedule = FakeSchedule::new(true, Duration::from_secs(60));
    let cancel = CancellationToken::new();
    let (scheduler, _task) = Scheduler::spawn(job.clone(), schedule, cancel.clone());
    tokio::time::sleep(Duration::from_secs(400)).await;
    let status = scheduler.status();
    assert_eq!(status.consecutive_failures, 3);
    assert_eq!(status.last_error.as_deref(), Some("store unreachable"));
    let runs: Vec<u64> = offsets(start, &job.starts()).iter().map(|r| r.0).collect();
    assert_eq!(
        runs,
        [0, 120, 360],
        "60 s, then 120, 240, 480 … after failures"
    );
    job.fail.store(false, Ordering::SeqCst);
    // The next run comes 480 s after the third (8× would be the most); it succeeds.
    tokio::time::sleep(Duration::from_secs(450)).await;
    let status = scheduler.status();
    assert_eq!((status.consecutive_failures, status.last_error), (0, None));
    tokio::time::sleep(Duration::from_secs(61)).await;
    let runs: Vec<u64> = offsets(start, &job.starts()).iter().map(|r| r.0).collect();
    assert_eq!(runs, [0, 120, 360, 840, 900], "back to every 60 s");
    cancel.cancel();
}

/// SPEC §3 schedule windows: a scheduled run (or a watch request) due outside the window waits
/// for its opening, said as the next run; a manual run never waits.
#[tokio::test(start_paused = true)]
async fn outside_the_window_scheduled_runs_wait_and_manual_runs_do_not() {
    use chrono::Datelike;
    let job = FakeJob::new(Duration::from_secs(5));
    let schedule = FakeSchedule::new(true, Duration::from_secs(30 * 60));
    // Every day but today (shop time): closed now, open from midnight.
    let tz = ShopTimeZone::jst();
    let today = Utc::now().with_timezone(&tz.offset()).weekday();
    let others: Vec<&str> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .into_iter()
        .enumerate()
        .filter(|(i, _)| *i != today.num_days_from_monday() as usize)
        .map(|(_, d)| d)
        .collect();
    let window = Window {
        days: crate::domain::window::parse_days(&others.join(",")).expect("days"),
        ..Window::ALWAYS
    };
    *schedule.window.lock().expect("lock") = window;
    let cancel = CancellationToken::new();
    let (scheduler, _task) = Scheduler::spawn(job.clone(), schedule, cancel.clone());
    tokio::time::sleep(Duration::from_secs(3600)).await;
    assert!(
        job.starts().is_empty(),
        "nothing scheduled outside the window"
    );
    let next = scheduler.status().next_run_at.expect("a next run");
    assert_eq!(
        Some(next.with_timezone(&tz.offset()).date_naive()),
        window
            .next_open(Utc::now(), tz)
            .map(|o| o.with_timezone(&tz.offset()).date_naive())
    );
    scheduler.run_now(Trigger::Watch);
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert!(job.starts().is_empty(), "watch waits for the window too");
    scheduler.run_now(Trigger::Manual);
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert_eq!(
        job.starts().iter().map(|(_, t)| *t).collect::<Vec<_>>(),
        [Trigger::Manual]
    );
    cancel.cancel();
}
