//! What a pull or sync run is, why it runs and how it went, as plain values: the scheduler
//! produces them, the database keeps them, the screens show them. Pure, like all of `domain`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Which job of a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// 受注取得: orders in from the store.
    Pull,
    /// 発送情報の更新: shipping information out to the store.
    Sync,
}

impl JobKind {
    pub const ALL: [JobKind; 2] = [JobKind::Pull, JobKind::Sync];

    /// The name kept in the database and shown by `status --json`.
    pub fn code(self) -> &'static str {
        match self {
            JobKind::Pull => "pull",
            JobKind::Sync => "sync",
        }
    }
}

impl std::fmt::Display for JobKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Why a job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    Schedule,
    /// An operator asked, in a console.
    Manual,
    Watch,
    /// `hassou sync` / `hassou pull` on the command line.
    Cli,
}

impl Trigger {
    pub fn code(self) -> &'static str {
        match self {
            Trigger::Schedule => "schedule",
            Trigger::Manual => "manual",
            Trigger::Watch => "watch",
            Trigger::Cli => "cli",
        }
    }
}

/// Counts a run reports when it finishes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RunCounts {
    pub considered: u64,
    pub written: u64,
    pub already_synced: u64,
    pub waiting: u64,
    pub failed: u64,
}

/// What a screen shows about a job.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct JobStatus {
    pub running: bool,
    pub trigger: Option<Trigger>,
    pub started_at: Option<DateTime<Utc>>,
    /// `None` when the schedule is off (runs only on request).
    pub next_run_at: Option<DateTime<Utc>>,
    /// A "run now" arrived during the run: one more run follows it.
    pub queued: bool,
    pub runs: u64,
    pub last_counts: Option<RunCounts>,
    pub last_skipped: Option<String>,
    pub consecutive_failures: u32,
    /// The last failure's words, and its kind (absent in a status written by an older hassou).
    pub last_error: Option<String>,
    #[serde(default)]
    pub last_cause: Option<super::Cause>,
    /// When a run last succeeded (absent in a status written by an older hassou).
    #[serde(default)]
    pub last_ok_at: Option<DateTime<Utc>>,
    /// This status carries on what a previous holder published (not published itself).
    #[serde(skip)]
    pub carried: bool,
}
