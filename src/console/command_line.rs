//! The `:` command line of SPEC §3 "The console: keys and the command line": parsing what the
//! operator typed into a [`Command`], completing command names, and saying in the operator's
//! language what is wrong with a bad command or value. Pure.

use std::time::Duration;

use crate::config::Language;
use crate::domain::window::{Days, Hours, WindowError, parse_days, parse_hours};
use crate::domain::{Period, StatusOption, Store, Verdict};
use crate::settings::{check_interval, parse_duration};

/// Which tab a `tab` command names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TabName {
    Store(Store),
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
    /// The schedule window: `None` hours is all day.
    ActiveHours(Option<Hours>),
    ActiveDays(Days),
    SkipHolidays(bool),
    /// `None`: off.
    AutoReconcileEvery(Option<Duration>),
    Sync,
    DryRun,
    Pull,
    /// `None`: every verdict.
    Filter(Option<Verdict>),
    Order(String),
    /// Hold the selected order (with the operator's words), or release it.
    Hold(String),
    Release,
    /// Read the store back and record what differs.
    Reconcile,
    /// A carrier file to preview, then save on `y`.
    Import(String),
    Tab(TabName),
    /// `tab NAME`: a store's tab by its name (or its channel's, when it has one store), which
    /// the console resolves among its tabs.
    TabNamed(String),
    Help,
    Quit,
}

/// Every command name, in the order completion offers them.
pub const NAMES: [&str; 24] = [
    "period",
    "statuses",
    "shipped-date-only",
    "auto-sync",
    "auto-sync-every",
    "auto-pull",
    "watch",
    "active-hours",
    "active-days",
    "skip-holidays",
    "auto-reconcile-every",
    "sync",
    "dry-run",
    "pull",
    "reconcile",
    "filter",
    "order",
    "hold",
    "release",
    "import",
    "tab",
    "help",
    "quit",
    "q",
];

/// Every command with what it takes, for the help (`NUMBER` and `FILE` are said in the
/// operator's language by [`argument`]).
pub const SYNTAX: [(&str, &str); 23] = [
    ("period", "1-13"),
    ("statuses", "processed|all-but-new-cancelled"),
    ("shipped-date-only", "on|off"),
    ("auto-sync", "on|off"),
    ("auto-sync-every", "30m"),
    ("auto-pull", "on|off"),
    ("watch", "on|off"),
    ("active-hours", "08:00-21:00|always"),
    ("active-days", "mon-sat|all"),
    ("skip-holidays", "on|off"),
    ("auto-reconcile-every", "6h|off"),
    ("sync", ""),
    ("dry-run", ""),
    ("pull", ""),
    ("reconcile", ""),
    (
        "filter",
        "pending|synced|waiting|failed|ineligible|drift|all",
    ),
    ("order", "NUMBER"),
    ("hold", "REASON"),
    ("release", ""),
    ("import", "FILE"),
    ("tab", "STORE|log"),
    ("help", ""),
    ("quit", ""),
];

/// A command's argument as the help writes it.
pub fn argument(syntax: &'static str, lang: Language) -> &'static str {
    match syntax {
        "NUMBER" => crate::text::Phrase::NumberArgument.get(lang),
        "FILE" => crate::text::Phrase::FileArgument.get(lang),
        "REASON" => crate::text::Phrase::ReasonArgument.get(lang),
        "STORE|log" => crate::text::Phrase::StoreOrLogArgument.get(lang),
        other => other,
    }
}

/// Completes the command name being typed, or the store named after `tab ` (among `stores`
/// and the log): the only name it begins, or the longest beginning several share. Other
/// arguments are left as typed.
pub fn complete(text: &str, stores: &[&str]) -> String {
    let typed = text.trim_start();
    if let Some(name) = typed.strip_prefix("tab ") {
        let name = name.trim_start();
        let names: Vec<&str> = stores.iter().copied().chain(["log"]).collect();
        let completed = longest_beginning(name, &names);
        return if completed == name {
            text.to_owned()
        } else {
            format!("tab {}", completed.trim_end())
        };
    }
    if typed.contains(' ') {
        return text.to_owned();
    }
    longest_beginning(typed, &NAMES)
}

/// The only name of `names` that `typed` begins (with a space after it), or the longest beginning
/// several share; `typed` itself when none.
fn longest_beginning(typed: &str, names: &[&str]) -> String {
    let matches: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| n.starts_with(typed))
        .collect();
    let text = typed;
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

/// What is wrong with a command line, as a kind; [`crate::text::command_error`] says it in
/// the operator's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandError {
    Empty,
    /// The command takes `on` or `off`.
    OnOff(String),
    /// The command works on a store's tab only.
    StoreTabOnly(String),
    Period,
    Statuses,
    StatusesOnShopifyOnly,
    ShippedDateOnlyOnColormeOnly,
    /// An interval out of bounds or unreadable, with why.
    Interval(String),
    /// Hours or days of the schedule window that do not read.
    Window(WindowError),
    Filter,
    OrderNumber,
    ImportPath,
    /// `tab` without a tab the console has; the stores' names it has.
    Tab(Vec<String>),
    /// No such command, and the nearest one, if any.
    Unknown {
        typed: String,
        near: Option<String>,
    },
    /// Values after a command that takes none (or more than it takes).
    Extra {
        name: String,
        extra: String,
    },
}

fn on_off(value: Option<&str>, name: &str) -> Result<bool, CommandError> {
    match value {
        Some("on") => Ok(true),
        Some("off") => Ok(false),
        _ => Err(CommandError::OnOff(name.to_owned())),
    }
}

/// Parses a command typed on `store`'s tab (`None` on the log tab). A bad command or value is
/// an error in the operator's language that names it; nothing is changed.
pub fn parse(text: &str, store: Option<Store>, lang: Language) -> Result<Command, String> {
    parse_typed(text, store).map_err(|e| crate::text::command_error(&e, lang))
}

/// [`parse`], its error as a kind.
pub fn parse_typed(text: &str, store: Option<Store>) -> Result<Command, CommandError> {
    let mut parts = text.split_whitespace();
    let Some(name) = parts.next() else {
        return Err(CommandError::Empty);
    };
    let value = parts.next();
    let rest: Vec<&str> = parts.collect();
    let needs_store = |what: Command| match store {
        Some(_) => Ok(what),
        None => Err(CommandError::StoreTabOnly(name.to_owned())),
    };
    let command = match name {
        "period" => {
            let days = value.and_then(|v| v.parse::<u32>().ok());
            let period = days
                .and_then(|d| Period::try_from(d).ok())
                .ok_or(CommandError::Period)?;
            needs_store(Command::Period(period))?
        }
        "statuses" => {
            let option = match value {
                Some("processed") => StatusOption::ProcessedOnly,
                Some("all-but-new-cancelled") => StatusOption::AllButNewCancelled,
                _ => {
                    return Err(CommandError::Statuses);
                }
            };
            if store.map(Store::channel) != Some(crate::domain::Channel::Shopify) {
                return Err(CommandError::StatusesOnShopifyOnly);
            }
            Command::Statuses(option)
        }
        "shipped-date-only" => {
            let on = on_off(value, name)?;
            if store.map(Store::channel) != Some(crate::domain::Channel::Colorme) {
                return Err(CommandError::ShippedDateOnlyOnColormeOnly);
            }
            Command::ShippedDateOnly(on)
        }
        "auto-sync" => needs_store(Command::AutoSync(on_off(value, name)?))?,
        "auto-pull" => needs_store(Command::AutoPull(on_off(value, name)?))?,
        "watch" => needs_store(Command::Watch(on_off(value, name)?))?,
        "auto-sync-every" => {
            let every = value
                .ok_or_else(|| "no value".to_owned())
                .and_then(parse_duration)
                .and_then(check_interval)
                .map_err(CommandError::Interval)?;
            needs_store(Command::AutoSyncEvery(every))?
        }
        "active-hours" => {
            let hours = parse_hours(value.unwrap_or("-")).map_err(CommandError::Window)?;
            needs_store(Command::ActiveHours(hours))?
        }
        "active-days" => {
            let days = parse_days(value.unwrap_or("")).map_err(CommandError::Window)?;
            needs_store(Command::ActiveDays(days))?
        }
        "skip-holidays" => needs_store(Command::SkipHolidays(on_off(value, name)?))?,
        "auto-reconcile-every" => {
            let every = match value {
                Some("off") => None,
                _ => Some(
                    value
                        .ok_or_else(|| "no value".to_owned())
                        .and_then(parse_duration)
                        .and_then(check_interval)
                        .map_err(CommandError::Interval)?,
                ),
            };
            needs_store(Command::AutoReconcileEvery(every))?
        }
        "sync" => needs_store(Command::Sync)?,
        "dry-run" => needs_store(Command::DryRun)?,
        "pull" => needs_store(Command::Pull)?,
        "reconcile" => needs_store(Command::Reconcile)?,
        "filter" => {
            let verdict = match value {
                Some("all") => None,
                Some(v) => Some(
                    Verdict::ALL
                        .iter()
                        .copied()
                        .find(|verdict| verdict.code() == v)
                        .ok_or(CommandError::Filter)?,
                ),
                None => {
                    return Err(CommandError::Filter);
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
                return Err(CommandError::OrderNumber);
            }
            return needs_store(Command::Order(number.trim().to_owned()));
        }
        "hold" => {
            let reason = std::iter::once(value.unwrap_or(""))
                .chain(rest.iter().copied())
                .collect::<Vec<_>>()
                .join(" ");
            return needs_store(Command::Hold(reason.trim().to_owned()));
        }
        "release" => needs_store(Command::Release)?,
        "import" => {
            let path = std::iter::once(value.unwrap_or(""))
                .chain(rest.iter().copied())
                .collect::<Vec<_>>()
                .join(" ");
            if path.trim().is_empty() {
                return Err(CommandError::ImportPath);
            }
            return Ok(Command::Import(path.trim().to_owned()));
        }
        "tab" => match value {
            Some("log") => Command::Tab(TabName::Log),
            Some(name) => Command::TabNamed(name.to_owned()),
            None => return Err(CommandError::Tab(Vec::new())),
        },
        "help" => Command::Help,
        "quit" | "q" => Command::Quit,
        other => {
            let near = complete(other, &[]);
            return Err(CommandError::Unknown {
                typed: other.to_owned(),
                near: (near != other && !near.is_empty()).then_some(near),
            });
        }
    };
    let takes_value = !matches!(
        command,
        Command::Sync
            | Command::DryRun
            | Command::Pull
            | Command::Help
            | Command::Quit
            | Command::Release
            | Command::Reconcile
    );
    let extra: Vec<&str> = if takes_value {
        rest
    } else {
        value.into_iter().chain(rest).collect()
    };
    if !extra.is_empty() {
        return Err(CommandError::Extra {
            name: name.to_owned(),
            extra: extra.join(" "),
        });
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
    #[case("period 5", Some(Store::SHOPIFY), Command::Period(Period::try_from(5).expect("5")))]
    #[case(
        "statuses all-but-new-cancelled",
        Some(Store::SHOPIFY),
        Command::Statuses(StatusOption::AllButNewCancelled)
    )]
    #[case(
        "shipped-date-only off",
        Some(Store::COLORME),
        Command::ShippedDateOnly(false)
    )]
    #[case("auto-sync on", Some(Store::COLORME), Command::AutoSync(true))]
    #[case(
        "auto-sync-every 15m",
        Some(Store::SHOPIFY),
        Command::AutoSyncEvery(Duration::from_secs(900))
    )]
    #[case("auto-pull off", Some(Store::SHOPIFY), Command::AutoPull(false))]
    #[case("watch on", Some(Store::SHOPIFY), Command::Watch(true))]
    #[case("sync", Some(Store::SHOPIFY), Command::Sync)]
    #[case("dry-run", Some(Store::SHOPIFY), Command::DryRun)]
    #[case("pull", Some(Store::COLORME), Command::Pull)]
    #[case(
        "filter failed",
        Some(Store::SHOPIFY),
        Command::Filter(Some(Verdict::Failed))
    )]
    #[case("filter all", Some(Store::SHOPIFY), Command::Filter(None))]
    #[case("order #1003", Some(Store::SHOPIFY), Command::Order("#1003".into()))]
    #[case("tab log", None, Command::Tab(TabName::Log))]
    #[case("import /tmp/b2 export.csv", None, Command::Import("/tmp/b2 export.csv".into()))]
    #[case("  quit  ", None, Command::Quit)]
    fn the_commands_of_spec_3(
        #[case] text: &str,
        #[case] store: Option<Store>,
        #[case] expected: Command,
    ) {
        assert_eq!(parse(text, store, EN), Ok(expected));
    }

    #[rstest]
    #[case("period 14", Some(Store::SHOPIFY), "1 to 13")]
    #[case("period x", Some(Store::SHOPIFY), "1 to 13")]
    #[case("statuses processed", Some(Store::COLORME), "Shopify tab")]
    #[case("shipped-date-only on", Some(Store::SHOPIFY), "カラーミー tab")]
    #[case("watch maybe", Some(Store::SHOPIFY), "on or off")]
    #[case("auto-sync-every 10s", Some(Store::SHOPIFY), "1 minute to 24 hours")]
    #[case("filter done", Some(Store::SHOPIFY), "one of pending")]
    #[case("sync", None, "store's tab")]
    #[case("tab", None, "log")]
    #[case("sinc", None, "no such command")]
    #[case("pull now", Some(Store::SHOPIFY), "unexpected now")]
    fn a_bad_command_or_value_says_what_is_wrong(
        #[case] text: &str,
        #[case] store: Option<Store>,
        #[case] says: &str,
    ) {
        let error = parse(text, store, EN).expect_err("refused");
        assert!(error.contains(says), "{text:?}: {error}");
    }

    #[test]
    fn errors_come_in_japanese_too() {
        let error = parse("period 20", Some(Store::SHOPIFY), Language::Ja).expect_err("bad");
        assert!(error.contains("1〜13"), "{error}");
    }

    #[rstest]
    #[case("per", "period ")]
    #[case("auto-s", "auto-sync")]
    #[case("auto-sync-", "auto-sync-every ")]
    #[case("d", "dry-run ")]
    #[case("zz", "zz")]
    #[case("period 3", "period 3")]
    #[case("tab o", "tab outlet")]
    #[case("tab j", "tab jp-")]
    #[case("tab jp-o", "tab jp-outlet")]
    #[case("tab l", "tab log")]
    #[case("tab z", "tab z")]
    fn completion_of_names(#[case] typed: &str, #[case] completed: &str) {
        assert_eq!(
            complete(typed, &["jp-main", "jp-outlet", "outlet"]),
            completed
        );
    }

    #[test]
    fn a_tab_is_named_by_its_store_or_the_log() {
        assert_eq!(parse_typed("tab log", None), Ok(Command::Tab(TabName::Log)));
        assert_eq!(
            parse_typed("tab outlet", None),
            Ok(Command::TabNamed("outlet".into()))
        );
    }
}
