//! Benchmark: the first page of 100 orders with verdicts, and the counts per verdict, over
//! 1,000,000 orders in a SQLite file. Target: under 100 ms (issue 2).
//!
//! Run: `cargo bench --bench list_orders` (set HASSOU_BENCH_ORDERS to change the size).
//! It builds the database in a temporary directory, then times each query many times and prints
//! min / median / p95 / max.

use std::time::{Duration, Instant};

use chrono::{DateTime, Duration as Days, Utc};
use hassou::db::{Db, ListFilter};
use hassou::domain::{ChannelRules, Period, RuleSettings, ShopTimeZone, Store, Verdict};
use hassou::sample::{SampleSpec, sample_orders};

const TARGET: Duration = Duration::from_millis(100);
const RUNS: usize = 30;

fn as_of() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T12:00:00+09:00")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn rules(period: u32) -> Vec<ChannelRules> {
    let settings = RuleSettings {
        period: Period::try_from(period).unwrap_or_default(),
        ..RuleSettings::default()
    };
    Store::DEFAULTS
        .iter()
        .map(|c| ChannelRules::new(*c, settings, as_of(), ShopTimeZone::jst()))
        .collect()
}

struct Stats {
    min: Duration,
    median: Duration,
    p95: Duration,
    max: Duration,
}

fn stats(mut samples: Vec<Duration>) -> Stats {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    Stats {
        min: samples[0],
        median: at(0.5),
        p95: at(0.95),
        max: samples[samples.len() - 1],
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

async fn time<F, Fut>(label: &str, mut f: F) -> Stats
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    f().await; // warm the page cache and the prepared-statement cache
    let mut samples = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        f().await;
        samples.push(start.elapsed());
    }
    let s = stats(samples);
    println!(
        "{label:<58} min {:>9}  median {:>9}  p95 {:>9}  max {:>9}",
        ms(s.min),
        ms(s.median),
        ms(s.p95),
        ms(s.max)
    );
    s
}

#[tokio::main]
async fn main() {
    let count: usize = std::env::var("HASSOU_BENCH_ORDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    // HASSOU_BENCH_DB=PATH keeps the database between runs (it is built once, if missing).
    let dir = tempfile::tempdir().expect("temp dir");
    let path = std::env::var("HASSOU_BENCH_DB")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| dir.path().join("bench.db"));
    let existed = path.exists();
    let url = format!("sqlite://{}", path.display());
    let db = Db::open(&url).await.expect("open");
    let filter = ListFilter::new(rules(3));
    if !existed {
        build(&db, count, &filter).await;
    }
    bench(&db, count, &filter).await;
    db.close().await;
}

async fn build(db: &Db, count: usize, filter: &ListFilter) {
    let started = Instant::now();
    // One year of orders, newest six hours after as-of (some changed "in the future" of as-of).
    let orders = sample_orders(SampleSpec {
        count,
        newest: as_of() + Days::hours(6),
        spread_days: 365,
        seed: 2026,
    });
    for chunk in orders.chunks(100_000) {
        db.insert_orders_bulk(chunk, as_of()).await.expect("insert");
    }
    // Some orders already confirmed by their store, so the join has rows to find.
    let page = db
        .order_page(
            &ListFilter {
                verdict: Some(Verdict::Pending),
                ..filter.clone()
            },
            0,
            2000,
        )
        .await
        .expect("pending");
    for row in &page.rows {
        if let Some(write) = &row.evaluation.write {
            db.record_confirmed(row.stored.id, row.stored.order.store, write, None, as_of())
                .await
                .expect("confirm");
        }
    }
    drop(orders);
    println!(
        "built {count} orders in SQLite in {:.1} s ({} marked synced)",
        started.elapsed().as_secs_f64(),
        page.rows.len()
    );
}

async fn bench(db: &Db, count: usize, filter: &ListFilter) {
    let counts = db.verdict_counts(filter).await.expect("counts");
    println!(
        "verdicts at period 3: {}",
        Verdict::ALL
            .iter()
            .map(|v| format!("{} {}", v.code(), counts.total(*v)))
            .collect::<Vec<_>>()
            .join(", ")
    );

    let first_page = time(
        "first page of 100 + counts per verdict (period 3)",
        || async {
            let page = db.order_page(filter, 0, 100).await.expect("page");
            assert_eq!(page.rows.len(), 100);
        },
    )
    .await;
    let wide = ListFilter::new(rules(13));
    time(
        "first page of 100 + counts per verdict (period 13)",
        || async {
            db.order_page(&wide, 0, 100).await.expect("page");
        },
    )
    .await;
    let pending = ListFilter {
        verdict: Some(Verdict::Pending),
        ..filter.clone()
    };
    time("first page of pending + counts (period 3)", || async {
        db.order_page(&pending, 0, 100).await.expect("page");
    })
    .await;
    let ineligible = ListFilter {
        verdict: Some(Verdict::Ineligible),
        ..filter.clone()
    };
    time("page 50 of ineligible + counts (period 3)", || async {
        db.order_page(&ineligible, 5000, 100).await.expect("page");
    })
    .await;
    let shopify = ListFilter::new(vec![rules(3)[0]]);
    time("first page of one channel + counts (period 3)", || async {
        db.order_page(&shopify, 0, 100).await.expect("page");
    })
    .await;

    let verdict = if first_page.median < TARGET {
        "meets"
    } else {
        "MISSES"
    };
    println!(
        "target: first page + counts under {} over {count} orders: median {} {verdict} it",
        ms(TARGET),
        ms(first_page.median)
    );
}
