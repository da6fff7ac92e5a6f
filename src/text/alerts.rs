//! What an alert says (SPEC §3 "Health and alerts"), in the shop's language: one summary line
//! per event, the mail's subject, and the console's log line about a delivery. Causes are said in
//! the catalog's words, never the store's (which could carry a customer's details).

use crate::domain::Language;
use crate::domain::Store;
use crate::domain::alert::{AlertEvent, Condition};

use super::{cause_words, store};

/// One event's name in words.
pub fn event_words(event: AlertEvent, lang: Language) -> &'static str {
    let (ja, en) = match event {
        AlertEvent::RunFailed => ("自動更新の失敗", "scheduled run failed"),
        AlertEvent::OrdersFailed => ("書込に失敗した注文", "orders failed"),
        AlertEvent::MailRefused => ("発送メールの拒否", "shipping mail refused"),
        AlertEvent::Stale => ("書込待ちが長い注文", "orders waiting too long"),
        AlertEvent::Drift => ("ストアとの食い違い", "store differs"),
        AlertEvent::Recovered => ("回復", "recovered"),
        AlertEvent::Test => ("テスト", "test"),
    };
    if lang == Language::Ja { ja } else { en }
}

/// `1 order`, `3 orders`.
fn orders(n: u64) -> String {
    if n == 1 {
        "1 order".to_owned()
    } else {
        format!("{n} orders")
    }
}

/// The summary of a condition that now holds.
pub fn raised(channel: Store, c: &Condition, lang: Language) -> String {
    let shop = store(channel, lang);
    let ja = lang == Language::Ja;
    let n = c.count;
    match (c.event, ja) {
        (AlertEvent::RunFailed, true) => match c.cause {
            Some(cause) => format!(
                "{shop}: 発送情報の自動更新が失敗しました — {} ({n}回連続)",
                cause_words(cause, lang)
            ),
            None => format!("{shop}: 発送情報の自動更新が間隔3回分 成功していません"),
        },
        (AlertEvent::RunFailed, false) => match c.cause {
            Some(cause) => format!(
                "{shop}: the scheduled sync failed — {} ({n} in a row)",
                cause_words(cause, lang)
            ),
            None => format!("{shop}: no scheduled sync has succeeded in three intervals"),
        },
        (AlertEvent::OrdersFailed, true) => format!("{shop}: 書込に失敗した注文が {n}件あります"),
        (AlertEvent::OrdersFailed, false) => format!("{shop}: {} failed to be written", orders(n)),
        (AlertEvent::MailRefused, true) => {
            format!("{shop}: 発送メールをストアが拒否した注文が {n}件あります")
        }
        (AlertEvent::MailRefused, false) => {
            format!(
                "{shop}: the store refused the shipping mail of {}",
                orders(n)
            )
        }
        (AlertEvent::Stale, true) => {
            format!("{shop}: 書込待ちのまま時間が経った注文が {n}件あります")
        }
        (AlertEvent::Stale, false) => {
            format!("{shop}: {} waited too long to be written", orders(n))
        }
        (AlertEvent::Drift, true) => {
            format!("{shop}: ストアの値が hassou と違う注文が {n}件あります")
        }
        (AlertEvent::Drift, false) => {
            format!("{shop}: the store differs from hassou for {}", orders(n))
        }
        (AlertEvent::Recovered | AlertEvent::Test, _) => test(channel, lang),
    }
}

/// The summary of a condition that cleared.
pub fn recovered(channel: Store, cleared: AlertEvent, lang: Language) -> String {
    let shop = store(channel, lang);
    match lang {
        Language::Ja => format!("{shop}: 回復しました — {}", event_words(cleared, lang)),
        Language::En => format!("{shop}: recovered — {}", event_words(cleared, lang)),
    }
}

/// `hassou alerts test`.
pub fn test(channel: Store, lang: Language) -> String {
    let shop = store(channel, lang);
    match lang {
        Language::Ja => format!("{shop}: hassou のテスト通知です (対応は不要です)"),
        Language::En => format!("{shop}: a test alert from hassou (nothing to do)"),
    }
}

/// A mail's subject.
pub fn subject(summary: &str) -> String {
    format!("[hassou] {summary}")
}

/// A mail's or a Slack message's text: the summary, the orders, when and where.
pub fn body(
    summary: &str,
    orders: &[String],
    count: u64,
    at: &str,
    host: &str,
    lang: Language,
) -> String {
    let mut text = summary.to_owned();
    if !orders.is_empty() {
        let more = count.saturating_sub(orders.len() as u64);
        let list = orders.join(" ");
        text.push('\n');
        text.push_str(&match (lang, more) {
            (Language::Ja, 0) => format!("注文: {list}"),
            (Language::Ja, more) => format!("注文: {list} ほか {more}件"),
            (Language::En, 0) => format!("orders: {list}"),
            (Language::En, more) => format!("orders: {list} and {more} more"),
        });
    }
    text.push('\n');
    text.push_str(&match lang {
        Language::Ja => format!("{at} · {host}"),
        Language::En => format!("{at} · {host}"),
    });
    text
}

/// The console's log line about an alert that went out, or that hassou gave up on.
pub fn delivery(destination: &str, summary: &str, delivered: bool, lang: Language) -> String {
    match (lang, delivered) {
        (Language::Ja, true) => format!("通知を送りました ({destination}): {summary}"),
        (Language::Ja, false) => {
            format!("通知を送れませんでした ({destination}, 1時間再試行): {summary}")
        }
        (Language::En, true) => format!("alert sent ({destination}): {summary}"),
        (Language::En, false) => {
            format!("alert not delivered ({destination}, retried for an hour): {summary}")
        }
    }
}

/// A destination that keeps failing, for `status`.
pub fn destination_trouble(
    destination: &str,
    waiting: u64,
    given_up: u64,
    lang: Language,
) -> String {
    match lang {
        Language::Ja => {
            format!("通知先 {destination}: 未送信 {waiting}件 · 断念 {given_up}件 (24時間)")
        }
        Language::En => {
            format!("alerts to {destination}: {waiting} waiting · {given_up} given up (24h)")
        }
    }
}
