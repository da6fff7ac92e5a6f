//! The カラーミー transport against a scripted server on 127.0.0.1: pacing, retries by kind of
//! request, and the store's errors as written.
#![allow(clippy::panic)] // a test fails by panicking

mod common;

use std::time::{Duration, Instant};

use common::scripted::{self, Reply, Scripted, reply};
use hassou::channels::colorme::client::{ClientOptions, ColormeClient, ColormeError, Repeat};
use reqwest::Method;
use secrecy::SecretString;
use serde_json::{Value, json};

const TOKEN: &str = "colorme_test_token_never_shown";

async fn serve(replies: Vec<Reply>, gap: Duration) -> (ColormeClient, Scripted) {
    let server = scripted::serve(replies).await;
    let options = ClientOptions {
        timeout: Duration::from_millis(400),
        gap,
        attempts: 3,
        ..ClientOptions::default()
    };
    let client =
        ColormeClient::new(&server.url, SecretString::from(TOKEN), options).expect("client");
    (client, server)
}

fn ok(body: Value) -> Reply {
    reply(200, &body.to_string())
}

const NO_GAP: Duration = Duration::from_millis(1);

/// The 商品発送 mail request, as the connector sends it.
async fn send_mail(
    client: &ColormeClient,
) -> Result<(Value, hassou::sync::Exchange), ColormeError> {
    client
        .send(
            Method::POST,
            "/v1/sales/1/mails",
            &[],
            Some(&json!({"mail": {"type": "delivered"}})),
            Repeat::Never,
        )
        .await
}

#[tokio::test]
async fn sends_bearer_token_query_and_body() {
    let (client, server) = serve(vec![ok(json!({"sale": {"id": 5}}))], NO_GAP).await;
    let body = json!({"sale": {"sale_deliveries": [{"id": 1, "slip_number": "444413758703", "delivered": true}]}});
    let (answer, exchange): (Value, _) = client
        .send(
            Method::PUT,
            "/v1/sales/5",
            &[("fields", "id".into())],
            Some(&body),
            Repeat::Safe,
        )
        .await
        .expect("ok");
    assert_eq!(answer["sale"]["id"], 5);
    let seen = &server.seen()[0];
    assert_eq!(seen.method, "PUT");
    assert_eq!(seen.uri.path(), "/v1/sales/5");
    assert_eq!(seen.uri.query(), Some("fields=id"));
    let auth = seen
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok());
    assert_eq!(auth, Some(format!("Bearer {TOKEN}").as_str()));
    assert_eq!(
        serde_json::from_str::<Value>(&seen.body).expect("json"),
        body
    );
    assert!(!exchange.request.contains(TOKEN) && !exchange.response.contains(TOKEN));
}

#[tokio::test]
async fn requests_are_spaced_by_the_gap() {
    let replies = (0..5).map(|_| ok(json!({}))).collect();
    let (client, _) = serve(replies, Duration::from_millis(200)).await;
    let start = Instant::now();
    for _ in 0..5 {
        let _: (Value, _) = client
            .send(Method::GET, "/v1/sales", &[], None, Repeat::Safe)
            .await
            .expect("ok");
    }
    assert!(
        start.elapsed() >= Duration::from_millis(800),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn busy_answers_are_waited_out_then_resent() {
    let busy = Reply {
        retry_after: Some("0"),
        ..reply(503, "Service Unavailable")
    };
    let too_many = Reply {
        retry_after: Some("0"),
        ..reply(429, "")
    };
    let (client, server) = serve(vec![busy, too_many, ok(json!({"sales": []}))], NO_GAP).await;
    let (answer, _): (Value, _) = client
        .send(Method::GET, "/v1/sales", &[], None, Repeat::Safe)
        .await
        .expect("ok");
    assert_eq!(answer["sales"], json!([]));
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn a_put_is_resent_after_a_server_error_but_the_mail_never_is() {
    let (client, server) = serve(
        vec![reply(500, "oops"), ok(json!({"sale": {"id": 1}}))],
        NO_GAP,
    )
    .await;
    let _: (Value, _) = client
        .send(
            Method::PUT,
            "/v1/sales/1",
            &[],
            Some(&json!({"sale": {}})),
            Repeat::Safe,
        )
        .await
        .expect("a PUT of the same values is safe to repeat");
    assert_eq!(server.count(), 2);

    // The application's own 500: it answered that it failed — refused, kept for the audit trail.
    let (client, server) = serve(vec![reply(500, "oops"), reply(201, "")], NO_GAP).await;
    let err = send_mail(&client).await.expect_err("refused");
    assert!(matches!(err, ColormeError::Declined { .. }), "{err:?}");
    assert_eq!(server.count(), 1, "the mail is never sent twice");
    // A gateway's 502 may have passed it on: unknown, never sent again either.
    let (client, server) = serve(vec![reply(502, "bad gateway"), reply(201, "")], NO_GAP).await;
    let err = send_mail(&client).await.expect_err("unknown");
    assert!(matches!(err, ColormeError::Unknown(_)), "{err:?}");
    assert_eq!(server.count(), 1, "the mail is never sent twice");
}

#[tokio::test]
async fn a_mail_refused_as_too_many_was_not_sent_and_is_resent() {
    let too_many = Reply {
        retry_after: Some("0"),
        ..reply(429, "")
    };
    let (client, server) = serve(vec![too_many, reply(201, "")], NO_GAP).await;
    let (answer, _) = send_mail(&client).await.expect("201 with an empty body");
    assert_eq!(answer, Value::Null);
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_mail_that_times_out_is_not_sent_again() {
    let slow = Reply {
        delay: Duration::from_secs(2),
        ..reply(201, "")
    };
    let (client, server) = serve(vec![slow, reply(201, "")], NO_GAP).await;
    let err = send_mail(&client).await.expect_err("timed out");
    assert!(matches!(err, ColormeError::Unknown(_)), "{err:?}");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn store_errors_are_shown_as_written() {
    let body = r#"{"errors":[{"code":404100,"message":"データが見つかりません。","status":404}]}"#;
    let (client, _) = serve(vec![reply(404, body)], NO_GAP).await;
    let err = client
        .send::<Value>(Method::GET, "/v1/sales/9", &[], None, Repeat::Safe)
        .await
        .expect_err("404");
    assert_eq!(
        err,
        ColormeError::Refused("データが見つかりません。 (404100)".into())
    );

    let body = r#"{"errors":[{"code":401010,"message":"このリソースにアクセスできません。","status":401}]}"#;
    let (client, _) = serve(vec![reply(401, body)], NO_GAP).await;
    let err = client
        .send::<Value>(Method::GET, "/v1/sales", &[], None, Repeat::Safe)
        .await
        .expect_err("401");
    let text = err.to_string();
    assert!(
        text.contains("このリソースにアクセスできません。") && !text.contains(TOKEN),
        "{text}"
    );
}

/// Issue 23: every answer was read whole (a 100 MB answer took 1.17 GB of memory and was kept
/// whole in the audit trail). An answer past `MAX_ANSWER_BYTES` is refused as it streams in,
/// the rest never read; a read is a plain failure, nothing applied.
#[tokio::test]
async fn an_answer_of_100_mb_is_refused_as_it_streams() {
    use axum::body::{Body, Bytes};
    let chunk = Bytes::from(vec![b' '; 1024 * 1024]);
    let app = axum::Router::new().fallback(move || {
        let chunk = chunk.clone();
        async move {
            // 100 MB, chunked: no Content-Length tells the client in advance.
            let chunks = (0..100).map(move |_| Ok::<_, std::io::Error>(chunk.clone()));
            Body::from_stream(futures_util::stream::iter(chunks))
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url =
        url::Url::parse(&format!("http://{}/", listener.local_addr().expect("addr"))).expect("url");
    tokio::spawn(async move { axum::serve(listener, app).await });
    let options = ClientOptions {
        timeout: Duration::from_secs(20),
        gap: NO_GAP,
        attempts: 1,
        ..ClientOptions::default()
    };
    let client = ColormeClient::new(&url, SecretString::from(TOKEN), options).expect("client");
    let answer = client
        .send::<Value>(Method::GET, "/v1/sales", &[], None, Repeat::Safe)
        .await;
    match answer {
        Err(ColormeError::NotApplied(message)) => {
            assert!(message.contains("larger than 4 MB"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}
