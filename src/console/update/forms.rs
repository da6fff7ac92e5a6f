//! Keys of an order's detail, its edit form, and a store's settings.

use super::*;

pub(super) fn detail_key(app: &mut App, key: KeyEvent) -> Vec<Cmd> {
    if let Some(cmds) = store_key(app, key) {
        return cmds;
    }
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') | KeyCode::Backspace => {
            // Back on the order the detail showed, wherever the list has moved it.
            if let Some(detail) = &app.detail {
                app.selected_id = Some(detail.row.stored.id);
            }
            app.mode = Mode::List;
            app.detail = None;
            vec![reload(app, true)]
        }
        KeyCode::Char('e') | KeyCode::Enter => {
            open_editor(app);
            vec![]
        }
        KeyCode::Char('v') => {
            app.show_raw = !app.show_raw;
            vec![]
        }
        // A mail the store refused goes only when the operator asks, after a question.
        KeyCode::Char('m') => {
            let Some(d) = &app.detail else {
                return vec![];
            };
            let (order, remote) = (&d.row.stored.order, &d.row.stored.remote);
            if remote.mail_error.is_some()
                && remote.mail_sent_at.is_none()
                && app.stores.contains(&order.channel)
            {
                ask(app, Question::SendMail(order.channel, d.row.stored.id));
            }
            vec![]
        }
        // Read again from the store itself (where it is configured), so "synced" is never a
        // guess; otherwise from the database.
        KeyCode::Char('r') => app
            .detail
            .as_ref()
            .map(|d| {
                let (channel, id) = (d.row.stored.order.channel, d.row.stored.id);
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

pub(super) fn edit_key(app: &mut App, mut form: Box<EditForm>, key: KeyEvent) -> Vec<Cmd> {
    match key.code {
        KeyCode::Esc if form.is_dirty() => {
            app.mode = Mode::Edit(form);
            ask(app, Question::DiscardEdit);
            return vec![];
        }
        KeyCode::Esc => {
            app.mode = Mode::Detail;
            return vec![];
        }
        KeyCode::Enter => {
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
        _ => form.key(key, app.now.with_timezone(&app.tz).date_naive()),
    }
    app.mode = Mode::Edit(form);
    vec![]
}

pub(super) fn settings_key(app: &mut App, channel: Channel, row: usize, key: KeyEvent) -> Vec<Cmd> {
    let (toggle, up) = match key.code {
        KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('o') => {
            app.mode = Mode::List;
            return vec![];
        }
        KeyCode::Tab => {
            let next = Channel::ALL[(Channel::ALL.iter().position(|c| *c == channel).unwrap_or(0)
                + 1)
                % Channel::ALL.len()];
            app.mode = Mode::Settings { channel: next, row };
            return vec![];
        }
        KeyCode::Down | KeyCode::Char('j') => {
            app.mode = Mode::Settings {
                channel,
                row: (row + 1).min(ROWS.len() - 1),
            };
            return vec![];
        }
        KeyCode::Up | KeyCode::Char('k') => {
            app.mode = Mode::Settings {
                channel,
                row: row.saturating_sub(1),
            };
            return vec![];
        }
        KeyCode::Char(' ') | KeyCode::Enter => (true, true),
        KeyCode::Right | KeyCode::Char('l') | KeyCode::Char('+') => (false, true),
        KeyCode::Left | KeyCode::Char('h') | KeyCode::Char('-') => (false, false),
        _ => return vec![],
    };
    let Some(view) = app.schedules.get_mut(&channel) else {
        return vec![];
    };
    match settings_form::change(&view.settings, channel, ROWS[row], toggle, up) {
        Some(next) => {
            // Shown at once; saved for every process sharing the database.
            view.settings = next;
            vec![Cmd::SaveSettings(channel, next)]
        }
        None => vec![],
    }
}
