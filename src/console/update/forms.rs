//! Keys of an order's detail, its edit form, and a store's settings.

use super::*;

pub(super) fn detail_key(app: &mut App, action: Option<Action>) -> Vec<Cmd> {
    let Some(action) = action else {
        return vec![];
    };
    if let Some(cmds) = store_action(app, action) {
        return cmds;
    }
    match action {
        Action::Back => {
            // Back on the order the detail showed, wherever the list has moved it.
            if let Some(detail) = &app.detail {
                app.selected_id = Some(detail.row.stored.id);
            }
            app.mode = Mode::List;
            app.detail = None;
            vec![reload(app, true)]
        }
        Action::Edit => {
            open_editor(app);
            vec![]
        }
        Action::RawExchange => {
            app.show_raw = !app.show_raw;
            vec![]
        }
        // A mail the store refused goes only when the operator asks, after a question.
        Action::SendMail => {
            let Some(d) = &app.detail else {
                return vec![];
            };
            let (order, remote) = (&d.row.stored.order, &d.row.stored.remote);
            if remote.mail_error.is_some()
                && remote.mail_sent_at.is_none()
                && app.stores.contains(&order.store)
            {
                ask(app, Question::SendMail(order.store, d.row.stored.id));
            }
            vec![]
        }
        Action::ResolveOurs | Action::ResolveStore => {
            if let Some(d) = app
                .detail
                .as_ref()
                .filter(|d| d.row.stored.remote.drift.is_some())
            {
                let order_id = d.row.stored.id;
                ask(
                    app,
                    Question::Resolve {
                        order_id,
                        ours: action == Action::ResolveOurs,
                    },
                );
            }
            vec![]
        }
        Action::Hold => app
            .detail
            .as_ref()
            .map(|d| vec![toggle_hold(&d.row, None)])
            .unwrap_or_default(),
        // Read again from the store itself (where it is configured), so "synced" is never a
        // guess; otherwise from the database.
        Action::ReadStore => app
            .detail
            .as_ref()
            .map(|d| {
                let (channel, id) = (d.row.stored.order.store, d.row.stored.id);
                if app.stores.contains(&channel) {
                    vec![Cmd::Reread(channel, id)]
                } else {
                    vec![Cmd::LoadDetail(id)]
                }
            })
            .unwrap_or_default(),
        _ => vec![],
    }
}

/// Every setting change goes to the log with who made it (issue 19).
pub(super) fn log_setting_change(
    app: &mut App,
    store: Store,
    before: &OperationalSettings,
    after: &OperationalSettings,
) {
    let changes = crate::text::settings::changes(before, after, store, app.lang);
    if changes.is_empty() {
        return;
    }
    let who = if app.operator.is_empty() {
        String::new()
    } else {
        format!(" ({})", app.operator)
    };
    let text = format!("{store}: {}{who}", changes.join(" · "));
    app.push_store_log(store, text, false);
}

/// The edit form, filled with the order as read.
pub(super) fn open_editor(app: &mut App) {
    let Some(detail) = &app.detail else {
        return;
    };
    app.mode = Mode::Edit(Box::new(EditForm::open(
        detail.row.stored.id,
        &detail.row.stored.order,
    )));
}

pub(super) fn edit_key(
    app: &mut App,
    mut form: Box<EditForm>,
    action: Option<Action>,
    key: KeyEvent,
) -> Vec<Cmd> {
    match action {
        Some(Action::Back) if form.is_dirty() => {
            app.mode = Mode::Edit(form);
            ask(app, Question::DiscardEdit);
            return vec![];
        }
        Some(Action::Back) => {
            app.mode = Mode::Detail;
            return vec![];
        }
        Some(Action::Save) => {
            let Some(detail) = &app.detail else {
                app.mode = Mode::List;
                return vec![];
            };
            match form.edit(&detail.row.stored.order, app.lang) {
                Ok(edit) if edit == OrderEdit::default() => {
                    app.mode = Mode::Detail;
                    return vec![];
                }
                Ok(edit) => {
                    let cmd = Cmd::Save {
                        order_id: form.order_id,
                        revision: detail.row.stored.revision,
                        edit,
                    };
                    form.error = None;
                    app.mode = Mode::Edit(form);
                    return vec![cmd];
                }
                Err(e) => form.error = Some(e),
            }
        }
        // Fields, choices, today's date and typing are the form's own.
        _ => form.key(key, app.now.with_timezone(&app.tz).date_naive()),
    }
    app.mode = Mode::Edit(form);
    vec![]
}

pub(super) fn settings_key(
    app: &mut App,
    store: Store,
    row: usize,
    action: Option<Action>,
    key: KeyEvent,
) -> Vec<Cmd> {
    let (toggle, up) = match (action, key.code) {
        (Some(Action::Back), _) => {
            app.mode = Mode::List;
            return vec![];
        }
        (Some(Action::NextStore), _) => {
            let stores = app.tab_stores();
            let at = stores.iter().position(|c| *c == store).unwrap_or(0);
            let next = stores
                .get((at + 1) % stores.len().max(1))
                .copied()
                .unwrap_or(store);
            app.mode = Mode::Settings { store: next, row };
            return vec![];
        }
        (Some(Action::Row), KeyCode::Down | KeyCode::Char('j')) => {
            app.mode = Mode::Settings {
                store,
                row: (row + 1).min(ROWS.len() - 1),
            };
            return vec![];
        }
        (Some(Action::Row), _) => {
            app.mode = Mode::Settings {
                store,
                row: row.saturating_sub(1),
            };
            return vec![];
        }
        (Some(Action::Toggle), _) => (true, true),
        (Some(Action::Change), KeyCode::Right | KeyCode::Char('l') | KeyCode::Char('+')) => {
            (false, true)
        }
        (Some(Action::Change), _) => (false, false),
        _ => return vec![],
    };
    let Some(view) = app.schedules.get_mut(&store) else {
        return vec![];
    };
    match settings_form::change(&view.settings, store, ROWS[row], toggle, up) {
        // Turning on what writes by itself is a write: the plan first (SPEC §3).
        Some(next) if next.auto_sync && !view.settings.auto_sync => {
            ask_to_switch_on(app, Switch::AutoSync)
        }
        Some(next) if next.watch && !view.settings.watch => ask_to_switch_on(app, Switch::Watch),
        Some(next) => {
            // Shown at once; saved for every process sharing the database.
            let before = std::mem::replace(&mut view.settings, next);
            log_setting_change(app, store, &before, &next);
            vec![Cmd::SaveSettings(store, next)]
        }
        None => vec![],
    }
}

/// Holds an order that is not held (with the operator's words, if any), releases one that is.
pub(super) fn toggle_hold(row: &crate::db::ListedOrder, reason: Option<String>) -> Cmd {
    Cmd::SetHold {
        order_id: row.stored.id,
        hold: row
            .stored
            .remote
            .hold
            .is_none()
            .then(|| reason.unwrap_or_default()),
    }
}
