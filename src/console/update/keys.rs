//! Keys, by what the screen shows: the tabs, the list and its search, the log tab; the
//! dialogs and the forms have files of their own.

use super::*;

pub(super) fn on_key(app: &mut App, key: KeyEvent) -> Vec<Cmd> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && key.code == KeyCode::Char('c') && !matches!(app.mode, Mode::Ask(_)) {
        // While this console writes, Ctrl-C asks to stop the run (after the order in flight).
        match running_store(app) {
            Some(channel) => ask(app, Question::StopRun(channel)),
            None => quit_or_ask(app),
        }
        return vec![];
    }
    match app.mode.clone() {
        Mode::List if app.tab == Tab::Log => log_key(app, key),
        Mode::List => list_key(app, key),
        Mode::Command { input, .. } => command_key(app, input, key),
        Mode::Search => search_key(app, key),
        Mode::Detail => detail_key(app, key),
        Mode::Edit(form) => edit_key(app, form, key),
        Mode::Settings { channel, row } => settings_key(app, channel, row, key),
        Mode::Confirm(confirm) => confirm_key(app, *confirm, key),
        Mode::ConfirmImport(confirm) => import_key(app, *confirm, key),
        Mode::Ask(question) => ask_key(app, *question, key),
        Mode::Help => {
            app.mode = Mode::List;
            vec![]
        }
    }
}

/// The tabs in order: each store, then the log.
pub(super) const TABS: [Tab; 3] = [
    Tab::Store(Channel::Shopify),
    Tab::Store(Channel::Colorme),
    Tab::Log,
];

pub(super) fn switch_tab(app: &mut App, tab: Tab) -> Vec<Cmd> {
    app.tab = tab;
    app.selected_id = None;
    match tab {
        Tab::Store(_) => vec![reload(app, false)],
        Tab::Log => vec![],
    }
}

pub(super) fn next_tab(app: &mut App, forward: bool) -> Vec<Cmd> {
    let at = TABS.iter().position(|t| *t == app.tab).unwrap_or(0);
    let n = TABS.len();
    let next = if forward {
        (at + 1) % n
    } else {
        (at + n - 1) % n
    };
    switch_tab(app, TABS[next])
}

/// The log tab: `f` follows or pauses (scrolling up pauses), arrows and pages scroll, `w` wraps,
/// `e` shows errors only, `c` cycles the store shown.
pub(super) fn log_key(app: &mut App, key: KeyEvent) -> Vec<Cmd> {
    let view = &mut app.log_view;
    let page = 10;
    let scroll_up = |view: &mut crate::console::state::LogView, by: usize| {
        view.follow = false;
        view.scroll += by;
    };
    match key.code {
        KeyCode::Tab | KeyCode::BackTab => return next_tab(app, key.code == KeyCode::Tab),
        KeyCode::Char('q') => quit_or_ask(app),
        KeyCode::Char('?') => app.mode = Mode::Help,
        KeyCode::Char(':') => {
            app.mode = Mode::Command {
                input: tui_input::Input::default(),
                error: None,
            };
        }
        KeyCode::Char('f') => {
            view.follow = !view.follow;
            if view.follow {
                view.scroll = 0;
                view.unseen = 0;
            }
        }
        KeyCode::Up | KeyCode::Char('k') => scroll_up(view, 1),
        KeyCode::PageUp | KeyCode::Char('b') => scroll_up(view, page),
        KeyCode::Home | KeyCode::Char('g') => scroll_up(view, LOG_LINES),
        KeyCode::Down | KeyCode::Char('j') => view.scroll = view.scroll.saturating_sub(1),
        KeyCode::PageDown | KeyCode::Char('n') => view.scroll = view.scroll.saturating_sub(page),
        KeyCode::End | KeyCode::Char('G') => {
            view.scroll = 0;
            view.follow = true;
            view.unseen = 0;
        }
        KeyCode::Char('w') => view.wrap = !view.wrap,
        KeyCode::Char('e') => view.errors_only = !view.errors_only,
        KeyCode::Char('c') => {
            view.store = match view.store {
                None => Some(Channel::Shopify),
                Some(Channel::Shopify) => Some(Channel::Colorme),
                Some(Channel::Colorme) => None,
            };
        }
        KeyCode::Char('x') => {
            if let Some(channel) = running_store(app) {
                ask(app, Question::StopRun(channel));
            }
        }
        _ => {}
    }
    vec![]
}

/// Where a scrolling key moves a list's first line shown (`None`: not a scrolling key).
pub(super) fn scrolled(code: KeyCode, at: usize, last: usize) -> Option<usize> {
    match code {
        KeyCode::Down | KeyCode::Char('j') => Some((at + 1).min(last)),
        KeyCode::Up | KeyCode::Char('k') => Some(at.saturating_sub(1)),
        KeyCode::PageDown => Some((at + 10).min(last)),
        KeyCode::PageUp => Some(at.saturating_sub(10)),
        _ => None,
    }
}

/// Keys that act on a store from the list and the detail alike: each write starts with a plan
/// to confirm. In the list, `s` plans the tab's store (or the selected order's), `S` only the
/// selected order, `F` the failed orders again; in the detail, `s` plans its order alone.
pub(super) fn store_key(app: &mut App, key: KeyEvent) -> Option<Vec<Cmd>> {
    let selected = match &app.mode {
        Mode::Detail => app.detail.as_ref().map(|d| &d.row),
        _ => app.selected_row(),
    }
    .map(|r| (r.stored.order.channel, r.stored.id));
    let (channel, scope) = match (&app.mode, key.code) {
        (Mode::Detail, KeyCode::Char('s')) => (
            selected.map(|s| s.0),
            selected.map(|s| PlanScope::Order(s.1)),
        ),
        (_, KeyCode::Char('s')) => (app.target_store(), Some(PlanScope::Pending)),
        (_, KeyCode::Char('S')) => (
            selected.map(|s| s.0),
            selected.map(|s| PlanScope::Order(s.1)),
        ),
        (_, KeyCode::Char('F')) => (app.target_store(), Some(PlanScope::Failed)),
        // In an order's detail, `d` dry-runs that order, as `s` plans that order (issue 19).
        (Mode::Detail, KeyCode::Char('d')) => (
            selected.map(|s| s.0),
            selected.map(|s| PlanScope::Order(s.1)),
        ),
        (_, KeyCode::Char('d') | KeyCode::Char('p')) => (app.target_store(), None),
        (_, KeyCode::Char('x')) => {
            if let Some(channel) = running_store(app) {
                ask(app, Question::StopRun(channel));
            }
            return Some(vec![]);
        }
        _ => return None,
    };
    let Some(channel) = channel.filter(|c| app.stores.contains(c)) else {
        let text = match (channel, app.ja()) {
            (Some(c), true) => format!("{c} は設定されていません (接続先とトークン)"),
            (Some(c), false) => format!("{c} is not configured (address and token)"),
            (None, true) => "設定されたストアがありません".to_owned(),
            (None, false) => "no store is configured".to_owned(),
        };
        app.push_log(text, true);
        return Some(vec![]);
    };
    Some(match (key.code, scope) {
        (KeyCode::Char('d'), scope) => {
            vec![Cmd::DryRun(channel, scope.unwrap_or(PlanScope::Pending))]
        }
        (KeyCode::Char('p'), _) => vec![Cmd::PullNow(channel)],
        (_, Some(_)) if app.runs.contains(&channel) => {
            app.push_store_log(
                channel,
                match app.lang {
                    crate::config::Language::Ja => format!("{channel}: 実行中です (x で停止)"),
                    crate::config::Language::En => {
                        format!("{channel}: a run is in progress (x stops it)")
                    }
                },
                true,
            );
            vec![]
        }
        (_, Some(scope)) => vec![Cmd::Plan(channel, scope)],
        (_, None) => vec![],
    })
}

pub(super) fn list_key(app: &mut App, key: KeyEvent) -> Vec<Cmd> {
    if let Some(cmds) = store_key(app, key) {
        return cmds;
    }
    let rows = app.rows().len();
    match key.code {
        KeyCode::Char('q') => quit_or_ask(app),
        // A search in force is cleared by Esc, as the search box's own Esc does (issue 19).
        KeyCode::Esc if !app.search.value().is_empty() => {
            app.search.reset();
            return vec![reload(app, false)];
        }
        KeyCode::Down | KeyCode::Char('j') if app.selected + 1 < rows => {
            app.select_row(app.selected + 1);
        }
        KeyCode::Up | KeyCode::Char('k') => app.select_row(app.selected.saturating_sub(1)),
        KeyCode::Home | KeyCode::Char('g') => app.select_row(0),
        KeyCode::End | KeyCode::Char('G') => app.select_row(rows.saturating_sub(1)),
        KeyCode::PageDown | KeyCode::Char('n') => {
            let matching = app.page.as_ref().map_or(0, |p| p.matching);
            if app.offset + app.page_size < matching {
                app.offset += app.page_size;
                app.selected = 0;
                app.selected_id = None;
                return vec![reload(app, true)];
            }
        }
        KeyCode::PageUp | KeyCode::Char('b') if app.offset > 0 => {
            app.offset = app.offset.saturating_sub(app.page_size);
            app.selected = 0;
            app.selected_id = None;
            return vec![reload(app, true)];
        }
        KeyCode::Tab | KeyCode::BackTab => return next_tab(app, key.code == KeyCode::Tab),
        KeyCode::Char(':') => {
            app.mode = Mode::Command {
                input: tui_input::Input::default(),
                error: None,
            };
        }
        // The period in place, applied at once for every process (作成期間 N日).
        KeyCode::Char(c @ ('+' | '-')) => {
            if let Some(channel) = app.store_tab()
                && let Some(view) = app.schedules.get(&channel)
            {
                let days = view.settings.rules.period.days();
                let days = if c == '+' {
                    days + 1
                } else {
                    days.saturating_sub(1)
                };
                if let Ok(period) = crate::domain::Period::try_from(days) {
                    return apply_command(app, Command::Period(period));
                }
            }
        }
        KeyCode::Char(c @ '0'..='5') => {
            let index = c as usize - '0' as usize;
            app.verdict = index.checked_sub(1).map(|i| Verdict::ALL[i]);
            return vec![reload(app, false)];
        }
        KeyCode::Char('/') => app.mode = Mode::Search,
        KeyCode::Char('r') => return vec![reload(app, true), Cmd::LoadSchedules],
        KeyCode::Char('?') => app.mode = Mode::Help,
        KeyCode::Char('o') => {
            if let Some(channel) = app.target_store().or(Some(Channel::Shopify)) {
                app.mode = Mode::Settings { channel, row: 0 };
            }
        }
        KeyCode::Enter | KeyCode::Char('e') => {
            let Some(row) = app.selected_row().cloned() else {
                return vec![];
            };
            let id = row.stored.id;
            app.detail = Some(Detail {
                row,
                attempts: Vec::new(),
            });
            app.mode = Mode::Detail;
            if key.code == KeyCode::Char('e') {
                open_editor(app);
            }
            return vec![Cmd::LoadDetail(id)];
        }
        _ => {}
    }
    vec![]
}

pub(super) fn search_key(app: &mut App, key: KeyEvent) -> Vec<Cmd> {
    match key.code {
        KeyCode::Enter => {
            app.mode = Mode::List;
            vec![reload(app, false)]
        }
        KeyCode::Esc => {
            app.search.reset();
            app.mode = Mode::List;
            vec![reload(app, false)]
        }
        _ => {
            app.search.handle_event(&Event::Key(key));
            vec![]
        }
    }
}
