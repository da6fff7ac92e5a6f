//! Shopify's response shapes, with the API's own field names (`reference/shopify-admin-api.md`).
//! Only the fields hassou selects; mapped to domain types by `plan`.

use serde::{Deserialize, Serialize};

/// The `order` of `OrderFulfillmentState`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderState {
    pub id: String,
    pub name: String,
    pub cancelled_at: Option<String>,
    pub display_fulfillment_status: Option<String>,
    pub fulfillment_orders: Nodes<FulfillmentOrder>,
    pub fulfillments: Vec<Fulfillment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Nodes<T> {
    /// Whether more than the `first` asked for exist (selected where that matters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_info: Option<HasNextPage>,
    pub nodes: Vec<T>,
}

impl<T> Nodes<T> {
    /// Whether the list may be cut short: Shopify said there is more.
    pub fn more(&self) -> bool {
        self.page_info.as_ref().is_some_and(|p| p.has_next_page)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HasNextPage {
    pub has_next_page: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FulfillmentOrder {
    pub id: String,
    /// OPEN, IN_PROGRESS, CANCELLED, INCOMPLETE, CLOSED, SCHEDULED, ON_HOLD.
    pub status: String,
    pub assigned_location: Option<AssignedLocation>,
    pub delivery_method: Option<DeliveryMethod>,
    /// `CREATE_FULFILLMENT` is offered only while something is left to fulfill.
    pub supported_actions: Vec<SupportedAction>,
}

impl FulfillmentOrder {
    pub fn supports(&self, action: &str) -> bool {
        self.supported_actions.iter().any(|a| a.action == action)
    }

    pub fn location_id(&self) -> Option<&str> {
        self.assigned_location
            .as_ref()
            .and_then(|l| l.location.as_ref())
            .map(|l| l.id.as_str())
    }

    pub fn location_name(&self) -> &str {
        self.assigned_location
            .as_ref()
            .map_or("", |l| l.name.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct AssignedLocation {
    pub name: String,
    pub location: Option<LocationId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct LocationId {
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryMethod {
    pub method_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct SupportedAction {
    pub action: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fulfillment {
    pub id: String,
    /// SUCCESS, CANCELLED, ERROR, FAILURE.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Not selected where only the fulfillment's existence matters (the pull).
    #[serde(default)]
    pub tracking_info: Vec<TrackingInfo>,
    /// `#1001.1`: the order's name and the fulfillment's place among its fulfillments. Selected
    /// in a mutation's answer, to check the answer is about the order written (issue 23).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Fulfillment {
    /// Whether this fulfillment's name says it belongs to the order named `order_name` (`#1001`
    /// or `1001`: the `#` aside, as an order file may spell it).
    pub fn belongs_to(&self, order_name: &str) -> bool {
        let bare = |s: &str| s.trim().trim_start_matches('#').to_owned();
        self.name
            .as_deref()
            .and_then(|name| name.rsplit_once('.'))
            .is_some_and(|(order, n)| {
                !n.is_empty()
                    && n.bytes().all(|b| b.is_ascii_digit())
                    && bare(order) == bare(order_name)
            })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct TrackingInfo {
    pub company: Option<String>,
    pub number: Option<String>,
    pub url: Option<String>,
}

/// `FulfillmentTrackingInput`: `number`/`numbers` and `url`/`urls` are mutually exclusive, so
/// hassou always sends the list forms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackingInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    pub numbers: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<String>,
}

/// `userErrors { field message }` of a mutation payload.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct UserError {
    pub field: Option<Vec<String>>,
    pub message: String,
}
