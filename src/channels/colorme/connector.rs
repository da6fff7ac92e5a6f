//! カラーミー as a [`Connector`]: read the sale, decide with [`plan`], send one PUT with the
//! deliveries to change (its answer is the truth, not a GET right after), then the 商品発送 mail
//! at most once.

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::json;

use super::client::{ColormeClient, ColormeError, Repeat};
use super::model::SaleEnvelope;
use super::plan::{held, plan, should_send_mail};
use crate::db::{PulledOrder, StoredOrder};
use crate::domain::{Channel, ShippingWrite};
use crate::sync::{Connector, Exchange, FailureKind, WriteFailure, WriteOutcome, WriteReport};

pub struct ColormeConnector {
    client: ColormeClient,
    /// Send カラーミー's 商品発送 mail once the sale is marked (config, default off).
    send_shipping_mail: bool,
}

fn failure(e: &ColormeError, exchanges: &[Exchange]) -> WriteFailure {
    WriteFailure {
        kind: if matches!(e, ColormeError::Unknown(_)) {
            FailureKind::Unknown
        } else {
            FailureKind::Refused
        },
        message: e.to_string(),
        exchanges: exchanges.to_vec(),
    }
}

impl ColormeConnector {
    pub fn new(client: ColormeClient, send_shipping_mail: bool) -> ColormeConnector {
        ColormeConnector {
            client,
            send_shipping_mail,
        }
    }

    fn sale_path(order: &StoredOrder) -> String {
        format!("/v1/sales/{}", order.order.remote_id.trim())
    }
}

impl Connector for ColormeConnector {
    fn channel(&self) -> Channel {
        Channel::Colorme
    }

    fn preview(&self, order: &StoredOrder, wanted: &ShippingWrite) -> String {
        json!({
            "read": format!("GET {}", Self::sale_path(order)),
            "then": format!("PUT {} with the deliveries whose slip or 配送済み differ", Self::sale_path(order)),
            "write": wanted,
            "mail": self.send_shipping_mail && order.remote.mail_sent_at.is_none(),
        })
        .to_string()
    }

    async fn pull(&self, _since: DateTime<Utc>) -> Result<Vec<PulledOrder>, String> {
        Err("pulling from カラーミーショップ is not available in this version yet".into())
    }

    async fn write(
        &self,
        order: &StoredOrder,
        wanted: &ShippingWrite,
    ) -> Result<WriteReport, WriteFailure> {
        let path = Self::sale_path(order);
        let mut exchanges = Vec::new();
        let (read, exchange): (SaleEnvelope, _) = self
            .client
            .send(Method::GET, &path, &[], None, Repeat::Safe)
            .await
            .map_err(|e| failure(&e, &exchanges))?;
        exchanges.push(exchange);
        if read.sale.sale_deliveries.is_empty() {
            return Err(WriteFailure {
                kind: FailureKind::Refused,
                message: format!(
                    "sale {} has no お届け先 to write a slip number to",
                    read.sale.id
                ),
                exchanges,
            });
        }
        let planned = plan(&read.sale, wanted);
        let mut sale = read.sale;
        let mut outcome = WriteOutcome::AlreadySynced;
        if !planned.updates.is_empty() {
            let body = json!({ "sale": { "sale_deliveries": planned.updates } });
            let (answer, exchange): (SaleEnvelope, _) = self
                .client
                .send(Method::PUT, &path, &[], Some(&body), Repeat::Safe)
                .await
                .map_err(|e| failure(&e, &exchanges))?;
            exchanges.push(exchange);
            sale = answer.sale;
            if !plan(&sale, wanted).updates.is_empty() {
                return Err(WriteFailure {
                    kind: FailureKind::Refused,
                    message:
                        "カラーミー answered the update but does not hold the slip numbers sent"
                            .into(),
                    exchanges,
                });
            }
            let marked = matches!(
                wanted,
                ShippingWrite::Colorme {
                    delivered: true,
                    ..
                }
            );
            outcome = if marked {
                WriteOutcome::Delivered
            } else {
                WriteOutcome::SlipUpdated
            };
        }
        let mut warnings = planned.warnings;
        let mut mail_sent = false;
        if should_send_mail(
            self.send_shipping_mail,
            &sale,
            order.remote.mail_sent_at.is_some(),
        ) {
            let body = json!({ "mail": { "type": "delivered" } });
            let sent = self
                .client
                .send::<serde_json::Value>(
                    Method::POST,
                    &format!("{path}/mails"),
                    &[],
                    Some(&body),
                    Repeat::Never,
                )
                .await;
            match sent {
                Ok((_, exchange)) => {
                    exchanges.push(exchange);
                    mail_sent = true;
                }
                // Perhaps sent: recorded as sent, so it is never sent twice.
                Err(e @ ColormeError::Unknown(_)) => {
                    warnings.push(format!("the 商品発送 mail may not have gone out: {e}"));
                    mail_sent = true;
                }
                Err(e) => warnings.push(format!("the 商品発送 mail was not sent: {e}")),
            }
        }
        Ok(WriteReport {
            outcome,
            held: held(&sale, wanted),
            remote_ref: Some(
                json!({ "sale_deliveries": sale.sale_deliveries.iter().map(|d| d.id).collect::<Vec<_>>() })
                    .to_string(),
            ),
            exchanges,
            warnings,
            mail_sent,
        })
    }
}
