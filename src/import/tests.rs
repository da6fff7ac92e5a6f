use std::path::Path;

use super::*;

fn now() -> DateTime<Utc> {
    parse_time("2026-11-24T12:00:00+09:00", ShopTimeZone::jst()).expect("time")
}

fn parse(name: &str, text: &str) -> Result<Vec<ImportedOrder>, ImportError> {
    parse_file(
        Path::new(name),
        text.as_bytes(),
        &Store::DEFAULTS,
        ShopTimeZone::jst(),
        now(),
    )
}

const HEADER: &str = "channel,remote_id,number,status,ordered_at,updated_at,shipped_on,carrier,tracking,bundle_parent\n";

#[test]
fn reads_csv_with_every_column() {
    let text = format!(
        "{HEADER}shopify,gid://shopify/Order/1,#1001,processed,2026-11-20T10:00:00+09:00,2026-11-23T09:00:00+09:00,2026-11-23,yamato,4444-1375-8703;483484399683,\n\
         colorme,5001,5001,発送待ち,2026/11/20 10:00,,,,定形外郵便,\n\
         colorme,5002,5002,processed,2026-11-20T10:00:00+09:00,,,,,5001\n"
    );
    let orders = parse("orders.csv", &text).expect("valid");
    assert_eq!(orders.len(), 3);
    let first = &orders[0].order;
    assert_eq!(
        first.tracking.values(),
        vec!["444413758703", "483484399683"]
    );
    assert_eq!(first.carrier, Some(Carrier::Yamato));
    assert_eq!(orders[0].line, 2);
    let second = &orders[1].order;
    assert_eq!(second.status, OrderStatus::AwaitingShipment);
    assert_eq!(
        second.updated_at,
        now(),
        "a missing updated_at is stamped now"
    );
    assert_eq!(
        second.ordered_at,
        parse_time("2026-11-20T10:00:00+09:00", ShopTimeZone::jst()).expect("t")
    );
    assert_eq!(second.tracking, Tracking::FreeText("定形外郵便".into()));
    assert_eq!(orders[2].order.bundle_parent.as_deref(), Some("5001"));
}

#[test]
fn reads_json_lines() {
    let text = r##"{"channel":"shopify","remote_id":"gid://shopify/Order/1","number":"#1001","status":"processed","ordered_at":"2026-11-20T10:00:00+09:00","updated_at":"2026-11-23T09:00:00+09:00","shipped_on":"2026-11-23","carrier":"sagawa","tracking":["444413758703","483484399683"],"bundle_parent":null}

{"channel":"colorme","remote_id":"5001","number":"5001","status":"new","ordered_at":"2026-11-20T10:00:00+09:00"}
"##;
    let orders = parse("orders.jsonl", text).expect("valid");
    assert_eq!(orders.len(), 2);
    assert_eq!(orders[0].order.tracking.values().len(), 2);
    assert_eq!(orders[1].line, 3);
}

#[test]
fn bad_rows_are_reported_with_line_and_column() {
    let text = format!(
        "{HEADER}shopify,gid://shopify/Order/1,#1001,processed,2026-11-20T10:00:00+09:00,,,,,\n\
         shopify,gid://shopify/Order/2,#1002,shipped,2026-11-20T10:00:00+09:00,,,,,\n\
         amazon,x,#1003,processed,yesterday,,2026-13-01,,,\n"
    );
    let err = parse("orders.csv", &text).expect_err("invalid");
    let listed: Vec<(Option<usize>, Option<&str>)> = err
        .errors
        .iter()
        .map(|e| (e.line, e.column.as_deref()))
        .collect();
    assert_eq!(
        listed,
        vec![
            (Some(3), Some("status")),
            (Some(4), Some("channel")),
            (Some(4), Some("ordered_at")),
            (Some(4), Some("shipped_on")),
        ]
    );
    let shown = err.to_string();
    assert!(
        shown.starts_with("orders.csv: 4 problems; nothing was imported"),
        "{shown}"
    );
    assert!(
        shown.contains("orders.csv:line 3: status: unknown status \"shipped\""),
        "{shown}"
    );
}

#[test]
fn header_problems_are_on_line_one() {
    let err = parse(
        "o.csv",
        "channel,remote_id,number,status,traking\nshopify,1,1,new,x\n",
    )
    .expect_err("bad header");
    let columns: Vec<&str> = err
        .errors
        .iter()
        .filter_map(|e| e.column.as_deref())
        .collect();
    assert_eq!(columns, vec!["traking", "ordered_at"]);
    assert!(err.errors.iter().all(|e| e.line == Some(1)));
}

#[test]
fn ragged_rows_and_bad_encoding_are_refused() {
    let err = parse("o.csv", &format!("{HEADER}shopify,1,#1,new\n")).expect_err("ragged");
    assert_eq!(err.errors[0].line, Some(2));
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(b"shopify,1,\x83e\x83X\x83g,new,2026-11-20T10:00:00+09:00,,,,,\n");
    let err = parse_file(
        Path::new("sjis.csv"),
        &bytes,
        &Store::DEFAULTS,
        ShopTimeZone::jst(),
        now(),
    )
    .expect_err("sjis");
    assert_eq!(err.errors[0].line, Some(2));
    assert!(err.errors[0].message.contains("not UTF-8"));
}

#[test]
fn duplicates_are_refused() {
    let text = format!(
        "{HEADER}shopify,gid://shopify/Order/1,#1001,processed,2026-11-20T10:00:00+09:00,,,,,\n\
         shopify,gid://shopify/Order/1,#1001,processed,2026-11-20T10:00:00+09:00,,,,,\n\
         shopify,gid://shopify/Order/2,#1001,processed,2026-11-20T10:00:00+09:00,,,,,\n\
         colorme,gid://shopify/Order/1,#1001,processed,2026-11-20T10:00:00+09:00,,,,,\n"
    );
    let err = parse("o.csv", &text).expect_err("duplicates");
    let lines: Vec<Option<usize>> = err.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![Some(3), Some(4)]);
    assert!(err.errors[0].message.contains("line 2"));
}

#[test]
fn check_digit_problems_are_warnings_not_errors() {
    let text = format!(
        "{HEADER}shopify,1,#1,processed,2026-11-20T10:00:00+09:00,,2026-11-23,yamato,444413758704,\n"
    );
    let orders = parse("o.csv", &text).expect("a warning does not refuse the file");
    assert_eq!(orders[0].warnings.len(), 1);
}

#[test]
fn an_empty_file_is_refused() {
    assert!(parse("o.csv", HEADER).is_err());
    assert!(parse("o.jsonl", "\n\n").is_err());
}
