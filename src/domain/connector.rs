//! The one trait every store connector implements, and what a write can come back with: the
//! connector's types, in the domain, so the channels depend on nothing but the domain.

use std::future::Future;

use serde::Serialize;

use chrono::{DateTime, Utc};

use super::{Cause, PulledOrder, ShippingWrite, Store, StoredOrder};

/// What a successful write did at the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteOutcome {
    /// Shopify: a fulfillment was created (the order is 発送済み).
    Fulfilled,
    /// Shopify: the tracking of an existing fulfillment was changed.
    TrackingUpdated,
    /// カラーミー: slip numbers written, the sale not (yet) 配送済み.
    SlipUpdated,
    /// カラーミー: slip numbers written and the sale marked 配送済み.
    Delivered,
    /// The store already held these values; nothing was sent.
    AlreadySynced,
}

impl WriteOutcome {
    pub fn code(self) -> &'static str {
        match self {
            WriteOutcome::Fulfilled => "fulfilled",
            WriteOutcome::TrackingUpdated => "tracking_updated",
            WriteOutcome::SlipUpdated => "slip_updated",
            WriteOutcome::Delivered => "delivered",
            WriteOutcome::AlreadySynced => "already_synced",
        }
    }
}

/// One request and its answer, as text for the audit trail (never a token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exchange {
    pub request: String,
    pub response: String,
}

/// The most of one answer the audit trail keeps (issue 23: a 100 MB answer was kept whole, 140
/// MB of database per answer). Real answers are a few kilobytes; a longer one keeps its start
/// and says its full length.
pub const AUDIT_EXCERPT_BYTES: usize = 16 * 1024;

impl Exchange {
    /// An exchange for the audit trail, its answer cut to [`AUDIT_EXCERPT_BYTES`].
    pub fn kept(request: String, response: &str) -> Exchange {
        Exchange {
            request,
            response: excerpt_for_audit(response),
        }
    }
}

/// `text` whole when short, else its start (cut at a character boundary) and its full length.
pub fn excerpt_for_audit(text: &str) -> String {
    if text.len() <= AUDIT_EXCERPT_BYTES {
        return text.to_owned();
    }
    let mut end = AUDIT_EXCERPT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &text[..end], text.len())
}

/// A write the store accepted (or found already done).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteReport {
    pub outcome: WriteOutcome,
    /// What the store holds now, read from its answer (stores may normalise what they are sent).
    pub held: ShippingWrite,
    /// Store-side ids worth keeping (fulfillment or delivery ids), as JSON.
    pub remote_ref: Option<String>,
    pub exchanges: Vec<Exchange>,
    /// Things the operator should know (a count mismatch, say), kept with the order's result.
    pub warnings: Vec<String>,
    /// The shipping mail went out (or may have: its outcome is unknown) with this write; it is
    /// recorded so that it is never sent again.
    pub mail_sent: bool,
    /// The mail's answer was lost or could not be read: perhaps sent (recorded as sent, shown
    /// as uncertain, never sent again).
    pub mail_uncertain: bool,
    /// The store refused the shipping mail (its words): not sent, never counted as sent, and
    /// sent again only when the operator asks.
    pub mail_refused: Option<String>,
}

/// Whether a failed write may have changed the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The store refused or was never reached: nothing changed.
    Refused,
    /// The request may have been applied (timeout, lost connection, 5xx after sending): the next
    /// attempt must read the store before sending anything, so nothing is written twice.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteFailure {
    pub kind: FailureKind,
    /// In words, with the store's own message where it gave one.
    pub message: String,
    pub exchanges: Vec<Exchange>,
    /// The failure says the store cannot take any write now, not only this one.
    pub down: Option<StoreDown>,
    /// Why, as a kind for the words and the advice.
    pub cause: Cause,
}

impl WriteFailure {
    /// A failure whose cause follows from how the store failed: perhaps applied is uncertain
    /// (whatever else is true: the next attempt must read first), then a store out of reach or
    /// a refused token, else a refusal in the store's words.
    pub fn new(
        kind: FailureKind,
        message: String,
        exchanges: &[Exchange],
        down: Option<StoreDown>,
    ) -> WriteFailure {
        let cause = match (kind, down) {
            (FailureKind::Unknown, _) => Cause::Uncertain,
            (FailureKind::Refused, Some(StoreDown::Unreachable)) => Cause::Unreachable,
            (FailureKind::Refused, Some(StoreDown::TokenRejected)) => Cause::TokenRejected,
            (FailureKind::Refused, None) => Cause::Refused,
        };
        WriteFailure {
            kind,
            message,
            exchanges: exchanges.to_vec(),
            down,
            cause,
        }
    }

    /// The store answered and refused, for a reason it names by state (on hold, closed, …).
    pub fn refused(cause: Cause, message: String, exchanges: &[Exchange]) -> WriteFailure {
        WriteFailure {
            cause,
            ..WriteFailure::new(FailureKind::Refused, message, exchanges, None)
        }
    }
}

/// A store's refusal or silence outside a write (a pull), and whether it says the store is down.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct StoreError {
    pub message: String,
    pub down: Option<StoreDown>,
}

impl From<StoreError> for crate::domain::Problem {
    /// A store that could not be reached, or refused the token, says so by kind; any other
    /// error is the store's refusal in its words.
    fn from(e: StoreError) -> crate::domain::Problem {
        let cause = match e.down {
            Some(StoreDown::Unreachable) => Cause::Unreachable,
            Some(StoreDown::TokenRejected) => Cause::TokenRejected,
            None => Cause::Refused,
        };
        crate::domain::Problem::new(cause, e.message)
    }
}

impl From<&str> for StoreError {
    fn from(message: &str) -> StoreError {
        StoreError::from(message.to_owned())
    }
}

impl From<String> for StoreError {
    fn from(message: String) -> StoreError {
        StoreError {
            message,
            down: None,
        }
    }
}

/// Why a whole run stops early rather than trying order after order (issue 13: a store that
/// never answers cost ~86 s per order; a revoked token was tried again for every order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StoreDown {
    /// Never reached, or no answer in time, after the request's own retries (SPEC §3 exit 3).
    Unreachable,
    /// HTTP 401/403: the token is wrong, revoked or lacks a scope (exit 2).
    TokenRejected,
}

/// What a write sends, in the store's own terms, for the operator to confirm before it goes:
/// the numbers, the carrier as the store receives it, whether the order becomes shipped, and
/// whether the customer gets a notification or mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedWrite {
    pub numbers: Vec<String>,
    /// Shopify's tracking company string (`Yamato (JA)`); `None` for カラーミー and free text.
    pub company: Option<String>,
    /// Shopify: fulfilled; カラーミー: 配送済み.
    pub marks_shipped: bool,
    /// A customer notification (Shopify) or 商品発送 mail (カラーミー) goes with it.
    pub notifies: bool,
}

/// A store. Implementations read before they write, so that a write whose earlier outcome is
/// unknown (`order.remote.in_flight_since`) is confirmed instead of repeated.
pub trait Connector: Send + Sync {
    /// The store this connector reads and writes: the key of its orders.
    fn store(&self) -> Store;

    /// The request(s) a write of `wanted` would send, as text: shown by a dry run and recorded
    /// in the audit trail before anything is sent.
    fn preview(&self, order: &StoredOrder, wanted: &ShippingWrite) -> String;

    /// The same write in plain terms, for the confirmation shown before a run.
    fn planned(&self, order: &StoredOrder, wanted: &ShippingWrite) -> PlannedWrite;

    /// Orders changed at the store since `since` (受注取得), each once.
    fn pull(
        &self,
        since: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<PulledOrder>, StoreError>> + Send;

    /// What the store holds for this order now, read and nothing written (`None`: no tracking,
    /// not shipped). The console's "read from the store".
    fn read_held(
        &self,
        order: &StoredOrder,
    ) -> impl Future<Output = Result<Option<ShippingWrite>, crate::domain::Problem>> + Send;

    /// What the store holds for each of these orders now, read and nothing written, in as few
    /// requests as the store allows (`hassou reconcile`). An order the store does not answer
    /// for is left out; a refused token or a silent store stops the read.
    fn read_back(
        &self,
        orders: &[&StoredOrder],
    ) -> impl Future<Output = Result<Vec<(i64, super::drift::StoreReading)>, crate::domain::Problem>>
    + Send {
        async move {
            let mut out = Vec::new();
            for order in orders {
                let held = self.read_held(order).await?;
                let status = if held.is_some() {
                    "shipped"
                } else {
                    "not_shipped"
                };
                out.push((
                    order.id,
                    super::drift::StoreReading {
                        held,
                        cancelled: false,
                        status: status.to_owned(),
                    },
                ));
            }
            Ok(out)
        }
    }

    /// Before the writes of these orders (as the plan read them), reads at once what each write
    /// would read first, where the store can (カラーミー: up to 100 sales a request). A write uses
    /// such a read only when its order's store record is still exactly as given here: every
    /// attempt — by this run or another process — marks the record before it sends, so a read
    /// that an attempt may have overtaken is never used, and that write reads for itself.
    fn prefetch(&self, orders: &[&StoredOrder]) -> impl Future<Output = ()> + Send {
        let _ = orders;
        async {}
    }

    /// Makes the store hold `wanted` for this order.
    fn write(
        &self,
        order: &StoredOrder,
        wanted: &ShippingWrite,
    ) -> impl Future<Output = Result<WriteReport, WriteFailure>> + Send;

    /// Sends the order's shipping mail now, because the operator asked (after the store refused
    /// it during a sync). Never repeated. A store whose notification only goes with the write
    /// (Shopify) says so.
    fn send_mail(
        &self,
        order: &StoredOrder,
    ) -> impl Future<Output = Result<MailSent, MailFailure>> + Send {
        let _ = order;
        async {
            Err(MailFailure {
                message: "this store sends its shipping notification with the fulfillment; \
                          hassou cannot send it separately"
                    .into(),
                exchange: None,
                perhaps_sent: false,
                unreachable: false,
            })
        }
    }
}

/// A shipping mail asked for by hand that the store now holds as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailSent {
    /// Sent now: the POST and its answer.
    Sent(Exchange),
    /// Not sent: the store already says it was sent (the read that says so).
    StoreSaysSent(Exchange),
}

/// A shipping mail that did not go (or may have gone: `perhaps_sent`, never sent again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailFailure {
    pub message: String,
    /// The store's answer, for the audit trail.
    pub exchange: Option<Exchange>,
    pub perhaps_sent: bool,
    /// The store could not be reached at all (SPEC §3 exit 3).
    pub unreachable: bool,
}
