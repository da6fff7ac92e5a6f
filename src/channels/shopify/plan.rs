//! What to send to Shopify for one order, decided from a fresh read of its fulfillment orders and
//! fulfillments (`reference/shopify-admin-api.md` §2, §4). Pure: the read comes in, the steps go
//! out. Reading first is what makes a retry after a lost answer safe: a fulfillment that already
//! carries our numbers is recognised, never created twice.

use std::collections::BTreeMap;

use super::carriers::{self, UrlTemplates};
use super::model::{Fulfillment, OrderState, TrackingInput};
use crate::domain::{Carrier, Cause, ShippingWrite, TrackingNumber};

/// One mutation to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `fulfillmentCreate` for these fulfillment orders, which share a location and a delivery
    /// method (Shopify refuses mixed ones).
    Create {
        fulfillment_order_ids: Vec<String>,
        location: String,
    },
    /// `fulfillmentTrackingInfoUpdate` of an existing fulfillment that carries other tracking.
    Update { fulfillment_id: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WritePlan {
    /// Shopify already holds these values; nothing is sent.
    AlreadyHeld(ShippingWrite),
    Send(Vec<Step>),
    /// Nothing can be written: why, as a kind (read from the fulfillment orders' statuses, not
    /// from words), and in words for the operator.
    Refuse(Cause, String),
}

/// The tracking input for a write: company by carrier, numbers as a list, URLs only for carriers
/// Shopify does not link. Free text (no carrier) goes alone, so no wrong link is built.
pub fn tracking_input(wanted: &ShippingWrite, templates: &UrlTemplates) -> Option<TrackingInput> {
    let ShippingWrite::Shopify { tracking, carrier } = wanted else {
        return None;
    };
    let urls: Option<Vec<String>> = match &carrier {
        Some(c) => tracking.iter().map(|n| templates.url(c, n)).collect(),
        None => None,
    };
    Some(TrackingInput {
        company: carrier.as_ref().map(|c| carriers::company(c).to_owned()),
        numbers: tracking.clone(),
        urls: urls.unwrap_or_default(),
    })
}

fn comparable(number: &str) -> String {
    TrackingNumber::normalize(number)
        .map_or_else(|| number.trim().to_owned(), |n| n.as_str().to_owned())
}

fn numbers_of(f: &Fulfillment) -> Vec<String> {
    let mut numbers: Vec<String> = f
        .tracking_info
        .iter()
        .filter_map(|t| t.number.as_deref())
        .map(comparable)
        .collect();
    numbers.sort();
    numbers.dedup();
    numbers
}

fn company_of(f: &Fulfillment) -> Option<&str> {
    f.tracking_info.iter().find_map(|t| t.company.as_deref())
}

/// Whether a fulfillment carries exactly these numbers with this company.
fn carries(f: &Fulfillment, input: &TrackingInput) -> bool {
    let mut wanted: Vec<String> = input.numbers.iter().map(|n| comparable(n)).collect();
    wanted.sort();
    wanted.dedup();
    numbers_of(f) == wanted && company_of(f) == input.company.as_deref()
}

/// What a fulfillment holds, in hassou's terms.
pub fn held_by(f: &Fulfillment) -> ShippingWrite {
    ShippingWrite::Shopify {
        tracking: f
            .tracking_info
            .iter()
            .filter_map(|t| t.number.clone())
            .collect(),
        carrier: company_of(f).and_then(Carrier::parse),
    }
}

/// What the store holds after it accepted a write of `input`: what was sent. (The write's answer
/// selects no tracking — each entry would cost a point — and the store keeps the numbers and
/// company as sent, in order: reference §2.2.)
pub fn held_as_sent(input: &TrackingInput) -> ShippingWrite {
    ShippingWrite::Shopify {
        tracking: input.numbers.clone(),
        carrier: input.company.as_deref().and_then(Carrier::parse),
    }
}

fn status_in_words(status: &str) -> &'static str {
    match status {
        "ON_HOLD" => "on hold",
        "SCHEDULED" => "scheduled for later",
        "CLOSED" => "closed",
        "CANCELLED" => "cancelled",
        "INCOMPLETE" => "incomplete",
        _ => "not fulfillable",
    }
}

pub fn plan(state: &OrderState, input: &TrackingInput) -> WritePlan {
    if state.cancelled_at.is_some() {
        return WritePlan::Refuse(
            Cause::Cancelled,
            format!("order {} is cancelled in Shopify", state.name),
        );
    }
    let live: Vec<&Fulfillment> = state
        .fulfillments
        .iter()
        .filter(|f| f.status == "SUCCESS")
        .collect();
    let mut steps: Vec<Step> = live
        .iter()
        .filter(|f| !carries(f, input))
        .map(|f| Step::Update {
            fulfillment_id: f.id.clone(),
        })
        .collect();
    // One create per (location, delivery method), in a stable order.
    let mut groups: BTreeMap<(String, String), (String, Vec<String>)> = BTreeMap::new();
    for fo in &state.fulfillment_orders.nodes {
        if fo.supports("CREATE_FULFILLMENT") {
            let method = fo
                .delivery_method
                .as_ref()
                .and_then(|d| d.method_type.clone())
                .unwrap_or_default();
            let key = (fo.location_id().unwrap_or_default().to_owned(), method);
            groups
                .entry(key)
                .or_insert_with(|| (fo.location_name().to_owned(), Vec::new()))
                .1
                .push(fo.id.clone());
        }
    }
    steps.extend(groups.into_values().map(|(location, ids)| Step::Create {
        fulfillment_order_ids: ids,
        location,
    }));
    if !steps.is_empty() {
        return WritePlan::Send(steps);
    }
    if let Some(f) = live.first() {
        return WritePlan::AlreadyHeld(held_by(f));
    }
    let blocked: Vec<String> = state
        .fulfillment_orders
        .nodes
        .iter()
        .map(|fo| {
            let at = fo.location_name();
            let place = if at.is_empty() {
                String::new()
            } else {
                format!(" at {at}")
            };
            format!(
                "fulfillment order{place} is {}",
                status_in_words(&fo.status)
            )
        })
        .collect();
    let statuses: Vec<&str> = state
        .fulfillment_orders
        .nodes
        .iter()
        .map(|fo| fo.status.as_str())
        .collect();
    if blocked.is_empty() {
        // Shopify answers an empty list, not an error, when the token lacks the scope.
        WritePlan::Refuse(
            Cause::Refused,
            format!(
                "order {} shows no fulfillment orders: nothing to fulfill, or the token lacks \
             read_merchant_managed_fulfillment_orders / write_merchant_managed_fulfillment_orders",
                state.name
            ),
        )
    } else {
        // One on hold is what the operator must release; all closed or cancelled is the order.
        let cause = if statuses.contains(&"ON_HOLD") {
            Cause::OnHold
        } else if statuses.iter().all(|s| *s == "CANCELLED") {
            Cause::Cancelled
        } else if statuses
            .iter()
            .all(|s| matches!(*s, "CLOSED" | "CANCELLED"))
        {
            Cause::Closed
        } else {
            Cause::Refused
        };
        WritePlan::Refuse(
            cause,
            format!(
                "order {}: {}; nothing was sent",
                state.name,
                blocked.join(", ")
            ),
        )
    }
}

#[cfg(test)]
mod tests;
