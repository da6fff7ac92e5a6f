//! A store's `[*.sync]` table: the first values of its operational settings (period, status
//! option or 出荷日 rule, schedules, watch, pull window, schedule window, auto reconcile), each
//! error located at its key.

use std::time::Duration;

use toml::Spanned;

use super::raw::RawSync;
use super::{ConfigError, Locate};
use crate::domain::{Channel, Period};
use crate::settings::{self, OperationalSettings};

pub(super) fn sync_settings(
    raw: Option<RawSync>,
    section: &str,
    channel: Channel,
    locate: &Locate<'_>,
) -> Result<OperationalSettings, ConfigError> {
    let mut s = OperationalSettings::default();
    let Some(raw) = raw else {
        return Ok(s);
    };
    let key = |name: &str| format!("[{section}.sync] {name}");
    if let Some(v) = raw.period_days {
        let days = u32::try_from(*v.get_ref()).unwrap_or(u32::MAX);
        s.rules.period = Period::try_from(days).map_err(|_| {
            locate(
                Some(v.span()),
                Some(&key("period_days")),
                format!("must be 1 to 13 days, got {}", v.get_ref()),
            )
        })?;
    }
    if let Some(v) = raw.statuses {
        if channel != Channel::Shopify {
            return Err(locate(
                Some(v.span()),
                Some(&key("statuses")),
                "applies to a Shopify store only (カラーミー exports every status but 新規受付 and キャンセル)".into(),
            ));
        }
        s.rules.statuses = v
            .get_ref()
            .parse()
            .map_err(|e| locate(Some(v.span()), Some(&key("statuses")), format!("{e}")))?;
    }
    if let Some(v) = raw.shipped_date_only {
        if channel != Channel::Colorme {
            return Err(locate(
                Some(v.span()),
                Some(&key("shipped_date_only")),
                "applies to a カラーミー store only".into(),
            ));
        }
        s.rules.shipped_date_only = *v.get_ref();
    }
    if let Some(v) = raw.pull_paid_date {
        if channel != Channel::Shopify {
            return Err(locate(
                Some(v.span()),
                Some(&key("pull_paid_date")),
                "applies to a Shopify store only".into(),
            ));
        }
        s.pull_paid_date = *v.get_ref();
    }
    let duration =
        |v: &Spanned<String>, name: &str, check: fn(Duration) -> Result<Duration, String>| {
            settings::parse_duration(v.get_ref())
                .and_then(check)
                .map_err(|m| locate(Some(v.span()), Some(&key(name)), m))
        };
    if let Some(v) = &raw.auto_sync_every {
        s.auto_sync_every = duration(v, "auto_sync_every", settings::check_interval)?;
    }
    if let Some(v) = &raw.auto_pull_every {
        s.auto_pull_every = duration(v, "auto_pull_every", settings::check_interval)?;
    }
    if let Some(v) = &raw.watch_debounce {
        s.watch_debounce = duration(v, "watch_debounce", settings::check_debounce)?;
    }
    if let Some(v) = raw.pull_days {
        let days = u32::try_from(*v.get_ref()).unwrap_or(u32::MAX);
        s.pull_days = settings::check_pull_days(days)
            .map_err(|m| locate(Some(v.span()), Some(&key("pull_days")), m))?;
    }
    if let Some(v) = &raw.active_hours {
        s.window.hours = crate::domain::window::parse_hours(v.get_ref()).map_err(|_| {
            locate(
                Some(v.span()),
                Some(&key("active_hours")),
                format!("must be start-end in shop time such as \"08:00-21:00\", or \"always\"; got {:?}", v.get_ref()),
            )
        })?;
    }
    if let Some(v) = &raw.active_days {
        s.window.days = crate::domain::window::parse_days(v.get_ref()).map_err(|_| {
            locate(
                Some(v.span()),
                Some(&key("active_days")),
                format!(
                    "must be days such as \"mon-sat\" or \"mon,wed,fri\", or \"all\"; got {:?}",
                    v.get_ref()
                ),
            )
        })?;
    }
    s.window.skip_holidays = raw.skip_holidays.unwrap_or(s.window.skip_holidays);
    if let Some(v) = &raw.auto_reconcile_every {
        s.auto_reconcile_every = match v.get_ref().trim() {
            "off" | "" => None,
            _ => Some(duration(
                v,
                "auto_reconcile_every",
                settings::check_interval,
            )?),
        };
    }
    s.auto_sync = raw.auto_sync.unwrap_or(s.auto_sync);
    s.auto_pull = raw.auto_pull.unwrap_or(s.auto_pull);
    s.watch = raw.watch.unwrap_or(s.watch);
    Ok(s)
}
