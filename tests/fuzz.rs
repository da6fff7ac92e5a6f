//! Property tests over everything that reads outside input (issues 12 and 13): carrier files
//! (bytes as the label software or a damaged Excel writes them, CP932 or UTF-8), the order file,
//! the configuration, the tracking normaliser, and the terminal-safe text helpers. None may
//! panic on any input; what they accept holds no control character; what they show holds none.
//! Each property runs 2,000 cases by default (`PROPTEST_CASES=20000` for the long run).
#![allow(clippy::panic)] // a test fails by panicking

use std::path::Path;

use hassou::config::{ConfigSources, parse as parse_config};
use hassou::domain::input::{is_refused_char, is_unsafe_char};
use hassou::domain::{Carrier, ShopTimeZone, Store, Tracking, TrackingNumber, tracking};
use hassou::import::parse_file_rows;
use hassou::shipments::{Format, parse as parse_carrier_file};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(2000),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Bytes that look like a carrier file: CSV cells of digits, hyphens, dates, CP932 and UTF-8
/// Japanese, quotes, control characters and broken multi-byte sequences, CRLF or LF.
fn carrier_file_bytes() -> impl Strategy<Value = Vec<u8>> {
    let cell = prop_oneof![
        "[0-9]{1,14}",
        "[0-9]{4}-[0-9]{4}-[0-9]{4}",
        "20[0-9]{2}/[0-9]{1,2}/[0-9]{1,2}",
        "#?[0-9]{3,6}(-[0-9]{1,2})?",
        Just("お客様管理番号".to_owned()),
        Just("伝票番号".to_owned()),
        Just("出荷予定日".to_owned()),
        Just("髙橋 ①㈱ｶﾀｶﾅ".to_owned()),
        "\"[^\"]{0,8}\"",
        "[\\x00-\\x1f\\x7f]{1,2}",
        ".{0,6}",
    ];
    let row = prop::collection::vec(cell, 0..100).prop_map(|cells| cells.join(","));
    (
        prop::collection::vec(row, 0..12),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(any::<u8>(), 0..4),
    )
        .prop_map(|(rows, crlf, cp932, noise)| {
            let text = rows.join(if crlf { "\r\n" } else { "\n" });
            let mut bytes = if cp932 {
                encoding_rs::SHIFT_JIS.encode(&text).0.into_owned()
            } else {
                text.into_bytes()
            };
            bytes.extend(noise);
            bytes
        })
}

/// A character the input gate refuses: control, bidirectional, invisible format, separators.
fn refused_char() -> impl Strategy<Value = char> {
    prop_oneof![
        prop::char::range('\u{0}', '\u{1f}'),
        prop::char::range('\u{7f}', '\u{9f}'),
        prop::char::range('\u{200b}', '\u{200f}'),
        prop::char::range('\u{2028}', '\u{202e}'),
        prop::char::range('\u{2060}', '\u{2064}'),
        prop::char::range('\u{2066}', '\u{206f}'),
        Just('\u{feff}'),
        Just('\u{00ad}'),
        Just('\u{061c}'),
        Just('\u{180e}'),
        prop::char::range('\u{e0020}', '\u{e007f}'),
    ]
    // A line break ends a CSV row or a JSON line: that is the file's structure, not a value.
    .prop_filter("not a line break", |c| *c != '\n' && *c != '\r')
}

/// A value that is good except for one refused character somewhere in it.
fn with_refused(good: &'static str) -> impl Strategy<Value = (String, char)> {
    (0..=good.len(), refused_char()).prop_map(move |(at, c)| {
        let mut at = at;
        while !good.is_char_boundary(at) {
            at -= 1;
        }
        (format!("{}{c}{}", &good[..at], &good[at..]), c)
    })
}

/// A CSV cell holding `value` (quoted, so a comma or quote inside stays in it).
fn cell(value: &str) -> String {
    format!("\"{}\"", value.replace('"', "\"\""))
}

proptest! {
    #![proptest_config(config())]

    /// Issue 23: one gate for tracking, carrier and order numbers from every source — the
    /// command line and the console (`Tracking::parse_input`, `Carrier::parse_input`), the order
    /// file (CSV and JSON Lines) and carrier files: a value holding a control, invisible or
    /// separator character is refused by each of them.
    #[test]
    fn every_source_refuses_a_value_with_a_refused_character(
        (tracking, _) in with_refused("4444-1375-8703"),
        (carrier, _) in with_refused("yamato"),
        (number, _) in with_refused("#1001"),
    ) {
        prop_assert!(Tracking::parse_input(&tracking).is_err(), "{:?}", tracking);
        prop_assert!(Carrier::parse_input(&carrier).is_err(), "{:?}", carrier);
        prop_assert!(hassou::domain::input::check_order_number(&number).is_err(), "{:?}", number);
        let now = chrono::Utc::now();
        let header = "channel,remote_id,number,status,ordered_at,updated_at,shipped_on,carrier,tracking\n";
        let good = ["shopify", "r1", "#1001", "processed", "2026-11-20T10:00:00+09:00", "2026-11-23T10:00:00+09:00", "2026-11-23", "yamato", "444413758703"];
        for (column, bad) in [(2, &number), (7, &carrier), (8, &tracking)] {
            let mut fields: Vec<String> = good.iter().map(|v| cell(v)).collect();
            fields[column] = cell(bad);
            let csv = format!("{header}{}\n", fields.join(","));
            let parsed = parse_file_rows(Path::new("o.csv"), csv.as_bytes(), &Store::DEFAULTS, ShopTimeZone::jst(), now);
            let refused = parsed.as_ref().map_or(true, |(orders, errors)| orders.is_empty() && !errors.is_empty());
            prop_assert!(refused, "CSV column {} {:?}: {:?}", column, bad, parsed);
            let names = ["channel", "remote_id", "number", "status", "ordered_at", "updated_at", "shipped_on", "carrier", "tracking"];
            let mut object = serde_json::Map::new();
            for (i, name) in names.iter().enumerate() {
                let value = if i == column { bad.clone() } else { good[i].to_owned() };
                object.insert((*name).to_owned(), serde_json::Value::String(value));
            }
            let jsonl = format!("{}\n", serde_json::Value::Object(object));
            let parsed = parse_file_rows(Path::new("o.jsonl"), jsonl.as_bytes(), &Store::DEFAULTS, ShopTimeZone::jst(), now);
            let refused = parsed.as_ref().map_or(true, |(orders, errors)| orders.is_empty() && !errors.is_empty());
            prop_assert!(refused, "JSON Lines {} {:?}: {:?}", names[column], bad, parsed);
        }
        // A generic carrier file: key, tracking, date, carrier.
        for (column, bad) in [(0, &number), (1, &tracking), (3, &carrier)] {
            let mut fields = [cell("#1001"), cell("444413758703"), cell("2026/11/23"), cell("yamato")];
            fields[column] = cell(bad);
            let file = format!("注文番号,伝票番号,出荷日,配送会社\n{}\n", fields.join(","));
            let parsed = parse_carrier_file(file.as_bytes(), Some(Format::Generic));
            prop_assert!(parsed.is_err(), "carrier file column {} {:?}: {:?}", column, bad, parsed.map(|p| p.rows));
        }
    }

    /// What any source accepts holds no character the gate refuses.
    #[test]
    fn nothing_accepted_holds_a_refused_character(raw in ".{0,40}") {
        if let Ok(t) = Tracking::parse_input(&raw) {
            prop_assert!(!t.to_text().chars().any(is_refused_char), "{:?}", raw);
        }
        if let Ok(Some(c)) = Carrier::parse_input(&raw) {
            prop_assert!(!c.code().chars().any(is_refused_char), "{:?}", raw);
        }
    }

    #[test]
    fn carrier_files_never_panic_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        for format in [None, Some(Format::B2), Some(Format::Ehiden), Some(Format::Yupri), Some(Format::Generic)] {
            let _ = parse_carrier_file(bytes.as_slice(), format);
        }
    }

    #[test]
    fn carrier_files_that_look_real_never_panic_and_accept_no_control_character(bytes in carrier_file_bytes()) {
        if let Ok(parsed) = parse_carrier_file(bytes.as_slice(), None) {
            for row in &parsed.rows {
                prop_assert!(!row.key.chars().any(is_unsafe_char), "{:?}", row.key);
                prop_assert!(!row.tracking.chars().any(is_unsafe_char), "{:?}", row.tracking);
                prop_assert!(!row.key.contains('\u{fffd}'), "no replacement character: {:?}", row.key);
            }
        }
    }

    #[test]
    fn order_files_never_panic_and_accept_no_control_character(
        body in prop::collection::vec("[^\\n]{0,60}", 0..6),
        raw in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        let header = "channel,remote_id,number,status,ordered_at,updated_at,shipped_on,carrier,tracking,bundle_parent\n";
        let text = format!("{header}{}", body.join("\n"));
        let now = chrono::Utc::now();
        for (path, bytes) in [("o.csv", text.as_bytes()), ("o.jsonl", text.as_bytes()), ("o.csv", raw.as_slice())] {
            if let Ok((orders, _)) = parse_file_rows(Path::new(path), bytes, &Store::DEFAULTS, ShopTimeZone::jst(), now) {
                for o in orders {
                    prop_assert!(!o.order.number.chars().any(is_unsafe_char));
                    prop_assert!(!o.order.tracking.to_text().chars().any(is_unsafe_char));
                }
            }
        }
    }

    #[test]
    fn configuration_never_panics(text in "(\\[[a-z.]{0,14}\\]\\n)?([a-z_]{1,12} = (\"[^\"\\n]{0,20}\"|[0-9]{1,4}|true|false)\\n){0,6}.{0,20}") {
        let sources = ConfigSources {
            data_dir: Some("/tmp/hassou-fuzz".into()),
            ..ConfigSources::default()
        };
        if let Err(e) = parse_config(&text, Some(Path::new("f.toml")), &sources) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn the_tracking_normaliser_never_panics_and_typed_input_holds_no_control_character(raw in ".{0,80}") {
        let tracking = Tracking::parse(&raw);
        let _ = tracking::validate(&tracking, Some(&Carrier::Yamato));
        let _ = TrackingNumber::normalize(&raw);
        let _ = TrackingNumber::search_form(&raw);
        if let Ok(accepted) = Tracking::parse_input(&raw) {
            prop_assert!(!accepted.to_text().chars().any(is_unsafe_char));
        }
        let _ = Carrier::parse_input(&raw);
    }

    #[test]
    fn shown_text_never_holds_a_control_character(raw in ".{0,40}", width in 1usize..30) {
        let shown = hassou::text::visible(&raw);
        prop_assert!(!shown.chars().any(is_unsafe_char));
        let fitted = hassou::text::fit(&raw, width);
        prop_assert!(!fitted.chars().any(is_unsafe_char));
        prop_assert_eq!(unicode_width::UnicodeWidthStr::width(fitted.as_str()), width);
        let lines = hassou::text::visible_lines(&raw);
        prop_assert!(!lines.chars().any(|c| c != '\n' && is_unsafe_char(c)));
    }
}
