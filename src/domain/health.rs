//! A store's health (SPEC §3 "Health and alerts"), judged from what its schedule last published
//! and what its orders hold: `ok`, `degraded` (some orders failed, a refused mail) or `failing`
//! (the last scheduled run stopped — token rejected, store or database out of reach — or no
//! scheduled run has succeeded within three intervals). Pure: the callers read the database.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Cause;
use super::job::JobStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthState {
    Ok,
    Degraded,
    Failing,
}

/// Why a store is not `ok`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum HealthReason {
    /// The last scheduled run stopped, and why (failures in a row).
    RunStopped {
        cause: Cause,
        in_a_row: u32,
    },
    /// Auto sync is on and no scheduled run has succeeded within three intervals.
    NoRecentSuccess,
    OrdersFailed {
        count: u64,
    },
    MailsRefused {
        count: u64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Health {
    pub state: HealthState,
    pub reasons: Vec<HealthReason>,
}

/// What a store's health is judged from.
#[derive(Debug, Clone, Copy)]
pub struct HealthFacts<'a> {
    /// What the schedule's sync job last published, if anything.
    pub sync: Option<&'a JobStatus>,
    pub auto_sync: bool,
    pub auto_sync_every: Duration,
    /// Orders whose last write failed (the `failed` verdict).
    pub failed_orders: u64,
    /// Orders written whose shipping mail the store refused, not sent since.
    pub refused_mails: u64,
    pub now: DateTime<Utc>,
}

/// The causes after which a run stops for the whole store.
fn stops_the_store(cause: Cause) -> bool {
    matches!(
        cause,
        Cause::TokenRejected | Cause::Unreachable | Cause::Database
    )
}

pub fn judge(f: &HealthFacts) -> Health {
    let mut reasons = Vec::new();
    let mut state = HealthState::Ok;
    if let Some(s) = f.sync
        && s.consecutive_failures > 0
    {
        let cause = s.last_cause.unwrap_or(Cause::Refused);
        reasons.push(HealthReason::RunStopped {
            cause,
            in_a_row: s.consecutive_failures,
        });
        state = state.max(if stops_the_store(cause) {
            HealthState::Failing
        } else {
            HealthState::Degraded
        });
    }
    if f.auto_sync {
        let limit = chrono::Duration::from_std(f.auto_sync_every * 3).unwrap_or_default();
        // Known only once a run has succeeded since the status said when (a fresh schedule
        // is not failing yet: its first run comes at start).
        let stale = f
            .sync
            .and_then(|s| s.last_ok_at.or(s.started_at))
            .is_some_and(|at| f.now - at > limit);
        if stale {
            reasons.push(HealthReason::NoRecentSuccess);
            state = HealthState::Failing;
        }
    }
    if f.failed_orders > 0 {
        reasons.push(HealthReason::OrdersFailed {
            count: f.failed_orders,
        });
        state = state.max(HealthState::Degraded);
    }
    if f.refused_mails > 0 {
        reasons.push(HealthReason::MailsRefused {
            count: f.refused_mails,
        });
        state = state.max(HealthState::Degraded);
    }
    Health { state, reasons }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("time")
            .with_timezone(&Utc)
    }

    fn facts(sync: Option<&JobStatus>, failed: u64, mails: u64) -> HealthFacts<'_> {
        HealthFacts {
            sync,
            auto_sync: true,
            auto_sync_every: Duration::from_secs(1800),
            failed_orders: failed,
            refused_mails: mails,
            now: at("2026-11-24T12:00:00Z"),
        }
    }

    fn status(failures: u32, cause: Option<Cause>, ok_at: &str) -> JobStatus {
        JobStatus {
            consecutive_failures: failures,
            last_cause: cause,
            last_ok_at: Some(at(ok_at)),
            ..JobStatus::default()
        }
    }

    /// SPEC §3: failing when the last scheduled run stopped (token, store or database) or no run
    /// succeeded within three intervals; degraded for failed orders, refused mails, a refused
    /// run; ok otherwise.
    #[test]
    fn the_states_of_spec_3() {
        let fine = status(0, None, "2026-11-24T11:45:00Z");
        let token = status(2, Some(Cause::TokenRejected), "2026-11-24T11:45:00Z");
        let down = status(1, Some(Cause::Unreachable), "2026-11-24T11:45:00Z");
        let refused = status(1, Some(Cause::Refused), "2026-11-24T11:45:00Z");
        let old = status(0, None, "2026-11-24T10:00:00Z");
        for (f, state) in [
            (facts(Some(&fine), 0, 0), HealthState::Ok),
            (facts(None, 0, 0), HealthState::Ok),
            (facts(Some(&fine), 2, 0), HealthState::Degraded),
            (facts(Some(&fine), 0, 1), HealthState::Degraded),
            (facts(Some(&refused), 0, 0), HealthState::Degraded),
            (facts(Some(&token), 0, 0), HealthState::Failing),
            (facts(Some(&down), 3, 0), HealthState::Failing),
            (facts(Some(&old), 0, 0), HealthState::Failing),
        ] {
            assert_eq!(judge(&f).state, state, "{f:?}");
        }
        let mut off = facts(Some(&old), 0, 0);
        off.auto_sync = false;
        assert_eq!(
            judge(&off).state,
            HealthState::Ok,
            "no schedule, nothing overdue"
        );
        let both = judge(&facts(Some(&down), 3, 1));
        assert_eq!(both.reasons.len(), 3, "{both:?}");
    }
}
