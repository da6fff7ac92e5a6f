//! The boxes drawn over the screen: the `:` command line, the confirmation of a sync, the
//! carrier-file import preview, and the questions asked before an action.

use super::*;

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
    let ja = app.ja();
    let plan = &confirm.plan;
    let channel = plan.channel;
    let title = if ja {
        format!(" {} に送信しますか ", text::store(channel, app.lang))
    } else {
        format!(" Send to {}? ", text::store(channel, app.lang))
    };
    let height = area.height.max(8);
    let inner = dialog(frame, area, area.width, height, title);
    let mails = plan.notifications();
    let mail_word = match (channel, ja) {
        (Channel::Shopify, true) => "お客様への発送通知",
        (Channel::Shopify, false) => "customer notifications",
        (Channel::Colorme, true) => "商品発送メール",
        (Channel::Colorme, false) => "shipping mails",
    };
    let retries = plan.items.iter().filter(|i| i.retry).count();
    let mut summary = if ja {
        format!("{}件の注文 · {mail_word} {mails}件", plan.items.len())
    } else {
        format!("{} orders · {mails} {mail_word}", plan.items.len())
    };
    if retries > 0 {
        summary.push_str(&if ja {
            format!(" · うち再送 {retries}件")
        } else {
            format!(" · {retries} tried again")
        });
    }
    let warn = if app.color {
        Style::default()
            .fg(Color::Yellow)
            .add_modifier(Modifier::BOLD)
    } else {
        Style::default().add_modifier(Modifier::BOLD)
    };
    let mut lines = vec![Line::from(Span::styled(summary, warn))];
    let head = if ja {
        ["注文番号", "伝票番号", "送る配送会社", "発送済み", "通知"]
    } else {
        ["number", "tracking", "carrier (as sent)", "shipped", "mail"]
    };
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
    let yes_no = |b: bool| {
        match (b, ja) {
            (true, true) => "する",
            (false, true) => "—",
            (true, false) => "yes",
            (false, false) => "—",
        }
        .to_owned()
    };
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
    let answer = if ja {
        format!(
            "[ キャンセル ]  y 送信する · n/Esc やめる · ↑↓ {}–{}/{}",
            confirm.scroll + 1,
            shown_to,
            plan.items.len()
        )
    } else {
        format!(
            "[ Cancel ]  y send · n/Esc cancel · ↑↓ {}–{}/{}",
            confirm.scroll + 1,
            shown_to,
            plan.items.len()
        )
    };
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
    let ja = app.ja();
    let p = &confirm.preview;
    let name = p.path.file_name().map_or_else(
        || p.path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let title = if ja {
        format!(" {} を取り込みますか ", text::visible(&name))
    } else {
        format!(" Import {}? ", text::visible(&name))
    };
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
    let answer = if ja {
        "[ キャンセル ]  y 保存する · n/Esc やめる · ↑↓ スクロール"
    } else {
        "[ Cancel ]  y save · n/Esc cancel · ↑↓ scroll"
    };
    lines.push(Line::from(Span::styled(
        answer,
        Style::default().add_modifier(Modifier::REVERSED),
    )));
    frame.render_widget(Paragraph::new(lines), inner);
}

/// A yes/no question; No unless `y`.
pub(super) fn draw_ask(frame: &mut Frame, app: &App, area: Rect, ask: &Ask) {
    let ja = app.ja();
    let question = match (ask.question, ja) {
        (Question::Quit, true) if app.run_active() => {
            "実行中の更新があります。送信中の注文のあとで止めて終了しますか?".to_owned()
        }
        (Question::Quit, false) if app.run_active() => {
            "A sync is running. Stop it after the order in flight and quit?".to_owned()
        }
        (Question::Quit, true) => "保存していない編集があります。破棄して終了しますか?".to_owned(),
        (Question::Quit, false) => "The form has unsaved changes. Drop them and quit?".to_owned(),
        (Question::StopRun(c), true) => format!(
            "{} への更新を、送信中の注文のあとで止めますか? 残りは未送信のままです。",
            text::store(c, app.lang)
        ),
        (Question::StopRun(c), false) => format!(
            "Stop the sync to {} after the order in flight? The rest stay pending.",
            text::store(c, app.lang)
        ),
        (Question::DiscardEdit, true) => "入力した内容を破棄しますか?".to_owned(),
        (Question::DiscardEdit, false) => "Drop what you typed?".to_owned(),
        (Question::SendMail(c, _), ja) => {
            let number = app
                .detail
                .as_ref()
                .map_or_else(String::new, |d| text::visible(&d.row.stored.order.number));
            if ja {
                format!(
                    "{} の注文 {number} の発送メールを、いまお客様に送りますか? (一度だけ送ります)",
                    text::store(c, app.lang)
                )
            } else {
                format!(
                    "Send the shipping mail of {} order {number} to the customer now? (It goes once.)",
                    text::store(c, app.lang)
                )
            }
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
