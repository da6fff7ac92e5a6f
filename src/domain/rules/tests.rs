//! Table tests of the seed rules. Each case names the clause of the seed it checks.

use chrono::{DateTime, NaiveDate, Utc};
use rstest::rstest;

use super::*;
use crate::domain::carrier::Carrier;
use crate::domain::order::FailedWrite;

const AS_OF: &str = "2026-11-24T12:00:00+09:00";

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .expect("test time")
}

fn date(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

/// A target in both channels: processed, ordered last week, changed yesterday, shipped, tracked.
fn order(channel: Channel) -> Order {
    Order {
        store: Store::of_channel(channel),
        remote_id: "gid://shopify/Order/1".into(),
        number: "1001".into(),
        status: OrderStatus::Processed,
        ordered_at: t("2026-11-17T10:00:00+09:00"),
        updated_at: t("2026-11-23T09:00:00+09:00"),
        shipped_on: Some(date("2026-11-23")),
        carrier: Some(Carrier::Yamato),
        tracking: Tracking::parse("444413758703"),
        bundle_parent: None,
    }
}

fn rules(channel: Channel, settings: RuleSettings) -> ChannelRules {
    ChannelRules::new(
        Store::of_channel(channel),
        settings,
        t(AS_OF),
        ShopTimeZone::jst(),
    )
}

fn settings(period: u32, statuses: StatusOption, shipped_date_only: bool) -> RuleSettings {
    RuleSettings {
        period: Period::try_from(period).expect("test period"),
        statuses,
        shipped_date_only,
    }
}

fn judge(o: &Order, s: RuleSettings) -> Evaluation {
    rules(o.store.channel(), s).evaluate(o, &RemoteState::default())
}

// ---- Shopify (seed 000) -------------------------------------------------------------------

/// 【5】API書出: 【処理済み】のみ：処理済ステータスのみ / 【処理済み】以外も書き出す：「新規」「キャンセル」を除く全ステータス
#[rstest]
#[case(OrderStatus::New, StatusOption::ProcessedOnly, false)]
#[case(OrderStatus::AwaitingPayment, StatusOption::ProcessedOnly, false)]
#[case(OrderStatus::AwaitingShipment, StatusOption::ProcessedOnly, false)]
#[case(OrderStatus::OnHold, StatusOption::ProcessedOnly, false)]
#[case(OrderStatus::Processed, StatusOption::ProcessedOnly, true)]
#[case(OrderStatus::Cancelled, StatusOption::ProcessedOnly, false)]
#[case(OrderStatus::New, StatusOption::AllButNewCancelled, false)]
#[case(OrderStatus::AwaitingPayment, StatusOption::AllButNewCancelled, true)]
#[case(OrderStatus::AwaitingShipment, StatusOption::AllButNewCancelled, true)]
#[case(OrderStatus::OnHold, StatusOption::AllButNewCancelled, true)]
#[case(OrderStatus::Processed, StatusOption::AllButNewCancelled, true)]
#[case(OrderStatus::Cancelled, StatusOption::AllButNewCancelled, false)]
fn shopify_api_export_status_option(
    #[case] status: OrderStatus,
    #[case] option: StatusOption,
    #[case] target: bool,
) {
    let o = Order {
        status,
        ..order(Channel::Shopify)
    };
    let e = judge(&o, settings(3, option, true));
    if target {
        assert_eq!(e.verdict, Verdict::Pending);
    } else {
        assert_eq!(
            (e.verdict, e.reasons),
            (Verdict::Ineligible, vec![Reason::Status])
        );
    }
}

/// ・「出荷日」「伝票番号」が入力済みの注文
#[rstest]
#[case::both(true, "444413758703", vec![])]
#[case::no_shipped_date(false, "444413758703", vec![Reason::NoShippedDate])]
#[case::no_tracking(true, "", vec![Reason::NoTracking])]
#[case::neither(false, "", vec![Reason::NoShippedDate, Reason::NoTracking])]
fn shopify_shipped_date_and_tracking_entered(
    #[case] shipped: bool,
    #[case] tracking: &str,
    #[case] reasons: Vec<Reason>,
) {
    let o = Order {
        shipped_on: shipped.then(|| date("2026-11-23")),
        tracking: Tracking::parse(tracking),
        ..order(Channel::Shopify)
    };
    assert_eq!(judge(&o, RuleSettings::default()).reasons, reasons);
}

/// ・受注更新日時がデータ書出画面の作成期間内の注文 — 3日前までに更新された注文が同期対象 (1日～13日間選択可能).
/// The window opens at 00:00 +09:00 on (as-of date − N days) and closes at as-of.
#[rstest]
#[case::n1_at_open(1, "2026-11-23T00:00:00+09:00", true)]
#[case::n1_second_before(1, "2026-11-22T23:59:59+09:00", false)]
#[case::n3_at_open(3, "2026-11-21T00:00:00+09:00", true)]
#[case::n3_second_before(3, "2026-11-20T23:59:59+09:00", false)]
#[case::n13_at_open(13, "2026-11-11T00:00:00+09:00", true)]
#[case::n13_second_before(13, "2026-11-10T23:59:59+09:00", false)]
#[case::at_as_of(3, AS_OF, true)]
#[case::after_as_of(3, "2026-11-24T12:00:01+09:00", false)]
fn period_window_edges(#[case] days: u32, #[case] updated_at: &str, #[case] inside: bool) {
    for channel in Channel::ALL {
        let o = Order {
            updated_at: t(updated_at),
            ..order(channel)
        };
        let e = judge(&o, settings(days, StatusOption::ProcessedOnly, true));
        let expected = if inside {
            vec![]
        } else {
            vec![Reason::OutsidePeriod]
        };
        assert_eq!(
            e.reasons, expected,
            "{channel} N={days} updated_at={updated_at}"
        );
    }
}

#[rstest]
#[case(0)]
#[case(14)]
fn period_outside_one_to_thirteen_is_rejected(#[case] days: u32) {
    assert!(Period::try_from(days).is_err());
}

/// Shopify's seed says nothing of 同梱 or of a one-year limit: neither makes a Shopify order ineligible.
#[test]
fn shopify_ignores_bundles_and_age() {
    let child = Order {
        bundle_parent: Some("1000".into()),
        ..order(Channel::Shopify)
    };
    assert_eq!(
        judge(&child, RuleSettings::default()).verdict,
        Verdict::Pending
    );
    let old = Order {
        ordered_at: t("2024-01-01T00:00:00+09:00"),
        ..order(Channel::Shopify)
    };
    assert_eq!(
        judge(&old, RuleSettings::default()).verdict,
        Verdict::Pending
    );
}

/// 更新される項目: 伝票番号・配送会社 (「伝票番号」がShopifyに連携されることで、Shopify側が発送済みとなります).
#[test]
fn shopify_writes_tracking_and_carrier() {
    let e = judge(&order(Channel::Shopify), RuleSettings::default());
    assert_eq!(
        e.write,
        Some(ShippingWrite::Shopify {
            tracking: vec!["444413758703".into()],
            carrier: Some(crate::domain::Carrier::Yamato),
        })
    );
    assert_eq!(e.delivered, None);
}

/// メール便や定形外郵便など、追跡できない配送方法をご利用の場合、伝票番号欄に「定形外郵便」などの文言を入力することで、
/// Shopifyにも連携されます — written as the number, with no company.
#[test]
fn shopify_free_text_is_written_without_company() {
    let o = Order {
        tracking: Tracking::parse("定形外郵便"),
        carrier: Some(Carrier::JapanPost),
        ..order(Channel::Shopify)
    };
    let e = judge(&o, RuleSettings::default());
    assert_eq!(e.verdict, Verdict::Pending);
    assert_eq!(
        e.write,
        Some(ShippingWrite::Shopify {
            tracking: vec!["定形外郵便".into()],
            carrier: None
        })
    );
}

/// Several numbers (comma or newline separated) go as Shopify's `numbers` list.
#[test]
fn shopify_several_numbers() {
    let o = Order {
        tracking: Tracking::parse("4444-1375-8703,\n483484399683"),
        ..order(Channel::Shopify)
    };
    let e = judge(&o, RuleSettings::default());
    assert_eq!(
        e.write,
        Some(ShippingWrite::Shopify {
            tracking: vec!["444413758703".into(), "483484399683".into()],
            carrier: Some(crate::domain::Carrier::Yamato),
        })
    );
}

// ---- カラーミー (seed 003) ------------------------------------------------------------------

/// 「新規受付」「キャンセル」ステータス以外の下記条件を満たした注文
#[rstest]
#[case(OrderStatus::New, false)]
#[case(OrderStatus::AwaitingPayment, true)]
#[case(OrderStatus::AwaitingShipment, true)]
#[case(OrderStatus::OnHold, true)]
#[case(OrderStatus::Processed, true)]
#[case(OrderStatus::Cancelled, false)]
fn colorme_status_other_than_new_and_cancelled(#[case] status: OrderStatus, #[case] target: bool) {
    // The Shopify export-status option has no effect on カラーミー.
    for option in [
        StatusOption::ProcessedOnly,
        StatusOption::AllButNewCancelled,
    ] {
        let o = Order {
            status,
            ..order(Channel::Colorme)
        };
        let e = judge(&o, settings(3, option, true));
        let expected = if target { vec![] } else { vec![Reason::Status] };
        assert_eq!(e.reasons, expected, "{status} {option}");
    }
}

/// ・注文日が1年以内 (※注文日時が1年以内の注文が対象となります): ordered_at ≥ as-of − 12 months.
#[rstest]
#[case::exactly_one_year("2025-11-24T12:00:00+09:00", true)]
#[case::one_second_more("2025-11-24T11:59:59+09:00", false)]
#[case::last_month("2026-10-24T12:00:00+09:00", true)]
#[case::two_years("2024-11-24T12:00:00+09:00", false)]
fn colorme_ordered_within_one_year(#[case] ordered_at: &str, #[case] inside: bool) {
    let o = Order {
        ordered_at: t(ordered_at),
        ..order(Channel::Colorme)
    };
    let expected = if inside { vec![] } else { vec![Reason::TooOld] };
    assert_eq!(judge(&o, RuleSettings::default()).reasons, expected);
}

/// ・同梱ではない注文または同梱の親注文
#[rstest]
#[case::unbundled(None, true)]
#[case::child(Some("1000"), false)]
fn colorme_unbundled_or_bundle_parent(#[case] parent: Option<&str>, #[case] target: bool) {
    let o = Order {
        bundle_parent: parent.map(str::to_owned),
        ..order(Channel::Colorme)
    };
    let expected = if target {
        vec![]
    } else {
        vec![Reason::BundleChild]
    };
    assert_eq!(judge(&o, RuleSettings::default()).reasons, expected);
}

/// A bundle parent is an ordinary order with children pointing at it: nothing about it makes it
/// ineligible.
#[test]
fn colorme_bundle_parent_is_a_target() {
    let parent = Order {
        number: "1000".into(),
        ..order(Channel::Colorme)
    };
    assert_eq!(
        judge(&parent, RuleSettings::default()).verdict,
        Verdict::Pending
    );
}

/// 書出し対象 says nothing of 出荷日 or 伝票番号 for カラーミー: they decide what is written, not
/// whether the order is a target.
#[test]
fn colorme_needs_neither_shipped_date_nor_tracking_to_be_a_target() {
    let o = Order {
        shipped_on: None,
        tracking: Tracking::Empty,
        ..order(Channel::Colorme)
    };
    let e = judge(&o, RuleSettings::default());
    assert_eq!(
        (e.verdict, e.reasons, e.write),
        (Verdict::Waiting, vec![], None)
    );
}

/// データ書出「出荷日が入力された注文のみ「配送済み」に更新」にチェックが入っている場合:
/// ・伝票番号と出荷日が入っていれば配送済みにする ・伝票番号または出荷日が入っていなければ配送済みにしない
/// チェックが入っていない場合: ・伝票番号が入っていれば配送済みにする ・伝票番号が入っていなければ配送済みにしない
#[rstest]
#[case::on_both(true, true, true, Verdict::Pending, true)]
#[case::on_tracking_only(true, true, false, Verdict::Pending, false)]
#[case::on_date_only(true, false, true, Verdict::Waiting, false)]
#[case::on_neither(true, false, false, Verdict::Waiting, false)]
#[case::off_both(false, true, true, Verdict::Pending, true)]
#[case::off_tracking_only(false, true, false, Verdict::Pending, true)]
#[case::off_date_only(false, false, true, Verdict::Waiting, false)]
#[case::off_neither(false, false, false, Verdict::Waiting, false)]
fn colorme_delivered_under_shipped_date_option(
    #[case] option_on: bool,
    #[case] has_tracking: bool,
    #[case] has_shipped_date: bool,
    #[case] verdict: Verdict,
    #[case] delivered: bool,
) {
    let o = Order {
        tracking: if has_tracking {
            Tracking::parse("444413758703")
        } else {
            Tracking::Empty
        },
        shipped_on: has_shipped_date.then(|| date("2026-11-23")),
        ..order(Channel::Colorme)
    };
    let e = judge(&o, settings(3, StatusOption::ProcessedOnly, option_on));
    assert_eq!((e.verdict, e.delivered), (verdict, Some(delivered)));
    if has_tracking {
        assert_eq!(
            e.write,
            Some(ShippingWrite::Colorme {
                slips: vec!["444413758703".into()],
                delivered
            })
        );
    }
}

#[test]
fn colorme_free_text_and_several_numbers_are_slips() {
    let free = Order {
        tracking: Tracking::parse("定形外郵便"),
        ..order(Channel::Colorme)
    };
    assert_eq!(
        judge(&free, RuleSettings::default()).write,
        Some(ShippingWrite::Colorme {
            slips: vec!["定形外郵便".into()],
            delivered: true
        })
    );
    let several = Order {
        tracking: Tracking::parse("444413758703;483484399683"),
        ..order(Channel::Colorme)
    };
    assert_eq!(
        judge(&several, RuleSettings::default()).write,
        Some(ShippingWrite::Colorme {
            slips: vec!["444413758703".into(), "483484399683".into()],
            delivered: true,
        })
    );
}

#[test]
fn colorme_ineligible_is_never_marked_delivered() {
    let o = Order {
        status: OrderStatus::Cancelled,
        ..order(Channel::Colorme)
    };
    assert_eq!(judge(&o, RuleSettings::default()).delivered, Some(false));
}

// ---- Reasons and verdicts ---------------------------------------------------------------------

#[test]
fn every_reason_is_reported_in_spec_order() {
    let colorme = Order {
        status: OrderStatus::New,
        bundle_parent: Some("1000".into()),
        ordered_at: t("2020-01-01T00:00:00+09:00"),
        updated_at: t("2020-01-01T00:00:00+09:00"),
        ..order(Channel::Colorme)
    };
    assert_eq!(
        judge(&colorme, RuleSettings::default()).reasons,
        vec![
            Reason::Status,
            Reason::BundleChild,
            Reason::TooOld,
            Reason::OutsidePeriod
        ]
    );
    let shopify = Order {
        status: OrderStatus::Cancelled,
        updated_at: t("2020-01-01T00:00:00+09:00"),
        shipped_on: None,
        tracking: Tracking::Empty,
        ..order(Channel::Shopify)
    };
    assert_eq!(
        judge(&shopify, RuleSettings::default()).reasons,
        vec![
            Reason::Status,
            Reason::OutsidePeriod,
            Reason::NoShippedDate,
            Reason::NoTracking
        ]
    );
}

fn remote(confirmed: Option<ShippingWrite>, failed: Option<(ShippingWrite, &str)>) -> RemoteState {
    RemoteState {
        confirmed_at: None,
        confirmed,
        last_failure: failed.map(|(write, error)| FailedWrite {
            write,
            error: error.into(),
            cause: crate::domain::Cause::Refused,
            at: t("2026-11-24T11:00:00+09:00"),
        }),
        in_flight_since: None,
        mail_sent_at: None,
        mail_error: None,
        mail_uncertain: false,
        remote_ref: None,
        hold: None,
        drift: None,
    }
}

fn shopify_write(tracking: &str) -> ShippingWrite {
    ShippingWrite::Shopify {
        tracking: vec![tracking.into()],
        carrier: Some(crate::domain::Carrier::Yamato),
    }
}

#[rstest]
#[case::never_written(remote(None, None), Verdict::Pending, None)]
#[case::store_has_same(
    remote(Some(shopify_write("4444-1375-8703")), None),
    Verdict::Synced,
    None
)]
#[case::store_has_other(
    remote(Some(shopify_write("483484399683")), None),
    Verdict::Pending,
    None
)]
#[case::failed_same(remote(None, Some((shopify_write("444413758703"), "HTTP 500"))), Verdict::Failed, Some("HTTP 500"))]
#[case::failed_older_values(remote(None, Some((shopify_write("483484399683"), "HTTP 500"))), Verdict::Pending, None)]
#[case::confirmed_beats_old_failure(remote(Some(shopify_write("444413758703")), Some((shopify_write("444413758703"), "x"))), Verdict::Synced, None)]
fn verdict_against_what_the_store_holds(
    #[case] state: RemoteState,
    #[case] verdict: Verdict,
    #[case] error: Option<&str>,
) {
    let o = order(Channel::Shopify);
    let e = rules(Channel::Shopify, RuleSettings::default()).evaluate(&o, &state);
    assert_eq!((e.verdict, e.error.as_deref()), (verdict, error));
}

#[test]
fn changed_carrier_is_pending_again() {
    let o = Order {
        carrier: Some(Carrier::Sagawa),
        ..order(Channel::Shopify)
    };
    let state = remote(Some(shopify_write("444413758703")), None);
    let e = rules(Channel::Shopify, RuleSettings::default()).evaluate(&o, &state);
    assert_eq!(e.verdict, Verdict::Pending);
}

/// hassou never reverts a store: a sale already 配送済み whose 出荷日 was later cleared stays synced.
#[test]
fn colorme_never_reverts_delivered() {
    let o = Order {
        shipped_on: None,
        ..order(Channel::Colorme)
    };
    let held = ShippingWrite::Colorme {
        slips: vec!["444413758703".into()],
        delivered: true,
    };
    let e =
        rules(Channel::Colorme, RuleSettings::default()).evaluate(&o, &remote(Some(held), None));
    assert_eq!((e.verdict, e.delivered), (Verdict::Synced, Some(false)));
}

#[test]
fn colorme_slip_written_earlier_then_shipped_date_entered_is_pending() {
    let held = ShippingWrite::Colorme {
        slips: vec!["444413758703".into()],
        delivered: false,
    };
    let e = rules(Channel::Colorme, RuleSettings::default())
        .evaluate(&order(Channel::Colorme), &remote(Some(held), None));
    assert_eq!(e.verdict, Verdict::Pending);
}

#[test]
fn verdict_and_option_codes_parse() {
    for v in Verdict::ALL {
        assert_eq!(v.code().parse::<Verdict>(), Ok(v));
    }
    assert_eq!("processed".parse(), Ok(StatusOption::ProcessedOnly));
    assert_eq!(
        "all-but-new-cancelled".parse(),
        Ok(StatusOption::AllButNewCancelled)
    );
    assert!("all".parse::<StatusOption>().is_err());
}

/// The narrowing the database applies must never drop a target: over many generated orders and
/// every combination of settings, each target is admitted, and each non-admitted order is
/// ineligible.
#[test]
fn narrowing_never_drops_a_target() {
    use crate::sample::{SampleSpec, sample_orders};
    let orders = sample_orders(SampleSpec {
        count: 3000,
        newest: t(AS_OF) + chrono::Duration::hours(12),
        spread_days: 500,
        seed: 5,
    });
    let mut admitted_targets = 0;
    for period in [1, 3, 13] {
        for statuses in [
            StatusOption::ProcessedOnly,
            StatusOption::AllButNewCancelled,
        ] {
            for shipped_date_only in [true, false] {
                for channel in Channel::ALL {
                    let r = rules(channel, settings(period, statuses, shipped_date_only));
                    let narrowing = r.narrowing();
                    for o in orders.iter().filter(|o| o.store.channel() == channel) {
                        let target = r.ineligibility(o).is_empty();
                        if target {
                            assert!(narrowing.admits(o), "{o:?} is a target but not admitted");
                            admitted_targets += 1;
                        }
                        if !narrowing.admits(o) {
                            assert_eq!(
                                r.evaluate(o, &RemoteState::default()).verdict,
                                Verdict::Ineligible
                            );
                        }
                    }
                }
            }
        }
    }
    assert!(
        admitted_targets > 100,
        "the sample must hold targets: {admitted_targets}"
    );
}

/// Issue 21 (LOGILESS's per-order switch, which the seed lacks: its 保留 status does not stop a
/// カラーミー write): a held order is `ineligible` with `held` first, whatever else holds, on both
/// stores — a target, a synced one, a failed one alike — and only a release brings it back.
#[test]
fn a_held_order_is_ineligible_with_held_first() {
    for channel in [Channel::Shopify, Channel::Colorme] {
        let rules = rules(channel, settings(3, StatusOption::ProcessedOnly, true));
        let order = order(channel);
        let mut state = remote(None, None);
        assert_ne!(rules.evaluate(&order, &state).verdict, Verdict::Ineligible);
        state.hold = Some(crate::domain::Hold {
            at: t("2026-11-24T11:00:00+09:00"),
            by: "ops@host".into(),
            reason: "住所確認中".into(),
        });
        let held = rules.evaluate(&order, &state);
        assert_eq!(held.verdict, Verdict::Ineligible, "{channel}");
        assert_eq!(held.reasons, [Reason::Held], "{channel}");
        assert_eq!(held.write, None, "{channel}: nothing to write");
        let mut old = order.clone();
        old.tracking = crate::domain::Tracking::parse("");
        assert_eq!(
            rules.evaluate(&old, &state).reasons[0],
            Reason::Held,
            "{channel}"
        );
    }
}

/// Issue 21: an order the store changed behind hassou is `drift` — not synced, not pending —
/// and has nothing to write until settled; a hold still comes first.
#[test]
fn a_drifted_target_is_drift_and_writes_nothing() {
    use crate::domain::drift::{Drift, DriftKind, StoreReading};
    let rules = rules(
        Channel::Shopify,
        settings(3, StatusOption::ProcessedOnly, true),
    );
    let o = order(Channel::Shopify);
    let mut state = remote(None, None);
    state.drift = Some(Drift {
        kind: DriftKind::FulfilledElsewhere,
        store: StoreReading {
            held: None,
            cancelled: false,
            status: "FULFILLED".into(),
        },
        found_at: t("2026-11-24T11:00:00+09:00"),
    });
    let e = rules.evaluate(&o, &state);
    assert_eq!((e.verdict, e.write.clone()), (Verdict::Drift, None));
    state.hold = Some(crate::domain::Hold {
        at: t("2026-11-24T11:00:00+09:00"),
        by: "ops".into(),
        reason: String::new(),
    });
    assert_eq!(rules.evaluate(&o, &state).verdict, Verdict::Ineligible);
}
