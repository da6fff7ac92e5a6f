//! SPEC §3 "Carrier files", clause by clause, on orders in memory.

use chrono::{DateTime, NaiveDate, Utc};

use super::*;
use crate::domain::Tracking;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T12:00:00+09:00")
        .expect("time")
        .with_timezone(&Utc)
}

fn day(d: &str) -> NaiveDate {
    d.parse().expect("date")
}

fn stored(id: i64, store: Store, number: &str, tracking: &str) -> ShippingHeld {
    ShippingHeld {
        id,
        revision: 1,
        channel: store,
        number: number.into(),
        status: OrderStatus::AwaitingShipment,
        shipped_on: None,
        carrier: None,
        tracking: Tracking::parse(tracking),
        bundle_parent: None,
    }
}

fn row(line: usize, key: &str, tracking: &str, date: &str) -> ShipmentRow {
    ShipmentRow {
        line,
        key: key.into(),
        tracking: tracking.into(),
        shipped_on: day(date),
        carrier: Carrier::Yamato,
        channel: None,
    }
}

fn numbers(plan: &ImportPlan) -> Vec<&str> {
    plan.orders.iter().map(|o| o.number.as_str()).collect()
}

/// "the key equals an order's number, ignoring a leading # on either side"
#[test]
fn a_leading_hash_is_ignored_on_either_side() {
    let orders = [
        stored(1, Store::SHOPIFY, "#1001", ""),
        stored(2, Store::COLORME, "20000005", ""),
    ];
    let rows = [
        row(1, "1001", "444413758703", "2026-11-24"),
        row(2, "#20000005", "483484399683", "2026-11-24"),
    ];
    let plan = plan(&rows, &orders, None, false, now());
    assert_eq!(numbers(&plan), ["#1001", "20000005"]);
    assert!(plan.unmatched.is_empty());
}

/// "If nothing matches and the key ends in - and one or two digits (枝番 …), that suffix is
/// dropped and matched again." "every distinct number of an order's rows … becomes its tracking
/// list"; "出荷日 is the latest date of its rows".
#[test]
fn branch_parcels_join_their_order_with_every_number_and_the_latest_date() {
    let orders = [stored(1, Store::SHOPIFY, "#1001", "")];
    let rows = [
        row(3, "1001-1", "4444-1375-8703", "2026-11-23"),
        row(4, "1001-2", "483484399683", "2026-11-24"),
        row(5, "1001-3", "483484399683", "2026-11-22"),
    ];
    let plan = plan(&rows, &orders, None, false, now());
    let one = &plan.orders[0];
    assert_eq!(one.tracking, ["4444-1375-8703", "483484399683"]);
    assert_eq!(one.shipped_on, day("2026-11-24"));
    assert_eq!(one.change, Change::Set);
    assert_eq!(plan.saves()[0].tracking.len(), 2);
}

/// "A key that matches orders in two channels is ambiguous: refused unless --channel chooses.
/// Keys that match no order are listed as unmatched."
#[test]
fn two_channels_are_ambiguous_unless_chosen_and_unknown_keys_are_unmatched() {
    let orders = [
        stored(1, Store::SHOPIFY, "1001", ""),
        stored(2, Store::COLORME, "1001", ""),
    ];
    let rows = [
        row(2, "1001", "444413758703", "2026-11-24"),
        row(3, "9999", "483484399683", "2026-11-24"),
    ];
    let open = plan(&rows, &orders, None, false, now());
    assert_eq!(open.ambiguous, [(2, "1001".to_owned())]);
    assert_eq!(open.unmatched, [(3, "9999".to_owned())]);
    assert!(open.orders.is_empty());
    let chosen = plan(&rows, &orders, Some(Store::COLORME), false, now());
    assert_eq!(chosen.orders[0].id, 2);
}

/// "An order whose values already equal these is unchanged and keeps its updated_at …;
/// otherwise it is set (had no tracking) or changed (had other values, shown as before → after)"
#[test]
fn unchanged_set_and_changed() {
    let mut same = stored(1, Store::SHOPIFY, "A", "444413758703");
    same.carrier = Some(Carrier::Yamato);
    same.shipped_on = Some(day("2026-11-24"));
    let other = stored(2, Store::SHOPIFY, "B", "390459983082");
    let empty = stored(3, Store::SHOPIFY, "C", "");
    let rows = [
        row(1, "A", "444413758703", "2026-11-24"),
        row(2, "B", "483484399683", "2026-11-24"),
        row(3, "C", "512547514334", "2026-11-24"),
    ];
    let plan = plan(&rows, &[same.clone(), other, empty], None, false, now());
    let changes: Vec<Change> = plan.orders.iter().map(|o| o.change).collect();
    assert_eq!(changes, [Change::Unchanged, Change::Changed, Change::Set]);
    assert!(
        plan.saves().iter().all(|s| s.id != plan.orders[0].id),
        "unchanged is not saved: its updated_at stays"
    );
    assert_eq!(
        plan.orders[1].previous.as_ref().map(|p| p.tracking.clone()),
        Some(vec!["390459983082".to_owned()])
    );
    assert_eq!(plan.saved_at, now());
    assert_eq!(plan.writes().count(), 2);
}

/// "--mark-processed also moves a changed order in awaiting_shipment to processed."
#[test]
fn mark_processed_moves_awaiting_shipment_only_when_changed() {
    let orders = [stored(1, Store::SHOPIFY, "A", "")];
    let rows = [row(1, "A", "444413758703", "2026-11-24")];
    let plan_of = |mark| plan(&rows, &orders, None, mark, now()).saves()[0].status;
    assert_eq!(plan_of(true), OrderStatus::Processed);
    assert_eq!(plan_of(false), OrderStatus::AwaitingShipment);
}

/// "同梱: a bundle parent's new values go to its children too (unless a child has rows of its
/// own)"
#[test]
fn a_bundle_parents_values_reach_its_children_without_rows() {
    let parent = stored(1, Store::COLORME, "P", "");
    let mut child = stored(2, Store::COLORME, "C1", "");
    child.bundle_parent = Some("P".into());
    let mut own = stored(3, Store::COLORME, "C2", "");
    own.bundle_parent = Some("P".into());
    let rows = [
        row(1, "P", "444413758703", "2026-11-24"),
        row(2, "C2", "483484399683", "2026-11-24"),
    ];
    let plan = plan(&rows, &[parent, child, own], None, false, now());
    let c1 = plan
        .orders
        .iter()
        .find(|o| o.number == "C1")
        .expect("child");
    assert!(c1.from_parent);
    assert_eq!(c1.tracking, ["444413758703"]);
    let c2: Vec<&OrderChange> = plan.orders.iter().filter(|o| o.number == "C2").collect();
    assert_eq!(c2.len(), 1, "its own rows only");
    assert_eq!(c2[0].tracking, ["483484399683"]);
}

#[test]
fn candidate_numbers_cover_hash_and_branch() {
    assert_eq!(
        candidate_numbers("#1001-2"),
        ["1001-2", "#1001-2", "1001", "#1001"]
    );
    assert_eq!(without_branch("1001-123"), None);
    assert_eq!(without_branch("-1"), None);
}
