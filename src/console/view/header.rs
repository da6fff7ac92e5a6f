//! The top of the screen: the header with the store tabs and the clock, and one line per store
//! for its schedule, the run in progress and its last run.

use super::*;

pub(super) fn draw_header(frame: &mut Frame, app: &App, area: Rect) {
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
pub(super) fn draw_store_lines(frame: &mut Frame, app: &App, area: Rect, channel: Channel) {
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
pub(super) fn run_line(app: &App, view: &ScheduleView) -> String {
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
pub(super) fn progress_text(app: &App, p: &Progress) -> String {
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
