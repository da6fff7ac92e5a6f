//! Drift (SPEC §2 "Verdicts", §3 "Reading the store back"): what a store holds compared with
//! what hassou last confirmed and would write. A store changed behind hassou — staff corrected a
//! tracking number in the admin, fulfilled by hand, cancelled a fulfillment, cleared a slip,
//! cancelled the order — is one drift of one kind; such an order is `drift` and no run writes it
//! until the operator settles it. Pure.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ShippingWrite;

/// How a store differs from hassou.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftKind {
    /// Other tracking or carrier than hassou last confirmed (changed in the store's admin).
    StoreDiffers,
    /// Fulfilled / 配送済み with tracking hassou never sent.
    FulfilledElsewhere,
    /// No longer holds what hassou confirmed (fulfillment cancelled, slip cleared).
    MissingInStore,
    /// Cancelled at the store while hassou still has it as a target.
    CancelledInStore,
    /// Nothing at the store differs: hassou has it `pending` or `failed` for longer than
    /// `stale_after`. Reported by reconcile, never a verdict.
    NotWritten,
}

impl DriftKind {
    pub const ALL: [DriftKind; 5] = [
        DriftKind::StoreDiffers,
        DriftKind::FulfilledElsewhere,
        DriftKind::MissingInStore,
        DriftKind::CancelledInStore,
        DriftKind::NotWritten,
    ];

    /// Whether an order of this kind gets the `drift` verdict (all but `not_written`).
    pub fn is_verdict(self) -> bool {
        self != DriftKind::NotWritten
    }

    pub fn code(self) -> &'static str {
        match self {
            DriftKind::StoreDiffers => "store_differs",
            DriftKind::FulfilledElsewhere => "fulfilled_elsewhere",
            DriftKind::MissingInStore => "missing_in_store",
            DriftKind::CancelledInStore => "cancelled_in_store",
            DriftKind::NotWritten => "not_written",
        }
    }

    pub fn from_code(code: &str) -> Option<DriftKind> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// What a store holds for one order, read back (nothing written).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreReading {
    /// Tracking, carrier and shipped state as the store shows them (`None`: nothing shipped).
    pub held: Option<ShippingWrite>,
    /// The store cancelled the order.
    pub cancelled: bool,
    /// The store's state of the order as a code: Shopify's `displayFulfillmentStatus`
    /// (`FULFILLED`), カラーミー's fields (`delivered`, `not_delivered`, `canceled`); said in words
    /// by `text::store_status`.
    pub status: String,
}

/// A drift found and not yet settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    pub kind: DriftKind,
    /// What the store held when it was found.
    pub store: StoreReading,
    pub found_at: DateTime<Utc>,
}

/// How the store compares with hassou for one order: `None` when it agrees. `confirmed` is what
/// the store last confirmed to hassou, `wanted` what hassou would write now (`None`: nothing,
/// e.g. no tracking yet), `target` whether hassou has the order as a target at all.
pub fn compare(
    confirmed: Option<&ShippingWrite>,
    wanted: Option<&ShippingWrite>,
    target: bool,
    store: &StoreReading,
) -> Option<DriftKind> {
    if store.cancelled && target {
        return Some(DriftKind::CancelledInStore);
    }
    match (confirmed, &store.held) {
        (Some(_), None) => Some(DriftKind::MissingInStore),
        (Some(ours), Some(theirs)) if theirs.covers(ours) => None,
        (Some(_), Some(_)) => Some(DriftKind::StoreDiffers),
        (None, None) => None,
        // The store holds exactly what hassou would write: nothing to settle (the next run
        // reads it and records it synced).
        (None, Some(theirs)) if wanted.is_some_and(|w| theirs.covers(w)) => None,
        (None, Some(_)) => Some(DriftKind::FulfilledElsewhere),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Carrier;

    fn shopify(numbers: &[&str]) -> ShippingWrite {
        ShippingWrite::Shopify {
            tracking: numbers.iter().map(|n| (*n).to_owned()).collect(),
            carrier: Some(Carrier::Yamato),
        }
    }

    fn colorme(slip: &str, delivered: bool) -> ShippingWrite {
        ShippingWrite::Colorme {
            slips: vec![slip.to_owned()],
            delivered,
        }
    }

    fn reading(held: Option<ShippingWrite>, cancelled: bool) -> StoreReading {
        StoreReading {
            held,
            cancelled,
            status: String::new(),
        }
    }

    /// SPEC §3's table, one row each, on both stores' shapes.
    #[test]
    fn each_kind_of_spec_3() {
        let ours = shopify(&["444413758703"]);
        let theirs = shopify(&["390459983082"]);
        let slip = colorme("444413758703", true);
        let cleared_slip = colorme("", false);
        for (confirmed, wanted, target, store, kind) in [
            // Agrees.
            (
                Some(&ours),
                Some(&ours),
                true,
                reading(Some(ours.clone()), false),
                None,
            ),
            (None, None, true, reading(None, false), None),
            (
                None,
                Some(&ours),
                true,
                reading(Some(ours.clone()), false),
                None,
            ),
            (
                Some(&slip),
                Some(&slip),
                true,
                reading(Some(slip.clone()), false),
                None,
            ),
            // store_differs: corrected in the admin.
            (
                Some(&ours),
                Some(&ours),
                true,
                reading(Some(theirs.clone()), false),
                Some(DriftKind::StoreDiffers),
            ),
            (
                Some(&slip),
                Some(&slip),
                true,
                reading(Some(cleared_slip.clone()), false),
                Some(DriftKind::StoreDiffers),
            ),
            // fulfilled_elsewhere: by hand, with other tracking, or with no tracking of ours.
            (
                None,
                Some(&ours),
                true,
                reading(Some(theirs.clone()), false),
                Some(DriftKind::FulfilledElsewhere),
            ),
            (
                None,
                None,
                true,
                reading(Some(theirs.clone()), false),
                Some(DriftKind::FulfilledElsewhere),
            ),
            // missing_in_store: the fulfillment cancelled.
            (
                Some(&ours),
                Some(&ours),
                true,
                reading(None, false),
                Some(DriftKind::MissingInStore),
            ),
            // cancelled_in_store: only while hassou has it as a target.
            (
                None,
                Some(&ours),
                true,
                reading(None, true),
                Some(DriftKind::CancelledInStore),
            ),
            (None, None, false, reading(None, true), None),
        ] {
            assert_eq!(
                compare(confirmed, wanted, target, &store),
                kind,
                "{confirmed:?} {store:?}"
            );
        }
        for kind in DriftKind::ALL {
            assert_eq!(DriftKind::from_code(kind.code()), Some(kind));
        }
    }
}
