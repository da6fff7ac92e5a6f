//! One reconcile of one store (`hassou reconcile`, SPEC §3 "Reading the store back"): reads back
//! every order hassou holds that changed in the window, in as few requests as the store allows,
//! compares with what hassou last confirmed and would write, records each drift (and forgets
//! each earlier one the store agrees with again), and records the run. Writes nothing to the
//! store.

use chrono::{DateTime, Utc};

use crate::db::{Db, StoredOrder};
use crate::domain::drift::{DriftKind, StoreReading, compare};
use crate::domain::{ChannelRules, Problem, ShippingWrite, Verdict};

use super::Connector;

/// One order that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub order_id: i64,
    pub number: String,
    pub kind: DriftKind,
    /// What hassou last confirmed, or else what it would write.
    pub hassou: Option<ShippingWrite>,
    pub store: StoreReading,
}

/// What a reconcile found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconcileReport {
    pub run_id: i64,
    /// Orders read back from the store.
    pub checked: u64,
    pub agree: u64,
    /// Orders being written right now (or written since the read), left for the next reconcile.
    pub busy: u64,
    pub drift: Vec<Finding>,
    /// Earlier drifts the store now agrees with, forgotten.
    pub settled: u64,
}

/// Reconciles the orders of `rules.channel` changed since `since`, as `by`.
pub async fn reconcile(
    db: &Db,
    connector: &impl Connector,
    rules: &ChannelRules,
    since: DateTime<Utc>,
    by: &str,
) -> Result<ReconcileReport, Problem> {
    reconcile_with(db, connector, rules, since, by, DEFAULT_STALE_AFTER).await
}

/// `[alerts] stale_after`'s default.
pub const DEFAULT_STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(2 * 3600);

/// [`reconcile`], reporting `not_written` for orders pending or failed longer than
/// `stale_after`.
pub async fn reconcile_with(
    db: &Db,
    connector: &impl Connector,
    rules: &ChannelRules,
    since: DateTime<Utc>,
    by: &str,
    stale_after: std::time::Duration,
) -> Result<ReconcileReport, Problem> {
    let started = Utc::now();
    let run_id = db.start_reconcile(rules.store, by, started).await?;
    let result = compare_all(db, connector, rules, since, run_id, stale_after).await;
    let finished = Utc::now();
    match &result {
        Ok(r) => {
            db.finish_reconcile(
                run_id,
                r.checked,
                r.agree,
                r.drift.iter().filter(|f| f.kind.is_verdict()).count() as u64,
                None,
                finished,
            )
            .await?;
        }
        Err(e) => {
            db.finish_reconcile(run_id, 0, 0, 0, Some(&e.words), finished)
                .await?;
        }
    }
    result
}

async fn compare_all(
    db: &Db,
    connector: &impl Connector,
    rules: &ChannelRules,
    since: DateTime<Utc>,
    run_id: i64,
    stale_after: std::time::Duration,
) -> Result<ReconcileReport, Problem> {
    let stale_before = rules.as_of - chrono::Duration::from_std(stale_after).unwrap_or_default();
    // Each order with its store record's mark as read now: a difference is recorded only if
    // the mark is unchanged when it is (a write since may be what the store shows).
    let orders = db.orders_changed_since(rules.store, since).await?;
    let mut report = ReconcileReport {
        run_id,
        checked: 0,
        agree: 0,
        busy: 0,
        drift: Vec::new(),
        settled: 0,
    };
    // An order with a write in flight is the sync's to finish; it is read next time.
    let (busy, reading): (Vec<&StoredOrder>, Vec<&StoredOrder>) = orders
        .iter()
        .map(|(o, _)| o)
        .partition(|o| o.remote.in_flight_since.is_some());
    report.busy = busy.len() as u64;
    let readings = connector.read_back(&reading).await?;
    for (order_id, store) in readings {
        let Some(stored) = reading.iter().find(|o| o.id == order_id) else {
            continue;
        };
        report.checked += 1;
        let evaluation = rules.evaluate(&stored.order, &stored.remote);
        let target = evaluation.verdict != Verdict::Ineligible;
        // What hassou would write: judged as if no drift were recorded.
        let mut fresh = stored.remote.clone();
        fresh.drift = None;
        let wanted = rules.evaluate(&stored.order, &fresh).write;
        let kind = compare(
            stored.remote.confirmed.as_ref(),
            wanted.as_ref(),
            target,
            &store,
        );
        let waiting_too_long = matches!(evaluation.verdict, Verdict::Pending | Verdict::Failed)
            && stored.order.updated_at < stale_before;
        match kind {
            None if waiting_too_long => {
                // The store agrees; hassou has simply not written it for too long.
                report.agree += 1;
                report.drift.push(Finding {
                    order_id,
                    number: stored.order.number.clone(),
                    kind: DriftKind::NotWritten,
                    hassou: wanted,
                    store,
                });
            }
            None => {
                report.agree += 1;
                if stored.remote.drift.is_some() && db.clear_drift(order_id).await? {
                    report.settled += 1;
                }
            }
            Some(kind) => {
                let mark = orders
                    .iter()
                    .find(|(o, _)| o.id == order_id)
                    .map(|(_, m)| m.clone())
                    .unwrap_or_default();
                let recorded = db
                    .record_drift(order_id, kind, &store, Utc::now(), Some(run_id), &mark)
                    .await?;
                if recorded {
                    report.drift.push(Finding {
                        order_id,
                        number: stored.order.number.clone(),
                        kind,
                        hassou: stored.remote.confirmed.clone().or(wanted),
                        store,
                    });
                } else {
                    report.busy += 1;
                }
            }
        }
    }
    Ok(report)
}

/// Settles an order's drift, as the operator chose (`order N resolve`, the console's detail):
/// `ours` — hassou learns what the store holds and its own values become pending, so the next
/// confirmed run corrects the store (Shopify: an update of the fulfillment, never a second one);
/// otherwise the store's values become hassou's (the order's fields, edited as an operator would,
/// and confirmed), and nothing is sent. `false` when the order had no drift.
pub async fn settle(
    db: &Db,
    stored: &StoredOrder,
    ours: bool,
    now: DateTime<Utc>,
) -> Result<bool, crate::db::DbError> {
    let Some(drift) = &stored.remote.drift else {
        return Ok(false);
    };
    let (id, channel) = (stored.id, stored.order.store);
    if !ours {
        let mut edit = crate::db::OrderEdit::default();
        match &drift.store.held {
            Some(ShippingWrite::Shopify { tracking, carrier }) => {
                edit.tracking = Some(crate::domain::Tracking::parse(&tracking.join(",")));
                edit.carrier = Some(carrier.clone());
            }
            Some(ShippingWrite::Colorme { slips, .. }) => {
                edit.tracking = Some(crate::domain::Tracking::parse(&slips.join(",")));
            }
            None => edit.tracking = Some(crate::domain::Tracking::parse("")),
        }
        if drift.store.cancelled {
            edit.status = Some(crate::domain::OrderStatus::Cancelled);
        }
        db.edit_order(stored, &edit, now).await?;
    }
    match &drift.store.held {
        Some(held) => db.record_confirmed(id, channel, held, None, now).await?,
        None => db.record_store_holds_nothing(id, channel, now).await?,
    }
    db.clear_drift(id).await
}
