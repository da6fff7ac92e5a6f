//! Benchmark: the console's frame at 100,000 orders in a SQLite file — the page a store tab reads
//! (100 orders with verdicts and the counts per verdict) and the drawing of the whole screen at
//! 80×24 and 120×40 on a test terminal. Targets: a refresh (page + frame) under 100 ms, a frame
//! under 16 ms.
//!
//! Run: `cargo bench --bench console_frame` (HASSOU_BENCH_ORDERS changes the size).

use std::time::{Duration, Instant};

use chrono::{DateTime, Duration as Days, FixedOffset, Utc};
use hassou::config::Language;
use hassou::console::state::App;
use hassou::console::update::{Msg, start, update};
use hassou::db::{Db, ListFilter};
use hassou::domain::{ChannelRules, RuleSettings, ShopTimeZone, Store};
use hassou::sample::{SampleSpec, sample_orders};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const RUNS: usize = 50;
const FRAME_TARGET: Duration = Duration::from_millis(16);
const REFRESH_TARGET: Duration = Duration::from_millis(100);

fn as_of() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T12:00:00+09:00")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn verdict(d: Duration, target: Duration) -> &'static str {
    if d < target { "meets" } else { "MISSES" }
}

#[tokio::main]
async fn main() {
    let count: usize = std::env::var("HASSOU_BENCH_ORDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let db = Db::open(&format!(
        "sqlite://{}",
        dir.path().join("bench.db").display()
    ))
    .await
    .expect("open");
    let orders = sample_orders(SampleSpec {
        count,
        newest: as_of() + Days::hours(6),
        spread_days: 365,
        seed: 2026,
    });
    for chunk in orders.chunks(100_000) {
        db.insert_orders_bulk(chunk, as_of()).await.expect("insert");
    }
    drop(orders);
    let filter = ListFilter::new(vec![ChannelRules::new(
        Store::SHOPIFY,
        RuleSettings::default(),
        as_of(),
        ShopTimeZone::jst(),
    )]);

    let mut pages = Vec::new();
    let mut page = db.order_page(&filter, 0, 100).await.expect("page");
    for _ in 0..RUNS {
        let started = Instant::now();
        page = db.order_page(&filter, 0, 100).await.expect("page");
        pages.push(started.elapsed());
    }
    let page_time = median(pages);
    println!(
        "page of 100 + counts, Shopify tab, {count} orders: median {}",
        ms(page_time)
    );

    for lang in [Language::Ja, Language::En] {
        let mut app = App::new(
            lang,
            true,
            FixedOffset::east_opt(9 * 3600).expect("JST"),
            "sqlite://bench.db".into(),
            vec![Store::SHOPIFY, Store::COLORME],
            as_of(),
        );
        let generation = {
            start(&mut app);
            app.generation
        };
        update(
            &mut app,
            Msg::Page {
                generation,
                result: Ok(page.clone()),
            },
        );
        for (w, h) in [(80, 24), (120, 40)] {
            let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
            let mut frames = Vec::new();
            for _ in 0..RUNS {
                let started = Instant::now();
                terminal
                    .draw(|f| hassou::console::view::draw(f, &app))
                    .expect("draw");
                frames.push(started.elapsed());
            }
            let frame = median(frames);
            let refresh = frame + page_time;
            println!(
                "frame {w}x{h} {lang:?}: median {} ({} the {} target); refresh (page + frame) {} ({} the {} target)",
                ms(frame),
                verdict(frame, FRAME_TARGET),
                ms(FRAME_TARGET),
                ms(refresh),
                verdict(refresh, REFRESH_TARGET),
                ms(REFRESH_TARGET),
            );
        }
    }
    db.close().await;
}
