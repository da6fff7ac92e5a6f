//! `hassou sync shopify` from the real binary against the sandbox Shopify on 127.0.0.1.
#![allow(clippy::panic)] // a test fails by panicking

mod common;

use std::path::Path;

use hassou::sandbox::shopify::{SandboxOptions, SandboxShopify};
use serde_json::Value;
use tokio::process::Command;

async fn hassou(config: &Path, args: &[&str]) -> std::process::Output {
    Command::from(common::hassou_at_edit_clock(config, args))
        .output()
        .await
        .expect("run hassou")
}

#[tokio::test]
async fn sync_shopify_dry_run_then_for_real_then_nothing() {
    let sandbox = SandboxShopify::start(0, SandboxOptions::default())
        .await
        .expect("sandbox");
    let created = chrono::DateTime::parse_from_rfc3339("2026-11-20T10:00:00+09:00")
        .expect("t")
        .to_utc();
    let a = sandbox.add_order("#1001", "山田 太郎", created, &["東京倉庫"]);
    let b = sandbox.add_order("#1002", "佐藤 花子", created, &["東京倉庫"]);
    let c = sandbox.add_order("#1003", "鈴木 一郎", created, &["東京倉庫"]);
    sandbox.update_order(&c, |o| o.fulfillment_orders[0].status = "ON_HOLD".into());

    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("config.toml");
    common::write_config(&config,
        format!(
            "[database]\nurl = \"sqlite://{}\"\n[shopify]\nshop_url = \"{}\"\naccess_token = \"shpat_sandbox\"\n",
            dir.path().join("h.db").display(),
            sandbox.url()
        ),
    )
    .expect("config");
    let orders = dir.path().join("orders.csv");
    std::fs::write(
        &orders,
        format!(
            "channel,remote_id,number,status,ordered_at,updated_at,shipped_on,carrier,tracking\n\
             shopify,{a},#1001,processed,2026-11-20T10:00:00+09:00,2026-11-23T10:00:00+09:00,2026-11-23,yamato,444413758703\n\
             shopify,{b},#1002,processed,2026-11-20T10:00:00+09:00,2026-11-23T10:00:00+09:00,2026-11-23,sagawa,\"512547514334,483484399683\"\n\
             shopify,{c},#1003,processed,2026-11-20T10:00:00+09:00,2026-11-23T10:00:00+09:00,2026-11-23,yamato,390459983082\n"
        ),
    )
    .expect("orders");
    let out = hassou(
        &config,
        &["orders", "import", orders.to_str().expect("path")],
    )
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = hassou(&config, &["sync", "shopify", "--dry-run", "--json"]).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["dry_run"], true);
    assert!(
        report["results"]
            .as_array()
            .expect("results")
            .iter()
            .all(|r| r["outcome"] == "would_write")
    );
    assert_eq!(sandbox.mutations_applied(), 0);

    let out = hassou(&config, &["sync", "shopify", "--json"]).await;
    assert_eq!(
        out.status.code(),
        Some(1),
        "an order failed (on hold): exit 1"
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        (report["written"].as_u64(), report["failed"].as_u64()),
        (Some(2), Some(1))
    );
    let failed = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["number"] == "#1003")
        .expect("#1003");
    assert!(
        failed["detail"]
            .as_str()
            .expect("detail")
            .contains("on hold")
    );

    sandbox.update_order(&c, |o| o.fulfillment_orders[0].status = "OPEN".into());
    let out = hassou(&config, &["sync", "shopify"]).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    // In the language of [shop] language (Japanese by default), like the console.
    assert!(text.contains("書込 1件、反映済み 2件"), "{text}");
    assert_eq!(sandbox.mutations_applied(), 3);
}

#[tokio::test]
async fn sync_without_a_token_is_a_configuration_error() {
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("config.toml");
    common::write_config(&config,
        format!("[database]\nurl = \"sqlite://{}\"\n[shopify]\nshop_url = \"https://example.myshopify.com\"\n", dir.path().join("h.db").display()),
    )
    .expect("config");
    let out = hassou(&config, &["sync", "shopify"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("HASSOU_SHOPIFY_TOKEN"));
}

/// Issue 21: `order N hold` keeps an order from every run — the plan, the dry run and the
/// write — whatever else it would be; `order N show` says who held it, when and why; `release`
/// lets the next run write it.
#[tokio::test]
async fn a_held_order_is_never_written_until_released() {
    let sandbox = SandboxShopify::start(0, SandboxOptions::default())
        .await
        .expect("sandbox");
    let created = chrono::DateTime::parse_from_rfc3339("2026-11-20T10:00:00+09:00")
        .expect("t")
        .to_utc();
    let a = sandbox.add_order("#2001", "山田 太郎", created, &["東京倉庫"]);
    let b = sandbox.add_order("#2002", "佐藤 花子", created, &["東京倉庫"]);
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("config.toml");
    common::write_config(&config,
        format!(
            "[database]\nurl = \"sqlite://{}\"\n[shop]\nlanguage = \"en\"\n[shopify]\nshop_url = \"{}\"\naccess_token = \"shpat_sandbox\"\n",
            dir.path().join("h.db").display(),
            sandbox.url()
        ),
    )
    .expect("config");
    let orders = dir.path().join("orders.csv");
    std::fs::write(
        &orders,
        format!(
            "channel,remote_id,number,status,ordered_at,updated_at,shipped_on,carrier,tracking\n\
             shopify,{a},#2001,processed,2026-11-20T10:00:00+09:00,2026-11-23T10:00:00+09:00,2026-11-23,yamato,444413758703\n\
             shopify,{b},#2002,processed,2026-11-20T10:00:00+09:00,2026-11-23T10:00:00+09:00,2026-11-23,yamato,390459983082\n"
        ),
    )
    .expect("orders");
    let ok = |out: &std::process::Output| {
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    ok(&hassou(
        &config,
        &["orders", "import", orders.to_str().expect("path")],
    )
    .await);
    let said = ok(&hassou(
        &config,
        &["order", "#2002", "hold", "--reason", "address check"],
    )
    .await);
    assert!(said.contains("held"), "{said}");
    let shown = ok(&hassou(&config, &["order", "#2002", "show"]).await);
    assert!(shown.contains("verdict      ineligible"), "{shown}");
    assert!(
        shown.contains("held by") && shown.contains("address check"),
        "{shown}"
    );
    let json: Value =
        serde_json::from_str(&ok(
            &hassou(&config, &["order", "#2002", "show", "--json"]).await
        ))
        .expect("json");
    assert_eq!(json["reasons"][0], "held", "{json}");
    assert_eq!(json["hold"]["reason"], "address check", "{json}");
    // A line break in the reason is refused, nothing changed.
    let out = hassou(&config, &["order", "#2001", "hold", "--reason", "a\nb"]).await;
    assert_eq!(out.status.code(), Some(2));
    // The run writes #2001 only.
    let report: Value =
        serde_json::from_str(&ok(&hassou(&config, &["sync", "shopify", "--json"]).await))
            .expect("json");
    assert_eq!(report["written"], 1, "{report}");
    assert!(
        sandbox.order(&b).expect("b").fulfillments.is_empty(),
        "held: not written"
    );
    // Released: the next run writes it.
    let said = ok(&hassou(&config, &["order", "#2002", "release"]).await);
    assert!(said.contains("released"), "{said}");
    let report: Value =
        serde_json::from_str(&ok(&hassou(&config, &["sync", "shopify", "--json"]).await))
            .expect("json");
    assert_eq!(report["written"], 1, "{report}");
    assert_eq!(sandbox.order(&b).expect("b").fulfillments.len(), 1);
}
