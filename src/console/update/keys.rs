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
    // The other carrier's name is free text: every character is typed there, `?` and `:` too.
    let typing_a_name = matches!(&app.mode, Mode::Edit(form)
        if form.focus == crate::console::edit_form::Field::OtherName
            && matches!(key.code, KeyCode::Char(_)));
    let action = (!typing_a_name)
        .then(|| keymap::action(app.scope(), &key))
        .flatten();
    match action {
        Some(Action::Help) => {
            open_help(app);
            return vec![];
        }
        Some(Action::CommandLine) => {
            let back = Box::new(std::mem::replace(&mut app.mode, Mode::List));
            app.mode = Mode::Command {
                input: tui_input::Input::default(),
                error: None,
                back,
            };
            return vec![];
        }
        Some(Action::Quit) => {
            quit_or_ask(app);
            return vec![];
        }
        _ => {}
    }
    match app.mode.clone() {
        Mode::List if app.tab == Tab::Log => log_key(app, action, key),
        Mode::List => list_key(app, action, key),
        Mode::Command { input, back, .. } => command_key(app, input, back, action, key),
        Mode::Search => search_key(app, action, key),
        Mode::Detail => detail_key(app, action),
        Mode::Edit(form) => edit_key(app, form, action, key),
        Mode::Settings {
            store: channel,
            row,
        } => settings_key(app, channel, row, action, key),
        Mode::Confirm(confirm) => confirm_key(app, *confirm, action, key),
        Mode::ConfirmImport(confirm) => import_key(app, *confirm, action, key),
        Mode::Ask(question) => ask_key(app, *question, action),
        Mode::Help { scroll, back } => {
            let last = crate::console::view::help_lines(app.lang).len();
            app.mode = match scrolled(key.code, scroll, last.saturating_sub(1)) {
                Some(scroll) if action == Some(Action::Scroll) => Mode::Help { scroll, back },
                _ => *back,
            };
            vec![]
        }
    }
}

/// The log's store filter after `current`: each configured store in turn, then every store.
fn next_store(stores: &[Store], current: Option<Store>) -> Option<Store> {
    match current.and_then(|c| stores.iter().position(|s| *s == c)) {
        None => stores.first().copied(),
        Some(at) => stores.get(at + 1).copied(),
    }
}

pub(super) fn switch_tab(app: &mut App, tab: Tab) -> Vec<Cmd> {
    app.tab = tab;
    app.selected_id = None;
    match tab {
        Tab::Store(_) => vec![reload(app, false)],
        Tab::Log => vec![],
    }
}

pub(super) fn next_tab(app: &mut App, forward: bool) -> Vec<Cmd> {
    let tabs = app.tabs();
    let at = tabs.iter().position(|t| *t == app.tab).unwrap_or(0);
    let n = tabs.len();
    let next = if forward {
        (at + 1) % n
    } else {
        (at + n - 1) % n
    };
    switch_tab(app, tabs[next])
}

/// The log tab: `f` follows or pauses (scrolling up pauses), arrows and pages scroll, `w` wraps,
/// `e` shows errors only, `c` cycles the store shown, `Esc` goes back to the tab before.
pub(super) fn log_key(app: &mut App, action: Option<Action>, key: KeyEvent) -> Vec<Cmd> {
    let stores = app.tab_stores();
    let view = &mut app.log_view;
    let page = 10;
    let scroll_up = |view: &mut crate::console::state::LogView, by: usize| {
        view.follow = false;
        view.scroll += by;
    };
    let Some(action) = action else {
        return vec![];
    };
    match (action, key.code) {
        (Action::NextTab, code) => return next_tab(app, code == KeyCode::Tab),
        (Action::Back, _) => return next_tab(app, false),
        (Action::Follow, _) => {
            view.follow = !view.follow;
            if view.follow {
                view.scroll = 0;
                view.unseen = 0;
            }
        }
        (Action::Scroll, KeyCode::Up | KeyCode::Char('k')) => scroll_up(view, 1),
        (Action::Scroll, KeyCode::PageUp) => scroll_up(view, page),
        (Action::Scroll, KeyCode::PageDown) => view.scroll = view.scroll.saturating_sub(page),
        (Action::Scroll, _) => view.scroll = view.scroll.saturating_sub(1),
        (Action::Edges, KeyCode::Home | KeyCode::Char('g')) => scroll_up(view, LOG_LINES),
        (Action::Edges, _) => {
            view.scroll = 0;
            view.follow = true;
            view.unseen = 0;
        }
        (Action::Wrap, _) => view.wrap = !view.wrap,
        (Action::ErrorsOnly, _) => view.errors_only = !view.errors_only,
        (Action::CycleStore, _) => {
            view.store = next_store(&stores, view.store);
        }
        (Action::Stop, _) => return store_action(app, Action::Stop).unwrap_or_default(),
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
/// selected order, `F` the failed orders again; in the detail, `s` plans its order alone and `d`
/// dry-runs it. The command line's `:sync`, `:dry-run` and `:pull` are the same actions.
pub(super) fn store_action(app: &mut App, action: Action) -> Option<Vec<Cmd>> {
    let in_detail = matches!(app.mode, Mode::Detail);
    let selected = match &app.mode {
        Mode::Detail => app.detail.as_ref().map(|d| &d.row),
        _ => app.selected_row(),
    }
    .map(|r| (r.stored.order.store, r.stored.id));
    let one_order = || {
        (
            selected.map(|s| s.0),
            selected.map(|s| PlanScope::Order(s.1)),
        )
    };
    let (channel, scope) = match action {
        Action::SyncOrder | Action::SyncSelected => one_order(),
        // In an order's detail, `d` dry-runs that order, as `s` plans that order (issue 19).
        Action::DryRun if in_detail => one_order(),
        Action::SyncStore => (app.target_store(), Some(PlanScope::Pending)),
        Action::RetryFailed => (app.target_store(), Some(PlanScope::Failed)),
        Action::DryRun | Action::Pull => (app.target_store(), None),
        Action::Stop => {
            // This console's run is stopped here; any other run of the store — the schedule,
            // watch, another console or process — through the database (issue 20).
            match (running_store(app), app.target_store()) {
                (Some(channel), _) => ask(app, Question::StopRun(channel)),
                (None, Some(channel)) if app.stores.contains(&channel) => {
                    ask(app, Question::StopAnyRun(channel));
                }
                _ => {}
            }
            return Some(vec![]);
        }
        _ => return None,
    };
    let Some(channel) = channel.filter(|c| app.stores.contains(c)) else {
        let text = match channel {
            Some(c) => Say::NotConfigured(crate::text::store(c, app.lang)),
            None => Say::NoStoreConfigured,
        }
        .get(app.lang);
        app.push_log(text, true);
        return Some(vec![]);
    };
    Some(match (action, scope) {
        (Action::DryRun, scope) => {
            vec![Cmd::DryRun(channel, scope.unwrap_or(PlanScope::Pending))]
        }
        (Action::Pull, _) => vec![Cmd::PullNow(channel)],
        (_, Some(_)) if app.runs.contains(&channel) => {
            let store = crate::text::store(channel, app.lang);
            app.push_store_log(channel, Say::RunInProgress(store).get(app.lang), true);
            vec![]
        }
        (_, Some(scope)) => vec![Cmd::Plan(channel, scope)],
        (_, None) => vec![],
    })
}

pub(super) fn list_key(app: &mut App, action: Option<Action>, key: KeyEvent) -> Vec<Cmd> {
    let Some(action) = action else {
        return vec![];
    };
    if let Some(cmds) = store_action(app, action) {
        return cmds;
    }
    let rows = app.rows().len();
    match (action, key.code) {
        // A search in force is cleared by Esc, as the search box's own Esc does (issue 19).
        (Action::ClearSearch, _) if !app.search.value().is_empty() => {
            app.search.reset();
            return vec![reload(app, false)];
        }
        (Action::Move, KeyCode::Down | KeyCode::Char('j')) if app.selected + 1 < rows => {
            app.select_row(app.selected + 1);
        }
        (Action::Move, KeyCode::Up | KeyCode::Char('k')) => {
            app.select_row(app.selected.saturating_sub(1))
        }
        (Action::Edges, KeyCode::Home | KeyCode::Char('g')) => app.select_row(0),
        (Action::Edges, _) => app.select_row(rows.saturating_sub(1)),
        (Action::Page, KeyCode::PageDown | KeyCode::Char('n')) => {
            let matching = app.page.as_ref().map_or(0, |p| p.matching);
            if app.offset + app.page_size < matching {
                app.offset += app.page_size;
                app.selected = 0;
                app.selected_id = None;
                return vec![reload(app, true)];
            }
        }
        (Action::Page, _) if app.offset > 0 => {
            app.offset = app.offset.saturating_sub(app.page_size);
            app.selected = 0;
            app.selected_id = None;
            return vec![reload(app, true)];
        }
        (Action::NextTab, code) => return next_tab(app, code == KeyCode::Tab),
        // The period in place, applied at once for every process (作成期間 N日).
        (Action::Period, code) => {
            if let Some(channel) = app.store_tab()
                && let Some(view) = app.schedules.get(&channel)
            {
                let days = view.settings.rules.period.days();
                let days = if code == KeyCode::Char('+') {
                    days + 1
                } else {
                    days.saturating_sub(1)
                };
                if let Ok(period) = crate::domain::Period::try_from(days) {
                    return apply_command(app, Command::Period(period));
                }
            }
        }
        (Action::Filter, KeyCode::Char(c)) => {
            let index = c as usize - '0' as usize;
            app.verdict = index.checked_sub(1).map(|i| Verdict::ALL[i]);
            return vec![reload(app, false)];
        }
        (Action::Search, _) => app.mode = Mode::Search,
        (Action::Hold, _) => {
            return app
                .selected_row()
                .map(|row| vec![super::forms::toggle_hold(row, None)])
                .unwrap_or_default();
        }
        (Action::Reload, _) => return vec![reload(app, true), Cmd::LoadSchedules],
        (Action::Settings, _) => {
            if let Some(channel) = app.target_store().or(app.tab_stores().first().copied()) {
                app.mode = Mode::Settings {
                    store: channel,
                    row: 0,
                };
            }
        }
        (Action::Open | Action::Edit, _) => {
            let Some(row) = app.selected_row().cloned() else {
                return vec![];
            };
            let id = row.stored.id;
            app.detail = Some(Detail {
                row,
                attempts: Vec::new(),
            });
            app.mode = Mode::Detail;
            if action == Action::Edit {
                open_editor(app);
            }
            return vec![Cmd::LoadDetail(id)];
        }
        _ => {}
    }
    vec![]
}

pub(super) fn search_key(app: &mut App, action: Option<Action>, key: KeyEvent) -> Vec<Cmd> {
    match action {
        Some(Action::Run) => {
            app.mode = Mode::List;
            vec![reload(app, false)]
        }
        Some(Action::ClearSearch) => {
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
