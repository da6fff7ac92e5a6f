//! Japanese national holidays by the rules of the 祝日法 (国民の祝日に関する法律), for the
//! schedule windows' `skip_holidays`: the fixed days, the Happy Mondays, the equinoxes (by the
//! astronomical formula the Cabinet Office's list follows), 振替休日 and 国民の休日, and the
//! Olympic moves of 2020 and 2021. Valid from 2000 to 2099; tested against the Cabinet Office's
//! published list for 2020–2027. Pure.

use chrono::{Datelike, NaiveDate, Weekday};

/// The `nth` Monday of a month.
fn nth_monday(year: i32, month: u32, nth: u32) -> u32 {
    let first =
        NaiveDate::from_ymd_opt(year, month, 1).map_or(0, |d| d.weekday().num_days_from_monday());
    1 + (7 - first) % 7 + 7 * (nth - 1)
}

/// 春分の日 and 秋分の日 (1980–2099).
fn equinox(year: i32, base: f64) -> u32 {
    let y = f64::from(year - 1980);
    (base + 0.242194 * y - (y / 4.0).floor()).floor() as u32
}

/// A 国民の祝日 itself (not a 振替休日 or 国民の休日).
fn is_named_holiday(d: NaiveDate) -> bool {
    let (y, m, day) = (d.year(), d.month(), d.day());
    let marine = match y {
        2020 => 23,
        2021 => 22,
        _ => nth_monday(y, 7, 3),
    };
    let sports = match y {
        2020 => Some((7, 24)),
        2021 => Some((7, 23)),
        _ => Some((10, nth_monday(y, 10, 2))),
    };
    let mountain = match y {
        2020 => 10,
        2021 => 8,
        _ => 11,
    };
    match m {
        1 => day == 1 || day == nth_monday(y, 1, 2),
        2 => day == 11 || (day == 23 && y >= 2020),
        3 => day == equinox(y, 20.8431),
        4 => day == 29,
        5 => (3..=5).contains(&day),
        7 => day == marine || sports == Some((7, day)),
        8 => day == mountain,
        9 => day == nth_monday(y, 9, 3) || day == equinox(y, 23.2488),
        10 => sports == Some((10, day)),
        11 => day == 3 || day == 23,
        12 => day == 23 && (1989..=2018).contains(&y),
        _ => false,
    }
}

/// Whether `d` is a day off by the 祝日法: a 国民の祝日, a 振替休日 (the first day that is not a
/// 国民の祝日 after one falling on a Sunday) or a 国民の休日 (a day between two 国民の祝日).
pub fn is_holiday(d: NaiveDate) -> bool {
    if is_named_holiday(d) {
        return true;
    }
    // 振替休日: walking back over 国民の祝日 reaches one on a Sunday.
    let mut back = d.pred_opt();
    while let Some(day) = back.filter(|day| is_named_holiday(*day)) {
        if day.weekday() == Weekday::Sun {
            return true;
        }
        back = day.pred_opt();
    }
    // 国民の休日: between two 国民の祝日 (not a Sunday, which is a day off anyway).
    d.weekday() != Weekday::Sun
        && d.pred_opt().is_some_and(is_named_holiday)
        && d.succ_opt().is_some_and(is_named_holiday)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Cabinet Office's list (内閣府「国民の祝日について」, syukujitsu.csv), 2020–2027:
    /// (year, [(month, day)]).
    #[rustfmt::skip]
    const PUBLISHED: [(i32, &[(u32, u32)]); 8] = [
        (2020, &[(1, 1), (1, 13), (2, 11), (2, 23), (2, 24), (3, 20), (4, 29), (5, 3), (5, 4), (5, 5), (5, 6), (7, 23), (7, 24), (8, 10), (9, 21), (9, 22), (11, 3), (11, 23)]),
        (2021, &[(1, 1), (1, 11), (2, 11), (2, 23), (3, 20), (4, 29), (5, 3), (5, 4), (5, 5), (7, 22), (7, 23), (8, 8), (8, 9), (9, 20), (9, 23), (11, 3), (11, 23)]),
        (2022, &[(1, 1), (1, 10), (2, 11), (2, 23), (3, 21), (4, 29), (5, 3), (5, 4), (5, 5), (7, 18), (8, 11), (9, 19), (9, 23), (10, 10), (11, 3), (11, 23)]),
        (2023, &[(1, 1), (1, 2), (1, 9), (2, 11), (2, 23), (3, 21), (4, 29), (5, 3), (5, 4), (5, 5), (7, 17), (8, 11), (9, 18), (9, 23), (10, 9), (11, 3), (11, 23)]),
        (2024, &[(1, 1), (1, 8), (2, 11), (2, 12), (2, 23), (3, 20), (4, 29), (5, 3), (5, 4), (5, 5), (5, 6), (7, 15), (8, 11), (8, 12), (9, 16), (9, 22), (9, 23), (10, 14), (11, 3), (11, 4), (11, 23)]),
        (2025, &[(1, 1), (1, 13), (2, 11), (2, 23), (2, 24), (3, 20), (4, 29), (5, 3), (5, 4), (5, 5), (5, 6), (7, 21), (8, 11), (9, 15), (9, 23), (10, 13), (11, 3), (11, 23), (11, 24)]),
        (2026, &[(1, 1), (1, 12), (2, 11), (2, 23), (3, 20), (4, 29), (5, 3), (5, 4), (5, 5), (5, 6), (7, 20), (8, 11), (9, 21), (9, 22), (9, 23), (10, 12), (11, 3), (11, 23)]),
        (2027, &[(1, 1), (1, 11), (2, 11), (2, 23), (3, 21), (3, 22), (4, 29), (5, 3), (5, 4), (5, 5), (7, 19), (8, 11), (9, 20), (9, 23), (10, 11), (11, 3), (11, 23)]),
    ];

    #[test]
    fn every_day_of_2020_to_2027_as_the_cabinet_office_lists_it() {
        for (year, listed) in PUBLISHED {
            let mut day = NaiveDate::from_ymd_opt(year, 1, 1).expect("date");
            while day.year() == year {
                let expected = listed.contains(&(day.month(), day.day()));
                assert_eq!(is_holiday(day), expected, "{day}");
                day = day.succ_opt().expect("next");
            }
        }
    }
}
