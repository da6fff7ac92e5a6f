//! Text on a terminal: fitted to cells (`fit`, `clip`, `wrap`, the key bar) and made safe
//! (`visible`, `visible_lines`: control characters from any source shown escaped, SPEC §3).

use unicode_width::UnicodeWidthStr;

/// Pads or cuts `text` to exactly `width` terminal cells (full-width characters take two).
pub fn fit(text: &str, width: usize) -> String {
    // Escaped before it is cut, so a cut never leaves an escape sequence open. Most text has
    // nothing to escape, and the console fits every cell of every frame: no copy then.
    let escaped;
    let text = if text.chars().any(is_unsafe_char) {
        escaped = visible(text);
        escaped.as_str()
    } else {
        text
    };
    // Widths are measured on the string, never summed per character: a sequence can be wider
    // than its parts (`0` + U+FE0F is two cells), and a fitted cell must be exactly `width`.
    let measure = |s: &str| UnicodeWidthStr::width(s);
    let mut out = String::new();
    if measure(text) <= width {
        out.push_str(text);
    } else {
        // Cut: the longest start that fits with the `…` that says so (one cell). Only a bounded
        // start is looked at, so text of many zero-width characters costs no more than a line.
        let room = width.saturating_sub(1);
        for c in text.chars().take(width.saturating_mul(4) + 16) {
            out.push(c);
            if measure(&out) > room {
                out.pop();
                break;
            }
        }
        while measure(&out) > room && out.pop().is_some() {}
        if width > 0 {
            out.push('…');
        }
    }
    let used = measure(&out);
    out.push_str(&" ".repeat(width.saturating_sub(used)));
    out
}

/// `text` in `width` cells at most: whole if it fits, else cut before the last word that does not
/// fit (at a character for text without spaces, as Japanese is) and ended with `…`.
/// `text` within `width` cells keeping its end (what is being typed): its start becomes `…`.
pub fn clip_start(text: &str, width: usize) -> String {
    if UnicodeWidthStr::width(text) <= width {
        return text.to_owned();
    }
    let room = width.saturating_sub(1);
    let mut kept: Vec<char> = Vec::new();
    let mut used = 0;
    for c in text.chars().rev() {
        let w = UnicodeWidthStr::width(c.encode_utf8(&mut [0; 4]) as &str);
        if used + w > room {
            break;
        }
        kept.push(c);
        used += w;
    }
    let tail: String = kept.into_iter().rev().collect();
    format!("…{tail}")
}

pub fn clip(text: &str, width: usize) -> String {
    if UnicodeWidthStr::width(text) <= width {
        return text.to_owned();
    }
    let room = width.saturating_sub(1);
    let mut out = String::new();
    let mut used = 0;
    let mut last_space = None;
    for c in text.chars() {
        let w = UnicodeWidthStr::width(c.encode_utf8(&mut [0; 4]) as &str);
        if used + w > room {
            break;
        }
        if c == ' ' {
            last_space = Some(out.len());
        }
        out.push(c);
        used += w;
    }
    // Never mid-word: back to the last space when there is one in the second half.
    if let Some(at) = last_space.filter(|at| *at > out.len() / 2) {
        out.truncate(at);
    }
    let trimmed = out.trim_end().to_owned();
    format!("{trimmed}…")
}

/// `text` in lines of `width` cells at most, broken after a space where one falls in the
/// second half of the line (text without spaces, as Japanese is, breaks at a character).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(2);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = UnicodeWidthStr::width(c.encode_utf8(&mut [0; 4]) as &str);
        if used + w > width && c == ' ' {
            // The line ends exactly at a word: the space goes.
            lines.push(std::mem::take(&mut line));
            used = 0;
            continue;
        }
        if used + w > width {
            let cut = line
                .rfind(' ')
                .filter(|at| UnicodeWidthStr::width(&line[..*at]) > width / 2);
            match cut {
                Some(at) => {
                    let rest = line[at + 1..].to_owned();
                    line.truncate(at);
                    lines.push(std::mem::take(&mut line));
                    line = rest;
                }
                None => lines.push(std::mem::take(&mut line)),
            }
            used = UnicodeWidthStr::width(line.as_str());
        }
        line.push(c);
        used += w;
    }
    lines.push(line);
    lines
}

pub use crate::domain::input::is_unsafe_char;

/// `text` for a plain-text line: every unsafe character escaped as in [`visible`] except the
/// line breaks the message itself is made of. Borrowed when there is nothing to escape.
pub fn visible_lines(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_unsafe_char(c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let pieces: Vec<String> = text.split('\n').map(visible).collect();
    std::borrow::Cow::Owned(pieces.join("\n"))
}

/// Text from a file, a store or an operator made safe for a terminal (SPEC §3 "Text that reaches
/// a terminal"): control characters and bidirectional overrides shown escaped (`\x1b`,
/// `\u{202e}`), never raw.
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_unsafe_char(c) {
            if (c as u32) < 0x80 {
                out.push_str(&format!("\\x{:02x}", c as u32));
            } else {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A key bar of `width` cells at most: the `keys` in priority order while they fit, then
/// `always` (help and quit) which are never dropped; `…` says keys were left out. Keys are never
/// cut in the middle.
pub fn key_bar(keys: &[(&str, &str)], always: &[(&str, &str)], width: usize) -> String {
    let item = |(key, what): &(&str, &str)| format!("{key} {what}");
    let tail: Vec<String> = always.iter().map(item).collect();
    let tail = tail.join("  ");
    let room = width.saturating_sub(UnicodeWidthStr::width(tail.as_str()) + 4);
    let mut shown: Vec<String> = Vec::new();
    let mut used = 0;
    let mut cut = false;
    for key in keys {
        let text = item(key);
        let w = UnicodeWidthStr::width(text.as_str()) + 2;
        if cut || used + w > room {
            cut = true;
            continue;
        }
        used += w;
        shown.push(text);
    }
    let mut bar = shown.join("  ");
    if cut {
        bar.push_str("  …");
    }
    if !bar.is_empty() {
        bar.push_str("  ");
    }
    bar.push_str(&tail);
    bar
}

#[cfg(test)]
mod key_bar_tests {
    use super::*;

    /// Found by `tests/fuzz.rs`: `0` followed by U+FE0F is two cells, not one; a fitted cell
    /// measured per character came out one cell too wide.
    #[test]
    fn a_fitted_cell_is_exactly_its_width_whatever_the_sequences() {
        for (text, width) in [
            ("\u{b}\0\u{fe0f}0 ", 9),
            ("0\u{fe0f}0\u{fe0f}0\u{fe0f}", 4),
            ("注文0\u{fe0f}番号", 5),
            ("abc", 3),
            ("abcd", 3),
        ] {
            let fitted = fit(text, width);
            assert_eq!(
                UnicodeWidthStr::width(fitted.as_str()),
                width,
                "{text:?} → {fitted:?}"
            );
        }
        assert_eq!(fit("abcd", 3), "ab…");
        assert_eq!(fit("ab", 3), "ab ");
    }

    #[test]
    fn control_characters_are_shown_escaped() {
        assert_eq!(
            visible("#5002\u{1b}]0;pwned\u{7}"),
            "#5002\\x1b]0;pwned\\x07"
        );
        assert_eq!(visible("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(visible("髙橋 ①"), "髙橋 ①");
    }

    #[test]
    fn wrap_breaks_between_words_within_the_width() {
        assert_eq!(
            wrap("shopify #1003: fulfillment order is on hold", 20),
            ["shopify #1003:", "fulfillment order is", "on hold"]
        );
        for line in wrap("伝票番号・配送会社を書き込みました。発送済みにしました", 10)
        {
            assert!(UnicodeWidthStr::width(line.as_str()) <= 10, "{line}");
        }
    }

    #[test]
    fn clip_cuts_between_words_and_says_so() {
        assert_eq!(clip("watch off · no mails", 40), "watch off · no mails");
        assert_eq!(clip("sync every 30m · next 12:30", 20), "sync every 30m ·…");
        assert_eq!(clip("伝票番号・配送会社 (発送済み)", 12), "伝票番号・…");
        assert!(UnicodeWidthStr::width(clip("伝票番号・配送会社", 7).as_str()) <= 7);
    }

    #[test]
    fn keeps_help_and_quit_and_marks_what_it_left_out() {
        let keys = [
            ("s", "sync"),
            ("d", "dry run"),
            ("p", "pull"),
            ("o", "settings"),
        ];
        let always = [("?", "help"), ("q", "quit")];
        let bar = key_bar(&keys, &always, 80);
        assert_eq!(bar, "s sync  d dry run  p pull  o settings  ? help  q quit");
        let bar = key_bar(&keys, &always, 37);
        assert_eq!(bar, "s sync  d dry run  …  ? help  q quit");
        assert!(UnicodeWidthStr::width(bar.as_str()) <= 37);
        let bar = key_bar(&keys, &always, 10);
        assert!(bar.ends_with("? help  q quit"), "{bar}");
    }

    #[test]
    fn counts_japanese_as_two_cells() {
        let keys = [("s", "今すぐ更新"), ("d", "確認")];
        let always = [("?", "ヘルプ"), ("q", "終了")];
        let bar = key_bar(&keys, &always, 30);
        assert!(UnicodeWidthStr::width(bar.as_str()) <= 30, "{bar}");
        assert!(bar.contains('…'), "{bar}");
    }
}
