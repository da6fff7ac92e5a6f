//! The boxes drawn over the screen: the `:` command line, the confirmation of a sync, the
//! carrier-file import preview, and the questions asked before an action.

use super::*;
use crate::domain::Channel;

/// The command line over the key bar, with its error.
pub(super) fn draw_command(
    frame: &mut Frame,
    app: &App,
    area: Rect,
    input: &tui_input::Input,
    error: Option<&str>,
) {
    let mut spans = vec![Span::raw(":"), Span::raw(input.value().to_owned())];
    if let Some(error) = error {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(error.to_owned(), error_style(app)));
    } else if input.value().is_empty() {
        spans.push(Span::styled(
            Phrase::CommandLineHint.get(app.lang),
            Style::default().add_modifier(Modifier::DIM),
        ));
    }
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    let x = area.x + 1 + input.visual_cursor() as u16;
    if x < area.x + area.width {
        frame.set_cursor_position((x, area.y));
    }
}

/// A box in the middle of `area`, `width` × `height` at most, cleared.
pub(super) fn dialog(
    frame: &mut Frame,
    area: Rect,
    width: u16,
    height: u16,
    title: String,
) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, rect);
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    inner
}

/// The plan before anything is sent: the store, how many orders, how many notifications or
/// mails, and each order's exact values; Cancel is the focused answer.
pub(super) fn draw_confirm(frame: &mut Frame, app: &App, area: Rect, confirm: &Confirm) {
    let plan = &confirm.plan;
    let channel = plan.channel;
    let title = Say::SendTo(text::store(channel, app.lang)).get(app.lang);
    let height = area.height.max(8);
    let inner = dialog(frame, area, area.width, height, title);
    let mails = plan.notifications();
    let mail_word = match channel.channel() {
        Channel::Shopify => Phrase::CustomerNotifications,
        Channel::Colorme => Phrase::ShippingMails,
    }
    .get(app.lang);
    let retries = plan.items.iter().filter(|i| i.retry).count();
    let mut summary = confirm
        .switch
        .map(|s| Say::SwitchWrites(s).get(app.lang))
        .unwrap_or_default();
    summary += &Say::PlanSummary {
        orders: plan.items.len(),
        mail_word,
        mails,
    }
    .get(app.lang);
    if retries > 0 {
        summary.push_str(&Say::TriedAgain(retries).get(app.lang));
    }
    let warn = if app.color {
        Style::default()
            .fg(Color::Yellow)
            .add_modifier(Modifier::BOLD)
    } else {
        Style::default().add_modifier(Modifier::BOLD)
    };
    let mut lines = vec![Line::from(Span::styled(summary, warn))];
    let head = [
        Phrase::PlanNumber,
        Phrase::PlanTracking,
        Phrase::PlanCarrier,
        Phrase::PlanShipped,
        Phrase::PlanMail,
    ]
    .map(|p| p.get(app.lang));
    let widths = [10usize, 28, 18, 8, 4];
    let row = |cells: [String; 5]| {
        let mut out = String::new();
        for (cell, width) in cells.iter().zip(widths) {
            out.push_str(&text::fit(cell, width));
            out.push(' ');
        }
        out
    };
    lines.push(Line::from(Span::styled(
        row(head.map(str::to_owned)),
        Style::default().add_modifier(Modifier::BOLD),
    )));
    // Room for the summary, the header and the answer line.
    let room = (inner.height as usize).saturating_sub(3);
    let yes_no = |b: bool| if b { Phrase::Does.get(app.lang) } else { "—" }.to_owned();
    for item in plan.items.iter().skip(confirm.scroll).take(room) {
        let p = &item.planned;
        let company = p.company.clone().unwrap_or_else(|| "—".into());
        lines.push(Line::from(row([
            item.number.clone(),
            p.numbers.join(", "),
            company,
            yes_no(p.marks_shipped),
            yes_no(p.notifies),
        ])));
    }
    let shown_to = (confirm.scroll + room).min(plan.items.len());
    let answer = Say::ConfirmAnswer {
        from: confirm.scroll + 1,
        to: shown_to,
        of: plan.items.len(),
    }
    .get(app.lang);
    let mut paragraph: Vec<Line> = lines;
    while paragraph.len() + 1 < inner.height as usize {
        paragraph.push(Line::from(""));
    }
    paragraph.push(Line::from(Span::styled(
        answer,
        Style::default().add_modifier(Modifier::REVERSED),
    )));
    frame.render_widget(Paragraph::new(paragraph), inner);
}

/// The preview of a carrier file before it is saved: what each order gets (before → after),
/// the rows that reach no order, the warnings; Cancel is the focused answer.
pub(super) fn draw_import(frame: &mut Frame, app: &App, area: Rect, confirm: &ImportConfirm) {
    let p = &confirm.preview;
    let name = p.path.file_name().map_or_else(
        || p.path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let title = Say::ImportTitle(&text::visible(&name)).get(app.lang);
    let height = area.height.max(8);
    let inner = dialog(frame, area, area.width, height, title);
    let width = inner.width as usize;
    let all = &confirm.lines;
    // The first line names the file, format and encoding; the last sums up.
    let room = (inner.height as usize).saturating_sub(3);
    let mut lines = vec![Line::from(Span::styled(
        text::clip(&all[0], width),
        Style::default().add_modifier(Modifier::BOLD),
    ))];
    let body = &all[1..all.len().saturating_sub(1)];
    for (at, line) in body.iter().enumerate().skip(confirm.scroll).take(room) {
        // Too narrow for the old and the new values: the new ones, which are what is saved.
        let line = match confirm.short.get(at) {
            Some(short) if unicode_width::UnicodeWidthStr::width(line.as_str()) > width => short,
            _ => line,
        };
        lines.push(Line::from(text::clip(line, width)));
    }
    while lines.len() + 2 < inner.height as usize {
        lines.push(Line::from(""));
    }
    if let Some(last) = all.last() {
        let sum = last.split(" — ").next().unwrap_or(last);
        lines.push(Line::from(text::clip(sum, width)));
    }
    let answer = Say::ImportAnswer.get(app.lang);
    lines.push(Line::from(Span::styled(
        answer,
        Style::default().add_modifier(Modifier::REVERSED),
    )));
    frame.render_widget(Paragraph::new(lines), inner);
}

/// A yes/no question; No unless `y`.
pub(super) fn draw_ask(frame: &mut Frame, app: &App, area: Rect, ask: &Ask) {
    let question = match ask.question {
        Question::Quit if app.run_active() => Say::QuitDuringRun.get(app.lang),
        Question::Quit if app.pull_active() => Say::QuitDuringPull.get(app.lang),
        Question::Quit => Say::QuitWithEdits.get(app.lang),
        Question::StopRun(c) => Say::StopRunOf(text::store(c, app.lang)).get(app.lang),
        Question::StopAnyRun(c) => Say::StopAnyRunOf(text::store(c, app.lang)).get(app.lang),
        Question::DiscardEdit => Say::DiscardEdits.get(app.lang),
        Question::Resolve { ours, .. } => {
            let number = app
                .detail
                .as_ref()
                .map_or_else(String::new, |d| text::visible(&d.row.stored.order.number));
            Say::ResolveQuestion {
                number: &number,
                ours,
            }
            .get(app.lang)
        }
        Question::SendMail(c, _) => {
            let number = app
                .detail
                .as_ref()
                .map_or_else(String::new, |d| text::visible(&d.row.stored.order.number));
            Say::SendMailOf {
                store: text::store(c, app.lang),
                number: &number,
            }
            .get(app.lang)
        }
    };
    let answer = Phrase::AnswerNoFocused.get(app.lang);
    let title = Phrase::QuestionTitle.get(app.lang);
    let inner = dialog(frame, area, 70, 6, title.to_owned());
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(question),
            Line::from(""),
            Line::from(Span::styled(
                answer,
                Style::default().add_modifier(Modifier::REVERSED),
            )),
        ])
        .wrap(Wrap { trim: false }),
        inner,
    );
}
