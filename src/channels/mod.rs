//! One module per store API. Each implements [`crate::sync::Connector`]; DTOs keep the API's own
//! field names and are mapped to domain types at this edge.

pub mod colorme;
pub mod shopify;
pub mod store;

pub use store::StoreConnector;

/// How far a pull has read: pages and orders so far (a 1,267-order pull is not silent for 22 s).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PullProgress {
    pub running: bool,
    pub pages: u32,
    pub orders: u64,
}

/// Where a pull in progress reports, and what stops it (between pages).
#[derive(Clone)]
pub struct PullWatch {
    pub progress: std::sync::Arc<tokio::sync::watch::Sender<PullProgress>>,
    pub stop: tokio_util::sync::CancellationToken,
}

tokio::task_local! {
    static PULL_WATCH: PullWatch;
}

/// Runs a pull with `watch` listening: each page read is reported, and a stop asked for ends
/// the pull after the page in flight.
pub async fn watching_pull<F: std::future::Future>(watch: PullWatch, pull: F) -> F::Output {
    watch.progress.send_modify(|p| {
        *p = PullProgress {
            running: true,
            ..PullProgress::default()
        }
    });
    let out = PULL_WATCH.scope(watch.clone(), pull).await;
    watch.progress.send_modify(|p| p.running = false);
    out
}

/// A connector read one more page of a pull, `orders` so far: reported to whoever watches; an
/// error when a stop was asked (nothing of the pull is recorded then).
pub fn pull_page_read(orders: u64) -> Result<(), crate::domain::connector::StoreError> {
    let stopped = PULL_WATCH
        .try_with(|watch| {
            watch.progress.send_modify(|p| {
                p.pages += 1;
                p.orders = orders;
            });
            watch.stop.is_cancelled()
        })
        .unwrap_or(false);
    if stopped {
        return Err(crate::domain::connector::StoreError::from(
            "the pull was stopped before its end; nothing of it was recorded",
        ));
    }
    Ok(())
}

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};

/// `Retry-After` in seconds, when a store sends it (429, 503).
pub fn retry_after(response: &reqwest::Response) -> Option<f64> {
    response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
}

/// The most of a store's answer hassou reads (issue 23: a 100 MB answer took 1.17 GB of
/// memory). Real answers are a few kilobytes: a page of 100 カラーミー sales is well under 1 MB.
pub const MAX_ANSWER_BYTES: usize = 4 * 1024 * 1024;

/// Why an answer's body could not be read whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    /// The connection broke (or timed out) in the middle of the body.
    #[error("answer was cut off ({0})")]
    Cut(String),
    #[error("answer is larger than {} MB", MAX_ANSWER_BYTES / (1024 * 1024))]
    TooLarge,
}

/// Reads an answer's body as text, at most [`MAX_ANSWER_BYTES`], chunk by chunk (a larger body
/// is never held). A body cut off by the connection is an error, never an empty answer: after a
/// write, it means the write may have been applied.
pub async fn read_body(mut response: reqwest::Response) -> Result<String, BodyError> {
    if response
        .content_length()
        .is_some_and(|n| n > MAX_ANSWER_BYTES as u64)
    {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                    return Err(BodyError::TooLarge);
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => return Err(BodyError::Cut(e.without_url().to_string())),
        }
    }
    // Valid UTF-8 (every real answer) becomes the string without a copy.
    Ok(String::from_utf8(body)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// The waits between attempts of a request that is safe to repeat: from half a second, doubling
/// up to 8 s, with jitter, `attempts − 1` of them.
pub fn retry_delays(attempts: usize) -> impl Iterator<Item = Duration> {
    retry_delays_from(attempts, RETRY_FIRST_DELAY)
}

/// The first pause before a request is tried again.
pub const RETRY_FIRST_DELAY: Duration = Duration::from_millis(500);

/// As [`retry_delays`], starting from `first` (the proofs replay thousands of faults, and
/// waiting half a second for each would only measure the waiting).
pub fn retry_delays_from(attempts: usize, first: Duration) -> impl Iterator<Item = Duration> {
    ExponentialBuilder::default()
        .with_min_delay(first)
        .with_max_delay(Duration::from_secs(8))
        .with_max_times(attempts.saturating_sub(1))
        .with_jitter()
        .build()
}

/// A store's base URL: https, or http only for a loopback host (a sandbox on this machine).
pub fn store_url(text: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(text.trim()).map_err(|e| format!("{text:?} is not a URL ({e})"))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        "http" => Err(format!(
            "{text:?}: http is accepted only for 127.0.0.1 or localhost; use https"
        )),
        other => Err(format!("{text:?}: unsupported scheme {other:?}; use https")),
    }
}

#[cfg(test)]
mod pull_watch_tests {
    use super::*;

    /// A pull says each page it reads, and a stop asked for ends it after the page in flight.
    #[tokio::test]
    async fn a_pull_reports_its_pages_and_stops_when_asked() {
        let (progress, seen) = tokio::sync::watch::channel(PullProgress::default());
        let watch = PullWatch {
            progress: std::sync::Arc::new(progress),
            stop: tokio_util::sync::CancellationToken::new(),
        };
        let stop = watch.stop.clone();
        let result = watching_pull(watch, async move {
            pull_page_read(100)?;
            pull_page_read(200)?;
            stop.cancel();
            pull_page_read(250)?;
            pull_page_read(300)
        })
        .await;
        assert!(result.is_err(), "stopped after the third page");
        let last = *seen.borrow();
        assert_eq!((last.running, last.pages, last.orders), (false, 3, 250));
        // Outside a watched pull, reading a page says nothing and never stops.
        assert!(pull_page_read(1).is_ok());
    }
}
