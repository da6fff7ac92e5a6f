//! Times and dates as operators and files write them, read in the shop's time zone. Pure.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

use super::ShopTimeZone;

/// RFC 3339, or a local time in the shop's zone as `YYYY-MM-DD HH:MM[:SS]` / `YYYY/MM/DD …`.
pub fn parse_time(text: &str, tz: ShopTimeZone) -> Result<DateTime<Utc>, String> {
    let t = text.trim();
    if let Ok(parsed) = DateTime::parse_from_rfc3339(t) {
        return Ok(parsed.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(t, format)
            && let Some(local) = tz.offset().from_local_datetime(&naive).single()
        {
            return Ok(local.with_timezone(&Utc));
        }
    }
    Err(format!(
        "{t:?} is not a time (expected RFC 3339 such as 2026-11-24T10:00:00+09:00)"
    ))
}

/// `YYYY-MM-DD` (or `YYYY/MM/DD`).
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%Y/%m/%d"))
        .map_err(|_| format!("{t:?} is not a date (expected YYYY-MM-DD)"))
}
