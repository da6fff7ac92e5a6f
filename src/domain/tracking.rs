//! Tracking numbers (伝票番号): normalisation, several numbers in one field, free text for
//! untrackable mail (定形外郵便), and check-digit validation that only ever warns.
//!
//! Rules from `reference/japan-shipping.md` §1: full-width → half-width (NFKC), hyphens and spaces
//! are not part of a number, 12-digit domestic numbers carry the 7DR check digit, 11-digit 書留
//! numbers a mod-7 digit, and international UPU S10 numbers a mod-11 digit. A failed check is a
//! warning the operator can ignore: pre-printed stock and future formats differ.

use std::fmt;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use super::carrier::Carrier;
use super::input::{
    InputError, MAX_TRACKING_FIELD, MAX_TRACKING_NUMBER, MAX_TRACKING_NUMBERS, check_chars,
    check_length,
};

/// One tracking number, normalised: ASCII upper-case letters and digits only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TrackingNumber(String);

impl TrackingNumber {
    /// Normalises one number as typed: NFKC, then hyphens (any dash), spaces and Codabar
    /// start/stop letters removed, upper-cased. `None` when the text is not a number at all
    /// (it has no digit, or it has characters other than ASCII letters and digits).
    /// What a search for `text` compares with stored numbers: folded as numbers are stored
    /// (full-width to half-width, no spaces or hyphens), lower case.
    pub fn search_form(text: &str) -> String {
        let folded: String = text.nfkc().collect();
        folded
            .chars()
            .filter(|c| !c.is_whitespace() && !is_dash(*c))
            .collect::<String>()
            .to_lowercase()
    }

    pub fn normalize(text: &str) -> Option<TrackingNumber> {
        let folded: String = text.nfkc().collect();
        let mut compact: String = folded
            .chars()
            .filter(|c| !c.is_whitespace() && !is_dash(*c))
            .collect::<String>()
            .to_ascii_uppercase();
        if compact.is_empty()
            || !compact.chars().all(|c| c.is_ascii_alphanumeric())
            || !compact.chars().any(|c| c.is_ascii_digit())
        {
            return None;
        }
        if is_codabar(&compact) {
            compact = compact[1..compact.len() - 1].to_owned();
        }
        Some(TrackingNumber(compact))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TrackingNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The tracking field of an order, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Tracking {
    /// Nothing entered yet.
    #[default]
    Empty,
    /// One or more real numbers, in the order entered, without duplicates.
    Numbers(Vec<TrackingNumber>),
    /// Text that is not a number (定形外郵便, メール便, ポスト投函): shipped without tracking.
    FreeText(String),
}

impl Tracking {
    /// Parses the field as entered. Several numbers may be separated by `,` `;` `、` or line
    /// breaks (full-width forms too). If any part is not a number, the whole field is free text,
    /// kept as typed (trimmed), so that nothing the operator wrote is lost or split wrongly.
    pub fn parse(raw: &str) -> Tracking {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Tracking::Empty;
        }
        let mut numbers: Vec<TrackingNumber> = Vec::new();
        for part in trimmed.split(is_separator) {
            if part.trim().is_empty() {
                continue;
            }
            match TrackingNumber::normalize(part) {
                Some(number) => {
                    if !numbers.contains(&number) {
                        numbers.push(number);
                    }
                }
                None => return Tracking::FreeText(trimmed.to_owned()),
            }
        }
        if numbers.is_empty() {
            // Only separators were typed (",;"): treat as nothing entered.
            Tracking::Empty
        } else {
            Tracking::Numbers(numbers)
        }
    }

    /// Parses the field as an operator or a file wrote it (SPEC §3): control characters and
    /// bidirectional overrides are refused, not stored, and so are absurd lengths (a number of
    /// more than 40 characters, a field of more than 400).
    pub fn parse_input(raw: &str) -> Result<Tracking, InputError> {
        check_chars(raw)?;
        check_length(raw.trim(), MAX_TRACKING_FIELD)?;
        let tracking = Tracking::parse(raw);
        for number in tracking.numbers() {
            check_length(number.as_str(), MAX_TRACKING_NUMBER)?;
        }
        if tracking.numbers().len() > MAX_TRACKING_NUMBERS {
            return Err(InputError::TooMany(
                tracking.numbers().len(),
                MAX_TRACKING_NUMBERS,
            ));
        }
        Ok(tracking)
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Tracking::Empty)
    }

    pub fn numbers(&self) -> &[TrackingNumber] {
        match self {
            Tracking::Numbers(numbers) => numbers,
            _ => &[],
        }
    }

    pub fn free_text(&self) -> Option<&str> {
        match self {
            Tracking::FreeText(text) => Some(text),
            _ => None,
        }
    }

    /// The values as they would be written: normalised numbers, or the free text alone.
    pub fn values(&self) -> Vec<String> {
        match self {
            Tracking::Empty => Vec::new(),
            Tracking::Numbers(numbers) => numbers.iter().map(|n| n.0.clone()).collect(),
            Tracking::FreeText(text) => vec![text.clone()],
        }
    }

    /// The text kept in the database: numbers joined by `;`, or the free text as typed.
    /// `Tracking::parse` of it gives the same value back.
    pub fn to_text(&self) -> String {
        match self {
            Tracking::Empty => String::new(),
            Tracking::Numbers(numbers) => numbers
                .iter()
                .map(TrackingNumber::as_str)
                .collect::<Vec<_>>()
                .join(";"),
            Tracking::FreeText(text) => text.clone(),
        }
    }

    /// One line for the screen and the CLI: each number as stored and as the store receives
    /// it (no hyphens added, so what is shown is what is sent and what search finds), joined by
    /// `, `. The one way hassou shows tracking numbers (issue 19).
    pub fn display(&self) -> String {
        match self {
            Tracking::Empty => String::new(),
            Tracking::Numbers(numbers) => numbers
                .iter()
                .map(TrackingNumber::as_str)
                .collect::<Vec<_>>()
                .join(", "),
            Tracking::FreeText(text) => text.clone(),
        }
    }
}

fn is_separator(c: char) -> bool {
    matches!(c, ',' | ';' | '\n' | '\r' | '、' | '，' | '；')
}

fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30FC}' | '\u{FF0D}' | '\u{FF70}'
    )
}

/// Codabar labels print the number between start/stop letters A–D (`A123456789012A`).
fn is_codabar(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.len() > 2
        && matches!(bytes[0], b'A'..=b'D')
        && matches!(bytes[bytes.len() - 1], b'A'..=b'D')
        && bytes[1..bytes.len() - 1].iter().all(u8::is_ascii_digit)
}

/// Something about a number worth a second look. Never blocks a save or a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrackingWarning {
    /// The number has the right shape but its check digit does not match.
    CheckDigit { number: String, scheme: CheckScheme },
    /// The number does not look like one of this carrier's.
    Format {
        number: String,
        carrier: String,
        expected: &'static str,
    },
}

/// The check-digit schemes of Japanese tracking numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckScheme {
    /// 12 digits; the first 11 as one integer, mod 7, equal the 12th (Yamato, Sagawa, 日本郵便).
    SevenDr,
    /// 11 digits (書留・特定記録); the first 10 as one integer, mod 7, equal the 11th.
    Registered,
    /// UPU S10: 2 letters, 8 digits, a mod-11 check digit, 2 letters.
    S10,
}

impl CheckScheme {
    pub fn name(self) -> &'static str {
        match self {
            CheckScheme::SevenDr => "7DR (mod 7)",
            CheckScheme::Registered => "書留 (mod 7)",
            CheckScheme::S10 => "S10 (mod 11)",
        }
    }
}

impl fmt::Display for TrackingWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrackingWarning::CheckDigit { number, scheme } => {
                write!(
                    f,
                    "{number}: check digit does not match {} — please re-check the number",
                    scheme.name()
                )
            }
            TrackingWarning::Format {
                number,
                carrier,
                expected,
            } => write!(f, "{number}: not a {carrier} number ({expected} expected)"),
        }
    }
}

/// Checks every number of the field against the carrier's formats. Free text and an empty field
/// give no warnings.
pub fn validate(tracking: &Tracking, carrier: Option<&Carrier>) -> Vec<TrackingWarning> {
    tracking
        .numbers()
        .iter()
        .filter_map(|number| validate_number(number.as_str(), carrier))
        .collect()
}

fn validate_number(number: &str, carrier: Option<&Carrier>) -> Option<TrackingWarning> {
    let all_digits = number.bytes().all(|b| b.is_ascii_digit());
    let check = |scheme: CheckScheme, ok: bool| {
        (!ok).then(|| TrackingWarning::CheckDigit {
            number: number.to_owned(),
            scheme,
        })
    };
    let format = |expected: &'static str| {
        Some(TrackingWarning::Format {
            number: number.to_owned(),
            carrier: carrier.map(|c| c.label_en().to_owned()).unwrap_or_default(),
            expected,
        })
    };
    let domestic = matches!(
        carrier,
        None | Some(Carrier::Yamato | Carrier::Sagawa | Carrier::JapanPost)
    );
    match carrier {
        Some(Carrier::Seino | Carrier::Fukuyama) => {
            (!all_digits).then(|| TrackingWarning::Format {
                number: number.to_owned(),
                carrier: carrier.map(|c| c.label_en().to_owned()).unwrap_or_default(),
                expected: "digits only",
            })
        }
        Some(Carrier::Other(_)) => is_s10_shape(number)
            .then(|| check(CheckScheme::S10, s10_ok(number)))
            .flatten(),
        _ if all_digits && number.len() == 12 && domestic => {
            check(CheckScheme::SevenDr, seven_dr_ok(number))
        }
        Some(Carrier::Yamato | Carrier::Sagawa) => format("12 digits"),
        _ if all_digits && number.len() == 11 => {
            check(CheckScheme::Registered, registered_ok(number))
        }
        _ if is_s10_shape(number) => check(CheckScheme::S10, s10_ok(number)),
        Some(Carrier::JapanPost) => format("12 or 11 digits, or 13 characters like EA123456785JP"),
        _ => None,
    }
}

/// The body (all digits but the last) as one integer, mod 7, equals the last digit.
fn mod7_body_ok(number: &str) -> bool {
    let (body, last) = number.split_at(number.len() - 1);
    match (body.parse::<u64>(), last.parse::<u64>()) {
        (Ok(body), Ok(last)) => body % 7 == last,
        _ => false,
    }
}

pub(crate) fn seven_dr_ok(number: &str) -> bool {
    number.len() == 12 && mod7_body_ok(number)
}

fn registered_ok(number: &str) -> bool {
    number.len() == 11 && mod7_body_ok(number)
}

fn is_s10_shape(number: &str) -> bool {
    let b = number.as_bytes();
    b.len() == 13
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..11].iter().all(u8::is_ascii_digit)
        && b[11..].iter().all(u8::is_ascii_uppercase)
}

fn s10_ok(number: &str) -> bool {
    const WEIGHTS: [u32; 8] = [8, 6, 4, 2, 3, 5, 9, 7];
    let digits: Vec<u32> = number[2..11]
        .chars()
        .filter_map(|c| c.to_digit(10))
        .collect();
    if digits.len() != 9 {
        return false;
    }
    let sum: u32 = digits[..8].iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    let check = match 11 - sum % 11 {
        10 => 0,
        11 => 5,
        c => c,
    };
    check == digits[8]
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn numbers(values: &[&str]) -> Tracking {
        Tracking::Numbers(
            values
                .iter()
                .map(|v| TrackingNumber(v.to_string()))
                .collect(),
        )
    }

    /// SPEC §3: "Tracking numbers ... containing control characters are refused as input";
    /// the issue's 41 hostile values are these kinds: ESC, BEL, DEL, CR, LF, NUL, C1, U+202E.
    #[rstest]
    #[case("4444\u{1b}[2J1375")]
    #[case("444413758703\u{7}")]
    #[case("444413758703\u{7f}")]
    #[case("444413758703\r")]
    #[case("4444\n13758703")]
    #[case("4444\u{0}13758703")]
    #[case("4444\u{9b}13758703")]
    #[case("\u{202e}444413758703")]
    #[case("定形外\u{2067}郵便")]
    fn typed_tracking_with_control_characters_is_refused(#[case] raw: &str) {
        assert!(
            matches!(Tracking::parse_input(raw), Err(InputError::Unsafe(_))),
            "{raw:?}"
        );
    }

    #[test]
    fn typed_tracking_of_absurd_length_is_refused() {
        assert_eq!(
            Tracking::parse_input(&"9".repeat(10_000)),
            Err(InputError::TooLong(10_000, 400))
        );
        assert_eq!(
            Tracking::parse_input(&"9".repeat(41)),
            Err(InputError::TooLong(41, 40))
        );
        assert_eq!(
            Tracking::parse_input("4444-1375-8703; 1Z999AA10123456784"),
            Ok(Tracking::parse("444413758703;1Z999AA10123456784"))
        );
    }

    #[rstest]
    #[case::empty("", Tracking::Empty)]
    #[case::blank("  \n ", Tracking::Empty)]
    #[case::plain("444413758703", numbers(&["444413758703"]))]
    #[case::hyphenated("4444-1375-8703", numbers(&["444413758703"]))]
    #[case::full_width("４４４４－１３７５－８７０３", numbers(&["444413758703"]))]
    #[case::spaces("4444 1375 8703", numbers(&["444413758703"]))]
    #[case::long_vowel_mark("4444ー1375ー8703", numbers(&["444413758703"]))]
    #[case::codabar("A444413758703A", numbers(&["444413758703"]))]
    #[case::comma("444413758703,483484399683", numbers(&["444413758703", "483484399683"]))]
    #[case::semicolon("444413758703; 483484399683", numbers(&["444413758703", "483484399683"]))]
    #[case::newline("444413758703\n483484399683\r\n", numbers(&["444413758703", "483484399683"]))]
    #[case::touten("444413758703、483484399683", numbers(&["444413758703", "483484399683"]))]
    #[case::duplicate("444413758703,4444-1375-8703", numbers(&["444413758703"]))]
    #[case::s10("rb123456785gb", numbers(&["RB123456785GB"]))]
    #[case::free_text("定形外郵便", Tracking::FreeText("定形外郵便".into()))]
    #[case::free_text_trimmed(" メール便 ", Tracking::FreeText("メール便".into()))]
    #[case::mixed_is_free_text("444413758703, 追跡なし", Tracking::FreeText("444413758703, 追跡なし".into()))]
    #[case::letters_only_is_text("POST", Tracking::FreeText("POST".into()))]
    #[case::only_separators(",;", Tracking::Empty)]
    fn parses(#[case] raw: &str, #[case] expected: Tracking) {
        let parsed = Tracking::parse(raw);
        assert_eq!(parsed, expected);
        // What the database keeps parses back to the same value.
        assert_eq!(Tracking::parse(&parsed.to_text()), parsed);
    }

    #[rstest]
    #[case("444413758703", true)]
    #[case("483484399683", true)]
    #[case("390459983082", true)]
    #[case("405548424886", true)]
    #[case("193715301010", true)]
    #[case("512547514334", true)]
    #[case("444413758704", false)]
    #[case("444413758707", false)]
    fn seven_dr(#[case] number: &str, #[case] ok: bool) {
        assert_eq!(seven_dr_ok(number), ok);
    }

    #[rstest]
    #[case::valid_yamato("444413758703", Some(Carrier::Yamato), None)]
    #[case::bad_digit_yamato("444413758704", Some(Carrier::Yamato), Some(CheckScheme::SevenDr))]
    #[case::bad_digit_no_carrier("444413758704", None, Some(CheckScheme::SevenDr))]
    #[case::valid_registered("12345678903", Some(Carrier::JapanPost), None)]
    #[case::bad_registered("12345678905", Some(Carrier::JapanPost), Some(CheckScheme::Registered))]
    #[case::valid_s10("RB123456785GB", Some(Carrier::JapanPost), None)]
    #[case::bad_s10("RB123456784GB", Some(Carrier::JapanPost), Some(CheckScheme::S10))]
    #[case::seino_any_digits("1234567", Some(Carrier::Seino), None)]
    fn check_digit_warnings(
        #[case] number: &str,
        #[case] carrier: Option<Carrier>,
        #[case] scheme: Option<CheckScheme>,
    ) {
        let warnings = validate(&Tracking::parse(number), carrier.as_ref());
        let got = warnings.iter().find_map(|w| match w {
            TrackingWarning::CheckDigit { scheme, .. } => Some(*scheme),
            TrackingWarning::Format { .. } => None,
        });
        assert_eq!(got, scheme, "{warnings:?}");
    }

    #[test]
    fn format_warnings_name_the_carrier() {
        let warnings = validate(&Tracking::parse("12345"), Some(&Carrier::Yamato));
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].to_string().contains("Yamato"));
        assert!(validate(&Tracking::parse("AB12"), Some(&Carrier::Seino)).len() == 1);
        assert!(validate(&Tracking::parse("定形外郵便"), Some(&Carrier::JapanPost)).is_empty());
    }

    #[test]
    fn displays_numbers_as_stored_and_sent() {
        assert_eq!(
            Tracking::parse("4444-1375-8703;RB123456785GB").display(),
            "444413758703, RB123456785GB"
        );
    }
}
