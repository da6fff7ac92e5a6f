//! Operator-facing words in Japanese and English: statuses, verdicts and the reasons an order is
//! not written. One catalog, so the command line and the console say the same thing.

use unicode_width::UnicodeWidthStr;

use crate::config::Language;
use crate::domain::{Carrier, Evaluation, OrderStatus, Reason, Verdict};

pub fn status(status: OrderStatus, lang: Language) -> &'static str {
    match lang {
        Language::Ja => status.label_ja(),
        Language::En => status.label_en(),
    }
}

pub fn carrier(carrier: &Carrier, lang: Language) -> &str {
    match lang {
        Language::Ja => carrier.label_ja(),
        Language::En => carrier.label_en(),
    }
}

pub fn verdict(verdict: Verdict, lang: Language) -> &'static str {
    match (lang, verdict) {
        (Language::Ja, Verdict::Pending) => "未送信",
        (Language::Ja, Verdict::Synced) => "送信済",
        (Language::Ja, Verdict::Waiting) => "伝票待ち",
        (Language::Ja, Verdict::Failed) => "失敗",
        (Language::Ja, Verdict::Ineligible) => "対象外",
        (Language::En, v) => v.code(),
    }
}

/// Why an order is not written, in plain words.
pub fn reason(reason: Reason, lang: Language) -> &'static str {
    match (lang, reason) {
        (Language::Ja, Reason::Status) => "ステータスが書出し対象外",
        (Language::Ja, Reason::BundleChild) => "同梱の子注文",
        (Language::Ja, Reason::TooOld) => "注文日が1年より前",
        (Language::Ja, Reason::OutsidePeriod) => "受注更新日時が作成期間外",
        (Language::Ja, Reason::NoShippedDate) => "出荷日が未入力",
        (Language::Ja, Reason::NoTracking) => "伝票番号が未入力",
        (Language::En, Reason::Status) => "status not exported",
        (Language::En, Reason::BundleChild) => "bundle child",
        (Language::En, Reason::TooOld) => "ordered over a year ago",
        (Language::En, Reason::OutsidePeriod) => "last change outside the period",
        (Language::En, Reason::NoShippedDate) => "no shipped date",
        (Language::En, Reason::NoTracking) => "no tracking number",
    }
}

/// One short line explaining a verdict: the reasons, the store's error, or what will be written.
pub fn explain(e: &Evaluation, lang: Language) -> String {
    match e.verdict {
        Verdict::Ineligible => e
            .reasons
            .iter()
            .map(|r| reason(*r, lang))
            .collect::<Vec<_>>()
            .join(if lang == Language::Ja { "・" } else { ", " }),
        Verdict::Failed => e.error.clone().unwrap_or_default(),
        Verdict::Waiting => match lang {
            Language::Ja => "伝票番号の入力待ち".into(),
            Language::En => "waiting for a tracking number".into(),
        },
        Verdict::Pending | Verdict::Synced => match (e.delivered, lang) {
            (Some(true), Language::Ja) => "伝票番号・配送済み".into(),
            (Some(false), Language::Ja) => "伝票番号のみ (配送済みにしない)".into(),
            (Some(true), Language::En) => "slip number, delivered".into(),
            (Some(false), Language::En) => "slip number only (not delivered)".into(),
            (None, Language::Ja) => "伝票番号・配送会社 (発送済み)".into(),
            (None, Language::En) => "tracking and carrier (fulfilled)".into(),
        },
    }
}

/// Pads or cuts `text` to exactly `width` terminal cells (full-width characters take two).
pub fn fit(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = UnicodeWidthStr::width(c.encode_utf8(&mut [0; 4]) as &str);
        if used + w > width {
            if used < width {
                // Mark the cut where there is room for it.
                out.pop();
                out.push('…');
            }
            break;
        }
        out.push(c);
        used += w;
    }
    let used = UnicodeWidthStr::width(out.as_str());
    out.push_str(&" ".repeat(width.saturating_sub(used)));
    out
}
