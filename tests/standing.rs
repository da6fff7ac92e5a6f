//! Issue 24's property: the counts and pages the database answers from its stored verdicts are
//! exactly what a full judge of every order by the pure rules says, after any sequence of
//! imports, edits, pulls, carrier files, store confirmations and failures, holds, drifts,
//! setting changes and clock moves — on SQLite and PostgreSQL, with the writes made through one
//! handle and the reads through another (as two processes would).
#![allow(clippy::panic)] // a test fails by panicking

mod common;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use hassou::db::{Db, ListFilter, OrderEdit, PulledOrder, ShippingSave};
use hassou::domain::drift::{DriftKind, StoreReading};
use hassou::domain::{
    Carrier, Cause, Channel, ChannelRules, Order, OrderStatus, Period, ShippingWrite, ShopTimeZone,
    StatusOption, Store, Tracking, Verdict,
};
use hassou::settings::OperationalSettings;

/// splitmix64: a seed names a whole sequence, so a failure is replayed by its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[usize::try_from(self.below(items.len() as u64)).unwrap_or(0)]
    }
}

fn tracking(rng: &mut Rng) -> Tracking {
    match rng.below(5) {
        0 => Tracking::parse(""),
        1 => Tracking::parse("444413758703"),
        2 => Tracking::parse("483484399683"),
        3 => Tracking::parse("444413758703 483484399683"),
        _ => Tracking::parse("RR123456785JP"),
    }
}

fn shipped_on(rng: &mut Rng, now: DateTime<Utc>) -> Option<NaiveDate> {
    rng.chance(55)
        .then(|| (now - Duration::days(i64::try_from(rng.below(5)).unwrap_or(0))).date_naive())
}

fn new_order(rng: &mut Rng, n: u64, now: DateTime<Utc>) -> Order {
    let channel = rng.pick(&Store::DEFAULTS);
    let minutes = |rng: &mut Rng, days: u64| {
        Duration::minutes(i64::try_from(rng.below(days * 24 * 60)).unwrap_or(0))
    };
    Order {
        store: channel,
        remote_id: format!("r-{n}"),
        number: format!("{n}"),
        status: rng.pick(&OrderStatus::ALL),
        // Some more than a year old (カラーミー's 1年以内), some in the window's last days.
        ordered_at: now - minutes(rng, 380),
        // Inside and outside every period (1–13 days), a few in the future.
        updated_at: now - minutes(rng, 16) + Duration::hours(12),
        shipped_on: shipped_on(rng, now),
        carrier: rng.chance(80).then_some(Carrier::Yamato),
        tracking: tracking(rng),
        bundle_parent: (channel == Store::COLORME && rng.chance(10)).then(|| "1".to_owned()),
    }
}

/// What the test's clock and settings are, as the processes would read them.
struct World {
    now: DateTime<Utc>,
    next_number: u64,
}

async fn rules(db: &Db, now: DateTime<Utc>) -> Vec<ChannelRules> {
    let mut rules = Vec::new();
    for channel in Store::DEFAULTS {
        let settings = db
            .settings_or_init(channel, &OperationalSettings::default(), "test", now)
            .await
            .expect("settings");
        rules.push(ChannelRules::new(
            channel,
            settings.rules,
            now,
            ShopTimeZone::jst(),
        ));
    }
    rules
}

/// Every order judged by the pure rules, one by one: the reference.
async fn full_judge(db: &Db, rules: &[ChannelRules]) -> Vec<(i64, Store, Verdict, DateTime<Utc>)> {
    let mut all = Vec::new();
    db.for_each_order(&ListFilter::new(rules.to_vec()), |row| {
        all.push((
            row.stored.id,
            row.stored.order.store,
            row.evaluation.verdict,
            row.stored.order.updated_at,
        ));
        Ok(())
    })
    .await
    .expect("every order");
    all
}

async fn compare(reader: &Db, writer: &Db, world: &World, seed: u64, step: usize, what: &str) {
    let rules = rules(writer, world.now).await;
    let reference = full_judge(writer, &rules).await;
    let filter = ListFilter::new(rules.clone());
    let counts = reader.verdict_counts(&filter).await.expect("counts");
    let mut expected: BTreeMap<(Store, Verdict), u64> = BTreeMap::new();
    let mut oldest: BTreeMap<Store, DateTime<Utc>> = BTreeMap::new();
    for (_, channel, verdict, updated_at) in &reference {
        *expected.entry((*channel, *verdict)).or_default() += 1;
        if matches!(verdict, Verdict::Pending | Verdict::Failed) {
            let o = oldest.entry(*channel).or_insert(*updated_at);
            *o = (*o).min(*updated_at);
        }
    }
    let context = format!("seed {seed}, step {step} ({what}), as of {}", world.now);
    for channel in Store::DEFAULTS {
        for verdict in Verdict::ALL {
            assert_eq!(
                counts.get(channel, verdict),
                expected.get(&(channel, verdict)).copied().unwrap_or(0),
                "{channel} {verdict}: {context}"
            );
        }
        assert_eq!(
            counts.oldest_pending(channel),
            oldest.get(&channel).copied(),
            "{channel} oldest pending: {context}"
        );
    }
    // A page of each verdict holds exactly the orders the full judge gives it, newest first.
    for verdict in Verdict::ALL {
        let mut filter = ListFilter::new(rules.clone());
        filter.verdict = Some(verdict);
        let page = reader.order_page(&filter, 0, 1000).await.expect("page");
        let shown: Vec<i64> = page.rows.iter().map(|r| r.stored.id).collect();
        let want: Vec<i64> = reference
            .iter()
            .filter(|(_, _, v, _)| *v == verdict)
            .map(|(id, ..)| *id)
            .collect();
        assert_eq!(shown, want, "page of {verdict}: {context}");
        assert_eq!(page.matching, want.len() as u64, "{verdict}: {context}");
    }
}

async fn any_order(db: &Db, rng: &mut Rng, world: &World) -> Option<hassou::db::StoredOrder> {
    let n = rng.below(world.next_number.max(1));
    db.find_orders(&format!("{n}"), None)
        .await
        .expect("find")
        .into_iter()
        .next()
}

/// One random step; returns what it did (for the failure message).
async fn step(db: &Db, rng: &mut Rng, world: &mut World) -> &'static str {
    let now = world.now;
    match rng.below(13) {
        0 | 1 => {
            let mut orders = Vec::new();
            for _ in 0..1 + rng.below(6) {
                orders.push(new_order(rng, world.next_number, now));
                world.next_number += 1;
            }
            db.upsert_orders(&orders, now).await.expect("import");
            "import"
        }
        2 => {
            // An import that rewrites an order already held (its values, its change time).
            let Some(stored) = any_order(db, rng, world).await else {
                return "nothing to re-import";
            };
            let mut again = new_order(rng, 0, now);
            again.store = stored.order.store;
            again.remote_id = stored.order.remote_id.clone();
            again.number = stored.order.number.clone();
            again.bundle_parent = None;
            db.upsert_orders(&[again], now).await.expect("re-import");
            "re-import"
        }
        3 | 4 => {
            let Some(stored) = any_order(db, rng, world).await else {
                return "nothing to edit";
            };
            let edit = OrderEdit {
                status: rng.chance(40).then(|| rng.pick(&OrderStatus::ALL)),
                carrier: rng
                    .chance(30)
                    .then(|| rng.chance(50).then_some(Carrier::Sagawa)),
                tracking: rng.chance(60).then(|| tracking(rng)),
                shipped_on: rng.chance(40).then(|| shipped_on(rng, now)),
                bundle_parent: None,
            };
            let at = now - Duration::minutes(i64::try_from(rng.below(600)).unwrap_or(0));
            let _ = db.edit_order(&stored, &edit, at).await;
            "edit"
        }
        5 => {
            let Some(stored) = any_order(db, rng, world).await else {
                return "nothing to pull";
            };
            let pulled = PulledOrder {
                store: stored.order.store,
                remote_id: stored.order.remote_id.clone(),
                number: stored.order.number.clone(),
                ordered_at: stored.order.ordered_at,
                cancelled: rng.chance(30),
                paid_at: rng.chance(50).then_some(now),
                remote_ref: None,
            };
            db.record_pull(&[pulled], true, now).await.expect("pull");
            "pull"
        }
        6 => {
            let Some(stored) = any_order(db, rng, world).await else {
                return "nothing to ship";
            };
            let slips = vec!["445566778899".to_owned()];
            let save = ShippingSave {
                id: stored.id,
                revision: stored.revision,
                number: &stored.order.number,
                status: OrderStatus::Processed,
                shipped_on: now.date_naive(),
                carrier: &Carrier::JapanPost,
                tracking: &slips,
            };
            db.save_shipping_at_revision(&[save], now)
                .await
                .expect("carrier file");
            "carrier file"
        }
        7 | 8 => {
            let Some(stored) = any_order(db, rng, world).await else {
                return "nothing to sync";
            };
            // What the rules want under either 出荷日 option, so a later option change matters.
            let write = match stored.order.store.channel() {
                Channel::Shopify => ShippingWrite::Shopify {
                    tracking: stored.order.tracking.values(),
                    carrier: stored.order.carrier.clone(),
                },
                Channel::Colorme => ShippingWrite::Colorme {
                    slips: stored.order.tracking.values(),
                    delivered: rng.chance(50),
                },
            };
            let channel = stored.order.store;
            match rng.below(3) {
                0 => {
                    db.record_confirmed(stored.id, channel, &write, None, now)
                        .await
                        .expect("confirmed");
                    "confirmed"
                }
                1 => {
                    db.record_failure(stored.id, channel, &write, "refused", Cause::Refused, now)
                        .await
                        .expect("failure");
                    "failed"
                }
                _ => {
                    db.record_store_holds_nothing(stored.id, channel, now)
                        .await
                        .expect("nothing held");
                    "store holds nothing"
                }
            }
        }
        9 => {
            let Some(stored) = any_order(db, rng, world).await else {
                return "nothing to hold";
            };
            if rng.chance(50) {
                db.hold_order(stored.id, "ops@test", "確認中", now)
                    .await
                    .expect("hold");
                "hold"
            } else {
                db.release_hold(stored.id).await.expect("release");
                "release"
            }
        }
        10 => {
            let Some(stored) = any_order(db, rng, world).await else {
                return "nothing drifts";
            };
            if rng.chance(40) {
                db.clear_drift(stored.id).await.expect("clear drift");
                return "drift settled";
            }
            let marks = db
                .orders_changed_since(stored.order.store, now - Duration::days(4000))
                .await
                .expect("marks");
            let Some((_, mark)) = marks.into_iter().find(|(s, _)| s.id == stored.id) else {
                return "no mark";
            };
            let reading = StoreReading {
                held: None,
                cancelled: false,
                status: "FULFILLED".into(),
            };
            db.record_drift(
                stored.id,
                DriftKind::FulfilledElsewhere,
                &reading,
                now,
                None,
                &mark,
            )
            .await
            .expect("drift");
            "drift"
        }
        11 => {
            let channel = rng.pick(&Store::DEFAULTS);
            let mut settings = db
                .settings_or_init(channel, &OperationalSettings::default(), "test", now)
                .await
                .expect("settings");
            settings.rules.period =
                Period::try_from(1 + u32::try_from(rng.below(13)).unwrap_or(0)).expect("period");
            settings.rules.statuses = if rng.chance(50) {
                StatusOption::ProcessedOnly
            } else {
                StatusOption::AllButNewCancelled
            };
            settings.rules.shipped_date_only = rng.chance(50);
            db.save_channel_settings(channel, &settings, "test", now)
                .await
                .expect("save settings");
            "settings"
        }
        _ => {
            // The clock moves on: hours, or past midnight, or a day or two.
            world.now += Duration::minutes(i64::try_from(rng.below(3 * 24 * 60)).unwrap_or(0));
            "clock"
        }
    }
}

async fn random_sequences(writer: Db, reader: Db, seeds: std::ops::Range<u64>, steps: usize) {
    for seed in seeds {
        let mut rng = Rng(seed);
        let mut world = World {
            now: common::t("2026-11-24T12:00:00+09:00")
                + Duration::days(i64::try_from(seed).unwrap_or(0) * 40),
            next_number: 0,
        };
        for n in 0..steps {
            let what = step(&writer, &mut rng, &mut world).await;
            compare(&reader, &writer, &world, seed, n, what).await;
        }
    }
}

/// A writer and a reader on one SQLite file, as two processes would have (and the folder).
async fn sqlite_pair() -> (tempfile::TempDir, Db, Db) {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("h.db").display());
    let writer = Db::open(&url).await.expect("writer");
    let reader = Db::open(&url).await.expect("reader");
    (dir, writer, reader)
}

/// A writer and a reader on one fresh PostgreSQL schema, or `None` without `TEST_DATABASE_URL`.
async fn postgres_pair() -> Option<(Db, Db)> {
    let mut dbs = common::postgres_dbs(2).await?;
    let reader = dbs.remove(1);
    Some((dbs.remove(0), reader))
}

#[tokio::test]
async fn stored_verdicts_match_a_full_judge_on_sqlite() {
    let (_dir, writer, reader) = sqlite_pair().await;
    random_sequences(writer, reader, 0..6, 120).await;
}

#[tokio::test]
async fn stored_verdicts_match_a_full_judge_on_postgres() {
    let Some((writer, reader)) = postgres_pair().await else {
        return;
    };
    random_sequences(writer, reader, 100..104, 120).await;
}

/// The 出荷日 option decides a カラーミー verdict the database keeps (a slip without a 出荷日
/// is written 配送済み only with the option off): changing it counts again at once, either way,
/// whoever changed it.
async fn the_shipped_date_option_is_counted_at_once(writer: Db, reader: Db) {
    let now = common::t("2026-11-24T12:00:00+09:00");
    let mut order = common::target_order(Store::COLORME, "5001", "444413758703");
    order.shipped_on = None;
    writer.upsert_orders(&[order], now).await.expect("import");
    let stored = writer
        .find_orders("5001", None)
        .await
        .expect("find")
        .remove(0);
    let written = ShippingWrite::Colorme {
        slips: vec!["444413758703".into()],
        delivered: false,
    };
    writer
        .record_confirmed(stored.id, Store::COLORME, &written, None, now)
        .await
        .expect("confirmed");
    let world = World {
        now,
        next_number: 0,
    };
    for (shipped_date_only, verdict) in [
        (true, Verdict::Synced),
        (false, Verdict::Pending),
        (true, Verdict::Synced),
    ] {
        let mut settings = writer
            .settings_or_init(Store::COLORME, &OperationalSettings::default(), "test", now)
            .await
            .expect("settings");
        settings.rules.shipped_date_only = shipped_date_only;
        writer
            .save_channel_settings(Store::COLORME, &settings, "test", now)
            .await
            .expect("save");
        let counts = reader
            .verdict_counts(&ListFilter::new(rules(&reader, now).await))
            .await
            .expect("counts");
        assert_eq!(
            counts.get(Store::COLORME, verdict),
            1,
            "出荷日 option {shipped_date_only}"
        );
        compare(&reader, &writer, &world, 0, 0, "option").await;
    }
}

#[tokio::test]
async fn the_shipped_date_option_on_sqlite() {
    let (_dir, writer, reader) = sqlite_pair().await;
    the_shipped_date_option_is_counted_at_once(writer, reader).await;
}

#[tokio::test]
async fn the_shipped_date_option_on_postgres() {
    let Some((writer, reader)) = postgres_pair().await else {
        return;
    };
    the_shipped_date_option_is_counted_at_once(writer, reader).await;
}

/// The window's edges inside an hour: an order a minute after as-of (not yet in), a minute
/// before (in), at the period's first instant (in) and a second before it (out) — with a shop
/// whose midnight is half past a UTC hour, so both edges cut an hour the tally keeps whole.
async fn edges_inside_an_hour(db: Db) {
    let tz: ShopTimeZone = "+05:30".parse().expect("offset");
    let as_of = common::t("2026-11-24T12:30:00+00:00");
    let probe = ChannelRules::new(
        Store::SHOPIFY,
        hassou::domain::RuleSettings::default(),
        as_of,
        tz,
    );
    let start = probe.period_start;
    let mut orders = Vec::new();
    for (n, at) in [
        (1, as_of - Duration::minutes(1)),
        (2, as_of + Duration::minutes(1)),
        (3, start),
        (4, start - Duration::seconds(1)),
        (5, start + Duration::minutes(10)),
        (6, as_of - Duration::hours(5)),
    ] {
        for channel in Store::DEFAULTS {
            let mut order = common::target_order(channel, &format!("{n}"), "444413758703");
            order.remote_id = format!("{channel}-{n}");
            order.updated_at = at;
            order.ordered_at = at - Duration::days(2);
            orders.push(order);
        }
    }
    db.upsert_orders(&orders, as_of).await.expect("import");
    // Forth and back: a reader may ask as of an earlier instant (`--as-of`) than one before it.
    for minutes in [2, 0, 29, 31, 90, 1] {
        let now = as_of + Duration::minutes(minutes);
        let rules: Vec<ChannelRules> = Store::DEFAULTS
            .iter()
            .map(|c| ChannelRules::new(*c, hassou::domain::RuleSettings::default(), now, tz))
            .collect();
        let counts = db
            .verdict_counts(&ListFilter::new(rules.clone()))
            .await
            .expect("counts");
        let reference = full_judge(&db, &rules).await;
        for channel in Store::DEFAULTS {
            let want = reference
                .iter()
                .filter(|(_, c, v, _)| *c == channel && *v == Verdict::Pending)
                .count() as u64;
            assert_eq!(
                counts.get(channel, Verdict::Pending),
                want,
                "{channel} at +{minutes} min"
            );
        }
    }
}

/// Many changes to a few orders in one hour: PostgreSQL's tally appends a row for each, and a
/// reader folds them (issue 24) — the counts stay exact across the fold, whatever the order of
/// holds, releases, confirmations and counts.
async fn many_changes_fold_into_exact_counts(db: Db) {
    let now = common::t("2026-11-24T12:00:00+09:00");
    let mut orders = Vec::new();
    for n in 0..3 {
        let mut order = common::target_order(Store::SHOPIFY, &format!("#{n}"), "444413758703");
        order.updated_at = now - Duration::days(2);
        orders.push(order);
    }
    db.upsert_orders(&orders, now).await.expect("import");
    let mut stored = Vec::new();
    for n in 0..3 {
        stored.extend(db.find_orders(&format!("#{n}"), None).await.expect("find"));
    }
    assert_eq!(stored.len(), 3);
    let rules = rules(&db, now).await;
    let filter = ListFilter::new(rules.clone());
    for round in 0..120 {
        let order = &stored[round % stored.len()];
        if round % 2 == 0 {
            db.hold_order(order.id, "ops", "", now).await.expect("hold");
        } else {
            db.release_hold(order.id).await.expect("release");
        }
        let counts = db.verdict_counts(&filter).await.expect("counts");
        let reference = full_judge(&db, &rules).await;
        let pending = reference
            .iter()
            .filter(|(_, _, v, _)| *v == Verdict::Pending)
            .count() as u64;
        assert_eq!(
            counts.get(Store::SHOPIFY, Verdict::Pending),
            pending,
            "round {round}"
        );
    }
}

on_both_backends!(edges_inside_an_hour, many_changes_fold_into_exact_counts);

/// A count while another process keeps changing an order (a run retrying it): the order is
/// counted once in every count — from its kept verdict, or judged when its verdict was just
/// forgotten — never missed (a miss looked like "no failed orders" and raised a false
/// `recovered` alert).
async fn a_count_never_misses_an_order_being_changed(writer: Db, reader: Db) {
    let now = common::t("2026-11-24T12:00:00+09:00");
    let order = common::target_order(Store::SHOPIFY, "#1", "444413758703");
    writer.upsert_orders(&[order], now).await.expect("import");
    let stored = writer
        .find_orders("#1", None)
        .await
        .expect("find")
        .remove(0);
    let rules = rules(&writer, now).await;
    let write = ShippingWrite::Shopify {
        tracking: vec!["444413758703".into()],
        carrier: Some(Carrier::Yamato),
    };
    let changing = {
        let writer = writer.clone();
        let write = write.clone();
        tokio::spawn(async move {
            for round in 0..600 {
                let at = now + Duration::seconds(round);
                if round % 2 == 0 {
                    writer
                        .record_failure(
                            stored.id,
                            Store::SHOPIFY,
                            &write,
                            "busy",
                            Cause::Refused,
                            at,
                        )
                        .await
                        .expect("failure");
                } else {
                    writer
                        .record_confirmed(stored.id, Store::SHOPIFY, &write, None, at)
                        .await
                        .expect("confirmed");
                }
            }
        })
    };
    let filter = ListFilter::new(rules);
    let mut counted = 0;
    while !changing.is_finished() {
        let counts = reader.verdict_counts(&filter).await.expect("counts");
        let targets: u64 = [Verdict::Failed, Verdict::Synced, Verdict::Pending]
            .iter()
            .map(|v| counts.get(Store::SHOPIFY, *v))
            .sum();
        assert_eq!(targets, 1, "count {counted}: the order counted once");
        counted += 1;
    }
    changing.await.expect("writer");
    assert!(counted > 0);
}

#[tokio::test]
async fn a_count_never_misses_an_order_on_sqlite() {
    let (_dir, writer, reader) = sqlite_pair().await;
    a_count_never_misses_an_order_being_changed(writer, reader).await;
}

#[tokio::test]
async fn a_count_never_misses_an_order_on_postgres() {
    let Some((writer, reader)) = postgres_pair().await else {
        return;
    };
    a_count_never_misses_an_order_being_changed(writer, reader).await;
}
