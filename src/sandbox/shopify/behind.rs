//! The sandbox Shopify changed behind hassou (issue 21): `POST /sandbox-admin/behind` and
//! [`SandboxShopify::change_behind`](super::SandboxShopify::change_behind) — a tracking number
//! corrected, an order fulfilled by hand, a fulfillment cancelled, an order cancelled — as the
//! store's staff would in its admin. Never part of Shopify's API.

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;

use super::{SandboxFulfillment, Shop};

/// `POST /sandbox-admin/behind`: a change made in the store's admin, not through its API.
pub(super) async fn behind(
    State(shop): State<Arc<Mutex<Shop>>>,
    axum::Json(request): axum::Json<crate::sandbox::behind::BehindRequest>,
) -> StatusCode {
    let mut shop = shop
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if apply(&mut shop, &request.order, &request.change) {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}

pub(super) fn apply(shop: &mut Shop, name: &str, change: &crate::sandbox::behind::Behind) -> bool {
    use crate::sandbox::behind::Behind;
    let now = Utc::now();
    let next = shop.next_id;
    let Some(order) = shop.orders.values_mut().find(|o| o.name == name) else {
        return false;
    };
    let line = |number: &str, company: &Option<String>| {
        (
            Some(company.clone().unwrap_or_else(|| "Sagawa (JA)".into())),
            number.to_owned(),
            None,
        )
    };
    match change {
        Behind::Tracking { number, company } => {
            let Some(f) = order
                .fulfillments
                .iter_mut()
                .rev()
                .find(|f| f.status == "SUCCESS")
            else {
                return false;
            };
            f.tracking = vec![line(number, company)];
        }
        Behind::FulfilByHand { number, company } => {
            order.fulfillments.push(SandboxFulfillment {
                id: format!("gid://shopify/Fulfillment/{next}"),
                status: "SUCCESS".into(),
                created_at: now,
                tracking: vec![line(number, company)],
            });
            for f in &mut order.fulfillment_orders {
                f.status = "CLOSED".into();
                f.remaining = 0;
            }
        }
        Behind::CancelFulfillment => {
            let Some(f) = order
                .fulfillments
                .iter_mut()
                .rev()
                .find(|f| f.status == "SUCCESS")
            else {
                return false;
            };
            f.status = "CANCELLED".into();
            for f in &mut order.fulfillment_orders {
                f.status = "OPEN".into();
                f.remaining = f.quantity;
            }
        }
        Behind::Cancel => order.cancelled_at = Some(now),
    }
    order.updated_at = now;
    shop.next_id += 1;
    true
}
