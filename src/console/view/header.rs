//! The top of the screen: the header with the store tabs and the clock, and one line per store
//! for its schedule, the run in progress and its last run.

use unicode_width::UnicodeWidthStr;

use super::*;

pub(super) fn draw_header(frame: &mut Frame, app: &App, area: Rect) {
    let brand = Span::styled(
        "hassou 発送 ",
        Style::default().add_modifier(Modifier::BOLD),
    );
    let tabs = app.tabs();
    let shown = tabs.iter().position(|t| *t == app.tab).unwrap_or(0);
    let titles: Vec<TabTitle> = tabs
        .iter()
        .map(|tab| match tab {
            Tab::Store(store) => TabTitle {
                full: text::store(*store, app.lang),
                short: if store.is_default() {
                    text::store(*store, app.lang)
                } else {
                    store.name()
                },
            },
            Tab::Log => TabTitle {
                full: Phrase::LogTab.get(app.lang),
                short: Phrase::LogTab.get(app.lang),
            },
        })
        .collect();
    let notice = app.demo.then(|| {
        (
            Phrase::DemoNotice.get(app.lang),
            Phrase::DemoNoticeShort.get(app.lang),
        )
    });
    let clock = format!(" {}", local(app, app.now, "%H:%M:%S"));
    let layout = fit_header(
        &titles,
        shown,
        notice,
        &clock,
        (area.width as usize).saturating_sub(brand.width()),
    );
    let mut spans = vec![brand];
    for part in layout {
        spans.push(match part {
            HeaderPart::Tab(at, title) => {
                let style = if at == shown {
                    Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
                } else {
                    Style::default()
                };
                Span::styled(format!(" {title} "), style)
            }
            HeaderPart::More => Span::raw("…"),
            // Said first: the stores are the sandbox on this machine.
            HeaderPart::Notice(text) => Span::styled(
                text,
                Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED),
            ),
            HeaderPart::Clock(text) => Span::raw(text),
        });
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A tab's title whole (`jp · Shopify`) and by its name alone (`jp`).
#[derive(Debug, Clone, Copy)]
pub(super) struct TabTitle {
    pub(super) full: &'static str,
    pub(super) short: &'static str,
}

/// One piece of the header after the brand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum HeaderPart {
    /// The tab at this index, with the title it gets.
    Tab(usize, String),
    /// Tabs left out on this side.
    More,
    Notice(&'static str),
    Clock(String),
}

fn width_of(parts: &[HeaderPart]) -> usize {
    parts
        .iter()
        .map(|p| match p {
            HeaderPart::Tab(_, title) => title.width() + 2,
            HeaderPart::More => 1,
            HeaderPart::Notice(text) => text.width(),
            HeaderPart::Clock(text) => text.width(),
        })
        .sum()
}

/// The header that fits `width` columns, by priority: the shown tab's whole title first, then
/// the demo notice (short if need be), the other tabs (whole, else by name, else as many as fit
/// around the shown one with `…` for the rest), the clock last.
pub(super) fn fit_header(
    titles: &[TabTitle],
    shown: usize,
    notice: Option<(&'static str, &'static str)>,
    clock: &str,
    width: usize,
) -> Vec<HeaderPart> {
    let tabs = |whole: bool, range: std::ops::Range<usize>| -> Vec<HeaderPart> {
        let mut parts = Vec::new();
        if range.start > 0 {
            parts.push(HeaderPart::More);
        }
        for at in range.clone() {
            let title = if whole || at == shown {
                titles[at].full
            } else {
                titles[at].short
            };
            parts.push(HeaderPart::Tab(at, title.to_owned()));
        }
        if range.end < titles.len() {
            parts.push(HeaderPart::More);
        }
        parts
    };
    let with = |mut parts: Vec<HeaderPart>, notice: Option<&'static str>, with_clock: bool| {
        parts.extend(notice.map(HeaderPart::Notice));
        if with_clock {
            parts.push(HeaderPart::Clock(clock.to_owned()));
        }
        parts
    };
    let all = 0..titles.len();
    let (long, short) = match notice {
        Some((long, short)) => (Some(long), Some(short)),
        None => (None, None),
    };
    for candidate in [
        with(tabs(true, all.clone()), long, true),
        with(tabs(true, all.clone()), short, true),
        with(tabs(false, all.clone()), short, true),
        with(tabs(false, all.clone()), short, false),
    ] {
        if width_of(&candidate) <= width {
            return candidate;
        }
    }
    // As many tabs as fit around the shown one, one more each side in turn.
    let (mut start, mut end) = (shown, shown + 1);
    loop {
        let mut grew = false;
        for right in [true, false] {
            let (s, e) = if right {
                (start, end + 1)
            } else {
                (start.wrapping_sub(1), end)
            };
            if (right && e > titles.len()) || (!right && start == 0) {
                continue;
            }
            if width_of(&with(tabs(false, s..e), short, false)) <= width {
                (start, end) = (s, e);
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    with(tabs(false, start..end), short, false)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn titles(n: usize) -> Vec<TabTitle> {
        let names = [
            ("jp · Shopify", "jp"),
            ("us · Shopify", "us"),
            ("outlet-east · カラーミー", "outlet-east"),
            ("outlet-west · カラーミー", "outlet-west"),
            ("brand-b · Shopify", "brand-b"),
            ("brand-c · Shopify", "brand-c"),
            ("kids · カラーミー", "kids"),
            ("ログ", "ログ"),
        ];
        names[8 - n..]
            .iter()
            .map(|(full, short)| TabTitle { full, short })
            .collect()
    }

    fn shown_titles(parts: &[HeaderPart]) -> Vec<String> {
        parts
            .iter()
            .filter_map(|p| match p {
                HeaderPart::Tab(_, t) => Some(t.clone()),
                HeaderPart::More => Some("…".into()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn whole_titles_when_they_fit_then_names_then_a_window_around_the_shown_tab() {
        let (long, short) = (" デモ: 127.0.0.1 のサンドボックス ", " デモ ");
        let notice = Some((long, short));
        let clock = " 12:00:00";
        // Three tabs at 120 columns: every title whole, the notice whole, the clock.
        let wide = fit_header(&titles(3), 0, notice, clock, 108);
        assert!(wide.contains(&HeaderPart::Notice(long)));
        assert!(wide.contains(&HeaderPart::Clock(clock.into())));
        // Eight tabs at 80 columns (68 after the brand): the shown tab whole, its neighbours
        // by name, `…` for the rest; the short notice stays, the clock goes.
        let narrow = fit_header(&titles(8), 4, notice, clock, 68);
        assert!(width_of(&narrow) <= 68, "{narrow:?}");
        let shown = shown_titles(&narrow);
        assert!(shown.contains(&"brand-b · Shopify".to_owned()), "{shown:?}");
        assert_eq!(shown.first().map(String::as_str), Some("…"), "{shown:?}");
        assert!(narrow.contains(&HeaderPart::Notice(short)));
        assert!(!narrow.iter().any(|p| matches!(p, HeaderPart::Clock(_))));
        // The first and the last tab shown: `…` on the other side only.
        for at in [0, 7] {
            let parts = fit_header(&titles(8), at, None, clock, 40);
            assert!(width_of(&parts) <= 40, "{parts:?}");
            let shown = shown_titles(&parts);
            assert_eq!(shown.iter().filter(|t| *t == "…").count(), 1, "{shown:?}");
        }
    }
}
