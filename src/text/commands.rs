//! What is wrong with a command line, in the operator's language.

use crate::console::command_line::CommandError;
use crate::domain::Language;
use crate::domain::window::WindowError;

/// A command line's error in the operator's language, naming the command and the value.
pub fn command_error(e: &CommandError, lang: Language) -> String {
    let ja = lang == Language::Ja;
    let pick = |j: String, e: String| if ja { j } else { e };
    match e {
        CommandError::Empty => pick("コマンドを入力してください".into(), "type a command".into()),
        CommandError::OnOff(name) => pick(
            format!("{name}: on か off を指定してください"),
            format!("{name}: give on or off"),
        ),
        CommandError::StoreTabOnly(name) => pick(
            format!("{name}: ストアのタブで使ってください"),
            format!("{name}: use it on a store's tab"),
        ),
        CommandError::Period => pick(
            "period: 1〜13 の日数を指定してください".into(),
            "period: give a number of days from 1 to 13".into(),
        ),
        CommandError::Statuses => pick(
            "statuses: processed か all-but-new-cancelled を指定してください".into(),
            "statuses: give processed or all-but-new-cancelled".into(),
        ),
        CommandError::StatusesOnShopifyOnly => pick(
            "statuses は Shopify のタブの設定です".into(),
            "statuses is a setting of the Shopify tab".into(),
        ),
        CommandError::ShippedDateOnlyOnColormeOnly => pick(
            "shipped-date-only はカラーミーのタブの設定です".into(),
            "shipped-date-only is a setting of the カラーミー tab".into(),
        ),
        CommandError::Interval(why) => pick(
            format!("auto-sync-every: 1分〜24時間で指定してください (例 30m) — {why}"),
            format!("auto-sync-every: give 1 minute to 24 hours (e.g. 30m) — {why}"),
        ),
        CommandError::Window(WindowError::Hours(typed)) => pick(
            format!("active-hours: {typed} — 08:00-21:00 のように 開始-終了 (店の時刻) か always"),
            format!(
                "active-hours: {typed} — give start-end in shop time, such as 08:00-21:00, or always"
            ),
        ),
        CommandError::Window(WindowError::Days(typed)) => pick(
            format!("active-days: {typed} — mon-sat、mon,wed,fri のように曜日か all"),
            format!("active-days: {typed} — give days such as mon-sat or mon,wed,fri, or all"),
        ),
        CommandError::Filter => pick(
            "filter: pending synced waiting failed ineligible drift all のどれか".into(),
            "filter: one of pending synced waiting failed ineligible drift all".into(),
        ),
        CommandError::OrderNumber => pick(
            "order: 注文番号を指定してください".into(),
            "order: give an order number".into(),
        ),
        CommandError::ImportPath => pick(
            "import: 送り状ファイルのパスを指定してください".into(),
            "import: give the path of a carrier file".into(),
        ),
        CommandError::Tab(stores) => {
            let names = stores
                .iter()
                .map(String::as_str)
                .chain(["log"])
                .collect::<Vec<_>>()
                .join(" ");
            pick(
                format!("tab: {names} のどれか"),
                format!("tab: one of {names}"),
            )
        }
        CommandError::Unknown { typed, near } => {
            let hint = near
                .as_ref()
                .map(|near| format!(" ({near}?)"))
                .unwrap_or_default();
            pick(
                format!("{typed}: そのコマンドはありません{hint} — Tab で補完、? で一覧"),
                format!("{typed}: no such command{hint} — Tab completes, ? lists them"),
            )
        }
        CommandError::Extra { name, extra } => pick(
            format!("{name}: 余分な値 {extra}"),
            format!("{name}: unexpected {extra}"),
        ),
    }
}
