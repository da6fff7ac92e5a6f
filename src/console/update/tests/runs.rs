//! A run followed order by order, and the jobs' reports.

use super::*;

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
                cause: crate::domain::Cause::Refused,
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
        stopped_by: None,
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
