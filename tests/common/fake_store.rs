//! A store in memory for engine tests: it reads before it writes (as real connectors must),
//! counts how many times each order's write was applied, and injects one-shot faults.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use hassou::db::{PulledOrder, StoredOrder};
use hassou::domain::{ShippingWrite, Store};
use hassou::sync::{
    Connector, Exchange, FailureKind, PlannedWrite, WriteFailure, WriteOutcome, WriteReport,
};

#[derive(Debug, Clone)]
pub enum Fault {
    /// The store refuses with this message; nothing changes.
    Refuse(String),
    /// The store applies the write but the answer is lost.
    LoseAnswer,
}

type Hook = Box<dyn Fn(&str) + Send + Sync>;

pub struct FakeStore {
    channel: Store,
    held: Mutex<HashMap<String, ShippingWrite>>,
    applied: Mutex<HashMap<String, u32>>,
    faults: Mutex<HashMap<String, Fault>>,
    on_write: Option<Hook>,
}

impl FakeStore {
    pub fn new(channel: Store) -> FakeStore {
        FakeStore {
            channel,
            held: Mutex::default(),
            applied: Mutex::default(),
            faults: Mutex::default(),
            on_write: None,
        }
    }

    /// Called with the order number at every write (to cancel a run mid-way, say).
    pub fn on_write(mut self, hook: impl Fn(&str) + Send + Sync + 'static) -> FakeStore {
        self.on_write = Some(Box::new(hook));
        self
    }

    pub fn fault(&self, number: &str, fault: Fault) {
        self.faults
            .lock()
            .expect("lock")
            .insert(number.into(), fault);
    }

    /// How many times a write for this order changed the store.
    pub fn applied(&self, remote_id: &str) -> u32 {
        self.applied
            .lock()
            .expect("lock")
            .get(remote_id)
            .copied()
            .unwrap_or(0)
    }

    pub fn total_applied(&self) -> u32 {
        self.applied.lock().expect("lock").values().sum()
    }

    pub fn held(&self, remote_id: &str) -> Option<ShippingWrite> {
        self.held.lock().expect("lock").get(remote_id).cloned()
    }
}

impl Connector for FakeStore {
    fn store(&self) -> Store {
        self.channel
    }

    fn preview(&self, order: &StoredOrder, wanted: &ShippingWrite) -> String {
        format!(
            "write {} {}",
            order.order.remote_id,
            serde_json::to_string(wanted).unwrap_or_default()
        )
    }

    fn planned(&self, _order: &StoredOrder, wanted: &ShippingWrite) -> PlannedWrite {
        let (numbers, marks_shipped) = match wanted {
            ShippingWrite::Shopify { tracking, .. } => (tracking.clone(), true),
            ShippingWrite::Colorme { slips, delivered } => (slips.clone(), *delivered),
        };
        PlannedWrite {
            numbers,
            company: None,
            marks_shipped,
            notifies: false,
        }
    }

    async fn read_held(
        &self,
        order: &StoredOrder,
    ) -> Result<Option<ShippingWrite>, hassou::domain::Problem> {
        Ok(self.held(&order.order.remote_id))
    }

    async fn pull(
        &self,
        _since: DateTime<Utc>,
    ) -> Result<Vec<PulledOrder>, hassou::sync::StoreError> {
        Ok(Vec::new())
    }

    async fn write(
        &self,
        order: &StoredOrder,
        wanted: &ShippingWrite,
    ) -> Result<WriteReport, WriteFailure> {
        if let Some(hook) = &self.on_write {
            hook(&order.order.number);
        }
        let id = order.order.remote_id.clone();
        let exchange = |response: &str| {
            vec![Exchange {
                request: format!("write {id}"),
                response: response.into(),
            }]
        };
        let before = self.held(&id);
        if before.as_ref().is_some_and(|h| h.covers(wanted)) {
            return Ok(WriteReport {
                outcome: WriteOutcome::AlreadySynced,
                held: before.unwrap_or_else(|| wanted.clone()),
                remote_ref: None,
                exchanges: exchange("already holds it"),
                warnings: Vec::new(),
                mail_sent: false,
                mail_uncertain: false,
                mail_refused: None,
            });
        }
        let fault = self
            .faults
            .lock()
            .expect("lock")
            .remove(&order.order.number);
        if let Some(Fault::Refuse(message)) = &fault {
            return Err(WriteFailure::new(
                FailureKind::Refused,
                message.clone(),
                &exchange(message),
                None,
            ));
        }
        self.held
            .lock()
            .expect("lock")
            .insert(id.clone(), wanted.clone());
        *self
            .applied
            .lock()
            .expect("lock")
            .entry(id.clone())
            .or_default() += 1;
        if let Some(Fault::LoseAnswer) = fault {
            return Err(WriteFailure::new(
                FailureKind::Unknown,
                "timed out waiting for the store's answer".into(),
                &exchange("(no answer)"),
                None,
            ));
        }
        let outcome = match (wanted, before.is_some()) {
            (ShippingWrite::Shopify { .. }, false) => WriteOutcome::Fulfilled,
            (ShippingWrite::Shopify { .. }, true) => WriteOutcome::TrackingUpdated,
            (
                ShippingWrite::Colorme {
                    delivered: true, ..
                },
                _,
            ) => WriteOutcome::Delivered,
            (ShippingWrite::Colorme { .. }, _) => WriteOutcome::SlipUpdated,
        };
        Ok(WriteReport {
            outcome,
            held: wanted.clone(),
            remote_ref: Some(format!(r#"{{"id":"{id}"}}"#)),
            exchanges: exchange("ok"),
            warnings: Vec::new(),
            mail_sent: false,
            mail_uncertain: false,
            mail_refused: None,
        })
    }
}
