//! Every GraphQL document hassou sends to Shopify. Kept as constants so one test can validate
//! them all against the real Admin schema (`shared/shopify/admin-2026-07.graphql`), including
//! that none uses a deprecated field. Facts: `reference/shopify-admin-api.md` §2 and §6.

/// An order's fulfillment orders (what can be fulfilled, where, and whether it is on hold) and
/// its existing fulfillments with their tracking: read before every write, so that a write
/// whose outcome was lost is confirmed rather than repeated. The `first` sizes keep the requested
/// cost (checked against the bucket before execution) well under Shopify's per-query maximum.
pub const ORDER_FULFILLMENT_STATE: &str = r"query OrderFulfillmentState($id: ID!) {
  order(id: $id) {
    id
    name
    cancelledAt
    displayFulfillmentStatus
    fulfillmentOrders(first: 10) {
      nodes {
        id
        status
        requestStatus
        assignedLocation { name location { id } }
        deliveryMethod { methodType }
        supportedActions { action }
        lineItems(first: 50) {
          nodes { id totalQuantity remainingQuantity }
        }
      }
    }
    fulfillments(first: 10) {
      id
      status
      createdAt
      trackingInfo(first: 10) { company number url }
    }
  }
}";

/// Creates one fulfillment for the fulfillment orders of one location.
pub const FULFILLMENT_CREATE: &str = r"mutation FulfillmentCreate($fulfillment: FulfillmentInput!, $message: String) {
  fulfillmentCreate(fulfillment: $fulfillment, message: $message) {
    fulfillment {
      id
      status
      createdAt
      trackingInfo(first: 10) { company number url }
    }
    userErrors { field message }
  }
}";

/// Replaces the tracking of an existing fulfillment (the whole set: send every number).
pub const FULFILLMENT_TRACKING_INFO_UPDATE: &str = r"mutation FulfillmentTrackingInfoUpdate($fulfillmentId: ID!, $trackingInfoInput: FulfillmentTrackingInput!, $notifyCustomer: Boolean) {
  fulfillmentTrackingInfoUpdate(fulfillmentId: $fulfillmentId, trackingInfoInput: $trackingInfoInput, notifyCustomer: $notifyCustomer) {
    fulfillment {
      id
      status
      trackingInfo(first: 10) { company number url }
    }
    userErrors { field message }
  }
}";

/// Orders changed since a watermark, oldest change first, for 受注取得. Transactions give the
/// payment date (入金日 自動取得).
pub const RECENT_ORDERS: &str = r"query RecentOrders($first: Int!, $after: String, $query: String!) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      name
      createdAt
      updatedAt
      cancelledAt
      displayFinancialStatus
      displayFulfillmentStatus
      shippingAddress { name }
      transactions(first: 20) { kind status processedAt }
    }
  }
}";

/// The API versions the shop serves, to warn when the pinned one is no longer supported.
pub const PUBLIC_API_VERSIONS: &str = r"query PublicApiVersions {
  publicApiVersions { handle supported }
}";

/// Every document, with a name for messages.
pub const ALL: [(&str, &str); 5] = [
    ("OrderFulfillmentState", ORDER_FULFILLMENT_STATE),
    ("FulfillmentCreate", FULFILLMENT_CREATE),
    (
        "FulfillmentTrackingInfoUpdate",
        FULFILLMENT_TRACKING_INFO_UPDATE,
    ),
    ("RecentOrders", RECENT_ORDERS),
    ("PublicApiVersions", PUBLIC_API_VERSIONS),
];
