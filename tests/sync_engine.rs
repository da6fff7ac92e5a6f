//! The sync engine against a store in memory, on SQLite and PostgreSQL: every pending order
//! written once, never twice, everything recorded.
#![allow(clippy::panic)] // a test fails by panicking

mod common;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use common::fake_store::{FakeStore, Fault};
use common::t;
use hassou::db::{Db, ListFilter, OrderEdit};
use hassou::domain::{ChannelRules, Order, RuleSettings, ShopTimeZone, Store, Tracking, Verdict};
use hassou::sync::{
    PlanScope, ResultOutcome, RunReport, SyncEngine, SyncEvent, SyncOptions, WriteOutcome,
};
use tokio_util::sync::CancellationToken;

const AS_OF: &str = "2026-11-24T12:00:00+09:00";

fn now() -> DateTime<Utc> {
    t(AS_OF)
}

use common::target_order as order;

fn rules(channel: Store) -> ChannelRules {
    ChannelRules::new(channel, RuleSettings::default(), now(), ShopTimeZone::jst())
}

fn options(dry_run: bool) -> SyncOptions {
    SyncOptions {
        dry_run,
        trigger: hassou::domain::job::Trigger::Cli,
        host: "test".into(),
    }
}

async fn seed(db: &Db) {
    let orders = vec![
        order(Store::SHOPIFY, "#1", "444413758703"),
        order(Store::SHOPIFY, "#2", "483484399683,390459983082"),
        order(Store::SHOPIFY, "#3", "定形外郵便"),
        Order {
            shipped_on: None,
            ..order(Store::SHOPIFY, "#4", "405548424886")
        },
        order(Store::COLORME, "c1", "512547514334"),
        order(Store::COLORME, "c2", ""),
    ];
    db.upsert_orders(&orders, now()).await.expect("seed");
}

async fn run(db: &Db, store: &FakeStore, channel: Store, dry_run: bool) -> RunReport {
    SyncEngine::new(db, store)
        .with_clock(now)
        .run(
            rules(channel),
            &options(dry_run),
            None,
            &CancellationToken::new(),
        )
        .await
        .expect("run")
}

fn outcome(report: &RunReport, number: &str) -> ResultOutcome {
    report
        .results
        .iter()
        .find(|r| r.number == number)
        .map(|r| r.outcome)
        .unwrap_or_else(|| panic!("no result for {number}: {report:?}"))
}

async fn first_run_writes_every_pending_order_and_the_second_writes_nothing(db: Db) {
    seed(&db).await;
    let store = FakeStore::new(Store::SHOPIFY);
    let report = run(&db, &store, Store::SHOPIFY, false).await;
    assert_eq!(
        (
            report.considered,
            report.pending,
            report.written,
            report.failed
        ),
        (3, 3, 3, 0)
    );
    for number in ["#1", "#2", "#3"] {
        assert_eq!(outcome(&report, number), ResultOutcome::Fulfilled);
    }
    assert!(
        report.results.iter().all(|r| r.number != "#4"),
        "ineligible orders are not considered"
    );
    assert_eq!(store.total_applied(), 3);

    let again = run(&db, &store, Store::SHOPIFY, false).await;
    assert_eq!((again.written, again.already_synced), (0, 3));
    assert_eq!(store.total_applied(), 3, "a second run sends nothing");

    // The JSON report has SPEC §3's shape.
    let json = serde_json::to_value(&again).expect("json");
    for key in [
        "channel",
        "dry_run",
        "considered",
        "pending",
        "written",
        "already_synced",
        "waiting",
        "failed",
        "results",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    assert_eq!(json["results"][0]["outcome"], "already_synced");
}

async fn changed_tracking_is_written_again_as_an_update(db: Db) {
    seed(&db).await;
    let store = FakeStore::new(Store::SHOPIFY);
    run(&db, &store, Store::SHOPIFY, false).await;
    let stored = db.find_orders("#1", None).await.expect("find").remove(0);
    let edit = hassou::db::OrderEdit {
        tracking: Some(Tracking::parse("483484399683")),
        ..Default::default()
    };
    db.edit_order(&stored, &edit, t("2026-11-24T11:00:00+09:00"))
        .await
        .expect("edit");
    let report = run(&db, &store, Store::SHOPIFY, false).await;
    assert_eq!(outcome(&report, "#1"), ResultOutcome::TrackingUpdated);
    assert_eq!(report.written, 1);
}

async fn dry_run_sends_nothing_and_says_what_it_would_send(db: Db) {
    seed(&db).await;
    let store = FakeStore::new(Store::COLORME);
    let report = run(&db, &store, Store::COLORME, true).await;
    assert_eq!(store.total_applied(), 0);
    assert_eq!(outcome(&report, "c1"), ResultOutcome::WouldWrite);
    assert_eq!(outcome(&report, "c2"), ResultOutcome::Waiting);
    let detail = &report
        .results
        .iter()
        .find(|r| r.number == "c1")
        .expect("c1")
        .detail;
    assert!(
        detail.contains("512547514334") && detail.contains("\"delivered\":true"),
        "{detail}"
    );
    let runs = db.runs(Store::COLORME, 5).await.expect("runs");
    assert!(runs[0].dry_run);
    let c1 = db.find_orders("c1", None).await.expect("find").remove(0);
    assert!(
        db.attempts_for_order(c1.id)
            .await
            .expect("trail")
            .is_empty()
    );
}

async fn a_refused_write_is_failed_with_the_stores_words_then_retried(db: Db) {
    seed(&db).await;
    let store = FakeStore::new(Store::SHOPIFY);
    store.fault("#2", Fault::Refuse("Fulfillment order is on hold".into()));
    let report = run(&db, &store, Store::SHOPIFY, false).await;
    assert_eq!((report.written, report.failed), (2, 1));
    assert_eq!(outcome(&report, "#2"), ResultOutcome::Failed);

    let filter = ListFilter {
        verdict: Some(Verdict::Failed),
        ..ListFilter::new(vec![rules(Store::SHOPIFY)])
    };
    let page = db.order_page(&filter, 0, 10).await.expect("page");
    assert_eq!(page.rows.len(), 1);
    assert_eq!(
        page.rows[0].evaluation.error.as_deref(),
        Some("Fulfillment order is on hold")
    );
    let trail = db
        .attempts_for_order(page.rows[0].stored.id)
        .await
        .expect("trail");
    assert_eq!(
        trail[0].error.as_deref(),
        Some("Fulfillment order is on hold")
    );

    // The hold is released: the next run writes it.
    let report = run(&db, &store, Store::SHOPIFY, false).await;
    assert_eq!((report.written, report.already_synced), (1, 2));
    assert_eq!(store.applied("r-#2"), 1);
}

async fn a_lost_answer_is_confirmed_not_repeated(db: Db) {
    seed(&db).await;
    let store = FakeStore::new(Store::COLORME);
    store.fault("c1", Fault::LoseAnswer);
    let report = run(&db, &store, Store::COLORME, false).await;
    assert_eq!(outcome(&report, "c1"), ResultOutcome::Failed);
    let c1 = db.find_orders("c1", None).await.expect("find").remove(0);
    assert!(
        c1.remote.in_flight_since.is_some(),
        "the outcome is unknown: read before writing again"
    );
    assert_eq!(
        db.attempts_for_order(c1.id).await.expect("trail")[0]
            .outcome
            .as_deref(),
        Some("unknown")
    );

    let report = run(&db, &store, Store::COLORME, false).await;
    assert_eq!(outcome(&report, "c1"), ResultOutcome::AlreadySynced);
    assert_eq!(
        store.applied("r-c1"),
        1,
        "exactly one write reached the store"
    );
    let c1 = db.find_orders("c1", None).await.expect("find").remove(0);
    assert_eq!(c1.remote.in_flight_since, None);
    assert_eq!(c1.remote.confirmed, store.held("r-c1"));
}

async fn cancelling_stops_between_orders_and_loses_nothing(db: Db) {
    seed(&db).await;
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let store = FakeStore::new(Store::SHOPIFY).on_write(move |_| trigger.cancel());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let report = SyncEngine::new(&db, &store)
        .with_clock(now)
        .run(rules(Store::SHOPIFY), &options(false), Some(&tx), &cancel)
        .await
        .expect("run");
    assert!(report.cancelled);
    assert_eq!(report.written, 1, "the order in flight is finished");
    assert_eq!(
        report
            .results
            .iter()
            .filter(|r| r.outcome == ResultOutcome::NotReached)
            .count(),
        2
    );
    assert_eq!(
        db.runs(Store::SHOPIFY, 1).await.expect("runs")[0]
            .outcome
            .as_deref(),
        Some("cancelled")
    );
    drop(tx);
    let mut events = Vec::new();
    while let Some(e) = rx.recv().await {
        events.push(e);
    }
    assert!(matches!(
        events.first(),
        Some(SyncEvent::RunStarted { planned: 3, .. })
    ));
    assert!(events.iter().any(|e| matches!(
        e,
        SyncEvent::OrderWritten {
            outcome: WriteOutcome::Fulfilled,
            ..
        }
    )));
    assert!(matches!(events.last(), Some(SyncEvent::RunFinished { .. })));

    // The next run picks up where it stopped.
    let store = Arc::new(store);
    let report = SyncEngine::new(&db, store.as_ref())
        .with_clock(now)
        .run(
            rules(Store::SHOPIFY),
            &options(false),
            None,
            &CancellationToken::new(),
        )
        .await
        .expect("run");
    assert_eq!((report.written, report.already_synced), (2, 1));
}

/// The confirmation's contract: a confirmed plan writes only its orders, each only with the
/// values the operator saw; an order edited after the confirmation, or made pending after it,
/// is not written.
async fn a_confirmed_plan_writes_only_what_was_shown(db: Db) {
    seed(&db).await;
    let store = FakeStore::new(Store::SHOPIFY);
    let engine = SyncEngine::new(&db, &store).with_clock(now);
    let plan = engine
        .plan(rules(Store::SHOPIFY), PlanScope::Pending)
        .await
        .expect("plan");
    let mut numbers: Vec<&str> = plan.items.iter().map(|i| i.number.as_str()).collect();
    numbers.sort_unstable();
    assert_eq!(numbers, ["#1", "#2", "#3"]);
    let two = plan.items.iter().find(|i| i.number == "#2").expect("#2");
    assert_eq!(two.planned.numbers, ["483484399683", "390459983082"]);
    assert!(
        plan.items
            .iter()
            .all(|i| i.planned.marks_shipped && !i.retry)
    );
    assert_eq!(plan.notifications(), 0);
    assert_eq!(store.total_applied(), 0, "planning sends nothing");

    // After the confirmation: #2 gets another number, #4 becomes pending.
    let find = |number: &'static str| {
        let db = db.clone();
        async move {
            db.find_orders(number, Some(Store::SHOPIFY))
                .await
                .expect("find")
                .remove(0)
        }
    };
    let two = find("#2").await;
    db.edit_order(
        &two,
        &OrderEdit {
            tracking: Some(Tracking::parse("444413758703")),
            ..OrderEdit::default()
        },
        now(),
    )
    .await
    .expect("edit #2");
    let four = find("#4").await;
    db.edit_order(
        &four,
        &OrderEdit {
            shipped_on: Some(Some(now().date_naive())),
            ..OrderEdit::default()
        },
        now(),
    )
    .await
    .expect("edit #4");

    let report = engine
        .run_plan(
            rules(Store::SHOPIFY),
            &plan,
            &options(false),
            None,
            &CancellationToken::new(),
        )
        .await
        .expect("run");
    assert_eq!(outcome(&report, "#1"), ResultOutcome::Fulfilled);
    assert_eq!(outcome(&report, "#3"), ResultOutcome::Fulfilled);
    assert_eq!(outcome(&report, "#2"), ResultOutcome::NotReached);
    assert!(
        report.results.iter().all(|r| r.number != "#4"),
        "{report:?}"
    );
    assert_eq!(store.total_applied(), 2);
    let order_of = |number: &str| {
        report
            .results
            .iter()
            .find(|r| r.number == number)
            .map(|r| r.detail.clone())
            .unwrap_or_default()
    };
    assert!(order_of("#2").contains("changed since"), "{report:?}");
}

on_both_backends!(
    a_confirmed_plan_writes_only_what_was_shown,
    first_run_writes_every_pending_order_and_the_second_writes_nothing,
    changed_tracking_is_written_again_as_an_update,
    dry_run_sends_nothing_and_says_what_it_would_send,
    a_refused_write_is_failed_with_the_stores_words_then_retried,
    a_lost_answer_is_confirmed_not_repeated,
    cancelling_stops_between_orders_and_loses_nothing,
);
