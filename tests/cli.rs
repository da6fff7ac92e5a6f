//! The real binary, on a temporary database: the interface of SPEC §3 that scripts rely on.
#![allow(clippy::panic)] // a test fails by panicking

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

const AS_OF: &str = "2026-11-24T12:00:00+09:00";

struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new() -> Workspace {
        let dir = tempfile::tempdir().expect("temp dir");
        let ws = Workspace { dir };
        let db = ws.path("hassou.db");
        ws.write(
            "config.toml",
            &format!("[database]\nurl = \"sqlite://{}\"\n", db.display()),
        );
        ws
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        if name.ends_with(".toml") {
            // A configuration is its owner's alone, as hassou requires.
            common::write_config(&path, text).expect("write config");
        } else {
            std::fs::write(&path, text).expect("write fixture");
        }
        path
    }

    fn hassou(&self, args: &[&str]) -> Output {
        let mut cmd = common::hassou_command(&self.path("config.toml"));
        cmd.args(args);
        // The clock of the edits, so that a later --as-of sees them inside the period.
        cmd.env("HASSOU_NOW", "2026-11-24T11:00:00+09:00");
        cmd.env("HOME", self.dir.path());
        cmd.output().expect("run hassou")
    }

    fn list_json(&self, extra: &[&str]) -> Vec<Value> {
        let mut args = vec!["orders", "list", "--json", "--as-of", AS_OF];
        args.extend_from_slice(extra);
        let out = self.hassou(&args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .expect("utf-8")
            .lines()
            .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
            .collect()
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn find<'a>(rows: &'a [Value], number: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["number"] == number)
        .unwrap_or_else(|| panic!("no order {number}"))
}

fn example_orders() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/config/example-orders.csv"
    ))
}

#[test]
fn import_list_set_list() {
    let ws = Workspace::new();
    let out = ws.hassou(&["orders", "import", example_orders().to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("13 new"));

    let rows = ws.list_json(&[]);
    assert_eq!(rows.len(), 13);
    let o = find(&rows, "#1001");
    let keys: Vec<&str> = o
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    // SPEC §3's order: the store first.
    assert_eq!(
        &keys[..10],
        [
            "store",
            "channel",
            "number",
            "remote_id",
            "status",
            "verdict",
            "reasons",
            "delivered",
            "tracking",
            "carrier"
        ]
    );
    assert_eq!(o["verdict"], "pending");
    assert_eq!(o["tracking"], serde_json::json!(["444413758703"]));
    assert_eq!(o["carrier"], "yamato");
    assert_eq!(o["delivered"], Value::Null);
    let o = find(&rows, "#1005");
    assert_eq!(
        (&o["verdict"], &o["reasons"]),
        (
            &Value::from("ineligible"),
            &serde_json::json!(["no_shipped_date"])
        )
    );
    let o = find(&rows, "20000002");
    assert_eq!(
        (&o["verdict"], &o["delivered"]),
        (&Value::from("pending"), &Value::from(false))
    );
    assert_eq!(find(&rows, "20000003")["verdict"], "waiting");
    assert_eq!(
        find(&rows, "20000004")["reasons"],
        serde_json::json!(["bundle_child"])
    );
    assert_eq!(
        find(&rows, "20000006")["reasons"],
        serde_json::json!(["too_old"])
    );
    assert_eq!(
        find(&rows, "#1006")["reasons"],
        serde_json::json!(["status", "no_shipped_date", "no_tracking"])
    );

    let out = ws.hassou(&["order", "#1005", "set", "--shipped-on", "2026-11-24"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = ws.hassou(&[
        "order",
        "20000003",
        "--channel",
        "colorme",
        "set",
        "--tracking",
        "４４４４－１３７５－８７０３",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let rows = ws.list_json(&[]);
    assert_eq!(find(&rows, "#1005")["verdict"], "pending");
    let o = find(&rows, "20000003");
    assert_eq!(o["verdict"], "pending");
    assert_eq!(o["tracking"], serde_json::json!(["444413758703"]));
    assert_eq!(
        o["delivered"], false,
        "shipped-date option is on by default and 出荷日 is empty"
    );
}

#[test]
fn options_change_verdicts() {
    let ws = Workspace::new();
    ws.hassou(&["orders", "import", example_orders().to_str().expect("path")]);
    // 【処理済み】以外も書き出す: #1003 (発送待ち) becomes a target.
    let rows = ws.list_json(&[
        "--channel",
        "shopify",
        "--statuses",
        "all-but-new-cancelled",
    ]);
    assert!(rows.iter().all(|r| r["channel"] == "shopify"));
    // SPEC §3: each row names its store (the channel's shop, named after it).
    assert!(rows.iter().all(|r| r["store"] == "shopify"));
    assert_eq!(find(&rows, "#1003")["verdict"], "pending");
    // Period 13 days takes #1007 (changed 2026-11-15) in.
    let rows = ws.list_json(&["--period", "13"]);
    assert_eq!(find(&rows, "#1007")["verdict"], "pending");
    // Shipped-date option off: 20000002 (no 出荷日) is marked delivered.
    let rows = ws.list_json(&["--no-shipped-date-only"]);
    assert_eq!(find(&rows, "20000002")["delivered"], true);
    // Only pending.
    let rows = ws.list_json(&["--verdict", "pending"]);
    assert!(!rows.is_empty() && rows.iter().all(|r| r["verdict"] == "pending"));
    // Bad values are usage errors.
    for bad in [
        ["--period", "0"],
        ["--period", "14"],
        ["--statuses", "all"],
        ["--as-of", "tomorrow"],
    ] {
        let mut args = vec!["orders", "list", "--json"];
        args.extend_from_slice(&bad);
        let out = ws.hassou(&args);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(stderr(&out).contains(bad[1]), "{bad:?}: {}", stderr(&out));
    }
}

#[test]
fn a_bad_row_rejects_the_whole_file() {
    let ws = Workspace::new();
    ws.hassou(&["orders", "import", example_orders().to_str().expect("path")]);
    let file = ws.write(
        "bad.csv",
        "channel,remote_id,number,status,ordered_at,updated_at,shipped_on,carrier,tracking,bundle_parent\n\
         shopify,gid://shopify/Order/9001,#9001,processed,2026-11-20T10:00:00+09:00,,,,,\n\
         shopify,gid://shopify/Order/6100000001,#1001,processed,2026-11-20T10:00:00+09:00,,2026-11-31,,,\n",
    );
    let out = ws.hassou(&["orders", "import", file.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("bad.csv") && err.contains("line 3") && err.contains("shipped_on"),
        "{err}"
    );
    // Nothing changed: no #9001, and #1001 still has its shipped date.
    let rows = ws.list_json(&[]);
    assert_eq!(rows.len(), 13);
    assert_eq!(find(&rows, "#1001")["shipped_on"], "2026-11-23");
}

#[test]
fn database_checks_name_the_line() {
    let ws = Workspace::new();
    ws.hassou(&["orders", "import", example_orders().to_str().expect("path")]);
    let file = ws.write(
        "parents.csv",
        "channel,remote_id,number,status,ordered_at,bundle_parent\n\
         colorme,30000001,30000001,processed,2026-11-20T10:00:00+09:00,29999999\n\
         colorme,30000002,30000002,processed,2026-11-20T10:00:00+09:00,20000004\n\
         shopify,gid://shopify/Order/1,#1001,processed,2026-11-20T10:00:00+09:00,\n",
    );
    let out = ws.hassou(&["orders", "import", file.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("line 2: bundle_parent: no colorme order numbered 29999999"),
        "{err}"
    );
    assert!(
        err.contains("line 3: bundle_parent: 20000004 is itself a bundle child"),
        "{err}"
    );
    assert!(
        err.contains("line 4: number: shopify order #1001 already exists"),
        "{err}"
    );
    assert_eq!(ws.list_json(&[]).len(), 13);
}

#[test]
fn dry_run_writes_nothing() {
    let ws = Workspace::new();
    let out = ws.hassou(&[
        "orders",
        "import",
        "--dry-run",
        example_orders().to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("would add 13"));
    assert!(ws.list_json(&[]).is_empty());
}

#[test]
fn order_set_errors() {
    let ws = Workspace::new();
    ws.hassou(&["orders", "import", example_orders().to_str().expect("path")]);
    let out = ws.hassou(&["order", "#4040", "set", "--tracking", "1"]);
    assert_eq!(out.status.code(), Some(2));
    // In the shop's language (Japanese by default), from the catalog.
    assert!(
        stderr(&out).contains("注文番号 \"#4040\" の注文はありません"),
        "{}",
        stderr(&out)
    );
    let out = ws.hassou(&["order", "#1001", "set", "--shipped-on", "24/11/2026"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--shipped-on"));
    let out = ws.hassou(&["order", "#1001", "set"]);
    assert_eq!(out.status.code(), Some(2));
    let out = ws.hassou(&["order", "20000001", "set", "--bundle-parent", "20000004"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("itself a bundle child"));
    // A carrier typo never reaches a store: refused, with the near miss and the accepted values.
    let before = find(&ws.list_json(&[]), "#1001")["carrier"].clone();
    let out = ws.hassou(&["order", "#1001", "set", "--carrier", "yamto"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean \"yamato\""),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("other:NAME"), "{}", stderr(&out));
    assert_eq!(find(&ws.list_json(&[]), "#1001")["carrier"], before);
    let out = ws.hassou(&["order", "#1001", "set", "--carrier", "other:DHL Express"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(find(&ws.list_json(&[]), "#1001")["carrier"], "DHL Express");
    let out = ws.hassou(&["order", "#1001", "set", "--carrier", "ヤマト運輸"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A check-digit problem warns but saves.
    let out = ws.hassou(&["order", "#1001", "set", "--tracking", "444413758704"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("check digit"), "{}", stderr(&out));
    assert_eq!(
        find(&ws.list_json(&[]), "#1001")["tracking"],
        serde_json::json!(["444413758704"])
    );
}

#[test]
fn configuration_errors_exit_2_naming_file_and_line() {
    let ws = Workspace::new();
    let db = ws.path("hassou.db");
    ws.write(
        "config.toml",
        &format!(
            "[database]\nurl = \"sqlite://{}\"\n\n[colorme.sync]\nperiod_days = 30\n",
            db.display()
        ),
    );
    let out = ws.hassou(&["config", "check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("config.toml:5: [colorme.sync] period_days"),
        "{err}"
    );
    assert!(!db.exists(), "a bad configuration touches nothing");
}

/// Issue 22: a duplicate or invalid store name is refused with its line; nothing is opened.
#[test]
fn config_check_names_the_line_of_a_bad_store_name() {
    let ws = Workspace::new();
    let db = ws.path("hassou.db");
    for (stores, said) in [
        (
            "[stores.jp]\nchannel = \"shopify\"\n[stores.JP]\nchannel = \"shopify\"\n",
            "config.toml:5: [stores.JP]: a second store named like [stores.jp]",
        ),
        (
            "[stores.\"jp.outlet\"]\nchannel = \"colorme\"\n",
            "config.toml:3: [stores.jp.outlet]: \"jp.outlet\" is not a store name",
        ),
    ] {
        ws.write(
            "config.toml",
            &format!("[database]\nurl = \"sqlite://{}\"\n{stores}", db.display()),
        );
        let out = ws.hassou(&["config", "check"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains(said), "{}", stderr(&out));
        assert!(!db.exists(), "a bad configuration touches nothing");
    }
    ws.write(
        "config.toml",
        &format!(
            "[database]\nurl = \"sqlite://{}\"\n[stores.jp]\nchannel = \"shopify\"\n\
             [stores.outlet]\nchannel = \"colorme\"\n",
            db.display()
        ),
    );
    let out = ws.hassou(&["config", "check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("[stores.jp] store jp (shopify)"), "{text}");
    assert!(
        text.contains("[stores.outlet] store outlet (colorme)"),
        "{text}"
    );
}

#[test]
fn config_check_never_prints_secrets() {
    let ws = Workspace::new();
    let db = ws.path("hassou.db");
    ws.write(
        "config.toml",
        &format!(
            "[database]\nurl = \"sqlite://{}\"\n[shopify]\naccess_token = \"shpat_secret_value\"\n",
            db.display()
        ),
    );
    let out = ws.hassou(&["config", "check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("access_token       set (in the file)"),
        "{text}"
    );
    assert!(!text.contains("shpat_secret_value"));
}

/// Issue 23: a configuration others can change hands them the token (a rewritten `shop_url`
/// receives it); one others can read while it holds a secret shows it to them. Refused, as ssh
/// refuses such files, naming the file and the `chmod`; nothing is opened.
#[cfg(unix)]
#[test]
fn a_configuration_others_can_change_or_read_with_a_secret_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let ws = Workspace::new();
    let db = ws.path("hassou.db");
    let with_secret = format!(
        "[database]\nurl = \"sqlite://{}\"\n[shopify]\nshop_url = \"https://x.myshopify.com\"\naccess_token = \"shpat_secret_value\"\n",
        db.display()
    );
    let without = format!("[database]\nurl = \"sqlite://{}\"\n", db.display());
    for (text, mode, refused) in [
        (&with_secret, 0o644, true),
        (&with_secret, 0o666, true),
        (&with_secret, 0o777, true),
        (&with_secret, 0o640, true),
        (&with_secret, 0o600, false),
        (&without, 0o644, false),
        (&without, 0o664, true),
        (&without, 0o666, true),
    ] {
        let config = ws.write("config.toml", text);
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(mode)).expect("chmod");
        for args in [&["config", "check"][..], &["orders", "list"][..]] {
            let out = ws.hassou(args);
            let err = stderr(&out);
            if refused {
                assert_eq!(out.status.code(), Some(2), "{mode:o} {args:?}: {err}");
                assert!(err.contains("config.toml"), "{err}");
                assert!(err.contains("chmod 600"), "{err}");
                assert!(!err.contains("shpat_secret_value"), "{err}");
                assert!(!db.exists(), "{mode:o}: nothing opened");
            } else {
                assert_eq!(out.status.code(), Some(0), "{mode:o} {args:?}: {err}");
                let _ = std::fs::remove_file(&db);
            }
        }
    }
}

/// Issue 23: a token holding CR LF or NUL passed `config check` and then failed every request
/// as "builder error". Refused at load, naming where it came from, never shown.
#[test]
fn a_token_with_control_characters_is_refused_naming_its_key() {
    let ws = Workspace::new();
    let db = ws.path("hassou.db");
    ws.write(
        "config.toml",
        &format!(
            "[database]\nurl = \"sqlite://{}\"\n[shopify]\naccess_token = \"shpat_secret\\r\\n\"\n",
            db.display()
        ),
    );
    let out = ws.hassou(&["config", "check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("[shopify] access_token"), "{err}");
    assert!(err.contains("control character"), "{err}");
    assert!(!err.contains("shpat_secret"), "{err}");
    ws.write(
        "config.toml",
        &format!("[database]\nurl = \"sqlite://{}\"\n", db.display()),
    );
    let mut cmd = common::hassou_command(&ws.path("config.toml"));
    let out = cmd
        .args(["config", "check"])
        .env("HASSOU_COLORME_TOKEN", "colorme_token\r\n")
        .output()
        .expect("run");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("HASSOU_COLORME_TOKEN"), "{err}");
}

#[test]
fn settings_come_from_the_database_once_seeded() {
    let ws = Workspace::new();
    ws.hassou(&["orders", "import", example_orders().to_str().expect("path")]);
    // First use seeds [shopify.sync] period_days = 3 from the (empty) file.
    assert_eq!(find(&ws.list_json(&[]), "#1007")["verdict"], "ineligible");
    // A file that later says 13 does not override what the database holds.
    let db = ws.path("hassou.db");
    ws.write(
        "config.toml",
        &format!(
            "[database]\nurl = \"sqlite://{}\"\n[shopify.sync]\nperiod_days = 13\n",
            db.display()
        ),
    );
    assert_eq!(find(&ws.list_json(&[]), "#1007")["verdict"], "ineligible");
}

/// Issue 14: the file is streamed in batches; a problem after thousands of rows were written
/// still leaves nothing, every problem is listed (duplicates and bundle parents found across
/// batches, a parent later in the file than its child), and a good large file goes in whole.
#[test]
fn a_streamed_import_is_still_all_or_nothing() {
    let ws = Workspace::new();
    let header = "channel,remote_id,number,status,ordered_at,bundle_parent\n";
    let mut text = String::from(header);
    // A child whose parent comes 5,000 rows later.
    text.push_str("colorme,40000000,40000000,processed,2026-11-20T10:00:00+09:00,40004999\n");
    for i in 1..5000 {
        text.push_str(&format!(
            "colorme,{0},{0},processed,2026-11-20T10:00:00+09:00,\n",
            40_000_000 + i
        ));
    }
    // Good, large: 5,000 orders.
    let good = ws.write("good.csv", &text);
    // The same file plus a duplicate of line 3's remote id and a child of a child, far down.
    let bad_tail = "colorme,40000002,49999999,processed,2026-11-20T10:00:00+09:00,\n\
                    colorme,49999998,49999998,processed,2026-11-20T10:00:00+09:00,40000000\n";
    let bad = ws.write("bad.csv", &format!("{text}{bad_tail}"));
    let out = ws.hassou(&["orders", "import", bad.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("2 problems; nothing was imported"), "{err}");
    assert!(
        err.contains("line 5002: remote_id: colorme 40000002 already appears on line 4"),
        "{err}"
    );
    assert!(
        err.contains("line 5003: bundle_parent: 40000000 is itself a bundle child"),
        "{err}"
    );
    assert!(
        ws.list_json(&[]).is_empty(),
        "nothing of the bad file was kept"
    );
    let out = ws.hassou(&["orders", "import", good.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("imported 5000 orders: 5000 new"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = ws.hassou(&["orders", "import", good.to_str().expect("path")]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 new, 0 updated, 5000 unchanged"));
}

/// SPEC §3 "Settings, auto sync and watch": `hassou settings STORE KEY=VALUE…` takes the console's
/// names; a bad pair changes nothing (exit 2); turning auto sync on is a write — the plan of what
/// the first run would write now is printed, and nothing changes without `--yes`.
#[test]
fn settings_change_and_switching_auto_sync_on_needs_yes() {
    let ws = Workspace::new();
    let db = ws.path("hassou.db");
    ws.write(
        "config.toml",
        &format!(
            "[database]\nurl = \"sqlite://{}\"\n[shop]\nlanguage = \"en\"\n[shopify]\nshop_url = \"https://example.myshopify.com\"\naccess_token = \"shpat_test\"\n",
            db.display()
        ),
    );
    let out = ws.hassou(&["orders", "import", example_orders().to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stdout = |out: &Output| String::from_utf8_lossy(&out.stdout).into_owned();
    for bad in ["period=30", "period", "colour=blue", "sync=now"] {
        let out = ws.hassou(&["settings", "shopify", "period=5", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", stderr(&out));
    }
    let out = ws.hassou(&["settings", "shopify"]);
    assert!(
        stdout(&out).contains("3 days"),
        "nothing changed: {}",
        stdout(&out)
    );
    let out = ws.hassou(&["settings", "shopify", "period=5", "auto-pull=on"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("period 3 days → 5 days"),
        "{}",
        stdout(&out)
    );
    // Auto sync on: the plan, and nothing changed without --yes.
    let out = ws.hassou(&["settings", "shopify", "auto-sync=on"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("turning it on writes"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("#1001"), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("confirmation needed"),
        "{}",
        stderr(&out)
    );
    let out = ws.hassou(&["settings", "shopify"]);
    assert!(
        stdout(&out)
            .lines()
            .any(|l| l.starts_with("auto sync") && l.ends_with("off")),
        "{}",
        stdout(&out)
    );
    // --json: the same, as one object (SPEC §3 `settings … [--json]`).
    let out = ws.hassou(&["settings", "shopify", "auto-sync=on", "--json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let shown: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(shown["settings"]["auto_sync"], false, "{shown}");
    assert!(
        shown["plan"]
            .as_array()
            .is_some_and(|p| p.iter().any(|i| i["number"] == "#1001")),
        "{shown}"
    );
    let out = ws.hassou(&["settings", "shopify", "auto-sync=on", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("auto sync off → on"),
        "{}",
        stdout(&out)
    );
    let out = ws.hassou(&["settings", "shopify", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(shown["settings"]["auto_sync"], true, "{shown}");
    assert_eq!(shown["settings"]["period_days"], 5, "{shown}");
    assert_eq!(shown["settings"]["statuses"], "processed", "{shown}");
    // The schedule window (SPEC §3): shop-time hours, days, national holidays.
    for bad in [
        "active-hours=8-21",
        "active-days=weekdays",
        "skip-holidays=yes",
    ] {
        let out = ws.hassou(&["settings", "shopify", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", stderr(&out));
        let key = bad.split('=').next().expect("key");
        assert!(stderr(&out).contains(key), "{bad}: {}", stderr(&out));
    }
    let out = ws.hassou(&[
        "settings",
        "shopify",
        "active-hours=08:00-21:00",
        "active-days=mon-sat",
        "skip-holidays=on",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(shown["settings"]["active_hours"], "08:00-21:00", "{shown}");
    assert_eq!(shown["settings"]["active_days"], "mon-sat", "{shown}");
    assert_eq!(shown["settings"]["skip_holidays"], true, "{shown}");
    let out = ws.hassou(&["status"]);
    assert!(
        stdout(&out).contains("mon-sat 08:00-21:00 no holidays"),
        "{}",
        stdout(&out)
    );
    let out = ws.hassou(&[
        "settings",
        "shopify",
        "active-hours=always",
        "active-days=all",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("active hours 08:00-21:00 → all day"),
        "{}",
        stdout(&out)
    );
}

/// SPEC §3 "Health and alerts": `status --json` carries each store's health; `status --check`
/// prints nothing and exits 0 while every store is ok, and one line per problem (exit 1) once a
/// store is degraded — here, a shipping mail the store refused.
#[test]
fn status_check_says_each_problem() {
    let ws = Workspace::new();
    let out = ws.hassou(&["orders", "import", example_orders().to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = ws.hassou(&["status", "--check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = ws.hassou(&["status", "--json"]);
    let first: Value =
        serde_json::from_slice(out.stdout.split(|b| *b == b'\n').next().expect("a line"))
            .expect("json");
    assert_eq!(first["health"]["state"], "ok", "{first}");
    // A refused mail on カラーミー's order 20000001.
    let db = ws.path("hassou.db");
    let sql = "INSERT INTO order_remote (order_id, channel, mail_error) \
               SELECT id, channel, 'HTTP 500' FROM orders WHERE number = '20000001'";
    let done = std::process::Command::new("sqlite3")
        .arg(&db)
        .arg(sql)
        .status()
        .expect("sqlite3");
    assert!(done.success());
    let out = ws.hassou(&["status", "--check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(said.contains("メール拒否 1件"), "{said}");
}

/// SPEC §3 `hassou auth STORE`: a カラーミー store signs in (tested in cli_colorme); a Shopify store
/// needs no sign-in, and says where its token goes instead (exit 2, nothing changed).
#[test]
fn auth_of_a_shopify_store_says_where_its_token_goes() {
    let ws = Workspace::new();
    let out = ws.hassou(&["auth", "shopify"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("HASSOU_SHOPIFY_TOKEN"),
        "{}",
        stderr(&out)
    );
    let out = ws.hassou(&["auth", "nowhere"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}
