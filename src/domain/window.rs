//! Schedule windows (SPEC §3 "Settings, auto sync and watch"): the hours (`active_hours`, in the
//! shop's time zone), the days of the week (`active_days`) and whether Japanese national
//! holidays are skipped (`skip_holidays`) when scheduled runs and watch may write. A run due
//! outside waits for the window's next opening; manual runs never ask. Pure.

use std::fmt;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Timelike, Utc, Weekday};

use super::ShopTimeZone;
use super::holidays::is_holiday;

/// From `start` (inclusive) to `end` (exclusive), shop time; `end` before `start` runs over
/// midnight (`21:00-06:00`), and the day that counts is the one the moment falls on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// A set of days of the week, Monday first (bit 0) to Sunday (bit 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Days(u8);

const DAY_CODES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl Days {
    pub const ALL: Days = Days(0x7f);

    pub fn bits(self) -> u8 {
        self.0
    }

    /// From stored bits; anything outside the seven days is dropped.
    pub fn from_bits(bits: u8) -> Days {
        Days(bits & 0x7f)
    }

    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }
}

impl fmt::Display for Days {
    /// `mon-sun`, `mon-fri`, `mon,wed,fri`, `sat-sun`: runs of three or more days as ranges.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        let mut day = 0;
        while day < 7 {
            if self.0 & (1 << day) == 0 {
                day += 1;
                continue;
            }
            let start = day;
            while day + 1 < 7 && self.0 & (1 << (day + 1)) != 0 {
                day += 1;
            }
            parts.push(match day - start {
                0 => DAY_CODES[start].to_owned(),
                1 => format!("{},{}", DAY_CODES[start], DAY_CODES[day]),
                _ => format!("{}-{}", DAY_CODES[start], DAY_CODES[day]),
            });
            day += 1;
        }
        f.write_str(&parts.join(","))
    }
}

impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}",
            self.start.format("%H:%M"),
            self.end.format("%H:%M")
        )
    }
}

/// What is wrong with a window value, as a kind (the catalog says it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WindowError {
    /// Not `HH:MM-HH:MM` (or `always`), or a start equal to its end.
    Hours(String),
    /// Not days such as `mon-sat`, `mon,wed,fri` or `all`, or no day at all.
    Days(String),
}

fn time(text: &str) -> Option<NaiveTime> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m) = (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?);
    // 24:00 is the end of the day.
    if h == 24 && m == 0 {
        return NaiveTime::from_hms_opt(0, 0, 0);
    }
    NaiveTime::from_hms_opt(h, m, 0)
}

/// `08:00-21:00` (or `always`, `none`, empty: no limit).
pub fn parse_hours(text: &str) -> Result<Option<Hours>, WindowError> {
    let t = text.trim();
    if t.is_empty() || t == "always" || t == "none" || t == "00:00-24:00" {
        return Ok(None);
    }
    let bad = || WindowError::Hours(t.to_owned());
    let (start, end) = t.split_once('-').ok_or_else(bad)?;
    let (start, end) = (time(start).ok_or_else(bad)?, time(end).ok_or_else(bad)?);
    if start == end {
        return Err(bad());
    }
    Ok(Some(Hours { start, end }))
}

fn day(code: &str) -> Option<usize> {
    DAY_CODES.iter().position(|d| *d == code.trim())
}

/// `mon-sat`, `mon,wed,fri`, `sat-sun`, `fri-mon` (wrapping), `all`.
pub fn parse_days(text: &str) -> Result<Days, WindowError> {
    let t = text.trim().to_ascii_lowercase();
    if t == "all" || t == "every" {
        return Ok(Days::ALL);
    }
    let bad = || WindowError::Days(text.trim().to_owned());
    let mut bits = 0u8;
    for part in t.split(',') {
        match part.split_once('-') {
            Some((from, to)) => {
                let (from, to) = (day(from).ok_or_else(bad)?, day(to).ok_or_else(bad)?);
                let mut d = from;
                loop {
                    bits |= 1 << d;
                    if d == to {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => bits |= 1 << day(part).ok_or_else(bad)?,
        }
    }
    if bits == 0 {
        return Err(bad());
    }
    Ok(Days(bits))
}

/// When scheduled runs and watch may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub hours: Option<Hours>,
    pub days: Days,
    pub skip_holidays: bool,
}

impl Default for Window {
    fn default() -> Self {
        Window::ALWAYS
    }
}

impl Window {
    pub const ALWAYS: Window = Window {
        hours: None,
        days: Days::ALL,
        skip_holidays: false,
    };

    pub fn is_always(&self) -> bool {
        *self == Window::ALWAYS
    }

    fn day_open(&self, date: NaiveDate) -> bool {
        self.days.contains(date.weekday()) && !(self.skip_holidays && is_holiday(date))
    }

    /// Whether a run may start at `at`.
    pub fn is_open(&self, at: DateTime<Utc>, tz: ShopTimeZone) -> bool {
        let local = at.with_timezone(&tz.offset()).naive_local();
        if !self.day_open(local.date()) {
            return false;
        }
        let Some(h) = self.hours else {
            return true;
        };
        let t = local.time();
        if h.start < h.end {
            h.start <= t && t < h.end
        } else {
            t >= h.start || t < h.end
        }
    }

    /// The first moment at or after `at` when a run may start; `None` when the window never
    /// opens within a year and a week (no day can qualify).
    pub fn next_open(&self, at: DateTime<Utc>, tz: ShopTimeZone) -> Option<DateTime<Utc>> {
        if self.is_open(at, tz) {
            return Some(at);
        }
        let offset = tz.offset();
        let today = at.with_timezone(&offset).date_naive();
        // A window opens at a day's start (its day becomes allowed) or at its hours' start.
        let starts = [
            Some(NaiveTime::MIN),
            self.hours
                .map(|h| h.start.with_second(0).unwrap_or(h.start)),
        ];
        (0..372)
            .filter_map(|n| today.checked_add_signed(Duration::days(n)))
            .flat_map(|date| starts.into_iter().flatten().map(move |t| date.and_time(t)))
            .filter_map(|local| local.and_local_timezone(offset).single())
            .map(|moment| moment.with_timezone(&Utc))
            .filter(|moment| *moment > at)
            .find(|moment| self.is_open(*moment, tz))
    }

    /// How much of `from..to` the window was open (so "no success within three intervals"
    /// counts open time only), sampled at a minute or 1/2000 of the span, whichever is longer.
    pub fn open_time(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        tz: ShopTimeZone,
    ) -> std::time::Duration {
        let span = (to - from).to_std().unwrap_or_default();
        if self.is_always() {
            return span;
        }
        let step = (span / 2000).max(std::time::Duration::from_secs(60));
        let mut open = std::time::Duration::ZERO;
        let mut at = from;
        while at < to {
            let next = (at + Duration::from_std(step).unwrap_or(Duration::minutes(1))).min(to);
            if self.is_open(at, tz) {
                open += (next - at).to_std().unwrap_or_default();
            }
            at = next;
        }
        open
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jst(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&format!("{text}+09:00"))
            .expect("time")
            .with_timezone(&Utc)
    }

    fn window(hours: &str, days: &str, skip: bool) -> Window {
        Window {
            hours: parse_hours(hours).expect("hours"),
            days: parse_days(days).expect("days"),
            skip_holidays: skip,
        }
    }

    #[test]
    fn values_read_and_print_back() {
        assert_eq!(
            parse_hours("08:00-21:00")
                .expect("ok")
                .expect("some")
                .to_string(),
            "08:00-21:00"
        );
        assert_eq!(parse_hours("always"), Ok(None));
        assert_eq!(
            parse_hours("21:00-06:00")
                .expect("ok")
                .expect("some")
                .to_string(),
            "21:00-06:00"
        );
        for bad in ["8-21", "08:00", "08:00-08:00", "25:00-26:00", "08:60-09:00"] {
            assert!(parse_hours(bad).is_err(), "{bad}");
        }
        for (text, shown) in [
            ("mon-sat", "mon-sat"),
            ("all", "mon-sun"),
            ("mon,wed,fri", "mon,wed,fri"),
            ("sat-sun", "sat,sun"),
            ("fri-mon", "mon,fri-sun"),
            ("MON-FRI", "mon-fri"),
        ] {
            assert_eq!(parse_days(text).expect(text).to_string(), shown, "{text}");
        }
        for bad in ["", "monday", "mon-xyz", ","] {
            assert!(parse_days(bad).is_err(), "{bad}");
        }
    }

    /// SPEC §3: scheduled runs only inside `active_hours` (shop time), on `active_days`, and not
    /// on national holidays when `skip_holidays`.
    #[test]
    fn open_inside_the_hours_on_the_days_and_not_on_holidays() {
        let tz = ShopTimeZone::jst();
        let w = window("08:00-21:00", "mon-sat", true);
        for (at, open) in [
            ("2026-12-07T08:00:00", true),  // Monday, at the start
            ("2026-12-07T07:59:59", false), // before it
            ("2026-12-07T20:59:00", true),
            ("2026-12-07T21:00:00", false), // the end is outside
            ("2026-12-06T12:00:00", false), // Sunday
            ("2026-12-12T12:00:00", true),  // Saturday
            ("2026-11-23T12:00:00", false), // 勤労感謝の日 (a Monday in 2026)
            ("2027-01-11T12:00:00", false), // 成人の日
        ] {
            assert_eq!(w.is_open(jst(at), tz), open, "{at}");
        }
        let night = window("21:00-06:00", "all", false);
        assert!(night.is_open(jst("2026-12-07T23:30:00"), tz));
        assert!(night.is_open(jst("2026-12-08T05:59:00"), tz));
        assert!(!night.is_open(jst("2026-12-08T06:00:00"), tz));
        assert!(Window::ALWAYS.is_open(jst("2026-11-23T03:00:00"), tz));
    }

    #[test]
    fn a_run_due_outside_waits_for_the_next_opening() {
        let tz = ShopTimeZone::jst();
        let w = window("08:00-21:00", "mon-sat", true);
        for (at, opens) in [
            ("2026-12-07T10:00:00", "2026-12-07T10:00:00"), // open: now
            ("2026-12-07T22:00:00", "2026-12-08T08:00:00"), // after hours: tomorrow 8:00
            ("2026-12-05T21:30:00", "2026-12-07T08:00:00"), // Saturday night: over Sunday
            ("2026-11-21T22:00:00", "2026-11-24T08:00:00"), // Sat, Sun, then 勤労感謝の日 Monday
            ("2026-12-07T03:00:00", "2026-12-07T08:00:00"),
        ] {
            assert_eq!(w.next_open(jst(at), tz), Some(jst(opens)), "{at}");
        }
        let night = window("21:00-06:00", "mon-fri", false);
        // Friday 23:00 is open (Friday's night); Saturday 01:00 is not (a Saturday).
        assert!(night.is_open(jst("2026-12-11T23:00:00"), tz));
        assert_eq!(
            night.next_open(jst("2026-12-12T01:00:00"), tz),
            Some(jst("2026-12-14T00:00:00"))
        );
    }

    #[test]
    fn only_open_time_counts() {
        let tz = ShopTimeZone::jst();
        let w = window("08:00-21:00", "all", false);
        let hours = |h: u64| std::time::Duration::from_secs(h * 3600);
        // From 20:00 to 09:00 the next day: one hour before closing, one after opening.
        assert_eq!(
            w.open_time(jst("2026-12-07T20:00:00"), jst("2026-12-08T09:00:00"), tz),
            hours(2)
        );
        assert_eq!(
            Window::ALWAYS.open_time(jst("2026-12-07T20:00:00"), jst("2026-12-08T09:00:00"), tz),
            hours(13)
        );
    }
}
