//! Repository tests, on SQLite always and on PostgreSQL when TEST_DATABASE_URL is given.
#![allow(clippy::panic)] // a test fails by panicking

mod common;

use chrono::{DateTime, Duration, Utc};
use common::t;
use hassou::db::{Db, DbError, ListFilter, OrderEdit, PulledOrder, RunCounts, ShippingSave};
use hassou::domain::job::{JobKind, Trigger};
use hassou::domain::{
    Carrier, ChannelRules, Order, OrderStatus, RemoteState, RuleSettings, ShopTimeZone,
    StatusOption, Store, Tracking, Verdict,
};
use hassou::sample::{SampleSpec, sample_orders};
use hassou::settings::OperationalSettings;

const AS_OF: &str = "2026-11-24T12:00:00+09:00";

fn order(channel: Store, number: &str) -> Order {
    common::target_order(channel, number, "444413758703")
}

fn rules_at(as_of: DateTime<Utc>, settings: RuleSettings) -> Vec<ChannelRules> {
    Store::DEFAULTS
        .iter()
        .map(|c| ChannelRules::new(*c, settings, as_of, ShopTimeZone::jst()))
        .collect()
}

async fn upsert_inserts_updates_and_leaves_unchanged_rows_alone(db: Db) {
    let now = t(AS_OF);
    let a = order(Store::SHOPIFY, "#1001");
    let b = order(Store::COLORME, "5001");
    let s = db
        .upsert_orders(&[a.clone(), b.clone()], now)
        .await
        .expect("import");
    assert_eq!((s.inserted, s.updated, s.unchanged), (2, 0, 0));

    let before = db.find_orders("#1001", None).await.expect("find").remove(0);
    let changed = Order {
        tracking: Tracking::parse("483484399683"),
        ..a.clone()
    };
    let s = db
        .upsert_orders(&[changed.clone(), b], now)
        .await
        .expect("re-import");
    assert_eq!((s.inserted, s.updated, s.unchanged), (0, 1, 1));

    let after = db
        .find_orders("#1001", Some(Store::SHOPIFY))
        .await
        .expect("find")
        .remove(0);
    assert_eq!(after.order, changed);
    assert_eq!(after.revision, before.revision + 1);
    assert!(
        db.find_orders("#1001", Some(Store::COLORME))
            .await
            .expect("find")
            .is_empty()
    );
    assert_eq!(db.count_orders().await.expect("count"), 2);
}

async fn bulk_insert_is_all_or_nothing(db: Db) {
    let a = order(Store::SHOPIFY, "#1");
    let duplicate = Order {
        number: "#2".into(),
        ..a.clone()
    };
    let err = db.insert_orders_bulk(&[a, duplicate], t(AS_OF)).await;
    assert!(err.is_err(), "same (channel, remote_id) twice must fail");
    assert_eq!(db.count_orders().await.expect("count"), 0);
}

async fn edits_stamp_updated_at_and_refuse_stale_revisions(db: Db) {
    db.upsert_orders(&[order(Store::SHOPIFY, "#1001")], t(AS_OF))
        .await
        .expect("import");
    let stored = db.find_orders("#1001", None).await.expect("find").remove(0);

    let nothing = OrderEdit {
        status: Some(OrderStatus::Processed),
        ..OrderEdit::default()
    };
    let same = db
        .edit_order(&stored, &nothing, t(AS_OF))
        .await
        .expect("no-op edit");
    assert_eq!(
        same.revision, stored.revision,
        "an edit that changes nothing writes nothing"
    );

    let edit = OrderEdit {
        tracking: Some(Tracking::parse("483484399683")),
        carrier: Some(Some(Carrier::Sagawa)),
        ..OrderEdit::default()
    };
    let edited_at = t("2026-11-24T13:00:00+09:00");
    let edited = db
        .edit_order(&stored, &edit, edited_at)
        .await
        .expect("edit");
    assert_eq!(edited.order.tracking, Tracking::parse("483484399683"));
    assert_eq!(edited.order.carrier, Some(Carrier::Sagawa));
    assert_eq!(edited.order.updated_at, edited_at);
    assert_eq!(edited.revision, stored.revision + 1);

    // A second console still holding the old revision must not overwrite the edit.
    let stale = OrderEdit {
        shipped_on: Some(None),
        ..OrderEdit::default()
    };
    match db.edit_order(&stored, &stale, edited_at).await {
        Err(DbError::Conflict { number }) => assert_eq!(number, "#1001"),
        other => panic!("expected a conflict, got {other:?}"),
    }
    let now = db
        .order_by_id(stored.id)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(now.order, edited.order);
}

async fn remote_state_drives_synced_and_failed(db: Db) {
    let as_of = t(AS_OF);
    db.upsert_orders(&[order(Store::SHOPIFY, "#1001")], as_of)
        .await
        .expect("import");
    let stored = db.find_orders("#1001", None).await.expect("find").remove(0);
    assert_eq!(stored.remote, RemoteState::default());
    let rules = ChannelRules::new(
        Store::SHOPIFY,
        RuleSettings::default(),
        as_of,
        ShopTimeZone::jst(),
    );
    let wanted = rules
        .wanted_write(&stored.order)
        .expect("something to write");

    db.record_failure(
        stored.id,
        Store::SHOPIFY,
        &wanted,
        "HTTP 503 from the store",
        hassou::domain::Cause::OnHold,
        as_of,
    )
    .await
    .expect("record failure");
    let failed = db
        .order_by_id(stored.id)
        .await
        .expect("read")
        .expect("exists");
    let e = rules.evaluate(&failed.order, &failed.remote);
    // The words and the kind both come back as recorded (the kind on both backends).
    assert_eq!(
        (e.verdict, e.error.as_deref(), e.cause),
        (
            Verdict::Failed,
            Some("HTTP 503 from the store"),
            Some(hassou::domain::Cause::OnHold)
        )
    );

    db.record_confirmed(
        stored.id,
        Store::SHOPIFY,
        &wanted,
        Some(r#"{"fulfillment":"gid://shopify/Fulfillment/1"}"#),
        as_of,
    )
    .await
    .expect("record confirmed");
    let synced = db
        .order_by_id(stored.id)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(
        rules.evaluate(&synced.order, &synced.remote).verdict,
        Verdict::Synced
    );
    assert_eq!(synced.remote.last_failure, None);
}

async fn runs_and_attempts_form_an_audit_trail(db: Db) {
    let at = t(AS_OF);
    db.upsert_orders(&[order(Store::COLORME, "5001")], at)
        .await
        .expect("import");
    let stored = db.find_orders("5001", None).await.expect("find").remove(0);
    let run = db
        .start_run(
            Store::COLORME,
            JobKind::Sync,
            Trigger::Manual,
            false,
            "host-a",
            at,
        )
        .await
        .expect("run");
    let attempt = db
        .start_attempt(
            run,
            stored.id,
            Store::COLORME,
            r#"{"PUT":"/v1/sales/5001"}"#,
            at,
        )
        .await
        .expect("attempt");
    let trail = db.attempts_for_order(stored.id).await.expect("trail");
    assert_eq!(trail.len(), 1);
    assert_eq!(
        trail[0].outcome, None,
        "an unfinished attempt shows as such"
    );
    db.finish_attempt(
        attempt,
        "slip_updated",
        Some(r#"{"sale":{"id":5001}}"#),
        None,
        at + Duration::seconds(1),
    )
    .await
    .expect("finish attempt");
    let counts = RunCounts {
        considered: 1,
        written: 1,
        ..RunCounts::default()
    };
    db.finish_run(run, "completed", counts, None, at + Duration::seconds(2))
        .await
        .expect("finish run");
    let trail = db.attempts_for_order(stored.id).await.expect("trail");
    assert_eq!(trail[0].outcome.as_deref(), Some("slip_updated"));
    assert_eq!(trail[0].request, r#"{"PUT":"/v1/sales/5001"}"#);
    let runs = db.runs(Store::COLORME, 10).await.expect("runs");
    assert_eq!(
        (runs[0].written, runs[0].outcome.as_deref()),
        (1, Some("completed"))
    );
}

async fn shipping_mail_is_recorded_once(db: Db) {
    db.upsert_orders(&[order(Store::COLORME, "5001")], t(AS_OF))
        .await
        .expect("import");
    let id = db.find_orders("5001", None).await.expect("find")[0].id;
    assert_eq!(
        db.mail_sent_at(id, Store::COLORME).await.expect("read"),
        None
    );
    assert!(
        db.record_mail_sent(id, Store::COLORME, t(AS_OF))
            .await
            .expect("first")
    );
    assert!(
        !db.record_mail_sent(id, Store::COLORME, t(AS_OF))
            .await
            .expect("second")
    );
    assert_eq!(
        db.mail_sent_at(id, Store::COLORME).await.expect("read"),
        Some(t(AS_OF))
    );
}

async fn settings_are_seeded_once_then_shared(db: Db) {
    let at = t(AS_OF);
    let initial = OperationalSettings::default();
    let seeded = db
        .settings_or_init(Store::SHOPIFY, &initial, "config", at)
        .await
        .expect("seed");
    assert_eq!(seeded, initial);
    let mut changed = initial;
    changed.rules.period = 7u32.try_into().expect("period");
    changed.rules.statuses = StatusOption::AllButNewCancelled;
    changed.auto_sync = true;
    db.save_channel_settings(Store::SHOPIFY, &changed, "console-1", at)
        .await
        .expect("save");
    // A later start with the file's values does not undo the console's change.
    let again = db
        .settings_or_init(Store::SHOPIFY, &initial, "config", at)
        .await
        .expect("reread");
    assert_eq!(again, changed);
    assert_eq!(
        db.channel_settings(Store::COLORME).await.expect("read"),
        None
    );
}

async fn lease_has_one_holder_and_expires(db: Db) {
    // Two processes on one database, with the same host name and PID (separate PID
    // namespaces): the instance, not the name, says whose the lease is.
    let a = db.clone();
    let b = db.as_another_process();
    let same = "ops1/1/daemon-shopify";
    let now = t(AS_OF);
    let ttl = Duration::seconds(60);
    assert!(
        a.acquire_lease("shopify", same, now, now + ttl)
            .await
            .expect("a takes")
    );
    assert!(
        !b.acquire_lease("shopify", same, now + Duration::seconds(10), now + ttl)
            .await
            .expect("b refused")
    );
    assert!(
        a.acquire_lease(
            "shopify",
            same,
            now + Duration::seconds(30),
            now + Duration::seconds(90)
        )
        .await
        .expect("a renews")
    );
    assert!(
        !b.acquire_lease(
            "shopify",
            same,
            now + Duration::seconds(80),
            now + Duration::seconds(140)
        )
        .await
        .expect("still a's")
    );
    // a stopped renewing: after expiry b takes over.
    assert!(
        b.acquire_lease(
            "shopify",
            "b",
            now + Duration::seconds(91),
            now + Duration::seconds(151)
        )
        .await
        .expect("b takes over")
    );
    let lease = db.lease("shopify").await.expect("read").expect("held");
    assert_eq!(
        (lease.holder.as_str(), lease.acquired_at),
        ("b", now + Duration::seconds(91))
    );
    a.release_lease("shopify", "b")
        .await
        .expect("a's release is a no-op");
    assert!(db.lease("shopify").await.expect("read").is_some());
    b.release_lease("shopify", "b").await.expect("release");
    assert!(db.lease("shopify").await.expect("read").is_none());

    // Live time: a lease that has not expired is taken only when its holder's heartbeat ran out.
    let c = db.as_another_process();
    let live = Utc::now();
    assert!(
        c.acquire_lease("colorme", same, live, live + ttl)
            .await
            .expect("c takes")
    );
    assert!(
        !b.acquire_lease("colorme", same, live, live + ttl)
            .await
            .expect("c beats: refused")
    );
    let c_id = c.instance().await.expect("instance").id().to_owned();
    db.register_foreign_instance(&c_id, same, live - Duration::seconds(1))
        .await
        .expect("c's heartbeat runs out");
    assert!(
        b.acquire_lease("colorme", same, live, live + ttl)
            .await
            .expect("b takes over from a dead c")
    );
}

/// Claims between processes that share a host name and a PID, and even the holder's name: a
/// claim whose instance beats is never taken, however old; one whose heartbeat ran out is.
async fn claims_follow_heartbeats_not_names(db: Db) {
    let a = db.clone();
    let b = db.as_another_process();
    db.upsert_orders(&[order(Store::COLORME, "1001")], t(AS_OF))
        .await
        .expect("import");
    let id = db
        .find_orders("1001", Some(Store::COLORME))
        .await
        .expect("find")[0]
        .id;
    let same = "ops1/1/run7";
    let now = Utc::now();
    let until = now + Duration::minutes(5);
    assert!(
        a.claim_order(id, Store::COLORME, same, now, until)
            .await
            .expect("a claims")
    );
    assert!(
        !b.claim_order(id, Store::COLORME, same, now, until)
            .await
            .expect("b refused"),
        "same name, another instance"
    );
    // Long after the claim's time, a still beats: still a's.
    let later = now + Duration::minutes(10);
    a.register_foreign_instance(
        a.instance().await.expect("a").id(),
        same,
        later + Duration::seconds(30),
    )
    .await
    .expect("a beats");
    assert!(
        !b.claim_order(
            id,
            Store::COLORME,
            same,
            later,
            later + Duration::minutes(5)
        )
        .await
        .expect("a beats: refused")
    );
    // a's heartbeat ran out: b takes it.
    a.register_foreign_instance(a.instance().await.expect("a").id(), same, now)
        .await
        .expect("a stops");
    assert!(
        b.claim_order(
            id,
            Store::COLORME,
            same,
            later,
            later + Duration::minutes(5)
        )
        .await
        .expect("b takes over")
    );
    a.release_order(id, Store::COLORME, same)
        .await
        .expect("a's release is a no-op");
    assert_eq!(
        db.order_claim(id, Store::COLORME)
            .await
            .expect("claim")
            .map(|c| c.0),
        Some(same.to_owned())
    );
    b.release_order(id, Store::COLORME, same)
        .await
        .expect("release");
    assert_eq!(
        db.order_claim(id, Store::COLORME).await.expect("claim"),
        None
    );
}

/// The page and the counts come from narrowed queries; they must equal judging every order.
async fn pages_and_counts_equal_judging_every_order(db: Db) {
    let as_of = t(AS_OF);
    let spec = SampleSpec {
        count: 4500,
        newest: as_of + Duration::hours(6),
        spread_days: 40,
        seed: 11,
    };
    let orders = sample_orders(spec);
    db.insert_orders_bulk(&orders, as_of).await.expect("seed");
    // Some orders already written, one failed.
    let settings = RuleSettings {
        statuses: StatusOption::AllButNewCancelled,
        ..RuleSettings::default()
    };
    let rules = rules_at(as_of, settings);
    let judge = |o: &Order| *rules.iter().find(|r| r.store == o.store).expect("rules");
    let mut remote: Vec<RemoteState> = vec![RemoteState::default(); orders.len()];
    let mut marked = 0;
    for (i, o) in orders.iter().enumerate() {
        let r = judge(o);
        if r.evaluate(o, &RemoteState::default()).verdict != Verdict::Pending {
            continue;
        }
        let write = r.wanted_write(o).expect("pending has a write");
        let id = db
            .find_orders(&o.number, Some(o.store))
            .await
            .expect("find")[0]
            .id;
        if marked % 3 == 2 {
            db.record_failure(
                id,
                o.store,
                &write,
                "boom",
                hassou::domain::Cause::Refused,
                as_of,
            )
            .await
            .expect("fail");
            remote[i].last_failure = db
                .order_by_id(id)
                .await
                .expect("read")
                .expect("row")
                .remote
                .last_failure;
        } else {
            db.record_confirmed(id, o.store, &write, None, as_of)
                .await
                .expect("confirm");
            remote[i].confirmed = Some(write);
        }
        marked += 1;
        if marked == 30 {
            break;
        }
    }
    // Brute force: judge every order in memory, newest change first.
    let judged: Vec<(Order, Verdict)> = orders
        .iter()
        .zip(&remote)
        .map(|(o, rs)| (o.clone(), judge(o).evaluate(o, rs).verdict))
        .collect();

    let mut filter = ListFilter::new(rules.clone());
    let page = db.order_page(&filter, 0, 100).await.expect("page");
    for verdict in Verdict::ALL {
        let expected = judged.iter().filter(|(_, v)| *v == verdict).count() as u64;
        assert_eq!(page.counts.total(verdict), expected, "count of {verdict}");
    }
    assert!(page.counts.total(Verdict::Synced) > 0 && page.counts.total(Verdict::Failed) > 0);
    assert_eq!(page.matching, orders.len() as u64);

    for verdict in [
        None,
        Some(Verdict::Pending),
        Some(Verdict::Ineligible),
        Some(Verdict::Synced),
        Some(Verdict::Waiting),
    ] {
        filter.verdict = verdict;
        let expected: Vec<&str> = judged
            .iter()
            .filter(|(_, v)| verdict.is_none_or(|w| w == *v))
            .map(|(o, _)| o.number.as_str())
            .collect();
        // Pages across every boundary: orders changed after as-of, the window, and before it.
        for (offset, limit) in [
            (0, 100),
            (5, 7),
            (100, 100),
            (expected.len().saturating_sub(50), 100),
        ] {
            let page = db
                .order_page(&filter, offset as u64, limit)
                .await
                .expect("page");
            let got: Vec<&str> = page
                .rows
                .iter()
                .map(|r| r.stored.order.number.as_str())
                .collect();
            let want: Vec<&str> = expected
                .iter()
                .skip(offset)
                .take(limit as usize)
                .copied()
                .collect();
            assert_eq!(got, want, "verdict {verdict:?} offset {offset}");
            assert_eq!(page.matching, expected.len() as u64);
            for row in &page.rows {
                if let Some(v) = verdict {
                    assert_eq!(row.evaluation.verdict, v);
                }
            }
        }
        let mut streamed = Vec::new();
        db.for_each_order(&filter, |row| {
            streamed.push(row.stored.order.number);
            Ok(())
        })
        .await
        .expect("stream");
        assert_eq!(streamed, expected, "stream with verdict {verdict:?}");
    }

    // Search narrows by number.
    filter.verdict = None;
    filter.search = Some("#100".into());
    let page = db.order_page(&filter, 0, 1000).await.expect("search");
    assert!(
        page.rows
            .iter()
            .all(|r| r.stored.order.number.contains("#100"))
    );
    assert_eq!(
        page.matching,
        orders.iter().filter(|o| o.number.contains("#100")).count() as u64
    );
}

async fn pull_adds_cancels_and_keeps_store_refs_never_operator_fields(db: Db) {
    let now = t(AS_OF);
    let pulled = |number: &str, cancelled: bool, refs: Option<&str>| PulledOrder {
        store: Store::COLORME,
        remote_id: number.into(),
        number: number.into(),
        ordered_at: t("2026-11-20T10:00:00+09:00"),
        cancelled,
        paid_at: None,
        remote_ref: refs.map(str::to_owned),
    };
    let first = db
        .record_pull(
            &[
                pulled("501", false, Some(r#"{"sale_deliveries":[11,12]}"#)),
                pulled("502", false, None),
            ],
            false,
            now,
        )
        .await
        .expect("pull");
    assert_eq!((first.new, first.unchanged), (2, 0));
    // The operator's slip on 501, then the store cancels 502 and splits 501's delivery anew.
    let stored = db.find_orders("501", None).await.expect("find").remove(0);
    let edit = OrderEdit {
        tracking: Some(Tracking::parse("444413758703")),
        status: Some(OrderStatus::Processed),
        ..OrderEdit::default()
    };
    db.edit_order(&stored, &edit, now).await.expect("edit");
    let second = db
        .record_pull(
            &[
                pulled("501", false, Some(r#"{"sale_deliveries":[11,13]}"#)),
                pulled("502", true, None),
            ],
            false,
            now,
        )
        .await
        .expect("pull again");
    assert_eq!((second.new, second.cancelled, second.unchanged), (0, 1, 1));
    let a = db.find_orders("501", None).await.expect("find").remove(0);
    assert_eq!(a.order.status, OrderStatus::Processed);
    assert_eq!(a.order.tracking, Tracking::parse("444413758703"));
    assert_eq!(
        a.remote.remote_ref.as_deref(),
        Some(r#"{"sale_deliveries":[11,13]}"#)
    );
    let b = db.find_orders("502", None).await.expect("find").remove(0);
    assert_eq!(b.order.status, OrderStatus::Cancelled);
    assert_eq!(b.remote.remote_ref, None);
}

/// Search matches only what the list shows (number, tracking), folded as stored values are:
/// hyphens and full-width digits make no difference; the store's ids are never matched.
async fn search_matches_shown_fields_folded_like_stored_values(db: Db) {
    let mut two = common::target_order(Store::SHOPIFY, "#1002", "1234-5678");
    two.remote_id = "gid://shopify/Order/1003".into();
    let three = common::target_order(Store::SHOPIFY, "#1003", "444413758703");
    db.upsert_orders(&[two, three], t(AS_OF))
        .await
        .expect("seed");
    let rules = ChannelRules::new(
        Store::SHOPIFY,
        RuleSettings::default(),
        t(AS_OF),
        ShopTimeZone::jst(),
    );
    for (search, expected) in [
        ("/1003", vec![]),
        ("1003", vec!["#1003"]),
        ("＃１００３", vec!["#1003"]),
        ("1234-5678", vec!["#1002"]),
        ("12345678", vec!["#1002"]),
        ("4444 1375 8703", vec!["#1003"]),
    ] {
        let mut filter = ListFilter::new(vec![rules]);
        filter.search = Some(search.into());
        let page = db.order_page(&filter, 0, 100).await.expect("page");
        let numbers: Vec<&str> = page
            .rows
            .iter()
            .map(|r| r.stored.order.number.as_str())
            .collect();
        assert_eq!(numbers, expected, "search {search:?}");
    }
}

/// A carrier file's save: every order at the revision read, or none. One order changed in
/// between refuses the whole save and is named.
async fn shipping_fields_are_saved_all_or_nothing_at_the_revisions_read(db: Db) {
    let orders: Vec<Order> = (1..=450)
        .map(|i| common::target_order(Store::SHOPIFY, &format!("#{i}"), ""))
        .collect();
    db.upsert_orders(&orders, t(AS_OF)).await.expect("seed");
    let numbers: Vec<String> = (1..=450).map(|i| format!("#{i}")).collect();
    let read = db.orders_numbered(&numbers).await.expect("read");
    assert_eq!(read.len(), 450);
    let tracking = vec!["444413758703".to_owned()];
    let shipped_on: chrono::NaiveDate = "2026-11-24".parse().expect("date");
    let saves_of = |read: &[hassou::db::ShippingHeld]| -> Vec<(i64, i64, String)> {
        read.iter()
            .map(|o| (o.id, o.revision, o.number.clone()))
            .collect()
    };
    async fn save(
        db: &Db,
        held: &[(i64, i64, String)],
        tracking: &[String],
        shipped_on: chrono::NaiveDate,
    ) -> Result<(), DbError> {
        let saves: Vec<ShippingSave<'_>> = held
            .iter()
            .map(|(id, revision, number)| ShippingSave {
                id: *id,
                revision: *revision,
                number,
                status: OrderStatus::Processed,
                shipped_on,
                carrier: &Carrier::Yamato,
                tracking,
            })
            .collect();
        db.save_shipping_at_revision(&saves, t(AS_OF)).await
    }
    // Someone edits #300 after the file was read.
    let three_hundred = db.find_orders("#300", None).await.expect("#300").remove(0);
    db.edit_order(
        &three_hundred,
        &OrderEdit {
            tracking: Some(Tracking::parse("390459983082")),
            ..OrderEdit::default()
        },
        t(AS_OF),
    )
    .await
    .expect("edit");
    let refused = save(&db, &saves_of(&read), &tracking, shipped_on).await;
    assert!(
        matches!(&refused, Err(DbError::Conflict { number }) if number == "#300"),
        "{refused:?}"
    );
    let after = db.orders_numbered(&numbers).await.expect("read again");
    assert!(
        after
            .iter()
            .filter(|o| o.number != "#300")
            .all(|o| o.tracking.is_empty()),
        "nothing saved"
    );
    // Read again and save: every order, each one revision on, 更新日時 the save's time.
    save(&db, &saves_of(&after), &tracking, shipped_on)
        .await
        .expect("save");
    let saved = db.orders_numbered(&numbers).await.expect("read saved");
    for (before, now) in after.iter().zip(&saved) {
        assert_eq!(now.revision, before.revision + 1);
        assert_eq!(now.tracking, Tracking::parse("444413758703"));
        assert_eq!(now.shipped_on, Some(shipped_on));
        assert_eq!(now.carrier, Some(Carrier::Yamato));
        assert_eq!(now.status, OrderStatus::Processed);
    }
    let stored = db.find_orders("#1", None).await.expect("#1").remove(0);
    assert_eq!(stored.order.updated_at, t(AS_OF));
}

/// Upserts go 50 orders a statement; the same order twice in one call still inserts, then
/// updates (the later values win), and 120 orders span several batches.
async fn upsert_in_batches_keeps_row_by_row_semantics(db: Db) {
    let mut orders: Vec<Order> = (1..=120)
        .map(|i| common::target_order(Store::COLORME, &format!("{i}"), ""))
        .collect();
    let mut later = orders[7].clone();
    later.tracking = Tracking::parse("444413758703");
    orders.push(later);
    let summary = db.upsert_orders(&orders, t(AS_OF)).await.expect("upsert");
    assert_eq!(
        (summary.inserted, summary.updated, summary.unchanged),
        (120, 1, 0)
    );
    let stored = db.find_orders("8", None).await.expect("find").remove(0);
    assert_eq!(stored.order.tracking, Tracking::parse("444413758703"));
    let again = db
        .upsert_orders(&orders[..120], t(AS_OF))
        .await
        .expect("again");
    assert_eq!(
        (again.inserted, again.updated, again.unchanged),
        (0, 1, 119)
    );
}

on_both_backends!(
    upsert_in_batches_keeps_row_by_row_semantics,
    shipping_fields_are_saved_all_or_nothing_at_the_revisions_read,
    search_matches_shown_fields_folded_like_stored_values,
    pull_adds_cancels_and_keeps_store_refs_never_operator_fields,
    upsert_inserts_updates_and_leaves_unchanged_rows_alone,
    bulk_insert_is_all_or_nothing,
    edits_stamp_updated_at_and_refuse_stale_revisions,
    remote_state_drives_synced_and_failed,
    runs_and_attempts_form_an_audit_trail,
    shipping_mail_is_recorded_once,
    settings_are_seeded_once_then_shared,
    lease_has_one_holder_and_expires,
    claims_follow_heartbeats_not_names,
    pages_and_counts_equal_judging_every_order,
    a_hold_survives_pulls_imports_and_carrier_files,
);

/// Issue 21: a hold is the operator's, kept in its own table — an order-file import of the
/// same order, a pull, and a carrier file's save all rewrite the order's row and leave the hold
/// in place; the held order is ineligible (`held` first) in pages, counts and the plan of a run;
/// only a release lifts it.
async fn a_hold_survives_pulls_imports_and_carrier_files(db: Db) {
    let now = t(AS_OF);
    let order = common::target_order(Store::COLORME, "601", "444413758703");
    db.upsert_orders(std::slice::from_ref(&order), now)
        .await
        .expect("import");
    let stored = db.find_orders("601", None).await.expect("find").remove(0);
    db.hold_order(stored.id, "ops@host", "住所確認中", now)
        .await
        .expect("hold");
    let rules = |db_now| {
        vec![ChannelRules::new(
            Store::COLORME,
            RuleSettings::default(),
            db_now,
            ShopTimeZone::jst(),
        )]
    };
    let held = |db: Db| async move {
        let s = db.find_orders("601", None).await.expect("find").remove(0);
        let verdict = rules(t(AS_OF))[0].evaluate(&s.order, &s.remote);
        (s.remote.hold.clone(), verdict)
    };
    // The order file again, with a new tracking number.
    let mut again = order.clone();
    again.tracking = Tracking::parse("390459983082");
    again.updated_at = t("2026-11-24T10:00:00+09:00");
    db.upsert_orders(&[again], now).await.expect("import again");
    // A pull of the store's side.
    db.record_pull(
        &[PulledOrder {
            store: Store::COLORME,
            remote_id: order.remote_id.clone(),
            number: "601".into(),
            ordered_at: order.ordered_at,
            cancelled: false,
            paid_at: None,
            remote_ref: Some(r#"{"sale_deliveries":[11]}"#.into()),
        }],
        false,
        now,
    )
    .await
    .expect("pull");
    // A carrier file's save.
    let read = db.orders_numbered(&["601".to_owned()]).await.expect("read");
    let tracking = vec!["483484399683".to_owned()];
    db.save_shipping_at_revision(
        &[ShippingSave {
            id: read[0].id,
            revision: read[0].revision,
            number: "601",
            status: OrderStatus::Processed,
            shipped_on: "2026-11-24".parse().expect("date"),
            carrier: &Carrier::Yamato,
            tracking: &tracking,
        }],
        now,
    )
    .await
    .expect("carrier file");
    let (hold, verdict) = held(db.clone()).await;
    let hold = hold.expect("still held");
    assert_eq!(
        (hold.by.as_str(), hold.reason.as_str()),
        ("ops@host", "住所確認中")
    );
    assert_eq!(verdict.verdict, Verdict::Ineligible);
    assert_eq!(verdict.reasons.first(), Some(&hassou::domain::Reason::Held));
    // Pages, counts and a run's targets agree.
    let filter = ListFilter::new(rules(t(AS_OF)));
    let counts = db.verdict_counts(&filter).await.expect("counts");
    assert_eq!(counts.get(Store::COLORME, Verdict::Ineligible), 1);
    assert!(db.targets(&filter).await.expect("targets").is_empty());
    // Released: a target again.
    assert!(db.release_hold(hold_id(&db).await).await.expect("release"));
    let (hold, verdict) = held(db.clone()).await;
    assert_eq!(hold, None);
    assert_eq!(verdict.verdict, Verdict::Pending);
    assert!(
        !db.release_hold(hold_id(&db).await).await.expect("release"),
        "not held now"
    );
}

async fn hold_id(db: &Db) -> i64 {
    db.find_orders("601", None)
        .await
        .expect("find")
        .remove(0)
        .id
}

/// The console asks "anything written since?" every 2 s instead of judging its page again:
/// the mark moves after a write by another connection, and stays when nothing was written.
async fn change_marks_move_on_writes_only(db: Db) {
    let mut watch = db.change_watch().await.expect("watch");
    let first = watch.mark().await.expect("mark");
    assert_eq!(watch.mark().await.expect("mark"), first, "nothing written");
    let order = common::target_order(Store::SHOPIFY, "#1", "");
    db.upsert_orders(&[order], t(AS_OF)).await.expect("write");
    let after = watch.mark().await.expect("mark");
    assert_ne!(after, first, "an order written");
    assert_eq!(
        watch.mark().await.expect("mark"),
        after,
        "nothing written since"
    );
    let stored = db.find_orders("#1", None).await.expect("find").remove(0);
    db.record_mail_sent(stored.id, Store::SHOPIFY, t(AS_OF))
        .await
        .expect("remote state");
    assert_ne!(
        watch.mark().await.expect("mark"),
        after,
        "store state written"
    );
}

#[tokio::test]
async fn change_marks_on_a_sqlite_file() {
    let dir = tempfile::tempdir().expect("dir");
    let db = Db::open(&format!("sqlite://{}", dir.path().join("h.db").display()))
        .await
        .expect("db");
    change_marks_move_on_writes_only(db).await;
}

#[tokio::test]
async fn change_marks_on_postgres() {
    if let Some(db) = common::postgres_db().await {
        change_marks_move_on_writes_only(db).await;
    }
}
