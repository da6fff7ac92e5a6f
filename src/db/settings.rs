//! Operational settings per channel, shared by every console on the database. The configuration
//! file seeds them once; after that the database is the truth.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{Db, DbError, with_pool};
use crate::domain::window::{Days, Window, parse_hours};
use crate::domain::{Period, RuleSettings, Store};
use crate::settings::OperationalSettings;

#[derive(Debug, sqlx::FromRow)]
struct SettingsRow {
    period_days: i64,
    statuses: String,
    shipped_date_only: bool,
    auto_sync: bool,
    auto_sync_every_secs: i64,
    auto_pull: bool,
    auto_pull_every_secs: i64,
    watch: bool,
    watch_debounce_secs: i64,
    pull_days: i64,
    pull_paid_date: bool,
    active_hours: Option<String>,
    active_days: i64,
    skip_holidays: bool,
    auto_reconcile_every_secs: Option<i64>,
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

fn duration(secs: i64) -> Duration {
    Duration::from_secs(u64::try_from(secs).unwrap_or(0))
}

impl SettingsRow {
    fn into_settings(self, store: Store) -> Result<OperationalSettings, DbError> {
        let corrupt = |e: String| DbError::Corrupt(format!("settings of {store}: {e}"));
        let period = u32::try_from(self.period_days)
            .map_err(|e| corrupt(e.to_string()))
            .and_then(|d| Period::try_from(d).map_err(|e| corrupt(e.to_string())))?;
        Ok(OperationalSettings {
            rules: RuleSettings {
                period,
                statuses: self.statuses.parse().map_err(|e| corrupt(format!("{e}")))?,
                shipped_date_only: self.shipped_date_only,
            },
            auto_sync: self.auto_sync,
            auto_sync_every: duration(self.auto_sync_every_secs),
            auto_pull: self.auto_pull,
            auto_pull_every: duration(self.auto_pull_every_secs),
            watch: self.watch,
            watch_debounce: duration(self.watch_debounce_secs),
            pull_days: u32::try_from(self.pull_days).map_err(|e| corrupt(e.to_string()))?,
            pull_paid_date: self.pull_paid_date,
            window: Window {
                hours: parse_hours(self.active_hours.as_deref().unwrap_or(""))
                    .map_err(|e| corrupt(format!("active_hours {e:?}")))?,
                days: Days::from_bits(u8::try_from(self.active_days).unwrap_or(0x7f)),
                skip_holidays: self.skip_holidays,
            },
            auto_reconcile_every: self.auto_reconcile_every_secs.map(duration),
        })
    }
}

const UPSERT: &str = "INSERT INTO channel_settings (channel, period_days, statuses, shipped_date_only, \
     auto_sync, auto_sync_every_secs, auto_pull, auto_pull_every_secs, watch, watch_debounce_secs, \
     pull_days, pull_paid_date, active_hours, active_days, skip_holidays, auto_reconcile_every_secs, updated_at, updated_by) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
     ON CONFLICT (channel) ";

const OVERWRITE: &str = "DO UPDATE SET period_days = excluded.period_days, \
     statuses = excluded.statuses, shipped_date_only = excluded.shipped_date_only, \
     auto_sync = excluded.auto_sync, auto_sync_every_secs = excluded.auto_sync_every_secs, \
     auto_pull = excluded.auto_pull, auto_pull_every_secs = excluded.auto_pull_every_secs, \
     watch = excluded.watch, watch_debounce_secs = excluded.watch_debounce_secs, \
     pull_days = excluded.pull_days, pull_paid_date = excluded.pull_paid_date, \
     active_hours = excluded.active_hours, active_days = excluded.active_days, \
     skip_holidays = excluded.skip_holidays, \
     auto_reconcile_every_secs = excluded.auto_reconcile_every_secs, updated_at = excluded.updated_at, updated_by = excluded.updated_by";

impl Db {
    pub async fn channel_settings(
        &self,
        store: Store,
    ) -> Result<Option<OperationalSettings>, DbError> {
        let row: Option<SettingsRow> = with_pool!(self, pool => {
            sqlx::query_as::<_, SettingsRow>(
                "SELECT period_days, statuses, shipped_date_only, auto_sync, auto_sync_every_secs, \
                 auto_pull, auto_pull_every_secs, watch, watch_debounce_secs, pull_days, pull_paid_date, \
                 active_hours, active_days, skip_holidays, auto_reconcile_every_secs \
                 FROM channel_settings WHERE channel = $1",
            )
            .bind(store.name())
            .fetch_optional(pool)
            .await?
        });
        row.map(|r| r.into_settings(store)).transpose()
    }

    async fn write_settings(
        &self,
        store: Store,
        s: &OperationalSettings,
        who: &str,
        at: DateTime<Utc>,
        overwrite: bool,
    ) -> Result<(), DbError> {
        let sql = if overwrite {
            format!("{UPSERT}{OVERWRITE}")
        } else {
            format!("{UPSERT}DO NOTHING")
        };
        with_pool!(self, pool => {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(store.name())
                .bind(i64::from(s.rules.period.days()))
                .bind(s.rules.statuses.code())
                .bind(s.rules.shipped_date_only)
                .bind(s.auto_sync)
                .bind(secs(s.auto_sync_every))
                .bind(s.auto_pull)
                .bind(secs(s.auto_pull_every))
                .bind(s.watch)
                .bind(secs(s.watch_debounce))
                .bind(i64::from(s.pull_days))
                .bind(s.pull_paid_date)
                .bind(s.window.hours.map(|h| h.to_string()))
                .bind(i64::from(s.window.days.bits()))
                .bind(s.window.skip_holidays)
                .bind(s.auto_reconcile_every.map(secs))
                .bind(at)
                .bind(who.to_owned())
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The channel's settings, seeding them from `initial` (the configuration file) the first
    /// time this database sees the channel.
    pub async fn settings_or_init(
        &self,
        store: Store,
        initial: &OperationalSettings,
        who: &str,
        at: DateTime<Utc>,
    ) -> Result<OperationalSettings, DbError> {
        self.write_settings(store, initial, who, at, false).await?;
        self.channel_settings(store)
            .await?
            .ok_or_else(|| DbError::Corrupt(format!("settings of {store} vanished")))
    }

    /// Saves settings changed by an operator; every console sees them on its next read.
    pub async fn save_channel_settings(
        &self,
        store: Store,
        s: &OperationalSettings,
        who: &str,
        at: DateTime<Utc>,
    ) -> Result<(), DbError> {
        self.write_settings(store, s, who, at, true).await
    }
}
