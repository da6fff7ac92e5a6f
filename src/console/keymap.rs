//! Every key the console answers, in one table: where it works ([`Scope`]), the keys, what it
//! does ([`Action`]) and its hint in the catalog. `update` looks a key up here and matches the
//! action; the key bar and the help are drawn from the same rows, so a key cannot work without
//! being shown or be shown without working. (A user keymap file would replace [`BINDINGS`].)

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::config::Language;
use crate::text::Phrase;

/// Where a binding works: each view and dialog of the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A store's tab: its list of orders.
    List,
    /// The log tab.
    Log,
    /// An order's detail.
    Detail,
    /// The edit form of an order.
    Form,
    /// A store's settings.
    Settings,
    /// Typing in the search box.
    Search,
    /// The `:` command line.
    Command,
    /// A plan waiting for `y`.
    Confirm,
    /// A carrier file's changes waiting for `y`.
    ConfirmImport,
    /// A yes/no question.
    Ask,
    /// The help.
    Help,
}

impl Scope {
    /// The views where `?`, `:` and `Esc` mean the same (SPEC §3 "The console").
    pub const VIEWS: [Scope; 5] = [
        Scope::List,
        Scope::Log,
        Scope::Detail,
        Scope::Form,
        Scope::Settings,
    ];
}

/// What a key does. Keys that come in pairs or runs (↑↓, `0`–`5`, `+`/`-`) are one action; the
/// key pressed says which way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Help,
    CommandLine,
    Quit,
    /// Leave this view or dialog for the one it came from (a dialog: the answer "no").
    Back,
    Move,
    Edges,
    Page,
    NextTab,
    Open,
    Edit,
    Search,
    ClearSearch,
    Filter,
    Period,
    Settings,
    Reload,
    SyncStore,
    SyncSelected,
    RetryFailed,
    DryRun,
    Pull,
    Stop,
    SyncOrder,
    ReadStore,
    RawExchange,
    SendMail,
    /// Hold the order (never written) or release its hold.
    Hold,
    /// Settle a drift with hassou's values / with the store's (after a question).
    ResolveOurs,
    ResolveStore,
    Field,
    Choose,
    Today,
    Save,
    Row,
    Toggle,
    Change,
    NextStore,
    Follow,
    ErrorsOnly,
    CycleStore,
    Wrap,
    Yes,
    Run,
    Complete,
    Scroll,
}

impl Action {
    /// Writes, or starts what writes: the help lists them under their own heading.
    pub fn writes(self) -> bool {
        matches!(
            self,
            Action::SyncStore
                | Action::SyncSelected
                | Action::RetryFailed
                | Action::DryRun
                | Action::Pull
                | Action::Stop
        )
    }
}

/// Where a binding shows in the key bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bar {
    /// In the bar while it fits, in this order (first most needed).
    Shown,
    /// Always at the bar's end.
    Always,
    /// Only in the help.
    HelpOnly,
}

/// One row of the keymap.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub scope: Scope,
    /// The keys; empty: every key no other binding of the scope has.
    pub keys: &'static [KeyCode],
    /// The keys as the bar and the help write them (empty: "any key" in the catalog's words).
    pub label: &'static str,
    pub action: Action,
    pub hint: Phrase,
    pub bar: Bar,
}

impl Binding {
    /// The keys as written on screen.
    pub fn label(&self, lang: Language) -> &'static str {
        if self.label.is_empty() {
            Phrase::AnyKey.get(lang)
        } else {
            self.label
        }
    }
}

use KeyCode::{
    BackTab, Backspace, Char as C, Down, End, Enter, Esc, Home, Left, PageDown, PageUp, Right, Tab,
    Up,
};

const fn b(
    scope: Scope,
    keys: &'static [KeyCode],
    label: &'static str,
    action: Action,
    hint: Phrase,
    bar: Bar,
) -> Binding {
    Binding {
        scope,
        keys,
        label,
        action,
        hint,
        bar,
    }
}

const MOVE: &[KeyCode] = &[Up, Down, C('j'), C('k')];
const EDGES: &[KeyCode] = &[Home, End, C('g'), C('G')];
const PAGE: &[KeyCode] = &[PageUp, PageDown, C('b'), C('n')];
const SCROLL: &[KeyCode] = &[Up, Down, C('j'), C('k'), PageUp, PageDown];

/// The keymap. Order matters twice: the key bar shows a scope's `Shown` rows in this order,
/// and the first row of a scope holding a key wins.
pub const BINDINGS: &[Binding] = {
    use Action as A;
    use Bar::{Always, HelpOnly, Shown};
    use Phrase as P;
    use Scope as S;
    &[
        // A store's list.
        b(S::List, &[Enter], "Enter", A::Open, P::Open, Shown),
        b(S::List, &[C('s')], "s", A::SyncStore, P::Sync, Shown),
        b(S::List, &[C('e')], "e", A::Edit, P::Edit, Shown),
        b(S::List, &[C('/')], "/", A::Search, P::Search, Shown),
        b(S::List, &[Tab, BackTab], "Tab", A::NextTab, P::Tab, Shown),
        b(S::List, &[C(':')], ":", A::CommandLine, P::Command, Shown),
        b(
            S::List,
            &[C('0'), C('1'), C('2'), C('3'), C('4'), C('5'), C('6')],
            "0-6",
            A::Filter,
            P::Verdict,
            Shown,
        ),
        b(
            S::List,
            &[C('+'), C('-')],
            "+-",
            A::Period,
            P::Period,
            Shown,
        ),
        b(S::List, &[C('S')], "S", A::SyncSelected, P::SyncOne, Shown),
        b(S::List, &[C('d')], "d", A::DryRun, P::DryRun, Shown),
        b(S::List, &[C('p')], "p", A::Pull, P::Pull, Shown),
        b(S::List, &[C('o')], "o", A::Settings, P::Settings, Shown),
        b(S::List, &[C('x')], "x", A::Stop, P::Stop, Shown),
        b(
            S::List,
            &[C('F')],
            "F",
            A::RetryFailed,
            P::RetryFailed,
            HelpOnly,
        ),
        b(S::List, MOVE, "↑↓ j k", A::Move, P::Move, HelpOnly),
        b(S::List, EDGES, "g G", A::Edges, P::FirstLast, HelpOnly),
        b(S::List, PAGE, "PgUp PgDn", A::Page, P::Page, HelpOnly),
        b(S::List, &[C('r')], "r", A::Reload, P::Reload, HelpOnly),
        b(S::List, &[C('h')], "h", A::Hold, P::Hold, HelpOnly),
        b(
            S::List,
            &[Esc],
            "Esc",
            A::ClearSearch,
            P::ClearSearch,
            HelpOnly,
        ),
        b(S::List, &[C('?')], "?", A::Help, P::Help, Always),
        b(S::List, &[C('q')], "q", A::Quit, P::Quit, Always),
        // The log tab.
        b(S::Log, &[C('f')], "f", A::Follow, P::FollowPause, Shown),
        b(S::Log, SCROLL, "↑↓ PgUp PgDn", A::Scroll, P::Scroll, Shown),
        b(S::Log, &[C('e')], "e", A::ErrorsOnly, P::ErrorsOnly, Shown),
        b(S::Log, &[C('c')], "c", A::CycleStore, P::Store, Shown),
        b(S::Log, &[C('w')], "w", A::Wrap, P::Wrap, Shown),
        b(S::Log, &[Tab, BackTab], "Tab", A::NextTab, P::Tab, Shown),
        b(S::Log, &[C(':')], ":", A::CommandLine, P::Command, Shown),
        b(S::Log, EDGES, "g G", A::Edges, P::FirstLast, HelpOnly),
        b(S::Log, &[C('x')], "x", A::Stop, P::Stop, HelpOnly),
        b(S::Log, &[Esc], "Esc", A::Back, P::BackToStore, HelpOnly),
        b(S::Log, &[C('?')], "?", A::Help, P::Help, Always),
        b(S::Log, &[C('q')], "q", A::Quit, P::Quit, Always),
        // An order's detail.
        b(S::Detail, &[C('e'), Enter], "e", A::Edit, P::Edit, Shown),
        b(
            S::Detail,
            &[C('s'), C('S')],
            "s",
            A::SyncOrder,
            P::SyncThisOrder,
            Shown,
        ),
        b(
            S::Detail,
            &[C('r')],
            "r",
            A::ReadStore,
            P::ReadTheStore,
            Shown,
        ),
        b(S::Detail, &[C('d')], "d", A::DryRun, P::DryRunOrder, Shown),
        b(S::Detail, &[C('h')], "h", A::Hold, P::Hold, Shown),
        b(
            S::Detail,
            &[C('O')],
            "O",
            A::ResolveOurs,
            P::ResolveOurs,
            HelpOnly,
        ),
        b(
            S::Detail,
            &[C('T')],
            "T",
            A::ResolveStore,
            P::ResolveStore,
            HelpOnly,
        ),
        b(
            S::Detail,
            &[C('v')],
            "v",
            A::RawExchange,
            P::RawExchange,
            Shown,
        ),
        b(
            S::Detail,
            &[C(':')],
            ":",
            A::CommandLine,
            P::Command,
            HelpOnly,
        ),
        b(
            S::Detail,
            &[C('m')],
            "m",
            A::SendMail,
            P::SendRefusedMail,
            HelpOnly,
        ),
        b(S::Detail, &[C('p')], "p", A::Pull, P::Pull, HelpOnly),
        b(S::Detail, &[C('x')], "x", A::Stop, P::Stop, HelpOnly),
        b(S::Detail, &[C('?')], "?", A::Help, P::Help, Always),
        b(
            S::Detail,
            &[Esc, C('q'), Backspace],
            "Esc",
            A::Back,
            P::Back,
            Always,
        ),
        // The edit form (`?` and `:` are typed into the other carrier's name).
        b(
            S::Form,
            &[Tab, BackTab, Up, Down],
            "Tab/↑↓",
            A::Field,
            P::Field,
            Shown,
        ),
        b(S::Form, &[Left, Right], "←→", A::Choose, P::Choose, Shown),
        b(S::Form, &[Enter], "Enter", A::Save, P::Save, Shown),
        b(
            S::Form,
            &[C('t')],
            "t",
            A::Today,
            P::TodayShippedOn,
            HelpOnly,
        ),
        b(
            S::Form,
            &[C(':')],
            ":",
            A::CommandLine,
            P::Command,
            HelpOnly,
        ),
        b(S::Form, &[C('?')], "?", A::Help, P::Help, Always),
        b(S::Form, &[Esc], "Esc", A::Back, P::Cancel, Always),
        // A store's settings.
        b(S::Settings, MOVE, "↑↓", A::Row, P::Row, Shown),
        b(
            S::Settings,
            &[C(' '), Enter],
            "Space",
            A::Toggle,
            P::Toggle,
            Shown,
        ),
        b(
            S::Settings,
            &[Left, Right, C('h'), C('l'), C('+'), C('-')],
            "←→",
            A::Change,
            P::Change,
            Shown,
        ),
        b(S::Settings, &[Tab], "Tab", A::NextStore, P::Store, Shown),
        b(
            S::Settings,
            &[C(':')],
            ":",
            A::CommandLine,
            P::Command,
            HelpOnly,
        ),
        b(S::Settings, &[C('?')], "?", A::Help, P::Help, Always),
        b(
            S::Settings,
            &[Esc, C('q'), C('o')],
            "Esc",
            A::Back,
            P::Back,
            Always,
        ),
        // The search box (other keys are typed).
        b(S::Search, &[Enter], "Enter", A::Run, P::Search, Shown),
        b(S::Search, &[Esc], "Esc", A::ClearSearch, P::Clear, Always),
        // The command line (other keys are typed).
        b(S::Command, &[Enter], "Enter", A::Run, P::RunCommand, Shown),
        b(S::Command, &[Tab], "Tab", A::Complete, P::Complete, Shown),
        b(S::Command, &[Esc], "Esc", A::Back, P::Back, Always),
        // A plan, or a carrier file's changes, waiting for `y`.
        b(S::Confirm, SCROLL, "↑↓", A::Scroll, P::Scroll, Shown),
        b(S::Confirm, &[C('y')], "y", A::Yes, P::Send, Always),
        b(S::Confirm, &[], "n/Esc", A::Back, P::DontSend, Always),
        b(S::ConfirmImport, SCROLL, "↑↓", A::Scroll, P::Scroll, Shown),
        b(S::ConfirmImport, &[C('y')], "y", A::Yes, P::Save, Always),
        b(S::ConfirmImport, &[], "n/Esc", A::Back, P::DontSave, Always),
        // A question.
        b(S::Ask, &[C('y')], "y", A::Yes, P::Yes, Always),
        b(S::Ask, &[], "n/Esc", A::Back, P::No, Always),
        // The help.
        b(S::Help, SCROLL, "↑↓", A::Scroll, P::Scroll, Shown),
        b(S::Help, &[], "", A::Back, P::Back, Always),
    ]
};

/// The action of `key` in `scope` (`None`: the scope has no such key; a text field types it).
pub fn action(scope: Scope, key: &KeyEvent) -> Option<Action> {
    // Ctrl and Alt chords are never a binding of the table (Ctrl-C is handled before).
    if key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return None;
    }
    let in_scope = || BINDINGS.iter().filter(|b| b.scope == scope);
    in_scope()
        .find(|b| b.keys.contains(&key.code))
        .or_else(|| in_scope().find(|b| b.keys.is_empty()))
        .map(|b| b.action)
}

/// The bindings of a scope, in the table's order.
pub fn of(scope: Scope) -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(move |b| b.scope == scope)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every view answers `?`, `:` and `Esc`, and each means the same everywhere: the help,
    /// the command line, back (in the list: the search cleared, the list's own "back").
    #[test]
    fn every_view_answers_help_command_line_and_escape() {
        for scope in Scope::VIEWS {
            let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
            assert_eq!(action(scope, &key(C('?'))), Some(Action::Help), "{scope:?}");
            assert_eq!(
                action(scope, &key(C(':'))),
                Some(Action::CommandLine),
                "{scope:?}"
            );
            assert!(
                matches!(
                    action(scope, &key(Esc)),
                    Some(Action::Back | Action::ClearSearch)
                ),
                "{scope:?}"
            );
        }
    }

    /// No key of a scope is bound twice (the second would never be reached).
    #[test]
    fn no_key_is_bound_twice_in_a_scope() {
        for (i, first) in BINDINGS.iter().enumerate() {
            for second in &BINDINGS[i + 1..] {
                if first.scope != second.scope {
                    continue;
                }
                for key in first.keys {
                    assert!(
                        !second.keys.contains(key),
                        "{key:?} is bound twice in {:?}: {:?} and {:?}",
                        first.scope,
                        first.action,
                        second.action
                    );
                }
                assert!(
                    !(first.keys.is_empty() && second.keys.is_empty()),
                    "two 'any key' rows in {:?}",
                    first.scope
                );
            }
        }
    }

    /// Every binding has words in both languages, and a label that names its keys.
    #[test]
    fn every_binding_has_a_hint_and_a_label() {
        for binding in BINDINGS {
            for lang in [Language::Ja, Language::En] {
                assert!(!binding.hint.get(lang).trim().is_empty(), "{binding:?}");
                assert!(!binding.label(lang).trim().is_empty(), "{binding:?}");
            }
        }
    }
}
