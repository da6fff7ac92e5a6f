//! Issue 22: several shops in one database. Two Shopify and two カラーミー sandbox stores, each
//! with its own token, hold the *same* order numbers; one hassou writes each order to its own
//! store and never to another:
//! - through the binary, on SQLite and PostgreSQL: `[stores.NAME]` tables (tokens in the file
//!   and in `HASSOU_TOKEN_NAME`), an order file naming stores, `sync --all`, and the command
//!   line's answers for a number in two stores, a channel with two stores and an unknown store;
//! - under the fault injection of `tests/proofs.rs` (30 % of requests), the four stores' runs at
//!   once on one database, on both backends: 0 duplicates, 0 lost, 0 written elsewhere.
#![allow(clippy::panic)] // a test fails by panicking

mod common;

use std::path::Path;
use std::time::Duration;

use hassou::db::Db;
use hassou::domain::{Channel, Order, Period, RuleSettings, StatusOption, Store};
use hassou::sandbox::RandomFaults;
use hassou::sandbox::colorme::{ColormeSandboxOptions, SandboxColorme};
use hassou::sandbox::shopify::{SandboxOptions, SandboxShopify};
use hassou::sync::Connector;
use serde_json::Value;

fn made() -> chrono::DateTime<chrono::Utc> {
    common::t("2026-11-20T10:00:00+09:00")
}

async fn shopify_sandbox(token: &str) -> SandboxShopify {
    SandboxShopify::start(
        0,
        SandboxOptions {
            token: token.into(),
            ..SandboxOptions::default()
        },
    )
    .await
    .expect("sandbox")
}

async fn colorme_sandbox(token: &str) -> SandboxColorme {
    SandboxColorme::start(
        0,
        ColormeSandboxOptions {
            token: token.into(),
            rate_limit: None,
            ..ColormeSandboxOptions::default()
        },
    )
    .await
    .expect("sandbox")
}

fn hassou(config: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut command = common::hassou_at_edit_clock(config, args);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("run hassou")
}

fn json_lines(out: &std::process::Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// Two Shopify stores (`jp`, `us`) and two カラーミー stores (`main`, `outlet`) with the same
/// numbers, through the binary on the database at `url`.
async fn four_stores_through_the_binary(url: &str) {
    let jp = shopify_sandbox("shpat_jp").await;
    let us = shopify_sandbox("shpat_us").await;
    let main = colorme_sandbox("cm_main").await;
    let outlet = colorme_sandbox("cm_outlet").await;
    let jp_gid = jp.add_order("#1001", "山田 太郎", made(), &["東京倉庫"]);
    let us_gid = us.add_order("#1001", "Jane Doe", made(), &["New York"]);
    main.add_sale(801, "山田 太郎", made(), 1);
    outlet.add_sale(801, "佐藤 花子", made(), 1);

    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("config.toml");
    // The us and outlet tokens come from HASSOU_TOKEN_US / HASSOU_TOKEN_OUTLET.
    common::write_config(
        &config,
        format!(
            "[database]\nurl = \"{url}\"\n[shop]\nlanguage = \"en\"\n\
             [stores.jp]\nchannel = \"shopify\"\nshop_url = \"{}\"\naccess_token = \"shpat_jp\"\n\
             [stores.us]\nchannel = \"shopify\"\nshop_url = \"{}\"\n\
             [stores.main]\nchannel = \"colorme\"\napi_base = \"{}\"\naccess_token = \"cm_main\"\n\
             [stores.outlet]\nchannel = \"colorme\"\napi_base = \"{}\"\n\
             [stores.outlet.sync]\nperiod_days = 5\n",
            jp.url(),
            us.url(),
            main.url(),
            outlet.url()
        ),
    )
    .expect("config");
    let env = [
        ("HASSOU_TOKEN_US", "shpat_us"),
        ("HASSOU_TOKEN_OUTLET", "cm_outlet"),
    ];
    let orders = dir.path().join("orders.csv");
    std::fs::write(
        &orders,
        format!(
            "channel,remote_id,number,status,ordered_at,updated_at,shipped_on,carrier,tracking\n\
             jp,{jp_gid},#1001,processed,2026-11-20T10:00:00+09:00,2026-11-23T10:00:00+09:00,2026-11-23,yamato,444413758703\n\
             us,{us_gid},#1001,processed,2026-11-20T10:00:00+09:00,2026-11-23T10:00:00+09:00,2026-11-23,sagawa,483484399683\n\
             main,801,801,processed,2026-11-20T10:00:00+09:00,2026-11-23T10:00:00+09:00,2026-11-23,yamato,390459983082\n\
             outlet,801,801,processed,2026-11-20T10:00:00+09:00,2026-11-23T10:00:00+09:00,2026-11-23,yamato,405548424886\n"
        ),
    )
    .expect("orders");
    let out = hassou(
        &config,
        &["orders", "import", orders.to_str().expect("path")],
        &env,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A number in two stores needs --store, naming both; a channel of two stores is not a
    // store; an unknown store names the configured ones.
    let out = hassou(&config, &["order", "#1001", "show"], &env);
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("jp") && said.contains("us"), "{said}");
    let out = hassou(&config, &["order", "#1001", "--store", "us", "show"], &env);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("483484399683"));
    let out = hassou(&config, &["sync", "shopify"], &env);
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("jp, us"), "{said}");
    let out = hassou(&config, &["pull", "amazon"], &env);
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("jp, us, main, outlet"), "{said}");

    let out = hassou(&config, &["sync", "--all", "--json"], &env);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // SPEC §3: each object leads with its store's name and channel.
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .starts_with(r#"{"store":"jp","channel":"shopify","dry_run":false,"#),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let reports = json_lines(&out);
    let written: Vec<(String, u64)> = reports
        .iter()
        .map(|r| {
            (
                r["store"].as_str().unwrap_or_default().to_owned(),
                r["written"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        written,
        [
            ("jp".into(), 1),
            ("us".into(), 1),
            ("main".into(), 1),
            ("outlet".into(), 1)
        ]
    );
    assert_eq!(reports[0]["channel"], "shopify");
    assert_eq!(reports[3]["channel"], "colorme");
    // Each store holds its own order's values, written once with its own token.
    let tracking = |sandbox: &SandboxShopify, gid: &str| {
        let order = sandbox.order(gid).expect("order");
        assert_eq!(order.fulfillments.len(), 1, "{order:?}");
        order.fulfillments[0].tracking[0].1.clone()
    };
    assert_eq!(tracking(&jp, &jp_gid), "444413758703");
    assert_eq!(tracking(&us, &us_gid), "483484399683");
    assert_eq!((jp.mutations_applied(), us.mutations_applied()), (1, 1));
    let slip = |sandbox: &SandboxColorme| {
        let sale = sandbox.sale(801).expect("sale");
        assert!(sale.delivered(), "{sale:?}");
        sale.deliveries[0].slip_number.clone().unwrap_or_default()
    };
    assert_eq!(slip(&main), "390459983082");
    assert_eq!(slip(&outlet), "405548424886");
    // Nothing left anywhere; settings are each store's own.
    let out = hassou(&config, &["sync", "--all", "--json"], &env);
    assert_eq!(out.status.code(), Some(0));
    assert!(json_lines(&out).iter().all(|r| r["written"] == 0));
    assert_eq!((jp.mutations_applied(), us.mutations_applied()), (1, 1));
    let status = json_lines(&hassou(&config, &["status", "--json"], &env));
    let period = |store: &str| {
        status
            .iter()
            .find(|s| s["store"] == store)
            .map(|s| s["settings"]["period_days"].clone())
    };
    assert_eq!(period("outlet"), Some(5.into()));
    assert_eq!(period("main"), Some(3.into()));
    // Without the us token the store is not configured: named alone, its run is refused.
    let out = hassou(&config, &["pull", "us"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("HASSOU_TOKEN_US"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_stores_on_sqlite_each_order_to_its_own_store() {
    let dir = tempfile::tempdir().expect("dir");
    four_stores_through_the_binary(&format!("sqlite://{}", dir.path().join("h.db").display()))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_stores_on_postgres_each_order_to_its_own_store() {
    if let Some(url) = common::postgres_database().await {
        four_stores_through_the_binary(&url).await;
    }
}

/// Orders per store in the fault proof (the same numbers in each store of a channel).
const ORDERS: usize = 150;
/// A reply this late is abandoned by the clients below (timeout 150 ms).
const SLOW: Duration = Duration::from_millis(250);

fn tracking(store: usize, i: usize) -> String {
    // A valid 7DR number (the last digit is the first eleven mod 7), different in each store.
    let body = 30_000_000_000u64 + (store as u64) * 1_000_000 + i as u64;
    format!("{body}{}", body % 7)
}

/// Runs until a run writes nothing, fails nothing and stops for nothing (at most 60 runs).
async fn until_settled(db: &Db, connector: &impl Connector, settings: RuleSettings) -> u32 {
    for run in 1..=60 {
        let report = common::sync_run(db, connector, settings, "proof").await;
        if report.written == 0 && report.failed == 0 && report.stopped.is_none() {
            return run;
        }
    }
    panic!("{} not settled after 60 runs", connector.store());
}

async fn four_stores_under_faults(db: Db) {
    let stores = [
        Store::register("proof-jp", Channel::Shopify).expect("jp"),
        Store::register("proof-us", Channel::Shopify).expect("us"),
        Store::register("proof-main", Channel::Colorme).expect("main"),
        Store::register("proof-outlet", Channel::Colorme).expect("outlet"),
    ];
    db.adopt_stores(&stores).await.expect("stores");
    let big = SandboxOptions {
        bucket_size: 1e9,
        restore_rate: 1e9,
        ..SandboxOptions::default()
    };
    let jp = SandboxShopify::start(
        0,
        SandboxOptions {
            token: "shpat_jp".into(),
            ..big.clone()
        },
    )
    .await
    .expect("sandbox");
    let us = SandboxShopify::start(
        0,
        SandboxOptions {
            token: "shpat_us".into(),
            ..big
        },
    )
    .await
    .expect("sandbox");
    let main = colorme_sandbox("cm_main").await;
    let outlet = colorme_sandbox("cm_outlet").await;
    let mut orders = Vec::new();
    let mut gids = [Vec::new(), Vec::new()];
    for i in 0..ORDERS {
        let number = format!("#{}", 10_000 + i);
        for (s, sandbox) in [&jp, &us].into_iter().enumerate() {
            let gid = sandbox.add_order(&number, "山田 太郎", made(), &["東京倉庫"]);
            orders.push(Order {
                remote_id: gid.clone(),
                ..common::target_order(stores[s], &number, &tracking(s, i))
            });
            gids[s].push(gid);
        }
        let id = 20_000_000 + i as i64;
        for (s, sandbox) in [(2, &main), (3, &outlet)] {
            sandbox.add_sale(id, "山田 太郎", made(), 1);
            orders.push(Order {
                remote_id: id.to_string(),
                ..common::target_order(stores[s], &id.to_string(), &tracking(s, i))
            });
        }
    }
    db.upsert_orders(&orders, common::as_of())
        .await
        .expect("seed");
    let connectors = (
        common::impatient_shopify(&jp.url(), "shpat_jp").for_store(stores[0]),
        common::impatient_shopify(&us.url(), "shpat_us").for_store(stores[1]),
        common::impatient_colorme(&main.url(), "cm_main").for_store(stores[2]),
        common::impatient_colorme(&outlet.url(), "cm_outlet").for_store(stores[3]),
    );
    for (seed, sandbox) in [(1, &jp), (2, &us)] {
        sandbox.fault_randomly(RandomFaults::new(0.30, seed, SLOW));
    }
    for (seed, sandbox) in [(3, &main), (4, &outlet)] {
        sandbox.fault_randomly(RandomFaults::new(0.30, seed, SLOW));
    }
    let shopify = RuleSettings::default();
    let colorme = RuleSettings {
        period: Period::DEFAULT,
        statuses: StatusOption::ProcessedOnly,
        shipped_date_only: true,
    };
    // The four stores' runs at once, on one database.
    let runs = tokio::join!(
        until_settled(&db, &connectors.0, shopify),
        until_settled(&db, &connectors.1, shopify),
        until_settled(&db, &connectors.2, colorme),
        until_settled(&db, &connectors.3, colorme),
    );
    let injected = jp.random_faults_injected()
        + us.random_faults_injected()
        + main.random_faults_injected()
        + outlet.random_faults_injected();
    let (mut duplicates, mut lost, mut second_mails) = (0, 0, 0);
    for (s, sandbox) in [&jp, &us].into_iter().enumerate() {
        for (i, gid) in gids[s].iter().enumerate() {
            let order = sandbox.order(gid).expect("order");
            match order.fulfillments.len() {
                0 => lost += 1,
                1 => assert_eq!(order.fulfillments[0].tracking[0].1, tracking(s, i), "{gid}"),
                _ => duplicates += 1,
            }
        }
        assert_eq!(sandbox.mutations_applied(), ORDERS as u64, "store {s}");
    }
    for (s, sandbox) in [(2, &main), (3, &outlet)] {
        for i in 0..ORDERS {
            let sale = sandbox.sale(20_000_000 + i as i64).expect("sale");
            let delivery = &sale.deliveries[0];
            if delivery.slip_number.as_deref() != Some(tracking(s, i).as_str())
                || !delivery.delivered
            {
                lost += 1;
            }
            second_mails += sale.mails.len().saturating_sub(1);
        }
    }
    eprintln!(
        "four stores at 30 %: {} orders, {injected} faults injected, runs {runs:?}, \
         {duplicates} duplicates, {second_mails} second mails, {lost} lost",
        ORDERS * 4
    );
    assert!(injected > 0);
    assert_eq!((duplicates, second_mails, lost), (0, 0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_stores_at_once_under_30_percent_faults_on_sqlite() {
    four_stores_under_faults(common::sqlite_db().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_stores_at_once_under_30_percent_faults_on_postgres() {
    if let Some(db) = common::postgres_db().await {
        four_stores_under_faults(db).await;
    }
}
