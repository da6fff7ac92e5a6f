use super::*;
use crate::channels::shopify::model::{
    AssignedLocation, FulfillmentOrder, LocationId, Nodes, SupportedAction, TrackingInfo,
};

fn input(wanted: &ShippingWrite) -> Option<TrackingInput> {
    tracking_input(wanted, &UrlTemplates::default())
}

fn fo(id: &str, status: &str, location: &str) -> FulfillmentOrder {
    // What Shopify reports per status; the sandbox answers the same.
    let actions = crate::sandbox::shopify::supported_actions(status);
    FulfillmentOrder {
        id: format!("gid://shopify/FulfillmentOrder/{id}"),
        status: status.into(),
        assigned_location: Some(AssignedLocation {
            name: location.into(),
            location: Some(LocationId {
                id: format!("gid://shopify/Location/{location}"),
            }),
        }),
        delivery_method: None,
        supported_actions: actions
            .iter()
            .map(|a| SupportedAction {
                action: (*a).into(),
            })
            .collect(),
    }
}

fn fulfillment(id: &str, status: &str, company: Option<&str>, numbers: &[&str]) -> Fulfillment {
    Fulfillment {
        id: format!("gid://shopify/Fulfillment/{id}"),
        status: status.into(),
        created_at: None,
        tracking_info: numbers
            .iter()
            .map(|n| TrackingInfo {
                company: company.map(str::to_owned),
                number: Some((*n).into()),
                url: None,
            })
            .collect(),
        name: None,
    }
}

fn state(fos: Vec<FulfillmentOrder>, fulfillments: Vec<Fulfillment>) -> OrderState {
    OrderState {
        id: "gid://shopify/Order/1".into(),
        name: "#1001".into(),
        cancelled_at: None,
        display_fulfillment_status: None,
        fulfillment_orders: Nodes {
            page_info: None,
            nodes: fos,
        },
        fulfillments,
    }
}

fn yamato(numbers: &[&str]) -> TrackingInput {
    input(&ShippingWrite::Shopify {
        tracking: numbers.iter().map(ToString::to_string).collect(),
        carrier: Some(crate::domain::Carrier::Yamato),
    })
    .expect("shopify input")
}

#[test]
fn first_write_creates_one_fulfillment() {
    let plan = plan(
        &state(vec![fo("1", "OPEN", "tokyo")], vec![]),
        &yamato(&["444413758703"]),
    );
    assert_eq!(
        plan,
        WritePlan::Send(vec![Step::Create {
            fulfillment_order_ids: vec!["gid://shopify/FulfillmentOrder/1".into()],
            location: "tokyo".into()
        }])
    );
}

#[test]
fn two_locations_two_creates() {
    let s = state(
        vec![fo("1", "OPEN", "tokyo"), fo("2", "IN_PROGRESS", "osaka")],
        vec![],
    );
    let WritePlan::Send(steps) = plan(&s, &yamato(&["444413758703"])) else {
        panic!("send")
    };
    assert_eq!(steps.len(), 2);
    assert!(steps.iter().all(|s| matches!(s, Step::Create { .. })));
}

#[test]
fn same_tracking_already_there_is_synced() {
    let s = state(
        vec![fo("1", "CLOSED", "tokyo")],
        vec![fulfillment(
            "9",
            "SUCCESS",
            Some("Yamato (JA)"),
            &["444413758703"],
        )],
    );
    assert_eq!(
        plan(&s, &yamato(&["4444-1375-8703"])),
        WritePlan::AlreadyHeld(ShippingWrite::Shopify {
            tracking: vec!["444413758703".into()],
            carrier: Some(crate::domain::Carrier::Yamato)
        })
    );
}

#[test]
fn other_tracking_is_updated_not_fulfilled_again() {
    let s = state(
        vec![fo("1", "CLOSED", "tokyo")],
        vec![fulfillment(
            "9",
            "SUCCESS",
            Some("Yamato (JA)"),
            &["483484399683"],
        )],
    );
    assert_eq!(
        plan(&s, &yamato(&["444413758703"])),
        WritePlan::Send(vec![Step::Update {
            fulfillment_id: "gid://shopify/Fulfillment/9".into()
        }])
    );
    // A changed carrier is an update too.
    let sagawa = input(&ShippingWrite::Shopify {
        tracking: vec!["483484399683".into()],
        carrier: Some(crate::domain::Carrier::Sagawa),
    })
    .expect("input");
    assert!(
        matches!(plan(&s, &sagawa), WritePlan::Send(steps) if matches!(steps[..], [Step::Update { .. }]))
    );
}

#[test]
fn on_hold_is_refused_in_words() {
    let s = state(vec![fo("1", "ON_HOLD", "tokyo")], vec![]);
    let WritePlan::Refuse(cause, reason) = plan(&s, &yamato(&["444413758703"])) else {
        panic!("refuse")
    };
    assert_eq!(
        reason,
        "order #1001: fulfillment order at tokyo is on hold; nothing was sent"
    );
    assert_eq!(
        cause,
        Cause::OnHold,
        "the kind comes from the status, not the words"
    );
}

#[test]
fn closed_with_nothing_matching_is_refused() {
    let s = state(
        vec![fo("1", "CLOSED", "tokyo")],
        vec![fulfillment("9", "CANCELLED", None, &["1"])],
    );
    let WritePlan::Refuse(cause, reason) = plan(&s, &yamato(&["444413758703"])) else {
        panic!("refuse")
    };
    assert!(reason.contains("closed"), "{reason}");
    assert_eq!(cause, Cause::Closed);
}

#[test]
fn a_lost_answer_at_one_location_completes_the_other_only() {
    let s = state(
        vec![fo("1", "CLOSED", "tokyo"), fo("2", "OPEN", "osaka")],
        vec![fulfillment(
            "9",
            "SUCCESS",
            Some("Yamato (JA)"),
            &["444413758703"],
        )],
    );
    assert_eq!(
        plan(&s, &yamato(&["444413758703"])),
        WritePlan::Send(vec![Step::Create {
            fulfillment_order_ids: vec!["gid://shopify/FulfillmentOrder/2".into()],
            location: "osaka".into()
        }])
    );
}

#[test]
fn cancelled_order_is_refused() {
    let mut s = state(vec![fo("1", "OPEN", "tokyo")], vec![]);
    s.cancelled_at = Some("2026-11-24T00:00:00Z".into());
    assert!(
        matches!(plan(&s, &yamato(&["1"])), WritePlan::Refuse(Cause::Cancelled, r) if r.contains("cancelled"))
    );
}

#[test]
fn tracking_inputs_per_carrier() {
    let free = input(&ShippingWrite::Shopify {
        tracking: vec!["定形外郵便".into()],
        carrier: None,
    })
    .expect("input");
    assert_eq!(
        free,
        TrackingInput {
            company: None,
            numbers: vec!["定形外郵便".into()],
            urls: vec![]
        }
    );
    let seino = input(&ShippingWrite::Shopify {
        tracking: vec!["1234".into(), "5678".into()],
        carrier: Some(crate::domain::Carrier::Seino),
    })
    .expect("input");
    assert_eq!(seino.company.as_deref(), Some("西濃運輸"));
    assert_eq!(seino.urls.len(), 2, "one URL per number");
    let several = yamato(&["444413758703", "483484399683"]);
    assert_eq!(several.numbers.len(), 2);
    assert!(several.urls.is_empty());
    assert!(
        input(&ShippingWrite::Colorme {
            slips: vec![],
            delivered: false
        })
        .is_none()
    );
}

/// Issue 23 at 11 points: a write's answer names its fulfillment `#1001.1`, which says whose it
/// is — the `#` aside, as an order file may spell the number — and nothing else passes.
#[test]
fn a_fulfillment_belongs_to_the_order_its_name_says() {
    let named = |name: Option<&str>| Fulfillment {
        id: "gid://shopify/Fulfillment/1".into(),
        status: "SUCCESS".into(),
        created_at: None,
        tracking_info: Vec::new(),
        name: name.map(str::to_owned),
    };
    for (name, order, belongs) in [
        (Some("#1001.1"), "#1001", true),
        (Some("#1001.2"), "1001", true),
        (Some("#JP-1001.1"), "#JP-1001", true),
        (Some("#1001.1"), "#10011", false),
        (Some("#1002.1"), "#1001", false),
        (Some("#1001"), "#1001", false),
        (Some("#1001."), "#1001", false),
        (None, "#1001", false),
    ] {
        assert_eq!(
            named(name).belongs_to(order),
            belongs,
            "{name:?} of {order}"
        );
    }
}
