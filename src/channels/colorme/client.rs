//! カラーミー's REST transport: `{api_base}/v1/…` with `Authorization: Bearer`, paced at under two
//! requests a second per token (the documented guidance is 120 a minute), backing off on 429 and
//! 503 (`Retry-After` when given).
//!
//! Retry rules (`reference/colorme-api.md` §2.3, §4): GETs are retried freely; a PUT may be
//! retried, since re-sending the same values changes nothing; the mail POST is never retried —
//! a timeout there may still have sent the mail.

use std::sync::Mutex;
use std::time::Duration;

use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::time::Instant;

use super::model::ApiErrors;
use crate::sync::Exchange;

/// The gap between two requests of one token: a little over half a second, so that no 60-second
/// window ever holds more than 120 requests.
pub const MIN_GAP: Duration = Duration::from_millis(505);

/// Spaces requests evenly: each reservation gets the first free slot at least `gap` after the
/// previous one.
#[derive(Debug)]
pub struct Pacer {
    gap: Duration,
    next: Option<Instant>,
}

impl Pacer {
    /// A pacer whose process may have just been started after another one sent at full pace
    /// (a daemon restarted after a kill, a second command right after a first): it starts as if
    /// a request went at `started`, so the first one waits one gap and no 60 s window ever
    /// holds more than 120 requests across the restart.
    pub fn new(gap: Duration, started: Instant) -> Pacer {
        Pacer {
            gap,
            next: Some(started + gap),
        }
    }

    /// When a request asked for at `now` may be sent.
    pub fn reserve(&mut self, now: Instant) -> Instant {
        let at = self.next.map_or(now, |next| next.max(now));
        self.next = Some(at + self.gap);
        at
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColormeError {
    /// 401: a wrong or revoked token, a missing scope, or a plan restriction.
    #[error("カラーミー refused the access token (HTTP {status}): {message}")]
    Unauthorized { status: u16, message: String },
    /// The store answered with errors (4xx); nothing was changed. Messages as the store wrote them.
    #[error("カラーミー: {0}")]
    Refused(String),
    /// Certainly not applied: a read that kept failing, an answer that could not be read.
    #[error("{0}")]
    NotApplied(String),
    /// Certainly not applied: the store was never reached, or never answered in time, after
    /// every attempt.
    #[error("{0}")]
    Unreachable(String),
    /// A request that may have been applied: its answer was lost, cut off or unreadable.
    #[error("{0}")]
    Unknown(String),
    /// A request that is never repeated (the mail POST) answered with an error — a 4xx, or a
    /// 500 the application itself wrote: not done. The answer is kept for the audit trail.
    #[error("{message}")]
    Declined {
        message: String,
        exchange: crate::sync::Exchange,
    },
}

impl ColormeError {
    /// Whether this error says カラーミー cannot take anything now (stop the run).
    pub fn down(&self) -> Option<crate::sync::StoreDown> {
        match self {
            ColormeError::Unauthorized { .. } => Some(crate::sync::StoreDown::TokenRejected),
            ColormeError::Unreachable(_) => Some(crate::sync::StoreDown::Unreachable),
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

/// How a request may be repeated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// GET, and PUT of the same values: safe to send again.
    Safe,
    /// The mail POST: never sent twice.
    Never,
}

#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub timeout: Duration,
    pub gap: Duration,
    pub attempts: usize,
    /// The first pause before a retry (doubling after).
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
            gap: MIN_GAP,
            attempts: 4,
            retry_delay: crate::channels::RETRY_FIRST_DELAY,
        }
    }
}

pub struct ColormeClient {
    http: reqwest::Client,
    base: url::Url,
    token: SecretString,
    attempts: usize,
    retry_delay: Duration,
    pacer: Mutex<Pacer>,
}

/// The store's `errors[]` as one line, or the body itself when it has none.
fn error_text(body: &str) -> String {
    match serde_json::from_str::<ApiErrors>(body) {
        Ok(parsed) if !parsed.errors.is_empty() => parsed
            .errors
            .iter()
            .map(|e| {
                let message = e.message.clone().unwrap_or_default();
                match (&e.field, e.code) {
                    (Some(field), Some(code)) => format!("{message} ({field}, {code})"),
                    (None, Some(code)) => format!("{message} ({code})"),
                    (Some(field), None) => format!("{message} ({field})"),
                    (None, None) => message,
                }
            })
            .collect::<Vec<_>>()
            .join("; "),
        _ => body.trim().chars().take(300).collect(),
    }
}

impl ColormeClient {
    pub fn new(
        api_base: &url::Url,
        token: SecretString,
        options: ClientOptions,
    ) -> Result<ColormeClient, String> {
        let http = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("hassou/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot start the HTTP client: {e}"))?;
        Ok(ColormeClient {
            http,
            base: api_base.clone(),
            token,
            attempts: options.attempts.max(1),
            retry_delay: options.retry_delay,
            pacer: Mutex::new(Pacer::new(options.gap, Instant::now())),
        })
    }

    async fn pace(&self) {
        let at = self
            .pacer
            .lock()
            .map(|mut p| p.reserve(Instant::now()))
            .unwrap_or_else(|_| Instant::now());
        tokio::time::sleep_until(at).await;
    }

    /// Sends one request and returns the JSON answer (`Value::Null` for an empty body), with the
    /// exchange for the audit trail.
    pub async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        repeat: Repeat,
    ) -> Result<(T, Exchange), ColormeError> {
        let url = self
            .base
            .join(path.trim_start_matches('/'))
            .map_err(|e| ColormeError::NotApplied(format!("bad path {path}: {e}")))?;
        let what = format!("{method} {path}");
        let request_text = serde_json::json!({
            "request": what,
            "query": query.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>(),
            "body": body,
        })
        .to_string();
        let mut delays = crate::channels::retry_delays_from(self.attempts, self.retry_delay);
        loop {
            self.pace().await;
            if method != Method::GET
                && let Err(why) = crate::sync::holder::may_send()
            {
                return Err(ColormeError::NotApplied(format!("{what}: {why}")));
            }
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .bearer_auth(self.token.expose_secret())
                .query(query);
            if let Some(body) = body {
                request = request.json(body);
            }
            let response = match request.send().await {
                Ok(response) => response,
                Err(e) => {
                    // Never reached the store, or safe to repeat: try again while attempts last.
                    let unsent = e.is_connect() || e.is_builder();
                    let message = format!(
                        "{what}: the request to カラーミー failed ({})",
                        e.without_url()
                    );
                    if unsent || repeat == Repeat::Safe {
                        if let Some(delay) = delays.next() {
                            tokio::time::sleep(delay).await;
                            continue;
                        }
                        return Err(ColormeError::Unreachable(message));
                    }
                    return Err(ColormeError::Unknown(format!(
                        "{message}; it may have been sent, so it is not sent again"
                    )));
                }
            };
            let status = response.status();
            let retry_after = crate::channels::retry_after(&response);
            let text = match crate::channels::read_body(response).await {
                Ok(text) => text,
                Err(e) => {
                    let wait =
                        unreadable(&method, format!("{what}: カラーミー's {e}"), &mut delays)?;
                    tokio::time::sleep(wait).await;
                    continue;
                }
            };
            let exchange = Exchange::kept(request_text.clone(), &text);
            if status.as_u16() == 401 || status.as_u16() == 403 {
                return Err(ColormeError::Unauthorized {
                    status: status.as_u16(),
                    message: error_text(&text),
                });
            }
            if status.as_u16() == 429 || status.as_u16() == 503 || status.is_server_error() {
                let message = format!(
                    "{what}: カラーミー answered HTTP {} {}",
                    status.as_u16(),
                    error_text(&text)
                );
                // 429 and 503 were not processed; another 5xx may have been, except the
                // application's own 500 (a gateway's 502/504 may have passed it on).
                let unprocessed = matches!(status.as_u16(), 429 | 503);
                if repeat == Repeat::Never && status.as_u16() == 500 {
                    return Err(ColormeError::Declined { message, exchange });
                }
                if repeat == Repeat::Never && !unprocessed {
                    return Err(ColormeError::Unknown(format!(
                        "{message}; it may have been sent, so it is not sent again"
                    )));
                }
                if let Some(delay) = delays.next() {
                    let wait =
                        retry_after.map_or(delay, |s| Duration::from_secs_f64(s.clamp(0.0, 60.0)));
                    tokio::time::sleep(wait).await;
                    continue;
                }
                return Err(ColormeError::NotApplied(message));
            }
            if !status.is_success() {
                if repeat == Repeat::Never {
                    return Err(ColormeError::Declined {
                        message: format!(
                            "{what}: カラーミー answered HTTP {} {}",
                            status.as_u16(),
                            error_text(&text)
                        ),
                        exchange,
                    });
                }
                return Err(ColormeError::Refused(error_text(&text)));
            }
            let value: Value = if text.trim().is_empty() {
                Value::Null
            } else {
                match serde_json::from_str(&text) {
                    Ok(v) => v,
                    Err(e) => {
                        let message =
                            format!("{what}: カラーミー's answer is not valid JSON ({e})");
                        let wait = unreadable(&method, message, &mut delays)?;
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                }
            };
            return serde_json::from_value::<T>(value)
                .map(|parsed| (parsed, exchange))
                .map_err(|e| {
                    let message = format!("{what}: unexpected answer from カラーミー ({e})");
                    if method == Method::GET {
                        ColormeError::NotApplied(message)
                    } else {
                        applied_perhaps(message)
                    }
                });
        }
    }
}

/// A write's answer cut off or unreadable after the store took it: the write may have been
/// applied (a mail sent), so it is uncertain, never "refused" or "failed".
fn applied_perhaps(message: String) -> ColormeError {
    ColormeError::Unknown(format!(
        "{message}; it may have been applied, so hassou reads the sale before sending anything \
         again"
    ))
}

/// What an answer that could not be read leads to: a write's is uncertain (never sent again
/// here); a read waits the returned time and is tried again while attempts last.
fn unreadable(
    method: &Method,
    message: String,
    delays: &mut impl Iterator<Item = Duration>,
) -> Result<Duration, ColormeError> {
    if *method != Method::GET {
        return Err(applied_perhaps(message));
    }
    delays.next().ok_or(ColormeError::NotApplied(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No 60 s window of `sent` (in order) holds more than 120 requests.
    fn assert_at_most_120_a_minute(sent: &[Instant]) {
        for (i, t) in sent.iter().enumerate() {
            let in_window = sent[i..]
                .iter()
                .take_while(|u| **u < *t + Duration::from_secs(60))
                .count();
            assert!(
                in_window <= 120,
                "{in_window} requests in the minute from request {i}"
            );
        }
    }

    #[test]
    fn no_minute_ever_holds_more_than_120_requests() {
        let start = Instant::now();
        let mut pacer = Pacer::new(MIN_GAP, start);
        // 400 requests all asked for at once, then a burst later.
        let mut sent: Vec<Instant> = (0..400).map(|_| pacer.reserve(start)).collect();
        sent.extend((0..50).map(|_| pacer.reserve(start + Duration::from_secs(400))));
        assert_at_most_120_a_minute(&sent);
        // And it does not wait for nothing: a request after a quiet spell goes at once.
        let later = start + Duration::from_secs(10_000);
        assert_eq!(pacer.reserve(later), later);
    }

    /// Issue 14: "a process restarted after a kill does not know how fast its predecessor sent:
    /// 121 requests in one 60 s window were seen". The predecessor sent every 0.5 s up to the
    /// kill; the new process starts at once: still 120 at most in any minute.
    #[test]
    fn a_restart_never_makes_a_minute_of_more_than_120() {
        let start = Instant::now();
        let mut before = Pacer::new(MIN_GAP, start);
        let mut sent: Vec<Instant> = (0..150).map(|_| before.reserve(start)).collect();
        let killed = *sent.last().expect("sent") + Duration::from_millis(1);
        let mut after = Pacer::new(MIN_GAP, killed);
        sent.extend((0..150).map(|_| after.reserve(killed)));
        assert_at_most_120_a_minute(&sent);
    }

    #[test]
    fn store_errors_read_as_one_line() {
        let body = r#"{"errors":[{"code":422007,"message":"Nameを入力してください。","status":422,"field":"customer.name"},{"code":404100,"message":"データが見つかりません。","status":404}]}"#;
        assert_eq!(
            error_text(body),
            "Nameを入力してください。 (customer.name, 422007); データが見つかりません。 (404100)"
        );
        assert_eq!(error_text("Internal Server Error"), "Internal Server Error");
    }
}
