//! The Shopify transport against a scripted server on 127.0.0.1: throttling, retries, and the
//! rule that a mutation with an unknown outcome is never resent.
#![allow(clippy::panic)] // a test fails by panicking

mod common;

use std::time::Duration;

use common::scripted::{self, Reply, Scripted, reply};
use hassou::channels::shopify::client::{Call, ClientOptions, ShopifyClient, ShopifyError};
use hassou::channels::shopify::documents;
use secrecy::SecretString;
use serde_json::{Value, json};

const TOKEN: &str = "shpat_test_token_never_shown";

fn ok(data: Value, available: f64) -> Reply {
    Reply {
        status: 200,
        body: json!({
            "data": data,
            "extensions": {"cost": {"requestedQueryCost": 12, "actualQueryCost": 10,
                "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": available, "restoreRate": 1000.0}}}
        })
        .to_string(),
        delay: Duration::ZERO,
        retry_after: None,
    }
}

fn throttled() -> Reply {
    Reply {
        status: 200,
        body: json!({
            "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
            "extensions": {"cost": {"requestedQueryCost": 120, "actualQueryCost": null,
                "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": 20.0, "restoreRate": 1000.0}}}
        })
        .to_string(),
        delay: Duration::ZERO,
        retry_after: None,
    }
}

fn status(code: u16, body: &str) -> Reply {
    reply(code, body)
}

async fn serve(replies: Vec<Reply>) -> (ShopifyClient, Scripted) {
    let server = scripted::serve(replies).await;
    let options = ClientOptions {
        timeout: Duration::from_millis(300),
        read_attempts: 3,
        throttle_attempts: 5,
        ..ClientOptions::default()
    };
    let client = ShopifyClient::new(&server.url, "2026-07", SecretString::from(TOKEN), options)
        .expect("client");
    (client, server)
}

fn seen(server: &Scripted) -> usize {
    server.count()
}

#[tokio::test]
async fn sends_the_documented_request_shape() {
    let (client, script) = serve(vec![ok(json!({"publicApiVersions": []}), 1990.0)]).await;
    let (_, exchange): (Value, _) = client
        .execute(documents::PUBLIC_API_VERSIONS, json!({}), Call::Read)
        .await
        .expect("ok");
    let request = &script.seen()[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.uri.path(), "/admin/api/2026-07/graphql.json");
    let headers = &request.headers;
    assert_eq!(
        headers
            .get("x-shopify-access-token")
            .and_then(|v| v.to_str().ok()),
        Some(TOKEN)
    );
    assert!(
        headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"))
    );
    let body: Value = serde_json::from_str(&request.body).expect("json body");
    assert_eq!(body["query"], documents::PUBLIC_API_VERSIONS);
    assert!(!exchange.request.contains(TOKEN) && !exchange.response.contains(TOKEN));
}

#[tokio::test]
async fn throttled_requests_are_resent_after_the_points_return() {
    let (client, script) = serve(vec![throttled(), throttled(), ok(json!({"x": 1}), 500.0)]).await;
    let (data, _): (Value, _) = client
        .execute(documents::FULFILLMENT_CREATE, json!({}), Call::Mutation)
        .await
        .expect("a throttled mutation was not executed, so it is resent");
    assert_eq!(data["x"], 1);
    assert_eq!(seen(&script), 3);
}

#[tokio::test]
async fn too_many_429_gives_up_without_applying() {
    let mut replies = Vec::new();
    for _ in 0..10 {
        replies.push(Reply {
            retry_after: Some("0"),
            ..status(429, "Too Many Requests")
        });
    }
    let (client, _) = serve(replies).await;
    let err = client
        .execute::<Value>(documents::FULFILLMENT_CREATE, json!({}), Call::Mutation)
        .await
        .expect_err("gives up");
    assert!(matches!(err, ShopifyError::NotApplied(_)), "{err:?}");
}

#[tokio::test]
async fn reads_retry_server_errors() {
    let (client, script) = serve(vec![
        status(502, "bad gateway"),
        ok(json!({"x": 2}), 1000.0),
    ])
    .await;
    let (data, _): (Value, _) = client
        .execute(
            documents::ORDER_FULFILLMENT_STATE,
            json!({"id": "gid://shopify/Order/1"}),
            Call::Read,
        )
        .await
        .expect("retried");
    assert_eq!(data["x"], 2);
    assert_eq!(seen(&script), 2);
}

#[tokio::test]
async fn a_mutation_after_a_server_error_is_never_resent() {
    let (client, script) = serve(vec![status(503, "unavailable"), ok(json!({}), 1000.0)]).await;
    let err = client
        .execute::<Value>(documents::FULFILLMENT_CREATE, json!({}), Call::Mutation)
        .await
        .expect_err("unknown outcome");
    assert!(err.outcome_unknown(), "{err:?}");
    assert_eq!(seen(&script), 1, "sent once");
}

#[tokio::test]
async fn a_mutation_that_times_out_is_never_resent() {
    let slow = Reply {
        delay: Duration::from_secs(2),
        ..ok(json!({}), 1000.0)
    };
    let (client, script) = serve(vec![slow, ok(json!({}), 1000.0)]).await;
    let err = client
        .execute::<Value>(documents::FULFILLMENT_CREATE, json!({}), Call::Mutation)
        .await
        .expect_err("timed out");
    assert!(err.outcome_unknown(), "{err:?}");
    assert!(err.to_string().contains("timed out"), "{err}");
    assert_eq!(seen(&script), 1);
}

#[tokio::test]
async fn malformed_json_of_a_mutation_is_an_unknown_outcome() {
    let (client, _) = serve(vec![status(200, "{not json")]).await;
    let err = client
        .execute::<Value>(documents::FULFILLMENT_CREATE, json!({}), Call::Mutation)
        .await
        .expect_err("malformed");
    assert!(err.outcome_unknown());
}

#[tokio::test]
async fn unauthorized_says_so_without_the_token() {
    let (client, _) = serve(vec![status(401, r#"{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}"#)]).await;
    let err = client
        .execute::<Value>(documents::PUBLIC_API_VERSIONS, json!({}), Call::Read)
        .await
        .expect_err("401");
    let text = err.to_string();
    assert!(matches!(
        err,
        ShopifyError::Unauthorized { status: 401, .. }
    ));
    assert!(
        text.contains("Invalid API key") && !text.contains(TOKEN),
        "{text}"
    );
}

#[tokio::test]
async fn top_level_errors_are_reported() {
    let body = json!({"errors": [{"message": "invalid id", "extensions": {"code": "RESOURCE_NOT_FOUND"}}], "data": {"fulfillmentCreate": null}});
    let (client, _) = serve(vec![status(200, &body.to_string())]).await;
    let err = client
        .execute::<Value>(documents::FULFILLMENT_CREATE, json!({}), Call::Mutation)
        .await
        .expect_err("error");
    assert_eq!(
        err,
        ShopifyError::NotApplied("FulfillmentCreate: invalid id".into())
    );
}
