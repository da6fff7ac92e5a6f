//! Deterministic sample orders, for the demo, the benchmarks and the tests: the same seed gives
//! the same orders. Statuses, missing fields, free text, several numbers and 同梱 children occur
//! in realistic proportions, and every `updated_at` is distinct so that orderings are total.

use crate::domain::Channel;
use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::domain::{Carrier, Order, OrderStatus, Store, Tracking};

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct SampleSpec {
    pub count: usize,
    /// The newest `updated_at`; older orders step back from it.
    pub newest: DateTime<Utc>,
    /// How far back `updated_at` spreads, in days.
    pub spread_days: u32,
    pub seed: u64,
}

/// splitmix64: small, fast, and good enough for sample data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// Seeded by the wall clock (nanoseconds) and `salt`: for values that must differ from run
    /// to run (an OAuth state, a sandbox's codes), not for anything secret.
    pub fn from_clock(salt: u64) -> Rng {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        // The low 64 bits move fastest; the truncation is the point.
        #[allow(clippy::cast_possible_truncation)]
        let seed = nanos as u64 ^ salt;
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A 12-digit number with a valid 7DR check digit.
pub fn tracking_number(rng: &mut Rng) -> String {
    let body = 10_000_000_000 + rng.below(89_999_999_999);
    format!("{body}{}", body % 7)
}

fn status(rng: &mut Rng) -> OrderStatus {
    match rng.below(100) {
        0..=49 => OrderStatus::Processed,
        50..=69 => OrderStatus::AwaitingShipment,
        70..=79 => OrderStatus::New,
        80..=84 => OrderStatus::Cancelled,
        85..=89 => OrderStatus::OnHold,
        _ => OrderStatus::AwaitingPayment,
    }
}

fn carrier(rng: &mut Rng) -> Carrier {
    match rng.below(10) {
        0..=3 => Carrier::Yamato,
        4..=5 => Carrier::Sagawa,
        6..=7 => Carrier::JapanPost,
        8 => Carrier::Seino,
        _ => Carrier::Fukuyama,
    }
}

/// Shopify order number of the i-th sample order.
pub fn shopify_number(i: usize) -> String {
    format!("#{}", 1001 + i)
}

/// カラーミー sale id (used as its number too) of the i-th sample order.
pub fn colorme_number(i: usize) -> String {
    format!("{}", 20_000_000 + i)
}

pub fn sample_orders(spec: SampleSpec) -> Vec<Order> {
    let mut rng = Rng::new(spec.seed);
    let span_secs = i64::from(spec.spread_days) * 86_400;
    let count = i64::try_from(spec.count.max(1)).unwrap_or(i64::MAX);
    let step = (span_secs / count).max(1);
    let mut last_colorme: Option<String> = None;
    (0..spec.count)
        .map(|i| {
            let idx = i64::try_from(i).unwrap_or(i64::MAX);
            let updated_at = spec.newest - Duration::seconds(idx * step);
            let ordered_at =
                updated_at - Duration::minutes(i64::try_from(rng.below(20 * 1440)).unwrap_or(0));
            let channel = if rng.chance(60) {
                Store::SHOPIFY
            } else {
                Store::COLORME
            };
            let (number, remote_id) = match channel.channel() {
                Channel::Shopify => (
                    shopify_number(i),
                    format!("gid://shopify/Order/{}", 6_100_000_000 + i),
                ),
                Channel::Colorme => {
                    let n = colorme_number(i);
                    (n.clone(), n)
                }
            };
            let shipped = rng.chance(70);
            let shipped_on: Option<NaiveDate> = shipped.then(|| {
                (updated_at - Duration::hours(i64::try_from(rng.below(30)).unwrap_or(0)))
                    .date_naive()
            });
            let tracking = if rng.chance(72) {
                match rng.below(100) {
                    0..=2 => Tracking::parse("定形外郵便"),
                    3..=7 => Tracking::parse(&format!(
                        "{},{}",
                        tracking_number(&mut rng),
                        tracking_number(&mut rng)
                    )),
                    _ => Tracking::parse(&tracking_number(&mut rng)),
                }
            } else {
                Tracking::Empty
            };
            let bundle_parent = match channel.channel() {
                Channel::Colorme if rng.chance(5) => last_colorme.clone(),
                _ => None,
            };
            if channel == Store::COLORME && bundle_parent.is_none() {
                last_colorme = Some(number.clone());
            }
            Order {
                store: channel,
                remote_id,
                number,
                status: status(&mut rng),
                ordered_at,
                updated_at,
                shipped_on,
                carrier: (!tracking.is_empty()).then(|| carrier(&mut rng)),
                tracking,
                bundle_parent,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_orders_and_valid_numbers() {
        let spec = SampleSpec {
            count: 200,
            newest: DateTime::<Utc>::UNIX_EPOCH + Duration::days(20_000),
            spread_days: 30,
            seed: 7,
        };
        assert_eq!(sample_orders(spec), sample_orders(spec));
        let orders = sample_orders(spec);
        for pair in orders.windows(2) {
            assert!(pair[0].updated_at > pair[1].updated_at);
        }
        for order in &orders {
            for number in order.tracking.numbers() {
                assert!(
                    crate::domain::tracking::validate(&order.tracking, None).is_empty(),
                    "{number}"
                );
            }
        }
    }
}
