//! The stored verdict (issue 24): an order's verdict is its [`standing`] when its channel's
//! [`TargetWindow`] admits it and `ineligible` otherwise — exactly what [`ChannelRules::evaluate`]
//! says, for every order, store state and setting. The database keeps the standing and tests the
//! window in SQL, so this equality is what makes its counts right.

use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::domain::drift::{Drift, DriftKind, StoreReading};
use crate::domain::order::{FailedWrite, Hold};
use crate::sample::{SampleSpec, sample_orders};

fn as_of() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T12:00:00+09:00")
        .map(|t| t.with_timezone(&Utc))
        .expect("test time")
}

/// What a store may hold for `order`: nothing, what it wants (under either 出荷日 option), a
/// failure of it, a hold, a drift.
fn store_states(order: &Order) -> Vec<RemoteState> {
    let mut states = vec![RemoteState::default()];
    for shipped_date_only in [true, false] {
        let settings = RuleSettings {
            shipped_date_only,
            ..RuleSettings::default()
        };
        if let Some(wanted) = wanted_write(order.store.channel(), &settings, order) {
            states.push(RemoteState {
                confirmed: Some(wanted.clone()),
                ..RemoteState::default()
            });
            states.push(RemoteState {
                last_failure: Some(FailedWrite {
                    write: wanted,
                    error: "refused".into(),
                    cause: crate::domain::Cause::Refused,
                    at: as_of(),
                }),
                ..RemoteState::default()
            });
        }
    }
    states.push(RemoteState {
        hold: Some(Hold {
            at: as_of(),
            by: "ops".into(),
            reason: String::new(),
        }),
        ..RemoteState::default()
    });
    states.push(RemoteState {
        drift: Some(Drift {
            kind: DriftKind::StoreDiffers,
            store: StoreReading {
                held: None,
                cancelled: false,
                status: String::new(),
            },
            found_at: as_of(),
        }),
        ..RemoteState::default()
    });
    states
}

#[test]
fn the_verdict_is_the_standing_inside_the_window_and_ineligible_outside() {
    let orders = sample_orders(SampleSpec {
        count: 1500,
        newest: as_of() + Duration::hours(12),
        spread_days: 400,
        seed: 24,
    });
    let mut compared = [0u64; 6];
    for order in &orders {
        for state in store_states(order) {
            for shipped_date_only in [true, false] {
                let mut standings = Vec::new();
                for period in [1, 3, 13] {
                    for statuses in [
                        StatusOption::ProcessedOnly,
                        StatusOption::AllButNewCancelled,
                    ] {
                        let settings = RuleSettings {
                            period: Period::try_from(period).expect("period"),
                            statuses,
                            shipped_date_only,
                        };
                        let rules =
                            ChannelRules::new(order.store, settings, as_of(), ShopTimeZone::jst());
                        let standing = standing(order.store.channel(), &settings, order, &state);
                        let verdict = rules.evaluate(order, &state).verdict;
                        assert_eq!(
                            rules.window().verdict(order, standing),
                            verdict,
                            "{order:?} {state:?} {settings:?}"
                        );
                        compared[Verdict::ALL.iter().position(|v| *v == verdict).unwrap_or(0)] += 1;
                        standings.push(standing);
                    }
                }
                // Neither the period nor the status option moves a standing.
                assert!(standings.windows(2).all(|w| w[0] == w[1]), "{order:?}");
            }
        }
    }
    assert!(
        compared.iter().all(|n| *n > 30),
        "every verdict must be compared: {compared:?}"
    );
}
