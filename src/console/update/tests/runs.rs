//! A run followed order by order, and the jobs' reports.

use super::*;

#[test]
fn a_run_is_followed_order_by_order_then_the_list_reloads() {
    let mut app = with_page(&[Store::SHOPIFY]);
    let started = SyncEvent::RunStarted {
        channel: Store::SHOPIFY,
        run_id: 1,
        planned: 2,
        dry_run: false,
    };
    update(&mut app, Msg::Sync(Store::SHOPIFY, started));
    update(
        &mut app,
        Msg::Sync(
            Store::SHOPIFY,
            SyncEvent::OrderStarted {
                number: "#1001".into(),
            },
        ),
    );
    assert_eq!(
        app.progress[&Store::SHOPIFY].current.as_deref(),
        Some("#1001")
    );
    update(
        &mut app,
        Msg::Sync(
            Store::SHOPIFY,
            SyncEvent::OrderFailed {
                number: "#1001".into(),
                error: "Shopify answered 503".into(),
                cause: crate::domain::Cause::Refused,
            },
        ),
    );
    assert_eq!(app.progress[&Store::SHOPIFY].done, 1);
    assert!(app.log.back().expect("log").error);
    let report = RunReport {
        channel: Store::SHOPIFY,
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
        stopped_by: None,
        results: vec![],
    };
    let cmds = update(
        &mut app,
        Msg::Sync(Store::SHOPIFY, SyncEvent::RunFinished { report }),
    );
    assert!(app.progress.is_empty());
    assert!(matches!(cmds[0], Cmd::LoadPage { .. }));
    assert!(app.log.back().expect("log").text.contains("1 written"));
}

#[test]
fn a_failing_job_is_said_once_not_on_every_status_change() {
    let mut app = app(&[Store::COLORME]);
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
                store: Store::COLORME,
                job: JobKind::Pull,
                status: failed.clone(),
            },
        );
    }
    assert_eq!(app.log.len(), 1);
    assert!(app.log[0].text.contains("401"));
}
