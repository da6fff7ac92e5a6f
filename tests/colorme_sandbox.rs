//! カラーミー end to end: the sync engine and the connector against the sandbox カラーミー on
//! 127.0.0.1 — the 配送済み decision and the target rule through the whole path, first write, no
//! rewrite, changed slips, several お届け先, split sales, the mail at most once under lost
//! answers, pull over the API's quirks, and the request rate.
#![allow(clippy::panic)] // a test fails by panicking

mod common;

use std::time::Duration;

use chrono::{DateTime, Utc};
use common::{t, target_order};
use hassou::channels::colorme::client::{ClientOptions, ColormeClient, MIN_GAP};
use hassou::channels::colorme::connector::ColormeConnector;
use hassou::db::{Db, OrderEdit};
use hassou::domain::{
    Order, OrderStatus, Period, RuleSettings, ShippingWrite, StatusOption, Store, Tracking,
};
use hassou::sandbox::Fault;
use hassou::sandbox::colorme::{
    ColormeFaultTarget, ColormeSandboxOptions, SANDBOX_TOKEN, SandboxColorme,
};
use hassou::sync::{Connector, ResultOutcome, RunReport};
use rstest::rstest;
use secrecy::SecretString;
use serde_json::Value;

fn now() -> DateTime<Utc> {
    t("2026-11-24T12:00:00+09:00")
}

struct Shop {
    sandbox: SandboxColorme,
    db: Db,
    connector: ColormeConnector,
}

fn connector(sandbox: &SandboxColorme, gap: Duration, mail: bool) -> ColormeConnector {
    let options = ClientOptions {
        timeout: Duration::from_millis(800),
        gap,
        attempts: 3,
        ..ClientOptions::default()
    };
    let client = ColormeClient::new(&sandbox.url(), SecretString::from(SANDBOX_TOKEN), options)
        .expect("client");
    ColormeConnector::new(client, mail)
}

async fn shop(mail: bool) -> Shop {
    let sandbox = SandboxColorme::start(0, ColormeSandboxOptions::default())
        .await
        .expect("sandbox");
    let connector = connector(&sandbox, Duration::from_millis(2), mail);
    Shop {
        sandbox,
        db: common::sqlite_db().await,
        connector,
    }
}

impl Shop {
    /// A sale with `deliveries` お届け先 at the store, and its order in the database.
    async fn add(&self, id: i64, deliveries: usize, order: Order) {
        self.sandbox
            .add_sale(id, "山田 太郎", order.ordered_at, deliveries);
        self.db
            .upsert_orders(&[order], now())
            .await
            .expect("import");
    }

    async fn run(&self, shipped_date_only: bool) -> RunReport {
        run_with(&self.db, &self.connector, shipped_date_only).await
    }

    async fn edit(&self, number: &str, edit: OrderEdit) {
        let stored = self
            .db
            .find_orders(number, None)
            .await
            .expect("find")
            .remove(0);
        self.db
            .edit_order(&stored, &edit, now())
            .await
            .expect("edit");
    }

    /// The bodies of every PUT the store received.
    fn puts(&self) -> Vec<Value> {
        self.sandbox
            .requests()
            .iter()
            .filter(|r| r.method == "PUT")
            .map(|r| serde_json::from_str(&r.body).expect("PUT body is JSON"))
            .collect()
    }

    fn slips(&self, id: i64) -> Vec<(Option<String>, bool)> {
        self.sandbox
            .sale(id)
            .expect("sale")
            .deliveries
            .iter()
            .map(|d| (d.slip_number.clone(), d.delivered))
            .collect()
    }
}

async fn run_with(db: &Db, connector: &impl Connector, shipped_date_only: bool) -> RunReport {
    let settings = RuleSettings {
        period: Period::DEFAULT,
        statuses: StatusOption::ProcessedOnly,
        shipped_date_only,
    };
    common::sync_run(db, connector, settings, "test").await
}

fn order(id: i64, tracking: &str) -> Order {
    Order {
        remote_id: id.to_string(),
        ..target_order(Store::COLORME, &id.to_string(), tracking)
    }
}

/// Never `delivered: false`, never a cleared slip: nothing hassou sends unmarks or erases.
fn assert_never_unmarks(puts: &[Value]) {
    for body in puts {
        for d in body["sale"]["sale_deliveries"]
            .as_array()
            .expect("deliveries")
        {
            assert_ne!(d.get("delivered"), Some(&Value::Bool(false)), "{body}");
            let slip = d["slip_number"].as_str().unwrap_or_default();
            assert!(!slip.trim().is_empty(), "a cleared slip: {body}");
        }
    }
}

/// Seed 003: 「出荷日が入力された注文のみ「配送済み」に更新」にチェックが入っている場合、伝票番号と出荷日が
/// 入っていれば配送済みにする。チェックが入っていない場合、伝票番号が入っていれば配送済みにする。
/// (option, tracking, 出荷日) → what the sale holds after one run.
#[rstest]
#[case::on_both(true, true, true, Some(true))]
#[case::on_tracking_only(true, true, false, Some(false))]
#[case::on_date_only(true, false, true, None)]
#[case::off_both(false, true, true, Some(true))]
#[case::off_tracking_only(false, true, false, Some(true))]
#[case::off_neither(false, false, false, None)]
#[tokio::test]
async fn delivered_follows_the_shipped_date_option(
    #[case] option_on: bool,
    #[case] has_tracking: bool,
    #[case] has_shipped_date: bool,
    #[case] expected: Option<bool>,
) {
    let shop = shop(false).await;
    let mut o = order(7001, if has_tracking { "4444-1375-8703" } else { "" });
    if !has_shipped_date {
        o.shipped_on = None;
    }
    shop.add(7001, 1, o).await;
    let report = shop.run(option_on).await;
    match expected {
        Some(delivered) => {
            assert_eq!(
                shop.slips(7001),
                [(Some("444413758703".into()), delivered)],
                "{report:?}"
            );
            let body = &shop.puts()[0]["sale"]["sale_deliveries"][0];
            assert_eq!(body.get("delivered").is_some(), delivered, "{body}");
        }
        None => {
            assert_eq!(shop.slips(7001), [(None, false)]);
            assert!(shop.sandbox.requests().is_empty(), "nothing sent");
        }
    }
    assert_never_unmarks(&shop.puts());
}

/// The target rule through the whole path (seed 003): 「新規受付」「キャンセル」ステータス以外, updated
/// within the period, ordered within the last year, and not a 同梱 child.
#[rstest]
#[case::processed_in_period(
    "processed",
    "2026-11-20T10:00:00+09:00",
    "2026-11-23T10:00:00+09:00",
    false,
    true
)]
#[case::awaiting_shipment(
    "awaiting_shipment",
    "2026-11-20T10:00:00+09:00",
    "2026-11-23T10:00:00+09:00",
    false,
    true
)]
#[case::new_order(
    "new",
    "2026-11-20T10:00:00+09:00",
    "2026-11-23T10:00:00+09:00",
    false,
    false
)]
#[case::cancelled(
    "cancelled",
    "2026-11-20T10:00:00+09:00",
    "2026-11-23T10:00:00+09:00",
    false,
    false
)]
#[case::changed_before_the_period(
    "processed",
    "2026-11-01T10:00:00+09:00",
    "2026-11-20T10:00:00+09:00",
    false,
    false
)]
#[case::ordered_over_a_year_ago(
    "processed",
    "2025-11-20T10:00:00+09:00",
    "2026-11-23T10:00:00+09:00",
    false,
    false
)]
#[case::bundle_child(
    "processed",
    "2026-11-20T10:00:00+09:00",
    "2026-11-23T10:00:00+09:00",
    true,
    false
)]
#[tokio::test]
async fn only_targets_reach_the_store(
    #[case] status: &str,
    #[case] ordered_at: &str,
    #[case] updated_at: &str,
    #[case] bundle_child: bool,
    #[case] written: bool,
) {
    let shop = shop(false).await;
    // A parent that is always written, so a bundle child has one.
    shop.add(7000, 1, order(7000, "390459983082")).await;
    let mut o = order(7001, "444413758703");
    o.status = status.parse::<OrderStatus>().expect("status");
    o.ordered_at = t(ordered_at);
    o.updated_at = t(updated_at);
    if bundle_child {
        o.bundle_parent = Some("7000".into());
    }
    shop.add(7001, 1, o).await;
    let report = shop.run(true).await;
    let touched = shop
        .sandbox
        .requests()
        .iter()
        .any(|r| r.path.contains("/7001"));
    assert_eq!(touched, written, "{report:?}");
    let expected = if written {
        vec![(Some("444413758703".to_owned()), true)]
    } else {
        vec![(None, false)]
    };
    assert_eq!(shop.slips(7001), expected);
    assert_eq!(shop.slips(7000), [(Some("390459983082".into()), true)]);
}

#[tokio::test]
async fn first_write_then_nothing_then_a_changed_slip() {
    let shop = shop(false).await;
    shop.add(7001, 1, order(7001, "444413758703")).await;
    let first = shop.run(true).await;
    assert_eq!(first.results[0].outcome, ResultOutcome::Delivered);
    assert_eq!(shop.slips(7001), [(Some("444413758703".into()), true)]);
    let sale = shop.sandbox.sale(7001).expect("sale");
    assert!(
        sale.deliveries[0]
            .tracking_url
            .as_deref()
            .is_some_and(|u| u.ends_with("444413758703")),
        "the store derives the tracking URL from the slip: {sale:?}"
    );

    // Synced: the second run sends nothing, not even a read.
    let requests = shop.sandbox.requests().len();
    let second = shop.run(true).await;
    assert_eq!(second.already_synced, 1, "{second:?}");
    assert_eq!(shop.sandbox.requests().len(), requests);

    // A corrected slip: one read and one PUT with the new number.
    shop.edit(
        "7001",
        OrderEdit {
            tracking: Some(Tracking::parse("483484399683")),
            ..OrderEdit::default()
        },
    )
    .await;
    let third = shop.run(true).await;
    assert_eq!(third.written, 1, "{third:?}");
    // SPEC §3: a sale already 配送済み that only gets a new slip is slip_updated, not delivered.
    assert_eq!(third.results[0].outcome, ResultOutcome::SlipUpdated);
    assert_eq!(shop.slips(7001), [(Some("483484399683".into()), true)]);
    assert_eq!(shop.puts().len(), 2);

    // The slip cleared locally: the order waits, and the store keeps what it has.
    shop.edit(
        "7001",
        OrderEdit {
            tracking: Some(Tracking::Empty),
            ..OrderEdit::default()
        },
    )
    .await;
    let fourth = shop.run(true).await;
    assert_eq!(fourth.written, 0, "{fourth:?}");
    assert_eq!(shop.slips(7001), [(Some("483484399683".into()), true)]);
    assert_never_unmarks(&shop.puts());
}

#[tokio::test]
async fn a_sale_already_holding_the_slip_is_not_written() {
    let shop = shop(false).await;
    shop.add(7001, 1, order(7001, "444413758703")).await;
    shop.sandbox.update_sale(7001, |s| {
        s.deliveries[0].slip_number = Some("4444-1375-8703".into());
        s.deliveries[0].delivered = true;
    });
    let report = shop.run(true).await;
    assert_eq!(report.results[0].outcome, ResultOutcome::AlreadySynced);
    assert!(shop.puts().is_empty());
}

#[tokio::test]
async fn the_mail_goes_once_after_the_marking() {
    let shop = shop(true).await;
    shop.add(7001, 1, order(7001, "444413758703")).await;
    shop.run(true).await;
    let requests: Vec<String> = shop
        .sandbox
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        requests,
        [
            "GET /v1/sales/7001",
            "PUT /v1/sales/7001",
            "POST /v1/sales/7001/mails"
        ]
    );
    let sale = shop.sandbox.sale(7001).expect("sale");
    assert_eq!(sale.mails, ["delivered"]);
    assert_eq!(sale.delivered_mail_state, "sent");
    // A corrected slip is written, but the customer is not mailed again.
    shop.edit(
        "7001",
        OrderEdit {
            tracking: Some(Tracking::parse("483484399683")),
            ..OrderEdit::default()
        },
    )
    .await;
    shop.run(true).await;
    assert_eq!(shop.sandbox.sale(7001).expect("sale").mails, ["delivered"]);
}

#[tokio::test]
async fn no_mail_when_the_shop_already_sent_it_or_the_delivery_is_not_marked() {
    let shop = shop(true).await;
    shop.add(7001, 1, order(7001, "444413758703")).await;
    shop.sandbox
        .update_sale(7001, |s| s.delivered_mail_state = "sent".into());
    let mut unshipped = order(7002, "390459983082");
    unshipped.shipped_on = None;
    shop.add(7002, 1, unshipped).await;
    shop.run(true).await;
    assert!(shop.sandbox.sale(7001).expect("sale").mails.is_empty());
    assert!(shop.sandbox.sale(7002).expect("sale").mails.is_empty());
    assert_eq!(shop.slips(7002), [(Some("390459983082".into()), false)]);
}

#[tokio::test]
async fn several_deliveries_take_the_numbers_in_order() {
    let shop = shop(false).await;
    // Two numbers, two お届け先: one PUT with both, by delivery id.
    shop.add(7001, 2, order(7001, "444413758703;390459983082"))
        .await;
    // One number, two お届け先: the first gets it, the second is left alone.
    shop.add(7002, 2, order(7002, "483484399683")).await;
    // Three numbers, two お届け先: two are sent, and the order says so.
    shop.add(
        7003,
        2,
        order(7003, "512547514334,444413758703,390459983082"),
    )
    .await;
    let report = shop.run(true).await;
    assert_eq!(report.written, 3, "{report:?}");
    assert_eq!(
        shop.slips(7001),
        [
            (Some("444413758703".into()), true),
            (Some("390459983082".into()), true)
        ]
    );
    assert_eq!(
        shop.slips(7002),
        [(Some("483484399683".into()), true), (None, false)]
    );
    assert_eq!(
        shop.slips(7003),
        [
            (Some("512547514334".into()), true),
            (Some("444413758703".into()), true)
        ]
    );
    let warned = report
        .results
        .iter()
        .find(|r| r.number == "7003")
        .expect("7003");
    assert!(
        warned.detail.contains("3 numbers for 2"),
        "{}",
        warned.detail
    );
    assert_eq!(shop.puts().len(), 3, "one PUT per sale");
    let put = shop
        .sandbox
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT" && r.path == "/v1/sales/7001")
        .expect("PUT of 7001");
    let body: Value = serde_json::from_str(&put.body).expect("json");
    let ids: Vec<i64> = body["sale"]["sale_deliveries"]
        .as_array()
        .expect("deliveries")
        .iter()
        .map(|d| d["id"].as_i64().expect("id"))
        .collect();
    let sale = shop.sandbox.sale(7001).expect("sale");
    assert_eq!(ids, [sale.deliveries[0].id, sale.deliveries[1].id]);
    // Synced now, all three.
    assert_eq!(shop.run(true).await.already_synced, 3);
}

#[tokio::test]
async fn split_sales_are_written_each_on_its_own() {
    let shop = shop(true).await;
    shop.add(7001, 1, order(7001, "444413758703")).await;
    shop.add(7002, 1, order(7002, "390459983082")).await;
    shop.sandbox.split(7001, &[7002]);
    let report = shop.run(true).await;
    assert_eq!(report.written, 2, "{report:?}");
    for (id, slip) in [(7001, "444413758703"), (7002, "390459983082")] {
        let sale = shop.sandbox.sale(id).expect("sale");
        assert!(sale.segment.is_some());
        assert_eq!(shop.slips(id), [(Some(slip.into()), true)]);
        assert_eq!(sale.mails, ["delivered"], "商品発送 mail per split sale");
    }
}

#[tokio::test]
async fn a_lost_answer_never_makes_a_second_mail() {
    let shop = shop(true).await;
    shop.add(7001, 1, order(7001, "444413758703")).await;
    shop.add(7002, 1, order(7002, "390459983082")).await;
    // 7001: the PUT is applied and its answer lost (sent again: a no-op); 7002: the mail is
    // sent and its answer lost (never sent again).
    shop.sandbox
        .inject(ColormeFaultTarget::Updates, Fault::LoseResponse);
    shop.sandbox.inject(
        ColormeFaultTarget::Mails,
        Fault::Slow(Duration::from_millis(1500)),
    );
    let report = shop.run(true).await;
    assert_eq!(report.written, 2, "{report:?}");
    for id in [7001, 7002] {
        shop.edit(
            &id.to_string(),
            OrderEdit {
                tracking: Some(Tracking::parse("512547514334")),
                ..OrderEdit::default()
            },
        )
        .await;
    }
    let again = shop.run(true).await;
    assert_eq!(again.written, 2, "{again:?}");
    for id in [7001, 7002] {
        let sale = shop.sandbox.sale(id).expect("sale");
        assert_eq!(sale.mails, ["delivered"], "sale {id}");
        assert_eq!(shop.slips(id), [(Some("512547514334".into()), true)]);
    }
}

/// SPEC §3: "A shipping mail ... that the store refused is reported (in detail, the audit trail
/// and order … show) and never counted as sent." Issue 13: an HTTP 500 to the mail POST was
/// recorded as mailed. Sent again only when the operator asks; never on its own.
#[tokio::test]
async fn a_refused_mail_is_reported_kept_unsent_and_sent_only_when_asked() {
    let shop = shop(true).await;
    shop.add(7001, 1, order(7001, "444413758703")).await;
    shop.sandbox
        .inject(ColormeFaultTarget::Mails, Fault::ServerError);
    let report = shop.run(true).await;
    assert_eq!((report.written, report.mail_refused), (1, 1), "{report:?}");
    assert!(
        report.results[0].detail.contains("mail was refused"),
        "{report:?}"
    );
    assert!(shop.sandbox.sale(7001).expect("sale").mails.is_empty());
    let stored = shop
        .db
        .find_orders("7001", None)
        .await
        .expect("find")
        .remove(0);
    assert_eq!(stored.remote.mail_sent_at, None, "never counted as sent");
    assert!(stored.remote.mail_error.is_some(), "{:?}", stored.remote);
    // The request and the store's answer are in the audit trail.
    let attempts = shop
        .db
        .attempts_for_order(stored.id)
        .await
        .expect("attempts");
    let response = attempts[0].response.clone().unwrap_or_default();
    assert!(response.contains("/mails"), "{response}");
    assert!(
        response.contains("500") || response.contains("error"),
        "{response}"
    );

    // Not sent again on its own: a corrected slip is written, no mail.
    shop.edit(
        "7001",
        OrderEdit {
            tracking: Some(Tracking::parse("483484399683")),
            ..OrderEdit::default()
        },
    )
    .await;
    let again = shop.run(true).await;
    assert_eq!((again.written, again.mail_refused), (1, 0), "{again:?}");
    assert!(shop.sandbox.sale(7001).expect("sale").mails.is_empty());

    // The operator sends it on purpose: once.
    let stored = shop
        .db
        .find_orders("7001", None)
        .await
        .expect("find")
        .remove(0);
    let send = |stored: hassou::db::StoredOrder| {
        let (db, connector) = (&shop.db, &shop.connector);
        async move {
            hassou::sync::mail::send_now(
                db,
                connector,
                &stored,
                hassou::domain::job::Trigger::Manual,
                "test",
                now(),
            )
            .await
            .expect("recorded")
        }
    };
    assert_eq!(send(stored).await, hassou::sync::mail::MailOutcome::Sent);
    let stored = shop
        .db
        .find_orders("7001", None)
        .await
        .expect("find")
        .remove(0);
    assert!(stored.remote.mail_sent_at.is_some() && stored.remote.mail_error.is_none());
    // Never twice.
    assert!(matches!(
        send(stored).await,
        hassou::sync::mail::MailOutcome::AlreadySent(_)
    ));
    assert_eq!(shop.sandbox.sale(7001).expect("sale").mails, ["delivered"]);
}

/// Issue 14: after a pull has kept each sale's お届け先 ids, a write is one PUT (its answer is the
/// confirmation) and, with the mail on, one mail — no read. A sale whose お届け先 changed at the
/// store since the pull is read and written again, correctly.
#[tokio::test]
async fn after_a_pull_each_sale_is_one_put_and_one_mail() {
    let shop = shop(true).await;
    for id in 7001..=7010 {
        shop.add(id, 1, order(id, "444413758703")).await;
    }
    hassou::sync::pull::pull_once(
        &shop.db,
        &shop.connector,
        7,
        false,
        hassou::domain::job::Trigger::Manual,
        "test",
        now,
    )
    .await
    .expect("pull");
    // One sale gets a second お届け先 at the store after the pull.
    shop.sandbox.update_sale(7010, |s| {
        let mut extra = s.deliveries[0].clone();
        extra.id += 1000;
        s.deliveries.push(extra);
    });
    let before = shop.sandbox.requests().len();
    let report = shop.run(true).await;
    assert_eq!((report.written, report.failed), (10, 0), "{report:?}");
    let methods: Vec<String> = shop.sandbox.requests()[before..]
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let count = |m: &str| methods.iter().filter(|r| r.starts_with(m)).count();
    // 9 sales: PUT + mail; 7010: PUT (its answer shows two お届け先), a read that finds the
    // one number held and nothing left to send, then the mail.
    assert_eq!(
        (count("PUT"), count("POST"), count("GET")),
        (10, 10, 1),
        "{methods:?}"
    );
    for id in 7001..=7010 {
        let sale = shop.sandbox.sale(id).expect("sale");
        assert_eq!(sale.mails, ["delivered"], "sale {id}");
        assert_eq!(
            sale.deliveries[0].slip_number.as_deref(),
            Some("444413758703"),
            "sale {id}"
        );
    }
}

#[tokio::test]
async fn a_sale_the_store_does_not_know_fails_in_its_words() {
    let shop = shop(false).await;
    shop.add(7001, 1, order(7001, "444413758703")).await;
    shop.db
        .upsert_orders(&[order(7999, "390459983082")], now())
        .await
        .expect("import");
    let report = shop.run(true).await;
    assert_eq!((report.written, report.failed), (1, 1), "{report:?}");
    let missing = report
        .results
        .iter()
        .find(|r| r.number == "7999")
        .expect("7999");
    assert!(
        missing.detail.contains("データが見つかりません"),
        "{}",
        missing.detail
    );
}

#[tokio::test]
async fn an_outage_fails_the_order_and_the_next_run_writes_it() {
    let shop = shop(false).await;
    shop.add(7001, 1, order(7001, "444413758703")).await;
    // More 5xx answers than the client's attempts.
    for _ in 0..3 {
        shop.sandbox
            .inject(ColormeFaultTarget::Reads, Fault::ServerError);
    }
    let report = shop.run(true).await;
    assert_eq!(report.failed, 1, "{report:?}");
    assert!(report.results[0].detail.contains("HTTP 500"), "{report:?}");
    assert!(shop.puts().is_empty());
    let next = shop.run(true).await;
    assert_eq!(next.written, 1, "{next:?}");
}

#[tokio::test]
async fn pull_reads_every_page_over_an_explicit_window() {
    let shop = shop(false).await;
    // 230 sales over the last 20 days (the API alone would show only the last 7), one cancelled.
    let start = Utc::now() - chrono::Duration::days(20);
    for i in 0..230 {
        let made = start + chrono::Duration::minutes(i * 120);
        shop.sandbox
            .add_sale(8000 + i, "佐藤 花子", made, 1 + usize::from(i % 50 == 0));
    }
    shop.sandbox.update_sale(8005, |s| s.canceled = true);
    let pulled = shop
        .connector
        .pull(Utc::now() - chrono::Duration::days(30))
        .await
        .expect("pull");
    assert_eq!(pulled.len(), 230);
    assert!(pulled.iter().any(|p| p.number == "8005" && p.cancelled));
    let summary = shop
        .db
        .record_pull(&pulled, false, Utc::now())
        .await
        .expect("record");
    assert_eq!(summary.new, 230);
    let sale = shop.sandbox.sale(8000).expect("sale");
    let stored = shop
        .db
        .find_orders("8000", Some(Store::COLORME))
        .await
        .expect("find")
        .remove(0);
    assert_eq!(
        stored.remote.remote_ref,
        Some(format!(
            "{{\"sale_deliveries\":[{},{}]}}",
            sale.deliveries[0].id, sale.deliveries[1].id
        ))
    );
    let lists: Vec<_> = shop
        .sandbox
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v1/sales")
        .collect();
    assert_eq!(lists.len(), 3, "three pages of 100");
    for request in &lists {
        assert!(
            request.query.contains("make_date_min="),
            "{}",
            request.query
        );
        assert!(request.query.contains("limit=100"), "{}", request.query);
    }
}

/// The pace holds against the store, end to end: more than 120 requests at the default pace,
/// and no 60-second window ever holds more than 120 (the sandbox would answer 429 past that).
#[tokio::test]
async fn never_more_than_120_requests_in_any_minute() {
    let sandbox = SandboxColorme::start(0, ColormeSandboxOptions::default())
        .await
        .expect("sandbox");
    let db = common::sqlite_db().await;
    let orders: Vec<Order> = (0..63).map(|i| order(9000 + i, "444413758703")).collect();
    for o in &orders {
        sandbox.add_sale(
            o.remote_id.parse().expect("id"),
            "高橋 美咲",
            o.ordered_at,
            1,
        );
    }
    db.upsert_orders(&orders, now()).await.expect("import");
    // With the mail: one read ahead, then a PUT and a mail per sale — 127 requests.
    let connector = connector(&sandbox, MIN_GAP, true);
    let report = run_with(&db, &connector, true).await;
    assert_eq!(report.written, 63, "{report:?}");
    let requests = sandbox.requests().len();
    assert!(requests > 120, "{requests} requests");
    let busiest = sandbox.max_requests_in(Duration::from_secs(60));
    assert!(busiest <= 120, "{busiest} requests in one minute");
    assert_eq!(sandbox.rate_limited(), 0);
}

/// Issue 14: sales never pulled are read ahead, 100 a request (`GET /v1/sales?ids=…` with
/// explicit 受注日 bounds), then each gets its one PUT: 110 sales in 112 requests, not 220.
#[tokio::test]
async fn never_pulled_sales_are_read_a_hundred_a_request() {
    let shop = shop(false).await;
    for id in 8001..=8110 {
        shop.add(id, 1, order(id, "444413758703")).await;
    }
    let before = shop.sandbox.requests().len();
    let report = shop.run(true).await;
    assert_eq!((report.written, report.failed), (110, 0), "{report:?}");
    let requests = &shop.sandbox.requests()[before..];
    let lists: Vec<&str> = requests
        .iter()
        .filter(|r| r.method == "GET" && r.path == "/v1/sales")
        .map(|r| r.query.as_str())
        .collect();
    assert_eq!(lists.len(), 2, "{lists:?}");
    assert!(
        lists
            .iter()
            .all(|q| q.contains("ids=") && q.contains("make_date_min=")),
        "{lists:?}"
    );
    let single_reads = requests
        .iter()
        .filter(|r| r.method == "GET" && r.path.starts_with("/v1/sales/"))
        .count();
    let puts = requests.iter().filter(|r| r.method == "PUT").count();
    assert_eq!((single_reads, puts, requests.len()), (0, 110, 112));
    for id in 8001..=8110 {
        let sale = shop.sandbox.sale(id).expect("sale");
        assert!(sale.deliveries[0].delivered, "sale {id}");
    }
}

/// A read taken ahead is used only while the order's store record is as it was: an attempt in
/// between (here: the record marked in flight, as another process's write would leave it) makes
/// the write read the sale for itself.
#[tokio::test]
async fn a_read_ahead_is_not_used_once_the_order_was_attempted() {
    let shop = shop(false).await;
    for id in [8201, 8202] {
        shop.add(id, 1, order(id, "444413758703")).await;
    }
    let mut stored = Vec::new();
    for id in ["8201", "8202"] {
        stored.push(shop.db.find_orders(id, None).await.expect("find").remove(0));
    }
    shop.connector
        .prefetch(&stored.iter().collect::<Vec<_>>())
        .await;
    let before = shop.sandbox.requests().len();
    let wanted = ShippingWrite::Colorme {
        slips: vec!["444413758703".into()],
        delivered: true,
    };
    // 8201 unchanged: written from the read ahead. 8202 attempted meanwhile: read again.
    shop.connector
        .write(&stored[0], &wanted)
        .await
        .expect("8201");
    let mut attempted = stored[1].clone();
    attempted.remote.in_flight_since = Some(now());
    shop.connector
        .write(&attempted, &wanted)
        .await
        .expect("8202");
    let methods: Vec<String> = shop.sandbox.requests()[before..]
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        methods,
        [
            "PUT /v1/sales/8201",
            "GET /v1/sales/8202",
            "PUT /v1/sales/8202"
        ]
    );
}

async fn stored(shop: &Shop, number: &str) -> hassou::db::StoredOrder {
    shop.db
        .find_orders(number, None)
        .await
        .expect("find")
        .remove(0)
}

async fn send_by_hand(shop: &Shop, number: &str) -> hassou::sync::mail::MailOutcome {
    hassou::sync::mail::send_now(
        &shop.db,
        &shop.connector,
        &stored(shop, number).await,
        hassou::domain::job::Trigger::Manual,
        "test",
        now(),
    )
    .await
    .expect("recorded")
}

/// Issue 23: a 2xx to the mail POST whose body cannot be read (cut off, or half the JSON) was
/// recorded as refused, and `send-mail` sent a second mail. It is uncertain: recorded as perhaps
/// sent, shown so, and never sent again.
#[tokio::test]
async fn an_unreadable_answer_to_the_mail_is_uncertain_and_never_resent() {
    for (id, fault) in [
        (7101, Fault::UnreadableAfterApplied),
        (7102, Fault::CutAfterApplied),
    ] {
        let shop = shop(true).await;
        shop.add(id, 1, order(id, "444413758703")).await;
        shop.sandbox
            .inject(ColormeFaultTarget::Mails, fault.clone());
        let report = shop.run(true).await;
        assert_eq!((report.written, report.mail_refused), (1, 0), "{report:?}");
        let remote = stored(&shop, &id.to_string()).await.remote;
        assert!(remote.mail_sent_at.is_some(), "{fault:?}: {remote:?}");
        assert!(remote.mail_uncertain, "{fault:?}: {remote:?}");
        assert_eq!(remote.mail_error, None, "{fault:?}: never 'refused'");
        assert!(matches!(
            send_by_hand(&shop, &id.to_string()).await,
            hassou::sync::mail::MailOutcome::AlreadySent(_)
        ));
        assert_eq!(
            shop.sandbox.sale(id).expect("sale").mails,
            ["delivered"],
            "{fault:?}"
        );
    }
}

/// Issue 23: a mail the store refused (HTTP 500) may still have gone out. `send-mail` reads the
/// sale first and sends nothing when the store says the mail was sent.
#[tokio::test]
async fn send_mail_reads_the_sale_and_sends_nothing_the_store_says_went() {
    let shop = shop(true).await;
    shop.add(7201, 1, order(7201, "444413758703")).await;
    shop.sandbox
        .inject(ColormeFaultTarget::Mails, Fault::ServerError);
    let report = shop.run(true).await;
    assert_eq!(report.mail_refused, 1, "{report:?}");
    // The mail went out after all (a 500 written after the mail was sent).
    shop.sandbox.update_sale(7201, |sale| {
        sale.delivered_mail_state = "sent".into();
        sale.mails.push("delivered".into());
    });
    assert_eq!(
        send_by_hand(&shop, "7201").await,
        hassou::sync::mail::MailOutcome::StoreSaysSent
    );
    assert_eq!(shop.sandbox.sale(7201).expect("sale").mails, ["delivered"]);
    let remote = stored(&shop, "7201").await.remote;
    assert!(
        remote.mail_sent_at.is_some() && remote.mail_error.is_none(),
        "{remote:?}"
    );
    let posts = shop
        .sandbox
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 1, "only the sync's refused POST");
}
