//! What a carrier file changes (SPEC §3 "Carrier files"), pure: each row's key matched to an
//! order (a leading `#` ignored on either side; a `-N` 枝番 parcel suffix dropped when nothing
//! matches; a key in two channels ambiguous unless the channel is chosen); per order, its rows'
//! distinct numbers in file order, the carrier, the latest 出荷日; `set`, `changed` or `unchanged`
//! against what the order holds; `--mark-processed`; a bundle parent's values given to its
//! children that have no rows of their own.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::ShipmentRow;
use crate::db::{ShippingHeld, ShippingSave};
use crate::domain::input::MAX_TRACKING_NUMBERS;
use crate::domain::{Carrier, OrderStatus, Store};

/// What importing does to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// It had no tracking.
    Set,
    /// It had other values.
    Changed,
    /// It already holds these values: not touched (its 更新日時 stays, so it is not pending again).
    Unchanged,
}

/// What a changed order held before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Previous {
    pub tracking: Vec<String>,
    pub carrier: Option<String>,
    pub shipped_on: Option<NaiveDate>,
}

/// One order the file reaches and what it will hold. Only what the report and the save need is
/// kept (not the whole order read), so a large file's plan stays small.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderChange {
    pub id: i64,
    /// The revision it was read at: the save is refused if it changed since.
    pub revision: i64,
    pub channel: Store,
    pub number: String,
    pub change: Change,
    pub tracking: Vec<String>,
    pub carrier: Carrier,
    pub shipped_on: NaiveDate,
    pub previous: Option<Previous>,
    /// Set from its bundle parent's rows.
    pub from_parent: bool,
    /// The status it is saved with (`processed` under `--mark-processed`).
    pub status: OrderStatus,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportPlan {
    /// The 更新日時 the saved orders get (so they are pending again for their store).
    pub saved_at: DateTime<Utc>,
    pub orders: Vec<OrderChange>,
    /// `(line, key)` of rows that match no order (parcels of other sales channels).
    pub unmatched: Vec<(usize, String)>,
    /// `(line, key)` of rows whose key matches orders in two channels.
    pub ambiguous: Vec<(usize, String)>,
    /// Orders more rows reach than an order may carry numbers (issue 23: 60 rows of one order
    /// were sent as 60 numbers): each refuses the file, at the order's first row.
    pub too_many: Vec<super::RowError>,
}

impl ImportPlan {
    pub fn count(&self, change: Change) -> usize {
        self.orders.iter().filter(|o| o.change == change).count()
    }

    /// The orders to save (set or changed).
    pub fn writes(&self) -> impl Iterator<Item = &OrderChange> {
        self.orders.iter().filter(|o| o.change != Change::Unchanged)
    }

    /// What the database saves: the set and changed orders at the revisions read.
    pub fn saves(&self) -> Vec<ShippingSave<'_>> {
        self.writes()
            .map(|o| ShippingSave {
                id: o.id,
                revision: o.revision,
                number: &o.number,
                status: o.status,
                shipped_on: o.shipped_on,
                carrier: &o.carrier,
                tracking: &o.tracking,
            })
            .collect()
    }
}

/// The number a key or an order number is compared by: without a leading `#`.
pub fn bare(number: &str) -> &str {
    number.trim().trim_start_matches('#')
}

/// The key without a `-N` / `-NN` 枝番 parcel suffix, if it has one.
pub fn without_branch(key: &str) -> Option<&str> {
    let (base, suffix) = key.rsplit_once('-')?;
    (!base.is_empty()
        && (1..=2).contains(&suffix.len())
        && suffix.bytes().all(|b| b.is_ascii_digit()))
    .then_some(base)
}

/// What every key that may reach the same order shares: the number without `#` and without any
/// `-N` 枝番 suffixes (`#1001-1-2` → `1001`). Rows grouped by it can be planned group by group.
pub fn root(key: &str) -> &str {
    let mut key = bare(key);
    while let Some(base) = without_branch(key) {
        key = base;
    }
    key
}

/// Every order number a key may match (for the database look-up).
pub fn candidate_numbers(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    for base in std::iter::once(bare(key)).chain(without_branch(bare(key))) {
        out.push(base.to_owned());
        out.push(format!("#{base}"));
    }
    out
}

/// Plans the import of `rows` against `orders` (every order any key may match, and the bundle
/// children of those), with `channel` chosen by `--channel`.
pub fn plan(
    rows: &[ShipmentRow],
    orders: &[ShippingHeld],
    store: Option<Store>,
    mark_processed: bool,
    now: DateTime<Utc>,
) -> ImportPlan {
    plan_group(rows, orders, store, mark_processed, now, &HashSet::new())
}

/// [`plan`] for one group of a file planned group by group: `rows_elsewhere` are the orders
/// that rows of other groups reach (a bundle child with rows of its own keeps them).
pub fn plan_group(
    rows: &[ShipmentRow],
    orders: &[ShippingHeld],
    store: Option<Store>,
    mark_processed: bool,
    now: DateTime<Utc>,
    rows_elsewhere: &HashSet<i64>,
) -> ImportPlan {
    let mut by_number: HashMap<&str, Vec<&ShippingHeld>> = HashMap::new();
    for o in orders {
        by_number.entry(bare(&o.number)).or_default().push(o);
    }
    let find = |number: &str, wanted: Option<Store>| -> Vec<&ShippingHeld> {
        by_number
            .get(number)
            .map(|found| {
                found
                    .iter()
                    .copied()
                    .filter(|o| wanted.is_none_or(|c| o.channel == c))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut plan = ImportPlan {
        saved_at: now,
        ..ImportPlan::default()
    };
    // Rows per order id, in file order of the first row of each order.
    let mut grouped: BTreeMap<usize, (i64, Vec<&ShipmentRow>)> = BTreeMap::new();
    let mut first_line: HashMap<i64, usize> = HashMap::new();
    for row in rows {
        let wanted = row.channel.or(store);
        let key = bare(&row.key);
        let mut found = find(key, wanted);
        if found.is_empty()
            && let Some(base) = without_branch(key)
        {
            found = find(base, wanted);
        }
        let mut channels: Vec<Store> = found.iter().map(|o| o.channel).collect();
        channels.dedup();
        match (found.first(), channels.len()) {
            (None, _) => plan.unmatched.push((row.line, row.key.clone())),
            (Some(_), n) if n > 1 => plan.ambiguous.push((row.line, row.key.clone())),
            (Some(order), _) => {
                let at = *first_line.entry(order.id).or_insert(row.line);
                grouped
                    .entry(at)
                    .or_insert_with(|| (order.id, Vec::new()))
                    .1
                    .push(row);
            }
        }
    }
    let by_id: HashMap<i64, &ShippingHeld> = orders.iter().map(|o| (o.id, o)).collect();
    let mut children: HashMap<(Store, &str), Vec<&ShippingHeld>> = HashMap::new();
    for o in orders {
        if let Some(parent) = o.bundle_parent.as_deref() {
            children.entry((o.channel, parent)).or_default().push(o);
        }
    }
    let with_rows: HashSet<i64> = grouped
        .values()
        .map(|(id, _)| *id)
        .chain(rows_elsewhere.iter().copied())
        .collect();
    plan.orders.reserve_exact(grouped.len());
    for (id, rows) in grouped.values() {
        let Some(order) = by_id.get(id) else {
            continue;
        };
        let mut tracking: Vec<String> = Vec::new();
        for r in rows {
            if !tracking.contains(&r.tracking) {
                tracking.push(r.tracking.clone());
            }
        }
        if tracking.len() > MAX_TRACKING_NUMBERS {
            plan.too_many.push(super::RowError::new(
                rows[0].line,
                None,
                format!(
                    "order {} gets {} tracking numbers from this file; {MAX_TRACKING_NUMBERS} at \
                     most an order",
                    order.number,
                    tracking.len()
                ),
            ));
            continue;
        }
        let carrier = rows[0].carrier.clone();
        let shipped_on = rows.iter().map(|r| r.shipped_on).max().unwrap_or_default();
        let change = change_of(
            order,
            &tracking,
            &carrier,
            shipped_on,
            mark_processed,
            false,
        );
        let parent_changed = change.change != Change::Unchanged;
        let parent = *order;
        plan.orders.push(change);
        // 同梱: the parcel carries the children's items too.
        if parent_changed {
            let family = children
                .get(&(parent.channel, parent.number.as_str()))
                .map(Vec::as_slice)
                .unwrap_or_default();
            for child in family.iter().filter(|o| !with_rows.contains(&o.id)) {
                plan.orders.push(change_of(
                    child,
                    &tracking,
                    &carrier,
                    shipped_on,
                    mark_processed,
                    true,
                ));
            }
        }
    }
    plan
}

fn change_of(
    order: &ShippingHeld,
    tracking: &[String],
    carrier: &Carrier,
    shipped_on: NaiveDate,
    mark_processed: bool,
    from_parent: bool,
) -> OrderChange {
    let held = order.tracking.values();
    let same = held == tracking
        && order.carrier.as_ref() == Some(carrier)
        && order.shipped_on == Some(shipped_on);
    let change = if same {
        Change::Unchanged
    } else if order.tracking.is_empty() {
        Change::Set
    } else {
        Change::Changed
    };
    let status = if change != Change::Unchanged
        && mark_processed
        && order.status == OrderStatus::AwaitingShipment
    {
        OrderStatus::Processed
    } else {
        order.status
    };
    OrderChange {
        id: order.id,
        revision: order.revision,
        channel: order.channel,
        number: order.number.clone(),
        change,
        tracking: tracking.to_vec(),
        carrier: carrier.clone(),
        shipped_on,
        previous: (change == Change::Changed).then(|| Previous {
            tracking: held,
            carrier: order.carrier.as_ref().map(|c| c.code().to_owned()),
            shipped_on: order.shipped_on,
        }),
        from_parent,
        status,
    }
}

#[cfg(test)]
mod tests;
