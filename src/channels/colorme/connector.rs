//! カラーミー as a [`Connector`]: one PUT to the お届け先 a pull recorded (its answer is the
//! confirmation), or — never pulled, or after a failed or uncertain attempt — read the sale
//! (read ahead with up to 99 others in one request when the run has several), decide with
//! [`plan`], send one PUT with the deliveries to change; then the 商品発送 mail at most once.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, Utc};
use reqwest::Method;
use serde_json::json;

use super::client::{ColormeClient, ColormeError, Repeat};
use super::model::{Sale, SaleDelivery, SaleEnvelope, SalesPage};

/// Sales per page: the API's maximum.
const PAGE: u64 = 100;
use super::plan::{ColormePlan, held, plan, should_send_mail};
use crate::domain::{PulledOrder, StoredOrder};
use crate::domain::{ShippingWrite, Store};
use crate::sync::read_ahead::ReadAhead;
use crate::sync::{
    Connector, Exchange, FailureKind, MailFailure, MailSent, PlannedWrite, StoreError,
    WriteFailure, WriteOutcome, WriteReport,
};

mod requests;

pub struct ColormeConnector {
    client: ColormeClient,
    /// Send カラーミー's 商品発送 mail once the sale is marked (config, default off).
    send_shipping_mail: bool,
    /// Sales read ahead ([`Connector::prefetch`]), by sale id.
    read_ahead: ReadAhead<Sale>,
    /// Whose sales these are: the store's name keys everything it reads and writes.
    store: Store,
}

/// Sales read ahead per request: the API's page maximum.
const READ_AHEAD_PAGE: usize = 100;

/// An answer must be about the sale asked for (issue 23): a read about another sale is never
/// planned from (nothing was sent: refused); a write's answer about another sale leaves what
/// the store did unknown, and the next attempt reads first.
fn about_the_sale(
    path: &str,
    sale: &Sale,
    after_a_write: bool,
    exchanges: &[Exchange],
) -> Result<(), WriteFailure> {
    let asked = path.rsplit('/').next().unwrap_or_default();
    if asked == sale.id.to_string() {
        return Ok(());
    }
    Err(WriteFailure::new(
        if after_a_write {
            FailureKind::Unknown
        } else {
            FailureKind::Refused
        },
        if after_a_write {
            format!(
                "カラーミー answered the update of sale {asked} with sale {}: what it did is \
                 unknown, so the next run reads the sale before sending",
                sale.id
            )
        } else {
            format!(
                "カラーミー answered the read of sale {asked} with sale {}: nothing was written; \
                 the next run reads it again",
                sale.id
            )
        },
        exchanges,
        None,
    ))
}

fn failure(e: &ColormeError, exchanges: &[Exchange]) -> WriteFailure {
    let kind = if matches!(e, ColormeError::Unknown(_)) {
        FailureKind::Unknown
    } else {
        FailureKind::Refused
    };
    WriteFailure::new(kind, e.to_string(), exchanges, e.down())
}

/// What came of a write sent straight to the recorded お届け先.
enum PutOnly {
    /// Written and confirmed by the answer.
    Done(Sale, WriteOutcome, Vec<String>),
    /// Nothing sent: read the sale first.
    NotSent,
    /// Sent, but the sale's お届け先 are not those recorded: read it and write the rest; the
    /// write's outcome is this one if nothing is left.
    Differs(WriteOutcome),
}

/// The お届け先 ids a pull or the last write recorded, when a write may go straight to them:
/// never after an attempt whose outcome is unknown or that failed (those read first).
fn known_deliveries(order: &StoredOrder) -> Option<Vec<i64>> {
    if order.remote.in_flight_since.is_some() || order.remote.last_failure.is_some() {
        return None;
    }
    let recorded: serde_json::Value =
        serde_json::from_str(order.remote.remote_ref.as_deref()?).ok()?;
    let mut ids: Vec<i64> = recorded["sale_deliveries"]
        .as_array()?
        .iter()
        .map(serde_json::Value::as_i64)
        .collect::<Option<_>>()?;
    ids.sort_unstable();
    (!ids.is_empty()).then_some(ids)
}

/// The outcome of a write that changed the sale (SPEC §3): `delivered` when it marked a sale
/// that was not 配送済み, else `slip_updated`.
fn written(wanted: &ShippingWrite, was_delivered: bool) -> WriteOutcome {
    let marks = matches!(
        wanted,
        ShippingWrite::Colorme {
            delivered: true,
            ..
        }
    );
    if marks && !was_delivered {
        WriteOutcome::Delivered
    } else {
        WriteOutcome::SlipUpdated
    }
}

/// The sale's お届け先 ids, kept with the order (`order N show`).
fn delivery_ref(sale: &Sale) -> String {
    let mut ids: Vec<i64> = sale.sale_deliveries.iter().map(|d| d.id).collect();
    ids.sort_unstable();
    json!({ "sale_deliveries": ids }).to_string()
}

impl Connector for ColormeConnector {
    fn store(&self) -> Store {
        self.store
    }

    fn preview(&self, order: &StoredOrder, wanted: &ShippingWrite) -> String {
        json!({
            "read": format!("GET {}", Self::sale_path(order)),
            "then": format!("PUT {} with the deliveries whose slip or 配送済み differ", Self::sale_path(order)),
            "write": wanted,
            "mail": self.send_shipping_mail
                && order.remote.mail_sent_at.is_none()
                && order.remote.mail_error.is_none(),
        })
        .to_string()
    }

    fn planned(&self, order: &StoredOrder, wanted: &ShippingWrite) -> PlannedWrite {
        let (numbers, delivered) = match wanted {
            ShippingWrite::Colorme { slips, delivered } => (slips.clone(), *delivered),
            ShippingWrite::Shopify { tracking, .. } => (tracking.clone(), false),
        };
        let already = matches!(
            &order.remote.confirmed,
            Some(ShippingWrite::Colorme {
                delivered: true,
                ..
            })
        );
        PlannedWrite {
            numbers,
            company: None,
            marks_shipped: delivered && !already,
            notifies: self.send_shipping_mail
                && delivered
                && order.remote.mail_sent_at.is_none()
                && order.remote.mail_error.is_none(),
        }
    }

    /// `GET /v1/sales` over an explicit window every time: the API silently falls back to the last
    /// 7 days, and answers 200 to parameters it did not understand, so the bounds are always sent
    /// and `meta` is checked against the paging asked for.
    async fn pull(&self, since: DateTime<Utc>) -> Result<Vec<PulledOrder>, StoreError> {
        let jst = FixedOffset::east_opt(9 * 3600).ok_or("no JST offset")?;
        let format = |t: DateTime<Utc>| {
            t.with_timezone(&jst)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        };
        let now = Utc::now();
        let mut seen: BTreeMap<i64, PulledOrder> = BTreeMap::new();
        let mut offset: u64 = 0;
        loop {
            let query = [
                ("make_date_min", "2000-01-01 00:00:00".to_owned()),
                ("make_date_max", format(now)),
                ("update_date_min", format(since)),
                ("update_date_max", format(now)),
                ("limit", PAGE.to_string()),
                ("offset", offset.to_string()),
            ];
            let (page, _): (SalesPage, _) = self
                .client
                .send(Method::GET, "/v1/sales", &query, None, Repeat::Safe)
                .await
                .map_err(|e| e.to_store_error())?;
            // A smaller page than asked is followed (older documentation says 50 at most); an
            // offset other than asked, or an empty or larger page size, means the parameters
            // were not understood.
            if page.meta.offset != offset || page.meta.limit == 0 || page.meta.limit > PAGE {
                return Err(StoreError::from(format!(
                    "カラーミー paged differently than asked (limit {} offset {}, asked {PAGE} and {offset}); nothing was recorded",
                    page.meta.limit, page.meta.offset
                )));
            }
            for sale in &page.sales {
                let ordered_at = sale
                    .make_date
                    .and_then(|s| DateTime::from_timestamp(s, 0))
                    .ok_or_else(|| format!("sale {} has no make_date", sale.id))?;
                seen.insert(
                    sale.id,
                    PulledOrder {
                        store: self.store,
                        remote_id: sale.id.to_string(),
                        number: sale.id.to_string(),
                        ordered_at,
                        cancelled: sale.canceled,
                        paid_at: None,
                        remote_ref: Some(delivery_ref(sale)),
                    },
                );
            }
            crate::channels::pull_page_read(seen.len() as u64)?;
            offset += page.meta.limit;
            if page.sales.is_empty() || offset >= page.meta.total {
                break;
            }
        }
        Ok(seen.into_values().collect())
    }

    async fn read_held(
        &self,
        order: &StoredOrder,
    ) -> Result<Option<ShippingWrite>, crate::domain::Problem> {
        let (read, _): (SaleEnvelope, _) = self
            .client
            .send(
                Method::GET,
                &Self::sale_path(order),
                &[],
                None,
                Repeat::Safe,
            )
            .await
            .map_err(|e| crate::domain::Problem::from(e.to_store_error()))?;
        Ok(held_of(&read.sale))
    }

    /// `GET /v1/sales?ids=…` pages of 100 with explicit 受注日 bounds: each sale's slips, whether
    /// it is 配送済み, and whether it was cancelled. Sales a page left out (a smaller page than
    /// asked) are asked again while the store keeps answering some of them.
    async fn read_back(
        &self,
        orders: &[&StoredOrder],
    ) -> Result<Vec<(i64, crate::domain::drift::StoreReading)>, crate::domain::Problem> {
        let mut out = Vec::new();
        for batch in orders.chunks(READ_AHEAD_PAGE) {
            let mut asking: Vec<&StoredOrder> = batch.to_vec();
            while !asking.is_empty() {
                let ids: Vec<&str> = asking.iter().map(|o| o.order.remote_id.trim()).collect();
                let (page, _) = self
                    .client
                    .send::<SalesPage>(
                        Method::GET,
                        "/v1/sales",
                        &sales_query(&ids),
                        None,
                        Repeat::Safe,
                    )
                    .await
                    .map_err(|e| crate::domain::Problem::from(e.to_store_error()))?;
                let before = asking.len();
                for sale in page.sales {
                    let id = sale.id.to_string();
                    // Only what was asked, each once.
                    let Some(at) = asking.iter().position(|o| o.order.remote_id.trim() == id)
                    else {
                        continue;
                    };
                    let order = asking.swap_remove(at);
                    let held = held_of(&sale);
                    // The API's own fields, as codes; `text::store_status` says them.
                    let status = match (
                        sale.canceled,
                        matches!(
                            &held,
                            Some(ShippingWrite::Colorme {
                                delivered: true,
                                ..
                            })
                        ),
                    ) {
                        (true, _) => "canceled",
                        (false, true) => "delivered",
                        (false, false) => "not_delivered",
                    };
                    out.push((
                        order.id,
                        crate::domain::drift::StoreReading {
                            held,
                            cancelled: sale.canceled,
                            status: status.to_owned(),
                        },
                    ));
                }
                if asking.len() == before {
                    // The store answers none of the rest: they are left out, not guessed.
                    break;
                }
            }
        }
        Ok(out)
    }

    /// Reads, 100 a request, the sales whose writes would read first (never pulled, or after a
    /// failed or uncertain attempt), with explicit 受注日 bounds (the list's default is the last
    /// 7 days). A sale the answer lacks, or a request that fails, is read by its own write.
    async fn prefetch(&self, orders: &[&StoredOrder]) {
        self.read_ahead.clear();
        let reading: Vec<&StoredOrder> = orders
            .iter()
            .copied()
            .filter(|o| known_deliveries(o).is_none())
            .collect();
        for batch in reading.chunks(READ_AHEAD_PAGE) {
            let ids: Vec<&str> = batch.iter().map(|o| o.order.remote_id.trim()).collect();
            if batch.len() < 2 {
                // One sale: its own GET is the same request.
                continue;
            }
            let (page, exchange) = match self
                .client
                .send::<SalesPage>(
                    Method::GET,
                    "/v1/sales",
                    &sales_query(&ids),
                    None,
                    Repeat::Safe,
                )
                .await
            {
                Ok(answer) => answer,
                // A refused token or a silent store: the writes say so, one is enough.
                Err(e) if e.down().is_some() => return,
                Err(_) => continue,
            };
            for sale in page.sales {
                let id = sale.id.to_string();
                let Some(order) = batch.iter().find(|o| o.order.remote_id.trim() == id) else {
                    continue;
                };
                let response = json!({ "sale": &sale }).to_string();
                let request = exchange.request.clone();
                self.read_ahead
                    .keep(id, order, sale, Exchange { request, response });
            }
        }
    }

    async fn write(
        &self,
        order: &StoredOrder,
        wanted: &ShippingWrite,
    ) -> Result<WriteReport, WriteFailure> {
        let path = Self::sale_path(order);
        let mut exchanges = Vec::new();
        // One PUT when the pull told the お届け先 and nothing is uncertain; else read first.
        let put_only = match known_deliveries(order) {
            Some(ids) => {
                self.put_only(&path, order, wanted, &ids, &mut exchanges)
                    .await?
            }
            None => PutOnly::NotSent,
        };
        let (sale, outcome, mut warnings) = match put_only {
            PutOnly::Done(sale, outcome, warnings) => (sale, outcome, warnings),
            PutOnly::NotSent => match self.read_ahead.take(order.order.remote_id.trim(), order) {
                Some((sale, exchange)) => {
                    exchanges.push(exchange);
                    self.plan_and_put(&path, wanted, SaleEnvelope { sale }, &mut exchanges)
                        .await?
                }
                None => self.read_then_put(&path, wanted, &mut exchanges).await?,
            },
            PutOnly::Differs(sent) => {
                // The PUT changed the sale; the read finds the rest (or nothing) to write.
                let (sale, outcome, warnings) =
                    self.read_then_put(&path, wanted, &mut exchanges).await?;
                let outcome = if outcome == WriteOutcome::AlreadySynced {
                    sent
                } else {
                    outcome
                };
                (sale, outcome, warnings)
            }
        };
        let mut mail_sent = false;
        let mut mail_uncertain = false;
        let mut mail_refused = None;
        if should_send_mail(
            self.send_shipping_mail,
            &sale,
            // Sent, perhaps sent, or refused once: the operator decides (`order N send-mail`).
            order.remote.mail_sent_at.is_some() || order.remote.mail_error.is_some(),
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
                // Perhaps sent: recorded as such, so it is never sent twice.
                Err(e @ ColormeError::Unknown(_)) => {
                    warnings.push(format!("the 商品発送 mail may have gone out: {e}"));
                    mail_sent = true;
                    mail_uncertain = true;
                }
                Err(ColormeError::Declined { message, exchange }) => {
                    exchanges.push(exchange);
                    warnings.push(format!(
                        "the 商品発送 mail was refused, not sent: {message}"
                    ));
                    mail_refused = Some(message);
                }
                Err(e) => {
                    warnings.push(format!("the 商品発送 mail was not sent: {e}"));
                    mail_refused = Some(e.to_string());
                }
            }
        }
        Ok(WriteReport {
            outcome,
            held: held(&sale, wanted),
            remote_ref: Some(delivery_ref(&sale)),
            exchanges,
            warnings,
            mail_sent,
            mail_uncertain,
            mail_refused,
        })
    }

    async fn send_mail(&self, order: &StoredOrder) -> Result<MailSent, MailFailure> {
        let path = Self::sale_path(order);
        // What the store says first (issue 23): a mail it sent — perhaps on an answer hassou
        // could not read — is never sent again.
        let (read, read_exchange): (SaleEnvelope, _) = self
            .client
            .send(Method::GET, &path, &[], None, Repeat::Safe)
            .await
            .map_err(|e| MailFailure {
                message: format!("the sale could not be read first, so nothing was sent: {e}"),
                exchange: None,
                perhaps_sent: false,
                unreachable: matches!(e, ColormeError::Unreachable(_)),
            })?;
        if let Err(f) = about_the_sale(&path, &read.sale, false, &[]) {
            return Err(MailFailure {
                message: f.message,
                exchange: Some(read_exchange),
                perhaps_sent: false,
                unreachable: false,
            });
        }
        if read.sale.delivered_mail_state.as_deref() == Some("sent") {
            return Ok(MailSent::StoreSaysSent(read_exchange));
        }
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
            Ok((_, exchange)) => Ok(MailSent::Sent(exchange)),
            Err(ColormeError::Declined { message, exchange }) => Err(MailFailure {
                message,
                exchange: Some(exchange),
                perhaps_sent: false,
                unreachable: false,
            }),
            Err(e) => Err(MailFailure {
                message: e.to_string(),
                exchange: None,
                perhaps_sent: matches!(e, ColormeError::Unknown(_)),
                unreachable: matches!(e, ColormeError::Unreachable(_)),
            }),
        }
    }
}

/// The query of `GET /v1/sales` for these sale ids, a page of them at most, with explicit 受注日
/// bounds (without them the list falls back to the last 7 days).
fn sales_query(ids: &[&str]) -> [(&'static str, String); 4] {
    let jst = FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset");
    [
        ("ids", ids.join(",")),
        ("make_date_min", "2000-01-01 00:00:00".to_owned()),
        (
            "make_date_max",
            Utc::now()
                .with_timezone(&jst)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string(),
        ),
        ("limit", READ_AHEAD_PAGE.to_string()),
    ]
}

/// What a sale holds: its slips and whether it is 配送済み (`None`: neither).
fn held_of(sale: &Sale) -> Option<ShippingWrite> {
    let deliveries = &sale.sale_deliveries;
    let slips: Vec<String> = deliveries
        .iter()
        .filter_map(|d| d.slip_number.clone())
        .filter(|s| !s.trim().is_empty())
        .collect();
    let delivered = !deliveries.is_empty() && deliveries.iter().all(|d| d.delivered);
    (!slips.is_empty() || delivered).then_some(ShippingWrite::Colorme { slips, delivered })
}
