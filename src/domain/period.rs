//! Time windows of the rules: the period (作成期間, 1–13 days, whole days in the shop's time zone)
//! and the one-year window of カラーミー, both measured back from an "as of" instant.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Days, FixedOffset, Months, NaiveTime, Offset, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// 作成期間: how many days back an order's last change may lie. The seeds allow 1 to 13 days;
/// anything else is an error, never clamped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Period(u8);

impl Period {
    pub const MIN_DAYS: u32 = 1;
    pub const MAX_DAYS: u32 = 13;
    /// The seeds' default: 「3日前までに更新された注文が同期対象」.
    pub const DEFAULT: Period = Period(3);

    pub fn days(self) -> u32 {
        u32::from(self.0)
    }
}

impl Default for Period {
    fn default() -> Self {
        Period::DEFAULT
    }
}

/// A period outside 1–13 days.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("period must be 1 to 13 days, got {0:?}")]
pub struct InvalidPeriod(pub String);

impl TryFrom<u32> for Period {
    type Error = InvalidPeriod;

    fn try_from(days: u32) -> Result<Self, Self::Error> {
        if (Period::MIN_DAYS..=Period::MAX_DAYS).contains(&days) {
            // Within 1..=13, so it fits a u8.
            Ok(Period(
                u8::try_from(days).map_err(|_| InvalidPeriod(days.to_string()))?,
            ))
        } else {
            Err(InvalidPeriod(days.to_string()))
        }
    }
}

impl From<Period> for u32 {
    fn from(period: Period) -> u32 {
        period.days()
    }
}

impl FromStr for Period {
    type Err = InvalidPeriod;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let days: u32 = s.trim().parse().map_err(|_| InvalidPeriod(s.to_owned()))?;
        Period::try_from(days)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The shop's time zone: a fixed offset (Japan has no daylight saving time), default `+09:00`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShopTimeZone(FixedOffset);

impl ShopTimeZone {
    pub fn offset(self) -> FixedOffset {
        self.0
    }

    pub fn jst() -> ShopTimeZone {
        ShopTimeZone(FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset"))
    }
}

fn utc_offset() -> FixedOffset {
    Utc.fix()
}

impl From<FixedOffset> for ShopTimeZone {
    fn from(offset: FixedOffset) -> Self {
        ShopTimeZone(offset)
    }
}

impl Default for ShopTimeZone {
    fn default() -> Self {
        ShopTimeZone::jst()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("time zone must be an offset such as +09:00, got {0:?}")]
pub struct InvalidTimeZone(pub String);

impl FromStr for ShopTimeZone {
    type Err = InvalidTimeZone;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let err = || InvalidTimeZone(s.to_owned());
        if t.eq_ignore_ascii_case("z") || t.eq_ignore_ascii_case("utc") {
            return Ok(ShopTimeZone(utc_offset()));
        }
        if t.eq_ignore_ascii_case("asia/tokyo") || t.eq_ignore_ascii_case("jst") {
            return Ok(ShopTimeZone::jst());
        }
        let (sign, rest) = match t.as_bytes().first() {
            Some(b'+') => (1, &t[1..]),
            Some(b'-') => (-1, &t[1..]),
            _ => return Err(err()),
        };
        let (h, m) = rest.split_once(':').ok_or_else(err)?;
        let (h, m): (i32, i32) = (h.parse().map_err(|_| err())?, m.parse().map_err(|_| err())?);
        if h > 14 || m > 59 || rest.len() != 5 {
            return Err(err());
        }
        FixedOffset::east_opt(sign * (h * 3600 + m * 60))
            .map(ShopTimeZone)
            .ok_or_else(err)
    }
}

impl fmt::Display for ShopTimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Start of the period window: 00:00 in the shop's time zone on (the as-of date − N days).
/// With N = 3 on 2026-11-24 (JST) that is 2026-11-21 00:00 +09:00.
pub fn period_start(as_of: DateTime<Utc>, period: Period, tz: ShopTimeZone) -> DateTime<Utc> {
    let local_date = as_of.with_timezone(&tz.0).date_naive();
    let start_date = local_date
        .checked_sub_days(Days::new(u64::from(period.days())))
        .unwrap_or(local_date);
    let local_midnight = start_date.and_time(NaiveTime::MIN);
    tz.0.from_local_datetime(&local_midnight)
        .single()
        .map_or(as_of, |t| t.with_timezone(&Utc))
}

/// Start of the one-year window of カラーミー (注文日時が1年以内): the as-of instant less 12 calendar
/// months in the shop's time zone (29 February falls back to 28 February).
pub fn one_year_before(as_of: DateTime<Utc>, tz: ShopTimeZone) -> DateTime<Utc> {
    let local = as_of.with_timezone(&tz.0);
    local
        .checked_sub_months(Months::new(12))
        .map_or(as_of, |t| t.with_timezone(&Utc))
}

/// The first instant at which an order dated `ordered` lies outside the one-year window: the
/// inverse of [`one_year_before`] (a 29 February order leaves on 1 March, not 28 February).
pub fn one_year_after(ordered: DateTime<Utc>, tz: ShopTimeZone) -> DateTime<Utc> {
    let local = ordered.with_timezone(&tz.0);
    let mut at = local
        .checked_add_months(Months::new(12))
        .map_or(ordered, |t| t.with_timezone(&Utc))
        + chrono::Duration::seconds(1);
    // At most a day's hours past a month's end.
    for _ in 0..48 {
        if one_year_before(at, tz) > ordered {
            break;
        }
        at += chrono::Duration::hours(1);
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    #[test]
    fn period_bounds() {
        assert!(Period::try_from(0).is_err());
        assert!(Period::try_from(14).is_err());
        assert_eq!(Period::try_from(1).map(Period::days), Ok(1));
        assert_eq!(Period::try_from(13).map(Period::days), Ok(13));
        assert!("x".parse::<Period>().is_err());
        assert_eq!(Period::default().days(), 3);
    }

    #[test]
    fn spec_example_window_start() {
        // SPEC §2: with N = 3 on 2026-11-24 the window starts 2026-11-21 00:00 +09:00.
        let start = period_start(
            t("2026-11-24T15:00:00+09:00"),
            Period::DEFAULT,
            ShopTimeZone::jst(),
        );
        assert_eq!(start, t("2026-11-21T00:00:00+09:00"));
    }

    #[test]
    fn window_start_uses_the_shop_date_not_utc() {
        // 2026-11-24 08:00 JST is still 2026-11-23 in UTC.
        let start = period_start(
            t("2026-11-23T23:00:00Z"),
            Period::DEFAULT,
            ShopTimeZone::jst(),
        );
        assert_eq!(start, t("2026-11-21T00:00:00+09:00"));
    }

    #[test]
    fn one_year_after_is_the_first_instant_outside() {
        let tz = ShopTimeZone::jst();
        for ordered in [
            t("2025-11-24T12:00:00+09:00"),
            t("2028-02-29T10:00:00+09:00"),
            t("2026-01-31T23:59:59+09:00"),
        ] {
            let leaves = one_year_after(ordered, tz);
            assert!(one_year_before(leaves, tz) > ordered, "{ordered}: {leaves}");
            let just_before = leaves - chrono::Duration::hours(1);
            assert!(
                one_year_before(just_before, tz) <= ordered,
                "{ordered}: {leaves}"
            );
        }
    }

    #[test]
    fn one_year_edge() {
        let as_of = t("2026-11-24T12:00:00+09:00");
        assert_eq!(
            one_year_before(as_of, ShopTimeZone::jst()),
            t("2025-11-24T12:00:00+09:00")
        );
        let leap = t("2028-02-29T10:00:00+09:00");
        assert_eq!(
            one_year_before(leap, ShopTimeZone::jst()),
            t("2027-02-28T10:00:00+09:00")
        );
    }

    #[test]
    fn time_zones_parse() {
        assert_eq!("+09:00".parse::<ShopTimeZone>(), Ok(ShopTimeZone::jst()));
        assert_eq!(
            "Asia/Tokyo".parse::<ShopTimeZone>(),
            Ok(ShopTimeZone::jst())
        );
        assert!("-05:30".parse::<ShopTimeZone>().is_ok());
        assert!("9".parse::<ShopTimeZone>().is_err());
        assert!("+25:00".parse::<ShopTimeZone>().is_err());
    }
}
