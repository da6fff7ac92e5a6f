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

use super::settings_form::{ROWS, label};
use super::state::{App, Detail, EditForm, Mode};
use crate::domain::job::JobKind;
use crate::domain::{Channel, Verdict};
use crate::scheduler::describe::{job_line, lease_line};
use crate::text;

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

pub fn draw(frame: &mut Frame, app: &App) {
    let stores = Channel::ALL.len() as u16;
    let [header, schedule, main, log, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(stores),
        Constraint::Min(6),
        Constraint::Length(4),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    draw_header(frame, app, header);
    draw_schedules(frame, app, schedule);
    match &app.mode {
        Mode::Detail => draw_detail(frame, app, main, None),
        Mode::Edit(form) => draw_detail(frame, app, main, Some(form)),
        Mode::Settings { channel, row } => draw_settings(frame, app, main, *channel, *row),
        _ => draw_list(frame, app, main),
    }
    draw_log(frame, app, log);
    draw_keys(frame, app, keys);
    if matches!(app.mode, Mode::Help) {
        draw_help(frame, app, frame.area());
    }
}

fn draw_header(frame: &mut Frame, app: &App, area: Rect) {
    let ja = app.ja();
    let mut spans = vec![Span::styled(
        "hassou 発送 ",
        Style::default().add_modifier(Modifier::BOLD),
    )];
    let tabs = std::iter::once(None).chain(Channel::ALL.map(Some));
    for tab in tabs {
        let name = match (tab, ja) {
            (None, true) => "すべて".to_owned(),
            (None, false) => "all".to_owned(),
            (Some(c), _) => c.to_string(),
        };
        let style = if tab == app.tab {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        spans.push(Span::styled(format!(" {name} "), style));
    }
    spans.push(Span::raw(format!(
        " │ {} │ {}",
        local(app, app.now, "%H:%M:%S"),
        app.database
    )));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// One line per store: who runs its schedule, the sync job, watch, and this process's run.
fn draw_schedules(frame: &mut Frame, app: &App, area: Rect) {
    let ja = app.ja();
    let lines: Vec<Line> = Channel::ALL
        .iter()
        .map(|channel| {
            let Some(view) = app.schedules.get(channel) else {
                return Line::from(format!("{channel:<8} …"));
            };
            let live = view.live_lease(app.now);
            let sync = view.job(JobKind::Sync, app.now);
            // Who runs the schedule and whether watch is on come first: a long "last run"
            // is what an 80-column screen cuts.
            let mut text = format!("{channel:<8} ");
            text.push_str(&match live {
                Some(l) => {
                    let who = l.holder.rsplit('/').next().unwrap_or(&l.holder);
                    if ja {
                        format!("実行: {who}")
                    } else {
                        format!("run by {who}")
                    }
                }
                None => lease_line(None, app.now, app.tz, app.lang),
            });
            if view.settings.watch {
                text.push_str(if ja {
                    " · 即時オン"
                } else {
                    " · watch on"
                });
            }
            text.push_str(&format!(
                " · {} {}",
                if ja { "発送更新" } else { "sync" },
                job_line(
                    view.settings.auto_sync,
                    view.settings.auto_sync_every,
                    sync.map(|(p, _)| &p.status),
                    sync.is_some_and(|(_, live)| live),
                    app.tz,
                    app.lang,
                )
            ));
            if !app.stores.contains(channel) {
                text = format!(
                    "{channel:<8} {}",
                    if ja {
                        "未設定 (接続先とトークンを config に)"
                    } else {
                        "not configured (address and token in the config)"
                    }
                );
            }
            let mut spans = Vec::new();
            if let Some(p) = app.progress.get(channel) {
                let word = match (p.dry_run, ja) {
                    (true, true) => "確認中",
                    (true, false) => "dry run",
                    (false, true) => "更新中",
                    (false, false) => "syncing",
                };
                spans.push(Span::styled(
                    format!("[{word} {}/{}] ", p.done, p.planned),
                    Style::default().add_modifier(Modifier::BOLD),
                ));
            }
            spans.push(Span::raw(text));
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

fn draw_list(frame: &mut Frame, app: &App, area: Rect) {
    let ja = app.ja();
    let head = if ja {
        [
            "ストア",
            "注文番号",
            "ステータス",
            "伝票番号",
            "判定",
            "理由・送信内容",
        ]
    } else {
        [
            "store",
            "number",
            "status",
            "tracking",
            "verdict",
            "why / what is sent",
        ]
    };
    let rows: Vec<Row> = app
        .rows()
        .iter()
        .map(|r| {
            let o = &r.stored.order;
            let e = &r.evaluation;
            let tracking = if o.tracking.is_empty() {
                "—".to_owned()
            } else {
                o.tracking.to_text()
            };
            Row::new(vec![
                Cell::from(o.channel.code()),
                Cell::from(o.number.clone()),
                Cell::from(text::status(o.status, app.lang)),
                Cell::from(tracking),
                Cell::from(text::verdict(e.verdict, app.lang)).style(verdict_style(app, e.verdict)),
                Cell::from(text::explain(e, app.lang)),
            ])
        })
        .collect();
    let title = {
        let matching = app.page.as_ref().map_or(0, |p| p.matching);
        let shown = app.rows().len() as u64;
        let from = if shown == 0 { 0 } else { app.offset + 1 };
        let search = app.search.value();
        let mut t = vec![Span::raw(format!(
            " {from}–{}/{matching} │",
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
    let table = Table::new(
        rows,
        [
            Constraint::Length(7),
            Constraint::Length(9),
            Constraint::Length(10),
            Constraint::Length(13),
            Constraint::Length(10),
            Constraint::Min(10),
        ],
    )
    .header(Row::new(head.to_vec()).style(Style::default().add_modifier(Modifier::BOLD)))
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
        let n: u64 = match app.tab {
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
                text::explain(e, app.lang)
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
        field(
            "ストア側",
            "store holds",
            remote.confirmed.as_ref().map_or_else(
                || {
                    if ja {
                        "未確認".into()
                    } else {
                        "nothing confirmed".into()
                    }
                },
                |w| serde_json::to_string(w).unwrap_or_default(),
            ),
        ),
    ];
    if let Some(since) = remote.in_flight_since {
        lines.push(field(
            "送信中",
            "in flight",
            format!(
                "{} {}",
                local(app, since, "%H:%M:%S"),
                if ja {
                    "(次回はストアを読んでから)"
                } else {
                    "(the store is read before any resend)"
                }
            ),
        ));
    }
    lines.push(Line::from(Span::styled(
        if ja { "送信履歴" } else { "audit trail" },
        Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
    )));
    if detail.attempts.is_empty() {
        lines.push(Line::from(if ja { "  なし" } else { "  none" }));
    }
    for a in detail.attempts.iter().rev() {
        let outcome = a.outcome.clone().unwrap_or_else(|| {
            if ja {
                "応答なし (中断)".into()
            } else {
                "no answer (interrupted)".into()
            }
        });
        let mut line = format!("  {} {outcome}", local(app, a.started_at, "%m-%d %H:%M:%S"));
        if let Some(error) = &a.error {
            line.push_str(&format!(": {error}"));
        }
        line.push_str(&format!("  → {}", a.request));
        let style = if a.error.is_some() {
            error_style(app)
        } else {
            Style::default()
        };
        lines.push(Line::from(Span::styled(line, style)));
    }
    lines
}

fn draw_detail(frame: &mut Frame, app: &App, area: Rect, form: Option<&EditForm>) {
    let Some(detail) = &app.detail else {
        return;
    };
    let o = &detail.row.stored.order;
    let title = format!(" {} {} ", o.channel, o.number);
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
    let labels = if ja {
        ["ステータス", "配送会社", "伝票番号", "出荷日"]
    } else {
        ["status", "carrier", "tracking", "shipped on"]
    };
    let hints = if ja {
        [
            "new awaiting_payment awaiting_shipment on_hold processed cancelled",
            "yamato sagawa japanpost seino fukuyama …",
            "複数は ; で区切る",
            "YYYY-MM-DD (空で消去)",
        ]
    } else {
        [
            "new awaiting_payment awaiting_shipment on_hold processed cancelled",
            "yamato sagawa japanpost seino fukuyama …",
            "several: separate with ;",
            "YYYY-MM-DD (empty clears)",
        ]
    };
    let height = (labels.len() as u16 * 2 + 3).min(area.height);
    let width = area.width.min(76);
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + 1.min(area.height),
        width,
        height,
    };
    frame.render_widget(Clear, rect);
    let title = if ja {
        format!(" {} を編集 (Enter 保存 · Esc 取消) ", form.number)
    } else {
        format!(" edit {} (Enter save · Esc cancel) ", form.number)
    };
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let mut lines = Vec::new();
    for (i, label) in labels.iter().enumerate() {
        let focused = i == form.focus;
        let value = form.fields[i].value().to_owned();
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
            format!("{}{}", " ".repeat(12), hints[i]),
            Style::default().add_modifier(Modifier::DIM),
        )));
    }
    if let Some(error) = &form.error {
        lines.push(Line::from(Span::styled(error.clone(), error_style(app))));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    // The terminal cursor sits in the focused field.
    let label_width = 12;
    let field = &form.fields[form.focus];
    let x = inner.x + label_width + field.visual_cursor() as u16;
    let y = inner.y + form.focus as u16 * 2;
    if x < inner.x + inner.width && y < inner.y + inner.height {
        frame.set_cursor_position((x, y));
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

fn draw_log(frame: &mut Frame, app: &App, area: Rect) {
    let height = area.height.saturating_sub(1) as usize;
    let lines: Vec<Line> = app
        .log
        .iter()
        .rev()
        .take(height)
        .rev()
        .map(|l| {
            let style = if l.error {
                error_style(app)
            } else {
                Style::default()
            };
            Line::from(Span::styled(
                format!("{} {}", local(app, l.at, "%H:%M:%S"), l.text),
                style,
            ))
        })
        .collect();
    let title = if app.ja() { " 記録 " } else { " log " };
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::TOP).title(title)),
        area,
    );
}

fn draw_keys(frame: &mut Frame, app: &App, area: Rect) {
    let ja = app.ja();
    let text = match (&app.mode, ja) {
        (Mode::List, true) => {
            "↑↓ 選択 Enter 詳細 e 編集 s 今すぐ更新 d 確認 p 受注取得 Tab ストア 0-5 判定 / 検索 o 設定 ? q"
        }
        (Mode::List, false) => {
            "↑↓ move Enter open e edit s sync now d dry run p pull Tab store 0-5 verdict / search o settings ? q"
        }
        (Mode::Search, true) => "注文番号・伝票番号の一部 · Enter 検索 · Esc 解除",
        (Mode::Search, false) => "part of a number or tracking · Enter search · Esc clear",
        (Mode::Detail, true) => "e 編集 · s 今すぐ更新 · d 確認 · Esc 一覧へ",
        (Mode::Detail, false) => "e edit · s sync now · d dry run · Esc back",
        (Mode::Edit(_), true) => "Tab/↑↓ 項目 · Enter 保存 · Esc 取消",
        (Mode::Edit(_), false) => "Tab/↑↓ field · Enter save · Esc cancel",
        (Mode::Settings { .. }, true) => "↑↓ 項目 · Space 切替 · ←→ 変更 · Tab ストア · Esc 戻る",
        (Mode::Settings { .. }, false) => {
            "↑↓ row · Space toggle · ←→ change · Tab store · Esc back"
        }
        (Mode::Help, true) => "何かキーを押すと戻ります",
        (Mode::Help, false) => "any key returns",
    };
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(
            text,
            Style::default().add_modifier(Modifier::DIM),
        ))),
        area,
    );
}

fn draw_help(frame: &mut Frame, app: &App, area: Rect) {
    let lines: Vec<&str> = if app.ja() {
        vec![
            "判定: 未送信=次の更新で書き込む · 送信済=ストアが同じ値を保持",
            "      伝票待ち=伝票番号なし(カラーミー) · 失敗=前回ストアが拒否 · 対象外=理由を表示",
            "s  今すぐ更新: このストアの未送信を書き込む (実行中なら終了後にもう1回)",
            "d  確認: 送信内容を表示するだけで何も送らない",
            "p  受注取得: ストアから新しい注文・キャンセル・入金を取り込む",
            "e  編集: ステータス・配送会社・伝票番号・出荷日 (他の端末が先に変えたら保存しない)",
            "o  設定: 自動取得・自動更新・間隔・即時更新・作成期間 (全端末共通)",
            "同じ注文が二度書き込まれることはありません (端末やデーモンが複数でも)",
        ]
    } else {
        vec![
            "verdicts: pending = the next sync writes it · synced = the store holds these values",
            "  waiting = no tracking yet (カラーミー) · failed = the store refused the last try",
            "  ineligible = not a target, the reasons say why",
            "s  sync now: write this store's pending orders (during a run: one more after it)",
            "d  dry run: show exactly what would be sent, send nothing",
            "p  pull: bring in new orders, cancellations and payments from the store",
            "e  edit status, carrier, tracking, shipped date (refused if another console changed it)",
            "o  settings: auto pull/sync, intervals, watch, period (shared by every console)",
            "No order is ever written twice, whatever the number of consoles and daemons.",
        ]
    };
    // Room for every line to wrap once on a narrow screen.
    let height = (lines.len() as u16 * 2 + 2).min(area.height);
    let rect = Rect {
        x: area.x,
        y: area.y,
        width: area.width,
        height,
    };
    frame.render_widget(Clear, rect);
    let title = if app.ja() { " ヘルプ " } else { " help " };
    frame.render_widget(
        Paragraph::new(lines.into_iter().map(Line::from).collect::<Vec<_>>())
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(title)),
        rect,
    );
}
