//! Alerts (issue 20, SPEC §3 "Health and alerts"): each condition alerts once across runs and
//! processes (two handles on one database, SQLite and PostgreSQL, judging at once), `recovered`
//! once when it clears; delivery retried after a 500; a hanging webhook never delays a run; no
//! token, customer name or address in any alert; `hassou alerts test` reaching the sandbox's
//! webhook and SMTP sinks.
#![allow(clippy::panic)] // a test fails by panicking

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use hassou::alerts::Alerting;
use hassou::config::{Config, ConfigSources};
use hassou::db::Db;
use hassou::domain::Cause;
use hassou::domain::Store;
use hassou::domain::job::{JobKind, JobStatus};
use hassou::sandbox::alerts::{AlertSink, Received, SinkFault};
use hassou::settings::OperationalSettings;

fn config(sink: &AlertSink, format: &str, lang: &str) -> Config {
    let text = format!(
        "[database]\nurl = \"sqlite::memory:\"\n[shop]\nlanguage = \"{lang}\"\n\
         [alerts]\nwebhook_url = \"{}\"\nwebhook_format = \"{format}\"\n\
         mail_to = [\"ops@example.jp\"]\nmail_from = \"hassou@example.jp\"\nsmtp_url = \"{}\"\n",
        sink.webhook_url(),
        sink.smtp_url()
    );
    hassou::config::parse(&text, None, &ConfigSources::default()).expect("config")
}

/// The store's scheduled sync failed `n` times in a row with `cause` (0: it succeeded).
async fn sync_failed(db: &Db, n: u32, cause: Cause) {
    let status = JobStatus {
        consecutive_failures: n,
        last_cause: (n > 0).then_some(cause),
        last_error: (n > 0).then(|| "401 Unauthorized: shpat_secret_token 山田 太郎".to_owned()),
        last_ok_at: Some(Utc::now()),
        started_at: Some(Utc::now()),
        ..JobStatus::default()
    };
    db.publish_status(Store::SHOPIFY, JobKind::Sync, "test", &status, Utc::now())
        .await
        .expect("publish");
}

/// Two handles on one database, as two processes have: a SQLite file, and PostgreSQL when
/// configured.
async fn two_processes(dir: &std::path::Path) -> Vec<(&'static str, Db, Db)> {
    let url = format!("sqlite://{}", dir.join("alerts.db").display());
    let mut out = vec![(
        "sqlite",
        Db::open(&url).await.expect("open"),
        Db::open(&url).await.expect("open"),
    )];
    if let Some(mut dbs) = common::postgres_dbs(2).await {
        let b = dbs.pop().expect("two");
        let a = dbs.pop().expect("two");
        out.push(("postgres", a, b));
    }
    out
}

fn webhooks(sink: &AlertSink) -> Vec<serde_json::Value> {
    sink.received()
        .iter()
        .filter_map(|r| match r {
            Received::Webhook(body) => serde_json::from_str(body).ok(),
            Received::Mail { .. } => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_condition_alerts_once_across_processes_then_recovers_once() {
    let dir = tempfile::tempdir().expect("dir");
    for (backend, first, second) in two_processes(dir.path()).await {
        let sink = AlertSink::start().await.expect("sink");
        let config = config(&sink, "json", "en");
        let (a, b) = (Alerting::new(&config), Alerting::new(&config));
        let settings = OperationalSettings::default();
        sync_failed(&first, 2, Cause::TokenRejected).await;
        // Both processes judge, again and again, at once.
        for _ in 0..5 {
            let now = Utc::now();
            let (x, y) = tokio::join!(
                a.evaluate(&first, Store::SHOPIFY, &settings, "daemon-a", now),
                b.evaluate(&second, Store::SHOPIFY, &settings, "daemon-b", now),
            );
            x.expect("a");
            y.expect("b");
        }
        let now = Utc::now();
        let (x, y) = tokio::join!(
            a.deliver_due(&first, Store::SHOPIFY, now),
            b.deliver_due(&second, Store::SHOPIFY, now),
        );
        x.expect("a");
        y.expect("b");
        let hooks = webhooks(&sink);
        assert_eq!(hooks.len(), 1, "{backend}: one run_failed: {hooks:?}");
        let hook = &hooks[0];
        assert_eq!(hook["event"], "run_failed", "{backend}");
        assert_eq!(hook["severity"], "critical", "{backend}");
        assert_eq!(hook["store"], "shopify", "{backend}");
        for key in ["summary", "orders", "count", "at", "host", "channel"] {
            assert!(hook.get(key).is_some(), "{backend}: {key} in {hook}");
        }
        let mails = sink
            .received()
            .iter()
            .filter(|r| matches!(r, Received::Mail { .. }))
            .count();
        assert_eq!(mails, 1, "{backend}: one mail");
        // Never the store's words (which held a token and a name here), only the catalog's.
        for r in sink.received() {
            let text = r.text();
            assert!(!text.contains("shpat_"), "{backend}: a token in {text}");
            assert!(!text.contains("山田"), "{backend}: a name in {text}");
            assert!(
                text.contains("token"),
                "{backend}: the cause in words: {text}"
            );
        }
        // It clears: one `recovered`, whoever sees it.
        sync_failed(&first, 0, Cause::TokenRejected).await;
        for _ in 0..3 {
            let now = Utc::now();
            let (x, y) = tokio::join!(
                a.evaluate(&first, Store::SHOPIFY, &settings, "daemon-a", now),
                b.evaluate(&second, Store::SHOPIFY, &settings, "daemon-b", now),
            );
            x.expect("a");
            y.expect("b");
        }
        a.deliver_due(&first, Store::SHOPIFY, Utc::now())
            .await
            .expect("deliver");
        let events: Vec<String> = webhooks(&sink)
            .iter()
            .map(|h| h["event"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(events, ["run_failed", "recovered"], "{backend}");
        // A second failure later is a new condition: one more alert.
        sync_failed(&first, 1, Cause::Unreachable).await;
        b.evaluate(&second, Store::SHOPIFY, &settings, "daemon-b", Utc::now())
            .await
            .expect("judge");
        a.evaluate(&first, Store::SHOPIFY, &settings, "daemon-a", Utc::now())
            .await
            .expect("judge");
        b.deliver_due(&second, Store::SHOPIFY, Utc::now())
            .await
            .expect("deliver");
        assert_eq!(webhooks(&sink).len(), 3, "{backend}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_answering_500_is_tried_again_and_delivered_once() {
    let sink = AlertSink::start().await.expect("sink");
    let config = config(&sink, "slack", "ja");
    let alerting = Alerting::new(&config);
    let db = common::sqlite_db().await;
    sync_failed(&db, 1, Cause::Unreachable).await;
    sink.fail_next(SinkFault::ServerError);
    let now = Utc::now();
    alerting
        .evaluate(
            &db,
            Store::SHOPIFY,
            &OperationalSettings::default(),
            "d",
            now,
        )
        .await
        .expect("judge");
    alerting
        .deliver_due(&db, Store::SHOPIFY, now)
        .await
        .expect("deliver");
    assert_eq!(sink.webhook_requests(), 1);
    assert!(webhooks(&sink).is_empty(), "the 500 kept nothing");
    // Not due again before its retry…
    alerting
        .deliver_due(&db, Store::SHOPIFY, now + chrono::Duration::seconds(2))
        .await
        .expect("deliver");
    assert_eq!(sink.webhook_requests(), 1, "waits 5 s before trying again");
    // …then delivered, once.
    let later = Utc::now() + chrono::Duration::seconds(6);
    alerting
        .deliver_due(&db, Store::SHOPIFY, later)
        .await
        .expect("deliver");
    alerting
        .deliver_due(&db, Store::SHOPIFY, later + chrono::Duration::seconds(60))
        .await
        .expect("deliver");
    let hooks = webhooks(&sink);
    assert_eq!(hooks.len(), 1, "{hooks:?}");
    // Slack's form: one text, in the shop's language.
    let text = hooks[0]["text"].as_str().expect("text");
    assert!(
        text.contains("Shopify: 発送情報の自動更新が失敗しました"),
        "{text}"
    );
    assert!(
        db.alert_destinations(Store::SHOPIFY, Utc::now() - chrono::Duration::days(1))
            .await
            .expect("d")
            .iter()
            .all(|d| d.destination != "webhook")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_that_hangs_never_delays_the_next_alert_or_a_run() {
    let sink = AlertSink::start().await.expect("sink");
    let config = config(&sink, "json", "en");
    let alerting = std::sync::Arc::new(Alerting::new(&config));
    let db = common::sqlite_db().await;
    sync_failed(&db, 1, Cause::Unreachable).await;
    sink.fail_next(SinkFault::Hang);
    alerting
        .evaluate(
            &db,
            Store::SHOPIFY,
            &OperationalSettings::default(),
            "d",
            Utc::now(),
        )
        .await
        .expect("judge");
    // The delivery waits on the hanging hook for at most its 10 s timeout, on its own task…
    let delivering = {
        let (alerting, db) = (alerting.clone(), db.clone());
        tokio::spawn(async move { alerting.deliver_due(&db, Store::SHOPIFY, Utc::now()).await })
    };
    // …while the database, and so every run, goes on at once.
    let start = Instant::now();
    sync_failed(&db, 0, Cause::Unreachable).await;
    alerting
        .evaluate(
            &db,
            Store::SHOPIFY,
            &OperationalSettings::default(),
            "d",
            Utc::now(),
        )
        .await
        .expect("judge");
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    let finished = delivering.await.expect("task").expect("deliver");
    assert!(
        finished.iter().all(|(row, _)| row.destination != "webhook"),
        "the hung attempt is retried, not finished: {finished:?}"
    );
    let destinations = db
        .alert_destinations(Store::SHOPIFY, Utc::now() - chrono::Duration::days(1))
        .await
        .expect("destinations");
    let webhook = destinations
        .iter()
        .find(|d| d.destination == "webhook")
        .expect("webhook");
    assert!(webhook.waiting >= 1, "{destinations:?}");
    assert!(
        webhook
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("10 s")),
        "{destinations:?}"
    );
    assert!(
        !webhook
            .last_error
            .as_deref()
            .unwrap_or_default()
            .contains("hooks/alerts"),
        "no URL in errors"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_test_reaches_the_webhook_and_the_mail_sink() {
    let sink = AlertSink::start().await.expect("sink");
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("config.toml");
    common::write_config(
        &path,
        format!(
            "[database]\nurl = \"sqlite://{}\"\n[shop]\nlanguage = \"ja\"\n[alerts]\nwebhook_url = \"{}\"\n\
             mail_to = [\"ops@example.jp\", \"night@example.jp\"]\nmail_from = \"hassou@example.jp\"\nsmtp_url = \"{}\"\n",
            dir.path().join("h.db").display(),
            sink.webhook_url(),
            sink.smtp_url()
        ),
    )
    .expect("config");
    let out = tokio::process::Command::from(common::hassou_command(&path))
        .args(["alerts", "test"])
        .output()
        .await
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("webhook 127.0.0.1: 送りました"), "{stdout}");
    assert!(
        !stdout.contains("/hooks/alerts"),
        "the hook's URL is never shown: {stdout}"
    );
    let received = sink.received();
    assert_eq!(received.len(), 2, "{received:?}");
    let mail = received
        .iter()
        .find_map(|r| match r {
            Received::Mail { to, subject, text } => Some((to, subject, text)),
            Received::Webhook(_) => None,
        })
        .expect("a mail");
    assert_eq!(
        mail.0,
        &vec!["ops@example.jp".to_owned(), "night@example.jp".to_owned()]
    );
    assert!(mail.1.starts_with("[hassou] "), "{}", mail.1);
    assert!(mail.2.contains("テスト通知"), "{}", mail.2);
    // A destination that cannot be reached: exit 1, said per destination.
    drop(sink);
    let out = tokio::process::Command::from(common::hassou_command(&path))
        .args(["alerts", "test"])
        .output()
        .await
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
