//! What operators, files and stores may put into the fields that reach a terminal (SPEC §3
//! "Text that reaches a terminal"): no control characters, no bidirectional overrides, and no
//! absurd lengths in tracking numbers, carrier names and order numbers. Pure checks, used
//! wherever such a value enters: the command line, the order file, carrier files, the console.

use thiserror::Error;

/// An order number (`#1001`, a カラーミー sale number, a carrier file's key) has at most this
/// many characters: Shopify allows names up to 255 but no shop's numbering comes near 64.
pub const MAX_ORDER_NUMBER: usize = 64;
/// One tracking number has at most this many characters (UPS's 18, USPS's 22 and S10's 13 fit).
pub const MAX_TRACKING_NUMBER: usize = 40;
/// The whole tracking field (several numbers, or free text like 定形外郵便) at most.
pub const MAX_TRACKING_FIELD: usize = 400;

/// Whether `c` must never reach a terminal raw: a control character (C0, DEL, C1) or a
/// bidirectional mark or override that reorders what follows (U+202A–U+202E, U+2066–U+2069,
/// U+200E, U+200F, U+061C).
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
        )
}

/// Why a typed value is refused; the message names the character or the limit.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InputError {
    #[error("holds a control character ({})", .0.escape_unicode())]
    Unsafe(char),
    #[error("is {0} characters long; {1} at most")]
    TooLong(usize, usize),
}

/// The first unsafe character of `text`, as an error.
pub fn check_chars(text: &str) -> Result<(), InputError> {
    match text.chars().find(|c| is_unsafe_char(*c)) {
        Some(c) => Err(InputError::Unsafe(c)),
        None => Ok(()),
    }
}

/// An order number as typed or read from a file: no unsafe character, not absurdly long.
pub fn check_order_number(text: &str) -> Result<(), InputError> {
    check_chars(text)?;
    check_length(text, MAX_ORDER_NUMBER)
}

/// `text` has at most `max` characters.
pub fn check_length(text: &str, max: usize) -> Result<(), InputError> {
    let count = text.chars().count();
    if count > max {
        return Err(InputError::TooLong(count, max));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    /// SPEC §3: "Tracking numbers, carrier names and order numbers containing control characters
    /// are refused as input (exit 2)."
    #[rstest]
    #[case("#1001", Ok(()))]
    #[case("髙橋-1001", Ok(()))]
    #[case("#5001\u{1b}[2J", Err(InputError::Unsafe('\u{1b}')))]
    #[case("#5002\u{7}", Err(InputError::Unsafe('\u{7}')))]
    #[case("1001\0", Err(InputError::Unsafe('\0')))]
    #[case("1001\r", Err(InputError::Unsafe('\r')))]
    #[case("1001\n", Err(InputError::Unsafe('\n')))]
    #[case("1001\u{7f}", Err(InputError::Unsafe('\u{7f}')))]
    #[case("1001\u{9b}", Err(InputError::Unsafe('\u{9b}')))]
    #[case("\u{202e}1001", Err(InputError::Unsafe('\u{202e}')))]
    #[case("1001\u{2066}", Err(InputError::Unsafe('\u{2066}')))]
    fn order_numbers_refuse_control_characters(
        #[case] text: &str,
        #[case] expected: Result<(), InputError>,
    ) {
        assert_eq!(check_order_number(text), expected);
    }

    #[test]
    fn order_numbers_are_64_characters_at_most() {
        assert_eq!(check_order_number(&"9".repeat(64)), Ok(()));
        assert_eq!(
            check_order_number(&"9".repeat(65)),
            Err(InputError::TooLong(65, 64))
        );
    }
}
