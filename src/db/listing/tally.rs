//! One channel's window counted without reading it (issue 24). Triggers keep, per channel,
//! standing, status and hour of last change, how many orders there are (`standing_tally`,
//! migration 0016). A window is whole hours — summed from the tally, a few hundred rows however
//! many orders they hold — and the partial hours at its two edges, counted through the standing
//! index (an hour's orders at most). カラーミー's one-year rule is the one condition no hour can
//! answer: the orders it excludes from a window changed more than 350 days after they were
//! ordered, which an index of their own keeps few (`orders_late`), and they are subtracted.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::standing::{parse_verdict, target_verdicts};
use super::where_clause::{Ordered, Param, Where, bind_params};
use super::{Reader, with_reader};
use crate::db::{Db, DbError, Pool};
use crate::domain::{ChannelRules, TargetWindow, Verdict};

const HOUR: i64 = 3600;

/// PostgreSQL's tally rows are appended per statement; once a window's hours hold more than
/// twice as many rows as keys (and this many more), the reader folds them into one a key.
const FOLD_SLACK: i64 = 64;

/// What one channel's window holds, by stored standing (targets only).
#[derive(Debug, Default)]
pub(super) struct WindowCounts {
    pub by_standing: BTreeMap<Verdict, u64>,
    /// The oldest change among the `pending` and `failed` orders.
    pub oldest_pending: Option<DateTime<Utc>>,
    /// The oldest order date among the targets that may turn a year old inside the window.
    pub earliest_ordered: Option<DateTime<Utc>>,
}

impl WindowCounts {
    pub fn saw_pending(&mut self, changed: DateTime<Utc>) {
        self.oldest_pending = Some(self.oldest_pending.map_or(changed, |o| o.min(changed)));
    }

    fn add(&mut self, verdict: Verdict, n: i64) {
        let entry = self.by_standing.entry(verdict).or_default();
        *entry = entry.saturating_add_signed(n);
    }
}

fn at_hour(hour: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(hour.saturating_mul(HOUR), 0).unwrap_or_default()
}

impl Db {
    /// The late orders' condition, as their index says it (see `orders_late`).
    fn late(&self) -> (&'static str, &'static str) {
        match self.pool {
            Pool::Sqlite(_) => (
                " INDEXED BY orders_late",
                "julianday(o.updated_at) - julianday(o.ordered_at) > 350",
            ),
            Pool::Postgres(_) => ("", "o.updated_at - o.ordered_at > interval '350 days'"),
        }
    }

    /// Counts per standing of the orders in a span, through the standing index (or, for the
    /// late ones, their own).
    async fn span_counts(
        &self,
        reader: &mut Reader,
        w: &Where,
        late: bool,
    ) -> Result<Vec<(Verdict, i64)>, DbError> {
        let (index, condition) = if late {
            let (index, condition) = self.late();
            (index, format!(" AND {condition}"))
        } else {
            (self.by_standing(), String::new())
        };
        let sql = format!(
            "SELECT o.standing, count(*) FROM orders o{index} {}{condition} GROUP BY o.standing",
            w.sql()
        );
        let rows: Vec<(String, i64)> = with_reader!(reader, conn => {
            bind_params!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), &w.params)
                .fetch_all(conn)
                .await?
        });
        rows.into_iter()
            .map(|(code, n)| Ok((parse_verdict(&code)?, n)))
            .collect()
    }

    /// The whole hours `first..=last` of the tally, per standing; and whether its rows there are
    /// worth folding (many more rows than keys).
    async fn tallied(
        reader: &mut Reader,
        window: &TargetWindow,
        standings: &[Verdict],
        (first, last): (i64, i64),
    ) -> Result<(Vec<(Verdict, i64)>, bool), DbError> {
        let mut w = Where::default();
        let channel = w.placeholder(Param::Text(window.store.name().to_owned()));
        let codes: Vec<String> = standings
            .iter()
            .map(|v| w.placeholder(Param::Text(v.code().to_owned())))
            .collect();
        let statuses: Vec<String> = window
            .statuses
            .iter()
            .map(|s| w.placeholder(Param::Text(s.code().to_owned())))
            .collect();
        if statuses.is_empty() {
            return Ok((Vec::new(), false));
        }
        let from = w.placeholder(Param::Int(first));
        let to = w.placeholder(Param::Int(last));
        let sql = format!(
            "SELECT standing, CAST(sum(n) AS BIGINT), count(*) FROM standing_tally \
             WHERE channel = {channel} AND standing IN ({}) AND status IN ({}) \
             AND hour >= {from} AND hour <= {to} GROUP BY standing, status, hour",
            codes.join(", "),
            statuses.join(", ")
        );
        let rows: Vec<(String, i64, i64)> = with_reader!(reader, conn => {
            bind_params!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), &w.params)
                .fetch_all(conn)
                .await?
        });
        let keys = i64::try_from(rows.len()).unwrap_or(i64::MAX);
        let mut kept = 0;
        let mut out = Vec::new();
        for (code, n, rows) in rows {
            out.push((parse_verdict(&code)?, n));
            kept += rows;
        }
        Ok((out, kept > 2 * keys + FOLD_SLACK))
    }

    /// Folds PostgreSQL's appended tally rows of these hours into one a key (in one statement:
    /// rows appended meanwhile are left for the next fold; two folds at once fold each row once).
    pub(super) async fn fold_tally(
        &self,
        window: &TargetWindow,
        (first, last): (i64, i64),
    ) -> Result<(), DbError> {
        if let Pool::Postgres(pool) = &self.pool {
            sqlx::query(
                "WITH gone AS (DELETE FROM standing_tally WHERE channel = $1 AND hour >= $2 \
                 AND hour <= $3 RETURNING channel, standing, status, hour, n) \
                 INSERT INTO standing_tally (channel, standing, status, hour, n) \
                 SELECT channel, standing, status, hour, sum(n) FROM gone \
                 GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0",
            )
            .bind(window.store.name())
            .bind(first)
            .bind(last)
            .execute(pool)
            .await?;
        }
        Ok(())
    }

    /// One channel's window, counted from the tally and its edges; and its tally hours, when
    /// they are worth folding (after the read: [`Db::fold_tally`]).
    pub(super) async fn window_counts(
        &self,
        reader: &mut Reader,
        rules: &ChannelRules,
    ) -> Result<(WindowCounts, Option<(i64, i64)>), DbError> {
        let window = rules.window();
        let targets = target_verdicts();
        let (from, to) = (window.updated_from, window.updated_to);
        let mut found = WindowCounts::default();
        let mut fold = None;
        // Whole hours: from the first starting at or after `from` to the last ending by `to`.
        let first = from.timestamp().div_euclid(HOUR)
            + i64::from(from > at_hour(from.timestamp().div_euclid(HOUR)));
        let last = to.timestamp().div_euclid(HOUR) - 1;
        let mut edges = Vec::new();
        if first <= last {
            let (hours, worth_folding) =
                Self::tallied(reader, &window, &targets, (first, last)).await?;
            for (verdict, n) in hours {
                found.add(verdict, n);
            }
            if worth_folding {
                fold = Some((first, last));
            }
            let (start, end) = (at_hour(first), at_hour(last + 1));
            if window.ordered_from.is_some() {
                // The tally counted every order date; the rule excludes those a year old.
                let w = Where::spanned(&window, &targets, (start, end, true), Ordered::TooOld);
                for (verdict, n) in self.span_counts(reader, &w, true).await? {
                    found.add(verdict, -n);
                }
            }
            edges.push((from, start, true));
            edges.push((end, to, false));
        } else {
            edges.push((from, to, false));
        }
        for edge in edges {
            if edge.0 > edge.1 {
                continue;
            }
            let w = Where::spanned(&window, &targets, edge, Ordered::InYear);
            for (verdict, n) in self.span_counts(reader, &w, false).await? {
                found.add(verdict, n);
            }
        }
        found.by_standing.retain(|_, n| *n > 0);
        // The longest waiting: the first pending or failed order along the standing index.
        for verdict in [Verdict::Pending, Verdict::Failed] {
            if !found.by_standing.contains_key(&verdict) {
                continue;
            }
            let w = Where::spanned(&window, &[verdict], (from, to, false), Ordered::InYear);
            let sql = format!(
                "SELECT o.updated_at FROM orders o{} {} ORDER BY o.updated_at LIMIT 1",
                self.by_standing(),
                w.sql()
            );
            let oldest: Option<DateTime<Utc>> = with_reader!(&mut *reader, conn => {
                bind_params!(sqlx::query_scalar(sqlx::AssertSqlSafe(sql)), &w.params)
                    .fetch_optional(conn)
                    .await?
            });
            if let Some(oldest) = oldest {
                found.saw_pending(oldest);
            }
        }
        // Only a late order can turn a year old inside the window (see `orders_late`).
        if window.ordered_from.is_some() {
            let w = Where::spanned(&window, &targets, (from, to, false), Ordered::InYear);
            let (index, condition) = self.late();
            let sql = format!(
                "SELECT min(o.ordered_at) FROM orders o{index} {} AND {condition}",
                w.sql()
            );
            found.earliest_ordered = with_reader!(&mut *reader, conn => {
                bind_params!(sqlx::query_scalar::<_, Option<DateTime<Utc>>>(sqlx::AssertSqlSafe(sql)), &w.params)
                    .fetch_one(conn)
                    .await?
            });
        }
        Ok((found, fold))
    }
}
