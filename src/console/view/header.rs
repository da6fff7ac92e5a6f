//! The top of the screen: the header with the store tabs and the clock, and one line per store
//! for its schedule, the run in progress and its last run.

use super::*;

pub(super) fn draw_header(frame: &mut Frame, app: &App, area: Rect) {
    let mut spans = vec![Span::styled(
        "hassou 発送 ",
        Style::default().add_modifier(Modifier::BOLD),
    )];
    for tab in app.tabs() {
        let name = match tab {
            Tab::Store(c) => text::store(c, app.lang),
            Tab::Log => Phrase::LogTab.get(app.lang),
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
pub(super) fn draw_store_lines(frame: &mut Frame, app: &App, area: Rect, channel: Store) {
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
    let mails = app.mails.get(&channel).copied().unwrap_or(false);
    let rules = text::settings::store_rules_line(channel, &view.settings, mails, app.lang);
    let mut run = Vec::new();
    // The store's health first, in words and colour: what an operator checks before anything.
    let empty = crate::db::VerdictCounts::default();
    let counts = app.page.as_ref().map_or(&empty, |p| &p.counts);
    let health = view.health(counts, app.health_rules, app.now);
    run.push(Span::styled(
        format!("● {} · ", text::health(&health, app.lang)),
        health_style(app, health.state),
    ));
    if let Some(p) = app.pulls.get(&channel) {
        run.push(Span::styled(
            Say::Pulling {
                pages: p.pages,
                orders: p.orders,
            }
            .get(app.lang),
            Style::default().add_modifier(Modifier::BOLD),
        ));
    }
    if app.reconciling.contains(&channel) {
        run.push(Span::styled(
            Say::ReconcileRunning.get(app.lang),
            Style::default().add_modifier(Modifier::BOLD),
        ));
    }
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

/// Green, yellow, red; bold (and reversed when failing) without colour.
fn health_style(app: &App, state: crate::domain::health::HealthState) -> Style {
    use crate::domain::health::HealthState;
    let style = Style::default().add_modifier(Modifier::BOLD);
    match (state, app.color) {
        (HealthState::Ok, true) => style.fg(Color::Green),
        (HealthState::Degraded, true) => style.fg(Color::Yellow),
        (HealthState::Failing, true) => style.fg(Color::Red),
        (HealthState::Failing, false) => style.add_modifier(Modifier::REVERSED),
        (_, false) => style,
    }
}

/// Who runs the store's schedule, its next run, and the last run with failures first.
pub(super) fn run_line(app: &App, view: &ScheduleView) -> String {
    let mut parts = Vec::new();
    let sync = view.job(JobKind::Sync, app.now);
    if let Some((published, _)) = sync
        && let Some(c) = &published.status.last_counts
    {
        // When it ran, then how it went: failures first.
        let at = published
            .status
            .started_at
            .map(|t| local(app, t, "%H:%M"))
            .unwrap_or_default();
        parts.push(Say::LastRunAt { at: &at, counts: c }.get(app.lang));
    }
    if let Some((published, true)) = sync
        && view.settings.auto_sync
        && let Some(next) = published.status.next_run_at
    {
        parts.push(Say::NextRun(&local(app, next, "%H:%M")).get(app.lang));
    }
    // Auto pull: off, or when it last pulled.
    let pulled = view
        .job(JobKind::Pull, app.now)
        .and_then(|(p, _)| p.status.last_ok_at)
        .map(|t| local(app, t, "%H:%M"));
    parts.push(
        Say::AutoPull {
            on: view.settings.auto_pull,
            last: pulled.as_deref(),
        }
        .get(app.lang),
    );
    parts.push(match view.live_lease(app.now) {
        Some(l) => {
            let who = l.holder.rsplit('/').next().unwrap_or(&l.holder);
            let who = if who.starts_with("console") {
                Phrase::AConsole.get(app.lang)
            } else {
                Phrase::TheDaemon.get(app.lang)
            };
            let host = l.holder.split('/').next().unwrap_or_default();
            Say::ScheduleRunBy { who, host }.get(app.lang)
        }
        None => Say::NoScheduleRunner.get(app.lang),
    });
    parts.join(" · ")
}

/// `[更新中 12/300 4.1件/秒 残り1分10秒]`: done and total, the rate, the time left; and that a
/// stop was asked.
pub(super) fn progress_text(app: &App, p: &Progress) -> String {
    let elapsed = (app.now - p.started_at).num_milliseconds().max(0) as f64 / 1000.0;
    let rate = (p.done > 0 && elapsed >= 1.0).then(|| {
        let rate = p.done as f64 / elapsed;
        let left = (p.planned.saturating_sub(p.done) as f64 / rate).round() as u64;
        (rate, left)
    });
    Say::Progress {
        dry_run: p.dry_run,
        stopping: p.stopping,
        done: p.done,
        planned: p.planned,
        rate,
    }
    .get(app.lang)
}
