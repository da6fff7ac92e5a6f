//! The one input gate for tracking numbers, carrier names and order numbers (SPEC §3 "Text that
//! reaches a terminal", issue 23): no control characters, no bidirectional overrides, no
//! invisible format characters or line separators (a number holding a zero-width space looks
//! right and goes to the store as free text that does not track), no absurd lengths, no more
//! than [`MAX_TRACKING_NUMBERS`] numbers an order. Pure checks, used wherever such a value
//! enters: the command line, the order file, carrier files, the console. (Pulled values come
//! from the store and are kept as it holds them, shown escaped.)

use thiserror::Error;

/// An order number (`#1001`, a カラーミー sale number, a carrier file's key) has at most this
/// many characters: Shopify allows names up to 255 but no shop's numbering comes near 64.
pub const MAX_ORDER_NUMBER: usize = 64;
/// One tracking number has at most this many characters (UPS's 18, USPS's 22 and S10's 13 fit).
pub const MAX_TRACKING_NUMBER: usize = 40;
/// The whole tracking field (several numbers, or free text like 定形外郵便) at most.
pub const MAX_TRACKING_FIELD: usize = 400;
/// Tracking numbers one order may carry (Shopify reads back 10 a fulfillment; a parcel count
/// beyond that is a file mistake, like 60 rows of one order).
pub const MAX_TRACKING_NUMBERS: usize = 10;

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

/// Whether `c` is invisible or breaks a line without being a control character: a format
/// character (Unicode category Cf — zero-width space, joiners, word joiner, soft hyphen, byte
/// order mark, …) or the line and paragraph separators (U+2028, U+2029).
pub fn is_invisible_char(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061c}'
            | '\u{06dd}'
            | '\u{070f}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08e2}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{110bd}'
            | '\u{110cd}'
            | '\u{13430}'..='\u{1343f}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0001}'
            | '\u{e0020}'..='\u{e007f}'
    )
}

/// Whether the gate refuses `c` in a tracking number, carrier name or order number.
pub fn is_refused_char(c: char) -> bool {
    is_unsafe_char(c) || is_invisible_char(c)
}

/// Why a typed value is refused; the message names the character or the limit.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InputError {
    #[error("holds a control character ({})", .0.escape_unicode())]
    Unsafe(char),
    #[error("holds an invisible character ({}): type it again without it", .0.escape_unicode())]
    Invisible(char),
    #[error("is {0} characters long; {1} at most")]
    TooLong(usize, usize),
    #[error("holds {0} tracking numbers; {1} at most an order")]
    TooMany(usize, usize),
}

/// The first character of `text` the gate refuses, as an error.
pub fn check_chars(text: &str) -> Result<(), InputError> {
    match text.chars().find(|c| is_refused_char(*c)) {
        Some(c) if is_unsafe_char(c) => Err(InputError::Unsafe(c)),
        Some(c) => Err(InputError::Invisible(c)),
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
