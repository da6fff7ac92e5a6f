//! カラーミー through the sync engine against a scripted server: the exact requests, the PUT
//! answer taken as the truth, and the 商品発送 mail at most once.
#![allow(clippy::panic)] // a test fails by panicking

mod common;

use std::time::Duration;

use chrono::{DateTime, Utc};
use common::scripted::{self, Reply, Scripted, reply};
use common::{t, target_order};
use hassou::channels::colorme::client::{ClientOptions, ColormeClient};
use hassou::channels::colorme::connector::ColormeConnector;
use hassou::db::{Db, OrderEdit};
use hassou::domain::{Period, RuleSettings, ShippingWrite, StatusOption, Store, Tracking};
use hassou::sync::{Connector, ResultOutcome, RunReport};
use secrecy::SecretString;
use serde_json::{Value, json};

fn now() -> DateTime<Utc> {
    t("2026-11-24T12:00:00+09:00")
}

fn sale(slip: Option<&str>, delivered: bool, mail: &str) -> Reply {
    reply(
        200,
        &json!({"sale": {
            "id": 5001, "make_date": 1763600000, "update_date": 1763900000, "paid": true,
            "delivered": delivered, "canceled": false, "delivered_mail_state": mail,
            "sale_deliveries": [{"id": 11, "slip_number": slip, "delivered": delivered, "tracking_url": null}]
        }})
        .to_string(),
    )
}

async fn setup(replies: Vec<Reply>, mail: bool) -> (Db, ColormeConnector, Scripted) {
    let server = scripted::serve(replies).await;
    let options = ClientOptions {
        timeout: Duration::from_millis(500),
        gap: Duration::from_millis(1),
        attempts: 2,
        ..ClientOptions::default()
    };
    let client =
        ColormeClient::new(&server.url, SecretString::from("cm_token"), options).expect("client");
    let db = common::sqlite_db().await;
    let mut order = target_order(Store::COLORME, "5001", "4444-1375-8703");
    order.remote_id = "5001".into();
    db.upsert_orders(&[order], now()).await.expect("import");
    (db, ColormeConnector::new(client, mail), server)
}

async fn run(db: &Db, connector: &ColormeConnector, shipped_date_only: bool) -> RunReport {
    let settings = RuleSettings {
        period: Period::DEFAULT,
        statuses: StatusOption::ProcessedOnly,
        shipped_date_only,
    };
    common::sync_run(db, connector, settings, "test").await
}

fn body(server: &Scripted, i: usize) -> Value {
    serde_json::from_str(&server.seen()[i].body).unwrap_or(Value::Null)
}

#[tokio::test]
async fn first_write_marks_delivered_then_mails_once() {
    let replies = vec![
        sale(None, false, "not_yet"),
        sale(Some("444413758703"), true, "not_yet"),
        reply(201, ""),
    ];
    let (db, connector, server) = setup(replies, true).await;
    let report = run(&db, &connector, true).await;
    assert_eq!(
        report.results[0].outcome,
        ResultOutcome::Delivered,
        "{report:?}"
    );
    let seen = server.seen();
    let calls: Vec<String> = seen
        .iter()
        .map(|s| format!("{} {}", s.method, s.uri.path()))
        .collect();
    assert_eq!(
        calls,
        [
            "GET /v1/sales/5001",
            "PUT /v1/sales/5001",
            "POST /v1/sales/5001/mails"
        ]
    );
    assert_eq!(
        body(&server, 1),
        json!({"sale": {"sale_deliveries": [{"id": 11, "slip_number": "444413758703", "delivered": true}]}})
    );
    assert_eq!(body(&server, 2), json!({"mail": {"type": "delivered"}}));
    let stored = db.find_orders("5001", None).await.expect("find").remove(0);
    assert!(stored.remote.mail_sent_at.is_some());
    // Synced now: the next run sends nothing at all.
    let again = run(&db, &connector, true).await;
    assert_eq!(again.already_synced, 1);
    assert_eq!(server.count(), 3);
}

/// 出荷日が入力された注文のみ「配送済み」に更新, and no 出荷日: the slip goes, never `delivered: false`,
/// and no mail, since the delivery is not marked.
#[tokio::test]
async fn without_shipped_date_only_the_slip_goes_and_no_mail() {
    let replies = vec![
        sale(None, false, "not_yet"),
        sale(Some("444413758703"), false, "not_yet"),
    ];
    let (db, connector, server) = setup(replies, true).await;
    let stored = db.find_orders("5001", None).await.expect("find").remove(0);
    let edit = OrderEdit {
        shipped_on: Some(None),
        ..OrderEdit::default()
    };
    db.edit_order(&stored, &edit, t("2026-11-24T11:00:00+09:00"))
        .await
        .expect("edit");
    let report = run(&db, &connector, true).await;
    assert_eq!(
        report.results[0].outcome,
        ResultOutcome::SlipUpdated,
        "{report:?}"
    );
    assert_eq!(
        body(&server, 1),
        json!({"sale": {"sale_deliveries": [{"id": 11, "slip_number": "444413758703"}]}})
    );
    assert_eq!(server.count(), 2, "no mail");
}

/// The console's "read from the store": one GET, its slips and 配送済み in hassou's terms, and
/// nothing for a sale with neither.
#[tokio::test]
async fn a_read_says_what_the_sale_holds_with_one_get() {
    let replies = vec![
        sale(None, false, "not_yet"),
        sale(Some("444413758703"), true, "sent"),
    ];
    let (db, connector, server) = setup(replies, false).await;
    let stored = db.find_orders("5001", None).await.expect("find").remove(0);
    assert_eq!(connector.read_held(&stored).await, Ok(None));
    assert_eq!(
        connector.read_held(&stored).await,
        Ok(Some(ShippingWrite::Colorme {
            slips: vec!["444413758703".into()],
            delivered: true,
        }))
    );
    assert_eq!(server.count(), 2, "one GET each, nothing written");
}

#[tokio::test]
async fn a_mail_whose_answer_is_lost_is_never_sent_again() {
    let slow_mail = Reply {
        delay: Duration::from_secs(2),
        ..reply(201, "")
    };
    let replies = vec![
        sale(None, false, "not_yet"),
        sale(Some("444413758703"), true, "not_yet"),
        slow_mail,
        // After a tracking change: one PUT to the お届け先 the first write recorded (its
        // answer is the confirmation), and no second mail.
        sale(Some("483484399683"), true, "not_yet"),
    ];
    let (db, connector, server) = setup(replies, true).await;
    let report = run(&db, &connector, true).await;
    assert_eq!(report.results[0].outcome, ResultOutcome::Delivered);
    assert!(
        report.results[0].detail.contains("may have gone out"),
        "{report:?}"
    );
    let stored = db.find_orders("5001", None).await.expect("find").remove(0);
    let edit = OrderEdit {
        tracking: Some(Tracking::parse("483484399683")),
        ..OrderEdit::default()
    };
    db.edit_order(&stored, &edit, t("2026-11-24T11:30:00+09:00"))
        .await
        .expect("edit");
    let report = run(&db, &connector, true).await;
    // Already 配送済み at the store: a new slip only (SPEC §3).
    assert_eq!(report.results[0].outcome, ResultOutcome::SlipUpdated);
    let mails = server
        .seen()
        .iter()
        .filter(|s| s.uri.path().ends_with("/mails"))
        .count();
    assert_eq!(mails, 1, "the mail is sent once at most");
}

#[tokio::test]
async fn the_mail_is_not_sent_when_colorme_already_sent_it() {
    let replies = vec![
        sale(None, false, "sent"),
        sale(Some("444413758703"), true, "sent"),
    ];
    let (db, connector, server) = setup(replies, true).await;
    run(&db, &connector, true).await;
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_refused_update_fails_with_the_stores_words() {
    let error = r#"{"errors":[{"code":422007,"message":"配送伝票番号は不正な値です。","status":422,"field":"sale_deliveries.slip_number"}]}"#;
    let replies = vec![sale(None, false, "not_yet"), reply(422, error)];
    let (db, connector, _) = setup(replies, false).await;
    let report = run(&db, &connector, true).await;
    assert_eq!(report.results[0].outcome, ResultOutcome::Failed);
    assert!(
        report.results[0]
            .detail
            .contains("配送伝票番号は不正な値です。"),
        "{report:?}"
    );
}

fn sales_page(ids: std::ops::Range<i64>, total: u64, limit: u64, offset: u64) -> Reply {
    let sales: Vec<Value> = ids
        .map(|id| json!({"id": id, "make_date": 1763600000 + id, "update_date": 1763900000, "canceled": id % 10 == 0, "sale_deliveries": []}))
        .collect();
    reply(
        200,
        &json!({"sales": sales, "meta": {"total": total, "limit": limit, "offset": offset}})
            .to_string(),
    )
}

#[tokio::test]
async fn pull_pages_with_explicit_bounds_and_dedupes() {
    use hassou::sync::Connector;
    // 150 sales; the second page repeats the last sale of the first (a sale changed mid-pull).
    let replies = vec![
        sales_page(1..101, 150, 100, 0),
        sales_page(100..150, 150, 100, 100),
    ];
    let (_, connector, server) = setup(replies, false).await;
    let pulled = connector
        .pull(now() - chrono::Duration::days(7))
        .await
        .expect("pull");
    assert_eq!(pulled.len(), 149, "deduplicated by id");
    assert!(pulled.iter().any(|p| p.cancelled && p.remote_id == "10"));
    assert_eq!(
        pulled[0].ordered_at,
        DateTime::from_timestamp(1763600001, 0).expect("t")
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    for (request, offset) in seen.iter().zip(["0", "100"]) {
        let query: Vec<(String, String)> =
            url::form_urlencoded::parse(request.uri.query().unwrap_or("").as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
        let get = |k: &str| {
            query
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        };
        for key in [
            "make_date_min",
            "make_date_max",
            "update_date_min",
            "update_date_max",
        ] {
            assert!(get(key).is_some(), "{key} is always sent: {query:?}");
        }
        assert_eq!(get("limit").as_deref(), Some("100"));
        assert_eq!(get("offset").as_deref(), Some(offset));
        assert!(
            get("update_date_min").is_some_and(|v| v.len() == 19),
            "YYYY-MM-DD HH:MM:SS"
        );
    }
}

#[tokio::test]
async fn pull_follows_a_smaller_page_and_refuses_an_ignored_offset() {
    use hassou::sync::Connector;
    let replies = vec![
        sales_page(1..51, 120, 50, 0),
        sales_page(51..101, 120, 50, 50),
        sales_page(101..121, 120, 50, 100),
    ];
    let (_, connector, server) = setup(replies, false).await;
    let pulled = connector
        .pull(now() - chrono::Duration::days(7))
        .await
        .expect("pages of 50");
    assert_eq!(pulled.len(), 120);
    assert_eq!(server.count(), 3);

    // The offset was not understood: the first page came back again.
    let replies = vec![
        sales_page(1..101, 300, 100, 0),
        sales_page(1..101, 300, 100, 0),
    ];
    let (_, connector, _) = setup(replies, false).await;
    let err = connector
        .pull(now() - chrono::Duration::days(7))
        .await
        .expect_err("ignored offset");
    assert!(err.message.contains("paged differently"), "{err}");
}
