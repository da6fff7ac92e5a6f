//! Shopify as a [`Connector`]: read the order's fulfillment state, decide with [`plan`], send
//! the mutations, and report what Shopify holds afterwards (read from its answers).

use serde::Deserialize;
use serde_json::{Value, json};

use super::carriers::UrlTemplates;
use super::client::{Call, ShopifyClient, ShopifyError};
use super::documents;
use super::model::{Fulfillment, OrderState, TrackingInput, UserError};
use super::plan::{Step, WritePlan, held_by, plan, tracking_input};
use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::db::{PulledOrder, StoredOrder};
use crate::domain::{Channel, ShippingWrite};
use crate::sync::{
    Connector, Exchange, FailureKind, PlannedWrite, StoreError, WriteFailure, WriteOutcome,
    WriteReport,
};

pub struct ShopifyConnector {
    client: ShopifyClient,
    /// Let Shopify e-mail the customer on the first fulfillment of an order (never on updates,
    /// never twice).
    notify_customer: bool,
    urls: UrlTemplates,
}

#[derive(Debug, Deserialize)]
struct OrderData {
    order: Option<OrderState>,
}

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
    WriteFailure {
        down: None,
        kind,
        message,
        exchanges: exchanges.to_vec(),
    }
}

fn from_client(e: &ShopifyError, exchanges: &[Exchange]) -> WriteFailure {
    let kind = if e.outcome_unknown() {
        FailureKind::Unknown
    } else {
        FailureKind::Refused
    };
    WriteFailure {
        down: e.down(),
        ..failure(kind, e.to_string(), exchanges)
    }
}

fn user_errors(errors: &[UserError]) -> String {
    errors
        .iter()
        .map(|e| e.message.clone())
        .collect::<Vec<_>>()
        .join("; ")
}

impl ShopifyConnector {
    pub fn new(client: ShopifyClient, notify_customer: bool) -> ShopifyConnector {
        ShopifyConnector {
            client,
            notify_customer,
            urls: UrlTemplates::default(),
        }
    }

    /// Uses these tracking-page templates (from `[shopify.tracking_urls]`).
    pub fn with_tracking_urls(mut self, urls: UrlTemplates) -> ShopifyConnector {
        self.urls = urls;
        self
    }

    async fn read(
        &self,
        gid: &str,
        exchanges: &mut Vec<Exchange>,
    ) -> Result<OrderState, WriteFailure> {
        let (data, exchange): (OrderData, _) = self
            .client
            .execute(
                documents::ORDER_FULFILLMENT_STATE,
                json!({ "id": gid }),
                Call::Read,
            )
            .await
            .map_err(|e| from_client(&e, exchanges))?;
        exchanges.push(exchange);
        data.order.ok_or_else(|| {
            failure(
                FailureKind::Refused,
                format!("Shopify has no order {gid} (or the token cannot read it)"),
                exchanges,
            )
        })
    }

    fn create_variables(ids: &[String], input: &TrackingInput, notify: bool) -> Value {
        json!({
            "fulfillment": {
                "notifyCustomer": notify,
                "trackingInfo": input,
                "lineItemsByFulfillmentOrder": ids
                    .iter()
                    .map(|id| json!({ "fulfillmentOrderId": id }))
                    .collect::<Vec<_>>(),
            }
        })
    }

    /// Sends the steps of a plan. `Ok(None)` asks for a fresh read and a new plan (Shopify said a
    /// fulfillment order is closed: perhaps our own earlier write).
    async fn send(
        &self,
        steps: &[Step],
        input: &TrackingInput,
        mut notify: bool,
        exchanges: &mut Vec<Exchange>,
    ) -> Result<Option<(WriteOutcome, ShippingWrite, Vec<String>)>, WriteFailure> {
        let mut created = false;
        let mut held = None;
        let mut ids = Vec::new();
        for step in steps {
            let payload = match step {
                Step::Create {
                    fulfillment_order_ids,
                    ..
                } => {
                    let variables = Self::create_variables(fulfillment_order_ids, input, notify);
                    let (data, exchange): (CreateData, _) = self
                        .client
                        .execute(documents::FULFILLMENT_CREATE, variables, Call::Mutation)
                        .await
                        .map_err(|e| from_client(&e, exchanges))?;
                    exchanges.push(exchange);
                    // Only the first fulfillment of an order may notify the customer.
                    notify = false;
                    created = true;
                    data.fulfillment_create
                }
                Step::Update { fulfillment_id } => {
                    let variables = json!({
                        "fulfillmentId": fulfillment_id,
                        "trackingInfoInput": input,
                        "notifyCustomer": false,
                    });
                    let (data, exchange): (UpdateData, _) = self
                        .client
                        .execute(
                            documents::FULFILLMENT_TRACKING_INFO_UPDATE,
                            variables,
                            Call::Mutation,
                        )
                        .await
                        .map_err(|e| from_client(&e, exchanges))?;
                    exchanges.push(exchange);
                    data.fulfillment_tracking_info_update
                }
            };
            let Some(payload) = payload else {
                return Err(failure(
                    FailureKind::Unknown,
                    "Shopify answered without a payload".into(),
                    exchanges,
                ));
            };
            if !payload.user_errors.is_empty() {
                let message = user_errors(&payload.user_errors);
                if message.contains("unfulfillable status") {
                    return Ok(None);
                }
                return Err(failure(
                    FailureKind::Refused,
                    format!("Shopify refused: {message}"),
                    exchanges,
                ));
            }
            if let Some(f) = payload.fulfillment {
                ids.push(f.id.clone());
                held = Some(held_by(&f));
            }
        }
        let outcome = if created {
            WriteOutcome::Fulfilled
        } else {
            WriteOutcome::TrackingUpdated
        };
        let held = held.ok_or_else(|| {
            failure(
                FailureKind::Unknown,
                "Shopify returned no fulfillment".into(),
                exchanges,
            )
        })?;
        Ok(Some((outcome, held, ids)))
    }
}

impl Connector for ShopifyConnector {
    fn channel(&self) -> Channel {
        Channel::Shopify
    }

    fn preview(&self, order: &StoredOrder, wanted: &ShippingWrite) -> String {
        json!({
            "order": order_gid(&order.order.remote_id),
            "read": "OrderFulfillmentState",
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
        loop {
            let variables = json!({ "first": 50, "after": after, "query": query });
            let (data, _): (OrdersData, _) = self
                .client
                .execute(documents::RECENT_ORDERS, variables, Call::Read)
                .await
                .map_err(|e| e.to_store_error())?;
            for node in &data.orders.nodes {
                let pulled = PulledOrder {
                    channel: Channel::Shopify,
                    remote_id: node.id.clone(),
                    number: node.name.clone(),
                    ordered_at: node.created_at,
                    cancelled: node.cancelled_at.is_some(),
                    paid_at: paid_at(node),
                    remote_ref: None,
                };
                // An order changed during the pull may come twice: keep the later sight.
                if seen.insert(node.id.clone(), pulled).is_none() {
                    order.push(node.id.clone());
                }
            }
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

    async fn read_held(&self, order: &StoredOrder) -> Result<Option<ShippingWrite>, String> {
        let gid = order_gid(&order.order.remote_id);
        let state = self
            .read(&gid, &mut Vec::new())
            .await
            .map_err(|f| f.message)?;
        // The latest fulfillment that went through is what the customer's order shows.
        Ok(state
            .fulfillments
            .iter()
            .rev()
            .find(|f| f.status == "SUCCESS")
            .map(held_by))
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
        // Two rounds at most: a create refused as "closed" is answered by reading again.
        for _ in 0..2 {
            let state = self.read(&gid, &mut exchanges).await?;
            let steps = match plan(&state, &input) {
                WritePlan::AlreadyHeld(held) => {
                    return Ok(WriteReport {
                        outcome: WriteOutcome::AlreadySynced,
                        held,
                        remote_ref: None,
                        exchanges,
                        warnings: Vec::new(),
                        mail_sent: false,
                        mail_refused: None,
                    });
                }
                WritePlan::Refuse(reason) => {
                    return Err(failure(FailureKind::Refused, reason, &exchanges));
                }
                WritePlan::Send(steps) => steps,
            };
            let first_fulfillment = !state.fulfillments.iter().any(|f| f.status == "SUCCESS");
            let notify =
                self.notify_customer && first_fulfillment && order.remote.mail_sent_at.is_none();
            if let Some((outcome, held, ids)) =
                self.send(&steps, &input, notify, &mut exchanges).await?
            {
                return Ok(WriteReport {
                    outcome,
                    held,
                    remote_ref: Some(json!({ "fulfillments": ids }).to_string()),
                    exchanges,
                    warnings: Vec::new(),
                    // Shopify mails the customer when a create asked it to.
                    mail_sent: notify && outcome == WriteOutcome::Fulfilled,
                    mail_refused: None,
                });
            }
        }
        Err(failure(
            FailureKind::Refused,
            "Shopify keeps refusing the fulfillment orders as closed".into(),
            &exchanges,
        ))
    }
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
