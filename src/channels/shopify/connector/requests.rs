//! The connector's own requests: one order read (its answer checked against the question) and
//! the mutations of a plan sent in turn (each answer checked against the order written).

use super::*;

impl ShopifyConnector {
    pub fn new(client: ShopifyClient, notify_customer: bool) -> ShopifyConnector {
        ShopifyConnector {
            read_ahead: ReadAhead::default(),
            client,
            notify_customer,
            urls: UrlTemplates::default(),
            store: Store::SHOPIFY,
        }
    }

    /// The connector of `store` (a Shopify store of the configuration; `shopify` by default).
    pub fn for_store(mut self, store: Store) -> ShopifyConnector {
        self.store = store;
        self
    }

    /// Uses these tracking-page templates (from `[shopify.tracking_urls]`).
    pub fn with_tracking_urls(mut self, urls: UrlTemplates) -> ShopifyConnector {
        self.urls = urls;
        self
    }

    pub(super) async fn read(
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
        let state = data.order.ok_or_else(|| {
            failure(
                FailureKind::Refused,
                format!("Shopify has no order {gid} (or the token cannot read it)"),
                exchanges,
            )
        })?;
        // An answer about another order is never planned from (issue 23: it fulfilled and
        // notified that order with this one's tracking).
        if state.id != gid {
            return Err(failure(
                FailureKind::Refused,
                format!(
                    "Shopify answered the read of {gid} with order {} ({}): nothing was \
                     written; the next run reads it again",
                    state.name, state.id
                ),
                exchanges,
            ));
        }
        Ok(state)
    }

    pub(super) fn create_variables(ids: &[String], input: &TrackingInput, notify: bool) -> Value {
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

    /// Sends the steps of a plan. `Ok(None)` asks for a fresh read and a new plan: Shopify said a
    /// fulfillment order is closed (perhaps our own earlier write), or — for a plan made from a
    /// pull (`from_pull`) — refused it in any way that changed nothing.
    /// `order`: its GID and its name at Shopify (which a write's answer must name).
    pub(super) async fn send(
        &self,
        (gid, name): (&str, &str),
        steps: &[Step],
        input: &TrackingInput,
        mut notify: bool,
        from_pull: bool,
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
                    let sent = self
                        .client
                        .execute(documents::FULFILLMENT_CREATE, variables, Call::Mutation)
                        .await;
                    let (data, exchange): (CreateData, _) = match sent {
                        Err(ShopifyError::NotApplied(_)) if from_pull => return Ok(None),
                        other => other.map_err(|e| from_client(&e, exchanges))?,
                    };
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
                if from_pull || message.contains("unfulfillable status") {
                    return Ok(None);
                }
                return Err(failure(
                    FailureKind::Refused,
                    format!("Shopify refused: {message}"),
                    exchanges,
                ));
            }
            if let Some(f) = payload.fulfillment {
                // The answer must be about the order written: otherwise what the store did is
                // unknown, and the next attempt reads before anything else is sent.
                if !f.belongs_to(name) {
                    let about = f.name.as_deref().unwrap_or("no order");
                    return Err(failure(
                        FailureKind::Unknown,
                        format!(
                            "Shopify's answer to the write of {name} ({gid}) is about {about}: \
                             what it did is unknown, so the next run reads the order before sending"
                        ),
                        exchanges,
                    ));
                }
                // And it must say the fulfillment took: its status is selected to be checked
                // (Shopify has no state guard of its own on a tracking update).
                if f.status != "SUCCESS" {
                    return Err(failure(
                        FailureKind::Unknown,
                        format!(
                            "Shopify answered the write of {name} with a fulfillment {}: what \
                             it holds is unknown, so the next run reads the order before sending",
                            f.status
                        ),
                        exchanges,
                    ));
                }
                ids.push(f.id.clone());
                held = Some(held_as_sent(input));
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
