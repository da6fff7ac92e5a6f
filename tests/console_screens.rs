//! The console's screens, drawn from fixed data on a `TestBackend` and kept as insta snapshots at
//! 80×24 and 120×40, in Japanese and English: each tab, the help, the confirmation, the detail,
//! the edit form, a running sync, a question and an error. A harness feeds keys and messages
//! through `update` exactly as the loop does; one test drives the real loop (`run_loop`) with
//! scripted keys. Review changes with `cargo insta review`.
#![allow(clippy::panic)] // a test fails by panicking

use std::path::Path;
use std::sync::Mutex;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use hassou::config::Language;
use hassou::console::runtime::{Effects, run_loop};
use hassou::console::state::{App, Detail, ScheduleView};
use hassou::console::update::{Cmd, Msg, start, update};
use hassou::db::{
    AttemptRecord, Lease, ListedOrder, OrderPage, PublishedStatus, StoredOrder, VerdictCounts,
};
use hassou::domain::job::{JobKind, JobStatus, RunCounts, Trigger};
use hassou::domain::{
    Carrier, Channel, ChannelRules, FailedWrite, Order, OrderStatus, RemoteState, RuleSettings,
    ShippingWrite, ShopTimeZone, Store, Tracking,
};
use hassou::settings::OperationalSettings;
use hassou::sync::{PlanItem, PlannedWrite, SyncEvent, SyncPlan};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("time")
        .with_timezone(&Utc)
}

/// 2026-11-24 12:00 in Japan.
fn now() -> DateTime<Utc> {
    at("2026-11-24T03:00:00Z")
}

fn order(channel: Store, number: &str, tracking: &str, shipped: Option<&str>) -> Order {
    Order {
        store: channel,
        remote_id: format!("gid-{number}"),
        number: number.into(),
        status: OrderStatus::Processed,
        ordered_at: at("2026-11-20T01:00:00Z"),
        updated_at: at("2026-11-24T01:00:00Z"),
        shipped_on: shipped.map(|d| d.parse::<NaiveDate>().expect("date")),
        carrier: Some(Carrier::Yamato),
        tracking: Tracking::parse(tracking),
        bundle_parent: None,
    }
}

fn listed(id: i64, order: Order, remote: RemoteState) -> ListedOrder {
    let rules = ChannelRules::new(
        order.store,
        RuleSettings::default(),
        now(),
        ShopTimeZone::jst(),
    );
    let evaluation = rules.evaluate(&order, &remote);
    ListedOrder {
        stored: StoredOrder {
            id,
            revision: 3,
            order,
            remote,
        },
        evaluation,
    }
}

/// One order of each verdict, in both stores.
fn rows(tab: Option<Store>) -> Vec<ListedOrder> {
    let synced = ShippingWrite::Shopify {
        tracking: vec!["483484399683".into()],
        carrier: Some(hassou::domain::Carrier::Yamato),
    };
    let refused = ShippingWrite::Shopify {
        tracking: vec!["390459983082".into()],
        carrier: Some(hassou::domain::Carrier::Yamato),
    };
    let all = vec![
        listed(
            1,
            order(Store::SHOPIFY, "#1001", "444413758703", Some("2026-11-24")),
            RemoteState::default(),
        ),
        listed(
            2,
            order(Store::SHOPIFY, "#1002", "483484399683", Some("2026-11-23")),
            RemoteState {
                confirmed: Some(synced),
                ..RemoteState::default()
            },
        ),
        listed(
            3,
            order(Store::SHOPIFY, "#1003", "390459983082", Some("2026-11-23")),
            RemoteState {
                last_failure: Some(FailedWrite {
                    write: refused,
                    error: "fulfillment order is on hold".into(),
                    cause: hassou::domain::Cause::OnHold,
                    at: at("2026-11-24T02:00:00Z"),
                }),
                ..RemoteState::default()
            },
        ),
        listed(
            4,
            order(Store::SHOPIFY, "#1004", "405548424886", None),
            RemoteState::default(),
        ),
        listed(
            5,
            order(Store::COLORME, "20000005", "", None),
            RemoteState::default(),
        ),
        listed(
            6,
            order(
                Store::COLORME,
                "20000006",
                "512547514334",
                Some("2026-11-24"),
            ),
            RemoteState::default(),
        ),
    ];
    all.into_iter()
        .filter(|r| tab.is_none_or(|c| r.stored.order.store == c))
        .collect()
}

fn page(tab: Option<Store>) -> OrderPage {
    let rows = rows(tab);
    let mut counts = VerdictCounts::default();
    for r in &rows {
        counts.add(r.stored.order.store, r.evaluation.verdict, 1);
    }
    OrderPage {
        matching: rows.len() as u64,
        rows,
        counts,
    }
}

fn schedules() -> Vec<ScheduleView> {
    let lease = Lease {
        name: "schedule:shopify".into(),
        holder: "ops1/4242/daemon-shopify".into(),
        acquired_at: at("2026-11-24T02:00:00Z"),
        expires_at: at("2026-11-24T03:01:00Z"),
    };
    let status = JobStatus {
        running: false,
        trigger: Some(Trigger::Schedule),
        started_at: Some(at("2026-11-24T02:30:00Z")),
        next_run_at: Some(at("2026-11-24T03:30:00Z")),
        queued: false,
        runs: 4,
        last_counts: Some(RunCounts {
            considered: 12,
            written: 3,
            already_synced: 8,
            waiting: 0,
            failed: 1,
        }),
        last_skipped: None,
        consecutive_failures: 0,
        last_error: None,
        last_cause: None,
        last_ok_at: Some(at("2026-11-24T02:30:00Z")),
        carried: false,
    };
    let shopify_settings = OperationalSettings {
        auto_sync: true,
        ..OperationalSettings::default()
    };
    vec![
        ScheduleView {
            store: Store::SHOPIFY,
            settings: shopify_settings,
            lease: Some(lease.clone()),
            published: vec![PublishedStatus {
                store: Store::SHOPIFY,
                job: JobKind::Sync,
                holder: lease.holder.clone(),
                status,
                updated_at: at("2026-11-24T02:59:00Z"),
            }],
            refused_mails: 0,
        },
        ScheduleView {
            store: Store::COLORME,
            settings: OperationalSettings::default(),
            lease: None,
            published: vec![],
            refused_mails: 0,
        },
    ]
}

/// The console as the loop runs it, without a terminal or a database: keys and messages go
/// through `update`; the commands it returns are kept for the test to answer.
struct Harness {
    app: App,
    cmds: Vec<Cmd>,
}

impl Harness {
    fn new(lang: Language) -> Harness {
        let mut app = App::new(
            lang,
            false,
            FixedOffset::east_opt(9 * 3600).expect("JST"),
            "sqlite:///srv/hassou/hassou.db".into(),
            vec![Store::SHOPIFY, Store::COLORME],
            now(),
        );
        app.mails = [(Store::SHOPIFY, false), (Store::COLORME, true)]
            .into_iter()
            .collect();
        let cmds = start(&mut app);
        let mut h = Harness { app, cmds };
        h.answer_pages();
        h.msg(Msg::Schedules(schedules()));
        h
    }

    /// Answers the page requests made so far with the fixture.
    fn answer_pages(&mut self) {
        for cmd in std::mem::take(&mut self.cmds) {
            if let Cmd::LoadPage {
                generation,
                store: channel,
                ..
            } = cmd
            {
                self.msg(Msg::Page {
                    generation,
                    result: Ok(page(channel)),
                });
            }
        }
    }

    fn msg(&mut self, msg: Msg) {
        let cmds = update(&mut self.app, msg);
        self.cmds.extend(cmds);
    }

    fn key(&mut self, code: KeyCode) {
        self.msg(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    fn keys(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    fn draw(&self, width: u16, height: u16) -> Terminal<TestBackend> {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
        terminal
            .draw(|f| hassou::console::view::draw(f, &self.app))
            .expect("draw");
        terminal
    }

    /// The text of the screen at `width` × `height`.
    fn text(&self, width: u16, height: u16) -> String {
        self.draw(width, height).backend().to_string()
    }
}

fn lang_code(lang: Language) -> &'static str {
    match lang {
        Language::Ja => "ja",
        Language::En => "en",
    }
}

/// Snapshots of one screen at both sizes; `build` brings the console to it.
fn snapshot(name: &str, build: impl Fn(Language) -> Harness) {
    for lang in [Language::Ja, Language::En] {
        let h = build(lang);
        for (w, ht) in [(80, 24), (120, 40)] {
            insta::assert_snapshot!(
                format!("{name}_{}_{w}x{ht}", lang_code(lang)),
                h.draw(w, ht).backend()
            );
        }
    }
}

fn plan() -> SyncPlan {
    let item = |id: i64, number: &str, numbers: &[&str], notifies: bool| PlanItem {
        order_id: id,
        number: number.into(),
        retry: id == 3,
        wanted: ShippingWrite::Shopify {
            tracking: numbers.iter().map(|n| (*n).to_owned()).collect(),
            carrier: Some(hassou::domain::Carrier::Yamato),
        },
        planned: PlannedWrite {
            numbers: numbers.iter().map(|n| (*n).to_owned()).collect(),
            company: Some("Yamato (JA)".into()),
            marks_shipped: true,
            notifies,
        },
    };
    SyncPlan {
        channel: Store::SHOPIFY,
        scope_order: None,
        items: vec![
            item(1, "#1001", &["444413758703"], true),
            item(3, "#1003", &["390459983082", "483484399683"], false),
        ],
        nothing_to_send: 1,
    }
}

/// The plan confirmed with `y`, and its run started.
fn confirmed_run(h: &mut Harness) {
    h.msg(Msg::Plan(Ok(plan())));
    h.key(KeyCode::Char('y'));
    h.msg(Msg::Sync(
        Store::SHOPIFY,
        SyncEvent::RunStarted {
            channel: Store::SHOPIFY,
            run_id: 5,
            planned: 2,
            dry_run: false,
        },
    ));
}

fn detail(h: &mut Harness) {
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Enter);
    let row = rows(None).remove(2);
    let attempt = AttemptRecord {
        id: 9,
        run_id: 4,
        order_id: 3,
        channel: "shopify".into(),
        started_at: at("2026-11-24T02:00:00Z"),
        finished_at: Some(at("2026-11-24T02:00:01Z")),
        request: "fulfillmentCreate 390459983082".into(),
        response: None,
        outcome: Some("failed".into()),
        error: Some("fulfillment order is on hold".into()),
    };
    h.msg(Msg::Detail(Ok(Detail {
        row,
        attempts: vec![attempt],
    })));
}

#[test]
fn shopify_tab() {
    snapshot("tab_shopify", Harness::new);
}

#[test]
fn colorme_tab() {
    snapshot("tab_colorme", |lang| {
        let mut h = Harness::new(lang);
        h.key(KeyCode::Tab);
        h.answer_pages();
        h
    });
}

#[test]
fn log_tab() {
    snapshot("tab_log", |lang| {
        let mut h = Harness::new(lang);
        confirmed_run(&mut h);
        h.msg(Msg::Sync(
            Store::SHOPIFY,
            SyncEvent::OrderFailed {
                number: "#1003".into(),
                error: "Shopify refused: the fulfillment order is on hold; release the hold in \
                        Shopify's admin (Orders > #1003 > Release hold), then sync again"
                    .into(),
                cause: hassou::domain::Cause::OnHold,
            },
        ));
        h.msg(Msg::Log(vec![(
            true,
            "WARN: cannot publish the sync status store=colorme".into(),
        )]));
        h.key(KeyCode::Tab);
        h.key(KeyCode::Tab);
        h
    });
}

#[test]
fn command_line_with_an_error() {
    snapshot("command_error", |lang| {
        let mut h = Harness::new(lang);
        h.key(KeyCode::Char(':'));
        h.keys("period 30");
        h.key(KeyCode::Enter);
        h
    });
}

#[test]
fn below_80_by_24_one_line_says_so() {
    for lang in [Language::Ja, Language::En] {
        let h = Harness::new(lang);
        let screen = h.text(79, 24);
        let first = screen.lines().next().unwrap_or_default().to_owned();
        assert!(first.contains("79×24"), "{first}");
        assert!(
            screen
                .lines()
                .skip(1)
                .all(|l| l.trim_matches(['"', ' ']).is_empty()),
            "{screen}"
        );
    }
}

/// `--ascii`: no glyph whose width is East Asian Ambiguous is left on any screen, and in either
/// mode every glyph of the chrome has the same width whatever the terminal's ambiguous setting
/// once replaced.
#[test]
fn ascii_mode_leaves_no_ambiguous_width_glyph() {
    use unicode_width::UnicodeWidthChar;
    let screens: Vec<Box<dyn Fn(Language) -> Harness>> = vec![
        Box::new(Harness::new),
        Box::new(|lang| {
            let mut h = Harness::new(lang);
            h.msg(Msg::Plan(Ok(plan())));
            h
        }),
        Box::new(|lang| {
            let mut h = Harness::new(lang);
            detail(&mut h);
            h.key(KeyCode::Char('e'));
            h
        }),
        Box::new(|lang| {
            let mut h = Harness::new(lang);
            h.key(KeyCode::Char('?'));
            h
        }),
    ];
    for build in &screens {
        for lang in [Language::Ja, Language::En] {
            let mut h = build(lang);
            h.app.ascii = true;
            let terminal = h.draw(80, 24);
            for cell in terminal.backend().buffer().content() {
                for c in cell.symbol().chars() {
                    assert_eq!(
                        c.width(),
                        c.width_cjk(),
                        "{c:?} (U+{:04X}) is ambiguous-width in ascii mode",
                        c as u32
                    );
                }
            }
        }
    }
}

#[test]
fn help() {
    snapshot("help", |lang| {
        let mut h = Harness::new(lang);
        h.key(KeyCode::Char('?'));
        h
    });
}

#[test]
fn confirmation() {
    snapshot("confirm", |lang| {
        let mut h = Harness::new(lang);
        h.key(KeyCode::Char('s'));
        h.msg(Msg::Plan(Ok(plan())));
        h
    });
}

/// Turning auto sync on is a write (SPEC §3): `:auto-sync on` shows the plan of what the first
/// run would write now, on Cancel, and turns nothing on yet.
#[test]
fn switching_auto_sync_on_shows_the_plan() {
    snapshot("switch_on", |lang| {
        let mut h = Harness::new(lang);
        let view = h.app.schedules.get_mut(&Store::SHOPIFY).expect("view");
        view.settings.auto_sync = false;
        h.key(KeyCode::Char(':'));
        h.keys("auto-sync on");
        h.key(KeyCode::Enter);
        assert!(
            h.cmds
                .iter()
                .any(|c| matches!(c, Cmd::Plan(s, _) if *s == Store::SHOPIFY)),
            "the plan first: {:?}",
            h.cmds
        );
        h.msg(Msg::Plan(Ok(plan())));
        let on = h
            .app
            .schedules
            .get(&Store::SHOPIFY)
            .map(|v| v.settings.auto_sync);
        assert_eq!(on, Some(false), "nothing turned on before y");
        assert!(
            !h.cmds.iter().any(|c| matches!(c, Cmd::SaveSettings(..))),
            "nothing saved before y"
        );
        h
    });
}

#[test]
fn order_detail() {
    snapshot("detail", |lang| {
        let mut h = Harness::new(lang);
        detail(&mut h);
        h
    });
}

#[test]
fn edit_form() {
    snapshot("edit", |lang| {
        let mut h = Harness::new(lang);
        detail(&mut h);
        h.key(KeyCode::Char('e'));
        // A typo in the number: the check-digit warning shows as it is typed.
        h.key(KeyCode::Backspace);
        h.keys("3");
        h
    });
}

#[test]
fn running_sync() {
    snapshot("running", |lang| {
        let mut h = Harness::new(lang);
        confirmed_run(&mut h);
        h.msg(Msg::Tick(at("2026-11-24T03:00:02Z")));
        h.answer_pages();
        h.msg(Msg::Sync(
            Store::SHOPIFY,
            SyncEvent::OrderWritten {
                number: "#1001".into(),
                outcome: hassou::sync::WriteOutcome::Fulfilled,
            },
        ));
        h.msg(Msg::Sync(
            Store::SHOPIFY,
            SyncEvent::OrderStarted {
                number: "#1003".into(),
            },
        ));
        h
    });
}

#[test]
fn stop_question() {
    snapshot("ask_stop", |lang| {
        let mut h = Harness::new(lang);
        h.msg(Msg::Plan(Ok(plan())));
        h.key(KeyCode::Char('y'));
        h.key(KeyCode::Char('x'));
        h
    });
}

#[test]
fn an_error() {
    snapshot("error", |lang| {
        let mut h = Harness::new(lang);
        h.msg(Msg::Error(
            Some(Store::SHOPIFY),
            hassou::domain::Problem::new(
                hassou::domain::Cause::Unreachable,
                "the request to https://shop.example failed (connection refused)",
            ),
        ));
        h.msg(Msg::Log(vec![(
            true,
            "WARN: cannot read the settings store=colorme".into(),
        )]));
        h
    });
}

#[test]
fn the_key_bar_never_wraps_and_keeps_help_and_quit() {
    for lang in [Language::Ja, Language::En] {
        let h = Harness::new(lang);
        let screen = h.text(80, 24);
        let last = screen.lines().last().expect("a key bar");
        let (help, quit) = match lang {
            Language::Ja => ("? ヘルプ", "q 終了"),
            Language::En => ("? help", "q quit"),
        };
        assert!(last.contains(help) && last.contains(quit), "{last}");
    }
}

/// Answers the loop's commands as a database and a store would, and remembers them.
#[derive(Default)]
struct ScriptedEffects {
    seen: Mutex<Vec<Cmd>>,
}

impl Effects for ScriptedEffects {
    fn execute(&self, cmd: Cmd, tx: &mpsc::UnboundedSender<Msg>) {
        match &cmd {
            Cmd::LoadPage {
                generation,
                store: channel,
                ..
            } => {
                let _ = tx.send(Msg::Page {
                    generation: *generation,
                    result: Ok(page(*channel)),
                });
            }
            Cmd::LoadSchedules => {
                let _ = tx.send(Msg::Schedules(schedules()));
            }
            Cmd::Plan(..) => {
                let _ = tx.send(Msg::Plan(Ok(plan())));
            }
            _ => {}
        }
        self.seen.lock().expect("lock").push(cmd);
    }
}

/// The real loop on a test terminal: a plan is shown, Esc cancels it (nothing run), `s` again and
/// `y` run it, `q` then asks (a run is active) and `y` quits.
#[tokio::test]
async fn the_loop_runs_a_plan_only_after_y() {
    let mut app = App::new(
        Language::En,
        false,
        FixedOffset::east_opt(9 * 3600).expect("JST"),
        "sqlite::memory:".into(),
        vec![Store::SHOPIFY],
        now(),
    );
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    let effects = ScriptedEffects::default();
    let (tx, mut msgs) = mpsc::unbounded_channel();
    let (keys, mut input) = mpsc::unbounded_channel();
    let press = |c: KeyCode| Event::Key(KeyEvent::new(c, KeyModifiers::NONE));
    for key in [
        KeyCode::Char('s'),
        KeyCode::Esc,
        KeyCode::Char('s'),
        KeyCode::Char('y'),
        KeyCode::Char('q'),
        KeyCode::Char('y'),
    ] {
        keys.send(press(key)).expect("key");
    }
    let cancel = CancellationToken::new();
    run_loop(
        &mut terminal,
        &mut app,
        &effects,
        &tx,
        &mut msgs,
        &mut input,
        &cancel,
    )
    .await
    .expect("the loop");
    assert!(app.quit);
    let seen = effects.seen.lock().expect("lock");
    let plans = seen.iter().filter(|c| matches!(c, Cmd::Plan(..))).count();
    let runs: Vec<&Cmd> = seen
        .iter()
        .filter(|c| matches!(c, Cmd::RunPlan(_)))
        .collect();
    assert_eq!(plans, 2);
    assert_eq!(runs, [&Cmd::RunPlan(plan())], "one run, of the plan shown");
    let screen = terminal.backend().to_string();
    assert!(screen.contains("#1001"), "{screen}");
}

/// The help lists every key and command in lines that never wrap at 80 columns, and the
/// README's keymap is the same text (so it cannot drift from the keys).
#[test]
fn help_fits_and_the_readme_keymap_is_the_help() {
    use hassou::console::view::help_lines;
    for lang in [Language::Ja, Language::En] {
        for line in help_lines(lang) {
            assert!(
                unicode_width::UnicodeWidthStr::width(line.as_str()) <= 78,
                "{line:?} is wider than the help box"
            );
        }
    }
    let readme = include_str!("../README.md");
    let help = help_lines(Language::En).join("\n");
    assert!(
        readme.contains(&help),
        "README.md's keymap is not the help; the help is:\n{help}"
    );
    // The help is the keymap: every binding, its keys and its hint, in both languages.
    for lang in [Language::Ja, Language::En] {
        let help = help_lines(lang).join("\n");
        for binding in hassou::console::keymap::BINDINGS {
            let item = format!("{} {}", binding.label(lang), binding.hint.get(lang));
            assert!(
                help.contains(&item),
                "the help lacks {item:?} ({binding:?})"
            );
        }
    }
    for name in hassou::console::command_line::NAMES {
        let listed = help_lines(Language::En)
            .iter()
            .any(|l| l.contains(&format!(":{name}")) || name == "q");
        assert!(listed, "the help lists no :{name}");
    }
}

#[test]
fn import_preview() {
    snapshot("import", |lang| {
        let mut h = Harness::new(lang);
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shipments/b2-header-97.csv");
        let bytes = std::fs::read(&path).expect("fixture");
        let parsed = hassou::shipments::parse(bytes.as_slice(), None).expect("parsed");
        let orders: Vec<hassou::db::ShippingHeld> =
            rows(None).iter().map(|r| (&r.stored).into()).collect();
        let plan = hassou::shipments::plan(&parsed.rows, &orders, None, false, now());
        h.msg(Msg::ImportPlanned(Ok(Box::new(
            hassou::console::state::ImportPreview {
                path: "/srv/labels/b2-header-97.csv".into(),
                summary: parsed.summary(),
                plan,
            },
        ))));
        h
    });
}

/// A big shop's counts fit 80 columns by priority (issue 19): abbreviated, never cut mid-number;
/// what is typed after `/` stays on screen however long it is.
#[test]
fn big_counts_fit_and_the_search_stays_visible() {
    snapshot("big_counts", |lang| {
        let mut h = Harness::new(lang);
        let mut page = page(Some(Store::SHOPIFY));
        let mut counts = VerdictCounts::default();
        for (verdict, n) in [
            (hassou::domain::Verdict::Pending, 12_345),
            (hassou::domain::Verdict::Synced, 987_654),
            (hassou::domain::Verdict::Waiting, 1_604),
            (hassou::domain::Verdict::Failed, 7),
            (hassou::domain::Verdict::Ineligible, 1_250_000),
        ] {
            counts.add(Store::SHOPIFY, verdict, n);
        }
        page.counts = counts;
        page.matching = 2_252_610;
        h.key(KeyCode::Char('/'));
        h.keys("4444-1375-8703-and-more-typed-here");
        let generation = h.app.generation;
        h.msg(Msg::Page {
            generation,
            result: Ok(page),
        });
        h
    });
    let mut h = Harness::new(Language::Ja);
    h.key(KeyCode::Char('/'));
    h.keys("4444-1375-8703-and-more-typed-here");
    for (w, ht) in [(80u16, 24u16), (120, 40)] {
        let screen = h.text(w, ht);
        assert!(screen.contains("typed-here▏"), "{screen}");
    }
}

/// A store's settings (`o`), on the third row.
#[test]
fn settings_screen() {
    snapshot("settings", |lang| {
        let mut h = Harness::new(lang);
        h.key(KeyCode::Char('o'));
        h.key(KeyCode::Down);
        h.key(KeyCode::Down);
        h
    });
}

/// The help scrolled to its end, over an order's detail (the help comes back to the detail).
#[test]
fn help_scrolled_over_the_detail() {
    snapshot("help_scrolled", |lang| {
        let mut h = Harness::new(lang);
        h.key(KeyCode::Enter);
        h.key(KeyCode::Char('?'));
        for _ in 0..40 {
            h.key(KeyCode::Down);
        }
        h
    });
}

/// A pull of 250 orders so far, three pages in, on the tab; `q` asks before stopping it.
#[test]
fn a_pull_in_progress_shows_and_quitting_asks() {
    snapshot("pulling", |lang| {
        let mut h = Harness::new(lang);
        h.msg(Msg::PullProgress(
            Store::SHOPIFY,
            hassou::channels::PullProgress {
                running: true,
                pages: 3,
                orders: 250,
            },
        ));
        h.key(KeyCode::Char('q'));
        assert!(!h.app.quit, "a pull in progress: q asks first");
        h
    });
}

/// The health line when the schedule's last run stopped: the token was refused twice in a row
/// (failing, said first, in words and colour; reversed without colour).
#[test]
fn health_failing() {
    snapshot("health_failing", |lang| {
        let mut h = Harness::new(lang);
        let mut views = schedules();
        let status = &mut views[0].published[0].status;
        status.consecutive_failures = 2;
        status.last_cause = Some(hassou::domain::Cause::TokenRejected);
        status.last_error = Some("HTTP 401".into());
        h.msg(Msg::Schedules(views));
        h
    });
}

/// Issue 22: four stores (two Shopify, two カラーミー) and the log. Every tab's name shows, the
/// shown one with its channel, within 80 columns; `:tab NAME` (here `:tab us`) picks one.
fn four_stores(lang: Language) -> Harness {
    let stores = [
        Store::register("jp", Channel::Shopify).expect("jp"),
        Store::register("us", Channel::Shopify).expect("us"),
        Store::register("main", Channel::Colorme).expect("main"),
        Store::register("outlet", Channel::Colorme).expect("outlet"),
    ];
    let mut app = App::new(
        lang,
        false,
        FixedOffset::east_opt(9 * 3600).expect("JST"),
        "sqlite:///srv/hassou/hassou.db".into(),
        stores.to_vec(),
        now(),
    );
    app.mails = stores.iter().map(|s| (*s, false)).collect();
    // Each store gets the fixture of its channel, as its own.
    let page_of = |store: Store| {
        let rows: Vec<ListedOrder> = rows(None)
            .into_iter()
            .filter(|r| r.stored.order.store.channel() == store.channel())
            .map(|mut r| {
                r.stored.order.store = store;
                r
            })
            .collect();
        let mut counts = VerdictCounts::default();
        for r in &rows {
            counts.add(store, r.evaluation.verdict, 1);
        }
        OrderPage {
            matching: rows.len() as u64,
            rows,
            counts,
        }
    };
    let views = stores
        .iter()
        .map(|store| {
            let mut view = schedules()
                .into_iter()
                .find(|v| v.store.channel() == store.channel())
                .expect("a view of the channel");
            view.store = *store;
            for published in &mut view.published {
                published.store = *store;
            }
            view
        })
        .collect();
    let cmds = start(&mut app);
    let mut h = Harness { app, cmds };
    h.msg(Msg::Schedules(views));
    h.key(KeyCode::Char(':'));
    h.keys("tab u");
    h.key(KeyCode::Tab);
    h.key(KeyCode::Enter);
    assert_eq!(
        h.app.store_tab(),
        Some(stores[1]),
        "`:tab u` completes to us"
    );
    for cmd in std::mem::take(&mut h.cmds) {
        if let Cmd::LoadPage {
            generation,
            store: Some(store),
            ..
        } = cmd
        {
            h.msg(Msg::Page {
                generation,
                result: Ok(page_of(store)),
            });
        }
    }
    h
}

#[test]
fn four_stores_tab_bar() {
    snapshot("four_stores", four_stores);
    for lang in [Language::Ja, Language::En] {
        let h = four_stores(lang);
        let top = h.text(80, 24);
        let header = top.lines().next().expect("header");
        for name in ["jp", "us · Shopify", "main", "outlet"] {
            assert!(header.contains(name), "{header}");
        }
    }
}
