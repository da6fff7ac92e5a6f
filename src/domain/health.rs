//! A store's health (SPEC §3 "Health and alerts"), judged from what its schedule last published
//! and what its orders hold: `ok`, `degraded` (some orders failed, a refused mail) or `failing`
//! (the last scheduled run stopped — token rejected, store or database out of reach — or no
//! scheduled run has succeeded within three intervals). Pure: the callers read the database.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::job::JobStatus;
use super::window::Window;
use super::{Cause, ShopTimeZone};

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
    /// Orders whose store changed behind hassou (found by reconcile, not settled yet).
    Drift {
        count: u64,
    },
    /// Auto sync or watch is on and an order has waited to be written longer than `stale_after`.
    Stale {
        waited_minutes: u64,
    },
}

/// What health is judged by besides the facts: the shop's time zone (for the window) and how
/// long an order may wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HealthRules {
    pub timezone: ShopTimeZone,
    pub stale_after: Duration,
}

impl Default for HealthRules {
    fn default() -> Self {
        HealthRules {
            timezone: ShopTimeZone::jst(),
            stale_after: Duration::from_secs(2 * 3600),
        }
    }
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
    pub watch: bool,
    /// Only the window's open time counts towards "three intervals".
    pub window: Window,
    pub rules: HealthRules,
    /// When the longest-waiting pending or failed order last changed.
    pub oldest_pending: Option<DateTime<Utc>>,
    /// Orders whose last write failed (the `failed` verdict).
    pub failed_orders: u64,
    /// Orders written whose shipping mail the store refused, not sent since.
    pub refused_mails: u64,
    /// Orders with the `drift` verdict.
    pub drifted: u64,
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
            .is_some_and(|at| {
                f.now - at > limit
                    && f.window.open_time(at, f.now, f.rules.timezone) > f.auto_sync_every * 3
            });
        if stale {
            reasons.push(HealthReason::NoRecentSuccess);
            state = HealthState::Failing;
        }
    }
    if f.auto_sync || f.watch {
        let waited = f
            .oldest_pending
            .and_then(|at| (f.now - at).to_std().ok())
            .unwrap_or_default();
        if waited > f.rules.stale_after {
            reasons.push(HealthReason::Stale {
                waited_minutes: waited.as_secs() / 60,
            });
            state = state.max(HealthState::Degraded);
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
    if f.drifted > 0 {
        reasons.push(HealthReason::Drift { count: f.drifted });
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
            watch: false,
            window: Window::ALWAYS,
            rules: HealthRules::default(),
            oldest_pending: None,
            failed_orders: failed,
            refused_mails: mails,
            drifted: 0,
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
        // An order waiting longer than stale_after, while something writes by itself.
        let mut waiting = facts(Some(&fine), 0, 0);
        waiting.oldest_pending = Some(at("2026-11-24T09:00:00Z"));
        assert_eq!(
            judge(&waiting).reasons,
            vec![HealthReason::Stale {
                waited_minutes: 180
            }]
        );
        waiting.auto_sync = false;
        assert_eq!(
            judge(&waiting).state,
            HealthState::Ok,
            "nothing writes by itself"
        );
        waiting.watch = true;
        assert_eq!(judge(&waiting).state, HealthState::Degraded);
        waiting.oldest_pending = Some(at("2026-11-24T11:00:00Z"));
        assert_eq!(
            judge(&waiting).state,
            HealthState::Ok,
            "an hour is within 2h"
        );
        // Overnight, outside the window, no run is missed.
        let mut closed = facts(Some(&old), 0, 0);
        closed.window = crate::domain::window::Window {
            hours: crate::domain::window::parse_hours("08:00-20:00").expect("hours"),
            ..Window::ALWAYS
        };
        assert_eq!(
            judge(&closed).state,
            HealthState::Ok,
            "21:00 JST, closed since 20:00"
        );
        let both = judge(&facts(Some(&down), 3, 1));
        assert_eq!(both.reasons.len(), 3, "{both:?}");
    }
}
