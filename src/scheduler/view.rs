//! One store's schedule as the database tells it, whichever process runs it: the settings in
//! force, the lease (who runs the scheduled jobs), and what the holder published about each job.
//! Read by `hassou status` and by the console; it never runs anything.

use chrono::{DateTime, Utc};

use crate::db::{Db, DbError, Lease, PublishedStatus};
use crate::domain::Store;
use crate::domain::job::JobKind;
use crate::settings::OperationalSettings;

/// The name of the lease that lets one process run the scheduled jobs of `store`.
pub fn lease_name(store: Store) -> String {
    format!("schedule:{}", store.name())
}

/// One store's schedule as the database says, whichever process runs it: its settings, the
/// lease, and what the lease holders published about their jobs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleView {
    pub store: Store,
    pub settings: OperationalSettings,
    pub lease: Option<Lease>,
    pub published: Vec<PublishedStatus>,
    /// Orders written whose shipping mail the store refused, not sent since.
    pub refused_mails: u64,
}

impl ScheduleView {
    /// Reads it; the settings are `initial` until someone saves them.
    pub async fn read(
        db: &Db,
        store: Store,
        initial: &OperationalSettings,
    ) -> Result<ScheduleView, DbError> {
        Ok(ScheduleView {
            store,
            settings: db.channel_settings(store).await?.unwrap_or(*initial),
            lease: db.lease(&lease_name(store)).await?,
            published: db.published_status(store).await?,
            refused_mails: db.refused_mails(store).await?,
        })
    }

    /// The store's health from what its schedule published and its orders' counts.
    pub fn health(
        &self,
        counts: &crate::db::VerdictCounts,
        rules: crate::domain::health::HealthRules,
        now: DateTime<Utc>,
    ) -> crate::domain::health::Health {
        crate::domain::health::judge(&crate::domain::health::HealthFacts {
            sync: self.job(JobKind::Sync, now).map(|(p, _)| &p.status),
            auto_sync: self.settings.auto_sync,
            auto_sync_every: self.settings.auto_sync_every,
            watch: self.settings.watch,
            window: self.settings.window,
            rules,
            oldest_pending: counts.oldest_pending(self.store),
            failed_orders: counts.get(self.store, crate::domain::Verdict::Failed),
            refused_mails: self.refused_mails,
            drifted: counts.get(self.store, crate::domain::Verdict::Drift),
            now,
        })
    }

    /// The lease, if it has not run out at `now`.
    pub fn live_lease(&self, now: DateTime<Utc>) -> Option<&Lease> {
        self.lease.as_ref().filter(|l| l.expires_at >= now)
    }

    /// What was published about `job` ("pull", "sync"), and whether its publisher still holds
    /// the lease (only then is its "next run" going to happen; an old holder's last words still
    /// tell how its last runs went).
    pub fn job(&self, job: JobKind, now: DateTime<Utc>) -> Option<(&PublishedStatus, bool)> {
        let published = self.published.iter().find(|p| p.job == job)?;
        let live = self
            .live_lease(now)
            .is_some_and(|l| l.holder == published.holder);
        Some((published, live))
    }
}
