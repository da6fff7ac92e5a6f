//! Issue 13's probe, kept as tests of the real binary: store-controlled text with escape
//! sequences never reaches a terminal raw (SPEC §3 "Text that reaches a terminal"), hostile
//! input is refused with exit 2 and changes nothing, files are owner-only, the token appears in
//! no output, log or database, and a mistyped database folder is not a new empty database.
#![allow(clippy::panic)] // a test fails by panicking

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use hassou::sandbox::shopify::{SandboxOptions, SandboxShopify};

/// The escape sequences the probe used: set the title, clear the screen, a bidi override.
const TITLE: &str = "#5002\u{1b}]0;pwned\u{7}";
const CLEAR: &str = "#5001\u{1b}[2J\u{1b}[H";
const BIDI: &str = "#5003\u{202e}txt.exe";
/// A line break in an order's name must not start a line: the store would print its own.
const FORGE: &str = "#5004\nFORGED-LINE: all orders synced";
const FORGE_CR: &str = "#5005\rFORGED-CR: all orders synced";
const NAMES: [&str; 5] = [TITLE, CLEAR, BIDI, FORGE, FORGE_CR];

/// No line of `bytes` is one a store wrote.
fn assert_no_forged_line(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    assert!(
        !text.lines().any(|l| l.trim_start().starts_with("FORGED")),
        "{what} printed a store's line:\n{text}"
    );
}
const TOKEN: &str = "shpat_sandbox_secret_4c1d";

struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

fn hassou(config: &Path, args: &[&str]) -> Run {
    let out = common::hassou_at_edit_clock(config, args)
        .env("HASSOU_LOG_DIR", config.with_file_name("logs"))
        .output()
        .expect("run hassou");
    Run {
        code: out.status.code(),
        stdout: out.stdout,
        stderr: out.stderr,
    }
}

/// No raw control character (ESC, BEL, C1) and no bidi override in a plain-text output.
fn assert_terminal_safe(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let bad: Vec<char> = text
        .chars()
        .filter(|c| *c != '\n' && hassou::text::is_unsafe_char(*c))
        .collect();
    assert!(bad.is_empty(), "{what} printed {bad:?} raw:\n{text}");
}

fn setup(dir: &Path, sandbox: &SandboxShopify) -> PathBuf {
    let config = dir.join("config.toml");
    common::write_config(&config,
        format!(
            "[database]\nurl = \"sqlite://{}\"\n[shop]\nlanguage = \"en\"\n[shopify]\nshop_url = \"{}\"\naccess_token = \"{TOKEN}\"\n",
            dir.join("h.db").display(),
            sandbox.url()
        ),
    )
    .expect("config");
    config
}

// The sandbox answers on the runtime's other thread while this one waits for the binary.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escape_sequences_from_a_store_never_reach_the_terminal_raw() {
    let sandbox = SandboxShopify::start(
        0,
        SandboxOptions {
            token: TOKEN.into(),
            ..SandboxOptions::default()
        },
    )
    .await
    .expect("sandbox");
    let created = common::t("2026-11-20T10:00:00+09:00");
    for name in NAMES {
        sandbox.add_order(name, "山田 太郎", created, &["東京倉庫"]);
    }
    let dir = tempfile::tempdir().expect("dir");
    let config = setup(dir.path(), &sandbox);

    let mut outputs: Vec<(String, Run)> = Vec::new();
    let pull = hassou(&config, &["pull", "shopify"]);
    assert_eq!(
        pull.code,
        Some(0),
        "{}",
        String::from_utf8_lossy(&pull.stderr)
    );
    outputs.push(("pull".into(), pull));
    for name in NAMES {
        let set = hassou(
            &config,
            &[
                "order",
                name,
                "set",
                "--status",
                "processed",
                "--carrier",
                "yamato",
                "--tracking",
                "444413758703",
                "--shipped-on",
                "2026-11-23",
            ],
        );
        assert_eq!(
            set.code,
            Some(0),
            "{}",
            String::from_utf8_lossy(&set.stderr)
        );
        outputs.push((format!("order {name:?} set"), set));
        outputs.push((
            format!("order {name:?} show"),
            hassou(&config, &["order", name, "show"]),
        ));
    }
    outputs.push(("orders list".into(), hassou(&config, &["orders", "list"])));
    outputs.push(("status".into(), hassou(&config, &["status"])));
    let sync = hassou(&config, &["sync", "shopify"]);
    assert_eq!(
        sync.code,
        Some(0),
        "{}",
        String::from_utf8_lossy(&sync.stderr)
    );
    outputs.push(("sync".into(), sync));
    outputs.push((
        "orders list after sync".into(),
        hassou(&config, &["orders", "list"]),
    ));
    for (what, run) in &outputs {
        assert_terminal_safe(&format!("{what} (stdout)"), &run.stdout);
        assert_terminal_safe(&format!("{what} (stderr)"), &run.stderr);
        assert_no_forged_line(&format!("{what} (stdout)"), &run.stdout);
        assert_no_forged_line(&format!("{what} (stderr)"), &run.stderr);
    }
    // Shown escaped, so the operator still sees what the store holds.
    let shown =
        String::from_utf8_lossy(&hassou(&config, &["order", TITLE, "show"]).stdout).into_owned();
    assert!(shown.contains("#5002\\x1b]0;pwned\\x07"), "{shown}");
    let listed = String::from_utf8_lossy(&outputs.last().expect("list").1.stdout).into_owned();
    assert!(listed.contains("#5003\\u{202"), "{listed}");
    // JSON stays exact: the name as the store wrote it, escaped as JSON.
    let json = hassou(&config, &["orders", "list", "--json"]);
    let numbers: Vec<String> = String::from_utf8_lossy(&json.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("JSON line")["number"]
                .as_str()
                .expect("number")
                .to_owned()
        })
        .collect();
    for name in NAMES {
        assert!(numbers.iter().any(|n| n == name), "{numbers:?}");
    }

    // The token is in no output, no log and not in the database.
    let mut places: Vec<(String, Vec<u8>)> = outputs
        .into_iter()
        .flat_map(|(what, run)| [(format!("{what} out"), run.stdout), (what, run.stderr)])
        .collect();
    for entry in std::fs::read_dir(dir.path()).expect("dir") {
        let path = entry.expect("entry").path();
        if path.is_file() && path.file_name().is_some_and(|n| n != "config.toml") {
            places.push((
                path.display().to_string(),
                std::fs::read(&path).expect("read"),
            ));
        }
    }
    if let Ok(logs) = std::fs::read_dir(dir.path().join("logs")) {
        for entry in logs {
            let path = entry.expect("entry").path();
            assert_no_forged_line(
                &path.display().to_string(),
                &std::fs::read(&path).expect("read"),
            );
            places.push((
                path.display().to_string(),
                std::fs::read(&path).expect("read"),
            ));
        }
    }
    assert!(places.len() > 10, "{}", places.len());
    for (what, bytes) in &places {
        assert!(
            !String::from_utf8_lossy(bytes).contains(TOKEN),
            "the token leaked into {what}"
        );
    }

    // The database and its side files are owner-only (they hold customers' data).
    for name in ["h.db", "h.db-wal", "h.db-shm"] {
        let path = dir.path().join(name);
        if let Ok(meta) = std::fs::metadata(&path) {
            assert_eq!(
                meta.permissions().mode() & 0o077,
                0,
                "{name} is readable by others"
            );
        }
    }
    assert!(dir.path().join("h.db").exists());
}

/// SPEC §3: "Tracking numbers, carrier names and order numbers containing control characters
/// are refused as input (exit 2)", and so are absurd lengths; nothing is changed.
#[test]
fn hostile_input_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("config.toml");
    common::write_config(
        &config,
        format!(
            "[database]\nurl = \"sqlite://{}\"\n[shop]\nlanguage = \"en\"\n",
            dir.path().join("h.db").display()
        ),
    )
    .expect("config");
    let orders = dir.path().join("orders.csv");
    std::fs::write(
        &orders,
        "channel,remote_id,number,status,ordered_at,updated_at,shipped_on,carrier,tracking\n\
         shopify,gid://shopify/Order/1,#1001,processed,2026-11-20T10:00:00+09:00,,,,\n",
    )
    .expect("orders");
    let imported = hassou(
        &config,
        &["orders", "import", orders.to_str().expect("path")],
    );
    assert_eq!(imported.code, Some(0));
    let before = hassou(&config, &["orders", "list", "--json"]).stdout;

    let long = "9".repeat(10_000);
    let mut cases: Vec<Vec<String>> = Vec::new();
    for hostile in [
        "4444\u{1b}[2J",
        "4444\u{7}",
        "4444\u{7f}",
        "4444\r",
        "4444\n1375",
        "\u{202e}4444",
        "4444\u{9b}",
        long.as_str(),
    ] {
        cases.push(vec!["--tracking".into(), hostile.into()]);
    }
    for hostile in ["\u{1b}[2J", "other:DHL\u{7}", "other:\u{202e}x", "yamto"] {
        cases.push(vec!["--carrier".into(), hostile.into()]);
    }
    for args in &cases {
        let mut all = vec!["order", "#1001", "set"];
        all.extend(args.iter().map(String::as_str));
        let run = hassou(&config, &all);
        assert_eq!(
            run.code,
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert_terminal_safe(&format!("{args:?}"), &run.stderr);
    }
    // Order file: a NUL in a number, ESC in tracking: refused with the line, nothing written.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "channel,remote_id,number,status,ordered_at,updated_at,shipped_on,carrier,tracking\n\
         shopify,gid://shopify/Order/2,#10\u{0}02,processed,2026-11-20T10:00:00+09:00,,,,\n\
         shopify,gid://shopify/Order/3,#1003,processed,2026-11-20T10:00:00+09:00,,,,12\u{1b}[2J\n",
    )
    .expect("bad file");
    let run = hassou(&config, &["orders", "import", bad.to_str().expect("path")]);
    assert_eq!(run.code, Some(2));
    let message = String::from_utf8_lossy(&run.stderr);
    assert!(
        message.contains("line 2") && message.contains("line 3"),
        "{message}"
    );
    assert_terminal_safe("order file errors", &run.stderr);
    assert_eq!(
        hassou(&config, &["orders", "list", "--json"]).stdout,
        before
    );
}

/// Issue 13: "a mistyped sqlite:///nonexistent/dir/h.db silently creates a new empty database".
#[test]
fn a_database_in_a_folder_that_does_not_exist_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("config.toml");
    let missing = dir.path().join("typo").join("h.db");
    common::write_config(
        &config,
        format!("[database]\nurl = \"sqlite://{}\"\n", missing.display()),
    )
    .expect("config");
    let run = hassou(&config, &["orders", "list"]);
    assert_eq!(run.code, Some(2));
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("does not exist"),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(!dir.path().join("typo").exists(), "nothing created");
}
