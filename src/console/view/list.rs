//! The order list of a store tab, with its verdict counts.

use super::*;

/// Wide enough for the carrier, 出荷日 and 更新日時 columns.
pub const WIDE: u16 = 120;

pub(super) fn draw_list(frame: &mut Frame, app: &App, area: Rect) {
    let wide = area.width >= WIDE;
    let mut head = vec![
        Phrase::Number.get(app.lang),
        Phrase::Status.get(app.lang),
        Phrase::Tracking.get(app.lang),
    ];
    let mut widths = vec![
        Constraint::Length(10),
        Constraint::Length(10),
        Constraint::Length(13),
    ];
    if wide {
        head.extend([
            Phrase::Carrier.get(app.lang),
            Phrase::ShippedColumn.get(app.lang),
            Phrase::Changed.get(app.lang),
        ]);
        widths.extend([
            Constraint::Length(10),
            Constraint::Length(10),
            Constraint::Length(11),
        ]);
    }
    head.extend([
        Phrase::Verdict.get(app.lang),
        Phrase::WhyOrWhatIsSent.get(app.lang),
    ]);
    widths.extend([Constraint::Length(10), Constraint::Min(10)]);
    // The fixed columns and their gaps; the reason gets the rest.
    let fixed: u16 = widths
        .iter()
        .map(|c| match c {
            Constraint::Length(n) => n + 1,
            _ => 0,
        })
        .sum();
    let why_width = (area.width.saturating_sub(fixed) as usize).max(10);
    let rows: Vec<Row> = app
        .rows()
        .iter()
        .map(|r| {
            let o = &r.stored.order;
            let e = &r.evaluation;
            let tracking = if o.tracking.is_empty() {
                "—".to_owned()
            } else {
                text::clip(&o.tracking.to_text(), 13)
            };
            let mut cells = vec![
                Cell::from(text::clip(&o.number, 10)),
                Cell::from(text::status(o.status, app.lang)),
                Cell::from(tracking),
            ];
            if wide {
                cells.extend([
                    Cell::from(o.carrier.as_ref().map_or_else(
                        || "—".to_owned(),
                        |c| text::clip(text::carrier(c, app.lang), 10),
                    )),
                    Cell::from(
                        o.shipped_on
                            .map_or_else(|| "—".into(), |d| d.format("%m-%d").to_string()),
                    ),
                    Cell::from(local(app, o.updated_at, "%m-%d %H:%M")),
                ]);
            }
            cells.extend([
                Cell::from(text::verdict(e.verdict, app.lang)).style(verdict_style(app, e.verdict)),
                Cell::from(text::clip(&text::explain(e, app.lang), why_width)),
            ]);
            Row::new(cells)
        })
        .collect();
    let title = {
        let matching = app.page.as_ref().map_or(0, |p| p.matching);
        let shown = app.rows().len() as u64;
        let from = if shown == 0 { 0 } else { app.offset + 1 };
        let search = app.search.value();
        // The order is always the same: the newest change first (then the newest order).
        let sort = Phrase::NewestChangeFirst.get(app.lang);
        let mut t = vec![Span::raw(format!(
            " {from}–{}/{matching} {sort} │",
            app.offset + shown
        ))];
        t.extend(verdict_counts(app));
        if matches!(app.mode, Mode::Search) || !search.is_empty() {
            let cursor = if matches!(app.mode, Mode::Search) {
                "▏"
            } else {
                ""
            };
            t.push(Span::raw(format!("/{search}{cursor} ")));
        }
        if app.loading {
            t.push(Span::raw("…"));
        }
        Line::from(t)
    };
    let table = Table::new(rows, widths)
        .header(Row::new(head).style(Style::default().add_modifier(Modifier::BOLD)))
        .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
        .block(Block::default().borders(Borders::TOP).title(title));
    let mut state =
        TableState::default().with_selected((!app.rows().is_empty()).then_some(app.selected));
    frame.render_stateful_widget(table, area, &mut state);
}

/// "1未送信 3 2送信済 20 …": the count of each verdict, with the key that filters it; the
/// filter in force reversed.
pub(super) fn verdict_counts(app: &App) -> Vec<Span<'static>> {
    let Some(page) = &app.page else {
        return vec![];
    };
    let mut spans = Vec::new();
    for (i, verdict) in Verdict::ALL.iter().enumerate() {
        let n: u64 = match app.store_tab() {
            Some(c) => page.counts.get(c, *verdict),
            None => page.counts.total(*verdict),
        };
        let mut style = verdict_style(app, *verdict);
        if app.verdict == Some(*verdict) {
            style = style.add_modifier(Modifier::REVERSED);
        }
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            format!("{}{} {n}", i + 1, text::verdict(*verdict, app.lang)),
            style,
        ));
    }
    spans.push(Span::raw(" "));
    spans
}
