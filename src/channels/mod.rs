//! One module per store API. Each implements [`crate::sync::Connector`]; DTOs keep the API's own
//! field names and are mapped to domain types at this edge.

pub mod colorme;
pub mod shopify;

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

/// The waits between attempts of a request that is safe to repeat: from half a second, doubling
/// up to 8 s, with jitter, `attempts − 1` of them.
pub fn retry_delays(attempts: usize) -> impl Iterator<Item = Duration> {
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(500))
        .with_max_delay(Duration::from_secs(8))
        .with_max_times(attempts.saturating_sub(1))
        .with_jitter()
        .build()
}
