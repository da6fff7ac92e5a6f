//! Changing a sandbox store behind hassou, as its staff would in the store's admin (issue 21):
//! a tracking number corrected, an order fulfilled by hand, a fulfillment cancelled or a slip
//! cleared, an order cancelled. The same changes through the sandboxes' Rust handles (tests, the
//! demo) and over HTTP on the sandbox's own port, `POST /sandbox-admin/behind` with
//! `{"order": "#1004" | "70000001", "change": "tracking" | "fulfil_by_hand" | "cancel_fulfillment"
//! | "cancel", "number": "…", "company": "…"}` (a `hassou sandbox` tried by hand). Never part of a
//! real store's API.

use serde::Deserialize;

/// One change made behind hassou.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Behind {
    /// The latest fulfillment's tracking (Shopify) or the slip (カラーミー) becomes `number`.
    Tracking {
        number: String,
        #[serde(default)]
        company: Option<String>,
    },
    /// Fulfilled / 配送済み by hand with `number`.
    FulfilByHand {
        number: String,
        #[serde(default)]
        company: Option<String>,
    },
    /// The latest fulfillment cancelled (Shopify) / the slip cleared and 配送済み undone (カラーミー).
    CancelFulfillment,
    /// The order cancelled.
    Cancel,
}

/// The body of `POST /sandbox-admin/behind`.
#[derive(Debug, Clone, Deserialize)]
pub struct BehindRequest {
    /// Shopify: the order's name (`#1004`); カラーミー: the sale id.
    pub order: String,
    #[serde(flatten)]
    pub change: Behind,
}
