//! Alert conditions (SPEC §3 "Health and alerts"): which of a store's troubles are conditions
//! that alert once while they hold — `run_failed`, `orders_failed`, `mail_refused`, `stale`,
//! `drift` — and `recovered` when one clears; their severity; and the event a destination
//! receives. Pure: what holds is judged from the store's [`Health`](super::health::Health) and
//! the order numbers the caller read; never a token, a name or an address.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::health::{Health, HealthReason};
use super::{Cause, Store};

/// What an alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertEvent {
    RunFailed,
    OrdersFailed,
    MailRefused,
    Stale,
    Drift,
    Recovered,
    /// `hassou alerts test`.
    Test,
}

impl AlertEvent {
    pub const CONDITIONS: [AlertEvent; 5] = [
        AlertEvent::RunFailed,
        AlertEvent::OrdersFailed,
        AlertEvent::MailRefused,
        AlertEvent::Stale,
        AlertEvent::Drift,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AlertEvent::RunFailed => "run_failed",
            AlertEvent::OrdersFailed => "orders_failed",
            AlertEvent::MailRefused => "mail_refused",
            AlertEvent::Stale => "stale",
            AlertEvent::Drift => "drift",
            AlertEvent::Recovered => "recovered",
            AlertEvent::Test => "test",
        }
    }

    pub fn from_code(code: &str) -> Option<AlertEvent> {
        Self::CONDITIONS
            .into_iter()
            .chain([AlertEvent::Recovered, AlertEvent::Test])
            .find(|e| e.code() == code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

/// One condition that holds now, with what an alert about it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub event: AlertEvent,
    pub severity: Severity,
    /// How many orders (or failed runs in a row, for `run_failed`).
    pub count: u64,
    /// Order numbers, at most [`MAX_ORDERS`].
    pub orders: Vec<String>,
    /// Why a run failed, in the catalog's words (never the store's).
    pub cause: Option<Cause>,
}

/// An alert carries at most this many order numbers.
pub const MAX_ORDERS: usize = 20;

/// The order numbers an alert names, read by the caller (oldest first where it matters).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertOrders {
    pub failed: Vec<String>,
    pub refused_mails: Vec<String>,
    pub stale: Vec<String>,
    pub drifted: Vec<String>,
}

fn first(numbers: &[String]) -> Vec<String> {
    numbers.iter().take(MAX_ORDERS).cloned().collect()
}

/// The conditions that hold for a store with this health.
pub fn conditions(health: &Health, orders: &AlertOrders) -> Vec<Condition> {
    let mut out: Vec<Condition> = Vec::new();
    for reason in &health.reasons {
        let condition = match *reason {
            HealthReason::RunStopped { cause, in_a_row } => Condition {
                event: AlertEvent::RunFailed,
                severity: if matches!(
                    cause,
                    Cause::TokenRejected | Cause::Unreachable | Cause::Database
                ) {
                    Severity::Critical
                } else {
                    Severity::Warning
                },
                count: u64::from(in_a_row),
                orders: vec![],
                cause: Some(cause),
            },
            HealthReason::NoRecentSuccess => Condition {
                event: AlertEvent::RunFailed,
                severity: Severity::Critical,
                count: 0,
                orders: vec![],
                cause: None,
            },
            HealthReason::OrdersFailed { count } => Condition {
                event: AlertEvent::OrdersFailed,
                severity: Severity::Warning,
                count,
                orders: first(&orders.failed),
                cause: None,
            },
            HealthReason::MailsRefused { count } => Condition {
                event: AlertEvent::MailRefused,
                severity: Severity::Warning,
                count,
                orders: first(&orders.refused_mails),
                cause: None,
            },
            HealthReason::Drift { count } => Condition {
                event: AlertEvent::Drift,
                severity: Severity::Warning,
                count,
                orders: first(&orders.drifted),
                cause: None,
            },
            HealthReason::Stale { .. } => Condition {
                event: AlertEvent::Stale,
                severity: Severity::Warning,
                count: orders.stale.len() as u64,
                orders: first(&orders.stale),
                cause: None,
            },
        };
        // One condition per event: a stopped run and "no success in three intervals" are one
        // `run_failed`.
        if !out.iter().any(|c| c.event == condition.event) {
            out.push(condition);
        }
    }
    out
}

/// What a destination receives (SPEC §3's `json` form; Slack gets `summary` as its text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertMessage {
    pub event: AlertEvent,
    pub store: String,
    pub channel: Store,
    pub severity: Severity,
    /// In the shop's language.
    pub summary: String,
    pub orders: Vec<String>,
    pub count: u64,
    pub at: DateTime<Utc>,
    pub host: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::health::HealthState;

    fn numbers(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("#{i}")).collect()
    }

    /// SPEC §3: events run_failed, orders_failed, mail_refused, stale; at most 20 order numbers;
    /// a failed run is one condition however it shows.
    #[test]
    fn each_trouble_is_one_condition_with_at_most_20_numbers() {
        let health = Health {
            state: HealthState::Failing,
            reasons: vec![
                HealthReason::RunStopped {
                    cause: Cause::TokenRejected,
                    in_a_row: 2,
                },
                HealthReason::NoRecentSuccess,
                HealthReason::OrdersFailed { count: 25 },
                HealthReason::MailsRefused { count: 1 },
                HealthReason::Stale {
                    waited_minutes: 200,
                },
            ],
        };
        let orders = AlertOrders {
            failed: numbers(25),
            refused_mails: numbers(1),
            stale: numbers(3),
            drifted: vec![],
        };
        let found = conditions(&health, &orders);
        let events: Vec<AlertEvent> = found.iter().map(|c| c.event).collect();
        assert_eq!(
            events,
            [
                AlertEvent::RunFailed,
                AlertEvent::OrdersFailed,
                AlertEvent::MailRefused,
                AlertEvent::Stale
            ]
        );
        assert_eq!(found[0].severity, Severity::Critical);
        assert_eq!(found[1].orders.len(), MAX_ORDERS);
        assert_eq!(found[1].count, 25);
        assert!(
            conditions(
                &Health {
                    state: HealthState::Ok,
                    reasons: vec![]
                },
                &orders
            )
            .is_empty()
        );
        for event in AlertEvent::CONDITIONS {
            assert_eq!(AlertEvent::from_code(event.code()), Some(event));
        }
    }
}
