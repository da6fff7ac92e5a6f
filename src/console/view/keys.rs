//! The key bar at the bottom and the help screen, both drawn from the keymap's table.

use super::*;
use crate::console::keymap::{self, Action, Bar, Binding, Scope};

/// The keys of the view shown, most needed first; `?` and `q` (or Esc) always show. The
/// command line draws its own hint.
pub(super) fn draw_keys(frame: &mut Frame, app: &App, area: Rect) {
    let scope = app.scope();
    let item = |b: &Binding| (b.label(app.lang), b.hint.get(app.lang));
    let (keys, always): (Vec<_>, Vec<_>) = match scope {
        Scope::Command => (vec![], vec![]),
        _ => (
            keymap::of(scope)
                .filter(|b| b.bar == Bar::Shown)
                .map(item)
                .collect(),
            keymap::of(scope)
                .filter(|b| b.bar == Bar::Always)
                .map(item)
                .collect(),
        ),
    };
    let bar = text::key_bar(&keys, &always, area.width as usize);
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(
            bar,
            Style::default().add_modifier(Modifier::DIM),
        ))),
        area,
    );
}

/// The widest a help line may be: the help box inside 80 columns.
const HELP_WIDTH: usize = 78;

/// `title` then `items`, two spaces apart, wrapped at the help's width: on the title's line when
/// it is short, else on lines of their own; continuation lines indented.
fn wrapped(title: &str, items: &[String]) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let mut lines = Vec::new();
    let mut line = title.to_owned();
    if title.width() > 24 {
        lines.push(std::mem::replace(&mut line, String::from(" ")));
    }
    for item in items {
        let fits = line.trim().is_empty() || line.width() + 2 + item.width() <= HELP_WIDTH;
        if !fits {
            lines.push(std::mem::replace(&mut line, String::from(" ")));
        }
        line.push_str(if line.trim().is_empty() || line == title {
            " "
        } else {
            "  "
        });
        line.push_str(item);
    }
    if !line.trim().is_empty() {
        lines.push(line);
    }
    lines
}

/// Every key and command, for the help screen (and the README's keymap, which a test keeps
/// equal to it): each scope's bindings from the keymap's table, the command line's commands,
/// and what the verdicts mean. Each line fits 78 cells.
pub fn help_lines(lang: crate::config::Language) -> Vec<String> {
    let items = |scope: Scope, keep: &dyn Fn(&Binding) -> bool| -> Vec<String> {
        keymap::of(scope)
            .filter(|b| keep(b))
            .map(|b| format!("{} {}", b.label(lang), b.hint.get(lang)))
            .collect()
    };
    let everywhere = |b: &Binding| matches!(b.action, Action::Help | Action::CommandLine);
    let mut lines = Vec::new();
    type Keep<'a> = &'a dyn Fn(&Binding) -> bool;
    let sections: [(Phrase, Scope, Keep); 12] = [
        (Phrase::HelpList, Scope::List, &|b| !b.action.writes()),
        (Phrase::HelpWriting, Scope::List, &|b| b.action.writes()),
        (Phrase::HelpDetail, Scope::Detail, &|b| !everywhere(b)),
        (Phrase::HelpForm, Scope::Form, &|b| !everywhere(b)),
        (Phrase::HelpSettings, Scope::Settings, &|b| !everywhere(b)),
        (Phrase::HelpLog, Scope::Log, &|b| !everywhere(b)),
        (Phrase::HelpSearch, Scope::Search, &|_| true),
        (Phrase::HelpCommandLine, Scope::Command, &|_| true),
        (Phrase::HelpPlan, Scope::Confirm, &|_| true),
        (Phrase::HelpImport, Scope::ConfirmImport, &|_| true),
        (Phrase::HelpDialogs, Scope::Ask, &|_| true),
        (Phrase::HelpHelp, Scope::Help, &|_| true),
    ];
    for (title, scope, keep) in sections {
        lines.extend(wrapped(title.get(lang).trim(), &items(scope, keep)));
    }
    let commands: Vec<String> = crate::console::command_line::SYNTAX
        .iter()
        .map(|(name, argument)| {
            let argument = crate::console::command_line::argument(argument, lang);
            if argument.is_empty() {
                format!(":{name}")
            } else {
                format!(":{name} {argument}")
            }
        })
        .collect();
    lines.extend(wrapped(Phrase::HelpCommands.get(lang), &commands));
    for phrase in [
        Phrase::HelpCtrlC,
        Phrase::HelpVerdicts,
        Phrase::HelpVerdictsMore,
        Phrase::HelpNeverTwice,
    ] {
        lines.push(phrase.get(lang).to_owned());
    }
    lines
}

/// The help over the whole screen, from line `scroll`.
pub(super) fn draw_help(frame: &mut Frame, app: &App, area: Rect, scroll: usize) {
    let lines = help_lines(app.lang);
    let room = area.height.saturating_sub(2) as usize;
    let scrolls = lines.len() > room;
    let scroll = scroll.min(lines.len().saturating_sub(room));
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = Rect {
        x: area.x,
        y: area.y,
        width: area.width,
        height,
    };
    frame.render_widget(Clear, rect);
    let title = if scrolls {
        Phrase::HelpScrolls
    } else {
        Phrase::HelpTitle
    };
    frame.render_widget(
        Paragraph::new(
            lines
                .into_iter()
                .skip(scroll)
                .map(Line::from)
                .collect::<Vec<_>>(),
        )
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(title.get(app.lang)),
        ),
        rect,
    );
}
