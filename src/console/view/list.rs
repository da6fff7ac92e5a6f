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
                text::clip(&o.tracking.display(), 13)
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
    let title = list_title(app, area.width as usize);
    let table = Table::new(rows, widths)
        .header(Row::new(head).style(Style::default().add_modifier(Modifier::BOLD)))
        .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
        .block(Block::default().borders(Borders::TOP).title(title));
    let mut state =
        TableState::default().with_selected((!app.rows().is_empty()).then_some(app.selected));
    frame.render_stateful_widget(table, area, &mut state);
}

/// How much of the title to say, most first: the sort's words, full numbers, each verdict's
/// name. The range, the search being typed and every count always show.
#[derive(Clone, Copy)]
struct TitleDetail {
    sort: bool,
    full_numbers: bool,
    labels: bool,
}

/// The list's title, fitted to `width` by priority: the sort's words go first, then counts of
/// 1,000 and more are abbreviated (`1.6k`, never cut), then the verdicts' names give way to
/// their keys. The search is always there, its start dropped (`…`) when it is long.
pub(super) fn list_title(app: &App, width: usize) -> Line<'static> {
    let levels = [
        TitleDetail {
            sort: true,
            full_numbers: true,
            labels: true,
        },
        TitleDetail {
            sort: false,
            full_numbers: true,
            labels: true,
        },
        TitleDetail {
            sort: false,
            full_numbers: false,
            labels: true,
        },
        TitleDetail {
            sort: false,
            full_numbers: false,
            labels: false,
        },
    ];
    let mut line = Line::default();
    for detail in levels {
        line = title_at(app, detail);
        if line.width() <= width {
            break;
        }
    }
    line
}

/// A count as the title shows it: in full, or abbreviated to at most four cells (`1.6k`,
/// `16k`, `1.2M`), rounded down so it never says more than there is.
pub(super) fn count_text(n: u64, full: bool) -> String {
    match n {
        _ if full || n < 1_000 => n.to_string(),
        1_000..=9_999 => format!("{}.{}k", n / 1_000, n % 1_000 / 100),
        10_000..=999_999 => format!("{}k", n / 1_000),
        _ => format!("{}.{}M", n / 1_000_000, n % 1_000_000 / 100_000),
    }
}

fn title_at(app: &App, detail: TitleDetail) -> Line<'static> {
    let matching = app.page.as_ref().map_or(0, |p| p.matching);
    let shown = app.rows().len() as u64;
    let from = if shown == 0 { 0 } else { app.offset + 1 };
    let number = |n: u64| count_text(n, detail.full_numbers);
    let mut spans = vec![Span::raw(format!(
        " {}–{}/{}",
        number(from),
        number(app.offset + shown),
        number(matching)
    ))];
    // The order is always the same: the newest change first (then the newest order).
    if detail.sort {
        spans.push(Span::raw(format!(
            " {}",
            Phrase::NewestChangeFirst.get(app.lang)
        )));
    }
    spans.push(Span::raw(" │"));
    let search = app.search.value();
    if matches!(app.mode, Mode::Search) || !search.is_empty() {
        let cursor = if matches!(app.mode, Mode::Search) {
            "▏"
        } else {
            ""
        };
        spans.push(Span::styled(
            format!(" /{}{cursor} │", text::clip_start(search, 20)),
            Style::default().add_modifier(Modifier::BOLD),
        ));
    }
    spans.extend(verdict_counts(app, detail));
    if app.loading {
        spans.push(Span::raw("…"));
    }
    Line::from(spans)
}

/// "1未送信 3 2送信済 20 …": the count of each verdict, with the key that filters it; the
/// filter in force reversed.
fn verdict_counts(app: &App, detail: TitleDetail) -> Vec<Span<'static>> {
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
        let n = count_text(n, detail.full_numbers);
        let text = if detail.labels {
            format!("{}{} {n}", i + 1, text::verdict(*verdict, app.lang))
        } else {
            format!("{}:{n}", i + 1)
        };
        spans.push(Span::styled(text, style));
    }
    spans.push(Span::raw(" "));
    spans
}

#[cfg(test)]
mod tests {
    use super::count_text;

    /// Abbreviated counts are at most four cells and never say more than there is.
    #[test]
    fn counts_abbreviate_down_and_stay_short() {
        for (n, full, short) in [
            (0, "0", "0"),
            (999, "999", "999"),
            (1_000, "1000", "1.0k"),
            (1_604, "1604", "1.6k"),
            (9_999, "9999", "9.9k"),
            (12_345, "12345", "12k"),
            (987_654, "987654", "987k"),
            (1_250_000, "1250000", "1.2M"),
        ] {
            assert_eq!(count_text(n, true), full);
            assert_eq!(count_text(n, false), short);
            assert!(short.len() <= 4, "{short}");
        }
    }
}
