//! Sandbox stores: real HTTP servers on 127.0.0.1 that speak the stores' own wire formats, keep
//! state, and inject faults on request. Tests, `hassou demo` and the benchmarks use them; nothing
//! here is used to talk to a real store.

use std::time::Duration;

pub mod colorme;
pub mod shopify;
pub mod shopify_cost;

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
    /// The store's rate limit, nothing applied: Shopify's `THROTTLED` GraphQL error, カラーミー's
    /// HTTP 429 without `Retry-After`.
    Throttled,
}

/// Faults drawn at random for every request (seeded, so a failing run can be replayed): the
/// fault matrix of the exactly-once proofs. Each drawn fault is one of the seven kinds above,
/// evenly; `slow` should be beyond the client's timeout so the answer is abandoned.
#[derive(Debug, Clone)]
pub struct RandomFaults {
    rate: f64,
    rng: crate::sample::Rng,
    slow: Duration,
    /// Faults injected so far.
    pub injected: u64,
}

impl RandomFaults {
    pub fn new(rate: f64, seed: u64, slow: Duration) -> RandomFaults {
        RandomFaults {
            rate,
            rng: crate::sample::Rng::new(seed),
            slow,
            injected: 0,
        }
    }

    /// The fault for the next request, if one is drawn.
    pub fn draw(&mut self) -> Option<Fault> {
        // 53 random bits as a fraction in [0, 1).
        #[allow(clippy::cast_precision_loss)]
        let roll = (self.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        if roll >= self.rate {
            return None;
        }
        self.injected += 1;
        Some(match self.rng.next_u64() % 6 {
            0 => Fault::ServerError,
            1 => Fault::TooManyRequests {
                retry_after_secs: 0,
            },
            2 => Fault::Malformed,
            3 => Fault::LoseResponse,
            4 => Fault::Slow(self.slow),
            _ => Fault::Throttled,
        })
    }
}
