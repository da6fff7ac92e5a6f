//! Drawing: reads the [`App`] and nothing else. Fits 80×24: a header with the store tabs and
//! counts, one line per store for its schedule, the list (or the detail, the edit form, the
//! settings), the last lines of the log, and the keys. Colour only when allowed (`NO_COLOR`);
//! the selection is shown by reversing, which needs none.

mod detail;
mod dialogs;
mod header;
mod keys;
mod list;
mod log;
mod settings;

pub use keys::help_lines;
pub use list::WIDE;
// Each screen's drawing lives in its own file; `draw` calls them all.
use self::{detail::*, dialogs::*, header::*, keys::*, list::*, log::*, settings::*};

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, TableState, Wrap};

use super::edit_form::{EditForm, Field};
use super::settings_form::ROWS;
use super::state::{
    App, Ask, Confirm, Detail, ImportConfirm, Mode, Progress, Question, ScheduleView, Tab,
};
use crate::domain::job::JobKind;
use crate::domain::{Store, Verdict};
use crate::text::settings::label;
use crate::text::{self, Phrase, Say};

pub(super) fn verdict_style(app: &App, verdict: Verdict) -> Style {
    if !app.color {
        return Style::default();
    }
    Style::default().fg(match verdict {
        Verdict::Pending => Color::Yellow,
        Verdict::Synced => Color::Green,
        Verdict::Waiting => Color::Cyan,
        Verdict::Failed => Color::Red,
        Verdict::Ineligible => Color::DarkGray,
        Verdict::Drift => Color::Magenta,
    })
}

pub(super) fn error_style(app: &App) -> Style {
    if app.color {
        Style::default().fg(Color::Red)
    } else {
        Style::default().add_modifier(Modifier::BOLD)
    }
}

pub(super) fn local(app: &App, at: DateTime<Utc>, format: &str) -> String {
    at.with_timezone(&app.tz).format(format).to_string()
}

/// The smallest screen the console draws on (SPEC §5: 80×24 over SSH).
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = Say::TerminalTooSmall {
            width: area.width,
            height: area.height,
        }
        .get(app.lang);
        frame.render_widget(Paragraph::new(text::clip(&text, area.width as usize)), area);
        return;
    }
    let store = app.store_tab();
    let (store_lines, log_lines) = if store.is_some() { (2, 4) } else { (0, 0) };
    let [header, schedule, main, log, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(store_lines),
        Constraint::Min(6),
        Constraint::Length(log_lines),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(frame, app, header);
    if let Some(channel) = store {
        draw_store_lines(frame, app, schedule, channel);
        draw_log(frame, app, log);
    }
    match (app.view_mode(), store) {
        (Mode::Detail, _) => draw_detail(frame, app, main, None),
        (Mode::Edit(form), _) => draw_detail(frame, app, main, Some(form)),
        (
            Mode::Settings {
                store: channel,
                row,
            },
            _,
        ) => draw_settings(frame, app, main, *channel, *row),
        (_, None) => draw_log_tab(frame, app, main),
        _ => draw_list(frame, app, main),
    }
    draw_keys(frame, app, keys);
    match &app.mode {
        Mode::Help { scroll, .. } => draw_help(frame, app, area, *scroll),
        Mode::Confirm(confirm) => draw_confirm(frame, app, main, confirm),
        Mode::ConfirmImport(confirm) => draw_import(frame, app, main, confirm),
        Mode::Ask(ask) => draw_ask(frame, app, main, ask),
        Mode::Command { input, error, .. } => {
            draw_command(frame, app, keys, input, error.as_deref())
        }
        _ => {}
    }
    if app.ascii {
        asciify(frame.buffer_mut());
    }
}

/// The glyphs of the chrome whose width is East Asian Ambiguous (two cells on terminals set to
/// "ambiguous = double", common in Japan), and the one-cell ASCII that replaces each.
pub const ASCII: [(&str, &str); 19] = [
    ("─", "-"),
    ("│", "|"),
    ("┌", "+"),
    ("┐", "+"),
    ("└", "+"),
    ("┘", "+"),
    ("·", "/"),
    ("…", "~"),
    ("—", "-"),
    ("–", "-"),
    ("▏", "|"),
    ("←", "<"),
    ("→", ">"),
    ("↑", "^"),
    ("↓", "v"),
    ("×", "x"),
    ("○", "o"),
    ("●", "*"),
    ("※", "*"),
];

/// `--ascii`: every ambiguous-width glyph of the screen becomes ASCII, cell for cell, so the
/// layout stays as drawn.
pub(super) fn asciify(buffer: &mut ratatui::buffer::Buffer) {
    for cell in buffer.content.iter_mut() {
        if let Some((_, ascii)) = ASCII.iter().find(|(glyph, _)| cell.symbol() == *glyph) {
            cell.set_symbol(ascii);
        }
    }
}
