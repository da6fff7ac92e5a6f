use super::*;

fn delivery(id: i64, slip: Option<&str>, delivered: bool) -> SaleDelivery {
    SaleDelivery {
        id,
        slip_number: slip.map(str::to_owned),
        delivered,
        tracking_url: None,
    }
}

fn sale(deliveries: Vec<SaleDelivery>) -> Sale {
    Sale {
        id: 20000001,
        make_date: Some(1_763_900_000),
        update_date: Some(1_763_900_000),
        paid: true,
        delivered: false,
        canceled: false,
        delivered_mail_state: Some("not_yet".into()),
        sale_deliveries: deliveries,
    }
}

fn wanted(slips: &[&str], delivered: bool) -> ShippingWrite {
    ShippingWrite::Colorme {
        slips: slips.iter().map(ToString::to_string).collect(),
        delivered,
    }
}

fn update(id: i64, slip: &str, delivered: bool) -> DeliveryUpdate {
    DeliveryUpdate {
        id,
        slip_number: slip.into(),
        delivered: delivered.then_some(true),
    }
}

#[test]
fn first_write_sends_slip_and_delivered() {
    let p = plan(
        &sale(vec![delivery(11, None, false)]),
        &wanted(&["444413758703"], true),
    );
    assert_eq!(p.updates, vec![update(11, "444413758703", true)]);
    assert!(p.warnings.is_empty());
}

/// 出荷日が入力された注文のみ「配送済み」に更新 with no 出荷日: the slip goes, `delivered` is omitted.
#[test]
fn delivered_is_omitted_never_false() {
    let p = plan(
        &sale(vec![delivery(11, None, false)]),
        &wanted(&["444413758703"], false),
    );
    assert_eq!(p.updates, vec![update(11, "444413758703", false)]);
    let body = serde_json::to_string(&p.updates[0]).expect("json");
    assert_eq!(body, r#"{"id":11,"slip_number":"444413758703"}"#);
}

#[test]
fn nothing_to_change_sends_nothing() {
    let s = sale(vec![delivery(11, Some("4444-1375-8703"), true)]);
    assert!(
        plan(&s, &wanted(&["444413758703"], true))
            .updates
            .is_empty()
    );
    // Already 配送済み and the option now says not: still nothing (never unmark).
    assert!(
        plan(&s, &wanted(&["444413758703"], false))
            .updates
            .is_empty()
    );
}

#[test]
fn changed_slip_is_sent_again() {
    let s = sale(vec![delivery(11, Some("444413758703"), true)]);
    assert_eq!(
        plan(&s, &wanted(&["483484399683"], true)).updates,
        vec![update(11, "483484399683", true)]
    );
}

#[test]
fn marking_delivered_later_resends_the_slip_with_delivered() {
    let s = sale(vec![delivery(11, Some("444413758703"), false)]);
    assert_eq!(
        plan(&s, &wanted(&["444413758703"], true)).updates,
        vec![update(11, "444413758703", true)]
    );
}

#[test]
fn several_deliveries_take_numbers_in_id_order() {
    let s = sale(vec![
        delivery(30, None, false),
        delivery(12, None, false),
        delivery(21, None, false),
    ]);
    let p = plan(&s, &wanted(&["111111111110", "222222222224"], true));
    assert_eq!(
        p.updates,
        vec![
            update(12, "111111111110", true),
            update(21, "222222222224", true)
        ]
    );
    assert_eq!(
        p.warnings.len(),
        1,
        "2 numbers for 3 deliveries is recorded"
    );
    assert!(p.warnings[0].contains("left alone"), "{:?}", p.warnings);
}

#[test]
fn several_numbers_for_one_delivery_send_the_first_with_a_warning() {
    let p = plan(
        &sale(vec![delivery(11, None, false)]),
        &wanted(&["444413758703", "483484399683"], true),
    );
    assert_eq!(p.updates, vec![update(11, "444413758703", true)]);
    assert!(p.warnings[0].contains("only the first"), "{:?}", p.warnings);
}

#[test]
fn free_text_is_a_slip_number() {
    let p = plan(
        &sale(vec![delivery(11, None, false)]),
        &wanted(&["定形外郵便"], true),
    );
    assert_eq!(p.updates, vec![update(11, "定形外郵便", true)]);
}

#[test]
fn held_values_settle_the_verdict() {
    let done = sale(vec![delivery(11, Some("444413758703"), true)]);
    let w = wanted(&["444413758703", "483484399683"], true);
    // Extra numbers with no delivery to take them do not keep the order pending.
    assert!(held(&done, &w).covers(&w));
    let not_yet = sale(vec![delivery(11, None, false)]);
    assert!(!held(&not_yet, &w).covers(&w));
}

#[test]
fn the_mail_goes_once_and_only_after_marking() {
    let marked = sale(vec![delivery(11, Some("444413758703"), true)]);
    assert!(should_send_mail(true, &marked, false));
    assert!(!should_send_mail(false, &marked, false), "off by default");
    assert!(
        !should_send_mail(true, &marked, true),
        "hassou already sent it"
    );
    let mut sent = marked.clone();
    sent.delivered_mail_state = Some("sent".into());
    assert!(
        !should_send_mail(true, &sent, false),
        "カラーミー already sent it"
    );
    let unmarked = sale(vec![delivery(11, Some("444413758703"), false)]);
    assert!(
        !should_send_mail(true, &unmarked, false),
        "not before the delivery is marked"
    );
}
