//! Sandbox stores: real HTTP servers on 127.0.0.1 that speak the stores' own wire formats, keep
//! state, and inject faults on request. Tests, `hassou demo` and the benchmarks use them; nothing
//! here is used to talk to a real store.

use std::time::Duration;

pub mod alerts;
pub mod behind;
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
    /// The request is applied, then the connection is closed in the middle of the answer
    /// (HTTP 200, half the body sent).
    CutAfterApplied,
    /// The request is applied, then HTTP 200 with a body that is not the JSON it should be
    /// (half of it).
    UnreadableAfterApplied,
}

/// HTTP 200 whose body breaks off halfway: the headers and the first half go out, then the
/// connection is dropped (a proxy or a network dying mid-answer).
pub(crate) fn cut_off(body: String) -> axum::response::Response {
    use axum::response::IntoResponse;
    let half = body.len() / 2;
    let first = axum::body::Bytes::from(body.into_bytes()).slice(..half);
    let chunks: Vec<Result<axum::body::Bytes, std::io::Error>> = vec![
        Ok(first),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "cut off by the sandbox",
        )),
    ];
    (
        axum::http::StatusCode::OK,
        [("content-type", "application/json")],
        axum::body::Body::from_stream(futures_util::stream::iter(chunks)),
    )
        .into_response()
}

/// HTTP 200 with only the first half of the JSON.
pub(crate) fn half_json(body: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut half = body.len() / 2;
    while !body.is_char_boundary(half) {
        half -= 1;
    }
    // An empty answer (カラーミー's 201 to a mail) cut in half is still empty: send the start
    // of a JSON object instead, which no reader can take for an answer.
    let text = if half == 0 { "{\"" } else { &body[..half] };
    (
        axum::http::StatusCode::OK,
        [("content-type", "application/json")],
        text.to_owned(),
    )
        .into_response()
}

/// Faults drawn at random for every request (seeded, so a failing run can be replayed): the
/// fault matrix of the exactly-once proofs. Each drawn fault is one of the nine kinds above,
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
        Some(match self.rng.next_u64() % 8 {
            0 => Fault::ServerError,
            1 => Fault::TooManyRequests {
                retry_after_secs: 0,
            },
            2 => Fault::Malformed,
            3 => Fault::LoseResponse,
            4 => Fault::Slow(self.slow),
            5 => Fault::CutAfterApplied,
            6 => Fault::UnreadableAfterApplied,
            _ => Fault::Throttled,
        })
    }
}
