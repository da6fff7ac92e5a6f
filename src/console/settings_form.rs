//! The settings screen of one store: its rows, and what a key does to each (pure). Every change
//! is saved at once, so every console sharing the database applies it (the schedulers read the
//! settings before each wait).

use crate::domain::Channel;
use std::time::Duration;

use crate::domain::window;
use crate::domain::{Period, StatusOption, Store};
use crate::settings::OperationalSettings;

/// The rows, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    AutoPull,
    AutoPullEvery,
    AutoSync,
    AutoSyncEvery,
    Watch,
    WatchDebounce,
    Period,
    /// Shopify: the export-status option; カラーミー: 出荷日 required for 配送済み.
    RuleOption,
    PullDays,
    /// The schedule window: hours, days, national holidays.
    ActiveHours,
    ActiveDays,
    SkipHolidays,
    /// How often the store is reconciled by itself (off by default).
    AutoReconcile,
}

pub const ROWS: [Row; 13] = [
    Row::AutoPull,
    Row::AutoPullEvery,
    Row::AutoSync,
    Row::AutoSyncEvery,
    Row::Watch,
    Row::WatchDebounce,
    Row::Period,
    Row::RuleOption,
    Row::PullDays,
    Row::ActiveHours,
    Row::ActiveDays,
    Row::SkipHolidays,
    Row::AutoReconcile,
];

/// The reconcile intervals offered (0: off).
const RECONCILES: [u64; 5] = [0, 3600, 6 * 3600, 12 * 3600, 24 * 3600];

/// The hours ←/→ offer (any other is set with `:active-hours`).
const HOURS: [&str; 6] = [
    "always",
    "08:00-21:00",
    "09:00-18:00",
    "09:00-21:00",
    "07:00-22:00",
    "10:00-19:00",
];
const DAYS: [&str; 3] = ["all", "mon-sat", "mon-fri"];

/// The next of `choices` after (or before) `now` in the list, from the first when `now` is not
/// in it.
fn cycle<T: PartialEq + Copy>(choices: &[T], now: T, up: bool) -> T {
    let n = choices.len();
    let next = match choices.iter().position(|c| *c == now) {
        Some(i) if up => (i + 1) % n,
        Some(i) => (i + n - 1) % n,
        None => 0,
    };
    choices[next]
}

/// The intervals offered, from one minute to one day (the bounds of SPEC §3).
const INTERVALS: [u64; 11] = [
    60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
];
const DEBOUNCES: [u64; 7] = [5, 10, 30, 60, 120, 300, 600];

/// The next value up (`up`) or down in `steps` from `now` (off-list values snap to the list).
fn step(steps: &[u64], now: Duration, up: bool) -> Duration {
    let secs = now.as_secs();
    let next = if up {
        steps.iter().find(|s| **s > secs).or(steps.last())
    } else {
        steps.iter().rev().find(|s| **s < secs).or(steps.first())
    };
    Duration::from_secs(next.copied().unwrap_or(secs))
}

/// The settings after Space/Enter (`toggle`) or ←/→ (`up` false/true) on `row`; `None` when the
/// key does nothing there.
pub fn change(
    s: &OperationalSettings,
    store: Store,
    row: Row,
    toggle: bool,
    up: bool,
) -> Option<OperationalSettings> {
    let mut next = *s;
    match row {
        Row::AutoPull => next.auto_pull = !s.auto_pull,
        Row::AutoSync => next.auto_sync = !s.auto_sync,
        Row::Watch => next.watch = !s.watch,
        Row::AutoPullEvery if !toggle => {
            next.auto_pull_every = step(&INTERVALS, s.auto_pull_every, up)
        }
        Row::AutoSyncEvery if !toggle => {
            next.auto_sync_every = step(&INTERVALS, s.auto_sync_every, up)
        }
        Row::WatchDebounce if !toggle => {
            next.watch_debounce = step(&DEBOUNCES, s.watch_debounce, up)
        }
        Row::Period if !toggle => {
            let days = s.rules.period.days();
            let days = if up { days + 1 } else { days.saturating_sub(1) };
            next.rules.period = Period::try_from(days).ok()?;
        }
        Row::RuleOption => match store.channel() {
            Channel::Shopify => {
                next.rules.statuses = match s.rules.statuses {
                    StatusOption::ProcessedOnly => StatusOption::AllButNewCancelled,
                    StatusOption::AllButNewCancelled => StatusOption::ProcessedOnly,
                }
            }
            Channel::Colorme => next.rules.shipped_date_only = !s.rules.shipped_date_only,
        },
        Row::PullDays if !toggle => {
            let days = if up {
                s.pull_days + 1
            } else {
                s.pull_days.saturating_sub(1)
            };
            next.pull_days = crate::settings::check_pull_days(days).ok()?;
        }
        Row::ActiveHours if !toggle => {
            let choices: Vec<_> = HOURS
                .iter()
                .filter_map(|h| window::parse_hours(h).ok())
                .collect();
            next.window.hours = cycle(&choices, s.window.hours, up);
        }
        Row::ActiveDays if !toggle => {
            let choices: Vec<_> = DAYS
                .iter()
                .filter_map(|d| window::parse_days(d).ok())
                .collect();
            next.window.days = cycle(&choices, s.window.days, up);
        }
        Row::SkipHolidays => next.window.skip_holidays = !s.window.skip_holidays,
        Row::AutoReconcile if !toggle => {
            let now = s.auto_reconcile_every.map_or(0, |d| d.as_secs());
            let next_secs = cycle(&RECONCILES, now, up);
            next.auto_reconcile_every = (next_secs > 0).then(|| Duration::from_secs(next_secs));
        }
        _ => return None,
    }
    (next != *s).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_step_within_one_minute_to_one_day() {
        let s = OperationalSettings::default();
        let up = change(&s, Store::SHOPIFY, Row::AutoSyncEvery, false, true).expect("up");
        assert_eq!(up.auto_sync_every, Duration::from_secs(3600));
        let down = change(&s, Store::SHOPIFY, Row::AutoSyncEvery, false, false).expect("down");
        assert_eq!(down.auto_sync_every, Duration::from_secs(900));
        let mut top = s;
        top.auto_sync_every = Duration::from_secs(86400);
        assert_eq!(
            change(&top, Store::SHOPIFY, Row::AutoSyncEvery, false, true),
            None
        );
        let mut odd = s;
        odd.auto_sync_every = Duration::from_secs(2000);
        let snapped = change(&odd, Store::SHOPIFY, Row::AutoSyncEvery, false, false).expect("snap");
        assert_eq!(snapped.auto_sync_every, Duration::from_secs(1800));
    }

    #[test]
    fn the_period_stays_within_the_seeds_1_to_13_days() {
        // Seed: 「作成期間」は 1〜13日 (SPEC §1).
        let mut s = OperationalSettings::default();
        s.rules.period = Period::try_from(13).expect("13");
        assert_eq!(change(&s, Store::COLORME, Row::Period, false, true), None);
        s.rules.period = Period::try_from(1).expect("1");
        assert_eq!(change(&s, Store::COLORME, Row::Period, false, false), None);
        let up = change(&s, Store::COLORME, Row::Period, false, true).expect("2");
        assert_eq!(up.rules.period.days(), 2);
    }

    #[test]
    fn toggles_flip_and_the_rule_option_is_the_stores_own() {
        let s = OperationalSettings::default();
        assert!(
            change(&s, Store::SHOPIFY, Row::Watch, true, false)
                .expect("watch")
                .watch
        );
        let shopify = change(&s, Store::SHOPIFY, Row::RuleOption, true, false).expect("shopify");
        assert_eq!(shopify.rules.statuses, StatusOption::AllButNewCancelled);
        assert_eq!(shopify.rules.shipped_date_only, s.rules.shipped_date_only);
        let colorme = change(&s, Store::COLORME, Row::RuleOption, true, false).expect("colorme");
        assert!(!colorme.rules.shipped_date_only);
        assert_eq!(colorme.rules.statuses, s.rules.statuses);
        let hours = change(&s, Store::SHOPIFY, Row::ActiveHours, false, true).expect("hours");
        assert_eq!(
            hours.window.hours.map(|h| h.to_string()).as_deref(),
            Some("08:00-21:00")
        );
        let back = change(&hours, Store::SHOPIFY, Row::ActiveHours, false, false).expect("back");
        assert_eq!(back.window.hours, None);
        let days = change(&s, Store::SHOPIFY, Row::ActiveDays, false, true).expect("days");
        assert_eq!(days.window.days.to_string(), "mon-sat");
        assert!(
            change(&s, Store::SHOPIFY, Row::SkipHolidays, true, false)
                .expect("h")
                .window
                .skip_holidays
        );
        // Space on an interval does nothing (←/→ change it).
        assert_eq!(
            change(&s, Store::SHOPIFY, Row::AutoSyncEvery, true, false),
            None
        );
    }
}
