//! Sandbox stores: real HTTP servers on 127.0.0.1 that speak the stores' own wire formats, keep
//! state, and inject faults on request. Tests, `hassou demo` and the benchmarks use them; nothing
//! here is used to talk to a real store.

use std::time::Duration;

pub mod colorme;
pub mod shopify;

/// A one-shot fault, applied to the next request of its kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// HTTP 500 before anything is applied.
    ServerError,
    /// HTTP 429 with `Retry-After`, nothing applied.
    TooManyRequests { retry_after_secs: u32 },
    /// The request is applied, then the answer comes this late (a client that gave up never
    /// sees it).
    Slow(Duration),
    /// HTTP 200 with a truncated JSON body, nothing applied.
    Malformed,
    /// The request is applied, then the answer is lost (HTTP 504).
    LoseResponse,
}
