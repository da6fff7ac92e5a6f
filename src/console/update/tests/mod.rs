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

fn order(channel: Store, number: &str, tracking: &str, shipped: Option<&str>) -> Order {
    Order {
        store: channel,
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
        order.store,
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

fn app(stores: &[Store]) -> App {
    App::new(
        Language::En,
        false,
        FixedOffset::east_opt(9 * 3600).expect("JST"),
        "sqlite::memory:".into(),
        stores.to_vec(),
        now(),
    )
}

/// A store's schedule with the default settings, nobody holding its lease.
fn schedule(store: Store) -> ScheduleView {
    ScheduleView {
        store,
        settings: OperationalSettings::default(),
        lease: None,
        published: vec![],
        refused_mails: 0,
    }
}

/// An app showing a page with a pending Shopify order and a waiting カラーミー sale.
fn with_page(stores: &[Store]) -> App {
    let mut app = app(stores);
    let cmds = start(&mut app);
    let rows = vec![
        listed(
            1,
            order(Store::SHOPIFY, "#1001", "444413758703", Some("2026-11-24")),
        ),
        listed(2, order(Store::COLORME, "20000005", "", None)),
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
    let mut app = app(&[Store::SHOPIFY]);
    let cmds = start(&mut app);
    assert!(matches!(
        cmds[0],
        Cmd::LoadPage {
            offset: 0,
            limit: 100,
            store: Some(store),
            verdict: None,
            ..
        } if store == Store::SHOPIFY
    ));
    assert_eq!(cmds[1], Cmd::LoadSchedules);
    assert!(app.loading);
}

#[test]
fn an_answer_to_an_older_request_is_dropped() {
    let mut app = with_page(&[Store::SHOPIFY]);
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
    let mut app = with_page(&[Store::SHOPIFY]);
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
    assert_eq!(app.tab, Tab::Store(Store::SHOPIFY));
    let tabs: Vec<Tab> = (0..3)
        .map(|_| {
            key(&mut app, KeyCode::Tab);
            app.tab
        })
        .collect();
    assert_eq!(
        tabs,
        [
            Tab::Store(Store::COLORME),
            Tab::Log,
            Tab::Store(Store::SHOPIFY)
        ]
    );
}

fn plan(store: Store, numbers: &[&str]) -> SyncPlan {
    SyncPlan {
        channel: store,
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
                    carrier: Some(crate::domain::Carrier::Yamato),
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
    let mut app = with_page(&[Store::SHOPIFY]);
    // `s` asks for the plan: nothing is sent to make it.
    assert_eq!(
        key(&mut app, KeyCode::Char('s')),
        [Cmd::Plan(Store::SHOPIFY, PlanScope::Pending)]
    );
    assert!(matches!(app.mode, Mode::List));
    // The confirmation opens on Cancel: Enter, n, Esc and any other key leave it unsent.
    for leave in [
        KeyCode::Enter,
        KeyCode::Char('n'),
        KeyCode::Esc,
        KeyCode::Char('s'),
    ] {
        update(&mut app, Msg::Plan(Ok(plan(Store::SHOPIFY, &["#1001"]))));
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
    let shown = plan(Store::SHOPIFY, &["#1001", "#1003"]);
    update(&mut app, Msg::Plan(Ok(shown.clone())));
    assert_eq!(key(&mut app, KeyCode::Down), []);
    assert_eq!(key(&mut app, KeyCode::Char('y')), [Cmd::RunPlan(shown)]);
    assert!(app.runs.contains(&Store::SHOPIFY));
    // An empty plan opens nothing and says so.
    update(&mut app, Msg::Plan(Ok(plan(Store::SHOPIFY, &[]))));
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
    let mut app = with_page(&[Store::SHOPIFY]);
    assert_eq!(
        key(&mut app, KeyCode::Char('S')),
        [Cmd::Plan(Store::SHOPIFY, PlanScope::Order(1))]
    );
    assert_eq!(
        key(&mut app, KeyCode::Char('F')),
        [Cmd::Plan(Store::SHOPIFY, PlanScope::Failed)]
    );
    assert_eq!(
        key(&mut app, KeyCode::Char('d')),
        [Cmd::DryRun(Store::SHOPIFY, PlanScope::Pending)]
    );
    // In the detail, `s` is this order alone, never the whole store.
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        key(&mut app, KeyCode::Char('s')),
        [Cmd::Plan(Store::SHOPIFY, PlanScope::Order(1))]
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
            .contains("Color Me is not configured")
    );
}

#[test]
fn a_running_sync_is_stopped_only_when_asked_and_quitting_asks_first() {
    let mut app = with_page(&[Store::SHOPIFY]);
    update(&mut app, Msg::Plan(Ok(plan(Store::SHOPIFY, &["#1001"]))));
    key(&mut app, KeyCode::Char('y'));
    // Ctrl-C and x ask; No is every answer but y.
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(update(&mut app, Msg::Key(ctrl_c)), []);
    assert!(matches!(&app.mode, Mode::Ask(a) if a.question == Question::StopRun(Store::SHOPIFY)));
    assert_eq!(key(&mut app, KeyCode::Enter), []);
    assert!(matches!(app.mode, Mode::List) && !app.quit);
    key(&mut app, KeyCode::Char('x'));
    assert_eq!(
        key(&mut app, KeyCode::Char('y')),
        [Cmd::StopRun(Store::SHOPIFY)]
    );
    // q asks while the run is active.
    key(&mut app, KeyCode::Char('q'));
    assert!(matches!(&app.mode, Mode::Ask(a) if a.question == Question::Quit));
    key(&mut app, KeyCode::Esc);
    assert!(!app.quit);
    // Once it ended, q quits at once.
    update(
        &mut app,
        Msg::RunEnded(
            Store::SHOPIFY,
            Err(crate::domain::Problem::database("stopped")),
        ),
    );
    key(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
}

#[test]
fn the_selection_stays_on_its_order_across_reloads_and_edits() {
    let mut app = with_page(&[Store::SHOPIFY, Store::COLORME]);
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

mod forms;
mod runs;
mod screens;

/// Issue 19: a search applied with Enter stayed in force; Esc in the list clears it and reads
/// the page again without it. With no search, Esc in the list does nothing.
#[test]
fn esc_in_the_list_clears_a_search_in_force() {
    let mut app = with_page(&[Store::SHOPIFY, Store::COLORME]);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "1001");
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(
        matches!(&cmds[..], [Cmd::LoadPage { search: Some(s), .. }] if s == "1001"),
        "{cmds:?}"
    );
    assert!(matches!(app.mode, Mode::List));
    let cmds = key(&mut app, KeyCode::Esc);
    assert!(
        matches!(&cmds[..], [Cmd::LoadPage { search: None, .. }]),
        "{cmds:?}"
    );
    assert_eq!(app.search.value(), "");
    assert!(key(&mut app, KeyCode::Esc).is_empty());
}

/// Issue 21: `h` holds the selected order (nothing goes to a store) or releases a held one;
/// `:hold REASON` keeps the operator's words; the log says who did it.
#[test]
fn h_holds_or_releases_the_selected_order() {
    let mut app = with_page(&[Store::SHOPIFY]);
    app.operator = "ops@host".into();
    let selected = app.selected_row().expect("a row").stored.id;
    let cmds = key(&mut app, KeyCode::Char('h'));
    assert_eq!(
        cmds,
        [Cmd::SetHold {
            order_id: selected,
            hold: Some(String::new())
        }]
    );
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "hold address check");
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(
        cmds.contains(&Cmd::SetHold {
            order_id: selected,
            hold: Some("address check".into())
        }),
        "{cmds:?}"
    );
    update(&mut app, Msg::HoldSet(selected, true, Ok(())));
    assert!(
        app.log.iter().any(|l| l.text.contains("held (ops@host)")),
        "{:?}",
        app.log
    );
    // A held row: `h` releases it.
    if let Some(page) = app.page.as_mut() {
        page.rows[0].stored.remote.hold = Some(crate::domain::Hold {
            at: now(),
            by: "ops@host".into(),
            reason: String::new(),
        });
    }
    app.select_row(0);
    let id = app.selected_row().expect("row").stored.id;
    let cmds = key(&mut app, KeyCode::Char('h'));
    assert_eq!(
        cmds,
        [Cmd::SetHold {
            order_id: id,
            hold: None
        }]
    );
}

/// Issue 21: `:reconcile` reads the store back once at a time — the tab says it is reconciling,
/// a second `:reconcile` meanwhile asks nothing more, and the result clears it.
#[test]
fn reconcile_runs_once_at_a_time_and_says_so() {
    let mut app = with_page(&[Store::SHOPIFY]);
    let reconcile = |app: &mut App| {
        key(app, KeyCode::Char(':'));
        type_text(app, "reconcile");
        key(app, KeyCode::Enter)
    };
    assert!(reconcile(&mut app).contains(&Cmd::Reconcile(Store::SHOPIFY)));
    assert!(app.reconciling.contains(&Store::SHOPIFY));
    assert!(!reconcile(&mut app).contains(&Cmd::Reconcile(Store::SHOPIFY)));
    update(
        &mut app,
        Msg::Reconciled(
            Store::SHOPIFY,
            Ok(crate::sync::reconcile::ReconcileReport {
                run_id: 1,
                checked: 3,
                agree: 3,
                busy: 0,
                drift: vec![],
                settled: 0,
            }),
        ),
    );
    assert!(app.reconciling.is_empty());
    assert!(
        app.log
            .iter()
            .any(|l| l.text.contains("3 agree") || l.text.contains("一致 3件"))
    );
}
