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
pub struct Nodes<T> {
    pub nodes: Vec<T>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FulfillmentOrder {
    pub id: String,
    /// OPEN, IN_PROGRESS, CANCELLED, INCOMPLETE, CLOSED, SCHEDULED, ON_HOLD.
    pub status: String,
    pub request_status: Option<String>,
    pub assigned_location: Option<AssignedLocation>,
    pub delivery_method: Option<DeliveryMethod>,
    pub supported_actions: Vec<SupportedAction>,
    pub line_items: Nodes<FulfillmentOrderLineItem>,
}

impl FulfillmentOrder {
    pub fn supports(&self, action: &str) -> bool {
        self.supported_actions.iter().any(|a| a.action == action)
    }

    pub fn remaining(&self) -> i64 {
        self.line_items
            .nodes
            .iter()
            .map(|l| l.remaining_quantity)
            .sum()
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
pub struct FulfillmentOrderLineItem {
    pub id: String,
    pub total_quantity: i64,
    pub remaining_quantity: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fulfillment {
    pub id: String,
    /// SUCCESS, CANCELLED, ERROR, FAILURE.
    pub status: String,
    pub created_at: Option<String>,
    pub tracking_info: Vec<TrackingInfo>,
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
