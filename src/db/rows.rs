//! Row shapes as the database returns them, and their mapping to domain types. A value that
//! does not map (an unknown status written by hand, broken JSON) is an error naming the order,
//! never a silent default.

use chrono::{DateTime, NaiveDate, Utc};

use super::DbError;
use crate::domain::{
    Carrier, FailedWrite, Order, OrderStatus, RemoteState, ShippingWrite, Store, Tracking,
};

/// The columns every order query selects, joined with the order's remote state.
pub(super) const ORDER_COLUMNS: &str = "o.id, o.channel, o.remote_id, o.number, o.status, \
     o.ordered_at, o.updated_at, o.shipped_on, o.carrier, o.tracking, o.bundle_parent, o.revision, \
     r.confirmed, r.confirmed_at, r.last_attempt, r.last_error, r.last_cause, r.last_attempt_at, r.in_flight_since, r.mail_sent_at, \
     r.remote_ref, r.mail_error, r.mail_uncertain, h.held_at, h.held_by, h.reason AS hold_reason, \
     d.kind AS drift_kind, d.store AS drift_store, d.found_at AS drift_found_at";

pub(super) const ORDER_FROM: &str = "FROM orders o LEFT JOIN order_remote r ON r.order_id = o.id AND r.channel = o.channel \
     LEFT JOIN order_holds h ON h.order_id = o.id LEFT JOIN order_drift d ON d.order_id = o.id";

#[derive(Debug, sqlx::FromRow)]
pub(super) struct OrderRow {
    pub id: i64,
    pub channel: String,
    pub remote_id: String,
    pub number: String,
    pub status: String,
    pub ordered_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub shipped_on: Option<NaiveDate>,
    pub carrier: Option<String>,
    pub tracking: String,
    pub bundle_parent: Option<String>,
    pub revision: i64,
    pub confirmed: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub last_attempt: Option<String>,
    pub last_error: Option<String>,
    pub last_cause: Option<String>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub in_flight_since: Option<DateTime<Utc>>,
    pub mail_sent_at: Option<DateTime<Utc>>,
    pub remote_ref: Option<String>,
    pub mail_error: Option<String>,
    pub mail_uncertain: Option<bool>,
    pub held_at: Option<DateTime<Utc>>,
    pub held_by: Option<String>,
    pub hold_reason: Option<String>,
    pub drift_kind: Option<String>,
    pub drift_store: Option<String>,
    pub drift_found_at: Option<DateTime<Utc>>,
}

impl OrderRow {
    pub fn into_domain(self) -> Result<(i64, i64, Order, RemoteState), DbError> {
        let corrupt = |what: String| DbError::Corrupt(format!("order id {}: {what}", self.id));
        let channel: Store = self.channel.parse().map_err(|e| corrupt(format!("{e}")))?;
        let status: OrderStatus = self.status.parse().map_err(|e| corrupt(format!("{e}")))?;
        let confirmed = self
            .confirmed
            .as_deref()
            .map(serde_json::from_str::<ShippingWrite>)
            .transpose()
            .map_err(|e| corrupt(format!("confirmed values: {e}")))?;
        let last_failure = match (&self.last_error, &self.last_attempt, self.last_attempt_at) {
            (Some(error), Some(attempt), Some(at)) => Some(FailedWrite {
                write: serde_json::from_str(attempt)
                    .map_err(|e| corrupt(format!("last attempt: {e}")))?,
                error: error.clone(),
                cause: crate::domain::Cause::from_code(self.last_cause.as_deref()),
                at,
            }),
            _ => None,
        };
        let order = Order {
            store: channel,
            remote_id: self.remote_id,
            number: self.number,
            status,
            ordered_at: self.ordered_at,
            updated_at: self.updated_at,
            shipped_on: self.shipped_on,
            carrier: self.carrier.as_deref().and_then(Carrier::parse),
            tracking: Tracking::parse(&self.tracking),
            bundle_parent: self.bundle_parent,
        };
        Ok((
            self.id,
            self.revision,
            order,
            RemoteState {
                confirmed,
                confirmed_at: self.confirmed_at,
                last_failure,
                in_flight_since: self.in_flight_since,
                mail_sent_at: self.mail_sent_at,
                mail_error: self.mail_error,
                mail_uncertain: self.mail_uncertain.unwrap_or(false),
                remote_ref: self.remote_ref,
                hold: match (self.held_at, self.held_by) {
                    (Some(at), Some(by)) => Some(crate::domain::Hold {
                        at,
                        by,
                        reason: self.hold_reason.unwrap_or_default(),
                    }),
                    _ => None,
                },
                drift: match (&self.drift_kind, &self.drift_store, self.drift_found_at) {
                    (Some(kind), Some(store), Some(found_at)) => {
                        Some(crate::domain::drift::Drift {
                            kind: crate::domain::drift::DriftKind::from_code(kind)
                                .ok_or_else(|| corrupt(format!("drift kind {kind:?}")))?,
                            store: serde_json::from_str(store)
                                .map_err(|e| corrupt(format!("drift: {e}")))?,
                            found_at,
                        })
                    }
                    _ => None,
                },
            },
        ))
    }
}
