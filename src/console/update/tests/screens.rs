//! The screen drawn on a test terminal, the detail's keys, the command line, the log tab, the
//! import preview and the refresh clock.

use super::*;

/// The screen as text, drawn on an 80×24 test terminal.
fn screen(app: &App) -> (String, ratatui::buffer::Buffer) {
    let backend = ratatui::backend::TestBackend::new(80, 24);
    let mut terminal = ratatui::Terminal::new(backend).expect("terminal");
    terminal
        .draw(|f| crate::console::view::draw(f, app))
        .expect("draw");
    let buffer = terminal.backend().buffer().clone();
    let text = (0..24)
        .map(|y| {
            let mut line = String::new();
            let mut x = 0;
            while x < 80 {
                let symbol = buffer[(x, y)].symbol();
                line.push_str(symbol);
                // A full-width character covers the next cell too.
                x += unicode_width::UnicodeWidthStr::width(symbol).max(1) as u16;
            }
            line.trim_end().to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n");
    (text, buffer)
}

#[test]
fn the_list_fits_80_by_24_with_verdicts_and_reasons_in_either_language() {
    let mut app = with_page(&[Store::SHOPIFY]);
    let (en, _) = screen(&app);
    assert!(en.contains("#1001"), "{en}");
    assert!(en.contains("pending"), "{en}");
    // At 80 columns the reason is cut (the detail shows it whole).
    assert!(en.contains("waiting for a tracking"), "{en}");
    // The key bar keeps help and quit whatever it has to leave out.
    assert!(
        en.lines()
            .last()
            .is_some_and(|l| l.contains("s sync") && l.ends_with("? help  q quit")),
        "{en}"
    );
    app.lang = Language::Ja;
    let (ja, _) = screen(&app);
    assert!(
        ja.contains("未送信") && ja.contains("伝票番号の入力待ち"),
        "{ja}"
    );
    assert!(
        ja.lines()
            .last()
            .is_some_and(|l| l.ends_with("? ヘルプ  q 終了")),
        "{ja}"
    );
}

#[test]
fn no_color_means_no_colour_but_the_selection_still_shows() {
    let mut app = with_page(&[Store::SHOPIFY]);
    let (_, plain) = screen(&app);
    let colours = |b: &ratatui::buffer::Buffer| {
        b.content()
            .iter()
            .filter(|c| c.fg != ratatui::style::Color::Reset)
            .count()
    };
    assert_eq!(colours(&plain), 0);
    assert!(
        plain
            .content()
            .iter()
            .any(|c| c.modifier.contains(ratatui::style::Modifier::REVERSED)),
        "the selected row is reversed"
    );
    app.color = true;
    let (_, coloured) = screen(&app);
    assert!(colours(&coloured) > 0);
}

#[test]
fn the_edit_form_shows_every_field_and_the_error() {
    let mut app = with_page(&[Store::SHOPIFY]);
    key(&mut app, KeyCode::Char('e'));
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "x");
    key(&mut app, KeyCode::Enter);
    let (text, _) = screen(&app);
    for field in [
        "status",
        "carrier",
        "tracking",
        "shipped on",
        "2026-11-24x",
        "is not a date",
    ] {
        assert!(text.contains(field), "{field}: {text}");
    }
}

#[test]
fn r_in_the_detail_reads_the_store_and_says_what_it_holds() {
    let mut app = with_page(&[Store::SHOPIFY]);
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        key(&mut app, KeyCode::Char('r')),
        [Cmd::Reread(Store::SHOPIFY, 1)]
    );
    let held = ShippingWrite::Shopify {
        tracking: vec!["444413758703".into()],
        carrier: Some(crate::domain::Carrier::Yamato),
    };
    let cmds = update(&mut app, Msg::Reread(1, Ok(Some(held))));
    assert_eq!(cmds[0], Cmd::LoadDetail(1));
    let said = &app.log.back().expect("said").text;
    assert!(
        said.contains("read from the store: 444413758703 (Yamato) fulfilled"),
        "{said}"
    );
    // An unconfigured store is read from the database only.
    let mut app = with_page(&[]);
    key(&mut app, KeyCode::Enter);
    assert_eq!(key(&mut app, KeyCode::Char('r')), [Cmd::LoadDetail(1)]);
}

/// Issue 13: a mail the store refused is sent only when the operator asks — `m` in the detail,
/// then `y` to the question; never without the refusal, never without the `y`.
#[test]
fn m_in_the_detail_sends_a_refused_mail_after_a_question() {
    let mut app = with_page(&[Store::COLORME]);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        key(&mut app, KeyCode::Char('m')),
        [],
        "no refusal: nothing to send"
    );
    assert!(matches!(app.mode, Mode::Detail));
    if let Some(detail) = app.detail.as_mut() {
        detail.row.stored.remote.mail_error = Some("カラーミー answered HTTP 500".into());
    }
    key(&mut app, KeyCode::Char('m'));
    assert!(
        matches!(&app.mode, Mode::Ask(a) if a.question == Question::SendMail(Store::COLORME, 2))
    );
    let (text, _) = screen(&app);
    assert!(text.contains("Send the shipping mail"), "{text}");
    assert_eq!(key(&mut app, KeyCode::Char('n')), [], "only y sends");
    key(&mut app, KeyCode::Char('m'));
    assert_eq!(
        key(&mut app, KeyCode::Char('y')),
        [Cmd::SendMail(Store::COLORME, 2)]
    );
    let cmds = update(
        &mut app,
        Msg::MailSent(2, Ok(crate::sync::mail::MailOutcome::Sent)),
    );
    assert_eq!(cmds, [Cmd::LoadDetail(2)]);
    assert!(app.log.back().expect("said").text.contains("was sent"));
}

fn command(app: &mut App, text: &str) -> Vec<Cmd> {
    key(app, KeyCode::Char(':'));
    type_text(app, text);
    key(app, KeyCode::Enter)
}

#[test]
fn the_command_line_changes_settings_for_every_console_and_refuses_bad_values() {
    let mut app = with_page(&[Store::SHOPIFY]);
    update(&mut app, Msg::Schedules(vec![schedule(Store::SHOPIFY)]));
    let cmds = command(&mut app, "period 5");
    let Some(Cmd::SaveSettings(store, saved)) = cmds.first() else {
        panic!("saved: {cmds:?}")
    };
    assert_eq!(*store, Store::SHOPIFY);
    assert_eq!(saved.rules.period.days(), 5);
    assert!(matches!(app.mode, Mode::List));
    // + and - move the period in place.
    let cmds = key(&mut app, KeyCode::Char('-'));
    assert!(matches!(cmds.first(), Some(Cmd::SaveSettings(_, s)) if s.rules.period.days() == 4));
    // A bad value stays on the command line with its error, and changes nothing.
    assert_eq!(command(&mut app, "period 30"), []);
    let Mode::Command {
        error: Some(error),
        input,
        ..
    } = &app.mode
    else {
        panic!("the command line stays open: {:?}", app.mode)
    };
    assert!(error.contains("1 to 13"), "{error}");
    assert_eq!(input.value(), "period 30");
    key(&mut app, KeyCode::Esc);
    // Tab completes the command name.
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "dry");
    key(&mut app, KeyCode::Tab);
    let Mode::Command { input, .. } = &app.mode else {
        panic!("command line")
    };
    assert_eq!(input.value(), "dry-run ");
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        [Cmd::DryRun(Store::SHOPIFY, PlanScope::Pending)]
    );
    // sync goes through the plan like s; order opens one; tab switches.
    assert_eq!(
        command(&mut app, "sync"),
        [Cmd::Plan(Store::SHOPIFY, PlanScope::Pending)]
    );
    assert_eq!(
        command(&mut app, "order #1001"),
        [Cmd::FindOrder(Store::SHOPIFY, "#1001".into())]
    );
    assert_eq!(command(&mut app, "tab log"), []);
    assert_eq!(app.tab, Tab::Log);
}

#[test]
fn the_log_tab_follows_pauses_and_filters() {
    let mut app = with_page(&[Store::SHOPIFY]);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.tab, Tab::Log);
    app.push_store_log(Store::SHOPIFY, "one", false);
    assert!(app.log_view.follow);
    // Scrolling up pauses; new lines are counted, not scrolled in.
    key(&mut app, KeyCode::Up);
    assert!(!app.log_view.follow);
    app.push_store_log(Store::COLORME, "two", true);
    assert_eq!(app.log_view.unseen, 1);
    key(&mut app, KeyCode::Char('f'));
    assert!(app.log_view.follow);
    assert_eq!((app.log_view.scroll, app.log_view.unseen), (0, 0));
    key(&mut app, KeyCode::Char('e'));
    key(&mut app, KeyCode::Char('c'));
    assert!(app.log_view.errors_only);
    assert_eq!(app.log_view.store, Some(Store::SHOPIFY));
}

#[test]
fn import_previews_a_carrier_file_and_saves_only_on_y() {
    let mut app = with_page(&[Store::SHOPIFY]);
    assert_eq!(
        command(&mut app, "import /srv/b2.csv"),
        [Cmd::PrepareImport("/srv/b2.csv".into())]
    );
    let preview = || {
        Box::new(crate::console::state::ImportPreview {
            path: "/srv/b2.csv".into(),
            summary: crate::shipments::FileSummary {
                format: crate::shipments::Format::B2,
                encoding: crate::shipments::Encoding::Cp932,
                rows: 0,
                warnings: vec![],
            },
            plan: crate::shipments::ImportPlan::default(),
        })
    };
    for leave in [KeyCode::Enter, KeyCode::Char('n'), KeyCode::Esc] {
        update(&mut app, Msg::ImportPlanned(Ok(preview())));
        assert!(matches!(app.mode, Mode::ConfirmImport(_)));
        assert_eq!(key(&mut app, leave), []);
        assert!(matches!(app.mode, Mode::List));
        assert!(
            app.log
                .back()
                .expect("said")
                .text
                .contains("nothing was saved")
        );
    }
    update(&mut app, Msg::ImportPlanned(Ok(preview())));
    assert_eq!(
        key(&mut app, KeyCode::Char('y')),
        [Cmd::SaveImport(preview())]
    );
}

/// Issue 14: an idle console does not read and judge its page every 2 s: only when something
/// was written since (by anyone), or after a quiet half minute.
#[test]
fn the_clock_reads_the_page_again_only_after_a_write_or_a_quiet_half_minute() {
    let mut app = with_page(&[Store::SHOPIFY]);
    let t0 = app.now;
    let loads = |cmds: &[Cmd]| {
        cmds.iter()
            .filter(|c| matches!(c, Cmd::LoadPage { .. }))
            .count()
    };
    let answer = |app: &mut App| {
        let generation = app.generation;
        update(
            app,
            Msg::Page {
                generation,
                result: Ok(OrderPage {
                    rows: vec![],
                    counts: VerdictCounts::default(),
                    matching: 0,
                }),
            },
        );
    };
    // The first tick reads it (nothing known yet).
    assert_eq!(loads(&update(&mut app, Msg::Tick(t0))), 1);
    answer(&mut app);
    // Nothing written: the next ticks read nothing.
    for s in [2, 4, 28] {
        let cmds = update(&mut app, Msg::Tick(t0 + chrono::Duration::seconds(s)));
        assert_eq!(loads(&cmds), 0, "at +{s} s");
    }
    // A write somewhere: the next tick reads it.
    update(&mut app, Msg::DataChanged);
    assert_eq!(
        loads(&update(
            &mut app,
            Msg::Tick(t0 + chrono::Duration::seconds(29))
        )),
        1
    );
    answer(&mut app);
    // Quiet for half a minute: read again anyway.
    assert_eq!(
        loads(&update(
            &mut app,
            Msg::Tick(t0 + chrono::Duration::seconds(40))
        )),
        0
    );
    assert_eq!(
        loads(&update(
            &mut app,
            Msg::Tick(t0 + chrono::Duration::seconds(59))
        )),
        1
    );
}

/// Issue 24: the clock passing a window's edge (an order leaves or enters a period) changes a
/// verdict with nothing written: the page is read again on the first tick past it, not half a
/// minute later.
#[test]
fn the_clock_passing_a_window_edge_reads_the_page_again() {
    let mut app = with_page(&[Store::SHOPIFY]);
    let t0 = app.now;
    let edge = t0 + chrono::Duration::seconds(7);
    let loads = |cmds: &[Cmd]| {
        cmds.iter()
            .filter(|c| matches!(c, Cmd::LoadPage { .. }))
            .count()
    };
    assert_eq!(loads(&update(&mut app, Msg::Tick(t0))), 1);
    let generation = app.generation;
    update(
        &mut app,
        Msg::Page {
            generation,
            result: Ok(OrderPage {
                rows: vec![],
                counts: VerdictCounts::default().changing_at(edge),
                matching: 0,
            }),
        },
    );
    let at = |s| t0 + chrono::Duration::seconds(s);
    assert_eq!(
        loads(&update(&mut app, Msg::Tick(at(6)))),
        0,
        "before the edge"
    );
    assert_eq!(
        loads(&update(&mut app, Msg::Tick(at(8)))),
        1,
        "past the edge"
    );
}
