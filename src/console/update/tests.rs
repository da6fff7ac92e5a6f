//! The console's behaviour, key by key and report by report, with no terminal and no database.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::config::Language;
use crate::console::edit_form::{CarrierChoice, Field};
use crate::console::state::{Question, Tab};
use crate::db::{StoredOrder, VerdictCounts};
use crate::domain::{Carrier, OrderStatus, ShippingWrite, Tracking};
use crate::domain::{ChannelRules, Order, RemoteState, RuleSettings, ShopTimeZone};
use crate::scheduler::JobKind;
use crate::sync::RunReport;
use crate::sync::{PlanItem, PlannedWrite};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("time")
        .with_timezone(&Utc)
}

fn now() -> DateTime<Utc> {
    at("2026-11-24T03:00:00Z")
}

fn order(channel: Channel, number: &str, tracking: &str, shipped: Option<&str>) -> Order {
    Order {
        channel,
        remote_id: format!("r{number}"),
        number: number.into(),
        status: OrderStatus::Processed,
        ordered_at: at("2026-11-20T01:00:00Z"),
        updated_at: at("2026-11-24T01:00:00Z"),
        shipped_on: shipped.map(|d| d.parse::<NaiveDate>().expect("date")),
        carrier: Carrier::parse("yamato"),
        tracking: Tracking::parse(tracking),
        bundle_parent: None,
    }
}

fn listed(id: i64, order: Order) -> ListedOrder {
    let rules = ChannelRules::new(
        order.channel,
        RuleSettings::default(),
        now(),
        ShopTimeZone::jst(),
    );
    let evaluation = rules.evaluate(&order, &RemoteState::default());
    ListedOrder {
        stored: StoredOrder {
            id,
            revision: 7,
            order,
            remote: RemoteState::default(),
        },
        evaluation,
    }
}

fn app(stores: &[Channel]) -> App {
    App::new(
        Language::En,
        false,
        FixedOffset::east_opt(9 * 3600).expect("JST"),
        "sqlite::memory:".into(),
        stores.to_vec(),
        now(),
    )
}

/// An app showing a page with a pending Shopify order and a waiting カラーミー sale.
fn with_page(stores: &[Channel]) -> App {
    let mut app = app(stores);
    let cmds = start(&mut app);
    let rows = vec![
        listed(
            1,
            order(
                Channel::Shopify,
                "#1001",
                "444413758703",
                Some("2026-11-24"),
            ),
        ),
        listed(2, order(Channel::Colorme, "20000005", "", None)),
    ];
    let page = OrderPage {
        rows,
        counts: VerdictCounts::default(),
        matching: 2,
    };
    let Some(Cmd::LoadPage { generation, .. }) = cmds.first() else {
        panic!("start loads a page: {cmds:?}");
    };
    update(
        &mut app,
        Msg::Page {
            generation: *generation,
            result: Ok(page),
        },
    );
    app
}

fn key(app: &mut App, code: KeyCode) -> Vec<Cmd> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

#[test]
fn start_asks_for_the_first_page_and_the_schedules() {
    let mut app = app(&[Channel::Shopify]);
    let cmds = start(&mut app);
    assert!(matches!(
        cmds[0],
        Cmd::LoadPage {
            offset: 0,
            limit: 100,
            channel: Some(Channel::Shopify),
            verdict: None,
            ..
        }
    ));
    assert_eq!(cmds[1], Cmd::LoadSchedules);
    assert!(app.loading);
}

#[test]
fn an_answer_to_an_older_request_is_dropped() {
    let mut app = with_page(&[Channel::Shopify]);
    assert_eq!(app.rows().len(), 2);
    let old = app.generation;
    key(&mut app, KeyCode::Char('1'));
    let stale = OrderPage {
        rows: vec![],
        counts: VerdictCounts::default(),
        matching: 0,
    };
    update(
        &mut app,
        Msg::Page {
            generation: old,
            result: Ok(stale),
        },
    );
    assert_eq!(
        app.rows().len(),
        2,
        "the stale page did not replace the list"
    );
    assert!(app.loading, "still waiting for the current request");
}

#[test]
fn digits_filter_by_verdict_and_tab_cycles_the_stores() {
    let mut app = with_page(&[Channel::Shopify]);
    for (c, verdict) in [
        ('1', Some(Verdict::Pending)),
        ('4', Some(Verdict::Failed)),
        ('5', Some(Verdict::Ineligible)),
        ('0', None),
    ] {
        let cmds = key(&mut app, KeyCode::Char(c));
        assert!(
            matches!(&cmds[..], [Cmd::LoadPage { verdict: v, offset: 0, .. }] if *v == verdict),
            "{c}: {cmds:?}"
        );
    }
    assert_eq!(app.tab, Tab::Store(Channel::Shopify));
    let tabs: Vec<Tab> = (0..3)
        .map(|_| {
            key(&mut app, KeyCode::Tab);
            app.tab
        })
        .collect();
    assert_eq!(
        tabs,
        [
            Tab::Store(Channel::Colorme),
            Tab::Log,
            Tab::Store(Channel::Shopify)
        ]
    );
}

fn plan(channel: Channel, numbers: &[&str]) -> SyncPlan {
    SyncPlan {
        channel,
        scope_order: None,
        items: numbers
            .iter()
            .enumerate()
            .map(|(i, n)| PlanItem {
                order_id: i as i64 + 1,
                number: (*n).to_owned(),
                retry: false,
                wanted: ShippingWrite::Shopify {
                    tracking: vec!["444413758703".into()],
                    carrier: Some("yamato".into()),
                },
                planned: PlannedWrite {
                    numbers: vec!["444413758703".into()],
                    company: Some("Yamato (JA)".into()),
                    marks_shipped: true,
                    notifies: true,
                },
            })
            .collect(),
        nothing_to_send: 0,
    }
}

#[test]
fn a_write_starts_with_a_plan_and_only_y_sends_it() {
    let mut app = with_page(&[Channel::Shopify]);
    // `s` asks for the plan: nothing is sent to make it.
    assert_eq!(
        key(&mut app, KeyCode::Char('s')),
        [Cmd::Plan(Channel::Shopify, PlanScope::Pending)]
    );
    assert!(matches!(app.mode, Mode::List));
    // The confirmation opens on Cancel: Enter, n, Esc and any other key leave it unsent.
    for leave in [
        KeyCode::Enter,
        KeyCode::Char('n'),
        KeyCode::Esc,
        KeyCode::Char('s'),
    ] {
        update(&mut app, Msg::Plan(Ok(plan(Channel::Shopify, &["#1001"]))));
        assert!(matches!(app.mode, Mode::Confirm(_)));
        assert_eq!(key(&mut app, leave), [], "{leave:?} sends nothing");
        assert!(matches!(app.mode, Mode::List));
        assert!(
            app.log
                .back()
                .expect("said")
                .text
                .contains("nothing was sent")
        );
    }
    // Scrolling does not confirm; y does, with exactly the plan shown.
    let shown = plan(Channel::Shopify, &["#1001", "#1003"]);
    update(&mut app, Msg::Plan(Ok(shown.clone())));
    assert_eq!(key(&mut app, KeyCode::Down), []);
    assert_eq!(key(&mut app, KeyCode::Char('y')), [Cmd::RunPlan(shown)]);
    assert!(app.runs.contains(&Channel::Shopify));
    // An empty plan opens nothing and says so.
    update(&mut app, Msg::Plan(Ok(plan(Channel::Shopify, &[]))));
    assert!(matches!(app.mode, Mode::List));
    assert!(
        app.log
            .back()
            .expect("said")
            .text
            .contains("nothing to send")
    );
}

#[test]
fn each_write_key_plans_its_own_scope_and_never_an_unconfigured_store() {
    let mut app = with_page(&[Channel::Shopify]);
    assert_eq!(
        key(&mut app, KeyCode::Char('S')),
        [Cmd::Plan(Channel::Shopify, PlanScope::Order(1))]
    );
    assert_eq!(
        key(&mut app, KeyCode::Char('F')),
        [Cmd::Plan(Channel::Shopify, PlanScope::Failed)]
    );
    assert_eq!(
        key(&mut app, KeyCode::Char('d')),
        [Cmd::DryRun(Channel::Shopify)]
    );
    // In the detail, `s` is this order alone, never the whole store.
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        key(&mut app, KeyCode::Char('s')),
        [Cmd::Plan(Channel::Shopify, PlanScope::Order(1))]
    );
    key(&mut app, KeyCode::Esc);
    // The カラーミー tab, and カラーミー has no credentials here.
    key(&mut app, KeyCode::Tab);
    assert_eq!(key(&mut app, KeyCode::Char('s')), []);
    assert!(
        app.log
            .back()
            .expect("said why")
            .text
            .contains("colorme is not configured")
    );
}

#[test]
fn a_running_sync_is_stopped_only_when_asked_and_quitting_asks_first() {
    let mut app = with_page(&[Channel::Shopify]);
    update(&mut app, Msg::Plan(Ok(plan(Channel::Shopify, &["#1001"]))));
    key(&mut app, KeyCode::Char('y'));
    // Ctrl-C and x ask; No is every answer but y.
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(update(&mut app, Msg::Key(ctrl_c)), []);
    assert!(matches!(&app.mode, Mode::Ask(a) if a.question == Question::StopRun(Channel::Shopify)));
    assert_eq!(key(&mut app, KeyCode::Enter), []);
    assert!(matches!(app.mode, Mode::List) && !app.quit);
    key(&mut app, KeyCode::Char('x'));
    assert_eq!(
        key(&mut app, KeyCode::Char('y')),
        [Cmd::StopRun(Channel::Shopify)]
    );
    // q asks while the run is active.
    key(&mut app, KeyCode::Char('q'));
    assert!(matches!(&app.mode, Mode::Ask(a) if a.question == Question::Quit));
    key(&mut app, KeyCode::Esc);
    assert!(!app.quit);
    // Once it ended, q quits at once.
    update(
        &mut app,
        Msg::RunEnded(Channel::Shopify, Err("stopped".into())),
    );
    key(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
}

#[test]
fn the_selection_stays_on_its_order_across_reloads_and_edits() {
    let mut app = with_page(&[Channel::Shopify, Channel::Colorme]);
    key(&mut app, KeyCode::Down);
    assert_eq!(app.selected_id, Some(2));
    // Another process's edit re-sorts the list: the selection follows the order, not the row.
    let Some(page) = app.page.clone() else {
        panic!("a page")
    };
    let mut resorted = page.clone();
    resorted.rows.reverse();
    let generation = app.generation;
    update(
        &mut app,
        Msg::Page {
            generation,
            result: Ok(resorted),
        },
    );
    assert_eq!(app.selected, 0);
    assert_eq!(app.selected_row().map(|r| r.stored.id), Some(2));
    // Back from the detail of an order, the cursor is on that order.
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Esc);
    let generation = app.generation;
    update(
        &mut app,
        Msg::Page {
            generation,
            result: Ok(page),
        },
    );
    assert_eq!(app.selected_row().map(|r| r.stored.id), Some(2));
}

#[test]
fn carriers_and_statuses_come_from_pick_lists_and_other_needs_a_name() {
    let mut app = with_page(&[Channel::Shopify]);
    key(&mut app, KeyCode::Char('e'));
    key(&mut app, KeyCode::BackTab); // carrier
    // Typing cannot put a typo in the carrier: letters do nothing there.
    type_text(&mut app, "yamto");
    let Mode::Edit(form) = &app.mode else {
        panic!("the form")
    };
    assert_eq!(form.carrier, CarrierChoice::Known(0));
    // Left from ヤマト goes to "none", then round to "other…", which asks for the name.
    key(&mut app, KeyCode::Left);
    key(&mut app, KeyCode::Left);
    let Mode::Edit(form) = &app.mode else {
        panic!("the form")
    };
    assert_eq!(form.carrier, CarrierChoice::Other);
    assert!(form.fields().contains(&Field::OtherName));
    assert_eq!(key(&mut app, KeyCode::Enter), [], "other… with no name");
    let Mode::Edit(form) = &app.mode else {
        panic!("the form")
    };
    assert!(
        form.error
            .as_deref()
            .is_some_and(|e| e.starts_with("carrier:"))
    );
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "DHL Express");
    let cmds = key(&mut app, KeyCode::Enter);
    let [Cmd::Save { edit, .. }] = &cmds[..] else {
        panic!("one save: {cmds:?}")
    };
    assert_eq!(
        edit.carrier,
        Some(Some(Carrier::Other("DHL Express".into())))
    );
}

#[test]
fn a_dirty_form_asks_before_it_is_dropped() {
    let mut app = with_page(&[Channel::Shopify]);
    key(&mut app, KeyCode::Char('e'));
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.mode, Mode::Detail), "a clean form just closes");
    key(&mut app, KeyCode::Char('e'));
    type_text(&mut app, "1");
    key(&mut app, KeyCode::Esc);
    assert!(matches!(&app.mode, Mode::Ask(a) if a.question == Question::DiscardEdit));
    key(&mut app, KeyCode::Char('n'));
    let Mode::Edit(form) = &app.mode else {
        panic!("back in the form with what was typed")
    };
    assert!(form.tracking.value().ends_with('1'));
    // Ctrl-C with a dirty form asks too.
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    update(&mut app, Msg::Key(ctrl_c));
    assert!(matches!(&app.mode, Mode::Ask(a) if a.question == Question::Quit));
    key(&mut app, KeyCode::Char('y'));
    assert!(app.quit);
}

#[test]
fn shipped_on_has_a_today_key() {
    let mut app = with_page(&[Channel::Shopify]);
    key(&mut app, KeyCode::Char('e'));
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char('t'));
    let Mode::Edit(form) = &app.mode else {
        panic!("the form")
    };
    // now() is 2026-11-24 12:00 in Japan.
    assert_eq!(form.shipped_on.value(), "2026-11-24");
}

#[test]
fn an_edit_sends_only_the_changed_fields_at_the_revision_read() {
    let mut app = with_page(&[Channel::Colorme]);
    key(&mut app, KeyCode::Down);
    let cmds = key(&mut app, KeyCode::Char('e'));
    assert_eq!(cmds, [Cmd::LoadDetail(2)]);
    // The form opens on the tracking field.
    type_text(&mut app, "4444-1375-8703");
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "2026-11-24");
    let cmds = key(&mut app, KeyCode::Enter);
    let [
        Cmd::Save {
            order_id,
            revision,
            edit,
        },
    ] = &cmds[..]
    else {
        panic!("one save: {cmds:?}");
    };
    assert_eq!((*order_id, *revision), (2, 7));
    assert_eq!(edit.tracking, Some(Tracking::parse("444413758703")));
    assert_eq!(
        edit.shipped_on,
        Some(Some("2026-11-24".parse().expect("date")))
    );
    assert_eq!(
        (edit.status, &edit.carrier),
        (None, &None),
        "unchanged fields are not sent"
    );
}

#[test]
fn a_bad_value_names_its_field_and_saves_nothing() {
    let mut app = with_page(&[Channel::Colorme]);
    key(&mut app, KeyCode::Char('e'));
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "24/11");
    assert_eq!(key(&mut app, KeyCode::Enter), []);
    let Mode::Edit(form) = &app.mode else {
        panic!("the form stays open")
    };
    assert!(
        form.error
            .as_deref()
            .is_some_and(|e| e.starts_with("shipped on:")),
        "{:?}",
        form.error
    );
}

#[test]
fn a_refused_save_keeps_what_the_operator_typed() {
    let mut app = with_page(&[Channel::Colorme]);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char('e'));
    type_text(&mut app, "390459983082");
    key(&mut app, KeyCode::Enter);
    let conflict =
        "order 20000005 was changed by someone else since it was read; reload and try again";
    update(&mut app, Msg::Saved(Err(conflict.into())));
    let Mode::Edit(form) = &app.mode else {
        panic!("the form stays open")
    };
    assert_eq!(form.tracking.value(), "390459983082");
    assert_eq!(form.error.as_deref(), Some(conflict));
}

#[test]
fn settings_change_at_once_and_are_saved_for_every_console() {
    let mut app = with_page(&[Channel::Shopify]);
    update(
        &mut app,
        Msg::Schedules(vec![ScheduleView {
            channel: Channel::Shopify,
            settings: OperationalSettings::default(),
            lease: None,
            published: vec![],
        }]),
    );
    key(&mut app, KeyCode::Char('o'));
    for _ in 0..4 {
        key(&mut app, KeyCode::Down);
    }
    let cmds = key(&mut app, KeyCode::Char(' '));
    let [Cmd::SaveSettings(Channel::Shopify, saved)] = &cmds[..] else {
        panic!("saved: {cmds:?}");
    };
    assert!(saved.watch);
    assert!(
        app.schedules[&Channel::Shopify].settings.watch,
        "shown at once"
    );
}

#[test]
fn a_run_is_followed_order_by_order_then_the_list_reloads() {
    let mut app = with_page(&[Channel::Shopify]);
    let started = SyncEvent::RunStarted {
        channel: Channel::Shopify,
        run_id: 1,
        planned: 2,
        dry_run: false,
    };
    update(&mut app, Msg::Sync(Channel::Shopify, started));
    update(
        &mut app,
        Msg::Sync(
            Channel::Shopify,
            SyncEvent::OrderStarted {
                number: "#1001".into(),
            },
        ),
    );
    assert_eq!(
        app.progress[&Channel::Shopify].current.as_deref(),
        Some("#1001")
    );
    update(
        &mut app,
        Msg::Sync(
            Channel::Shopify,
            SyncEvent::OrderFailed {
                number: "#1001".into(),
                error: "Shopify answered 503".into(),
            },
        ),
    );
    assert_eq!(app.progress[&Channel::Shopify].done, 1);
    assert!(app.log.back().expect("log").error);
    let report = RunReport {
        channel: Channel::Shopify,
        dry_run: false,
        considered: 2,
        pending: 2,
        written: 1,
        already_synced: 0,
        waiting: 0,
        failed: 1,
        mail_refused: 0,
        stopped: None,
        unreachable_streak: 0,
        cancelled: false,
        results: vec![],
    };
    let cmds = update(
        &mut app,
        Msg::Sync(Channel::Shopify, SyncEvent::RunFinished { report }),
    );
    assert!(app.progress.is_empty());
    assert!(matches!(cmds[0], Cmd::LoadPage { .. }));
    assert!(app.log.back().expect("log").text.contains("1 written"));
}

#[test]
fn a_failing_job_is_said_once_not_on_every_status_change() {
    let mut app = app(&[Channel::Colorme]);
    let failed = JobStatus {
        runs: 1,
        consecutive_failures: 1,
        last_error: Some("カラーミー answered 401".into()),
        ..JobStatus::default()
    };
    for _ in 0..3 {
        update(
            &mut app,
            Msg::Job {
                channel: Channel::Colorme,
                job: JobKind::Pull,
                status: failed.clone(),
            },
        );
    }
    assert_eq!(app.log.len(), 1);
    assert!(app.log[0].text.contains("401"));
}

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
    let mut app = with_page(&[Channel::Shopify]);
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
    let mut app = with_page(&[Channel::Shopify]);
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
    let mut app = with_page(&[Channel::Shopify]);
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
    let mut app = with_page(&[Channel::Shopify]);
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        key(&mut app, KeyCode::Char('r')),
        [Cmd::Reread(Channel::Shopify, 1)]
    );
    let held = ShippingWrite::Shopify {
        tracking: vec!["444413758703".into()],
        carrier: Some("yamato".into()),
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
    let mut app = with_page(&[Channel::Colorme]);
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
        matches!(&app.mode, Mode::Ask(a) if a.question == Question::SendMail(Channel::Colorme, 2))
    );
    let (text, _) = screen(&app);
    assert!(text.contains("Send the shipping mail"), "{text}");
    assert_eq!(key(&mut app, KeyCode::Char('n')), [], "only y sends");
    key(&mut app, KeyCode::Char('m'));
    assert_eq!(
        key(&mut app, KeyCode::Char('y')),
        [Cmd::SendMail(Channel::Colorme, 2)]
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
    let mut app = with_page(&[Channel::Shopify]);
    update(&mut app, Msg::Schedules(vec![schedule(Channel::Shopify)]));
    let cmds = command(&mut app, "period 5");
    let Some(Cmd::SaveSettings(Channel::Shopify, saved)) = cmds.first() else {
        panic!("saved: {cmds:?}")
    };
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
        [Cmd::DryRun(Channel::Shopify)]
    );
    // sync goes through the plan like s; order opens one; tab switches.
    assert_eq!(
        command(&mut app, "sync"),
        [Cmd::Plan(Channel::Shopify, PlanScope::Pending)]
    );
    assert_eq!(
        command(&mut app, "order #1001"),
        [Cmd::FindOrder(Channel::Shopify, "#1001".into())]
    );
    assert_eq!(command(&mut app, "tab log"), []);
    assert_eq!(app.tab, Tab::Log);
}

fn schedule(channel: Channel) -> ScheduleView {
    ScheduleView {
        channel,
        settings: OperationalSettings::default(),
        lease: None,
        published: vec![],
    }
}

#[test]
fn the_log_tab_follows_pauses_and_filters() {
    let mut app = with_page(&[Channel::Shopify]);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.tab, Tab::Log);
    app.push_store_log(Channel::Shopify, "one", false);
    assert!(app.log_view.follow);
    // Scrolling up pauses; new lines are counted, not scrolled in.
    key(&mut app, KeyCode::Up);
    assert!(!app.log_view.follow);
    app.push_store_log(Channel::Colorme, "two", true);
    assert_eq!(app.log_view.unseen, 1);
    key(&mut app, KeyCode::Char('f'));
    assert!(app.log_view.follow);
    assert_eq!((app.log_view.scroll, app.log_view.unseen), (0, 0));
    key(&mut app, KeyCode::Char('e'));
    key(&mut app, KeyCode::Char('c'));
    assert!(app.log_view.errors_only);
    assert_eq!(app.log_view.store, Some(Channel::Shopify));
}

#[test]
fn import_previews_a_carrier_file_and_saves_only_on_y() {
    let mut app = with_page(&[Channel::Shopify]);
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
    let mut app = with_page(&[Channel::Shopify]);
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
