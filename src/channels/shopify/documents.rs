//! Every GraphQL document hassou sends to Shopify. Kept as constants so one test can validate
//! them all against the real Admin schema (`shared/shopify/admin-2026-07.graphql`), including
//! that none uses a deprecated field. Facts: `reference/shopify-admin-api.md` §2 and §6.

/// What hassou knows of an order's fulfillment: its fulfillment orders (what can be fulfilled,
/// where, whether on hold) and its fulfillments with their tracking. The `first` sizes request
/// what is used: Shopify checks the *requested* cost against the bucket, so 50 line items per
/// fulfillment order (never used: `supportedActions` says whether anything is left to fulfill)
/// made a read ask for 575 points to spend 12.
macro_rules! fulfillment_state {
    () => {
        "
    fulfillmentOrders(first: 10) {
      pageInfo { hasNextPage }
      nodes {
        id
        status
        assignedLocation { name location { id } }
        deliveryMethod { methodType }
        supportedActions { action }
      }
    }"
    };
}

/// The whole state a write is planned from: the order, its fulfillment orders, and its
/// fulfillments with their tracking.
macro_rules! order_state {
    () => {
        concat!(
            "
    id
    name
    cancelledAt
    displayFulfillmentStatus",
            fulfillment_state!(),
            "
    fulfillments(first: 5) {
      id
      status
      trackingInfo(first: 10) { company number url }
    }"
        )
    };
}

/// An order's fulfillment state, read before a write whenever what the pull kept cannot be
/// trusted (never pulled, stale, a refused create, an attempt whose outcome is unknown), so that a
/// write whose outcome was lost is confirmed rather than repeated.
pub const ORDER_FULFILLMENT_STATE: &str = concat!(
    "query OrderFulfillmentState($id: ID!) {\n  order(id: $id) {",
    order_state!(),
    "\n  }\n}"
);

/// The same state for several orders in one request (read ahead of their writes). Shopify
/// charges `nodes(ids:)` per id, so a request holds as many as the bucket allows.
pub const ORDERS_FULFILLMENT_STATE: &str = concat!(
    "query OrdersFulfillmentState($ids: [ID!]!) {\n  nodes(ids: $ids) {\n  ... on Order {",
    order_state!(),
    "\n  }\n  }\n}"
);

/// Creates one fulfillment for the fulfillment orders of one location. The answer selects only
/// what the write needs, at Shopify's floor of 11 points (the mutation 10, its fulfillment 1;
/// every object of an answer costs 1, scalars nothing): the fulfillment's id (kept, for a later
/// correction), its status, and its name (`#1001.1`, a scalar) — which says which order it
/// belongs to (issue 23) without `order { id }`'s extra object. The tracking sent is known.
pub const FULFILLMENT_CREATE: &str = r"mutation FulfillmentCreate($fulfillment: FulfillmentInput!, $message: String) {
  fulfillmentCreate(fulfillment: $fulfillment, message: $message) {
    fulfillment {
      id
      status
      name
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
      name
    }
    userErrors { field message }
  }
}";

/// Orders changed since a watermark, oldest change first, for 受注取得. Transactions give the
/// payment date (入金日 自動取得); the fulfillment orders, and whether any fulfillment exists,
/// are kept so that a later write can go straight to `fulfillmentCreate`. 20 orders a page keep
/// the requested cost (about 800) under Shopify's 1000 per query.
pub const RECENT_ORDERS: &str = concat!(
    r"query RecentOrders($first: Int!, $after: String, $query: String!) {
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
      transactions(first: 10) { kind status processedAt }",
    fulfillment_state!(),
    r"
      fulfillments(first: 1) { id status }
    }
  }
}"
);

/// The API versions the shop serves, to warn when the pinned one is no longer supported.
pub const PUBLIC_API_VERSIONS: &str = r"query PublicApiVersions {
  publicApiVersions { handle supported }
}";

/// Every document, with a name for messages.
pub const ALL: [(&str, &str); 6] = [
    ("OrderFulfillmentState", ORDER_FULFILLMENT_STATE),
    ("OrdersFulfillmentState", ORDERS_FULFILLMENT_STATE),
    ("FulfillmentCreate", FULFILLMENT_CREATE),
    (
        "FulfillmentTrackingInfoUpdate",
        FULFILLMENT_TRACKING_INFO_UPDATE,
    ),
    ("RecentOrders", RECENT_ORDERS),
    ("PublicApiVersions", PUBLIC_API_VERSIONS),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::shopify_cost::requested;
    use serde_json::json;

    /// What each document asks of the bucket, by Shopify's published model (the sandbox's
    /// estimator): a read was 575 with 50 line items per fulfillment order.
    #[test]
    fn documents_request_what_they_use() {
        let read = requested(ORDER_FULFILLMENT_STATE, &json!({"id": "x"}), false);
        assert!(read <= 110.0, "{read}");
        let eight = requested(
            ORDERS_FULFILLMENT_STATE,
            &json!({"ids": ["1", "2", "3", "4", "5", "6", "7", "8"]}),
            false,
        );
        assert!(eight <= 8.0 * read, "{eight}");
        let create = requested(FULFILLMENT_CREATE, &json!({}), true);
        assert!(create <= 25.0, "{create}");
        let page = requested(
            RECENT_ORDERS,
            &json!({"first": crate::channels::shopify::connector::PULL_PAGE}),
            false,
        );
        assert!(
            page <= 1000.0,
            "a pull page requests {page}, over Shopify's 1000"
        );
    }
}
