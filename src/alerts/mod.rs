//! Alerts that reach a person (SPEC §3 "Health and alerts"): the lease holder of a store judges
//! its conditions after every change of its schedule and raises each one once (recorded in the
//! database, so not once per run or per process), clears it with `recovered`, and puts the
//! alert in the outbox for every destination; a delivery task sends what is due, retrying for an
//! hour, on its own task so a slow or dead destination never delays a run.

use chrono::{DateTime, Utc};

use crate::config::{AlertsConfig, Config};
use crate::db::{Db, DbError, ListFilter};
use crate::domain::alert::{
    AlertEvent, AlertMessage, AlertOrders, Condition, MAX_ORDERS, Severity,
};
use crate::domain::health::HealthRules;
use crate::domain::{ChannelRules, Language, Store};
use crate::scheduler::ScheduleView;
use crate::settings::OperationalSettings;

mod send;

pub use send::{RETRY_FOR, retry_delay};

/// Where alerts go and how they are said; shared by every store's worker of a process.
#[derive(Debug, Clone)]
pub struct Alerting {
    pub config: AlertsConfig,
    pub language: Language,
    pub rules: HealthRules,
    /// This machine, named in every alert.
    pub host: String,
    http: reqwest::Client,
}

/// The destinations' codes, as the outbox records them.
pub const WEBHOOK: &str = "webhook";
pub const MAIL: &str = "mail";

impl Alerting {
    pub fn new(config: &Config) -> Alerting {
        Alerting {
            config: config.alerts.clone(),
            language: config.language,
            rules: config.health_rules(),
            host: crate::sync::holder::hostname(),
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(10))
                .connect_timeout(std::time::Duration::from_secs(5))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap_or_default(),
        }
    }

    /// The configured destinations' codes.
    pub fn destinations(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.config.webhook.is_some() {
            out.push(WEBHOOK);
        }
        if self.config.mail.is_some() {
            out.push(MAIL);
        }
        out
    }

    /// A destination as shown: its kind and host, never its URL (a Slack hook's URL is its key).
    pub fn label(&self, destination: &str) -> String {
        match destination {
            WEBHOOK => match &self.config.webhook {
                Some(w) => format!("webhook {}", w.host),
                None => WEBHOOK.to_owned(),
            },
            MAIL => match &self.config.mail {
                Some(m) => format!("mail {}", m.to.join(",")),
                None => MAIL.to_owned(),
            },
            other => other.to_owned(),
        }
    }

    fn message(
        &self,
        channel: Store,
        event: AlertEvent,
        severity: Severity,
        summary: String,
        condition: Option<&Condition>,
        at: DateTime<Utc>,
    ) -> AlertMessage {
        AlertMessage {
            event,
            store: channel.name().to_owned(),
            channel,
            severity,
            summary,
            orders: condition.map(|c| c.orders.clone()).unwrap_or_default(),
            count: condition.map_or(0, |c| c.count),
            at,
            host: self.host.clone(),
        }
    }

    /// The alert `hassou alerts test` sends.
    pub fn test_message(&self, store: Store, at: DateTime<Utc>) -> AlertMessage {
        let summary = crate::text::alerts::test(store, self.language);
        self.message(store, AlertEvent::Test, Severity::Info, summary, None, at)
    }

    async fn enqueue(&self, db: &Db, message: &AlertMessage) -> Result<(), DbError> {
        let payload = serde_json::to_string(message).unwrap_or_default();
        for destination in self.destinations() {
            db.enqueue_alert(
                message.channel,
                message.event,
                destination,
                &payload,
                message.at,
            )
            .await?;
        }
        Ok(())
    }

    /// Judges the store's conditions now: raises each that began (once, whichever process sees
    /// it first) and clears each that ended, with `recovered`; returns the alerts this call
    /// raised (also put in the outbox for every destination).
    pub async fn evaluate(
        &self,
        db: &Db,
        store: Store,
        initial: &OperationalSettings,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<AlertMessage>, DbError> {
        let view = ScheduleView::read(db, store, initial).await?;
        let rules = ChannelRules::new(store, view.settings.rules, now, self.rules.timezone);
        let stale_before =
            now - chrono::Duration::from_std(self.rules.stale_after).unwrap_or_default();
        let (counts, failed, stale, drifted) = db
            .alert_orders(&ListFilter::new(vec![rules]), stale_before, MAX_ORDERS)
            .await?;
        let refused_mails = if view.refused_mails > 0 {
            db.refused_mail_numbers(store, MAX_ORDERS as i64).await?
        } else {
            Vec::new()
        };
        let health = view.health(&counts, self.rules, now);
        let holding = crate::domain::alert::conditions(
            &health,
            &AlertOrders {
                failed,
                refused_mails,
                stale,
                drifted,
            },
        );
        let open = db.open_conditions(store).await?;
        let mut raised = Vec::new();
        for c in &holding {
            if !open.contains(&c.event) && db.raise_condition(store, c.event, now, by).await? {
                let summary = crate::text::alerts::raised(store, c, self.language);
                let m = self.message(store, c.event, c.severity, summary, Some(c), now);
                self.enqueue(db, &m).await?;
                raised.push(m);
            }
        }
        for event in open {
            if !holding.iter().any(|c| c.event == event) && db.clear_condition(store, event).await?
            {
                let summary = crate::text::alerts::recovered(store, event, self.language);
                let m = self.message(
                    store,
                    AlertEvent::Recovered,
                    Severity::Info,
                    summary,
                    None,
                    now,
                );
                self.enqueue(db, &m).await?;
                raised.push(m);
            }
        }
        Ok(raised)
    }
}
