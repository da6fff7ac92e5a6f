//! One pull (受注取得) of one store, recorded as a run: ask the connector for the orders changed
//! since `days` ago, record them, and keep the counts (or the error) in the audit trail. Shared
//! by `hassou pull` and the scheduler.

use chrono::{DateTime, Duration, Utc};

use super::Connector;
use crate::db::{Db, DbError, PullSummary, RunCounts};
use crate::domain::job::{JobKind, Trigger};

#[derive(Debug, thiserror::Error)]
pub enum PullError {
    #[error("{0}")]
    Store(crate::sync::StoreError),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<PullError> for crate::domain::Problem {
    fn from(e: PullError) -> crate::domain::Problem {
        match e {
            PullError::Store(e) => e.into(),
            PullError::Db(e) => e.into(),
        }
    }
}

/// Pulls and records. `trigger` and `host` go to the audit trail.
pub async fn pull_once(
    db: &Db,
    connector: &impl Connector,
    days: u32,
    record_paid: bool,
    trigger: Trigger,
    host: &str,
    clock: fn() -> DateTime<Utc>,
) -> Result<PullSummary, PullError> {
    let channel = connector.store();
    let now = clock();
    let since = now - Duration::days(i64::from(days));
    let run_id = db
        .start_run(channel, JobKind::Pull, trigger, false, host, now)
        .await?;
    let pulled = match connector.pull(since).await {
        Ok(pulled) => pulled,
        Err(message) => {
            db.finish_run(
                run_id,
                "failed",
                RunCounts::default(),
                Some(&message.message),
                clock(),
            )
            .await?;
            return Err(PullError::Store(message));
        }
    };
    let summary = db.record_pull(&pulled, record_paid, now).await?;
    let counts = RunCounts {
        considered: summary.pulled,
        written: summary.new + summary.cancelled + summary.paid,
        ..RunCounts::default()
    };
    db.finish_run(run_id, "completed", counts, None, clock())
        .await?;
    Ok(summary)
}
