//! A store's settings screen.

use super::*;

pub(super) fn draw_settings(
    frame: &mut Frame,
    app: &App,
    area: Rect,
    channel: Store,
    selected: usize,
) {
    let title = Say::SettingsTitle(text::store(channel, app.lang)).get(app.lang);
    let block = Block::default().borders(Borders::TOP).title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(view) = app.schedules.get(&channel) else {
        frame.render_widget(Paragraph::new("…"), inner);
        return;
    };
    let lines: Vec<Line> = ROWS
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let (name, value) = label(*row, &view.settings, channel, app.lang);
            let style = if i == selected {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            Line::from(vec![
                Span::raw(format!("  {} ", text::fit(&name, 22))),
                Span::styled(format!(" {value} "), style),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
