//! What to send to カラーミー for one sale, from a fresh read of it (issue 4, SPEC §4): one slip
//! number per お届け先 — the i-th number to the i-th delivery by id — `delivered: true` only when
//! the shipped-date option says so (never `false`), nothing when nothing changes, and the 商品発送
//! mail once, only after the delivery is marked and only if the sale's mail state is not `sent`.
//! Pure: the sale comes in, the request goes out.

use super::model::{DeliveryUpdate, Sale, SaleDelivery};
use crate::domain::{ShippingWrite, TrackingNumber};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColormePlan {
    /// The deliveries to change; empty means no PUT.
    pub updates: Vec<DeliveryUpdate>,
    /// Things the operator should know (count mismatches), recorded with the order.
    pub warnings: Vec<String>,
}

fn comparable(value: &str) -> String {
    TrackingNumber::normalize(value)
        .map_or_else(|| value.trim().to_owned(), |n| n.as_str().to_owned())
}

fn deliveries_by_id(sale: &Sale) -> Vec<&SaleDelivery> {
    let mut deliveries: Vec<&SaleDelivery> = sale.sale_deliveries.iter().collect();
    deliveries.sort_by_key(|d| d.id);
    deliveries
}

/// The plan for `wanted` (a カラーミー write) against the sale as just read.
pub fn plan(sale: &Sale, wanted: &ShippingWrite) -> ColormePlan {
    let ShippingWrite::Colorme { slips, delivered } = wanted else {
        return ColormePlan {
            updates: Vec::new(),
            warnings: vec!["not a カラーミー write".into()],
        };
    };
    let deliveries = deliveries_by_id(sale);
    let mut warnings = Vec::new();
    if deliveries.len() == 1 && slips.len() > 1 {
        warnings.push(format!(
            "{} numbers for one お届け先: only the first ({}) is sent",
            slips.len(),
            slips[0]
        ));
    } else if deliveries.len() != slips.len() && !slips.is_empty() {
        warnings.push(format!(
            "{} numbers for {} お届け先: numbers go to deliveries in order, the rest {}",
            slips.len(),
            deliveries.len(),
            if slips.len() > deliveries.len() {
                "of the numbers are not sent"
            } else {
                "of the deliveries are left alone"
            }
        ));
    }
    let updates = deliveries
        .iter()
        .zip(slips)
        .filter_map(|(delivery, slip)| {
            let same_slip = delivery
                .slip_number
                .as_deref()
                .is_some_and(|held| comparable(held) == comparable(slip));
            let needs_delivered = *delivered && !delivery.delivered;
            (!same_slip || needs_delivered).then(|| DeliveryUpdate {
                id: delivery.id,
                slip_number: slip.clone(),
                delivered: delivered.then_some(true),
            })
        })
        .collect();
    ColormePlan { updates, warnings }
}

/// What the sale holds, in hassou's terms, judged against `wanted`: when every delivery that can
/// take one of the wanted numbers holds it (and is 配送済み where wanted), the sale holds the
/// write — extra numbers with no delivery to go to do not keep the order pending forever.
pub fn held(sale: &Sale, wanted: &ShippingWrite) -> ShippingWrite {
    let deliveries = deliveries_by_id(sale);
    if let ShippingWrite::Colorme { slips, delivered } = wanted
        && !deliveries.is_empty()
        && plan(sale, wanted).updates.is_empty()
    {
        let all_delivered = deliveries.iter().zip(slips).all(|(d, _)| d.delivered);
        return ShippingWrite::Colorme {
            slips: slips.clone(),
            delivered: *delivered || all_delivered,
        };
    }
    ShippingWrite::Colorme {
        slips: deliveries
            .iter()
            .filter_map(|d| d.slip_number.clone())
            .collect(),
        delivered: !deliveries.is_empty() && deliveries.iter().all(|d| d.delivered),
    }
}

/// Whether to POST the 商品発送 mail now: only when configured, only once the sale's deliveries
/// are marked, and only if neither カラーミー nor hassou has sent it.
pub fn should_send_mail(configured: bool, sale: &Sale, already_sent_by_hassou: bool) -> bool {
    configured
        && !already_sent_by_hassou
        && !sale.sale_deliveries.is_empty()
        && sale.sale_deliveries.iter().any(|d| d.delivered)
        && sale.delivered_mail_state.as_deref() != Some("sent")
}

#[cfg(test)]
mod tests;
