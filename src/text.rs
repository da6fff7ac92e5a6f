//! Operator-facing words in Japanese and English: statuses, verdicts and the reasons an order is
//! not written. One catalog, so the command line and the console say the same thing.

use crate::domain::Channel;
use crate::domain::Language;
use crate::domain::{Carrier, Cause, Evaluation, OrderStatus, Problem, Reason, Store, Verdict};

pub mod alerts;
mod cli;
mod commands;
pub mod import_report;
mod phrase;
mod say;
pub use cli::Tell;
pub use commands::command_error;
pub use say::{Say, run_counts};
pub mod schedule;
pub mod settings;
mod terminal;
pub use phrase::Phrase;
pub use terminal::{clip, clip_start, fit, is_unsafe_char, key_bar, visible, visible_lines, wrap};

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
        (Language::Ja, Verdict::Drift) => "食違い",
        (Language::En, v) => v.code(),
    }
}

/// A store's state of an order, as read back (`StoreReading::status`), in words; a code the
/// catalog does not know is shown as the store gave it.
pub fn store_status(code: &str, lang: Language) -> String {
    let words = match (code, lang) {
        ("delivered" | "FULFILLED" | "shipped", Language::Ja) => "発送済み",
        ("delivered" | "FULFILLED" | "shipped", Language::En) => "shipped",
        ("not_delivered" | "UNFULFILLED" | "not_shipped", Language::Ja) => "未発送",
        ("not_delivered" | "UNFULFILLED" | "not_shipped", Language::En) => "not shipped",
        ("PARTIALLY_FULFILLED", Language::Ja) => "一部発送済み",
        ("PARTIALLY_FULFILLED", Language::En) => "partly shipped",
        ("canceled", Language::Ja) => "キャンセル",
        ("canceled", Language::En) => "cancelled",
        (other, _) => return visible(other),
    };
    words.to_owned()
}

/// A drift's kind in words, with what settles it.
pub fn drift_kind(kind: crate::domain::drift::DriftKind, lang: Language) -> &'static str {
    use crate::domain::drift::DriftKind as K;
    match (lang, kind) {
        (Language::Ja, K::StoreDiffers) => {
            "ストアの伝票番号・配送会社が hassou の送った値と違います (管理画面で修正された)"
        }
        (Language::Ja, K::FulfilledElsewhere) => {
            "hassou の送っていない値でストアが発送済みにしています"
        }
        (Language::Ja, K::MissingInStore) => {
            "hassou の送った値がストアにありません (発送の取消・伝票番号の削除)"
        }
        (Language::Ja, K::CancelledInStore) => "ストアで注文がキャンセルされています",
        (Language::Ja, K::NotWritten) => "hassou で送信待ち・失敗のまま stale_after を過ぎています",
        (Language::En, K::StoreDiffers) => {
            "the store holds other tracking or carrier than hassou sent (changed in its admin)"
        }
        (Language::En, K::FulfilledElsewhere) => {
            "the store is fulfilled with tracking hassou never sent"
        }
        (Language::En, K::MissingInStore) => {
            "the store no longer holds what hassou sent (fulfillment cancelled, slip cleared)"
        }
        (Language::En, K::CancelledInStore) => "the store cancelled the order",
        (Language::En, K::NotWritten) => "pending or failed in hassou for longer than stale_after",
    }
}

/// What settling a drift does, by kind: the advice `reconcile` and the detail give.
pub fn drift_advice(kind: crate::domain::drift::DriftKind, number: &str, lang: Language) -> String {
    use crate::domain::drift::DriftKind as K;
    let n = visible(number);
    match (lang, kind) {
        (Language::Ja, K::NotWritten) => {
            format!("更新を実行してください (s / hassou sync)。失敗の理由は hassou order {n} show")
        }
        (Language::En, K::NotWritten) => {
            format!("run a sync (s / hassou sync); why it failed: hassou order {n} show")
        }
        (Language::Ja, K::CancelledInStore) => format!(
            "受注を取り込み直すか (pull)、store の値を採用: hassou order {n} resolve --store-values"
        ),
        (Language::Ja, _) => format!(
            "hassou の値を送り直す: hassou order {n} resolve --ours / ストアの値を採用: hassou order {n} resolve --store-values"
        ),
        (Language::En, K::CancelledInStore) => format!(
            "pull again, or take the store's state: hassou order {n} resolve --store-values"
        ),
        (Language::En, _) => format!(
            "send hassou's values again: hassou order {n} resolve --ours / take the store's: hassou order {n} resolve --store-values"
        ),
    }
}

/// Why an order is not written, in plain words.
pub fn reason(reason: Reason, lang: Language) -> &'static str {
    match (lang, reason) {
        (Language::Ja, Reason::Held) => "保留中 (書込まない)",
        (Language::Ja, Reason::Status) => "ステータスが書出し対象外",
        (Language::Ja, Reason::BundleChild) => "同梱の子注文",
        (Language::Ja, Reason::TooOld) => "注文日が1年より前",
        (Language::Ja, Reason::OutsidePeriod) => "受注更新日時が作成期間外",
        (Language::Ja, Reason::NoShippedDate) => "出荷日が未入力",
        (Language::Ja, Reason::NoTracking) => "伝票番号が未入力",
        (Language::En, Reason::Held) => "held (not written)",
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
        // The kind first, in the catalog's words; the store's own words after it.
        Verdict::Failed => match &e.error {
            Some(words) => format!(
                "{}: {}",
                cause_words(e.cause.unwrap_or(Cause::Refused), lang),
                visible(words)
            ),
            None => cause_words(e.cause.unwrap_or(Cause::Refused), lang).to_owned(),
        },
        Verdict::Drift => match lang {
            Language::Ja => "ストア側で変更あり — 解決するまで書込みません".into(),
            Language::En => "changed at the store — not written until settled".into(),
        },
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

/// What a store holds, in words: the numbers, the carrier, shipped or not.
pub fn held(write: &crate::domain::ShippingWrite, lang: Language) -> String {
    use crate::domain::ShippingWrite;
    let ja = lang == Language::Ja;
    match write {
        ShippingWrite::Shopify { tracking, carrier } => {
            let carrier = carrier
                .as_ref()
                .map(|c| self::carrier(c, lang).to_owned())
                .unwrap_or_else(|| "—".into());
            if ja {
                format!("{} ({carrier}) 発送済み", tracking.join(", "))
            } else {
                format!("{} ({carrier}) fulfilled", tracking.join(", "))
            }
        }
        ShippingWrite::Colorme { slips, delivered } => {
            let state = match (delivered, ja) {
                (true, true) => "配送済み",
                (false, true) => "未配送",
                (true, false) => "delivered",
                (false, false) => "not delivered",
            };
            format!("{} {state}", slips.join(", "))
        }
    }
}

/// オン / オフ, in the operator's language.
pub fn on_off(on: bool, lang: Language) -> &'static str {
    if on {
        Phrase::On.get(lang)
    } else {
        Phrase::Off.get(lang)
    }
}

/// A store's health in words: the state, then why (most serious first).
pub fn health(h: &crate::domain::health::Health, lang: Language) -> String {
    use crate::domain::health::{HealthReason, HealthState};
    let ja = lang == Language::Ja;
    let state = match (h.state, ja) {
        (HealthState::Ok, true) => "正常",
        (HealthState::Ok, false) => "ok",
        (HealthState::Degraded, true) => "一部に問題",
        (HealthState::Degraded, false) => "degraded",
        (HealthState::Failing, true) => "停止中",
        (HealthState::Failing, false) => "failing",
    };
    let reasons: Vec<String> = h
        .reasons
        .iter()
        .map(|r| match (r, ja) {
            (HealthReason::RunStopped { cause, in_a_row }, true) => {
                format!("{} ({in_a_row}回連続)", cause_words(*cause, lang))
            }
            (HealthReason::RunStopped { cause, in_a_row }, false) => {
                format!("{} ({in_a_row} in a row)", cause_words(*cause, lang))
            }
            (HealthReason::NoRecentSuccess, true) => "間隔3回分 成功なし".to_owned(),
            (HealthReason::NoRecentSuccess, false) => "no success in 3 intervals".to_owned(),
            (HealthReason::OrdersFailed { count }, true) => format!("失敗 {count}件"),
            (HealthReason::OrdersFailed { count }, false) => format!("{count} failed"),
            (HealthReason::MailsRefused { count }, true) => format!("メール拒否 {count}件"),
            (HealthReason::MailsRefused { count }, false) => format!("{count} mails refused"),
            (HealthReason::Drift { count }, true) => format!("食違い {count}件"),
            (HealthReason::Drift { count }, false) => format!("{count} drift"),
            (HealthReason::Stale { waited_minutes }, true) => {
                format!(
                    "書込待ち {}",
                    schedule::every(std::time::Duration::from_secs(waited_minutes * 60))
                )
            }
            (HealthReason::Stale { waited_minutes }, false) => {
                format!(
                    "waiting {}",
                    schedule::every(std::time::Duration::from_secs(waited_minutes * 60))
                )
            }
        })
        .collect();
    if reasons.is_empty() {
        state.to_owned()
    } else {
        format!("{state}: {}", reasons.join(" · "))
    }
}

/// How to get a working token again for this store, in the operator's language.
pub fn sign_in_again(store: Store, lang: Language) -> &'static str {
    advice(Cause::TokenRejected, Some(store), lang).unwrap_or_default()
}

/// A kind of failure in the catalog's words: what every error the operator sees begins with.
pub fn cause_words(cause: Cause, lang: Language) -> &'static str {
    let (ja, en) = match cause {
        Cause::Database => ("データベースのエラー", "database error"),
        Cause::OrderGone => ("注文がありません (削除済み)", "the order is gone (deleted)"),
        Cause::File => ("ファイルを読めません", "cannot read the file"),
        Cause::EditConflict => (
            "保存していません: 読んだあとで他の人が変更しました",
            "not saved: someone else changed it since it was read",
        ),
        Cause::Unreachable => ("ストアに接続できません", "the store could not be reached"),
        Cause::TokenRejected => ("トークンが拒否されました", "the store refused the token"),
        Cause::Uncertain => ("結果不明", "outcome unknown"),
        Cause::OnHold => ("保留中の注文", "the order is on hold"),
        Cause::Closed => ("注文は閉じています", "the order is closed"),
        Cause::Cancelled => ("キャンセル済みの注文", "the order is cancelled"),
        Cause::Refused => ("ストアが拒否しました", "refused by the store"),
    };
    if lang == Language::Ja { ja } else { en }
}

/// What to do about a failure of this kind, in the operator's language (`None`: the words say
/// it all). Chosen by the kind alone, never by the text of a message.
pub fn advice(cause: Cause, channel: Option<Store>, lang: Language) -> Option<&'static str> {
    let ja = lang == Language::Ja;
    Some(match (cause, channel.map(Store::channel)) {
        (Cause::TokenRejected, Some(Channel::Shopify)) => {
            if ja {
                "トークンが無効です (取り消されたか権限不足)。Shopify のアプリ設定でアクセストークンを作り直し、[shopify] access_token か HASSOU_SHOPIFY_TOKEN に設定してください"
            } else {
                "the token was revoked or lacks a scope: make a new access token in the Shopify app's settings and put it in [shopify] access_token or HASSOU_SHOPIFY_TOKEN"
            }
        }
        (Cause::TokenRejected, _) => {
            if ja {
                "トークンが無効です (取り消されたか期限切れ)。hassou auth colorme でサインインし直してください"
            } else {
                "the token was revoked or expired: sign in again with hassou auth colorme"
            }
        }
        (Cause::OnHold, _) => {
            if ja {
                "Shopify の管理画面でこの注文の保留を解除してから、もう一度更新してください"
            } else {
                "release the hold on this order in Shopify's admin, then sync again"
            }
        }
        (Cause::Unreachable, _) => {
            if ja {
                "ネットワークと接続先 URL を確認し、しばらくしてからもう一度"
            } else {
                "check the network and the store's address, then try again later"
            }
        }
        (Cause::Closed | Cause::Cancelled, _) => {
            if ja {
                "ストアの管理画面で注文を確認してください"
            } else {
                "check the order in the store's admin"
            }
        }
        (Cause::Uncertain, _) => {
            if ja {
                "次の更新はストアを読んでから送ります (二度は書きません)"
            } else {
                "the next sync reads the store before sending anything (never written twice)"
            }
        }
        (Cause::Database, _) => {
            if ja {
                "データベースの接続先と空き容量を確認してください (何も送っていません)"
            } else {
                "check the database's address and free space (nothing was sent)"
            }
        }
        (Cause::EditConflict, _) => {
            if ja {
                "入力は残っています。Esc で閉じて開き直すと相手の変更が見えます"
            } else {
                "what you typed is kept; Esc and open the order again to see their change"
            }
        }
        (Cause::OrderGone | Cause::File | Cause::Refused, _) => return None,
    })
}

/// What a failure is about: the store, and its host when known.
#[derive(Debug, Clone, Copy, Default)]
pub struct At<'a> {
    pub store: Option<Store>,
    pub host: Option<&'a str>,
}

impl<'a> At<'a> {
    pub fn store(store: Store, host: Option<&'a str>) -> At<'a> {
        At {
            store: Some(store),
            host,
        }
    }
}

/// A failure in one line: its kind in the catalog's words (with the store's host when the
/// store was out of reach or refused the token), the words of whoever failed (kept inside the
/// line), and what to do.
pub fn failure(cause: Cause, words: &str, at: At, lang: Language) -> String {
    let channel = at.store;
    let head = match (cause, at.host) {
        (Cause::Unreachable | Cause::TokenRejected, Some(host)) => {
            format!("{} ({host})", cause_words(cause, lang))
        }
        _ => cause_words(cause, lang).to_owned(),
    };
    let words = visible(words);
    let line = if words.is_empty() {
        head
    } else {
        format!("{head}: {words}")
    };
    match advice(cause, channel, lang) {
        Some(advice) => format!("{line} → {advice}"),
        None => line,
    }
}

/// A [`Problem`] in one line, as [`failure`].
pub fn problem(problem: &Problem, at: At, lang: Language) -> String {
    failure(problem.cause, &problem.words, at, lang)
}

/// A write in plain words: the numbers, the carrier as the store receives it, whether the
/// order becomes shipped, whether the customer is notified.
pub fn planned(p: &crate::sync::PlannedWrite, lang: Language) -> String {
    let ja = lang == Language::Ja;
    let mut parts = vec![p.numbers.join(", ")];
    if let Some(company) = &p.company {
        parts.push(company.clone());
    }
    parts.push(
        match (p.marks_shipped, ja) {
            (true, true) => "発送済みにする",
            (false, true) => "発送状態は変えない",
            (true, false) => "marks it shipped",
            (false, false) => "shipped state unchanged",
        }
        .to_owned(),
    );
    parts.push(
        match (p.notifies, ja) {
            (true, true) => "お客様に通知",
            (false, true) => "通知なし",
            (true, false) => "notifies the customer",
            (false, false) => "no notification",
        }
        .to_owned(),
    );
    parts.join(" · ")
}

/// An attempt's recorded outcome in words (`None`: no answer was recorded).
pub fn attempt_outcome(code: Option<&str>, lang: Language) -> &'static str {
    let ja = lang == Language::Ja;
    match (code, ja) {
        (Some("fulfilled"), true) => "発送済みにしました",
        (Some("fulfilled"), false) => "fulfilled",
        (Some("tracking_updated"), true) => "伝票番号を更新しました",
        (Some("tracking_updated"), false) => "tracking updated",
        (Some("slip_updated"), true) => "伝票番号を書き込みました",
        (Some("slip_updated"), false) => "slip written",
        (Some("delivered"), true) => "配送済みにしました",
        (Some("delivered"), false) => "marked delivered",
        (Some("already_synced"), true) => "反映済みでした",
        (Some("already_synced"), false) => "already held",
        (Some("unreachable"), true) => "接続できませんでした (何も変わっていません)",
        (Some("unreachable"), false) => "not reached (nothing changed)",
        (Some("token_rejected"), true) => "トークンが拒否されました",
        (Some("token_rejected"), false) => "the token was refused",
        (Some("failed"), true) => "拒否されました",
        (Some("failed"), false) => "refused",
        (Some("unknown"), true) => "結果不明 (次回はストアを読んでから)",
        (Some("unknown"), false) => "outcome unknown (the store is read before any resend)",
        (None, true) => "応答なし (中断)",
        (None, false) => "no answer (interrupted)",
        (Some(_), true) => "記録あり",
        (Some(_), false) => "recorded",
    }
}

/// What a run did to one order, in words.
pub fn outcome_word(outcome: crate::sync::ResultOutcome, lang: Language) -> &'static str {
    use crate::sync::ResultOutcome;
    match (outcome, lang == Language::Ja) {
        (ResultOutcome::Fulfilled, true) => "発送済みにしました",
        (ResultOutcome::TrackingUpdated, true) => "伝票番号を更新しました",
        (ResultOutcome::SlipUpdated, true) => "伝票番号を書き込みました",
        (ResultOutcome::Delivered, true) => "配送済みにしました",
        (ResultOutcome::AlreadySynced, true) => "反映済み",
        (ResultOutcome::Waiting, true) => "伝票待ち",
        (ResultOutcome::Failed, true) => "失敗",
        (ResultOutcome::WouldWrite, true) => "送信予定",
        (ResultOutcome::NotReached, true) => "未処理",
        (ResultOutcome::Fulfilled, false) => "fulfilled",
        (ResultOutcome::TrackingUpdated, false) => "tracking updated",
        (ResultOutcome::SlipUpdated, false) => "slip written",
        (ResultOutcome::Delivered, false) => "marked delivered",
        (ResultOutcome::AlreadySynced, false) => "already synced",
        (ResultOutcome::Waiting, false) => "waiting",
        (ResultOutcome::Failed, false) => "failed",
        (ResultOutcome::WouldWrite, false) => "would write",
        (ResultOutcome::NotReached, false) => "not reached",
    }
}

/// The summary line of a sync run (`hassou sync`).
pub fn run_summary(r: &crate::sync::RunReport, lang: Language) -> String {
    let line = run_counts_line(r, lang);
    match (r.mail_refused, lang) {
        (0, _) => line,
        (n, Language::Ja) => format!(
            "{line}\n発送メール {n}件がストアに拒否され、送信されていません（hassou order 番号 send-mail で送信）"
        ),
        (n, Language::En) => format!(
            "{line}\n{n} shipping mails were refused by the store and not sent (send with hassou order NUMBER send-mail)"
        ),
    }
}

fn run_counts_line(r: &crate::sync::RunReport, lang: Language) -> String {
    match lang {
        Language::Ja => format!(
            "{}{}: 対象 {}件、送信予定 {}件、書込 {}件、反映済み {}件、伝票待ち {}件、失敗 {}件{}",
            r.channel,
            if r.dry_run { " (確認のみ)" } else { "" },
            r.considered,
            r.pending,
            r.written,
            r.already_synced,
            r.waiting,
            r.failed,
            if r.cancelled {
                " — 中断しました。残りは未送信のままです"
            } else {
                ""
            },
        ),
        Language::En => format!(
            "{}{}: considered {}, pending {}, written {}, already synced {}, waiting {}, failed {}{}",
            r.channel,
            if r.dry_run { " (dry run)" } else { "" },
            r.considered,
            r.pending,
            r.written,
            r.already_synced,
            r.waiting,
            r.failed,
            if r.cancelled {
                " — cancelled, the rest stay pending"
            } else {
                ""
            },
        ),
    }
}

/// The summary line of a pull (`hassou pull`).
pub fn pull_summary(
    channel: crate::domain::Store,
    days: u32,
    s: &crate::db::PullSummary,
    lang: Language,
) -> String {
    match lang {
        Language::Ja => format!(
            "{channel}: 直近{days}日に変更された注文 {}件を取得: 新規 {}件、キャンセル {}件、入金 {}件、変更なし {}件",
            s.pulled, s.new, s.cancelled, s.paid, s.unchanged
        ),
        Language::En => format!(
            "{channel}: pulled {} orders changed in the last {days} days: {} new, {} cancelled, {} paid, {} unchanged",
            s.pulled, s.new, s.cancelled, s.paid, s.unchanged
        ),
    }
}

/// A hold in words: who, when (shop time) and why.
pub fn hold(h: &crate::domain::Hold, tz: crate::domain::ShopTimeZone, lang: Language) -> String {
    let at = h.at.with_timezone(&tz.offset()).format("%Y-%m-%d %H:%M");
    let why = if h.reason.is_empty() {
        String::new()
    } else {
        format!(" — {}", visible(&h.reason))
    };
    match lang {
        Language::Ja => format!("保留中: {} ({at}){why}", visible(&h.by)),
        Language::En => format!("held by {} ({at}){why}", visible(&h.by)),
    }
}

/// A channel's name as operators know it.
pub fn channel(channel: crate::domain::Channel, lang: Language) -> &'static str {
    match (channel, lang) {
        (crate::domain::Channel::Shopify, _) => "Shopify",
        (crate::domain::Channel::Colorme, Language::Ja) => "カラーミー",
        (crate::domain::Channel::Colorme, Language::En) => "Color Me",
    }
}

/// A store's name as operators know it: the channel's name for a store of the old form
/// (`[shopify]` is "Shopify"), otherwise its own name with its channel (`jp · Shopify`, SPEC §3).
/// Kept once per store and language for the process, so every message can borrow it.
pub fn store(store: crate::domain::Store, lang: Language) -> &'static str {
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};
    static TITLES: LazyLock<Mutex<HashMap<(&'static str, Language), &'static str>>> =
        LazyLock::new(Mutex::default);
    if store.is_default() {
        return channel(store.channel(), lang);
    }
    let mut titles = TITLES.lock().unwrap_or_else(|e| e.into_inner());
    titles.entry((store.name(), lang)).or_insert_with(|| {
        let title = format!("{} · {}", store.name(), channel(store.channel(), lang));
        Box::leak(title.into_boxed_str())
    })
}
