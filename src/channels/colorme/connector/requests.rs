//! The connector's own requests: a sale read, then the one PUT it needs (or the PUT alone to
//! the お届け先 a pull recorded), each answer checked against the sale asked.

use super::*;

impl ColormeConnector {
    pub fn new(client: ColormeClient, send_shipping_mail: bool) -> ColormeConnector {
        ColormeConnector {
            client,
            send_shipping_mail,
            read_ahead: ReadAhead::default(),
            store: Store::COLORME,
        }
    }

    /// The connector of `store` (a カラーミー store of the configuration; `colorme` by default).
    pub fn for_store(mut self, store: Store) -> ColormeConnector {
        self.store = store;
        self
    }

    pub(super) fn sale_path(order: &StoredOrder) -> String {
        format!("/v1/sales/{}", order.order.remote_id.trim())
    }

    /// Reads the sale, then sends one PUT with the お届け先 that change (none when the sale
    /// already holds the write): what every write did before the pull kept the delivery ids, and
    /// what a write does after an uncertain attempt.
    pub(super) async fn read_then_put(
        &self,
        path: &str,
        wanted: &ShippingWrite,
        exchanges: &mut Vec<Exchange>,
    ) -> Result<(Sale, WriteOutcome, Vec<String>), WriteFailure> {
        let (read, exchange): (SaleEnvelope, _) = self
            .client
            .send(Method::GET, path, &[], None, Repeat::Safe)
            .await
            .map_err(|e| failure(&e, exchanges))?;
        exchanges.push(exchange);
        about_the_sale(path, &read.sale, false, exchanges)?;
        self.plan_and_put(path, wanted, read, exchanges).await
    }

    /// Plans the write from a read of the sale and sends the one PUT it needs (none when the
    /// sale already holds it).
    pub(super) async fn plan_and_put(
        &self,
        path: &str,
        wanted: &ShippingWrite,
        read: SaleEnvelope,
        exchanges: &mut Vec<Exchange>,
    ) -> Result<(Sale, WriteOutcome, Vec<String>), WriteFailure> {
        if read.sale.sale_deliveries.is_empty() {
            return Err(WriteFailure::new(
                FailureKind::Refused,
                format!(
                    "sale {} has no お届け先 to write a slip number to",
                    read.sale.id
                ),
                exchanges,
                None,
            ));
        }
        let planned = plan(&read.sale, wanted);
        // 配送済み before this write: a new slip on such a sale is `slip_updated` (SPEC §3).
        let was_delivered = read.sale.sale_deliveries.iter().all(|d| d.delivered);
        if planned.updates.is_empty() {
            return Ok((read.sale, WriteOutcome::AlreadySynced, planned.warnings));
        }
        let sale = self.put(path, wanted, &planned, exchanges).await?;
        Ok((sale, written(wanted, was_delivered), planned.warnings))
    }

    /// The write as one PUT to the お届け先 the pull recorded, its answer the confirmation.
    /// `None` when the store's sale turns out to differ (a delivery added or gone): the caller
    /// reads it and writes again, which is safe (a PUT of the same values changes nothing).
    pub(super) async fn put_only(
        &self,
        path: &str,
        order: &StoredOrder,
        wanted: &ShippingWrite,
        ids: &[i64],
        exchanges: &mut Vec<Exchange>,
    ) -> Result<PutOnly, WriteFailure> {
        let recorded = Sale {
            id: 0,
            make_date: None,
            update_date: None,
            paid: false,
            delivered: false,
            canceled: false,
            delivered_mail_state: None,
            sale_deliveries: ids
                .iter()
                .map(|id| SaleDelivery {
                    id: *id,
                    slip_number: None,
                    delivered: false,
                    tracking_url: None,
                })
                .collect(),
        };
        let planned = plan(&recorded, wanted);
        if planned.updates.is_empty() {
            return Ok(PutOnly::NotSent);
        }
        let body = json!({ "sale": { "sale_deliveries": planned.updates } });
        let (answer, exchange): (SaleEnvelope, _) = match self
            .client
            .send(Method::PUT, path, &[], Some(&body), Repeat::Safe)
            .await
        {
            Ok(answered) => answered,
            // A delivery id the sale no longer has, say: read it and write again.
            Err(ColormeError::Refused(_)) => return Ok(PutOnly::NotSent),
            Err(e) => return Err(failure(&e, exchanges)),
        };
        exchanges.push(exchange);
        about_the_sale(path, &answer.sale, true, exchanges)?;
        let ids_now: Vec<i64> = {
            let mut ids: Vec<i64> = answer.sale.sale_deliveries.iter().map(|d| d.id).collect();
            ids.sort_unstable();
            ids
        };
        // What hassou last confirmed says whether it was 配送済み before.
        let was_delivered = matches!(
            order.remote.confirmed,
            Some(ShippingWrite::Colorme {
                delivered: true,
                ..
            })
        );
        let outcome = written(wanted, was_delivered);
        if ids_now != ids || !plan(&answer.sale, wanted).updates.is_empty() {
            return Ok(PutOnly::Differs(outcome));
        }
        Ok(PutOnly::Done(answer.sale, outcome, planned.warnings))
    }

    /// Sends the planned PUT; its answer must hold what was sent.
    pub(super) async fn put(
        &self,
        path: &str,
        wanted: &ShippingWrite,
        planned: &ColormePlan,
        exchanges: &mut Vec<Exchange>,
    ) -> Result<Sale, WriteFailure> {
        let body = json!({ "sale": { "sale_deliveries": planned.updates } });
        let (answer, exchange): (SaleEnvelope, _) = self
            .client
            .send(Method::PUT, path, &[], Some(&body), Repeat::Safe)
            .await
            .map_err(|e| failure(&e, exchanges))?;
        exchanges.push(exchange);
        about_the_sale(path, &answer.sale, true, exchanges)?;
        if !plan(&answer.sale, wanted).updates.is_empty() {
            return Err(WriteFailure::new(
                FailureKind::Refused,
                "カラーミー answered the update but does not hold the slip numbers sent".into(),
                exchanges,
                None,
            ));
        }
        Ok(answer.sale)
    }
}
