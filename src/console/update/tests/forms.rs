//! The edit form and the settings, key by key.

use super::*;

#[test]
fn carriers_and_statuses_come_from_pick_lists_and_other_needs_a_name() {
    let mut app = with_page(&[Store::SHOPIFY]);
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
    let mut app = with_page(&[Store::SHOPIFY]);
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
    let mut app = with_page(&[Store::SHOPIFY]);
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
    let mut app = with_page(&[Store::COLORME]);
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
    let mut app = with_page(&[Store::COLORME]);
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
    let mut app = with_page(&[Store::COLORME]);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char('e'));
    type_text(&mut app, "390459983082");
    key(&mut app, KeyCode::Enter);
    let conflict =
        "order 20000005 was changed by someone else since it was read; reload and try again";
    let problem = crate::domain::Problem::new(crate::domain::Cause::EditConflict, conflict);
    update(&mut app, Msg::Saved(Err(problem)));
    let Mode::Edit(form) = &app.mode else {
        panic!("the form stays open")
    };
    assert_eq!(form.tracking.value(), "390459983082");
    // The kind leads, in the operator's words, then what the database said, then the advice.
    let error = form.error.as_deref().unwrap_or_default();
    assert!(
        error.starts_with("not saved: someone else changed it since it was read: order 20000005"),
        "{error}"
    );
    assert!(error.contains("what you typed is kept"), "{error}");
}

#[test]
fn settings_change_at_once_and_are_saved_for_every_console() {
    let mut app = with_page(&[Store::SHOPIFY]);
    update(&mut app, Msg::Schedules(vec![schedule(Store::SHOPIFY)]));
    key(&mut app, KeyCode::Char('o'));
    // Auto pull writes nothing to a store: saved at once.
    let cmds = key(&mut app, KeyCode::Char(' '));
    let [Cmd::SaveSettings(store, saved)] = &cmds[..] else {
        panic!("saved: {cmds:?}");
    };
    assert_eq!(*store, Store::SHOPIFY);
    assert!(saved.auto_pull);
    assert!(
        app.schedules[&Store::SHOPIFY].settings.auto_pull,
        "shown at once"
    );
    assert!(
        app.log
            .back()
            .expect("said")
            .text
            .contains("auto pull off → on")
    );
}

/// Issue 20 / SPEC §3: turning auto sync or watch on is a write. The plan of what the first run
/// would write now comes first, opening on Cancel; only `y` turns it on (and runs that plan);
/// with nothing to write it is turned on at once.
#[test]
fn turning_auto_sync_or_watch_on_shows_the_plan_first() {
    let mut app = with_page(&[Store::SHOPIFY]);
    update(&mut app, Msg::Schedules(vec![schedule(Store::SHOPIFY)]));
    // From the settings screen: watch (the fifth row).
    key(&mut app, KeyCode::Char('o'));
    for _ in 0..4 {
        key(&mut app, KeyCode::Down);
    }
    assert_eq!(
        key(&mut app, KeyCode::Char(' ')),
        [Cmd::Plan(Store::SHOPIFY, PlanScope::Pending)],
        "nothing saved before the plan"
    );
    assert!(!app.schedules[&Store::SHOPIFY].settings.watch);
    update(&mut app, Msg::Plan(Ok(plan(Store::SHOPIFY, &["#1001"]))));
    assert!(matches!(&app.mode, Mode::Confirm(c) if c.switch == Some(Switch::Watch)));
    // Cancel: still off, nothing sent, back on the settings.
    assert_eq!(key(&mut app, KeyCode::Char('n')), []);
    assert!(!app.schedules[&Store::SHOPIFY].settings.watch);
    assert!(matches!(app.mode, Mode::Settings { .. }));
    assert!(
        app.log
            .back()
            .expect("said")
            .text
            .contains("watch stays off")
    );
    // Again, and yes: turned on for every process, and the plan shown is what runs.
    key(&mut app, KeyCode::Char(' '));
    update(&mut app, Msg::Plan(Ok(plan(Store::SHOPIFY, &["#1001"]))));
    let cmds = key(&mut app, KeyCode::Char('y'));
    assert!(
        matches!(&cmds[..], [Cmd::SaveSettings(store, s), Cmd::LoadSchedules, Cmd::RunPlan(p)]
            if *store == Store::SHOPIFY && s.watch && p.items.len() == 1),
        "{cmds:?}"
    );
    // From the command line, with nothing to write now: on at once, no question.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char(':'));
    for c in "auto-sync on".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        [Cmd::Plan(Store::SHOPIFY, PlanScope::Pending)]
    );
    let cmds = update(&mut app, Msg::Plan(Ok(plan(Store::SHOPIFY, &[]))));
    assert!(
        matches!(&cmds[..], [Cmd::SaveSettings(store, s), Cmd::LoadSchedules] if *store == Store::SHOPIFY && s.auto_sync),
        "{cmds:?}"
    );
    // Turning it off writes nothing: at once.
    key(&mut app, KeyCode::Char(':'));
    for c in "auto-sync off".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(
        matches!(&cmds[..], [Cmd::SaveSettings(store, s), _] if *store == Store::SHOPIFY && !s.auto_sync),
        "{cmds:?}"
    );
}

/// Issue 19: `d` in an order's detail dry-ran the whole store; it dry-runs that order, as `s`
/// there plans that order. In the list, `d` still dry-runs the store.
#[test]
fn d_in_the_detail_dry_runs_that_order() {
    let mut app = with_page(&[Store::SHOPIFY, Store::COLORME]);
    let id = app.selected_row().expect("a row").stored.id;
    let channel = app.selected_row().expect("a row").stored.order.store;
    assert!(
        matches!(&key(&mut app, KeyCode::Char('d'))[..], [Cmd::DryRun(c, PlanScope::Pending)] if *c == channel),
        "the list dry-runs the store"
    );
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.mode, Mode::Detail));
    let cmds = key(&mut app, KeyCode::Char('d'));
    assert!(
        matches!(&cmds[..], [Cmd::DryRun(c, PlanScope::Order(o))] if *c == channel && *o == id),
        "{cmds:?}"
    );
}

/// `?` and `:` open the help and the command line from the detail, the form and the settings
/// (issue 19), and `Esc` (any key, for the help) comes back to the same view, form intact; the
/// other carrier's name still takes `?` and `:` as typed characters.
#[test]
fn help_and_the_command_line_open_from_every_view_and_come_back() {
    let mut app = with_page(&[Store::SHOPIFY, Store::COLORME]);
    key(&mut app, KeyCode::Enter);
    let is_detail = |app: &App| matches!(app.mode, Mode::Detail);
    let is_form = |app: &App| matches!(app.mode, Mode::Edit(_));
    let is_settings = |app: &App| matches!(app.mode, Mode::Settings { .. });
    for (open, is_view) in [
        (None, &is_detail as &dyn Fn(&App) -> bool),
        (Some(KeyCode::Char('e')), &is_form),
    ] {
        if let Some(code) = open {
            key(&mut app, code);
        }
        assert!(is_view(&app), "{:?}", app.mode);
        key(&mut app, KeyCode::Char('?'));
        assert!(matches!(app.mode, Mode::Help { .. }), "{:?}", app.mode);
        key(&mut app, KeyCode::Down);
        assert!(
            matches!(app.mode, Mode::Help { scroll: 1, .. }),
            "↓ scrolls the help"
        );
        key(&mut app, KeyCode::Char('x'));
        assert!(is_view(&app), "back from the help: {:?}", app.mode);
        key(&mut app, KeyCode::Char(':'));
        assert!(matches!(app.mode, Mode::Command { .. }), "{:?}", app.mode);
        key(&mut app, KeyCode::Esc);
        assert!(is_view(&app), "back from the command line: {:?}", app.mode);
    }
    // The other carrier's name: `?` is typed, not the help.
    let Mode::Edit(form) = &mut app.mode else {
        panic!("the form");
    };
    form.focus = Field::OtherName;
    key(&mut app, KeyCode::Char('?'));
    assert!(is_form(&app), "{:?}", app.mode);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('y'));
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.mode, Mode::List), "{:?}", app.mode);
    key(&mut app, KeyCode::Char('o'));
    assert!(is_settings(&app));
    key(&mut app, KeyCode::Char('?'));
    key(&mut app, KeyCode::Esc);
    assert!(is_settings(&app), "{:?}", app.mode);
    // A command run from the settings runs there and the settings stay open.
    key(&mut app, KeyCode::Char(':'));
    for c in "filter failed".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    assert!(is_settings(&app), "{:?}", app.mode);
    assert_eq!(app.verdict, Some(Verdict::Failed));
}

/// Issue 20: `x` with no run of this console asks to stop any run of the store (the schedule,
/// watch, another console or process); yes asks it through the database, no asks nothing.
#[test]
fn x_stops_any_run_of_the_store_through_the_database() {
    let mut app = with_page(&[Store::SHOPIFY]);
    key(&mut app, KeyCode::Char('x'));
    assert!(
        matches!(&app.mode, Mode::Ask(a) if a.question == Question::StopAnyRun(Store::SHOPIFY))
    );
    assert_eq!(key(&mut app, KeyCode::Char('n')), []);
    key(&mut app, KeyCode::Char('x'));
    assert_eq!(
        key(&mut app, KeyCode::Char('y')),
        [Cmd::RequestStop(Store::SHOPIFY)]
    );
    assert!(
        app.log
            .back()
            .expect("said")
            .text
            .contains("asked any running sync to stop")
    );
}
