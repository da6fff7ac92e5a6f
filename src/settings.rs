//! Operational settings of one channel (SPEC §3): the rule options, the schedule and the pull
//! window. They live in the database once set, so every console sharing it sees the same; the
//! configuration file only gives their first values. Pure data and validation.

use std::time::Duration;

use crate::domain::window::Window;
use crate::domain::{Period, RuleSettings, StatusOption};

/// The settings operators change at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationalSettings {
    pub rules: RuleSettings,
    pub auto_sync: bool,
    pub auto_sync_every: Duration,
    pub auto_pull: bool,
    pub auto_pull_every: Duration,
    /// Write a newly pending order within `watch_debounce`, between scheduled runs.
    pub watch: bool,
    pub watch_debounce: Duration,
    /// 受注を取得する日数.
    pub pull_days: u32,
    /// 入金日 自動取得 (Shopify): record the payment date of orders ordered within 10 days.
    pub pull_paid_date: bool,
    /// When scheduled runs and watch may write (manual runs never wait).
    pub window: Window,
    /// How often the lease holder reconciles the store (`None`: never by itself).
    pub auto_reconcile_every: Option<Duration>,
}

impl Default for OperationalSettings {
    fn default() -> Self {
        OperationalSettings {
            rules: RuleSettings {
                period: Period::DEFAULT,
                statuses: StatusOption::ProcessedOnly,
                shipped_date_only: true,
            },
            auto_sync: false,
            auto_sync_every: Duration::from_secs(30 * 60),
            auto_pull: false,
            auto_pull_every: Duration::from_secs(30 * 60),
            watch: false,
            watch_debounce: Duration::from_secs(60),
            pull_days: 7,
            pull_paid_date: true,
            window: Window::ALWAYS,
            auto_reconcile_every: None,
        }
    }
}

/// Bounds of the schedule: from one minute to one day (SPEC §3 and issue 5).
pub const MIN_INTERVAL: Duration = Duration::from_secs(60);
pub const MAX_INTERVAL: Duration = Duration::from_secs(24 * 3600);
/// The debounce of watch mode: at least a second, at most an hour.
pub const MIN_DEBOUNCE: Duration = Duration::from_secs(1);
pub const MAX_DEBOUNCE: Duration = Duration::from_secs(3600);
/// 受注を取得する日数: 1 to 90 days.
pub const MAX_PULL_DAYS: u32 = 90;

/// Checks an interval of the schedule, naming what is wrong.
pub fn check_interval(value: Duration) -> Result<Duration, String> {
    if (MIN_INTERVAL..=MAX_INTERVAL).contains(&value) {
        Ok(value)
    } else {
        Err(format!(
            "must be between 1m and 24h, got {}",
            humantime::format_duration(value)
        ))
    }
}

pub fn check_debounce(value: Duration) -> Result<Duration, String> {
    if (MIN_DEBOUNCE..=MAX_DEBOUNCE).contains(&value) {
        Ok(value)
    } else {
        Err(format!(
            "must be between 1s and 1h, got {}",
            humantime::format_duration(value)
        ))
    }
}

pub fn check_pull_days(days: u32) -> Result<u32, String> {
    if (1..=MAX_PULL_DAYS).contains(&days) {
        Ok(days)
    } else {
        Err(format!("must be 1 to {MAX_PULL_DAYS} days, got {days}"))
    }
}

/// Parses `30m`, `60s`, `1h 30m`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text.trim())
        .map_err(|e| format!("{text:?} is not a duration such as 30m, 60s or 1h ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_are_bounded() {
        assert!(check_interval(Duration::from_secs(59)).is_err());
        assert!(check_interval(Duration::from_secs(60)).is_ok());
        assert!(check_interval(Duration::from_secs(24 * 3600)).is_ok());
        assert!(check_interval(Duration::from_secs(24 * 3600 + 1)).is_err());
        assert_eq!(parse_duration("30m"), Ok(Duration::from_secs(1800)));
        assert!(parse_duration("soon").is_err());
        assert!(check_pull_days(0).is_err());
        assert!(check_pull_days(7).is_ok());
    }
}
