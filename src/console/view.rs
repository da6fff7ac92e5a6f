//! Drawing: reads the [`App`] and nothing else. Fits 80×24: a header with the store tabs and
//! counts, one line per store for its schedule, the list (or the detail, the edit form, the
//! settings), the last lines of the log, and the keys. Colour only when allowed (`NO_COLOR`);
//! the selection is shown by reversing, which needs none.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, TableState, Wrap};

use super::edit_form::{EditForm, Field};
use super::settings_form::{ROWS, label};
use super::state::{
    App, Ask, Confirm, Detail, ImportConfirm, Mode, Progress, Question, ScheduleView, Tab,
};
use crate::domain::job::JobKind;
use crate::domain::{Channel, Verdict};
use crate::text::{self, Phrase};

fn verdict_style(app: &App, verdict: Verdict) -> Style {
    if !app.color {
        return Style::default();
    }
    Style::default().fg(match verdict {
        Verdict::Pending => Color::Yellow,
        Verdict::Synced => Color::Green,
        Verdict::Waiting => Color::Cyan,
        Verdict::Failed => Color::Red,
        Verdict::Ineligible => Color::DarkGray,
    })
}

fn error_style(app: &App) -> Style {
    if app.color {
        Style::default().fg(Color::Red)
    } else {
        Style::default().add_modifier(Modifier::BOLD)
    }
}

fn local(app: &App, at: DateTime<Utc>, format: &str) -> String {
    at.with_timezone(&app.tz).format(format).to_string()
}

/// The smallest screen the console draws on (SPEC §5: 80×24 over SSH).
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = if app.ja() {
            format!(
                "端末が小さすぎます ({}×{}): 80×24 以上にしてください",
                area.width, area.height
            )
        } else {
            format!(
                "terminal too small ({}×{}): make it 80×24 or more",
                area.width, area.height
            )
        };
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
    match (&app.mode, store) {
        (Mode::Detail, _) => draw_detail(frame, app, main, None),
        (Mode::Edit(form), _) => draw_detail(frame, app, main, Some(form)),
        (Mode::Settings { channel, row }, _) => draw_settings(frame, app, main, *channel, *row),
        (_, None) => draw_log_tab(frame, app, main),
        _ => draw_list(frame, app, main),
    }
    draw_keys(frame, app, keys);
    match &app.mode {
        Mode::Help => draw_help(frame, app, area),
        Mode::Confirm(confirm) => draw_confirm(frame, app, main, confirm),
        Mode::ConfirmImport(confirm) => draw_import(frame, app, main, confirm),
        Mode::Ask(ask) => draw_ask(frame, app, main, ask),
        Mode::Command { input, error } => draw_command(frame, app, keys, input, error.as_deref()),
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
fn asciify(buffer: &mut ratatui::buffer::Buffer) {
    for cell in buffer.content.iter_mut() {
        if let Some((_, ascii)) = ASCII.iter().find(|(glyph, _)| cell.symbol() == *glyph) {
            cell.set_symbol(ascii);
        }
    }
}

/// The command line over the key bar, with its error.
fn draw_command(
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
fn dialog(frame: &mut Frame, area: Rect, width: u16, height: u16, title: String) -> Rect {
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
fn draw_confirm(frame: &mut Frame, app: &App, area: Rect, confirm: &Confirm) {
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
fn draw_import(frame: &mut Frame, app: &App, area: Rect, confirm: &ImportConfirm) {
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
    for line in body.iter().skip(confirm.scroll).take(room) {
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
fn draw_ask(frame: &mut Frame, app: &App, area: Rect, ask: &Ask) {
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

fn draw_header(frame: &mut Frame, app: &App, area: Rect) {
    let ja = app.ja();
    let mut spans = vec![Span::styled(
        "hassou 発送 ",
        Style::default().add_modifier(Modifier::BOLD),
    )];
    for tab in [
        Tab::Store(Channel::Shopify),
        Tab::Store(Channel::Colorme),
        Tab::Log,
    ] {
        let name = match tab {
            Tab::Store(c) => text::store(c, app.lang),
            Tab::Log if ja => "ログ",
            Tab::Log => "Log",
        };
        let style = if tab == app.tab {
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::default()
        };
        spans.push(Span::styled(format!(" {name} "), style));
    }
    if app.demo {
        // Said first: the stores are the sandbox on this machine.
        spans.push(Span::styled(
            Phrase::DemoNotice.get(app.lang),
            Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED),
        ));
    }
    spans.push(Span::raw(format!(" {}", local(app, app.now, "%H:%M:%S"))));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The store tab's two lines. First its rules and what runs by itself, like GoQ's データ書出
/// row: 作成期間, the status option (Shopify) or the 出荷日 rule (カラーミー), auto sync, watch,
/// mails. Then its run: this console's progress, who runs the schedule, the next run, and the
/// last run's counts with failures first.
fn draw_store_lines(frame: &mut Frame, app: &App, area: Rect, channel: Channel) {
    let ja = app.ja();
    let width = area.width as usize;
    if !app.stores.contains(&channel) {
        let text = Phrase::StoreNotConfigured.get(app.lang);
        frame.render_widget(Paragraph::new(text::clip(text, width)), area);
        return;
    }
    let Some(view) = app.schedules.get(&channel) else {
        frame.render_widget(Paragraph::new("…"), area);
        return;
    };
    let s = &view.settings;
    let on = |b: bool| match (b, ja) {
        (true, true) => "オン",
        (false, true) => "オフ",
        (true, false) => "on",
        (false, false) => "off",
    };
    let option = match (channel, ja) {
        (Channel::Shopify, true) => match s.rules.statuses {
            crate::domain::StatusOption::ProcessedOnly => "【処理済み】のみ".to_owned(),
            crate::domain::StatusOption::AllButNewCancelled => {
                "【処理済み】以外も書き出す".to_owned()
            }
        },
        (Channel::Shopify, false) => match s.rules.statuses {
            crate::domain::StatusOption::ProcessedOnly => "processed only".to_owned(),
            crate::domain::StatusOption::AllButNewCancelled => "all but new/cancelled".to_owned(),
        },
        (Channel::Colorme, true) => {
            format!("出荷日で配送済み {}", on(s.rules.shipped_date_only))
        }
        (Channel::Colorme, false) => {
            format!("delivered needs 出荷日 {}", on(s.rules.shipped_date_only))
        }
    };
    let every = crate::scheduler::describe::every(s.auto_sync_every);
    let auto = match (s.auto_sync, ja) {
        (true, true) => format!("自動更新 {every}ごと"),
        (true, false) => format!("auto sync every {every}"),
        (false, true) => "自動更新 オフ".to_owned(),
        (false, false) => "auto sync off".to_owned(),
    };
    let mails = app.mails.get(&channel).copied().unwrap_or(false);
    let mail = match (channel, mails, ja) {
        (Channel::Shopify, true, true) => "通知あり",
        (Channel::Shopify, false, true) => "通知なし",
        (Channel::Colorme, true, true) => "メールあり",
        (Channel::Colorme, false, true) => "メールなし",
        (_, true, false) => "mails on",
        (_, false, false) => "no mails",
    };
    let rules = if ja {
        format!(
            "作成期間 {}日 · {option} · {auto} · 即時 {} · {mail}",
            s.rules.period.days(),
            on(s.watch)
        )
    } else {
        format!(
            "period {} days · {option} · {auto} · watch {} · {mail}",
            s.rules.period.days(),
            on(s.watch)
        )
    };
    let mut run = Vec::new();
    if let Some(p) = app.progress.get(&channel) {
        run.push(Span::styled(
            progress_text(app, p),
            Style::default().add_modifier(Modifier::BOLD),
        ));
    }
    run.push(Span::raw(run_line(app, view)));
    let used: usize = run.iter().map(Span::width).sum();
    if let Some(last) = run.pop() {
        let clipped = text::clip(&last.content, width.saturating_sub(used - last.width()));
        run.push(Span::raw(clipped));
    }
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(Span::styled(
                text::clip(&rules, width),
                Style::default().add_modifier(Modifier::BOLD),
            )),
            Line::from(run),
        ]),
        area,
    );
}

/// Who runs the store's schedule, its next run, and the last run with failures first.
fn run_line(app: &App, view: &ScheduleView) -> String {
    let ja = app.ja();
    let mut parts = Vec::new();
    let sync = view.job(JobKind::Sync, app.now);
    if let Some((published, _)) = sync
        && let Some(c) = &published.status.last_counts
    {
        parts.push(if ja {
            format!(
                "前回 失敗{} 書込{} 済{} 待ち{}",
                c.failed, c.written, c.already_synced, c.waiting
            )
        } else {
            format!(
                "last run: {} failed, {} written, {} synced, {} waiting",
                c.failed, c.written, c.already_synced, c.waiting
            )
        });
    }
    if let Some((published, true)) = sync
        && view.settings.auto_sync
        && let Some(next) = published.status.next_run_at
    {
        let at = local(app, next, "%H:%M");
        parts.push(if ja {
            format!("次回 {at}")
        } else {
            format!("next {at}")
        });
    }
    parts.push(match view.live_lease(app.now) {
        Some(l) => {
            let who = l.holder.rsplit('/').next().unwrap_or(&l.holder);
            let who = if who.starts_with("console") {
                Phrase::AConsole.get(app.lang)
            } else {
                Phrase::TheDaemon.get(app.lang)
            };
            let host = l.holder.split('/').next().unwrap_or_default();
            if ja {
                format!("スケジュール: {host} の{who}")
            } else {
                format!("schedule run by {who} on {host}")
            }
        }
        None if ja => "スケジュールを実行するプロセスなし".to_owned(),
        None => "no process runs the schedule".to_owned(),
    });
    parts.join(" · ")
}

/// `[更新中 12/300 4.1件/秒 残り1分10秒]`: done and total, the rate, the time left; and that a
/// stop was asked.
fn progress_text(app: &App, p: &Progress) -> String {
    let ja = app.ja();
    let word = match (p.dry_run, p.stopping, ja) {
        (true, _, true) => "確認中",
        (true, _, false) => "dry run",
        (false, true, true) => "停止中",
        (false, true, false) => "stopping",
        (false, false, true) => "更新中",
        (false, false, false) => "syncing",
    };
    let elapsed = (app.now - p.started_at).num_milliseconds().max(0) as f64 / 1000.0;
    let mut text = format!("[{word} {}/{}", p.done, p.planned);
    if p.done > 0 && elapsed >= 1.0 {
        let rate = p.done as f64 / elapsed;
        let left = (p.planned.saturating_sub(p.done) as f64 / rate).round() as u64;
        let (m, s) = (left / 60, left % 60);
        text.push_str(&if ja {
            format!(" {rate:.1}件/秒 残り{m}分{s:02}秒")
        } else {
            format!(" {rate:.1}/s {m}m{s:02}s left")
        });
    }
    text.push_str("] ");
    text
}

/// Wide enough for the carrier, 出荷日 and 更新日時 columns.
pub const WIDE: u16 = 120;

fn draw_list(frame: &mut Frame, app: &App, area: Rect) {
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
fn verdict_counts(app: &App) -> Vec<Span<'static>> {
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

fn detail_lines(app: &App, detail: &Detail) -> Vec<Line<'static>> {
    let ja = app.ja();
    let o = &detail.row.stored.order;
    let e = &detail.row.evaluation;
    let remote = &detail.row.stored.remote;
    let field = |ja_label: &str, en_label: &str, value: String| {
        Line::from(vec![
            Span::styled(
                text::fit(if ja { ja_label } else { en_label }, 12),
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Span::raw(value),
        ])
    };
    let mut lines = vec![
        field(
            "判定",
            "verdict",
            format!(
                "{} — {}",
                text::verdict(e.verdict, app.lang),
                text::error_with_advice(&text::explain(e, app.lang), app.lang)
            ),
        ),
        field(
            "ステータス",
            "status",
            text::status(o.status, app.lang).to_owned(),
        ),
        field(
            "配送会社",
            "carrier",
            o.carrier
                .as_ref()
                .map(|c| text::carrier(c, app.lang).to_owned())
                .unwrap_or_else(|| "—".into()),
        ),
        field(
            "伝票番号",
            "tracking",
            if o.tracking.is_empty() {
                "—".into()
            } else {
                o.tracking.to_text()
            },
        ),
        field(
            "出荷日",
            "shipped on",
            o.shipped_on.map_or_else(|| "—".into(), |d| d.to_string()),
        ),
        field(
            "注文日時",
            "ordered",
            local(app, o.ordered_at, "%Y-%m-%d %H:%M"),
        ),
        field(
            "更新日時",
            "changed",
            local(app, o.updated_at, "%Y-%m-%d %H:%M:%S"),
        ),
        field("ストア側", "store holds", {
            // In words, with when the store said so (a write's answer or a read with r).
            let what = match (&remote.confirmed, remote.confirmed_at, ja) {
                (Some(w), _, _) => text::held(w, app.lang),
                (None, Some(_), true) => "伝票番号なし・未発送".into(),
                (None, Some(_), false) => "no tracking, not shipped".into(),
                (None, None, true) => "未確認 (r でストアから読込)".into(),
                (None, None, false) => "not confirmed yet (r reads the store)".into(),
            };
            match remote.confirmed_at {
                Some(at) if ja => format!("{what} · 確認 {}", local(app, at, "%m-%d %H:%M:%S")),
                Some(at) => format!("{what} · confirmed {}", local(app, at, "%m-%d %H:%M:%S")),
                None => what,
            }
        }),
    ];
    if let Some(since) = remote.in_flight_since {
        lines.push(field(
            "送信中",
            "in flight",
            format!(
                "{} {}",
                local(app, since, "%H:%M:%S"),
                Phrase::ReadBeforeResend.get(app.lang)
            ),
        ));
    }
    if remote.mail_sent_at.is_none()
        && let Some(error) = &remote.mail_error
    {
        // A refused mail is never sent on its own: say so, and how to send it on purpose.
        let number = &o.number;
        let words = if ja {
            format!(
                "ストアが拒否: {error} — m でストアを確認し未送信なら送信 (hassou order {number} send-mail)"
            )
        } else {
            format!(
                "refused by the store: {error} — m checks the store and sends it if it has not gone (hassou order {number} send-mail)"
            )
        };
        lines.push(Line::from(vec![
            Span::raw(format!("{} ", if ja { "発送メール" } else { "mail" })),
            Span::styled(text::visible(&words), error_style(app)),
        ]));
    }
    if remote.mail_uncertain {
        // Perhaps sent: never sent again by hassou; only the store can say.
        let words = if ja {
            "送信不明: ストアの応答が読めませんでした。再送しません — ストアで確認してください"
        } else {
            "uncertain: the store's answer could not be read; never sent again — check at the store"
        };
        lines.push(Line::from(vec![
            Span::raw(format!("{} ", if ja { "発送メール" } else { "mail" })),
            Span::styled(words, error_style(app)),
        ]));
    }
    lines.push(Line::from(Span::styled(
        Phrase::AuditTrail.get(app.lang),
        Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
    )));
    if detail.attempts.is_empty() {
        lines.push(Line::from(Phrase::NoneIndented.get(app.lang)));
    }
    for a in detail.attempts.iter().rev() {
        let outcome = text::attempt_outcome(a.outcome.as_deref(), app.lang);
        let mut line = format!("  {} {outcome}", local(app, a.started_at, "%m-%d %H:%M:%S"));
        if let Some(error) = &a.error {
            line.push_str(&format!(": {}", text::error_with_advice(error, app.lang)));
        }
        let style = if a.error.is_some() {
            error_style(app)
        } else {
            Style::default()
        };
        lines.push(Line::from(Span::styled(line, style)));
        // For support: the request and the store's answer as sent, one key (v) away.
        if app.show_raw {
            let dim = Style::default().add_modifier(Modifier::DIM);
            lines.push(Line::from(Span::styled(
                format!("    → {}", a.request),
                dim,
            )));
            if let Some(response) = &a.response {
                lines.push(Line::from(Span::styled(format!("    ← {response}"), dim)));
            }
        }
    }
    if !detail.attempts.is_empty() && !app.show_raw {
        lines.push(Line::from(Span::styled(
            Phrase::RawExchangeHint.get(app.lang),
            Style::default().add_modifier(Modifier::DIM),
        )));
    }
    lines
}

fn draw_detail(frame: &mut Frame, app: &App, area: Rect, form: Option<&EditForm>) {
    let Some(detail) = &app.detail else {
        return;
    };
    let o = &detail.row.stored.order;
    let title = format!(" {} {} ", text::store(o.channel, app.lang), o.number);
    let block = Block::default().borders(Borders::TOP).title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(
        Paragraph::new(detail_lines(app, detail)).wrap(Wrap { trim: false }),
        inner,
    );
    if let Some(form) = form {
        draw_form(frame, app, inner, form);
    }
}

fn draw_form(frame: &mut Frame, app: &App, area: Rect, form: &EditForm) {
    let ja = app.ja();
    let fields = form.fields();
    let warnings = form.warnings();
    let height = (fields.len() as u16 * 2 + 3 + warnings.len() as u16 * 2).min(area.height);
    let rect = Rect { height, ..area };
    // The form covers the detail whole: no half-hidden line beside it.
    frame.render_widget(Clear, area);
    let title = if ja {
        format!(" {} を編集 (Enter 保存 · Esc 取消) ", form.number)
    } else {
        format!(" edit {} (Enter save · Esc cancel) ", form.number)
    };
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let mut lines = Vec::new();
    for field in &fields {
        let focused = *field == form.focus;
        let (label, value, hint) = match (field, ja) {
            (Field::Status, _) => (
                Phrase::Status.get(app.lang),
                format!("< {} >", text::status(form.status, app.lang)),
                Phrase::ChooseWithArrows.get(app.lang),
            ),
            (Field::Carrier, _) => (
                Phrase::Carrier.get(app.lang),
                format!("< {} >", form.carrier.label(app.lang)),
                Phrase::ChooseOrNameOther.get(app.lang),
            ),
            (Field::OtherName, _) => (
                Phrase::OtherCarrierLabel.get(app.lang),
                form.other_name.value().to_owned(),
                Phrase::OtherCarrierName.get(app.lang),
            ),
            (Field::Tracking, _) => (
                Phrase::Tracking.get(app.lang),
                form.tracking.value().to_owned(),
                Phrase::SeveralNumbersHint.get(app.lang),
            ),
            (Field::ShippedOn, _) => (
                Phrase::ShippedOn.get(app.lang),
                form.shipped_on.value().to_owned(),
                Phrase::ShippedOnHint.get(app.lang),
            ),
        };
        let style = if focused {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        lines.push(Line::from(vec![
            Span::styled(
                text::fit(label, 12),
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Span::styled(format!("{value} "), style),
        ]));
        lines.push(Line::from(Span::styled(
            format!("{}{hint}", " ".repeat(12)),
            Style::default().add_modifier(Modifier::DIM),
        )));
    }
    for warning in warnings {
        let word = Phrase::Check.get(app.lang);
        lines.push(Line::from(Span::styled(
            format!("{word}: {warning}"),
            Style::default().add_modifier(Modifier::BOLD),
        )));
    }
    if let Some(error) = &form.error {
        lines.push(Line::from(Span::styled(error.clone(), error_style(app))));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    // The terminal cursor sits in the focused text field.
    if let Some(input) = form.input(form.focus) {
        let row = fields.iter().position(|f| *f == form.focus).unwrap_or(0);
        let x = inner.x + 12 + input.visual_cursor() as u16;
        let y = inner.y + row as u16 * 2;
        if x < inner.x + inner.width && y < inner.y + inner.height {
            frame.set_cursor_position((x, y));
        }
    }
}

fn draw_settings(frame: &mut Frame, app: &App, area: Rect, channel: Channel, selected: usize) {
    let ja = app.ja();
    let title = if ja {
        format!(" {channel} の設定 (全端末共通・即保存) Tab ストア切替 ")
    } else {
        format!(" {channel} settings (shared by every console, saved at once) Tab: store ")
    };
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
            let (name, value) = label(*row, &view.settings, channel, ja);
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

fn log_line<'a>(app: &App, l: &'a super::state::LogLine) -> Line<'a> {
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
fn draw_log(frame: &mut Frame, app: &App, area: Rect) {
    let height = area.height.saturating_sub(1) as usize;
    let store = app.store_tab();
    let width = area.width as usize;
    let mine: Vec<&super::state::LogLine> = app
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
fn draw_log_tab(frame: &mut Frame, app: &App, area: Rect) {
    let ja = app.ja();
    let v = &app.log_view;
    let shown: Vec<&super::state::LogLine> = app
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
            if ja {
                "追従中".to_owned()
            } else {
                "following".to_owned()
            }
        } else if ja {
            format!("一時停止 +{}", v.unseen)
        } else {
            format!("PAUSED +{}", v.unseen)
        }];
        if let Some(store) = v.store {
            parts.push(text::store(store, app.lang).to_owned());
        }
        if v.errors_only {
            parts.push(if ja {
                "エラーのみ".into()
            } else {
                "errors only".into()
            });
        }
        parts.push(format!("{}/{}", shown.len(), app.log.len()));
        if app.log_dropped > 0 {
            parts.push(if ja {
                format!("古い{}行は破棄", app.log_dropped)
            } else {
                format!("{} old lines dropped", app.log_dropped)
            });
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

/// The keys of the mode shown, most needed first; `?` and `q` (or Esc) always show.
fn draw_keys(frame: &mut Frame, app: &App, area: Rect) {
    let back = ("Esc", Phrase::Back.get(app.lang));
    type Keys<'a> = Vec<(&'a str, &'a str)>;
    let (keys, always): (Keys, Keys) = match &app.mode {
        Mode::List if app.tab == Tab::Log => (
            vec![
                ("f", Phrase::FollowPause.get(app.lang)),
                ("↑↓", Phrase::Scroll.get(app.lang)),
                ("e", Phrase::ErrorsOnly.get(app.lang)),
                ("c", Phrase::Store.get(app.lang)),
                ("w", Phrase::Wrap.get(app.lang)),
                ("Tab", Phrase::Tab.get(app.lang)),
                (":", Phrase::Command.get(app.lang)),
            ],
            vec![
                ("?", Phrase::Help.get(app.lang)),
                ("q", Phrase::Quit.get(app.lang)),
            ],
        ),
        Mode::Command { .. } => (vec![], vec![]),
        Mode::List => (
            vec![
                ("Enter", Phrase::Open.get(app.lang)),
                ("s", Phrase::Sync.get(app.lang)),
                ("e", Phrase::Edit.get(app.lang)),
                ("/", Phrase::Search.get(app.lang)),
                ("Tab", Phrase::Tab.get(app.lang)),
                (":", Phrase::Command.get(app.lang)),
                ("0-5", Phrase::Verdict.get(app.lang)),
                ("+-", Phrase::Period.get(app.lang)),
                ("S", Phrase::SyncOne.get(app.lang)),
                ("d", Phrase::DryRun.get(app.lang)),
                ("p", Phrase::Pull.get(app.lang)),
                ("o", Phrase::Settings.get(app.lang)),
                ("x", Phrase::Stop.get(app.lang)),
            ],
            vec![
                ("?", Phrase::Help.get(app.lang)),
                ("q", Phrase::Quit.get(app.lang)),
            ],
        ),
        Mode::Search => (
            vec![("Enter", Phrase::Search.get(app.lang))],
            vec![("Esc", Phrase::Clear.get(app.lang))],
        ),
        Mode::Detail => (
            vec![
                ("e", Phrase::Edit.get(app.lang)),
                ("s", Phrase::SyncThisOrder.get(app.lang)),
                ("r", Phrase::ReadTheStore.get(app.lang)),
                ("d", Phrase::DryRun.get(app.lang)),
                ("v", Phrase::RawExchange.get(app.lang)),
            ],
            vec![back],
        ),
        Mode::Edit(_) => (
            vec![
                ("Tab/↑↓", Phrase::Field.get(app.lang)),
                ("←→", Phrase::Choose.get(app.lang)),
                ("Enter", Phrase::Save.get(app.lang)),
            ],
            vec![("Esc", Phrase::Cancel.get(app.lang))],
        ),
        Mode::Settings { .. } => (
            vec![
                ("↑↓", Phrase::Row.get(app.lang)),
                ("Space", Phrase::Toggle.get(app.lang)),
                ("←→", Phrase::Change.get(app.lang)),
                ("Tab", Phrase::Store.get(app.lang)),
            ],
            vec![back],
        ),
        Mode::ConfirmImport(_) => (
            vec![("↑↓", Phrase::Scroll.get(app.lang))],
            vec![
                ("y", if app.ja() { "保存" } else { "save" }),
                ("n/Esc", Phrase::DontSend.get(app.lang)),
            ],
        ),
        Mode::Confirm(_) => (
            vec![("↑↓", Phrase::Scroll.get(app.lang))],
            vec![
                ("y", Phrase::Send.get(app.lang)),
                ("n/Esc", Phrase::DontSend.get(app.lang)),
            ],
        ),
        Mode::Ask(_) => (
            vec![],
            vec![
                ("y", Phrase::Yes.get(app.lang)),
                ("n/Esc", Phrase::No.get(app.lang)),
            ],
        ),
        Mode::Help => (
            vec![],
            vec![(Phrase::AnyKey.get(app.lang), Phrase::Back.get(app.lang))],
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

/// Every key and command, for the help screen (and the README's keymap, which a test keeps
/// equal to it). Each line fits 78 cells.
pub fn help_lines(lang: crate::config::Language) -> Vec<&'static str> {
    match lang {
        crate::config::Language::Ja => vec![
            "一覧 (ストアのタブ)",
            "  ↑↓ j k 移動  g G 先頭/末尾  PgUp PgDn ページ  Enter 詳細  e 編集",
            "  / 検索  0-5 判定で絞込  + - 作成期間  o 設定  r 再読込  Tab タブ",
            "書き込み (まず送信内容を表示し、y を押すまで何も送りません)",
            "  s このストアの未送信  S 選んだ注文だけ  F 失敗した注文を再送",
            "  d 確認 (表示のみ)  p 受注取得  x 実行中の更新を止める",
            "詳細: s この注文を更新  r ストアから読込  e 編集  v 送受信そのまま  Esc 一覧へ",
            "  m ストアが拒否した発送メールを送る (確認のうえ一度だけ)",
            "編集: Tab/↑↓ 項目  ←→ 選ぶ  t 今日 (出荷日)  Enter 保存  Esc 取消",
            "ログ: f 追従/停止  ↑↓ PgUp PgDn スクロール  e エラーのみ  c ストア  w 折返し",
            "コマンド (: で入力、Tab で補完、Enter で実行)",
            "  :period 1-13  :statuses processed|all-but-new-cancelled",
            "  :shipped-date-only on|off  :auto-sync on|off  :auto-sync-every 30m",
            "  :auto-pull on|off  :watch on|off  :sync  :dry-run  :pull",
            "  :filter pending|synced|waiting|failed|ineligible|all",
            "  :order 注文番号  :tab shopify|colorme|log  :help  :quit",
            "  :import ファイル  送り状ファイルを確認して取込 (y で保存)",
            "? ヘルプ  q/Ctrl-C 終了 (実行中・編集中は確認)  Esc 戻る",
            "判定: 未送信=次の更新で書込  送信済=ストアが同じ値  伝票待ち=伝票なし",
            "      失敗=ストアが拒否  対象外=理由を表示",
            "同じ注文が二度書き込まれることはありません (端末やデーモンが複数でも)",
        ],
        crate::config::Language::En => vec![
            "The list (a store's tab)",
            "  ↑↓ j k move  g G first/last  PgUp PgDn page  Enter open  e edit",
            "  / search  0-5 filter by verdict  + - period  o settings  r reload  Tab tab",
            "Writing (each shows its plan first; nothing is sent before you press y)",
            "  s the store's pending orders  S the selected order only  F failed again",
            "  d dry run (shows, sends nothing)  p pull orders  x stop a running sync",
            "Detail: s sync this order  r read the store  e edit  v raw exchange  Esc back",
            "  m send a shipping mail the store refused (asks first, goes once)",
            "Form: Tab/↑↓ field  ←→ choose  t today (shipped on)  Enter save  Esc cancel",
            "Log tab: f follow/pause  ↑↓ PgUp PgDn scroll  e errors only  c store  w wrap",
            "Commands (: opens the command line, Tab completes, Enter runs)",
            "  :period 1-13  :statuses processed|all-but-new-cancelled",
            "  :shipped-date-only on|off  :auto-sync on|off  :auto-sync-every 30m",
            "  :auto-pull on|off  :watch on|off  :sync  :dry-run  :pull",
            "  :filter pending|synced|waiting|failed|ineligible|all",
            "  :order NUMBER  :tab shopify|colorme|log  :help  :quit",
            "  :import FILE  a carrier file (B2 e飛伝 ゆうプリR generic): preview, y saves",
            "? help  q/Ctrl-C quit (asks during a run or an edit)  Esc back",
            "Verdicts: pending = the next sync writes it  synced = the store has it",
            "  waiting = no tracking yet  failed = refused  ineligible = see the reasons",
            "No order is ever written twice, whatever the number of consoles and daemons.",
        ],
    }
}

fn draw_help(frame: &mut Frame, app: &App, area: Rect) {
    let lines = help_lines(app.lang);
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = Rect {
        x: area.x,
        y: area.y,
        width: area.width,
        height,
    };
    frame.render_widget(Clear, rect);
    let title = Phrase::HelpTitle.get(app.lang);
    frame.render_widget(
        Paragraph::new(lines.into_iter().map(Line::from).collect::<Vec<_>>())
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(title)),
        rect,
    );
}
