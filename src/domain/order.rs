//! An order as hassou keeps it, and what a store holds (or was sent) for it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::carrier::Carrier;
use super::status::OrderStatus;
use super::store::Store;
use super::tracking::{Tracking, TrackingNumber};

/// One order of one store. Key: (store, remote_id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// Whose order this is; its channel says which rules and which API apply.
    pub store: Store,
    /// The store's id: a Shopify order GID, a カラーミー sale id.
    pub remote_id: String,
    /// The order number operators see and type (`#1001`, a sale number).
    pub number: String,
    pub status: OrderStatus,
    /// 注文日時: when the customer ordered.
    pub ordered_at: DateTime<Utc>,
    /// 受注更新日時: when the order last changed in hassou (status, shipping fields, bundle).
    pub updated_at: DateTime<Utc>,
    /// 出荷日
    pub shipped_on: Option<NaiveDate>,
    pub carrier: Option<Carrier>,
    pub tracking: Tracking,
    /// 同梱: the number of the parent order in the same channel, when this order is a child.
    pub bundle_parent: Option<String>,
}

impl Order {
    pub fn is_bundle_child(&self) -> bool {
        self.bundle_parent.is_some()
    }
}

/// Shipping information as written to a store, or as the store confirmed holding it. The same
/// shape is used for both, so "already synced" is a plain comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "channel", rename_all = "snake_case")]
pub enum ShippingWrite {
    /// Shopify: tracking numbers (or one free text) and the carrier's code. Free text goes with
    /// no carrier, so Shopify builds no tracking link for it.
    Shopify {
        tracking: Vec<String>,
        /// Stored as its code, byte for byte as before the type (`"yamato"`, or another
        /// carrier's own name).
        #[serde(with = "carrier_code")]
        carrier: Option<Carrier>,
    },
    /// カラーミー: one slip number per delivery, and whether the sale is marked 配送済み.
    Colorme { slips: Vec<String>, delivered: bool },
}

impl ShippingWrite {
    /// Whether a store holding `self` already has everything `wanted` would write. hassou never
    /// reverts a store, so a sale already 配送済み satisfies a write that would not mark it.
    pub fn covers(&self, wanted: &ShippingWrite) -> bool {
        match (self, wanted) {
            (
                ShippingWrite::Shopify { tracking, carrier },
                ShippingWrite::Shopify {
                    tracking: wanted_tracking,
                    carrier: wanted_carrier,
                },
            ) => same_set(tracking, wanted_tracking) && carrier == wanted_carrier,
            (
                ShippingWrite::Colorme { slips, delivered },
                ShippingWrite::Colorme {
                    slips: wanted_slips,
                    delivered: wanted_delivered,
                },
            ) => same_list(slips, wanted_slips) && (*delivered || !*wanted_delivered),
            _ => false,
        }
    }
}

/// Values compare without hyphens and spaces, and full-width digits equal half-width ones.
fn comparable(value: &str) -> String {
    TrackingNumber::normalize(value)
        .map_or_else(|| value.trim().to_owned(), |n| n.as_str().to_owned())
}

fn same_list(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| comparable(x) == comparable(y))
}

fn same_set(a: &[String], b: &[String]) -> bool {
    let mut a: Vec<String> = a.iter().map(|v| comparable(v)).collect();
    let mut b: Vec<String> = b.iter().map(|v| comparable(v)).collect();
    a.sort();
    a.dedup();
    b.sort();
    b.dedup();
    a == b
}

/// What hassou knows of an order at its store: the values the store last confirmed, and the
/// last attempt that failed (cleared by the next success).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemoteState {
    pub confirmed: Option<ShippingWrite>,
    /// When the store last confirmed what it holds (a write's answer, or a read).
    pub confirmed_at: Option<DateTime<Utc>>,
    pub last_failure: Option<FailedWrite>,
    /// A write was sent at this instant and its outcome never recorded (the process died, or the
    /// answer was lost): the store must be read before anything is sent again.
    pub in_flight_since: Option<DateTime<Utc>>,
    /// When hassou sent (or may have sent) the shipping mail for this order.
    pub mail_sent_at: Option<DateTime<Utc>>,
    /// The store refused the shipping mail with these words; it was not sent and is sent only
    /// when the operator asks (`hassou order N send-mail`).
    pub mail_error: Option<String>,
    /// The mail's answer was lost or could not be read: it may have gone (never sent again).
    pub mail_uncertain: bool,
    /// What the store calls the parts a write goes to (カラーミー's お届け先 ids, Shopify's
    /// fulfillment ids), as last read; shown, never judged.
    pub remote_ref: Option<String>,
    /// An operator's hold: the order is ineligible (reason `held`) and never written until it
    /// is released. Kept by hassou, not the store.
    pub hold: Option<Hold>,
    /// A drift `hassou reconcile` found and nobody settled: the verdict is `drift`, and no run
    /// writes the order until `order N resolve`.
    pub drift: Option<super::drift::Drift>,
}

/// Who held an order, when and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    pub at: DateTime<Utc>,
    pub by: String,
    /// The operator's words (may be empty).
    pub reason: String,
}

/// A write that the store refused or that did not complete, with the store's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedWrite {
    pub write: ShippingWrite,
    pub error: String,
    /// Why, as a kind (the words and the advice are chosen by it).
    pub cause: super::Cause,
    pub at: DateTime<Utc>,
}

/// An order as stored: its row id, its revision (bumped by every change) and what its store holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredOrder {
    pub id: i64,
    pub revision: i64,
    pub order: Order,
    pub remote: RemoteState,
}

/// One order as a store reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PulledOrder {
    pub store: super::Store,
    pub remote_id: String,
    pub number: String,
    pub ordered_at: DateTime<Utc>,
    pub cancelled: bool,
    pub paid_at: Option<DateTime<Utc>>,
    /// What the store calls the parts a write goes to (カラーミー's `sale_deliveries` ids), kept
    /// with the order's remote state for `order N show`; `None` leaves what is kept alone.
    pub remote_ref: Option<String>,
}

/// A carrier in JSON as its code (`"yamato"`, `"japan_post"`, or another carrier's own name),
/// read back by the same lenient parse, so what hassou stored before the carrier was a type
/// reads and writes byte for byte the same.
mod carrier_code {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Carrier;

    pub fn serialize<S: Serializer>(carrier: &Option<Carrier>, s: S) -> Result<S::Ok, S::Error> {
        carrier.as_ref().map(Carrier::code).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Carrier>, D::Error> {
        Ok(Option::<String>::deserialize(d)?
            .as_deref()
            .and_then(Carrier::parse))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The carrier became a type; what is stored reads and writes byte for byte as before.
    #[test]
    fn stored_writes_read_and_write_byte_for_byte_as_before() {
        for json in [
            r#"{"channel":"shopify","tracking":["444413758703"],"carrier":"yamato"}"#,
            r#"{"channel":"shopify","tracking":["1"],"carrier":"japan_post"}"#,
            r#"{"channel":"shopify","tracking":["1"],"carrier":"DHL Express"}"#,
            r#"{"channel":"shopify","tracking":["配達予定 12/1"],"carrier":null}"#,
            r#"{"channel":"colorme","slips":["1"],"delivered":true}"#,
        ] {
            let write: ShippingWrite = serde_json::from_str(json).expect("reads");
            assert_eq!(serde_json::to_string(&write).expect("writes"), json);
        }
    }

    fn shopify(tracking: &[&str], carrier: Option<&str>) -> ShippingWrite {
        ShippingWrite::Shopify {
            tracking: tracking.iter().map(ToString::to_string).collect(),
            carrier: carrier.and_then(Carrier::parse),
        }
    }

    fn colorme(slips: &[&str], delivered: bool) -> ShippingWrite {
        ShippingWrite::Colorme {
            slips: slips.iter().map(ToString::to_string).collect(),
            delivered,
        }
    }

    #[test]
    fn shopify_compares_numbers_as_a_set_without_hyphens() {
        let held = shopify(&["4444-1375-8703", "483484399683"], Some("yamato"));
        assert!(held.covers(&shopify(&["483484399683", "444413758703"], Some("yamato"))));
        assert!(!held.covers(&shopify(&["444413758703"], Some("yamato"))));
        assert!(!held.covers(&shopify(&["444413758703", "483484399683"], Some("sagawa"))));
    }

    #[test]
    fn colorme_never_needs_to_unmark_delivered() {
        assert!(colorme(&["1"], true).covers(&colorme(&["1"], false)));
        assert!(!colorme(&["1"], false).covers(&colorme(&["1"], true)));
        assert!(!colorme(&["1"], true).covers(&colorme(&["2"], true)));
        assert!(!colorme(&["1"], true).covers(&shopify(&["1"], None)));
    }
}
