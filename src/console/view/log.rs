//! The last lines of the log under the list, and the log tab.

use super::*;

pub(super) fn log_line<'a>(app: &App, l: &'a crate::console::state::LogLine) -> Line<'a> {
    let style = if l.error {
        error_style(app)
    } else {
        Style::default()
    };
    Line::from(vec![
        Span::styled(
            format!("{} ", local(app, l.at, "%H:%M:%S")),
            Style::default().add_modifier(Modifier::DIM),
        ),
        Span::styled(l.text.as_str(), style),
    ])
}

/// The store tab's live tail of the log: its store's lines and the general ones, cut to a line
/// each (the log tab shows them whole).
pub(super) fn draw_log(frame: &mut Frame, app: &App, area: Rect) {
    let height = area.height.saturating_sub(1) as usize;
    let store = app.store_tab();
    let width = area.width as usize;
    let mine: Vec<&crate::console::state::LogLine> = app
        .log
        .iter()
        .filter(|l| l.store.is_none() || l.store == store)
        .collect();
    let lines: Vec<Line> = mine[mine.len().saturating_sub(height)..]
        .iter()
        .map(|l| {
            let mut line = log_line(app, l);
            if let Some(last) = line.spans.pop() {
                let room = width.saturating_sub(9);
                line.spans
                    .push(Span::styled(text::clip(&last.content, room), last.style));
            }
            line
        })
        .collect();
    let title = Phrase::LogTailTitle.get(app.lang);
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::TOP).title(title)),
        area,
    );
}

/// The log tab: the log sized to the screen, following the newest line or paused where the
/// operator scrolled, wrapped or cut, filtered by store and to errors.
pub(super) fn draw_log_tab(frame: &mut Frame, app: &App, area: Rect) {
    let v = &app.log_view;
    let shown: Vec<&crate::console::state::LogLine> = app
        .log
        .iter()
        .filter(|l| !v.errors_only || l.error)
        .filter(|l| {
            v.store
                .is_none_or(|s| l.store.is_none() || l.store == Some(s))
        })
        .collect();
    let block_title = {
        let mut parts = vec![if v.follow {
            Say::Following.get(app.lang)
        } else {
            Say::Paused(v.unseen).get(app.lang)
        }];
        if let Some(store) = v.store {
            parts.push(text::store(store, app.lang).to_owned());
        }
        if v.errors_only {
            parts.push(Say::ErrorsOnly.get(app.lang));
        }
        parts.push(format!("{}/{}", shown.len(), app.log.len()));
        if app.log_dropped > 0 {
            parts.push(Say::Dropped(app.log_dropped).get(app.lang));
        }
        format!(" {} ", parts.join(" · "))
    };
    let block = Block::default().borders(Borders::TOP).title(block_title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = inner.height as usize;
    let end = shown
        .len()
        .saturating_sub(if v.follow { 0 } else { v.scroll });
    // From the newest line shown upwards, as many rows as fit; a wrapped line takes several.
    let text_width = (inner.width as usize).saturating_sub(9).max(10);
    let mut rows: Vec<Line> = Vec::new();
    for l in shown[..end].iter().rev() {
        let style = if l.error {
            error_style(app)
        } else {
            Style::default()
        };
        let parts = if v.wrap {
            text::wrap(&l.text, text_width)
        } else {
            vec![text::clip(&l.text, text_width)]
        };
        let mut entry: Vec<Line> = parts
            .into_iter()
            .enumerate()
            .map(|(i, part)| {
                let stamp = if i == 0 {
                    local(app, l.at, "%H:%M:%S ")
                } else {
                    " ".repeat(9)
                };
                Line::from(vec![
                    Span::styled(stamp, Style::default().add_modifier(Modifier::DIM)),
                    Span::styled(part, style),
                ])
            })
            .collect();
        if rows.len() + entry.len() > height {
            break;
        }
        entry.reverse();
        rows.extend(entry);
    }
    rows.reverse();
    frame.render_widget(Paragraph::new(rows), inner);
}
