//! What the console asks of the database about one order besides editing it: a hold, a drift
//! settled, and the alerts that went out (for the log). Each returns a [`Problem`] the screen
//! says in words.

use super::Backend;
use crate::domain::Problem;

impl Backend {
    /// Holds the order with the operator's words, or releases it (`None`).
    pub(super) async fn set_hold(
        &self,
        order_id: i64,
        hold: Option<String>,
    ) -> Result<(), Problem> {
        let held = hold.is_some();
        let result = match hold {
            Some(reason) => {
                self.db
                    .hold_order(order_id, &self.operator, &reason, chrono::Utc::now())
                    .await
            }
            None => self.db.release_hold(order_id).await.map(|_| ()),
        };
        tracing::info!(order_id, held, by = %self.operator, "hold changed in the console");
        result.map_err(Problem::from)
    }

    /// Settles the order's drift as the operator said yes to.
    pub(super) async fn resolve(&self, order_id: i64, ours: bool) -> Result<(), Problem> {
        let stored = self.db.order_by_id(order_id).await?.ok_or_else(|| {
            Problem::new(
                crate::domain::Cause::OrderGone,
                format!("order id {order_id}"),
            )
        })?;
        crate::sync::reconcile::settle(&self.db, &stored, ours, chrono::Utc::now()).await?;
        tracing::info!(order_id, ours, by = %self.operator, "drift resolved in the console");
        Ok(())
    }

    /// Alerts delivered or given up on since the last look, by any process sharing the
    /// database (the first look only notes where the outbox stands).
    pub(super) async fn new_alerts(
        &self,
    ) -> Result<Vec<crate::console::update::AlertNote>, Problem> {
        use std::sync::atomic::Ordering;
        let Some(alerting) = &self.alerting else {
            return Ok(vec![]);
        };
        let seen = self.alerts_seen.load(Ordering::SeqCst);
        if seen < 0 {
            let last = self.db.last_alert_id().await?;
            self.alerts_seen.store(last, Ordering::SeqCst);
            return Ok(vec![]);
        }
        let rows = self.db.finished_alerts(seen).await?;
        if let Some(last) = rows.last() {
            self.alerts_seen.store(last.id, Ordering::SeqCst);
        }
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let m: crate::domain::alert::AlertMessage =
                    serde_json::from_str(&row.payload).ok()?;
                Some(crate::console::update::AlertNote {
                    store: m.channel,
                    destination: alerting.label(&row.destination),
                    summary: m.summary,
                    delivered: row.delivered_at.is_some(),
                })
            })
            .collect())
    }
}
