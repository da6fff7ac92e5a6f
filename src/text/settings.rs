//! The settings screen's rows in words: each row's name and value, and what changed between
//! two settings (for the log), in the operator's language.

use crate::console::settings_form::{ROWS, Row};
use crate::domain::Channel;
use crate::domain::Language;
use crate::domain::window::{Days, Hours, Window};
use crate::domain::{StatusOption, Store};
use crate::settings::OperationalSettings;
use crate::text::schedule::every;

/// A row's label and value, in the console's language.
pub fn label(row: Row, s: &OperationalSettings, store: Store, lang: Language) -> (String, String) {
    let ja = lang == Language::Ja;
    let on_off = |b: bool| crate::text::on_off(b, lang).to_owned();
    let (l_ja, l_en, value) = match row {
        Row::AutoPull => ("受注の自動取得", "auto pull", on_off(s.auto_pull)),
        Row::AutoPullEvery => ("  間隔", "  every", every(s.auto_pull_every)),
        Row::AutoSync => ("発送情報の自動更新", "auto sync", on_off(s.auto_sync)),
        Row::AutoSyncEvery => ("  間隔", "  every", every(s.auto_sync_every)),
        Row::Watch => ("即時更新 (watch)", "watch", on_off(s.watch)),
        // Watch writes an edited order within this, not after it (SPEC §3 watch_debounce).
        Row::WatchDebounce => (
            "  書込まで",
            "  writes within",
            if ja {
                format!("{}以内", every(s.watch_debounce))
            } else {
                every(s.watch_debounce)
            },
        ),
        Row::Period => (
            "作成期間",
            "period",
            if ja {
                format!("{}日前から", s.rules.period.days())
            } else {
                format!("{} days", s.rules.period.days())
            },
        ),
        Row::RuleOption => match store.channel() {
            Channel::Shopify => (
                "API書出",
                "export statuses",
                match (s.rules.statuses, ja) {
                    (StatusOption::ProcessedOnly, true) => "【処理済み】のみ".into(),
                    (StatusOption::AllButNewCancelled, true) => "【処理済み】以外も書き出す".into(),
                    (o, false) => o.code().into(),
                },
            ),
            Channel::Colorme => (
                "出荷日入力で配送済み",
                "配送済み needs 出荷日",
                on_off(s.rules.shipped_date_only),
            ),
        },
        Row::PullDays => (
            "受注を取得する日数",
            "pull days",
            if ja {
                format!("{}日", s.pull_days)
            } else {
                format!("{} days", s.pull_days)
            },
        ),
        Row::ActiveHours => ("書込む時間帯", "active hours", hours(s.window.hours, lang)),
        Row::ActiveDays => ("書込む曜日", "active days", days(s.window.days, lang)),
        Row::SkipHolidays => (
            "  祝日は休む",
            "  skip holidays",
            on_off(s.window.skip_holidays),
        ),
        Row::AutoReconcile => (
            "ストアとの照合",
            "auto reconcile",
            match s.auto_reconcile_every {
                Some(d) if ja => format!("{}ごと", every(d)),
                Some(d) => format!("every {}", every(d)),
                None => on_off(false),
            },
        ),
    };
    ((if ja { l_ja } else { l_en }).to_owned(), value)
}

/// A window's hours: `08:00-21:00`, or all day.
pub fn hours(hours: Option<Hours>, lang: Language) -> String {
    match (hours, lang) {
        (Some(h), _) => h.to_string(),
        (None, Language::Ja) => "終日".to_owned(),
        (None, Language::En) => "all day".to_owned(),
    }
}

/// A window's days: `mon-sat`, in Japanese `月〜土`.
pub fn days(days: Days, lang: Language) -> String {
    let code = days.to_string();
    match lang {
        Language::En if days == Days::ALL => "every day".to_owned(),
        Language::En => code,
        Language::Ja if days == Days::ALL => "毎日".to_owned(),
        Language::Ja => {
            let mut out = code.replace('-', "〜");
            for (en, ja) in [
                ("mon", "月"),
                ("tue", "火"),
                ("wed", "水"),
                ("thu", "木"),
                ("fri", "金"),
                ("sat", "土"),
                ("sun", "日"),
            ] {
                out = out.replace(en, ja);
            }
            out
        }
    }
}

/// The window in a few words, for a store tab's status line: empty when it is always open.
pub fn window_words(w: &Window, lang: Language) -> String {
    if w.is_always() {
        return String::new();
    }
    let mut parts = Vec::new();
    if w.days != Days::ALL {
        parts.push(days(w.days, lang));
    }
    if let Some(h) = w.hours {
        parts.push(h.to_string());
    }
    if w.skip_holidays {
        parts.push(match lang {
            Language::Ja => "祝日休み".to_owned(),
            Language::En => "no holidays".to_owned(),
        });
    }
    parts.join(" ")
}

/// What changed between two settings of a store, one `label: before → after` each, in the
/// operator's language (for the log: every change is said with who made it).
pub fn changes(
    before: &OperationalSettings,
    after: &OperationalSettings,
    store: Store,
    lang: Language,
) -> Vec<String> {
    ROWS.iter()
        .filter_map(|row| {
            let (name, old) = label(*row, before, store, lang);
            let (_, new) = label(*row, after, store, lang);
            (old != new).then(|| format!("{} {old} → {new}", name.trim()))
        })
        .collect()
}

/// A store tab's first line, like GoQ's データ書出 row: 作成期間, the status option (Shopify) or
/// the 出荷日 rule (カラーミー), auto sync, watch, and whether customers are mailed.
pub fn store_rules_line(
    store: Store,
    s: &OperationalSettings,
    mails: bool,
    lang: Language,
) -> String {
    let ja = lang == Language::Ja;
    let on = |b: bool| crate::text::on_off(b, lang);
    let option = match (store.channel(), ja) {
        (Channel::Shopify, true) => match s.rules.statuses {
            StatusOption::ProcessedOnly => "【処理済み】のみ".to_owned(),
            StatusOption::AllButNewCancelled => "【処理済み】以外も書き出す".to_owned(),
        },
        (Channel::Shopify, false) => match s.rules.statuses {
            StatusOption::ProcessedOnly => "processed only".to_owned(),
            StatusOption::AllButNewCancelled => "all but new/cancelled".to_owned(),
        },
        (Channel::Colorme, true) => format!("出荷日で配送済み {}", on(s.rules.shipped_date_only)),
        (Channel::Colorme, false) => {
            format!("delivered needs 出荷日 {}", on(s.rules.shipped_date_only))
        }
    };
    let every = every(s.auto_sync_every);
    let window = window_words(&s.window, lang);
    let window = if window.is_empty() {
        window
    } else {
        format!(" ({window})")
    };
    let auto = match (s.auto_sync, ja) {
        (true, true) => format!("自動更新 {every}ごと{window}"),
        (true, false) => format!("auto sync every {every}{window}"),
        (false, true) => "自動更新 オフ".to_owned(),
        (false, false) => "auto sync off".to_owned(),
    };
    let mail = match (store.channel(), mails, ja) {
        (Channel::Shopify, true, true) => "通知あり",
        (Channel::Shopify, false, true) => "通知なし",
        (Channel::Colorme, true, true) => "メールあり",
        (Channel::Colorme, false, true) => "メールなし",
        (_, true, false) => "mails on",
        (_, false, false) => "no mails",
    };
    let days = s.rules.period.days();
    if ja {
        format!(
            "作成期間 {days}日 · {option} · {auto} · 即時 {} · {mail}",
            on(s.watch)
        )
    } else {
        format!(
            "period {days} days · {option} · {auto} · watch {} · {mail}",
            on(s.watch)
        )
    }
}
