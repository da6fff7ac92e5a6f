//! Benchmark: `hassou shipments import` of a B2クラウド file in CP932 (97 columns, CRLF, with a
//! header), as the real binary runs it, against a SQLite database holding 100,000 orders.
//! Targets: 10,000 rows under 1 s; 100,000 rows with flat memory — the peak resident size of
//! 300,000 rows (the last 200,000 reaching no order) is that of 100,000: rows are staged in a
//! temporary file, planned a group at a time, the report spilled.
//!
//! Run: `cargo bench --bench shipments_import` (needs GNU time at /usr/bin/time for the peak
//! resident size).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

fn hassou(config: &Path, args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_hassou"))
        .arg("--config")
        .arg(config)
        .args(args)
        .env("HASSOU_NOW", "2026-11-24T11:00:00+09:00")
        .output()
        .expect("run hassou");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `(seconds, peak resident KiB)` of one import, measured by GNU time.
fn timed_import(config: &Path, file: &Path) -> (f64, Option<u64>) {
    let started = Instant::now();
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(env!("CARGO_BIN_EXE_hassou"))
        .arg("--config")
        .arg(config)
        .args(["shipments", "import"])
        .arg(file)
        .env("HASSOU_NOW", "2026-11-24T11:00:00+09:00")
        .output();
    let seconds = started.elapsed().as_secs_f64();
    match out {
        Ok(out) if out.status.success() => {
            let rss = String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .and_then(|l| l.trim().parse().ok());
            (seconds, rss)
        }
        _ => {
            let started = Instant::now();
            hassou(
                config,
                &["shipments", "import", &file.display().to_string()],
            );
            (started.elapsed().as_secs_f64(), None)
        }
    }
}

fn b2_file(path: &Path, rows: usize) {
    let mut text = String::from("お客様管理番号,送り状種類,クール区分,伝票番号,出荷予定日");
    text.push_str(&",".repeat(92));
    text.push_str("\r\n");
    for i in 0..rows {
        // A valid 7DR number: the last digit is the first eleven mod 7.
        let body = 10_000_000_000u64 + i as u64;
        let number = format!("{body}{}", body % 7);
        text.push_str(&format!("{},0,0,{number},2026/11/24", 100_000 + i));
        text.push_str(",髙橋 ①,ﾔﾏﾀﾞ");
        text.push_str(&",".repeat(90));
        text.push_str("\r\n");
    }
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!unmappable);
    std::fs::write(path, bytes).expect("write the file");
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[database]\nurl = \"sqlite://{}\"\n[shop]\nlanguage = \"en\"\n",
            dir.path().join("bench.db").display()
        ),
    )
    .expect("config");
    let orders = dir.path().join("orders.csv");
    let mut csv = String::from(
        "channel,remote_id,number,status,ordered_at,updated_at,shipped_on,carrier,tracking,bundle_parent\n",
    );
    for i in 0..100_000 {
        csv.push_str(&format!(
            "shopify,gid://shopify/Order/{i},{},awaiting_shipment,2026-11-20T10:00:00+09:00,2026-11-20T10:00:00+09:00,,,,\n",
            100_000 + i
        ));
    }
    std::fs::write(&orders, csv).expect("orders");
    hassou(
        &config,
        &["orders", "import", &orders.display().to_string()],
    );
    println!("100000 orders in SQLite");
    let mut peaks = Vec::new();
    for (rows, target) in [(10_000, Some(1.0)), (100_000, None), (300_000, None)] {
        let file = dir.path().join(format!("b2-{rows}.csv"));
        b2_file(&file, rows);
        let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        let (seconds, rss) = timed_import(&config, &file);
        peaks.push((rows, rss));
        let verdict = match target {
            Some(t) if seconds < t => format!(" (meets the {t} s target)"),
            Some(t) => format!(" (MISSES the {t} s target)"),
            None => String::new(),
        };
        println!(
            "import of {rows} B2 rows ({:.1} MB CP932): {seconds:.2} s{verdict}, peak resident {}",
            size as f64 / 1e6,
            rss.map_or_else(
                || "not measured (no /usr/bin/time)".to_owned(),
                |k| format!("{:.0} MB", k as f64 / 1024.0)
            )
        );
    }
    if let [_, (_, Some(hundred)), (_, Some(three_hundred))] = peaks[..] {
        let growth = three_hundred as f64 / hundred as f64;
        println!(
            "peak resident, 300,000 rows ÷ 100,000 rows: {growth:.2} ({})",
            if growth < 1.2 { "flat" } else { "NOT flat" }
        );
    }
}
