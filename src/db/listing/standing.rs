//! The verdict each order keeps (issue 24), so that counts and pages cost an indexed query
//! instead of a judge of every order in the window. An order's *standing* is its verdict
//! whenever its channel's window admits it ([`crate::domain::standing`], the same pure rules
//! as every verdict); the window — status option, period, year — is tested in SQL on the
//! order's own columns, so the clock moving never makes a standing stale. Triggers forget a
//! standing when what it depends on changes (migration 0015); the next reader judges again the
//! forgotten ones inside its window before it counts. A standing is stored only if nothing
//! changed it since it was read (`standing_gen`), so a reader racing a writer never keeps a
//! verdict of values gone by.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::tally::WindowCounts;
use super::where_clause::{Param, Where, bind_params};
use super::{ListFilter, Reader, VerdictCounts, with_reader};
use crate::db::rows::{ORDER_COLUMNS, ORDER_FROM, OrderRow};
use crate::db::{BeginWrite, Db, DbError, Pool, with_pool};
use crate::domain::{ChannelRules, Store, TargetWindow, Verdict, standing};

/// How many orders are judged and stored at a time.
const BATCH: usize = 2000;

#[derive(sqlx::FromRow)]
struct ToJudge {
    #[sqlx(flatten)]
    row: OrderRow,
    standing_gen: i64,
}

/// The verdicts an order inside its window may have (every one but `ineligible`).
pub(super) fn target_verdicts() -> Vec<Verdict> {
    Verdict::ALL
        .into_iter()
        .filter(|v| *v != Verdict::Ineligible)
        .collect()
}

impl Db {
    /// Judges again every order of the filter's channels inside its window whose standing was
    /// forgotten. Usually none: a handful after an edit, a run or a pull.
    pub(super) async fn settle_standings(&self, filter: &ListFilter) -> Result<u64, DbError> {
        let mut judged = 0;
        for rules in &filter.rules {
            judged += self.settle_channel(rules).await?;
        }
        Ok(judged)
    }

    async fn settle_channel(&self, rules: &ChannelRules) -> Result<u64, DbError> {
        let basis = self.align_basis(rules).await?;
        let mut judged = 0;
        let mut after: Option<(DateTime<Utc>, i64)> = None;
        loop {
            let resume = if after.is_some() {
                " AND (o.updated_at, o.id) < ($4, $5)"
            } else {
                ""
            };
            // `channel || ''`: the channel's own index would read every order of the window
            // to find the few unjudged ones; this way only the index of those is read.
            let sql = format!(
                "SELECT {ORDER_COLUMNS}, o.standing_gen {ORDER_FROM} WHERE o.standing IS NULL \
                 AND o.channel || '' = $1 AND o.updated_at >= $2 AND o.updated_at <= $3{resume} \
                 ORDER BY o.updated_at DESC, o.id DESC LIMIT {BATCH}"
            );
            let (at, id) = after.unwrap_or_default();
            let rows: Vec<ToJudge> = with_pool!(self, pool => {
                let query = sqlx::query_as::<_, ToJudge>(sqlx::AssertSqlSafe(sql))
                    .bind(rules.store.name())
                    .bind(rules.period_start)
                    .bind(rules.as_of);
                let query = if after.is_some() { query.bind(at).bind(id) } else { query };
                query.fetch_all(pool).await?
            });
            let done = rows.len() < BATCH;
            if let Some(last) = rows.last() {
                after = Some((last.row.updated_at, last.row.id));
            }
            let mut standings = Vec::with_capacity(rows.len());
            for judge in rows {
                let generation = judge.standing_gen;
                let (id, _, order, remote) = judge.row.into_domain()?;
                let verdict = standing(rules.store.channel(), &rules.settings, &order, &remote);
                standings.push(json!({"id": id, "gen": generation, "s": verdict.code()}));
            }
            judged += standings.len() as u64;
            if !standings.is_empty() {
                self.store_standings(&standings, basis).await?;
            }
            if done {
                return Ok(judged);
            }
        }
    }

    /// Stores judged standings, each only if its order did not change since it was read, and
    /// (カラーミー) only while the 出荷日 option they were judged with is still the basis.
    async fn store_standings(
        &self,
        standings: &[serde_json::Value],
        basis: Option<bool>,
    ) -> Result<(), DbError> {
        let json = serde_json::Value::Array(standings.to_vec()).to_string();
        let same_basis = "($2 IS NULL OR EXISTS (SELECT 1 FROM standing_basis b \
                          WHERE b.channel = orders.channel AND b.shipped_date_only = $2))";
        match &self.pool {
            Pool::Sqlite(pool) => {
                let sql = format!(
                    "UPDATE orders SET standing = json_extract(j.value, '$.s') FROM json_each($1) AS j \
                     WHERE orders.id = json_extract(j.value, '$.id') \
                     AND orders.standing_gen = json_extract(j.value, '$.gen') AND {same_basis}"
                );
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(json)
                    .bind(basis)
                    .execute(pool)
                    .await?;
            }
            Pool::Postgres(pool) => {
                let same_basis = same_basis.replace("$2 IS NULL", "$2::boolean IS NULL");
                let sql = format!(
                    "UPDATE orders SET standing = v.s \
                     FROM jsonb_to_recordset($1::jsonb) AS v(id BIGINT, gen BIGINT, s TEXT) \
                     WHERE orders.id = v.id AND orders.standing_gen = v.gen AND {same_basis}"
                );
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(json)
                    .bind(basis)
                    .execute(pool)
                    .await?;
            }
        }
        Ok(())
    }

    /// Names the standing index to SQLite: without statistics its planner prefers the
    /// channel's `updated_at` index (both match the window), which reads every row of the window
    /// instead of its index entries alone (0.17 s instead of 0.02 s at 150,000 orders).
    /// PostgreSQL's planner has its statistics.
    pub(super) fn by_standing(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => " INDEXED BY orders_by_standing",
            Pool::Postgres(_) => "",
        }
    }

    /// The 出荷日 option the channel's standings are judged with (カラーミー; `None` for Shopify,
    /// whose standings no setting moves). When the rules asked with another one, it becomes
    /// the basis and every standing it decides (a slip and no 出荷日) is forgotten.
    async fn align_basis(&self, rules: &ChannelRules) -> Result<Option<bool>, DbError> {
        if rules.store.channel() != crate::domain::Channel::Colorme {
            return Ok(None);
        }
        let wanted = rules.settings.shipped_date_only;
        let channel = rules.store.name();
        let held: Option<bool> = with_pool!(self, pool => {
            sqlx::query_scalar("SELECT shipped_date_only FROM standing_basis WHERE channel = $1")
                .bind(channel)
                .fetch_optional(pool)
                .await?
        });
        if held == Some(wanted) {
            return Ok(Some(wanted));
        }
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "INSERT INTO standing_basis (channel, shipped_date_only) VALUES ($1, $2) \
                 ON CONFLICT (channel) DO UPDATE SET shipped_date_only = excluded.shipped_date_only",
            )
            .bind(channel)
            .bind(wanted)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE orders SET standing = NULL, standing_gen = standing_gen + 1 \
                 WHERE channel = $1 AND standing IS NOT NULL AND tracking <> '' AND shipped_on IS NULL",
            )
            .bind(channel)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(Some(wanted))
    }

    /// The counts per verdict from the stored standings, all read at one instant: per channel,
    /// the hours the tally keeps and the window's partial hours at its edges
    /// ([`Db::window_counts`]) — or, with a search, one indexed query over the window — plus the
    /// orders whose standing was forgotten and not judged again yet, judged here; whatever is
    /// not counted is ineligible. Also the tally hours worth folding (PostgreSQL), for after.
    pub(super) async fn stored_counts(
        &self,
        reader: &mut Reader,
        filter: &ListFilter,
        totals: &std::collections::BTreeMap<Store, u64>,
    ) -> Result<(VerdictCounts, Vec<(TargetWindow, (i64, i64))>), DbError> {
        let mut counts = VerdictCounts::default();
        let mut to_fold = Vec::new();
        for rules in &filter.rules {
            counts.by_channel.entry(rules.store).or_default();
            let mut found = if filter.has_search() {
                self.searched_counts(reader, filter, rules).await?
            } else {
                let (found, fold) = self.window_counts(reader, rules).await?;
                to_fold.extend(fold.map(|hours| (rules.window(), hours)));
                found
            };
            self.unjudged_counts(reader, filter, rules, &mut found)
                .await?;
            let mut in_window = 0u64;
            for (verdict, n) in &found.by_standing {
                counts.add(rules.store, *verdict, *n);
                in_window += n;
            }
            if let Some(oldest) = found.oldest_pending {
                counts.saw_pending(rules.store, oldest);
            }
            let total = totals.get(&rules.store).copied().unwrap_or(0);
            counts.add(
                rules.store,
                Verdict::Ineligible,
                total.saturating_sub(in_window),
            );
            counts.saw_change(rules.next_change(found.earliest_ordered));
        }
        Ok((counts, to_fold))
    }

    /// The orders of the window whose standing is forgotten (usually none: a writer since the
    /// settling), judged by the rules and added to `found`.
    async fn unjudged_counts(
        &self,
        reader: &mut Reader,
        filter: &ListFilter,
        rules: &ChannelRules,
        found: &mut WindowCounts,
    ) -> Result<(), DbError> {
        // The search's condition only when there is one: the base's channel condition would
        // lead SQLite to the channel's index and every row of the window (see `settle_channel`).
        let mut w = if filter.has_search() {
            Where::base(filter)
        } else {
            Where::default()
        };
        let channel = w.placeholder(Param::Text(rules.store.name().to_owned()));
        let from = w.placeholder(Param::Time(rules.period_start));
        let to = w.placeholder(Param::Time(rules.as_of));
        // `channel || ''`: see `settle_channel`.
        w.and(format!(
            "o.standing IS NULL AND o.channel || '' = {channel} AND o.updated_at >= {from} \
             AND o.updated_at <= {to}"
        ));
        let sql = format!("SELECT {ORDER_COLUMNS} {ORDER_FROM} {}", w.sql());
        let rows: Vec<OrderRow> = with_reader!(reader, conn => {
            bind_params!(sqlx::query_as::<_, OrderRow>(sqlx::AssertSqlSafe(sql)), &w.params)
                .fetch_all(conn)
                .await?
        });
        for row in rows {
            let (_, _, order, remote) = row.into_domain()?;
            let verdict = rules.evaluate(&order, &remote).verdict;
            if verdict == Verdict::Ineligible {
                continue;
            }
            *found.by_standing.entry(verdict).or_default() += 1;
            if matches!(verdict, Verdict::Pending | Verdict::Failed) {
                found.saw_pending(order.updated_at);
            }
            found.earliest_ordered = Some(
                found
                    .earliest_ordered
                    .map_or(order.ordered_at, |e| e.min(order.ordered_at)),
            );
        }
        Ok(())
    }

    /// One channel's window matching a search, counted by one query over the standing index.
    async fn searched_counts(
        &self,
        reader: &mut Reader,
        filter: &ListFilter,
        rules: &ChannelRules,
    ) -> Result<WindowCounts, DbError> {
        let mut w = Where::base(filter);
        let clause = w.in_window(&rules.window(), &target_verdicts());
        w.and(clause);
        let sql = format!(
            "SELECT o.standing, count(*), min(o.updated_at), min(o.ordered_at) \
             FROM orders o{} {} GROUP BY o.standing",
            self.by_standing(),
            w.sql()
        );
        let groups: Vec<(String, i64, DateTime<Utc>, DateTime<Utc>)> = with_reader!(reader, conn => {
            bind_params!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), &w.params)
                .fetch_all(conn)
                .await?
        });
        let mut found = WindowCounts::default();
        for (code, n, oldest_change, oldest_order) in groups {
            let verdict = parse_verdict(&code)?;
            *found.by_standing.entry(verdict).or_default() += u64::try_from(n).unwrap_or(0);
            if matches!(verdict, Verdict::Pending | Verdict::Failed) {
                found.saw_pending(oldest_change);
            }
            found.earliest_ordered = Some(
                found
                    .earliest_ordered
                    .map_or(oldest_order, |e| e.min(oldest_order)),
            );
        }
        Ok(found)
    }
}

pub(super) fn parse_verdict(code: &str) -> Result<Verdict, DbError> {
    code.parse()
        .map_err(|e| DbError::Corrupt(format!("stored verdict: {e}")))
}
