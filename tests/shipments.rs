//! Carrier files (SPEC §3 `hassou shipments import`): the fixture of each format read as the
//! label software writes it (CP932, CRLF, with and without header), each bad case refused with its
//! line and column and nothing changed, the real binary's dry run, import and re-import, random
//! bytes never panicking the reader, and a B2 export written to the sandbox Shopify by `sync`.
#![allow(clippy::panic)] // a test fails by panicking

mod common;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use hassou::domain::Carrier;
use hassou::sandbox::shopify::{SandboxOptions, SandboxShopify};
use hassou::shipments::{Encoding, Format, parse};
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/shipments")
        .join(name)
}

fn read(name: &str) -> Result<hassou::shipments::ParsedFile, Vec<hassou::shipments::RowError>> {
    let bytes = std::fs::read(fixture(name)).expect("fixture");
    parse(bytes.as_slice(), None)
}

fn day(d: &str) -> NaiveDate {
    d.parse().expect("date")
}

#[test]
fn each_format_reads_its_fixture() {
    let b2 = read("b2-header-97.csv").expect("b2 with header");
    assert_eq!((b2.format, b2.encoding), (Format::B2, Encoding::Cp932));
    let keys: Vec<&str> = b2.rows.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["1001-1", "1001-2", "#1002", "OTHER-77"]);
    assert_eq!(b2.rows[0].tracking, "444413758703", "hyphens removed");
    assert_eq!(b2.rows[1].shipped_on, day("2026-11-25"));
    assert_eq!(b2.rows[0].line, 2, "the header is line 1");
    assert!(b2.rows.iter().all(|r| r.carrier == Carrier::Yamato));

    let plain = read("b2-noheader-95.csv").expect("b2 without header");
    assert_eq!((plain.format, plain.rows.len()), (Format::B2, 2));
    assert_eq!(plain.rows[0].line, 1);

    let ehiden = read("ehiden-53.csv").expect("e飛伝");
    assert_eq!(ehiden.format, Format::Ehiden);
    assert_eq!(ehiden.rows[0].key, "1002");
    assert_eq!(
        ehiden.rows[0].shipped_on,
        day("2026-11-24"),
        "date and time"
    );
    assert_eq!(ehiden.rows[0].carrier, Carrier::Sagawa);

    let yupri = read("yupri.csv").expect("ゆうプリR");
    assert_eq!(yupri.format, Format::Yupri);
    assert_eq!(yupri.rows[0].tracking, "123456789012");
    assert_eq!(yupri.rows[0].carrier, Carrier::JapanPost);

    let generic = read("generic.csv").expect("generic");
    assert_eq!(
        (generic.format, generic.encoding),
        (Format::Generic, Encoding::Utf8Bom)
    );
    assert_eq!(
        generic.rows[1].carrier,
        Carrier::Other("DHL Express".into())
    );
    assert_eq!(generic.rows[1].shipped_on, day("2026-11-24"));
}

/// "a bad row (undecodable bytes, too few columns, empty tracking, a bad date, a control
/// character) refuses the file …, naming the line and column"
#[test]
fn each_bad_case_names_its_line_and_column() {
    for (name, line, column, says) in [
        ("bad-bytes.csv", 3, None, "cp932"),
        ("bad-too-few.csv", 2, None, "columns"),
        ("bad-empty-tracking.csv", 2, Some(4), "empty"),
        ("bad-date.csv", 2, Some(5), "not a date"),
        ("bad-control.csv", 2, Some(1), "control character"),
    ] {
        let errors = read(name).expect_err(name);
        let first = &errors[0];
        assert_eq!(
            (first.line, first.column),
            (line, column),
            "{name}: {errors:?}"
        );
        assert!(first.message.contains(says), "{name}: {first:?}");
    }
}

/// No input, however broken, panics the reader: random bytes, random CSV-ish text in both
/// encodings, every format forced.
#[test]
fn random_input_never_panics() {
    let mut state: u64 = 0x2026_1124;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let alphabet: Vec<u8> = b",\"\r\n0123456789-/ #\x1b\x81\x82\xe3\x80\x81"
        .iter()
        .copied()
        .chain(
            encoding_rs::SHIFT_JIS
                .encode("伝票番号お客様側管理番号髙①")
                .0
                .iter()
                .copied(),
        )
        .collect();
    let formats = [
        None,
        Some(Format::B2),
        Some(Format::Ehiden),
        Some(Format::Yupri),
        Some(Format::Generic),
    ];
    for case in 0..3000 {
        let len = (next() % 400) as usize;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                if case % 2 == 0 {
                    (next() & 0xff) as u8
                } else {
                    alphabet[(next() % alphabet.len() as u64) as usize]
                }
            })
            .collect();
        let _ = parse(bytes.as_slice(), formats[case % formats.len()]);
    }
}

struct Workspace {
    dir: tempfile::TempDir,
    config: PathBuf,
}

impl Workspace {
    fn new(extra: &str) -> Workspace {
        let dir = tempfile::tempdir().expect("dir");
        let config = dir.path().join("config.toml");
        common::write_config(
            &config,
            format!(
                "[database]\nurl = \"sqlite://{}\"\n[shop]\nlanguage = \"en\"\n{extra}",
                dir.path().join("h.db").display()
            ),
        )
        .expect("config");
        Workspace { dir, config }
    }

    fn hassou(&self, args: &[&str]) -> std::process::Output {
        common::hassou_at_edit_clock(&self.config, args)
            .output()
            .expect("run hassou")
    }

    fn orders(&self, csv: &str) {
        let file = self.dir.path().join("orders.csv");
        std::fs::write(
            &file,
            format!("channel,remote_id,number,status,ordered_at,updated_at,shipped_on,carrier,tracking,bundle_parent\n{csv}"),
        )
        .expect("orders");
        let out = self.hassou(&["orders", "import", file.to_str().expect("path")]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn list(&self) -> Vec<Value> {
        let out = self.hassou(&[
            "orders",
            "list",
            "--json",
            "--as-of",
            "2026-11-24T12:00:00+09:00",
        ]);
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).expect("json"))
            .collect()
    }

    fn import(&self, name: &str, extra: &[&str]) -> (Option<i32>, Value, String) {
        let path = fixture(name);
        let mut args = vec![
            "shipments",
            "import",
            path.to_str().expect("path"),
            "--json",
        ];
        args.extend_from_slice(extra);
        let out = self.hassou(&args);
        let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (
            out.status.code(),
            json,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

const ORDERS: &str = "shopify,gid://shopify/Order/1,#1001,awaiting_shipment,2026-11-20T10:00:00+09:00,2026-11-20T10:00:00+09:00,,,,\n\
shopify,gid://shopify/Order/2,#1002,processed,2026-11-20T10:00:00+09:00,2026-11-20T10:00:00+09:00,2026-11-24,yamato,390459983082,\n\
colorme,20000005,20000005,processed,2026-11-20T10:00:00+09:00,2026-11-20T10:00:00+09:00,,,,\n\
colorme,20000006,20000006,processed,2026-11-20T10:00:00+09:00,2026-11-20T10:00:00+09:00,,,,20000005\n";

fn find<'a>(rows: &'a [Value], number: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["number"] == number)
        .unwrap_or_else(|| panic!("no {number} in {rows:?}"))
}

#[test]
fn dry_run_then_import_then_the_same_file_changes_nothing() {
    let ws = Workspace::new("");
    ws.orders(ORDERS);
    let before = ws.list();

    let (code, report, stderr) = ws.import("b2-header-97.csv", &["--dry-run", "--mark-processed"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(report["format"], "b2");
    assert_eq!(report["encoding"], "cp932");
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["rows"], 4);
    let orders = report["orders"].as_array().expect("orders");
    let one = orders
        .iter()
        .find(|o| o["number"] == "#1001")
        .expect("#1001");
    assert_eq!(one["change"], "set");
    assert_eq!(
        one["tracking"],
        serde_json::json!(["444413758703", "483484399683"])
    );
    assert_eq!(one["carrier"], "yamato");
    assert_eq!(one["shipped_on"], "2026-11-25");
    assert_eq!(one["previous"], Value::Null);
    let two = orders
        .iter()
        .find(|o| o["number"] == "#1002")
        .expect("#1002");
    assert_eq!(two["change"], "unchanged", "{two}");
    assert_eq!(
        report["unmatched"],
        serde_json::json!([{"line": 5, "key": "OTHER-77"}])
    );
    assert_eq!(ws.list(), before, "a dry run writes nothing");

    let (code, _, stderr) = ws.import("b2-header-97.csv", &["--mark-processed"]);
    assert_eq!(code, Some(0), "{stderr}");
    let after = ws.list();
    let one = find(&after, "#1001");
    assert_eq!(
        one["tracking"],
        serde_json::json!(["444413758703", "483484399683"])
    );
    assert_eq!(one["status"], "processed", "--mark-processed");
    assert_eq!(one["verdict"], "pending");

    // The same file again: every order unchanged, nothing stamped.
    let (code, again, _) = ws.import("b2-header-97.csv", &[]);
    assert_eq!(code, Some(0));
    assert!(
        again["orders"]
            .as_array()
            .expect("orders")
            .iter()
            .all(|o| o["change"] == "unchanged"),
        "{again}"
    );
    assert_eq!(ws.list(), after);
}

#[test]
fn a_bundle_parent_gives_its_values_to_its_children() {
    let ws = Workspace::new("");
    ws.orders(ORDERS);
    let (code, report, stderr) = ws.import("yupri.csv", &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let numbers: Vec<&str> = report["orders"]
        .as_array()
        .expect("orders")
        .iter()
        .map(|o| o["number"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(numbers, ["20000005", "20000006"]);
    let child = find(&ws.list(), "20000006").clone();
    assert_eq!(child["tracking"], serde_json::json!(["123456789012"]));
    assert_eq!(child["carrier"], "japan_post");
}

#[test]
fn a_bad_file_exits_2_naming_line_and_column_and_changes_nothing() {
    let ws = Workspace::new("");
    ws.orders(ORDERS);
    let before = ws.list();
    let (code, _, stderr) = ws.import("bad-date.csv", &[]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("bad-date.csv: line 2, column 5"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    assert_eq!(ws.list(), before);
}

/// As a new user would: a B2 export with a header, then one without, then `hassou sync shopify`
/// writes the numbers with company `Yamato (JA)`, both parcels of the 枝番 order in one
/// fulfillment's `numbers`.
#[tokio::test]
async fn b2_exports_then_sync_write_yamato_with_both_parcels() {
    let sandbox = SandboxShopify::start(0, SandboxOptions::default())
        .await
        .expect("sandbox");
    let created = chrono::DateTime::parse_from_rfc3339("2026-11-20T10:00:00+09:00")
        .expect("t")
        .to_utc();
    let one = sandbox.add_order("#1001", "山田 太郎", created, &["東京倉庫"]);
    let two = sandbox.add_order("#1002", "佐藤 花子", created, &["東京倉庫"]);
    let ws = Workspace::new(&format!(
        "[shopify]\nshop_url = \"{}\"\naccess_token = \"shpat_sandbox\"\n",
        sandbox.url()
    ));
    ws.orders(&format!(
        "shopify,{one},#1001,processed,2026-11-20T10:00:00+09:00,2026-11-20T10:00:00+09:00,,,,\n\
         shopify,{two},#1002,processed,2026-11-20T10:00:00+09:00,2026-11-20T10:00:00+09:00,,,,\n"
    ));
    let (code, _, stderr) = ws.import("b2-header-97.csv", &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, report, stderr) = ws.import("b2-noheader-95.csv", &["--channel", "shopify"]);
    assert_eq!(code, Some(0), "{stderr}");
    // Without a header, #1001 has one row: its numbers become that one.
    let first = report["orders"][0].clone();
    assert_eq!(first["change"], "changed", "{report}");
    // Back to the two parcels, then sync.
    let (code, _, _) = ws.import("b2-header-97.csv", &[]);
    assert_eq!(code, Some(0));
    // At the clock the imports ran at, so the orders are inside the period.
    let out = tokio::process::Command::from(common::hassou_at_edit_clock(
        &ws.config,
        &["sync", "shopify"],
    ))
    .output()
    .await
    .expect("sync");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let order = sandbox.order(&one).expect("order");
    assert_eq!(order.fulfillments.len(), 1, "one fulfillment");
    let lines = &order.fulfillments[0].tracking;
    let numbers: Vec<&str> = lines.iter().map(|(_, n, _)| n.as_str()).collect();
    assert_eq!(numbers, ["444413758703", "483484399683"]);
    assert!(
        lines
            .iter()
            .all(|(company, _, _)| company.as_deref() == Some("Yamato (JA)")),
        "{lines:?}"
    );
}

/// The command line's import plans the file a few thousand rows at a time (memory that does not
/// grow with the file). Across those chunks nothing changes: every 枝番 parcel of an order
/// reaches it, a key repeated past a chunk's size is one group, a bundle child with rows of its
/// own in another chunk keeps them, one without gets its parent's, and a second import of the
/// same file changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chunked_planning_gives_the_same_answer_across_chunk_boundaries() {
    use hassou::db::Db;
    use hassou::domain::{Order, Store};
    use hassou::shipments::staged;

    let dir = tempfile::tempdir().expect("dir");
    let db = Db::open(&format!("sqlite://{}", dir.path().join("h.db").display()))
        .await
        .expect("db");
    let mut orders: Vec<Order> = (0..3000)
        .map(|i| common::target_order(Store::SHOPIFY, &format!("#{}", 100_000 + i), ""))
        .collect();
    // A parent at the very start (root "000P"), children far away in key order.
    orders.push(common::target_order(Store::SHOPIFY, "000P", ""));
    for (number, parent) in [("ZZZ-own", "000P"), ("ZZZ-none", "000P")] {
        orders.push(Order {
            bundle_parent: Some(parent.into()),
            ..common::target_order(Store::SHOPIFY, number, "")
        });
    }
    db.upsert_orders(&orders, common::as_of())
        .await
        .expect("seed");

    let mut csv = String::from("number,carrier,tracking,shipped_on,channel\n");
    csv.push_str("000P,yamato,444413758703,2026-11-24,shopify\n");
    for i in 0..3000u64 {
        // Two parcels per order, the second further down the file.
        let body = 40_000_000_000 + i;
        csv.push_str(&format!(
            "{}-1,yamato,{body}{},2026-11-24,shopify\n",
            100_000 + i,
            body % 7
        ));
    }
    for i in 0..3000u64 {
        let body = 50_000_000_000 + i;
        csv.push_str(&format!(
            "{}-2,yamato,{body}{},2026-11-25,shopify\n",
            100_000 + i,
            body % 7
        ));
    }
    // One key 2,100 times (a group larger than a chunk), and the child's own row.
    for _ in 0..2100 {
        csv.push_str("#102999,yamato,390459983082,2026-11-26,shopify\n");
    }
    csv.push_str("ZZZ-own,sagawa,512547514334,2026-11-24,shopify\n");
    let file = dir.path().join("big.csv");
    std::fs::write(&file, csv).expect("file");

    let options = staged::Options {
        format: None,
        channel: None,
        mark_processed: false,
        dry_run: false,
        now: common::as_of(),
    };
    let done = staged::run(&db, &file, options).await.expect("import");
    assert_eq!(done.summary.rows, 1 + 6000 + 2100 + 1);
    assert_eq!((done.set, done.changed, done.unchanged), (3003, 0, 0));
    assert_eq!(done.unmatched().count(), 0);
    let found = |number: &str| {
        let db = db.clone();
        let number = number.to_owned();
        async move {
            db.find_orders(&number, None)
                .await
                .expect("find")
                .remove(0)
                .order
        }
    };
    let first = found("#100000").await;
    let seven_dr = |body: u64| format!("{body}{}", body % 7);
    assert_eq!(
        first.tracking.values(),
        [seven_dr(40_000_000_000), seven_dr(50_000_000_000)]
    );
    assert_eq!(
        first.shipped_on,
        Some(day("2026-11-25")),
        "the latest 出荷日"
    );
    let repeated = found("#102999").await;
    assert_eq!(
        repeated.tracking.values().len(),
        3,
        "{:?}",
        repeated.tracking
    );
    assert_eq!(repeated.shipped_on, Some(day("2026-11-26")));
    let own = found("ZZZ-own").await;
    assert_eq!(
        own.carrier,
        Some(Carrier::Sagawa),
        "its own row, not its parent's"
    );
    let none = found("ZZZ-none").await;
    assert_eq!(
        none.tracking.values(),
        ["444413758703"],
        "the parent's parcel (同梱)"
    );

    // Again: nothing changes (an unchanged parent passes nothing to its children).
    let again = staged::run(&db, &file, options).await.expect("again");
    assert_eq!((again.set, again.changed, again.unchanged), (0, 0, 3002));
}
