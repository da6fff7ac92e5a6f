//! The `:` command line of SPEC §3 "The console: keys and the command line": parsing what the
//! operator typed into a [`Command`], completing command names, and saying in the operator's
//! language what is wrong with a bad command or value. Pure.

use std::time::Duration;

use crate::config::Language;
use crate::domain::{Channel, Period, StatusOption, Verdict};
use crate::settings::{check_interval, parse_duration};

/// Which tab a `tab` command names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TabName {
    Store(Channel),
    Log,
}

/// What a command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Period(Period),
    Statuses(StatusOption),
    ShippedDateOnly(bool),
    AutoSync(bool),
    AutoSyncEvery(Duration),
    AutoPull(bool),
    Watch(bool),
    Sync,
    DryRun,
    Pull,
    /// `None`: every verdict.
    Filter(Option<Verdict>),
    Order(String),
    /// A carrier file to preview, then save on `y`.
    Import(String),
    Tab(TabName),
    Help,
    Quit,
}

/// Every command name, in the order completion offers them.
pub const NAMES: [&str; 17] = [
    "period",
    "statuses",
    "shipped-date-only",
    "auto-sync",
    "auto-sync-every",
    "auto-pull",
    "watch",
    "sync",
    "dry-run",
    "pull",
    "filter",
    "order",
    "import",
    "tab",
    "help",
    "quit",
    "q",
];

/// Every command with what it takes, for the help (`NUMBER` and `FILE` are said in the
/// operator's language by [`argument`]).
pub const SYNTAX: [(&str, &str); 16] = [
    ("period", "1-13"),
    ("statuses", "processed|all-but-new-cancelled"),
    ("shipped-date-only", "on|off"),
    ("auto-sync", "on|off"),
    ("auto-sync-every", "30m"),
    ("auto-pull", "on|off"),
    ("watch", "on|off"),
    ("sync", ""),
    ("dry-run", ""),
    ("pull", ""),
    ("filter", "pending|synced|waiting|failed|ineligible|all"),
    ("order", "NUMBER"),
    ("import", "FILE"),
    ("tab", "shopify|colorme|log"),
    ("help", ""),
    ("quit", ""),
];

/// A command's argument as the help writes it.
pub fn argument(syntax: &'static str, lang: Language) -> &'static str {
    match syntax {
        "NUMBER" => crate::text::Phrase::NumberArgument.get(lang),
        "FILE" => crate::text::Phrase::FileArgument.get(lang),
        other => other,
    }
}

/// Completes the command name being typed: the only name it begins, or the longest beginning
/// several share. Arguments are left as typed.
pub fn complete(text: &str) -> String {
    let typed = text.trim_start();
    if typed.contains(' ') {
        return text.to_owned();
    }
    let matches: Vec<&str> = NAMES
        .iter()
        .copied()
        .filter(|n| n.starts_with(typed))
        .collect();
    match matches.as_slice() {
        [] => text.to_owned(),
        [one] => format!("{one} "),
        several => {
            let mut common = several[0].to_owned();
            for name in &several[1..] {
                while !name.starts_with(&common) {
                    common.pop();
                }
            }
            common
        }
    }
}

fn words(lang: Language, ja: &str, en: &str) -> String {
    match lang {
        Language::Ja => ja.to_owned(),
        Language::En => en.to_owned(),
    }
}

fn on_off(value: Option<&str>, name: &str, lang: Language) -> Result<bool, String> {
    match value {
        Some("on") => Ok(true),
        Some("off") => Ok(false),
        _ => Err(words(
            lang,
            &format!("{name}: on か off を指定してください"),
            &format!("{name}: give on or off"),
        )),
    }
}

/// Parses a command typed on `store`'s tab (`None` on the log tab). A bad command or value is
/// an error in the operator's language that names it; nothing is changed.
pub fn parse(text: &str, store: Option<Channel>, lang: Language) -> Result<Command, String> {
    let mut parts = text.split_whitespace();
    let Some(name) = parts.next() else {
        return Err(words(lang, "コマンドを入力してください", "type a command"));
    };
    let value = parts.next();
    let rest: Vec<&str> = parts.collect();
    let needs_store = |what: Command| match store {
        Some(_) => Ok(what),
        None => Err(words(
            lang,
            &format!("{name}: ストアのタブで使ってください"),
            &format!("{name}: use it on a store's tab"),
        )),
    };
    let command = match name {
        "period" => {
            let days = value.and_then(|v| v.parse::<u32>().ok());
            let period = days.and_then(|d| Period::try_from(d).ok()).ok_or_else(|| {
                words(
                    lang,
                    "period: 1〜13 の日数を指定してください",
                    "period: give a number of days from 1 to 13",
                )
            })?;
            needs_store(Command::Period(period))?
        }
        "statuses" => {
            let option = match value {
                Some("processed") => StatusOption::ProcessedOnly,
                Some("all-but-new-cancelled") => StatusOption::AllButNewCancelled,
                _ => {
                    return Err(words(
                        lang,
                        "statuses: processed か all-but-new-cancelled を指定してください",
                        "statuses: give processed or all-but-new-cancelled",
                    ));
                }
            };
            if store != Some(Channel::Shopify) {
                return Err(words(
                    lang,
                    "statuses は Shopify のタブの設定です",
                    "statuses is a setting of the Shopify tab",
                ));
            }
            Command::Statuses(option)
        }
        "shipped-date-only" => {
            let on = on_off(value, name, lang)?;
            if store != Some(Channel::Colorme) {
                return Err(words(
                    lang,
                    "shipped-date-only はカラーミーのタブの設定です",
                    "shipped-date-only is a setting of the カラーミー tab",
                ));
            }
            Command::ShippedDateOnly(on)
        }
        "auto-sync" => needs_store(Command::AutoSync(on_off(value, name, lang)?))?,
        "auto-pull" => needs_store(Command::AutoPull(on_off(value, name, lang)?))?,
        "watch" => needs_store(Command::Watch(on_off(value, name, lang)?))?,
        "auto-sync-every" => {
            let every = value
                .ok_or_else(|| "no value".to_owned())
                .and_then(parse_duration)
                .and_then(check_interval)
                .map_err(|e| {
                    words(
                        lang,
                        &format!("auto-sync-every: 1分〜24時間で指定してください (例 30m) — {e}"),
                        &format!("auto-sync-every: give 1 minute to 24 hours (e.g. 30m) — {e}"),
                    )
                })?;
            needs_store(Command::AutoSyncEvery(every))?
        }
        "sync" => needs_store(Command::Sync)?,
        "dry-run" => needs_store(Command::DryRun)?,
        "pull" => needs_store(Command::Pull)?,
        "filter" => {
            let verdict = match value {
                Some("all") => None,
                Some(v) => Some(
                    Verdict::ALL
                        .iter()
                        .copied()
                        .find(|verdict| verdict.code() == v)
                        .ok_or_else(|| {
                            words(
                                lang,
                                "filter: pending synced waiting failed ineligible all のどれか",
                                "filter: one of pending synced waiting failed ineligible all",
                            )
                        })?,
                ),
                None => {
                    return Err(words(
                        lang,
                        "filter: pending synced waiting failed ineligible all のどれか",
                        "filter: one of pending synced waiting failed ineligible all",
                    ));
                }
            };
            needs_store(Command::Filter(verdict))?
        }
        "order" => {
            let number = std::iter::once(value.unwrap_or(""))
                .chain(rest.iter().copied())
                .collect::<Vec<_>>()
                .join(" ");
            if number.trim().is_empty() {
                return Err(words(
                    lang,
                    "order: 注文番号を指定してください",
                    "order: give an order number",
                ));
            }
            return needs_store(Command::Order(number.trim().to_owned()));
        }
        "import" => {
            let path = std::iter::once(value.unwrap_or(""))
                .chain(rest.iter().copied())
                .collect::<Vec<_>>()
                .join(" ");
            if path.trim().is_empty() {
                return Err(words(
                    lang,
                    "import: 送り状ファイルのパスを指定してください",
                    "import: give the path of a carrier file",
                ));
            }
            return Ok(Command::Import(path.trim().to_owned()));
        }
        "tab" => Command::Tab(match value {
            Some("shopify") => TabName::Store(Channel::Shopify),
            Some("colorme") => TabName::Store(Channel::Colorme),
            Some("log") => TabName::Log,
            _ => {
                return Err(words(
                    lang,
                    "tab: shopify colorme log のどれか",
                    "tab: one of shopify colorme log",
                ));
            }
        }),
        "help" => Command::Help,
        "quit" | "q" => Command::Quit,
        other => {
            let near = complete(other);
            let hint = if near != other && !near.is_empty() {
                format!(" ({near}?)")
            } else {
                String::new()
            };
            return Err(words(
                lang,
                &format!("{other}: そのコマンドはありません{hint} — Tab で補完、? で一覧"),
                &format!("{other}: no such command{hint} — Tab completes, ? lists them"),
            ));
        }
    };
    let takes_value = !matches!(
        command,
        Command::Sync | Command::DryRun | Command::Pull | Command::Help | Command::Quit
    );
    let extra: Vec<&str> = if takes_value {
        rest
    } else {
        value.into_iter().chain(rest).collect()
    };
    if !extra.is_empty() {
        return Err(words(
            lang,
            &format!("{name}: 余分な値 {}", extra.join(" ")),
            &format!("{name}: unexpected {}", extra.join(" ")),
        ));
    }
    Ok(command)
}

#[cfg(test)]
mod tests {

    /// The help's list of commands is every command completion offers (`q` is `quit`).
    #[test]
    fn the_help_syntax_names_every_command() {
        let names: Vec<&str> = SYNTAX.iter().map(|(name, _)| *name).collect();
        let offered: Vec<&str> = NAMES.iter().copied().filter(|n| *n != "q").collect();
        assert_eq!(names, offered);
    }

    use super::*;
    use rstest::rstest;

    const EN: Language = Language::En;

    #[rstest]
    #[case("period 5", Some(Channel::Shopify), Command::Period(Period::try_from(5).expect("5")))]
    #[case(
        "statuses all-but-new-cancelled",
        Some(Channel::Shopify),
        Command::Statuses(StatusOption::AllButNewCancelled)
    )]
    #[case(
        "shipped-date-only off",
        Some(Channel::Colorme),
        Command::ShippedDateOnly(false)
    )]
    #[case("auto-sync on", Some(Channel::Colorme), Command::AutoSync(true))]
    #[case(
        "auto-sync-every 15m",
        Some(Channel::Shopify),
        Command::AutoSyncEvery(Duration::from_secs(900))
    )]
    #[case("auto-pull off", Some(Channel::Shopify), Command::AutoPull(false))]
    #[case("watch on", Some(Channel::Shopify), Command::Watch(true))]
    #[case("sync", Some(Channel::Shopify), Command::Sync)]
    #[case("dry-run", Some(Channel::Shopify), Command::DryRun)]
    #[case("pull", Some(Channel::Colorme), Command::Pull)]
    #[case(
        "filter failed",
        Some(Channel::Shopify),
        Command::Filter(Some(Verdict::Failed))
    )]
    #[case("filter all", Some(Channel::Shopify), Command::Filter(None))]
    #[case("order #1003", Some(Channel::Shopify), Command::Order("#1003".into()))]
    #[case("tab log", None, Command::Tab(TabName::Log))]
    #[case("import /tmp/b2 export.csv", None, Command::Import("/tmp/b2 export.csv".into()))]
    #[case("  quit  ", None, Command::Quit)]
    fn the_commands_of_spec_3(
        #[case] text: &str,
        #[case] store: Option<Channel>,
        #[case] expected: Command,
    ) {
        assert_eq!(parse(text, store, EN), Ok(expected));
    }

    #[rstest]
    #[case("period 14", Some(Channel::Shopify), "1 to 13")]
    #[case("period x", Some(Channel::Shopify), "1 to 13")]
    #[case("statuses processed", Some(Channel::Colorme), "Shopify tab")]
    #[case("shipped-date-only on", Some(Channel::Shopify), "カラーミー tab")]
    #[case("watch maybe", Some(Channel::Shopify), "on or off")]
    #[case("auto-sync-every 10s", Some(Channel::Shopify), "1 minute to 24 hours")]
    #[case("filter done", Some(Channel::Shopify), "one of pending")]
    #[case("sync", None, "store's tab")]
    #[case("tab all", None, "shopify colorme log")]
    #[case("sinc", None, "no such command")]
    #[case("pull now", Some(Channel::Shopify), "unexpected now")]
    fn a_bad_command_or_value_says_what_is_wrong(
        #[case] text: &str,
        #[case] store: Option<Channel>,
        #[case] says: &str,
    ) {
        let error = parse(text, store, EN).expect_err("refused");
        assert!(error.contains(says), "{text:?}: {error}");
    }

    #[test]
    fn errors_come_in_japanese_too() {
        let error = parse("period 20", Some(Channel::Shopify), Language::Ja).expect_err("bad");
        assert!(error.contains("1〜13"), "{error}");
    }

    #[rstest]
    #[case("per", "period ")]
    #[case("auto-s", "auto-sync")]
    #[case("auto-sync-", "auto-sync-every ")]
    #[case("d", "dry-run ")]
    #[case("zz", "zz")]
    #[case("period 3", "period 3")]
    fn completion_of_names(#[case] typed: &str, #[case] completed: &str) {
        assert_eq!(complete(typed), completed);
    }
}
