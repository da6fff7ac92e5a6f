//! Keys of the command line, the confirmations and the questions, and the questions asked.

use super::*;

/// Opens the help over the current mode; any key but a scroll comes back to it.
pub(super) fn open_help(app: &mut App) {
    let back = Box::new(std::mem::replace(&mut app.mode, Mode::List));
    app.mode = Mode::Help { scroll: 0, back };
}

/// Opens a yes/no question over the current mode.
pub(super) fn ask(app: &mut App, question: Question) {
    let back = Box::new(std::mem::replace(&mut app.mode, Mode::List));
    app.mode = Mode::Ask(Box::new(Ask { question, back }));
}

/// The store whose run this console would stop: a run it started, else none.
pub(super) fn running_store(app: &App) -> Option<Store> {
    app.runs.iter().next().copied()
}

/// `q` (at the top) and Ctrl-C: quit at once when nothing would be lost; otherwise ask.
pub(super) fn quit_or_ask(app: &mut App) {
    let dirty = matches!(&app.mode, Mode::Edit(form) if form.is_dirty());
    if app.run_active() || app.pull_active() || dirty {
        ask(app, Question::Quit);
    } else {
        app.quit = true;
    }
}

/// The `:` command line: `Enter` runs it from the view it was opened on (a bad one stays open
/// with its error, in the command line), `Tab` completes the command name, `Esc` drops it.
pub(super) fn command_key(
    app: &mut App,
    mut input: tui_input::Input,
    back: Box<Mode>,
    action: Option<Action>,
    key: KeyEvent,
) -> Vec<Cmd> {
    match action {
        Some(Action::Back) => {
            app.mode = *back;
            vec![]
        }
        Some(Action::Complete) => {
            let stores = app.tab_stores();
            let names: Vec<&str> = stores.iter().map(|s| s.name()).collect();
            let completed = crate::console::command_line::complete(input.value(), &names);
            app.mode = Mode::Command {
                input: tui_input::Input::default().with_value(completed),
                error: None,
                back,
            };
            vec![]
        }
        Some(Action::Run) => {
            let parsed =
                crate::console::command_line::parse(input.value(), app.store_tab(), app.lang)
                    .and_then(|command| tab_named(app, command));
            match parsed {
                Ok(command) => {
                    app.mode = *back;
                    app.last_command = Some(input.value().to_owned());
                    apply_command(app, command)
                }
                Err(error) => {
                    app.mode = Mode::Command {
                        input,
                        error: Some(error),
                        back,
                    };
                    vec![]
                }
            }
        }
        _ => {
            input.handle_event(&Event::Key(key));
            app.mode = Mode::Command {
                input,
                error: None,
                back,
            };
            vec![]
        }
    }
}

/// A command that failed after it ran (`:import` of a file that cannot be read, `:order` of
/// no such order): the command line opens again on it with the error, as a bad value does, when
/// the operator is still where it was typed; otherwise the log says it.
pub(super) fn command_line_error(app: &mut App, error: String) {
    match (&app.mode, app.last_command.clone()) {
        (Mode::List | Mode::Detail | Mode::Settings { .. }, Some(typed)) => {
            let back = Box::new(std::mem::replace(&mut app.mode, Mode::List));
            app.mode = Mode::Command {
                input: tui_input::Input::default().with_value(typed),
                error: Some(error),
                back,
            };
        }
        _ => app.push_log(error, true),
    }
}

/// Carries out a command of the command line (or a key that does the same).
pub(super) fn apply_command(app: &mut App, command: Command) -> Vec<Cmd> {
    let store = app.store_tab();
    let setting = |app: &mut App, change: &dyn Fn(&mut OperationalSettings)| -> Vec<Cmd> {
        let Some(channel) = store else {
            return vec![];
        };
        let Some(view) = app.schedules.get_mut(&channel) else {
            return vec![];
        };
        let before = view.settings;
        change(&mut view.settings);
        let after = view.settings;
        log_setting_change(app, channel, &before, &after);
        // Shown at once; saved for every process sharing the database.
        vec![Cmd::SaveSettings(channel, after), reload(app, true)]
    };
    let act = |app: &mut App, action: Action| store_action(app, action).unwrap_or_default();
    let current = |app: &App| {
        store
            .and_then(|c| app.schedules.get(&c))
            .map(|v| v.settings)
    };
    match command {
        Command::Period(period) => setting(app, &|s| s.rules.period = period),
        Command::Statuses(option) => setting(app, &|s| s.rules.statuses = option),
        Command::ShippedDateOnly(on) => setting(app, &|s| s.rules.shipped_date_only = on),
        Command::AutoSync(true) if !current(app).is_some_and(|s| s.auto_sync) => {
            ask_to_switch_on(app, Switch::AutoSync)
        }
        Command::AutoSync(on) => setting(app, &|s| s.auto_sync = on),
        Command::AutoSyncEvery(every) => setting(app, &|s| s.auto_sync_every = every),
        Command::AutoPull(on) => setting(app, &|s| s.auto_pull = on),
        Command::Watch(true) if !current(app).is_some_and(|s| s.watch) => {
            ask_to_switch_on(app, Switch::Watch)
        }
        Command::Watch(on) => setting(app, &|s| s.watch = on),
        Command::ActiveHours(hours) => setting(app, &|s| s.window.hours = hours),
        Command::ActiveDays(days) => setting(app, &|s| s.window.days = days),
        Command::SkipHolidays(on) => setting(app, &|s| s.window.skip_holidays = on),
        Command::AutoReconcileEvery(every) => setting(app, &|s| s.auto_reconcile_every = every),
        Command::Sync => act(app, Action::SyncStore),
        Command::DryRun => act(app, Action::DryRun),
        Command::Pull => act(app, Action::Pull),
        Command::Reconcile => store
            .filter(|c| app.stores.contains(c))
            .filter(|c| !app.reconciling.contains(c))
            .map(|channel| {
                app.push_store_log(
                    channel,
                    Say::Reconciling(crate::text::store(channel, app.lang)).get(app.lang),
                    false,
                );
                app.reconciling.insert(channel);
                vec![Cmd::Reconcile(channel)]
            })
            .unwrap_or_default(),
        Command::Filter(verdict) => {
            app.verdict = verdict;
            vec![reload(app, false)]
        }
        Command::Order(number) => store
            .map(|channel| vec![Cmd::FindOrder(channel, number)])
            .unwrap_or_default(),
        Command::Import(path) => vec![Cmd::PrepareImport(path)],
        Command::Hold(reason) => {
            let row = app.detail.as_ref().map(|d| &d.row).or(app.selected_row());
            match row {
                Some(row) if row.stored.remote.hold.is_none() => {
                    vec![super::forms::toggle_hold(row, Some(reason))]
                }
                _ => vec![],
            }
        }
        Command::Release => {
            let row = app.detail.as_ref().map(|d| &d.row).or(app.selected_row());
            match row {
                Some(row) if row.stored.remote.hold.is_some() => {
                    vec![super::forms::toggle_hold(row, None)]
                }
                _ => vec![],
            }
        }
        Command::Tab(tab) => {
            app.mode = Mode::List;
            switch_tab(app, tab)
        }
        // Resolved by the command line before it is applied (`tab_named`).
        Command::TabNamed(_) => vec![],
        Command::Help => {
            open_help(app);
            vec![]
        }
        Command::Quit => {
            quit_or_ask(app);
            vec![]
        }
    }
}

/// The confirmation: `y` runs the plan; `n`, `Esc`, `q` and `Enter` (the focus is on Cancel)
/// leave it, sending nothing; arrows scroll the orders.
pub(super) fn confirm_key(
    app: &mut App,
    mut confirm: Confirm,
    action: Option<Action>,
    key: KeyEvent,
) -> Vec<Cmd> {
    let last = confirm.plan.items.len().saturating_sub(1);
    if action == Some(Action::Scroll)
        && let Some(at) = scrolled(key.code, confirm.scroll, last)
    {
        confirm.scroll = at;
        app.mode = Mode::Confirm(Box::new(confirm));
        return vec![];
    }
    match action {
        Some(Action::Yes) => {
            let channel = confirm.plan.channel;
            app.mode = *confirm.back;
            app.runs.insert(channel);
            let mut cmds = match confirm.switch {
                Some(switch) => switch_on(app, channel, switch),
                None => vec![],
            };
            cmds.push(Cmd::RunPlan(confirm.plan));
            cmds
        }
        _ => {
            let channel = confirm.plan.channel;
            app.mode = *confirm.back;
            if let Some(switch) = confirm.switch {
                let store = crate::text::store(channel, app.lang);
                app.push_store_log(
                    channel,
                    Say::StaysOff { store, switch }.get(app.lang),
                    false,
                );
                return vec![];
            }
            let store = crate::text::store(channel, app.lang);
            app.push_store_log(channel, Say::Cancelled(store).get(app.lang), false);
            vec![]
        }
    }
}

/// The preview of a carrier file: `y` saves it; `n`, `Esc`, `Enter` and any other key leave it,
/// saving nothing; arrows scroll.
pub(super) fn import_key(
    app: &mut App,
    mut confirm: ImportConfirm,
    action: Option<Action>,
    key: KeyEvent,
) -> Vec<Cmd> {
    let last = confirm.preview.plan.orders.len();
    if action == Some(Action::Scroll)
        && let Some(at) = scrolled(key.code, confirm.scroll, last)
    {
        confirm.scroll = at;
        app.mode = Mode::ConfirmImport(Box::new(confirm));
        return vec![];
    }
    match action {
        Some(Action::Yes) => {
            app.mode = *confirm.back;
            vec![Cmd::SaveImport(Box::new(confirm.preview))]
        }
        _ => {
            app.mode = *confirm.back;
            app.push_log(Say::CarrierFileCancelled.get(app.lang), false);
            vec![]
        }
    }
}

/// A yes/no question: only `y` says yes.
pub(super) fn ask_key(app: &mut App, ask: Ask, action: Option<Action>) -> Vec<Cmd> {
    app.mode = *ask.back;
    if action != Some(Action::Yes) {
        return vec![];
    }
    match ask.question {
        Question::Quit => {
            app.quit = true;
            vec![]
        }
        Question::StopRun(channel) => {
            if let Some(p) = app.progress.get_mut(&channel) {
                p.stopping = true;
            }
            let store = crate::text::store(channel, app.lang);
            app.push_store_log(channel, Say::StoppingAfterOrder(store).get(app.lang), false);
            vec![Cmd::StopRun(channel)]
        }
        Question::StopAnyRun(channel) => {
            let store = crate::text::store(channel, app.lang);
            app.push_store_log(channel, Say::StopAsked(store).get(app.lang), false);
            vec![Cmd::RequestStop(channel)]
        }
        Question::DiscardEdit => {
            app.mode = Mode::Detail;
            vec![]
        }
        Question::SendMail(channel, id) => vec![Cmd::SendMail(channel, id)],
        Question::Resolve { order_id, ours } => vec![Cmd::Resolve { order_id, ours }],
    }
}

/// `tab NAME` as the tab it names among this console's stores (a store's name, or its channel's
/// when it has one store of it); otherwise what the tabs are, in the command line.
fn tab_named(app: &App, command: Command) -> Result<Command, String> {
    let Command::TabNamed(name) = command else {
        return Ok(command);
    };
    let stores = app.tab_stores();
    Store::choose(&name, &stores)
        .map(|store| Command::Tab(Tab::Store(store)))
        .map_err(|_| {
            let names = stores.iter().map(|s| s.name().to_owned()).collect();
            crate::text::command_error(
                &crate::console::command_line::CommandError::Tab(names),
                app.lang,
            )
        })
}
