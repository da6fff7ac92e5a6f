//! Shopify as a [`Connector`]: read the order's fulfillment state, decide with [`plan`], send
//! the mutations, and report what Shopify holds afterwards (read from its answers).

use crate::domain::Cause;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::carriers::UrlTemplates;
use super::client::{Call, ShopifyClient, ShopifyError};
use super::documents;
use super::model::{Fulfillment, FulfillmentOrder, Nodes, OrderState, TrackingInput, UserError};
use super::plan::{Step, WritePlan, held_as_sent, held_by, plan, tracking_input};
use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::domain::{PulledOrder, StoredOrder};
use crate::domain::{ShippingWrite, Store};
use crate::sync::read_ahead::ReadAhead;
use crate::sync::{
    Connector, Exchange, FailureKind, PlannedWrite, StoreError, WriteFailure, WriteOutcome,
    WriteReport,
};

mod requests;

/// Orders per page of a pull: with their fulfillment orders, about 800 requested points.
pub const PULL_PAGE: u64 = 20;

pub struct ShopifyConnector {
    /// Orders read ahead ([`Connector::prefetch`]), by GID.
    read_ahead: ReadAhead<OrderState>,
    client: ShopifyClient,
    /// Let Shopify e-mail the customer on the first fulfillment of an order (never on updates,
    /// never twice).
    notify_customer: bool,
    urls: UrlTemplates,
    /// Whose orders these are: the store's name keys everything it reads and writes.
    store: Store,
}

#[derive(Debug, Deserialize)]
struct OrderData {
    order: Option<OrderState>,
}

#[derive(Debug, Deserialize)]
struct NodesData {
    nodes: Vec<Option<OrderState>>,
}

/// Orders read ahead per request at most: `nodes(ids:)` is charged per id (108 points each),
/// and the request must fit the bucket and Shopify's 1000 per query.
const READ_AHEAD_MAX: usize = 8;
const READ_POINTS: f64 = 110.0;
/// Shopify refuses a single query that requests more (reference §3.1).
const QUERY_MAX: f64 = 1000.0;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Payload {
    fulfillment: Option<Fulfillment>,
    user_errors: Vec<UserError>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateData {
    fulfillment_create: Option<Payload>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateData {
    fulfillment_tracking_info_update: Option<Payload>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageInfo {
    has_next_page: bool,
    end_cursor: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Transaction {
    kind: String,
    status: String,
    processed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PulledNode {
    id: String,
    name: String,
    created_at: DateTime<Utc>,
    cancelled_at: Option<DateTime<Utc>>,
    #[serde(default)]
    transactions: Vec<Transaction>,
    fulfillment_orders: Option<Nodes<FulfillmentOrder>>,
    #[serde(default)]
    fulfillments: Vec<Fulfillment>,
}

/// How long what a pull saw of an order's fulfillment orders is trusted for a write sent without
/// reading first. A create refused because the data went stale (closed, moved, on hold) is
/// answered by a read anyway; the limit keeps such refusals rare.
pub const PULLED_STATE_TRUSTED_FOR: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// What a pull keeps of an order for the write that follows (`order_remote.remote_ref`): its
/// fulfillment orders when they came complete, and whether it has any fulfillment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct PulledState {
    pulled_at: DateTime<Utc>,
    /// The order's name at Shopify (an order file may spell the number otherwise).
    #[serde(default)]
    name: Option<String>,
    fulfilled: bool,
    /// Every fulfillment order came (a list cut short would let a write miss a location).
    complete: bool,
    fulfillment_orders: Vec<FulfillmentOrder>,
}

impl PulledState {
    fn of(node: &PulledNode, now: DateTime<Utc>) -> Option<PulledState> {
        let orders = node.fulfillment_orders.as_ref()?;
        Some(PulledState {
            pulled_at: now,
            name: Some(node.name.clone()),
            fulfilled: !node.fulfillments.is_empty(),
            complete: !orders.more(),
            fulfillment_orders: orders.nodes.clone(),
        })
    }

    fn remote_ref(&self) -> Option<String> {
        serde_json::to_string(&json!({ "shopify_pulled": self })).ok()
    }
}

/// The order as the pull saw it, when a write may go straight to `fulfillmentCreate`: pulled less
/// than a day ago, never fulfilled, and no attempt since that failed or whose outcome is unknown
/// (those read first, exactly as every write did before the pull kept this).
fn trusted_pull(order: &StoredOrder, now: DateTime<Utc>) -> Option<OrderState> {
    if order.remote.in_flight_since.is_some()
        || order.remote.last_failure.is_some()
        || order.remote.confirmed.is_some()
    {
        return None;
    }
    let recorded: Value = serde_json::from_str(order.remote.remote_ref.as_deref()?).ok()?;
    let pulled: PulledState =
        serde_json::from_value(recorded.get("shopify_pulled")?.clone()).ok()?;
    if pulled.fulfilled
        || !pulled.complete
        || now - pulled.pulled_at > PULLED_STATE_TRUSTED_FOR
        || now < pulled.pulled_at
    {
        return None;
    }
    Some(OrderState {
        id: order_gid(&order.order.remote_id),
        name: pulled.name.unwrap_or_else(|| order.order.number.clone()),
        cancelled_at: None,
        display_fulfillment_status: None,
        fulfillment_orders: Nodes {
            page_info: None,
            nodes: pulled.fulfillment_orders,
        },
        fulfillments: Vec::new(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OrdersPage {
    page_info: PageInfo,
    nodes: Vec<PulledNode>,
}

#[derive(Debug, Deserialize)]
struct OrdersData {
    orders: OrdersPage,
}

/// When the order was paid: the first successful sale or capture.
fn paid_at(node: &PulledNode) -> Option<DateTime<Utc>> {
    node.transactions
        .iter()
        .filter(|t| t.status == "SUCCESS" && matches!(t.kind.as_str(), "SALE" | "CAPTURE"))
        .filter_map(|t| t.processed_at)
        .min()
}

/// Shopify ids are GIDs; an order file may carry the numeric legacy id instead.
pub fn order_gid(remote_id: &str) -> String {
    if remote_id.bytes().all(|b| b.is_ascii_digit()) {
        format!("gid://shopify/Order/{remote_id}")
    } else {
        remote_id.to_owned()
    }
}

fn failure(kind: FailureKind, message: String, exchanges: &[Exchange]) -> WriteFailure {
    WriteFailure::new(kind, message, exchanges, None)
}

fn from_client(e: &ShopifyError, exchanges: &[Exchange]) -> WriteFailure {
    let kind = if e.outcome_unknown() {
        FailureKind::Unknown
    } else {
        FailureKind::Refused
    };
    WriteFailure::new(kind, e.to_string(), exchanges, e.down())
}

/// The report of a write Shopify accepted.
fn written(
    outcome: WriteOutcome,
    held: ShippingWrite,
    fulfillment_ids: Vec<String>,
    notify: bool,
    exchanges: Vec<Exchange>,
) -> WriteReport {
    WriteReport {
        outcome,
        held,
        remote_ref: Some(json!({ "fulfillments": fulfillment_ids }).to_string()),
        exchanges,
        warnings: Vec::new(),
        // Shopify mails the customer when a create asked it to.
        mail_sent: notify && outcome == WriteOutcome::Fulfilled,
        mail_uncertain: false,
        mail_refused: None,
    }
}

fn user_errors(errors: &[UserError]) -> String {
    errors
        .iter()
        .map(|e| e.message.clone())
        .collect::<Vec<_>>()
        .join("; ")
}

impl Connector for ShopifyConnector {
    fn store(&self) -> Store {
        self.store
    }

    fn preview(&self, order: &StoredOrder, wanted: &ShippingWrite) -> String {
        json!({
            "order": order_gid(&order.order.remote_id),
            "read": if trusted_pull(order, Utc::now()).is_some() {
                "none: the fulfillment orders kept by the pull (OrderFulfillmentState if Shopify refuses)"
            } else {
                "OrderFulfillmentState"
            },
            "then": "fulfillmentCreate per location, or fulfillmentTrackingInfoUpdate of a fulfillment with other tracking",
            "trackingInfo": tracking_input(wanted, &self.urls),
            "notifyCustomer": self.notify_customer && order.remote.mail_sent_at.is_none(),
        })
        .to_string()
    }

    fn planned(&self, order: &StoredOrder, wanted: &ShippingWrite) -> PlannedWrite {
        let input = tracking_input(wanted, &self.urls);
        PlannedWrite {
            numbers: input
                .as_ref()
                .map(|i| i.numbers.clone())
                .unwrap_or_default(),
            company: input.and_then(|i| i.company),
            marks_shipped: true,
            // Only a new fulfillment notifies (a tracking update is sent with notifyCustomer
            // false), and never twice.
            notifies: self.notify_customer
                && order.remote.mail_sent_at.is_none()
                && order.remote.confirmed.is_none(),
        }
    }

    async fn pull(&self, since: DateTime<Utc>) -> Result<Vec<PulledOrder>, StoreError> {
        let query = format!(
            "updated_at:>='{}'",
            since.to_rfc3339_opts(SecondsFormat::Secs, true)
        );
        let mut seen: HashMap<String, PulledOrder> = HashMap::new();
        let mut order: Vec<String> = Vec::new();
        let mut after: Option<String> = None;
        let pulled_at = Utc::now();
        loop {
            let variables = json!({ "first": PULL_PAGE, "after": after, "query": query });
            let (data, _): (OrdersData, _) = self
                .client
                .execute(documents::RECENT_ORDERS, variables, Call::Read)
                .await
                .map_err(|e| e.to_store_error())?;
            for node in &data.orders.nodes {
                let pulled = PulledOrder {
                    store: self.store,
                    remote_id: node.id.clone(),
                    number: node.name.clone(),
                    ordered_at: node.created_at,
                    cancelled: node.cancelled_at.is_some(),
                    paid_at: paid_at(node),
                    remote_ref: PulledState::of(node, pulled_at).and_then(|p| p.remote_ref()),
                };
                // An order changed during the pull may come twice: keep the later sight.
                if seen.insert(node.id.clone(), pulled).is_none() {
                    order.push(node.id.clone());
                }
            }
            crate::channels::pull_page_read(seen.len() as u64)?;
            match (
                data.orders.page_info.has_next_page,
                data.orders.page_info.end_cursor,
            ) {
                (true, Some(cursor)) => after = Some(cursor),
                _ => break,
            }
        }
        Ok(order
            .into_iter()
            .filter_map(|id| seen.remove(&id))
            .collect())
    }

    async fn read_held(
        &self,
        order: &StoredOrder,
    ) -> Result<Option<ShippingWrite>, crate::domain::Problem> {
        let gid = order_gid(&order.order.remote_id);
        let state = self
            .read(&gid, &mut Vec::new())
            .await
            .map_err(|f| crate::domain::Problem::new(f.cause, f.message))?;
        Ok(latest_held(&state))
    }

    /// `nodes(ids:)` pages sized to the bucket (8 orders at most, the query's cost): each
    /// order's latest successful fulfillment with its tracking, and whether it was cancelled.
    async fn read_back(
        &self,
        orders: &[&StoredOrder],
    ) -> Result<Vec<(i64, crate::domain::drift::StoreReading)>, crate::domain::Problem> {
        let mut out = Vec::new();
        let mut rest = orders;
        while !rest.is_empty() {
            let per_request = nodes_per_request(self.client.bucket_size()).max(1);
            let (batch, later) = rest.split_at(per_request.min(rest.len()));
            rest = later;
            let ids: Vec<String> = batch
                .iter()
                .map(|o| order_gid(&o.order.remote_id))
                .collect();
            let (data, _) = self
                .client
                .execute::<NodesData>(
                    documents::ORDERS_FULFILLMENT_STATE,
                    json!({ "ids": ids }),
                    Call::Read,
                )
                .await
                .map_err(|e| crate::domain::Problem::from(e.to_store_error()))?;
            for state in data.nodes.into_iter().flatten() {
                let Some(order) = batch
                    .iter()
                    .find(|o| order_gid(&o.order.remote_id) == state.id)
                else {
                    continue;
                };
                let held = latest_held(&state);
                out.push((
                    order.id,
                    crate::domain::drift::StoreReading {
                        held,
                        cancelled: state.cancelled_at.is_some(),
                        status: state.display_fulfillment_status.clone().unwrap_or_default(),
                    },
                ));
            }
        }
        Ok(out)
    }

    /// Reads at once (`nodes(ids:)`, as many as the bucket allows, 8 at most) the orders whose
    /// writes would read first: never pulled, pulled long ago, or after a failed or uncertain
    /// attempt. An order the answer lacks, or a request that fails, is read by its own write.
    async fn prefetch(&self, orders: &[&StoredOrder]) {
        self.read_ahead.clear();
        let now = Utc::now();
        let reading: Vec<String> = orders
            .iter()
            .filter(|o| trusted_pull(o, now).is_none())
            .map(|o| order_gid(&o.order.remote_id))
            .collect();
        let mut rest = reading.as_slice();
        while rest.len() >= 2 {
            // As many as the bucket holds (two until Shopify has told its size); one order
            // alone is read by its own write, the same request at the same cost.
            let per_request = nodes_per_request(self.client.bucket_size());
            if per_request < 2 {
                return;
            }
            let (ids, later) = rest.split_at(per_request.min(rest.len()));
            rest = later;
            if ids.len() < 2 {
                continue;
            }
            let (data, exchange) = match self
                .client
                .execute::<NodesData>(
                    documents::ORDERS_FULFILLMENT_STATE,
                    json!({ "ids": ids }),
                    Call::Read,
                )
                .await
            {
                Ok(answer) => answer,
                // A refused token or a silent store: the writes say so, one is enough.
                Err(e) if e.down().is_some() => return,
                Err(_) => continue,
            };
            for state in data.nodes.into_iter().flatten() {
                let Some(order) = orders
                    .iter()
                    .find(|o| order_gid(&o.order.remote_id) == state.id)
                else {
                    continue;
                };
                let response = json!({ "order": &state }).to_string();
                let request = exchange.request.clone();
                self.read_ahead.keep(
                    state.id.clone(),
                    order,
                    state,
                    Exchange { request, response },
                );
            }
        }
    }

    async fn write(
        &self,
        order: &StoredOrder,
        wanted: &ShippingWrite,
    ) -> Result<WriteReport, WriteFailure> {
        let Some(input) = tracking_input(wanted, &self.urls) else {
            return Err(failure(
                FailureKind::Refused,
                "not a Shopify write".into(),
                &[],
            ));
        };
        let gid = order_gid(&order.order.remote_id);
        let mut exchanges = Vec::new();
        // Straight to the create when the pull's fulfillment orders can be trusted; any refusal
        // (closed, moved, on hold since the pull) is answered by the read below.
        if let Some(pulled) = trusted_pull(order, Utc::now())
            && let WritePlan::Send(steps) = plan(&pulled, &input)
            && steps.iter().all(|s| matches!(s, Step::Create { .. }))
        {
            let notify = self.notify_customer && order.remote.mail_sent_at.is_none();
            if let Some((outcome, held, ids)) = self
                .send(
                    (&gid, &pulled.name),
                    &steps,
                    &input,
                    notify,
                    true,
                    &mut exchanges,
                )
                .await?
            {
                return Ok(written(outcome, held, ids, notify, exchanges));
            }
        }
        // Read ahead with other orders, when nothing was attempted since (first round only).
        let mut read_ahead = self.read_ahead.take(&gid, order);
        // Two rounds at most: a create refused as "closed" is answered by reading again.
        for _ in 0..2 {
            let state = match read_ahead.take() {
                Some((state, exchange)) => {
                    exchanges.push(exchange);
                    state
                }
                None => self.read(&gid, &mut exchanges).await?,
            };
            let steps = match plan(&state, &input) {
                WritePlan::AlreadyHeld(held) => {
                    return Ok(WriteReport {
                        outcome: WriteOutcome::AlreadySynced,
                        held,
                        remote_ref: None,
                        exchanges,
                        warnings: Vec::new(),
                        mail_sent: false,
                        mail_uncertain: false,
                        mail_refused: None,
                    });
                }
                WritePlan::Refuse(cause, reason) => {
                    return Err(WriteFailure::refused(cause, reason, &exchanges));
                }
                WritePlan::Send(steps) => steps,
            };
            let first_fulfillment = !state.fulfillments.iter().any(|f| f.status == "SUCCESS");
            let notify =
                self.notify_customer && first_fulfillment && order.remote.mail_sent_at.is_none();
            if let Some((outcome, held, ids)) = self
                .send(
                    (&gid, &state.name),
                    &steps,
                    &input,
                    notify,
                    false,
                    &mut exchanges,
                )
                .await?
            {
                return Ok(written(outcome, held, ids, notify, exchanges));
            }
        }
        Err(WriteFailure::refused(
            Cause::Closed,
            "Shopify keeps refusing the fulfillment orders as closed".into(),
            &exchanges,
        ))
    }
}

/// What the customer's order shows: its latest fulfillment that went through, if any.
fn latest_held(state: &OrderState) -> Option<ShippingWrite> {
    state
        .fulfillments
        .iter()
        .rev()
        .find(|f| f.status == "SUCCESS")
        .map(held_by)
}

/// How many orders one `nodes(ids:)` read takes: as many as the bucket holds (two until
/// Shopify has told its size), 8 at most.
fn nodes_per_request(bucket_size: Option<f64>) -> usize {
    bucket_size.map_or(2, |size| {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let fit = (size.min(QUERY_MAX) / READ_POINTS) as usize;
        fit.min(READ_AHEAD_MAX)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_ids_become_gids() {
        assert_eq!(order_gid("6100000001"), "gid://shopify/Order/6100000001");
        assert_eq!(order_gid("gid://shopify/Order/1"), "gid://shopify/Order/1");
    }
}
