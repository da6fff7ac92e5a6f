//! The GraphQL transport: one POST per document to `{shop_url}/admin/api/{version}/graphql.json`
//! with `X-Shopify-Access-Token`, paced by the leaky bucket Shopify reports in every answer.
//!
//! Retry rules (`reference/shopify-admin-api.md` §3, §4):
//! - THROTTLED comes back as HTTP 200; the request was refused before execution, so it is resent
//!   after (requested − available) / restoreRate seconds, mutations included.
//! - 429 means not executed either: wait `Retry-After`, resend.
//! - A read that times out or gets a 5xx is retried with backoff.
//! - A mutation that times out, loses its connection after sending, or gets a 5xx may have been
//!   applied: it is never resent here. The caller reads the order again first.
//!
//! The token goes into one header and nowhere else: not into errors, logs or the audit trail.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::sync::Exchange;

/// Whether a document may change the store (and so must never be resent blindly).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    Read,
    Mutation,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShopifyError {
    /// 401/403: a wrong or revoked token, or missing scopes.
    #[error("Shopify refused the access token (HTTP {status}): {detail}")]
    Unauthorized { status: u16, detail: String },
    /// The request was certainly not applied (refused, never reached Shopify, or a read that
    /// kept failing).
    #[error("{0}")]
    NotApplied(String),
    /// A mutation whose outcome is unknown.
    #[error("{0}")]
    Unknown(String),
    /// Certainly not applied: Shopify was never reached, or never answered in time, after
    /// every attempt.
    #[error("{0}")]
    Unreachable(String),
}

impl ShopifyError {
    pub fn outcome_unknown(&self) -> bool {
        matches!(self, ShopifyError::Unknown(_))
    }

    /// Whether this error says Shopify cannot take anything now (stop the run).
    pub fn down(&self) -> Option<crate::sync::StoreDown> {
        match self {
            ShopifyError::Unauthorized { .. } => Some(crate::sync::StoreDown::TokenRejected),
            ShopifyError::Unreachable(_) => Some(crate::sync::StoreDown::Unreachable),
            _ => None,
        }
    }

    /// As a pull's error.
    pub fn to_store_error(&self) -> crate::sync::StoreError {
        crate::sync::StoreError {
            message: self.to_string(),
            down: self.down(),
        }
    }
}

/// Shopify's leaky bucket as last reported.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    pub maximum: f64,
    pub available: f64,
    pub restore_rate: f64,
    pub seen_at: Instant,
}

impl Bucket {
    /// How long to wait before a request of `cost` finds enough points.
    pub fn wait_for(&self, cost: f64, now: Instant) -> Duration {
        if self.restore_rate <= 0.0 {
            return Duration::ZERO;
        }
        let elapsed = now.saturating_duration_since(self.seen_at).as_secs_f64();
        let available = (self.available + elapsed * self.restore_rate).min(self.maximum);
        let wanted = cost.min(self.maximum);
        if available >= wanted {
            Duration::ZERO
        } else {
            Duration::from_secs_f64((wanted - available) / self.restore_rate)
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ThrottleStatus {
    maximum_available: f64,
    currently_available: f64,
    restore_rate: f64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Cost {
    requested_query_cost: Option<f64>,
    throttle_status: Option<ThrottleStatus>,
}

#[derive(Debug, Deserialize)]
struct Extensions {
    cost: Option<Cost>,
}

#[derive(Debug, Deserialize)]
struct GraphqlError {
    message: String,
    extensions: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct Envelope {
    data: Option<Value>,
    #[serde(default)]
    errors: Vec<GraphqlError>,
    extensions: Option<Extensions>,
}

/// Settings of the transport.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub timeout: Duration,
    /// Attempts of a read that times out or gets a 5xx.
    pub read_attempts: usize,
    /// THROTTLED / 429 answers tolerated for one request before giving up.
    pub throttle_attempts: usize,
    /// The first pause before a read is tried again (doubling after).
    pub retry_delay: Duration,
}

/// One request's answer is awaited this long. With four attempts and their pauses (0.5 + 1 +
/// 2 s) a request that never gets an answer costs about 31 s, so one order never costs much
/// more than that (it was 86 s with 20 s × 4), and a run stops after a few such orders.
pub const PER_REQUEST_TIMEOUT: Duration = Duration::from_secs(7);

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            timeout: PER_REQUEST_TIMEOUT,
            read_attempts: 4,
            throttle_attempts: 40,
            retry_delay: crate::channels::RETRY_FIRST_DELAY,
        }
    }
}

pub struct ShopifyClient {
    http: reqwest::Client,
    endpoint: url::Url,
    token: SecretString,
    options: ClientOptions,
    bucket: Mutex<Option<Bucket>>,
    /// The requested cost last reported per document, to pace the next one.
    costs: Mutex<HashMap<usize, f64>>,
}

/// Where to read an operation's name, for messages.
fn operation_name(document: &str) -> &str {
    document
        .split(['(', '{'])
        .next()
        .and_then(|head| head.split_whitespace().nth(1))
        .unwrap_or("query")
}

impl ShopifyClient {
    pub fn new(
        shop_url: &url::Url,
        api_version: &str,
        token: SecretString,
        options: ClientOptions,
    ) -> Result<ShopifyClient, String> {
        let endpoint = shop_url
            .join(&format!("admin/api/{api_version}/graphql.json"))
            .map_err(|e| format!("cannot build the Admin API URL from {shop_url}: {e}"))?;
        let http = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("hassou/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot start the HTTP client: {e}"))?;
        Ok(ShopifyClient {
            http,
            endpoint,
            token,
            options,
            bucket: Mutex::new(None),
            costs: Mutex::new(HashMap::new()),
        })
    }

    pub fn endpoint(&self) -> &url::Url {
        &self.endpoint
    }

    fn expected_cost(&self, document: &str) -> f64 {
        let key = document.as_ptr() as usize;
        self.costs
            .lock()
            .map(|c| c.get(&key).copied().unwrap_or(50.0))
            .unwrap_or(50.0)
    }

    fn remember(&self, document: &str, extensions: Option<&Extensions>) -> Option<f64> {
        let cost = extensions.and_then(|e| e.cost.as_ref())?;
        if let Some(status) = &cost.throttle_status
            && let Ok(mut bucket) = self.bucket.lock()
        {
            *bucket = Some(Bucket {
                maximum: status.maximum_available,
                available: status.currently_available,
                restore_rate: status.restore_rate,
                seen_at: Instant::now(),
            });
        }
        if let Some(requested) = cost.requested_query_cost
            && let Ok(mut costs) = self.costs.lock()
        {
            costs.insert(document.as_ptr() as usize, requested);
        }
        cost.requested_query_cost
    }

    /// The bucket's size as Shopify last reported it (`None` before the first answer).
    pub fn bucket_size(&self) -> Option<f64> {
        self.bucket().map(|b| b.maximum)
    }

    fn bucket(&self) -> Option<Bucket> {
        self.bucket.lock().ok().and_then(|b| *b)
    }

    /// Sends one document and returns its `data`, deserialised, with the exchange for the audit
    /// trail. Waits as the bucket requires; retries only what is safe to retry.
    pub async fn execute<T: DeserializeOwned>(
        &self,
        document: &'static str,
        variables: Value,
        call: Call,
    ) -> Result<(T, Exchange), ShopifyError> {
        let name = operation_name(document);
        let body = json!({ "query": document, "variables": variables });
        let request_text = json!({ "operation": name, "variables": body["variables"] }).to_string();
        let mut read_delays = crate::channels::retry_delays_from(
            self.options.read_attempts,
            self.options.retry_delay,
        );
        let mut throttles = 0;
        loop {
            if let Some(bucket) = self.bucket() {
                let wait = bucket.wait_for(self.expected_cost(document), Instant::now());
                if !wait.is_zero() {
                    tokio::time::sleep(wait).await;
                }
            }
            let exchange = |response: String| Exchange::kept(request_text.clone(), &response);
            if call == Call::Mutation
                && let Err(why) = crate::sync::holder::may_send()
            {
                return Err(ShopifyError::NotApplied(format!("{name}: {why}")));
            }
            let sent = self
                .http
                .post(self.endpoint.clone())
                .header("X-Shopify-Access-Token", self.token.expose_secret())
                .json(&body)
                .send()
                .await;
            let response = match sent {
                Ok(response) => response,
                Err(e) => {
                    // Never reached Shopify: safe to try again, even a mutation.
                    let unsent = e.is_connect() || e.is_builder();
                    let what = if e.is_timeout() {
                        "timed out"
                    } else {
                        "failed"
                    };
                    let message = format!(
                        "{name}: the request to Shopify {what} ({})",
                        e.without_url()
                    );
                    if call == Call::Read || unsent {
                        if let Some(delay) = read_delays.next() {
                            tokio::time::sleep(delay).await;
                            continue;
                        }
                        return Err(ShopifyError::Unreachable(message));
                    }
                    return Err(ShopifyError::Unknown(format!(
                        "{message}; it may have been applied, so hassou reads the order before trying again"
                    )));
                }
            };
            let status = response.status();
            let retry_after = crate::channels::retry_after(&response);
            let text = match crate::channels::read_body(response).await {
                Ok(text) => text,
                Err(e) => {
                    let message = format!("{name}: Shopify's {e}");
                    if call == Call::Mutation {
                        // Cut after Shopify took it: the write may well have been applied.
                        return Err(ShopifyError::Unknown(format!(
                            "{message}; it may have been applied, so hassou reads the order before trying again"
                        )));
                    }
                    if let Some(delay) = read_delays.next() {
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    return Err(ShopifyError::NotApplied(message));
                }
            };
            if status.as_u16() == 401 || status.as_u16() == 403 {
                return Err(ShopifyError::Unauthorized {
                    status: status.as_u16(),
                    detail: excerpt(&text),
                });
            }
            if status.as_u16() == 429 {
                throttles += 1;
                if throttles > self.options.throttle_attempts {
                    return Err(ShopifyError::NotApplied(format!(
                        "{name}: Shopify kept answering 429"
                    )));
                }
                tokio::time::sleep(Duration::from_secs_f64(
                    retry_after.unwrap_or(2.0).clamp(0.0, 60.0),
                ))
                .await;
                continue;
            }
            if !status.is_success() {
                let message = format!(
                    "{name}: Shopify answered HTTP {} {}",
                    status.as_u16(),
                    excerpt(&text)
                );
                if status.is_server_error() && call == Call::Mutation {
                    return Err(ShopifyError::Unknown(format!(
                        "{message}; it may have been applied, so hassou reads the order before trying again"
                    )));
                }
                if status.is_server_error()
                    && let Some(delay) = read_delays.next()
                {
                    tokio::time::sleep(delay).await;
                    continue;
                }
                return Err(ShopifyError::NotApplied(message));
            }
            let envelope: Envelope = match serde_json::from_str(&text) {
                Ok(envelope) => envelope,
                Err(e) => {
                    let message = format!("{name}: Shopify's answer is not valid JSON ({e})");
                    if call == Call::Read
                        && let Some(delay) = read_delays.next()
                    {
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    return Err(if call == Call::Mutation {
                        ShopifyError::Unknown(message)
                    } else {
                        ShopifyError::NotApplied(message)
                    });
                }
            };
            let requested = self.remember(document, envelope.extensions.as_ref());
            let throttled = envelope.errors.iter().any(|e| {
                e.extensions
                    .as_ref()
                    .and_then(|x| x.get("code"))
                    .and_then(Value::as_str)
                    == Some("THROTTLED")
            });
            if throttled {
                throttles += 1;
                if throttles > self.options.throttle_attempts {
                    return Err(ShopifyError::NotApplied(format!(
                        "{name}: still throttled after {throttles} tries"
                    )));
                }
                // Refused before execution: wait for the points, then resend. Other clients of the
                // same shop drain the bucket too, so each further refusal waits longer, with
                // jitter: a large request must not be starved by a stream of small ones.
                let wait = self
                    .bucket()
                    .map_or(Duration::from_secs(1), |b| {
                        b.wait_for(requested.unwrap_or(50.0), Instant::now())
                    })
                    .max(Duration::from_millis(50));
                tokio::time::sleep(throttle_backoff(wait, throttles)).await;
                continue;
            }
            if !envelope.errors.is_empty() {
                let messages: Vec<String> =
                    envelope.errors.iter().map(|e| e.message.clone()).collect();
                return Err(ShopifyError::NotApplied(format!(
                    "{name}: {}",
                    messages.join("; ")
                )));
            }
            let data = envelope.data.unwrap_or(Value::Null);
            return match serde_json::from_value::<T>(data) {
                Ok(parsed) => Ok((parsed, exchange(text))),
                Err(e) => {
                    let message = format!("{name}: unexpected answer from Shopify ({e})");
                    Err(if call == Call::Mutation {
                        ShopifyError::Unknown(message)
                    } else {
                        ShopifyError::NotApplied(message)
                    })
                }
            };
        }
    }
}

/// The wait after the n-th THROTTLED answer to one request: the time the points need, growing by
/// half of it per earlier refusal, plus up to that much again at random.
pub fn throttle_backoff(needed: Duration, refusals: usize) -> Duration {
    let grown = needed.mul_f64(1.0 + 0.5 * refusals.saturating_sub(1) as f64);
    let jitter = f64::from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos() % 1000),
    ) / 1000.0;
    (grown + needed.mul_f64(jitter)).min(Duration::from_secs(30))
}

fn excerpt(text: &str) -> String {
    let trimmed = text.trim();
    let cut: String = trimmed.chars().take(300).collect();
    if cut.len() < trimmed.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_waits_for_missing_points_at_the_restore_rate() {
        let now = Instant::now();
        let bucket = Bucket {
            maximum: 1000.0,
            available: 666.0,
            restore_rate: 50.0,
            seen_at: now,
        };
        // The reference's example: (752 − 666) / 50 = 1.72 s.
        assert_eq!(bucket.wait_for(752.0, now), Duration::from_secs_f64(1.72));
        assert_eq!(bucket.wait_for(600.0, now), Duration::ZERO);
        // Points come back while we wait.
        assert_eq!(
            bucket.wait_for(752.0, now + Duration::from_secs(2)),
            Duration::ZERO
        );
        // A cost above the bucket's size waits only for a full bucket.
        assert!(bucket.wait_for(5000.0, now) <= Duration::from_secs_f64(6.7));
    }

    #[test]
    fn throttle_waits_grow_with_each_refusal() {
        let needed = Duration::from_millis(100);
        let first = throttle_backoff(needed, 1);
        assert!(first >= needed && first <= needed * 2);
        let fifth = throttle_backoff(needed, 5);
        assert!(fifth >= Duration::from_millis(300), "{fifth:?}");
        assert!(throttle_backoff(Duration::from_secs(60), 9) <= Duration::from_secs(30));
    }

    #[test]
    fn operation_names_for_messages() {
        assert_eq!(
            operation_name(super::super::documents::FULFILLMENT_CREATE),
            "FulfillmentCreate"
        );
        assert_eq!(operation_name("query { shop { name } }"), "query");
    }
}
