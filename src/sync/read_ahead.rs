//! Reads taken ahead of their writes ([`super::Connector::prefetch`]), kept per order with the
//! order's store record as it was when the read was planned. A write takes its read only while
//! that record is unchanged: every attempt — by this run or another process — marks the record
//! before it sends, so a read an attempt may have overtaken is never used.

use std::collections::HashMap;
use std::sync::Mutex;

use super::Exchange;
use crate::db::StoredOrder;
use crate::domain::RemoteState;

struct Kept<T> {
    remote: RemoteState,
    read: T,
    exchange: Exchange,
}

/// One connector's reads ahead, by the store's id of the order. Each batch replaces the last.
pub struct ReadAhead<T> {
    kept: Mutex<HashMap<String, Kept<T>>>,
}

impl<T> Default for ReadAhead<T> {
    fn default() -> Self {
        ReadAhead {
            kept: Mutex::new(HashMap::new()),
        }
    }
}

impl<T> ReadAhead<T> {
    /// Forgets every read: they served the batch they were taken for, never a later one.
    pub fn clear(&self) {
        if let Ok(mut kept) = self.kept.lock() {
            kept.clear();
        }
    }

    /// Keeps `read` of `order` (its store id `key`), with the request that read it; the response
    /// of the audit trail is this order's part alone.
    pub fn keep(&self, key: String, order: &StoredOrder, read: T, exchange: Exchange) {
        if let Ok(mut kept) = self.kept.lock() {
            kept.insert(
                key,
                Kept {
                    remote: order.remote.clone(),
                    read,
                    exchange,
                },
            );
        }
    }

    /// The read kept for `order`, if its store record is still the one the read was planned
    /// with. Taken once.
    pub fn take(&self, key: &str, order: &StoredOrder) -> Option<(T, Exchange)> {
        let kept = self.kept.lock().ok()?.remove(key)?;
        (kept.remote == order.remote).then_some((kept.read, kept.exchange))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Order, OrderStatus, Store, Tracking};

    fn order() -> StoredOrder {
        let at = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
        StoredOrder {
            id: 1,
            revision: 1,
            order: Order {
                store: Store::COLORME,
                remote_id: "1".into(),
                number: "1".into(),
                status: OrderStatus::Processed,
                ordered_at: at,
                updated_at: at,
                shipped_on: None,
                carrier: None,
                tracking: Tracking::Empty,
                bundle_parent: None,
            },
            remote: RemoteState::default(),
        }
    }

    fn exchange() -> Exchange {
        Exchange {
            request: "GET".into(),
            response: "{}".into(),
        }
    }

    #[test]
    fn a_read_is_taken_once_and_only_by_an_unchanged_record() {
        let cache = ReadAhead::default();
        let unchanged = order();
        cache.keep("1".into(), &unchanged, "sale", exchange());
        assert_eq!(cache.take("1", &unchanged).map(|r| r.0), Some("sale"));
        assert!(cache.take("1", &unchanged).is_none(), "taken once");
        cache.keep("1".into(), &unchanged, "sale", exchange());
        let mut attempted = order();
        attempted.remote.in_flight_since = Some(chrono::DateTime::UNIX_EPOCH);
        assert!(cache.take("1", &attempted).is_none(), "attempted since");
        cache.keep("1".into(), &unchanged, "sale", exchange());
        cache.clear();
        assert!(
            cache.take("1", &unchanged).is_none(),
            "a new batch forgets the last"
        );
    }
}
