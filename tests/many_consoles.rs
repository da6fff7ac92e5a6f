//! Many consoles, one database: two engines — each with its own connection pool and its own
//! client, as two processes would have — sync the same 500 pending orders at once against the
//! sandbox Shopify. Every order gets exactly one fulfillment, on PostgreSQL and on one SQLite file.
#![allow(clippy::panic)] // a test fails by panicking

mod common;

use std::time::Duration;

use chrono::{DateTime, Utc};
use common::{t, target_order};
use hassou::channels::shopify::client::{ClientOptions, ShopifyClient};
use hassou::channels::shopify::connector::ShopifyConnector;
use hassou::db::Db;
use hassou::domain::{Order, RuleSettings, StatusOption, Store};
use hassou::sandbox::shopify::{SandboxOptions, SandboxShopify};
use hassou::sync::{ResultOutcome, RunReport};
use secrecy::SecretString;

const ORDERS: usize = 500;

fn now() -> DateTime<Utc> {
    t("2026-11-24T12:00:00+09:00")
}

fn connector(sandbox: &SandboxShopify) -> ShopifyConnector {
    let options = ClientOptions {
        timeout: Duration::from_secs(5),
        ..ClientOptions::default()
    };
    let client = ShopifyClient::new(
        &sandbox.url(),
        "2026-07",
        SecretString::from("shpat_sandbox"),
        options,
    )
    .expect("client");
    ShopifyConnector::new(client, false)
}

async fn engine_run(db: Db, sandbox: SandboxShopify, host: &'static str) -> RunReport {
    let settings = RuleSettings {
        statuses: StatusOption::ProcessedOnly,
        ..RuleSettings::default()
    };
    common::sync_run(&db, &connector(&sandbox), settings, host).await
}

/// Two engines on `a` and `b` (the same database) sync 500 orders together.
async fn two_engines_write_each_order_once(a: Db, b: Db) {
    let sandbox = SandboxShopify::start(
        0,
        SandboxOptions {
            bucket_size: 1e9,
            restore_rate: 1e9,
            // A round trip long enough that both engines read an order before either writes it.
            latency: Duration::from_millis(3),
            ..SandboxOptions::default()
        },
    )
    .await
    .expect("sandbox");
    let created = t("2026-11-20T10:00:00+09:00");
    let orders: Vec<Order> = (0..ORDERS)
        .map(|i| {
            let number = format!("#{}", 5000 + i);
            let gid = sandbox.add_order(&number, "山田 太郎", created, &["東京倉庫"]);
            Order {
                remote_id: gid,
                ..target_order(Store::SHOPIFY, &number, "444413758703")
            }
        })
        .collect();
    a.upsert_orders(&orders, now()).await.expect("import");

    let (first, second) = tokio::join!(
        engine_run(a.clone(), sandbox.clone(), "console-a"),
        engine_run(b.clone(), sandbox.clone(), "console-b"),
    );
    let written = first.written + second.written;
    assert_eq!(written, ORDERS as u64, "{first:?}\n{second:?}");
    assert!(
        first.written > 0 && second.written > 0,
        "both engines took part: {} and {}",
        first.written,
        second.written
    );
    assert_eq!(first.failed + second.failed, 0);
    // At the store: one fulfillment per order, no more.
    for order in &orders {
        let held = sandbox.order(&order.remote_id).expect("order");
        assert_eq!(
            held.fulfillments.len(),
            1,
            "{} has {} fulfillments",
            order.number,
            held.fulfillments.len()
        );
    }
    assert_eq!(sandbox.mutations_applied(), ORDERS as u64);
    // And not one create was even sent twice: without the claim, both engines read an order
    // before either writes it, and the store refuses the loser's create (seen: 746 creates).
    let creates = sandbox
        .log()
        .iter()
        .filter(|line| line.starts_with("FulfillmentCreate"))
        .count();
    assert_eq!(creates, ORDERS, "fulfillmentCreate requests sent");
    // Every order's result is one of written, or left to the other / found written.
    for result in first.results.iter().chain(&second.results) {
        assert!(
            matches!(
                result.outcome,
                ResultOutcome::Fulfilled | ResultOutcome::AlreadySynced | ResultOutcome::NotReached
            ),
            "{result:?}"
        );
    }
    // And a third run finds everything synced without a request.
    let before = sandbox.requests();
    let third = engine_run(b, sandbox.clone(), "console-b").await;
    assert_eq!(third.already_synced, ORDERS as u64);
    assert_eq!(sandbox.requests(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_engines_on_one_postgres_database() {
    let Some(mut dbs) = common::postgres_dbs(2).await else {
        return;
    };
    let b = dbs.remove(1);
    let a = dbs.remove(0);
    two_engines_write_each_order_once(a, b).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_engines_on_one_sqlite_file() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("shared.db").display());
    let a = Db::open(&url).await.expect("open a");
    let b = Db::open(&url).await.expect("open b");
    two_engines_write_each_order_once(a, b).await;
}

/// Issue 21: a reconcile racing a sync of the same store (two processes: their own pools and
/// clients). hassou's tracking changed for every order (a correction to send): while the sync
/// updates each fulfillment, the reconcile reads the store back. Every order ends with one
/// fulfillment holding the new values, and the reconcile's findings are true — nothing changed
/// behind hassou, so no drift is recorded, whatever it read mid-write.
async fn a_reconcile_racing_a_sync_finds_no_false_drift(a: Db, b: Db) {
    const N: usize = 80;
    let sandbox = SandboxShopify::start(
        0,
        SandboxOptions {
            bucket_size: 1e9,
            restore_rate: 1e9,
            latency: Duration::from_millis(3),
            ..SandboxOptions::default()
        },
    )
    .await
    .expect("sandbox");
    let created = t("2026-11-20T10:00:00+09:00");
    let mut orders: Vec<Order> = (0..N)
        .map(|i| {
            let number = format!("#{}", 6000 + i);
            let gid = sandbox.add_order(&number, "山田 太郎", created, &["東京倉庫"]);
            Order {
                remote_id: gid,
                ..target_order(Store::SHOPIFY, &number, "444413758703")
            }
        })
        .collect();
    a.upsert_orders(&orders, now()).await.expect("import");
    let first = engine_run(a.clone(), sandbox.clone(), "console-a").await;
    assert_eq!(first.written, N as u64);
    for order in &mut orders {
        order.tracking = hassou::domain::Tracking::parse("390459983082");
        order.updated_at = t("2026-11-24T10:00:00+09:00");
    }
    a.upsert_orders(&orders, now()).await.expect("correction");
    let rules = hassou::domain::ChannelRules::new(
        Store::SHOPIFY,
        RuleSettings::default(),
        now(),
        hassou::domain::ShopTimeZone::jst(),
    );
    let reconciler = connector(&sandbox);
    let (sync, found) = tokio::join!(engine_run(a.clone(), sandbox.clone(), "console-a"), async {
        let mut all = Vec::new();
        for _ in 0..5 {
            let report = hassou::sync::reconcile::reconcile(
                &b,
                &reconciler,
                &rules,
                t("2026-11-01T00:00:00+09:00"),
                "console-b",
            )
            .await
            .expect("reconcile");
            all.extend(report.drift);
        }
        all
    });
    assert_eq!(sync.written, N as u64, "{sync:?}");
    assert!(found.is_empty(), "no false drift: {found:?}");
    for order in &orders {
        let held = sandbox.order(&order.remote_id).expect("order");
        assert_eq!(held.fulfillments.len(), 1, "{}", order.number);
        assert_eq!(held.fulfillments[0].tracking[0].1, "390459983082");
    }
    // And a reconcile now agrees on every order.
    let after = hassou::sync::reconcile::reconcile(
        &b,
        &reconciler,
        &rules,
        t("2026-11-01T00:00:00+09:00"),
        "console-b",
    )
    .await
    .expect("reconcile");
    assert_eq!(
        (after.checked, after.agree),
        (N as u64, N as u64),
        "{after:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconcile_racing_a_sync_on_sqlite_and_postgres() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("race.db").display());
    let a = Db::open(&url).await.expect("open a");
    let b = Db::open(&url).await.expect("open b");
    a_reconcile_racing_a_sync_finds_no_false_drift(a, b).await;
    if let Some(mut dbs) = common::postgres_dbs(2).await {
        let b = dbs.remove(1);
        let a = dbs.remove(0);
        a_reconcile_racing_a_sync_finds_no_false_drift(a, b).await;
    }
}
