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
    // SPEC §3 `{"store","channel",…}`.
    assert_eq!(
        (&report["store"], &report["channel"]),
        (&"shopify".into(), &"shopify".into())
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
        &[
            "order",
            "#2002",
            "--store",
            "shopify",
            "hold",
            "--reason",
            "address check",
        ],
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
    // Not written for a day, the store agreeing: reported as not_written, and not a drift
    // (exit 0); the held order is not listed as waiting.
    let found: Value = serde_json::from_str(&ok(&hassou(
        &config,
        &["reconcile", "shopify", "--json", "--days", "30"],
    )
    .await))
    .expect("json");
    let kinds: Vec<(&str, &str)> = found["drift"]
        .as_array()
        .expect("drift")
        .iter()
        .map(|d| {
            (
                d["number"].as_str().unwrap_or(""),
                d["kind"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(kinds, [("#2001", "not_written")], "{found}");
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

/// Issue 21: the store changed behind hassou. `reconcile` reads every order back in
/// `nodes(ids:)` pages (no more than orders/8 + 5 requests), finds each drift kind, writes
/// nothing; a drifted order is never written by a sync; `resolve --ours` corrects the store with
/// one `fulfillmentTrackingInfoUpdate` (never a second fulfillment); `--store-values` sends
/// nothing; a reconcile afterwards agrees.
#[tokio::test]
async fn reconcile_finds_each_drift_and_resolve_settles_it() {
    use hassou::sandbox::shopify::SandboxFulfillment;
    let sandbox = SandboxShopify::start(0, SandboxOptions::default())
        .await
        .expect("sandbox");
    let created = chrono::DateTime::parse_from_rfc3339("2026-11-20T10:00:00+09:00")
        .expect("t")
        .to_utc();
    let numbers = ["#3001", "#3002", "#3003", "#3004", "#3005", "#3006"];
    let gids: Vec<String> = numbers
        .iter()
        .map(|n| sandbox.add_order(n, "山田 太郎", created, &["東京倉庫"]))
        .collect();
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
    let ok = |out: &std::process::Output, code: i32| {
        assert_eq!(
            out.status.code(),
            Some(code),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let line = |gid: &str, number: &str, tracking: &str| {
        format!(
            "shopify,{gid},{number},processed,2026-11-20T10:00:00+09:00,2026-11-23T10:00:00+09:00,2026-11-23,yamato,{tracking}\n"
        )
    };
    let orders = dir.path().join("orders.csv");
    let mut csv = String::from(
        "channel,remote_id,number,status,ordered_at,updated_at,shipped_on,carrier,tracking\n",
    );
    for (gid, number) in gids.iter().zip(numbers).take(3) {
        csv.push_str(&line(gid, number, "444413758703"));
    }
    std::fs::write(&orders, &csv).expect("orders");
    ok(
        &hassou(
            &config,
            &["orders", "import", orders.to_str().expect("path")],
        )
        .await,
        0,
    );
    ok(&hassou(&config, &["sync", "shopify"]).await, 0);
    // #3004 and #3005 reach hassou after the store changed.
    csv.push_str(&line(&gids[3], "#3004", "390459983082"));
    csv.push_str(&line(&gids[4], "#3005", "390459983082"));
    // #3006: pending since the 23rd, nothing at the store — not written for over stale_after.
    csv.push_str(&line(&gids[5], "#3006", "390459983082"));
    std::fs::write(&orders, &csv).expect("orders");
    ok(
        &hassou(
            &config,
            &["orders", "import", orders.to_str().expect("path")],
        )
        .await,
        0,
    );
    // Behind hassou: #3001 corrected in the admin; #3002's fulfillment cancelled; #3004
    // fulfilled by hand with other tracking; #3005 cancelled; #3003 untouched.
    sandbox.update_order(&gids[0], |o| {
        o.fulfillments[0].tracking =
            vec![(Some("Sagawa (JA)".into()), "512547514334".into(), None)];
    });
    sandbox.update_order(&gids[1], |o| {
        o.fulfillments[0].status = "CANCELLED".into();
        for f in &mut o.fulfillment_orders {
            f.status = "OPEN".into();
            f.remaining = f.quantity;
        }
    });
    sandbox.update_order(&gids[3], |o| {
        o.fulfillments.push(SandboxFulfillment {
            id: "gid://shopify/Fulfillment/999001".into(),
            status: "SUCCESS".into(),
            created_at: created,
            tracking: vec![(Some("Sagawa (JA)".into()), "111122223333".into(), None)],
        });
        for f in &mut o.fulfillment_orders {
            f.status = "CLOSED".into();
            f.remaining = 0;
        }
    });
    sandbox.update_order(&gids[4], |o| o.cancelled_at = Some(created));
    let (requests, mutations) = (sandbox.requests(), sandbox.mutations_applied());
    let out = hassou(&config, &["reconcile", "shopify", "--json", "--days", "30"]).await;
    let found: Value = serde_json::from_str(&ok(&out, 1)).expect("json");
    assert_eq!(
        sandbox.mutations_applied(),
        mutations,
        "a reconcile writes nothing"
    );
    assert!(
        sandbox.requests() - requests <= (numbers.len() / 8 + 5) as u64,
        "{}",
        sandbox.requests() - requests
    );
    let kinds: std::collections::BTreeMap<String, String> = found["drift"]
        .as_array()
        .expect("drift")
        .iter()
        .map(|d| {
            (
                d["number"].as_str().unwrap_or_default().to_owned(),
                d["kind"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        kinds.get("#3001").map(String::as_str),
        Some("store_differs"),
        "{found}"
    );
    assert_eq!(
        kinds.get("#3002").map(String::as_str),
        Some("missing_in_store"),
        "{found}"
    );
    assert_eq!(
        kinds.get("#3004").map(String::as_str),
        Some("fulfilled_elsewhere"),
        "{found}"
    );
    assert_eq!(
        kinds.get("#3005").map(String::as_str),
        Some("cancelled_in_store"),
        "{found}"
    );
    assert_eq!(
        kinds.get("#3006").map(String::as_str),
        Some("not_written"),
        "{found}"
    );
    assert_eq!(kinds.len(), 5, "#3003 agrees: {found}");
    assert_eq!(
        (found["checked"].as_u64(), found["agree"].as_u64()),
        (Some(6), Some(2))
    );
    let first = &found["drift"][0];
    assert!(
        first["advice"]
            .as_str()
            .is_some_and(|a| a.contains("resolve")),
        "{first}"
    );
    assert!(first["store"]["status"].is_string(), "{first}");
    // status says it: the drift count, the last reconcile, and the health it makes.
    let status = ok(&hassou(&config, &["status", "--json"]).await, 0);
    let shopify: Value = status
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v["channel"] == "shopify")
        .expect("shopify");
    assert_eq!(shopify["orders"]["drift"], 4, "{shopify}");
    assert_eq!(shopify["reconcile"]["drift"], 4, "{shopify}");
    assert_eq!(shopify["health"]["state"], "degraded", "{shopify}");
    // A sync writes none of them.
    let report: Value = serde_json::from_str(&ok(
        &hassou(&config, &["sync", "shopify", "--json"]).await,
        0,
    ))
    .expect("json");
    // Only #3006, which is pending (not_written is reported, never a verdict).
    assert_eq!(report["written"], 1, "{report}");
    assert_eq!(sandbox.mutations_applied(), mutations + 1);
    let shown: Value = serde_json::from_str(&ok(
        &hassou(&config, &["order", "#3001", "show", "--json"]).await,
        0,
    ))
    .expect("json");
    assert_eq!(shown["verdict"], "drift", "{shown}");
    // --ours: shown, refused without --yes, then one update of the existing fulfillment.
    let out = hassou(&config, &["order", "#3001", "resolve", "--ours"]).await;
    ok(&out, 2);
    ok(
        &hassou(&config, &["order", "#3001", "resolve", "--ours", "--yes"]).await,
        0,
    );
    // --store-values for #3004: nothing sent, synced.
    ok(
        &hassou(
            &config,
            &["order", "#3004", "resolve", "--store-values", "--yes"],
        )
        .await,
        0,
    );
    let mutations = sandbox.mutations_applied();
    let report: Value = serde_json::from_str(&ok(
        &hassou(&config, &["sync", "shopify", "--json"]).await,
        0,
    ))
    .expect("json");
    assert_eq!(report["written"], 1, "{report}");
    assert_eq!(sandbox.mutations_applied(), mutations + 1, "one update");
    let a = sandbox.order(&gids[0]).expect("a");
    assert_eq!(a.fulfillments.len(), 1, "never a second fulfillment");
    assert_eq!(a.fulfillments[0].tracking[0].1, "444413758703");
    let shown: Value = serde_json::from_str(&ok(
        &hassou(&config, &["order", "#3004", "show", "--json"]).await,
        0,
    ))
    .expect("json");
    assert_eq!(shown["verdict"], "synced", "{shown}");
    assert_eq!(shown["tracking"][0], "111122223333", "{shown}");
    // Again: #3001 and #3004 agree now; #3002 and #3005 still drift.
    let found: Value = serde_json::from_str(&ok(
        &hassou(&config, &["reconcile", "shopify", "--json", "--days", "30"]).await,
        1,
    ))
    .expect("json");
    let left: Vec<&str> = found["drift"]
        .as_array()
        .expect("drift")
        .iter()
        .filter_map(|d| d["number"].as_str())
        .collect();
    assert_eq!(left, ["#3002", "#3005"], "{found}");
}

/// Issue 21 on カラーミー: staff cleared a slip behind hassou (the sale stays 配送済み). One
/// `GET /v1/sales` reads both sales back; the sale is `store_differs`; `resolve --ours` is one PUT
/// with the slip, never `delivered: false`, and never a second 商品発送 mail.
#[tokio::test]
async fn colorme_reconcile_and_resolve_ours_send_one_put_and_no_second_mail() {
    use hassou::sandbox::colorme::{ColormeSandboxOptions, SANDBOX_TOKEN, SandboxColorme};
    let sandbox = SandboxColorme::start(0, ColormeSandboxOptions::default())
        .await
        .expect("sandbox");
    let made = chrono::DateTime::parse_from_rfc3339("2026-11-20T10:00:00+09:00")
        .expect("t")
        .to_utc();
    for id in 801..=805 {
        sandbox.add_sale(id, "山田 太郎", made, 1);
    }
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("config.toml");
    common::write_config(&config,
        format!(
            "[database]\nurl = \"sqlite://{}\"\n[shop]\nlanguage = \"en\"\n[colorme]\napi_base = \"{}\"\naccess_token = \"{SANDBOX_TOKEN}\"\nsend_shipping_mail = true\n",
            dir.path().join("h.db").display(),
            sandbox.url()
        ),
    )
    .expect("config");
    let orders = dir.path().join("orders.csv");
    std::fs::write(
        &orders,
        "channel,remote_id,number,status,ordered_at,updated_at,shipped_on,carrier,tracking\n\
         colorme,801,801,processed,2026-11-20T10:00:00+09:00,2026-11-23T10:00:00+09:00,2026-11-23,yamato,444413758703\n\
         colorme,802,802,processed,2026-11-20T10:00:00+09:00,2026-11-23T10:00:00+09:00,2026-11-23,yamato,390459983082\n\
         colorme,803,803,processed,2026-11-20T10:00:00+09:00,2026-11-23T10:00:00+09:00,2026-11-23,yamato,512547514334\n\
         colorme,804,804,processed,2026-11-20T10:00:00+09:00,2026-11-23T10:00:00+09:00,2026-11-23,yamato,483484399683\n\
         colorme,805,805,processed,2026-11-20T10:00:00+09:00,2026-11-23T10:00:00+09:00,,yamato,\n",
    )
    .expect("orders");
    let ok = |out: &std::process::Output, code: i32| {
        assert_eq!(
            out.status.code(),
            Some(code),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    ok(
        &hassou(
            &config,
            &["orders", "import", orders.to_str().expect("path")],
        )
        .await,
        0,
    );
    ok(&hassou(&config, &["sync", "colorme"]).await, 0);
    assert_eq!(sandbox.sale(801).expect("801").mails.len(), 1);
    sandbox.update_sale(801, |s| s.deliveries[0].slip_number = None);
    // 802: the slip cleared and 配送済み undone; 803: cancelled at the store; 805 (never written
    // by hassou, no slip of its own yet): 配送済み by hand with a slip.
    sandbox.update_sale(802, |s| {
        s.deliveries[0].slip_number = None;
        s.deliveries[0].delivered = false;
    });
    sandbox.update_sale(803, |s| s.canceled = true);
    sandbox.update_sale(805, |s| {
        s.deliveries[0].slip_number = Some("111122223333".into());
        s.deliveries[0].delivered = true;
    });
    let before = sandbox.requests().len();
    let found: Value = serde_json::from_str(&ok(
        &hassou(&config, &["reconcile", "colorme", "--json", "--days", "30"]).await,
        1,
    ))
    .expect("json");
    let reads = &sandbox.requests()[before..];
    assert_eq!(reads.len(), 1, "one page of sales: {reads:?}");
    let kind = |number: &str| {
        found["drift"]
            .as_array()
            .expect("drift")
            .iter()
            .find(|d| d["number"] == number)
            .map(|d| d["kind"].as_str().unwrap_or_default().to_owned())
    };
    assert_eq!(kind("801").as_deref(), Some("store_differs"), "{found}");
    assert_eq!(kind("802").as_deref(), Some("missing_in_store"), "{found}");
    assert_eq!(
        kind("803").as_deref(),
        Some("cancelled_in_store"),
        "{found}"
    );
    assert_eq!(kind("804"), None, "804 agrees: {found}");
    // 805 has no tracking in hassou: not a target (waiting), still fulfilled elsewhere.
    assert_eq!(
        kind("805").as_deref(),
        Some("fulfilled_elsewhere"),
        "{found}"
    );
    assert_eq!(found["drift"][0]["store"]["delivered"], true, "{found}");
    ok(
        &hassou(&config, &["order", "801", "resolve", "--ours", "--yes"]).await,
        0,
    );
    let before = sandbox.requests().len();
    ok(&hassou(&config, &["sync", "colorme"]).await, 0);
    let puts: Vec<_> = sandbox.requests()[before..]
        .iter()
        .filter(|r| r.method == "PUT")
        .cloned()
        .collect();
    assert_eq!(puts.len(), 1, "{puts:?}");
    assert!(puts[0].body.contains("444413758703"), "{}", puts[0].body);
    assert!(
        !puts[0].body.contains("\"delivered\":false"),
        "{}",
        puts[0].body
    );
    let sale = sandbox.sale(801).expect("801");
    assert_eq!(
        sale.deliveries[0].slip_number.as_deref(),
        Some("444413758703")
    );
    assert_eq!(sale.mails.len(), 1, "never a second mail");
    // 801 agrees now; the others still drift until settled.
    let found: Value = serde_json::from_str(&ok(
        &hassou(&config, &["reconcile", "colorme", "--json", "--days", "30"]).await,
        1,
    ))
    .expect("json");
    assert!(
        found["drift"]
            .as_array()
            .expect("drift")
            .iter()
            .all(|d| d["number"] != "801"),
        "{found}"
    );
}

/// Issue 21: a reconcile killed midway (SIGKILL while it reads a slow store back) leaves nothing
/// half-recorded — its run stays unfinished in `status`, every drift recorded is whole and true —
/// and the next reconcile finds every drift.
#[tokio::test]
async fn a_reconcile_killed_midway_leaves_nothing_half_recorded() {
    let sandbox = SandboxShopify::start(
        0,
        SandboxOptions {
            latency: std::time::Duration::from_millis(250),
            ..SandboxOptions::default()
        },
    )
    .await
    .expect("sandbox");
    let created = chrono::DateTime::parse_from_rfc3339("2026-11-20T10:00:00+09:00")
        .expect("t")
        .to_utc();
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
    let mut csv = String::from(
        "channel,remote_id,number,status,ordered_at,updated_at,shipped_on,carrier,tracking\n",
    );
    let mut gids = Vec::new();
    for i in 0..40 {
        let number = format!("#{}", 4000 + i);
        let gid = sandbox.add_order(&number, "山田 太郎", created, &["東京倉庫"]);
        csv.push_str(&format!("shopify,{gid},{number},processed,2026-11-20T10:00:00+09:00,2026-11-24T10:30:00+09:00,2026-11-23,yamato,444413758703\n"));
        // Fulfilled by hand at the store with other tracking: every one a drift.
        sandbox.update_order(&gid, |o| {
            o.fulfillments
                .push(hassou::sandbox::shopify::SandboxFulfillment {
                    id: format!("gid://shopify/Fulfillment/7{i:04}"),
                    status: "SUCCESS".into(),
                    created_at: created,
                    tracking: vec![(Some("Sagawa (JA)".into()), "512547514334".into(), None)],
                });
        });
        gids.push(gid);
    }
    let orders = dir.path().join("orders.csv");
    std::fs::write(&orders, csv).expect("orders");
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
    let mut child = Command::from(common::hassou_at_edit_clock(
        &config,
        &["reconcile", "shopify", "--days", "30"],
    ))
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::null())
    .kill_on_drop(true)
    .spawn()
    .expect("reconcile");
    // Killed while it reads (5 pages of 8 at 250 ms each).
    let requests = sandbox.requests();
    let start = std::time::Instant::now();
    while sandbox.requests() < requests + 2 {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "no read"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    child.start_kill().expect("kill");
    let _ = child.wait().await;
    let status = |out: std::process::Output| -> Value {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .find(|v| v["channel"] == "shopify")
            .expect("shopify")
    };
    let shown = status(hassou(&config, &["status", "--json"]).await);
    assert!(
        shown["reconcile"]["finished_at"].is_null(),
        "unfinished: {shown}"
    );
    let recorded = shown["orders"]["drift"].as_u64().expect("drift");
    assert!(recorded < 40, "killed midway: {recorded} recorded");
    // The next reconcile finds them all, nothing written to the store.
    let mutations = sandbox.mutations_applied();
    let out = hassou(&config, &["reconcile", "shopify", "--json", "--days", "30"]).await;
    assert_eq!(out.status.code(), Some(1));
    let found: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(found["drift"].as_array().map(Vec::len), Some(40), "{found}");
    assert_eq!(sandbox.mutations_applied(), mutations);
    let shown = status(hassou(&config, &["status", "--json"]).await);
    assert_eq!(shown["orders"]["drift"], 40, "{shown}");
    assert!(!shown["reconcile"]["finished_at"].is_null(), "{shown}");
}

/// A sandbox Shopify with order `number` and a sandbox カラーミー with sale `sale` (of
/// `customer`), a configuration of both stores on a fresh SQLite database, and an order file
/// holding both as processed, shipped and tracked (not imported yet). Returns the sandboxes, the
/// directory, the configuration, the order file and the Shopify order's GID.
async fn two_stores_one_order_each(
    number: &str,
    sale: i64,
    customer: &str,
) -> (
    SandboxShopify,
    hassou::sandbox::colorme::SandboxColorme,
    tempfile::TempDir,
    std::path::PathBuf,
    std::path::PathBuf,
    String,
) {
    use hassou::sandbox::colorme::{ColormeSandboxOptions, SANDBOX_TOKEN, SandboxColorme};
    let shopify = SandboxShopify::start(0, SandboxOptions::default())
        .await
        .expect("sandbox");
    let colorme = SandboxColorme::start(0, ColormeSandboxOptions::default())
        .await
        .expect("sandbox");
    let made = chrono::DateTime::parse_from_rfc3339("2026-11-20T10:00:00+09:00")
        .expect("t")
        .to_utc();
    let gid = shopify.add_order(number, "山田 太郎", made, &["東京倉庫"]);
    colorme.add_sale(sale, customer, made, 1);
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("config.toml");
    common::write_config(&config,
        format!(
            "[database]\nurl = \"sqlite://{}\"\n[shop]\nlanguage = \"en\"\n[shopify]\nshop_url = \"{}\"\naccess_token = \"shpat_sandbox\"\n[colorme]\napi_base = \"{}\"\naccess_token = \"{SANDBOX_TOKEN}\"\n",
            dir.path().join("h.db").display(),
            shopify.url(),
            colorme.url()
        ),
    )
    .expect("config");
    let orders = dir.path().join("orders.csv");
    std::fs::write(
        &orders,
        format!(
            "channel,remote_id,number,status,ordered_at,updated_at,shipped_on,carrier,tracking\n\
             shopify,{gid},{number},processed,2026-11-20T10:00:00+09:00,2026-11-23T10:00:00+09:00,2026-11-23,yamato,444413758703\n\
             colorme,{sale},{sale},processed,2026-11-20T10:00:00+09:00,2026-11-23T10:00:00+09:00,2026-11-23,yamato,390459983082\n"
        ),
    )
    .expect("orders");
    (shopify, colorme, dir, config, orders, gid)
}

/// Issue 21: the sandboxes' admin path changes a store behind hassou over HTTP (what a
/// `hassou sandbox` tried by hand uses): Shopify's tracking corrected, a カラーミー slip cleared;
/// `reconcile` finds both; an unknown order is 404.
#[tokio::test]
async fn the_sandboxes_admin_path_changes_a_store_behind_hassou() {
    let (shopify, colorme, _dir, config, orders, _) =
        two_stores_one_order_each("#5001", 901, "佐藤 花子").await;
    for args in [
        vec!["orders", "import", orders.to_str().expect("path")],
        vec!["sync", "shopify"],
        vec!["sync", "colorme"],
    ] {
        let out = hassou(&config, &args).await;
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let client = reqwest::Client::new();
    let post = |url: url::Url, body: serde_json::Value| {
        let client = client.clone();
        async move {
            client
                .post(url.join("sandbox-admin/behind").expect("url"))
                .json(&body)
                .send()
                .await
                .expect("admin")
                .status()
                .as_u16()
        }
    };
    let said = post(
        shopify.url(),
        serde_json::json!({"order": "#5001", "change": "tracking", "number": "512547514334"}),
    )
    .await;
    assert_eq!(said, 204);
    let said = post(
        colorme.url(),
        serde_json::json!({"order": "901", "change": "cancel_fulfillment"}),
    )
    .await;
    assert_eq!(said, 204);
    let said = post(
        shopify.url(),
        serde_json::json!({"order": "#9999", "change": "cancel"}),
    )
    .await;
    assert_eq!(said, 404);
    for (store, kind) in [
        ("shopify", "store_differs"),
        ("colorme", "missing_in_store"),
    ] {
        let out = hassou(&config, &["reconcile", store, "--json", "--days", "30"]).await;
        assert_eq!(out.status.code(), Some(1), "{store}");
        let found: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(found["drift"][0]["kind"], kind, "{found}");
    }
}

/// Issue 22, item 4: `sync --all` runs every configured store's run at once — each order to its
/// own store, once — and writes their reports in order, one JSON object a store; `pull` takes
/// several names.
#[tokio::test]
async fn sync_all_writes_each_store_at_once() {
    let (shopify, colorme, _dir, config, orders, gid) =
        two_stores_one_order_each("#1001", 801, "山田 太郎").await;
    let out = hassou(
        &config,
        &["orders", "import", orders.to_str().expect("path")],
    )
    .await;
    assert_eq!(out.status.code(), Some(0));
    let out = hassou(&config, &["pull", "shopify", "colorme", "--json"]).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pulled: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(
        pulled
            .iter()
            .map(|v| v["store"].clone())
            .collect::<Vec<_>>(),
        ["shopify", "colorme"]
    );
    let out = hassou(&config, &["sync", "--all", "--json"]).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reports: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(reports.len(), 2, "one report a store");
    for (report, store) in reports.iter().zip(["shopify", "colorme"]) {
        assert_eq!(
            (&report["store"], report["written"].as_u64()),
            (&store.into(), Some(1))
        );
    }
    assert_eq!(shopify.order(&gid).expect("order").fulfillments.len(), 1);
    assert_eq!(shopify.mutations_applied(), 1);
    let sale = colorme.sale(801).expect("sale");
    assert!(sale.delivered(), "{sale:?}");
    // Nothing left: both runs send nothing.
    let out = hassou(&config, &["sync", "--all", "--json"]).await;
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(shopify.mutations_applied(), 1);
    // A name and --all together is bad usage.
    let out = hassou(&config, &["sync", "shopify", "--all"]).await;
    assert_eq!(out.status.code(), Some(2));
}
