//! Shopify end to end: the sync engine, the Shopify connector and its HTTP client against the
//! sandbox Shopify on 127.0.0.1, with real requests, the cost model and injected faults.
#![allow(clippy::panic)] // a test fails by panicking

mod common;

use std::time::Duration;

use chrono::{DateTime, Utc};
use common::t;
use hassou::channels::shopify::client::{ClientOptions, ShopifyClient};
use hassou::channels::shopify::connector::ShopifyConnector;
use hassou::db::{Db, OrderEdit};
use hassou::domain::{Carrier, Order, OrderStatus, RuleSettings, ShippingWrite, Store, Tracking};
use hassou::sandbox::shopify::{Fault, FaultTarget, SandboxOptions, SandboxShopify, TrackingLine};
use hassou::sync::{Connector, ResultOutcome, RunReport};
use secrecy::SecretString;

const AS_OF: &str = "2026-11-24T12:00:00+09:00";

fn now() -> DateTime<Utc> {
    t(AS_OF)
}

struct Shop {
    sandbox: SandboxShopify,
    db: Db,
    connector: ShopifyConnector,
}

async fn shop(options: SandboxOptions, notify_customer: bool) -> Shop {
    let token = options.token.clone();
    let sandbox = SandboxShopify::start(0, options).await.expect("sandbox");
    shop_on(sandbox, &token, notify_customer).await
}

/// A client of the sandbox with this token, timing out after 2 s.
fn client_for(sandbox: &SandboxShopify, token: &str) -> ShopifyClient {
    let options = ClientOptions {
        timeout: Duration::from_secs(2),
        ..ClientOptions::default()
    };
    ShopifyClient::new(
        &sandbox.url(),
        "2026-07",
        SecretString::from(token.to_owned()),
        options,
    )
    .expect("client")
}

/// Another hassou (its own database and client) on the same sandbox shop.
async fn shop_on(sandbox: SandboxShopify, token: &str, notify_customer: bool) -> Shop {
    let client = client_for(&sandbox, token);
    Shop {
        sandbox,
        db: common::sqlite_db().await,
        connector: ShopifyConnector::new(client, notify_customer),
    }
}

impl Shop {
    /// An order in the sandbox (one open fulfillment order per location) and in hassou.
    async fn order(
        &self,
        name: &str,
        locations: &[&str],
        carrier: Carrier,
        tracking: &str,
    ) -> String {
        let gid =
            self.sandbox
                .add_order(name, "山田 太郎", t("2026-11-20T10:00:00+09:00"), locations);
        let order = Order {
            store: Store::SHOPIFY,
            remote_id: gid.clone(),
            number: name.into(),
            status: OrderStatus::Processed,
            ordered_at: t("2026-11-20T10:00:00+09:00"),
            updated_at: t("2026-11-23T10:00:00+09:00"),
            shipped_on: Some("2026-11-23".parse().expect("date")),
            carrier: Some(carrier),
            tracking: Tracking::parse(tracking),
            bundle_parent: None,
        };
        self.db
            .upsert_orders(&[order], now())
            .await
            .expect("import");
        gid
    }

    async fn sync(&self) -> RunReport {
        common::sync_run(&self.db, &self.connector, RuleSettings::default(), "test").await
    }

    async fn set_tracking(&self, number: &str, tracking: &str) {
        let stored = self
            .db
            .find_orders(number, None)
            .await
            .expect("find")
            .remove(0);
        let edit = OrderEdit {
            tracking: Some(Tracking::parse(tracking)),
            ..OrderEdit::default()
        };
        self.db
            .edit_order(&stored, &edit, t("2026-11-24T11:00:00+09:00"))
            .await
            .expect("edit");
    }
}

fn outcome(report: &RunReport, number: &str) -> (ResultOutcome, String) {
    report
        .results
        .iter()
        .find(|r| r.number == number)
        .map(|r| (r.outcome, r.detail.clone()))
        .unwrap_or_else(|| panic!("no result for {number}: {report:?}"))
}

fn tracking_of(shop: &Shop, gid: &str) -> Vec<Vec<TrackingLine>> {
    shop.sandbox
        .order(gid)
        .expect("order")
        .fulfillments
        .into_iter()
        .map(|f| f.tracking)
        .collect()
}

#[tokio::test]
async fn first_fulfillment_then_nothing_on_the_second_run() {
    let shop = shop(SandboxOptions::default(), false).await;
    let gid = shop
        .order("#1001", &["東京倉庫"], Carrier::Yamato, "4444-1375-8703")
        .await;
    let report = shop.sync().await;
    assert_eq!(outcome(&report, "#1001").0, ResultOutcome::Fulfilled);
    assert_eq!(
        tracking_of(&shop, &gid),
        vec![vec![(
            Some("Yamato (JA)".into()),
            "444413758703".into(),
            None
        )]]
    );
    let requests = shop.sandbox.requests();
    let again = shop.sync().await;
    assert_eq!((again.written, again.already_synced), (0, 1));
    assert_eq!(
        shop.sandbox.requests(),
        requests,
        "a synced order costs no request"
    );
    assert_eq!(shop.sandbox.mutations_applied(), 1);
}

/// The console's "read from the store": nothing before the sync, the fulfillment's numbers and
/// company after it; a read sends no mutation.
#[tokio::test]
async fn a_read_says_what_shopify_holds_and_writes_nothing() {
    let shop = shop(SandboxOptions::default(), false).await;
    shop.order("#1001", &["東京倉庫"], Carrier::Yamato, "4444-1375-8703")
        .await;
    let stored = |shop: &Shop| {
        let db = shop.db.clone();
        async move { db.find_orders("#1001", None).await.expect("find").remove(0) }
    };
    assert_eq!(
        shop.connector.read_held(&stored(&shop).await).await,
        Ok(None)
    );
    shop.sync().await;
    assert_eq!(
        shop.connector.read_held(&stored(&shop).await).await,
        Ok(Some(ShippingWrite::Shopify {
            tracking: vec!["444413758703".into()],
            carrier: Some(hassou::domain::Carrier::Yamato),
        }))
    );
    assert_eq!(shop.sandbox.mutations_applied(), 1);
}

#[tokio::test]
async fn changed_tracking_updates_the_fulfillment_instead_of_creating_another() {
    let shop = shop(SandboxOptions::default(), false).await;
    let gid = shop
        .order("#1001", &["東京倉庫"], Carrier::Yamato, "444413758703")
        .await;
    shop.sync().await;
    shop.set_tracking("#1001", "483484399683").await;
    let report = shop.sync().await;
    assert_eq!(outcome(&report, "#1001").0, ResultOutcome::TrackingUpdated);
    assert_eq!(
        tracking_of(&shop, &gid),
        vec![vec![(
            Some("Yamato (JA)".into()),
            "483484399683".into(),
            None
        )]]
    );
}

#[tokio::test]
async fn two_locations_two_fulfillments() {
    let shop = shop(SandboxOptions::default(), false).await;
    let gid = shop
        .order(
            "#1002",
            &["東京倉庫", "大阪倉庫"],
            Carrier::Sagawa,
            "512547514334",
        )
        .await;
    let report = shop.sync().await;
    assert_eq!(outcome(&report, "#1002").0, ResultOutcome::Fulfilled);
    assert_eq!(tracking_of(&shop, &gid).len(), 2);
    assert_eq!(shop.sync().await.already_synced, 1);
}

#[tokio::test]
async fn on_hold_fails_with_the_reason_in_words() {
    let shop = shop(SandboxOptions::default(), false).await;
    let gid = shop
        .order("#1003", &["東京倉庫"], Carrier::Yamato, "444413758703")
        .await;
    shop.sandbox
        .update_order(&gid, |o| o.fulfillment_orders[0].status = "ON_HOLD".into());
    let report = shop.sync().await;
    let (result, detail) = outcome(&report, "#1003");
    assert_eq!(result, ResultOutcome::Failed);
    assert!(detail.contains("東京倉庫 is on hold"), "{detail}");
    assert_eq!(shop.sandbox.mutations_applied(), 0);
}

#[tokio::test]
async fn free_text_and_several_numbers() {
    let shop = shop(SandboxOptions::default(), false).await;
    let free = shop
        .order("#1004", &["東京倉庫"], Carrier::JapanPost, "定形外郵便")
        .await;
    let several = shop
        .order(
            "#1005",
            &["東京倉庫"],
            Carrier::Yamato,
            "444413758703, 483484399683",
        )
        .await;
    shop.sync().await;
    assert_eq!(
        tracking_of(&shop, &free),
        vec![vec![(None, "定形外郵便".into(), None)]]
    );
    let numbers: Vec<String> = tracking_of(&shop, &several)[0]
        .iter()
        .map(|(_, n, _)| n.clone())
        .collect();
    assert_eq!(numbers, vec!["444413758703", "483484399683"]);
}

#[tokio::test]
async fn every_carrier_gets_shopifys_company_string() {
    let shop = shop(SandboxOptions::default(), false).await;
    let cases = [
        (Carrier::Yamato, "Yamato (JA)", false),
        (Carrier::Sagawa, "Sagawa (JA)", false),
        (Carrier::JapanPost, "Japan Post (JA)", false),
        (Carrier::Seino, "西濃運輸", true),
        (Carrier::Fukuyama, "福山通運", true),
    ];
    let mut gids = Vec::new();
    for (i, (carrier, _, _)) in cases.iter().enumerate() {
        gids.push(
            shop.order(
                &format!("#20{i}"),
                &["東京倉庫"],
                carrier.clone(),
                "444413758703",
            )
            .await,
        );
    }
    let report = shop.sync().await;
    assert_eq!(report.written, 5);
    for ((_, company, has_url), gid) in cases.iter().zip(&gids) {
        let (got_company, _, url) = tracking_of(&shop, gid)[0][0].clone();
        assert_eq!(got_company.as_deref(), Some(*company));
        assert_eq!(url.is_some(), *has_url, "{company}");
    }
}

#[tokio::test]
async fn a_throttle_storm_ends_with_every_order_written() {
    // Two consoles share one tiny bucket: each paces by what Shopify last told it, the other
    // drains the bucket meanwhile, so THROTTLED answers come; every order is still written once.
    // The bucket holds one read (108 points requested) and a little more.
    let options = SandboxOptions {
        bucket_size: 150.0,
        restore_rate: 300.0,
        ..SandboxOptions::default()
    };
    let token = options.token.clone();
    let one = shop(options, false).await;
    let two = shop_on(one.sandbox.clone(), &token, false).await;
    for i in 0..20 {
        one.order(
            &format!("#3{i:03}"),
            &["東京倉庫"],
            Carrier::Yamato,
            "444413758703",
        )
        .await;
        two.order(
            &format!("#4{i:03}"),
            &["東京倉庫"],
            Carrier::Sagawa,
            "512547514334",
        )
        .await;
    }
    let (a, b) = tokio::join!(one.sync(), two.sync());
    for report in [&a, &b] {
        assert_eq!((report.written, report.failed), (20, 0), "{report:?}");
    }
    assert_eq!(
        one.sandbox.mutations_applied(),
        40,
        "each order written exactly once"
    );
    assert!(
        one.sandbox.throttled() > 0,
        "the storm must actually throttle"
    );
}

#[tokio::test]
async fn a_lost_answer_still_leaves_exactly_one_fulfillment() {
    let shop = shop(SandboxOptions::default(), false).await;
    let gid = shop
        .order("#1006", &["東京倉庫"], Carrier::Yamato, "444413758703")
        .await;
    shop.sandbox
        .inject(FaultTarget::Mutations, Fault::LoseResponse);
    let report = shop.sync().await;
    assert_eq!(outcome(&report, "#1006").0, ResultOutcome::Failed);
    assert_eq!(
        shop.sandbox.mutations_applied(),
        1,
        "the create was applied"
    );
    let report = shop.sync().await;
    assert_eq!(outcome(&report, "#1006").0, ResultOutcome::AlreadySynced);
    assert_eq!(tracking_of(&shop, &gid).len(), 1, "exactly one fulfillment");
    assert_eq!(shop.sandbox.mutations_applied(), 1);
}

#[tokio::test]
async fn reads_survive_server_errors_and_slow_replies() {
    let shop = shop(SandboxOptions::default(), false).await;
    shop.order("#1007", &["東京倉庫"], Carrier::Yamato, "444413758703")
        .await;
    shop.sandbox.inject(FaultTarget::Reads, Fault::ServerError);
    shop.sandbox.inject(FaultTarget::Reads, Fault::Malformed);
    shop.sandbox.inject(
        FaultTarget::Any,
        Fault::TooManyRequests {
            retry_after_secs: 0,
        },
    );
    // Beyond the client's 2 s timeout: the read is abandoned and retried.
    shop.sandbox
        .inject(FaultTarget::Reads, Fault::Slow(Duration::from_millis(2500)));
    let requests = shop.sandbox.requests();
    let report = shop.sync().await;
    assert_eq!((report.written, report.failed), (1, 0), "{report:?}");
    assert_eq!(
        shop.sandbox.requests() - requests,
        6,
        "4 failed reads, one good read, one create: {:?}",
        shop.sandbox.log()
    );
    assert_eq!(shop.sandbox.mutations_applied(), 1);
}

#[tokio::test]
async fn a_slow_create_is_confirmed_by_reading_not_repeated() {
    let shop = shop(SandboxOptions::default(), false).await;
    let gid = shop
        .order("#1010", &["東京倉庫"], Carrier::Yamato, "444413758703")
        .await;
    shop.sandbox.inject(
        FaultTarget::Mutations,
        Fault::Slow(Duration::from_millis(2500)),
    );
    let report = shop.sync().await;
    assert_eq!(
        outcome(&report, "#1010").0,
        ResultOutcome::Failed,
        "timed out: outcome unknown"
    );
    tokio::time::sleep(Duration::from_millis(700)).await; // the sandbox finishes the create
    let report = shop.sync().await;
    assert_eq!(outcome(&report, "#1010").0, ResultOutcome::AlreadySynced);
    assert_eq!(tracking_of(&shop, &gid).len(), 1);
}

#[tokio::test]
async fn the_customer_is_notified_once_at_most() {
    let shop = shop(SandboxOptions::default(), true).await;
    let gid = shop
        .order(
            "#1008",
            &["東京倉庫", "大阪倉庫"],
            Carrier::Yamato,
            "444413758703",
        )
        .await;
    shop.sync().await;
    shop.set_tracking("#1008", "483484399683").await;
    shop.sync().await;
    assert_eq!(shop.sandbox.order(&gid).expect("order").notifications, 1);
}

#[tokio::test]
async fn a_wrong_token_is_a_clear_failure() {
    let mut shop = shop(SandboxOptions::default(), false).await;
    let client = client_for(&shop.sandbox, "shpat_wrong");
    shop.connector = ShopifyConnector::new(client, false);
    shop.order("#1009", &["東京倉庫"], Carrier::Yamato, "444413758703")
        .await;
    let report = shop.sync().await;
    let (result, detail) = outcome(&report, "#1009");
    assert_eq!(result, ResultOutcome::Failed);
    assert!(
        detail.contains("refused the access token") && !detail.contains("shpat_wrong"),
        "{detail}"
    );
}

/// Issue 13: "a 401 is tried again for every order". A rejected token stops the run at the
/// first order; the others are not reached and stay pending.
#[tokio::test]
async fn a_rejected_token_stops_the_run_at_the_first_order() {
    let mut shop = shop(SandboxOptions::default(), false).await;
    let client = client_for(&shop.sandbox, "shpat_wrong");
    shop.connector = ShopifyConnector::new(client, false);
    for i in 0..5 {
        shop.order(
            &format!("#20{i}"),
            &["東京倉庫"],
            Carrier::Yamato,
            "444413758703",
        )
        .await;
    }
    let before = shop.sandbox.requests();
    let report = shop.sync().await;
    assert_eq!(report.stopped, Some(hassou::sync::StoreDown::TokenRejected));
    assert_eq!(report.failed, 1, "{report:?}");
    let not_reached = report
        .results
        .iter()
        .filter(|r| r.outcome == ResultOutcome::NotReached)
        .count();
    assert_eq!(not_reached, 4, "{report:?}");
    assert_eq!(
        shop.sandbox.requests() - before,
        2,
        "the read ahead and the first order's own read, not one per order"
    );
}

/// Issue 13: "a store that accepts connections and never answers costs ~86 s per order and the
/// run goes on order by order". Three orders that cannot reach the store stop the run.
#[tokio::test]
async fn a_store_that_never_answers_stops_the_run_after_three_orders() {
    // Accepts connections, reads, never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let client = ShopifyClient::new(
        &format!("http://{address}").parse().expect("url"),
        "2026-07",
        SecretString::from("shpat_sandbox".to_owned()),
        ClientOptions {
            timeout: Duration::from_millis(200),
            read_attempts: 2,
            ..ClientOptions::default()
        },
    )
    .expect("client");
    let shop = shop(SandboxOptions::default(), false).await;
    for i in 0..10 {
        shop.order(
            &format!("#30{i}"),
            &["東京倉庫"],
            Carrier::Yamato,
            "444413758703",
        )
        .await;
    }
    let connector = ShopifyConnector::new(client, false);
    let started = std::time::Instant::now();
    let report = common::sync_run(&shop.db, &connector, RuleSettings::default(), "test").await;
    assert_eq!(
        report.stopped,
        Some(hassou::sync::StoreDown::Unreachable),
        "{report:?}"
    );
    assert_eq!(report.failed, 3, "{report:?}");
    assert_eq!(
        report
            .results
            .iter()
            .filter(|r| r.outcome == ResultOutcome::NotReached)
            .count(),
        7
    );
    // 3 orders × 2 attempts × 200 ms, plus the pauses between attempts: seconds, not minutes.
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    // They stay pending for the next run.
    let again = common::sync_run(&shop.db, &shop.connector, RuleSettings::default(), "test").await;
    assert_eq!(again.written, 10, "{again:?}");
}

#[tokio::test]
async fn pull_pages_through_every_changed_order() {
    use hassou::sync::Connector;
    let shop = shop(SandboxOptions::default(), false).await;
    let created = Utc::now() - chrono::Duration::days(3);
    for i in 0..120 {
        shop.sandbox.add_order(
            &format!("#6{i:03}"),
            "田中 健",
            created + chrono::Duration::seconds(i),
            &["東京倉庫"],
        );
    }
    let pulled = shop
        .connector
        .pull(Utc::now() - chrono::Duration::days(7))
        .await
        .expect("pull");
    assert_eq!(pulled.len(), 120, "six pages of 20");
    let summary = shop
        .db
        .record_pull(&pulled, true, Utc::now())
        .await
        .expect("record");
    assert_eq!((summary.new, summary.unchanged), (120, 0));
    // Nothing changed at the store: a second pull changes nothing here.
    let pulled = shop
        .connector
        .pull(Utc::now() - chrono::Duration::days(7))
        .await
        .expect("pull");
    let summary = shop
        .db
        .record_pull(&pulled, true, Utc::now())
        .await
        .expect("record");
    assert_eq!((summary.new, summary.unchanged), (0, 120));
    let none = shop
        .connector
        .pull(Utc::now() + chrono::Duration::days(1))
        .await
        .expect("pull");
    assert!(none.is_empty(), "the updated_at filter is applied");
}

#[tokio::test]
async fn pull_records_cancellations_and_payments_and_keeps_the_operators_fields() {
    use hassou::sync::Connector;
    let shop = shop(SandboxOptions::default(), false).await;
    let recent = Utc::now() - chrono::Duration::days(2);
    let a = shop
        .sandbox
        .add_order("#5001", "山田 太郎", recent, &["東京倉庫"]);
    let b = shop
        .sandbox
        .add_order("#5002", "佐藤 花子", recent, &["東京倉庫"]);
    let old = shop.sandbox.add_order(
        "#5003",
        "鈴木 一郎",
        Utc::now() - chrono::Duration::days(20),
        &["東京倉庫"],
    );
    for gid in [&b, &old] {
        shop.sandbox.update_order(gid, |o| o.paid_at = None);
    }
    let since = Utc::now() - chrono::Duration::days(30);
    let pulled = shop.connector.pull(since).await.expect("pull");
    shop.db
        .record_pull(&pulled, true, Utc::now())
        .await
        .expect("record");
    for number in ["#5001", "#5002", "#5003"] {
        let o = shop
            .db
            .find_orders(number, None)
            .await
            .expect("find")
            .remove(0);
        assert_eq!(
            o.order.status,
            OrderStatus::New,
            "a new order starts as new"
        );
    }
    // The operator works on them.
    let first = shop
        .db
        .find_orders("#5001", None)
        .await
        .expect("find")
        .remove(0);
    let edit = OrderEdit {
        status: Some(OrderStatus::Processed),
        tracking: Some(Tracking::parse("444413758703")),
        ..OrderEdit::default()
    };
    shop.db
        .edit_order(&first, &edit, Utc::now())
        .await
        .expect("edit");
    for number in ["#5002", "#5003"] {
        let o = shop
            .db
            .find_orders(number, None)
            .await
            .expect("find")
            .remove(0);
        let edit = OrderEdit {
            status: Some(OrderStatus::AwaitingPayment),
            ..OrderEdit::default()
        };
        shop.db
            .edit_order(&o, &edit, Utc::now())
            .await
            .expect("edit");
    }
    // At the store: #5001 is cancelled, #5002 and #5003 are paid.
    let later = Utc::now();
    shop.sandbox.update_order(&a, |o| {
        o.cancelled_at = Some(later);
        o.updated_at = later;
    });
    for gid in [&b, &old] {
        shop.sandbox.update_order(gid, |o| {
            o.paid_at = Some(later);
            o.updated_at = later;
        });
    }
    let pulled = shop.connector.pull(since).await.expect("pull");
    let summary = shop
        .db
        .record_pull(&pulled, true, Utc::now())
        .await
        .expect("record");
    assert_eq!((summary.cancelled, summary.paid), (1, 1), "{summary:?}");
    let a = shop
        .db
        .find_orders("#5001", None)
        .await
        .expect("find")
        .remove(0);
    assert_eq!(a.order.status, OrderStatus::Cancelled);
    assert_eq!(
        a.order.tracking,
        Tracking::parse("444413758703"),
        "the operator's tracking stays"
    );
    let b = shop
        .db
        .find_orders("#5002", None)
        .await
        .expect("find")
        .remove(0);
    assert_eq!(
        b.order.status,
        OrderStatus::AwaitingShipment,
        "入金待ち → 発送待ち once paid"
    );
    let old = shop
        .db
        .find_orders("#5003", None)
        .await
        .expect("find")
        .remove(0);
    assert_eq!(
        old.order.status,
        OrderStatus::AwaitingPayment,
        "ordered over 10 days ago: 入金日 is not taken"
    );
}

#[tokio::test]
async fn other_carriers_go_by_name_with_the_configured_tracking_url() {
    use hassou::channels::shopify::carriers::UrlTemplates;
    let mut shop = shop(SandboxOptions::default(), false).await;
    let client = client_for(&shop.sandbox, "shpat_sandbox");
    let templates = std::collections::BTreeMap::from([(
        "DHL Express".to_owned(),
        "https://www.dhl.com/track?id={number}".to_owned(),
    )]);
    shop.connector =
        ShopifyConnector::new(client, false).with_tracking_urls(UrlTemplates::with(&templates));
    let gid = shop
        .order(
            "#1011",
            &["東京倉庫"],
            Carrier::Other("DHL Express".into()),
            "JD014600006281",
        )
        .await;
    shop.sync().await;
    assert_eq!(
        tracking_of(&shop, &gid),
        vec![vec![(
            Some("DHL Express".into()),
            "JD014600006281".into(),
            Some("https://www.dhl.com/track?id=JD014600006281".into())
        )]]
    );
}

impl Shop {
    /// A pull as `hassou pull` does it: what Shopify holds of every order, kept with it.
    async fn pull(&self) {
        let pulled = self
            .connector
            .pull(Utc::now() - chrono::Duration::days(30))
            .await
            .expect("pull");
        self.db
            .record_pull(&pulled, false, Utc::now())
            .await
            .expect("record pull");
    }

    fn count(&self, line: &str) -> usize {
        self.sandbox.log().iter().filter(|l| *l == line).count()
    }
}

/// Issue 14: after a pull, a write is the create alone (the pull kept the fulfillment orders),
/// one per location, at about 11 points.
#[tokio::test]
async fn after_a_pull_each_order_is_one_create_per_location() {
    let shop = shop(SandboxOptions::default(), true).await;
    for i in 0..10 {
        shop.order(
            &format!("#7{i:03}"),
            &["東京倉庫"],
            Carrier::Yamato,
            "444413758703",
        )
        .await;
    }
    let two = shop
        .order(
            "#7100",
            &["東京倉庫", "大阪倉庫"],
            Carrier::Sagawa,
            "512547514334",
        )
        .await;
    shop.pull().await;
    let (requests, spent) = (shop.sandbox.requests(), shop.sandbox.points_spent());
    let report = shop.sync().await;
    assert_eq!((report.written, report.failed), (11, 0), "{report:?}");
    assert_eq!(
        shop.sandbox.requests() - requests,
        12,
        "{:?}",
        shop.sandbox.log()
    );
    assert_eq!(shop.count("Order ok"), 0, "no read before a create");
    assert_eq!(shop.sandbox.mutations_applied(), 12);
    let points = shop.sandbox.points_spent() - spent;
    // 11 a create, Shopify's floor: the mutation and its fulfillment (whose name says whose it
    // is, so an answer about another order is still caught: issue 23), no tracking answered.
    assert_eq!(points, 12.0 * 11.0, "{points} points for 12 creates");
    // The customer is told once per order, by its first create.
    let order = shop.sandbox.order(&two).expect("order");
    assert_eq!((order.fulfillments.len(), order.notifications), (2, 1));
    // Nothing left: the next run sends nothing.
    let again = shop.sync().await;
    assert_eq!((again.written, again.already_synced), (0, 11));
    assert_eq!(shop.sandbox.mutations_applied(), 12);
}

/// Issue 14: a fulfillment order the pull saw open was moved to another location at Shopify
/// before the sync: the create is refused, the order is read once, and one fulfillment is made
/// at the new location — none at the old, none twice.
#[tokio::test]
async fn a_fulfillment_order_moved_after_the_pull_costs_one_read_and_no_duplicate() {
    let shop = shop(SandboxOptions::default(), true).await;
    let gid = shop
        .order("#7200", &["東京倉庫"], Carrier::Yamato, "444413758703")
        .await;
    shop.pull().await;
    shop.sandbox.update_order(&gid, |o| {
        let old = &mut o.fulfillment_orders[0];
        old.status = "CLOSED".into();
        old.remaining = 0;
        let mut moved = old.clone();
        moved.id = format!("{}9", moved.id);
        moved.status = "OPEN".into();
        moved.remaining = 1;
        moved.location_name = "大阪倉庫".into();
        moved.location_id = "gid://shopify/Location/999".into();
        o.fulfillment_orders.push(moved);
    });
    let report = shop.sync().await;
    assert_eq!(
        outcome(&report, "#7200").0,
        ResultOutcome::Fulfilled,
        "{report:?}"
    );
    assert_eq!(shop.count("Order ok"), 1, "{:?}", shop.sandbox.log());
    assert_eq!(
        shop.count("FulfillmentCreate ok"),
        2,
        "the refused one, then the one that went"
    );
    let order = shop.sandbox.order(&gid).expect("order");
    assert_eq!(order.fulfillments.len(), 1);
    assert_eq!(order.notifications, 1);
    assert_eq!(shop.sandbox.mutations_applied(), 1);
}

/// Issue 14: the order was fulfilled at Shopify (by hand, other tracking) after the pull: the
/// create is refused as closed, the read finds the fulfillment, and its tracking is updated — no
/// second fulfillment, no second notification.
#[tokio::test]
async fn an_order_fulfilled_elsewhere_after_the_pull_is_updated_not_fulfilled_again() {
    let shop = shop(SandboxOptions::default(), true).await;
    let gid = shop
        .order("#7300", &["東京倉庫"], Carrier::Yamato, "444413758703")
        .await;
    shop.pull().await;
    shop.sandbox.update_order(&gid, |o| {
        o.fulfillment_orders[0].status = "CLOSED".into();
        o.fulfillment_orders[0].remaining = 0;
        o.fulfillments
            .push(hassou::sandbox::shopify::SandboxFulfillment {
                id: "gid://shopify/Fulfillment/77".into(),
                status: "SUCCESS".into(),
                created_at: Utc::now(),
                tracking: vec![(Some("Other".into()), "X1".into(), None)],
            });
        o.notifications = 1;
    });
    let report = shop.sync().await;
    assert_eq!(
        outcome(&report, "#7300").0,
        ResultOutcome::TrackingUpdated,
        "{report:?}"
    );
    assert_eq!(shop.count("Order ok"), 1, "{:?}", shop.sandbox.log());
    let order = shop.sandbox.order(&gid).expect("order");
    assert_eq!(order.fulfillments.len(), 1);
    assert_eq!(order.notifications, 1);
    assert_eq!(
        tracking_of(&shop, &gid),
        vec![vec![(
            Some("Yamato (JA)".into()),
            "444413758703".into(),
            None
        )]]
    );
}

/// Issue 14: orders never pulled are read ahead together (`nodes(ids:)`, as many as the bucket
/// holds: two until Shopify has told its size, then eight), then each gets its create — 10 orders
/// in 12 requests, not 20.
#[tokio::test]
async fn never_pulled_orders_are_read_several_a_request() {
    let shop = shop(SandboxOptions::default(), false).await;
    for i in 0..10 {
        shop.order(
            &format!("#8{i:03}"),
            &["東京倉庫"],
            Carrier::Yamato,
            "444413758703",
        )
        .await;
    }
    let report = shop.sync().await;
    assert_eq!((report.written, report.failed), (10, 0), "{report:?}");
    let log = shop.sandbox.log();
    // Two first (the bucket's size is not known yet), then eight at once.
    assert_eq!(shop.count("Nodes ok"), 2, "{log:?}");
    assert_eq!(shop.count("Order ok"), 0, "{log:?}");
    assert_eq!(shop.count("FulfillmentCreate ok"), 10, "{log:?}");
    assert_eq!(shop.sandbox.mutations_applied(), 10);
}

/// A read taken ahead is used only while the order's store record is as it was: an order
/// attempted in between (its record marked in flight) is read again by its write.
#[tokio::test]
async fn a_read_ahead_is_not_used_once_the_order_was_attempted() {
    let shop = shop(SandboxOptions::default(), false).await;
    for name in ["#8101", "#8102"] {
        shop.order(name, &["東京倉庫"], Carrier::Yamato, "444413758703")
            .await;
    }
    let mut stored = Vec::new();
    for name in ["#8101", "#8102"] {
        stored.push(
            shop.db
                .find_orders(name, None)
                .await
                .expect("find")
                .remove(0),
        );
    }
    shop.connector
        .prefetch(&stored.iter().collect::<Vec<_>>())
        .await;
    let wanted = ShippingWrite::Shopify {
        tracking: vec!["444413758703".into()],
        carrier: Some(hassou::domain::Carrier::Yamato),
    };
    shop.connector
        .write(&stored[0], &wanted)
        .await
        .expect("#8101");
    let mut attempted = stored[1].clone();
    attempted.remote.in_flight_since = Some(now());
    shop.connector
        .write(&attempted, &wanted)
        .await
        .expect("#8102");
    assert_eq!(
        shop.sandbox.log(),
        [
            "Nodes ok",
            "FulfillmentCreate ok",
            "Order ok",
            "FulfillmentCreate ok"
        ]
    );
}

/// Issue 23: an answer about another order (a store or proxy mixing answers up) is never
/// planned from: before, a read of #3002 answered with #3003 fulfilled and notified #3003 with
/// #3002's tracking, and recorded #3002 as synced.
#[tokio::test]
async fn an_answer_about_another_order_writes_nothing() {
    let shop = shop(SandboxOptions::default(), true).await;
    let asked = shop
        .order("#3002", &["東京倉庫"], Carrier::Yamato, "444413758703")
        .await;
    let other = shop
        .order("#3003", &["東京倉庫"], Carrier::Sagawa, "512547514334")
        .await;
    shop.sandbox.swap_reads(&asked, &other);
    let report = shop.sync().await;
    let (result, detail) = outcome(&report, "#3002");
    assert_eq!(result, ResultOutcome::Failed, "{detail}");
    assert!(detail.contains("#3003"), "{detail}");
    assert!(
        tracking_of(&shop, &asked).is_empty(),
        "nothing written to #3002"
    );
    // #3003 got its own write, once, with its own tracking, and one notification.
    assert_eq!(outcome(&report, "#3003").0, ResultOutcome::Fulfilled);
    assert_eq!(
        tracking_of(&shop, &other),
        vec![vec![(
            Some("Sagawa (JA)".into()),
            "512547514334".into(),
            None
        )]]
    );
    assert_eq!(shop.sandbox.order(&other).expect("order").notifications, 1);
    assert_eq!(shop.sandbox.order(&asked).expect("order").notifications, 0);
    // Once the store answers about the right order, #3002 is written once.
    shop.sandbox.clear_swaps();
    let report = shop.sync().await;
    assert_eq!(outcome(&report, "#3002").0, ResultOutcome::Fulfilled);
    assert_eq!(tracking_of(&shop, &asked).len(), 1);
    assert_eq!(tracking_of(&shop, &other).len(), 1);
    assert_eq!(shop.sandbox.mutations_applied(), 2);
}

/// Issue 23: the `fulfillmentCreate` answer was not checked either. An answer naming another
/// order leaves what Shopify did unknown: the order fails as uncertain, and the next run reads
/// it first — one fulfillment, never two.
#[tokio::test]
async fn a_write_answered_about_another_order_is_uncertain_and_read_next_time() {
    let shop = shop(SandboxOptions::default(), true).await;
    let gid = shop
        .order("#3102", &["東京倉庫"], Carrier::Yamato, "444413758703")
        .await;
    shop.sandbox
        .answer_next_mutation_about("gid://shopify/Order/999999");
    let report = shop.sync().await;
    let (result, detail) = outcome(&report, "#3102");
    assert_eq!(result, ResultOutcome::Failed, "{detail}");
    assert!(detail.contains("999999"), "{detail}");
    assert_eq!(
        shop.sandbox.mutations_applied(),
        1,
        "the create was applied"
    );
    let report = shop.sync().await;
    assert_eq!(outcome(&report, "#3102").0, ResultOutcome::AlreadySynced);
    assert_eq!(tracking_of(&shop, &gid).len(), 1, "exactly one fulfillment");
    assert_eq!(shop.sandbox.order(&gid).expect("order").notifications, 1);
}

/// A write's answer is checked against what was asked: its fulfillment must be the order's
/// (above) and must have taken (`SUCCESS`). Answered otherwise, what Shopify holds is unknown:
/// the order fails as uncertain and the next run reads it first — one fulfillment, never two.
#[tokio::test]
async fn a_write_answered_with_a_fulfillment_not_taken_is_read_next_time() {
    let shop = shop(SandboxOptions::default(), true).await;
    let gid = shop
        .order("#3103", &["東京倉庫"], Carrier::Yamato, "444413758703")
        .await;
    shop.sandbox.answer_next_mutation_with_status("ERROR");
    let report = shop.sync().await;
    let (result, detail) = outcome(&report, "#3103");
    assert_eq!(result, ResultOutcome::Failed, "{detail}");
    assert!(detail.contains("ERROR"), "{detail}");
    let report = shop.sync().await;
    assert_eq!(outcome(&report, "#3103").0, ResultOutcome::AlreadySynced);
    assert_eq!(tracking_of(&shop, &gid).len(), 1, "exactly one fulfillment");
    assert_eq!(shop.sandbox.mutations_applied(), 1);
}
