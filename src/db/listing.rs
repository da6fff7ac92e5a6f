//! Orders with their verdicts: a page, the counts per verdict, and every order as a stream.
//!
//! Each order keeps its standing (see [`standing`]): counts and a page of one verdict are an
//! indexed query over the window, whatever its size; every order outside a window is
//! ineligible, and its number comes from the per-channel totals that triggers keep. The rows
//! shown are judged again by the pure rules, so what a row says is never a stored answer. The
//! plan of a run reads the candidates the rules narrow to ([`crate::domain::Narrowing`]) and
//! judges each. No query loads every order.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

mod standing;
mod tally;
pub(super) mod where_clause;

use super::orders::StoredOrder;
use super::rows::{ORDER_COLUMNS, ORDER_FROM, OrderRow};
use super::{Db, DbError, with_pool};
use crate::domain::{ChannelRules, Evaluation, Store, Verdict};
use where_clause::{Param, Where, bind_params};

/// Which orders to list, judged by which rules.
#[derive(Debug, Clone)]
pub struct ListFilter {
    /// One entry per channel to include, all at the same as-of instant.
    pub rules: Vec<ChannelRules>,
    pub verdict: Option<Verdict>,
    /// Part of the order number, remote id or tracking (case-insensitive).
    pub search: Option<String>,
}

impl ListFilter {
    pub fn new(rules: Vec<ChannelRules>) -> ListFilter {
        ListFilter {
            rules,
            verdict: None,
            search: None,
        }
    }

    /// Whether every store this process knows is listed (then no store condition is needed).
    fn lists_every_channel(&self) -> bool {
        Store::known()
            .iter()
            .all(|c| self.rules.iter().any(|r| r.store == *c))
    }

    fn has_search(&self) -> bool {
        self.search.as_deref().is_some_and(|s| !s.trim().is_empty())
    }

    fn rules_for(&self, store: Store) -> Option<&ChannelRules> {
        self.rules.iter().find(|r| r.store == store)
    }

    fn as_of(&self) -> DateTime<Utc> {
        self.rules.iter().map(|r| r.as_of).max().unwrap_or_default()
    }
}

/// An order, what its store holds, and its verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedOrder {
    pub stored: StoredOrder,
    pub evaluation: Evaluation,
}

/// How many orders have each verdict, per channel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerdictCounts {
    by_channel: BTreeMap<Store, [u64; 6]>,
    /// The oldest change among each channel's `pending` and `failed` orders: how long an order
    /// has waited to be written (SPEC §3 `oldest_pending_at`, `stale_after`).
    oldest_pending: BTreeMap<Store, DateTime<Utc>>,
    /// The next instant the clock alone changes a verdict (a window's edge passes an order):
    /// a screen reads its counts again then.
    next_change: Option<DateTime<Utc>>,
}

impl VerdictCounts {
    fn slot(verdict: Verdict) -> usize {
        Verdict::ALL.iter().position(|v| *v == verdict).unwrap_or(0)
    }

    pub fn add(&mut self, store: Store, verdict: Verdict, n: u64) {
        self.by_channel.entry(store).or_default()[Self::slot(verdict)] += n;
    }

    pub fn get(&self, store: Store, verdict: Verdict) -> u64 {
        self.by_channel
            .get(&store)
            .map_or(0, |c| c[Self::slot(verdict)])
    }

    /// Over every listed channel.
    pub fn total(&self, verdict: Verdict) -> u64 {
        self.by_channel
            .values()
            .map(|c| c[Self::slot(verdict)])
            .sum()
    }

    pub fn all(&self) -> u64 {
        self.by_channel.values().flatten().sum()
    }

    /// When the channel's longest-waiting `pending` or `failed` order last changed.
    pub fn oldest_pending(&self, store: Store) -> Option<DateTime<Utc>> {
        self.oldest_pending.get(&store).copied()
    }

    fn saw_pending(&mut self, store: Store, changed: DateTime<Utc>) {
        let oldest = self.oldest_pending.entry(store).or_insert(changed);
        *oldest = (*oldest).min(changed);
    }

    /// When the clock alone next changes a verdict counted here.
    pub fn next_change(&self) -> Option<DateTime<Utc>> {
        self.next_change
    }

    /// These counts, said to change by the clock alone at `at` (a screen's tests).
    pub fn changing_at(mut self, at: DateTime<Utc>) -> VerdictCounts {
        self.saw_change(at);
        self
    }

    fn saw_change(&mut self, at: DateTime<Utc>) {
        self.next_change = Some(self.next_change.map_or(at, |n| n.min(at)));
    }

    pub fn channels(&self) -> impl Iterator<Item = Store> + '_ {
        self.by_channel.keys().copied()
    }
}

/// A page of orders, newest change first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderPage {
    pub rows: Vec<ListedOrder>,
    pub counts: VerdictCounts,
    /// How many orders match the filter in all (for "page 3 of 40").
    pub matching: u64,
}

/// One consistent view of the database for a count: every query of it sees the same instant, so
/// an order is counted from its kept standing or judged as one whose standing was forgotten —
/// never neither, whatever another process writes meanwhile (a count that missed an order
/// being retried raised a false "recovered" alert).
pub(super) enum Reader {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// Runs the same body on the reader's connection, whichever backend it is.
macro_rules! with_reader {
    ($reader:expr, $conn:ident => $body:expr) => {
        match $reader {
            $crate::db::listing::Reader::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::db::listing::Reader::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}
pub(super) use with_reader;

impl Db {
    /// A read-only view at one instant (SQLite: a read transaction of WAL; PostgreSQL:
    /// repeatable read).
    async fn reader(&self) -> Result<Reader, DbError> {
        Ok(match &self.pool {
            super::Pool::Sqlite(pool) => Reader::Sqlite(pool.begin().await?),
            super::Pool::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .execute(&mut *tx)
                    .await?;
                Reader::Postgres(tx)
            }
        })
    }
}

impl Reader {
    async fn close(self) -> Result<(), DbError> {
        match self {
            Reader::Sqlite(tx) => tx.commit().await?,
            Reader::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

const NEWEST_FIRST: &str = "ORDER BY o.updated_at DESC, o.id DESC";
const OLDEST_FIRST: &str = "ORDER BY o.updated_at, o.id";

impl Db {
    async fn fetch_rows(
        &self,
        w: &Where,
        order: &str,
        limit: Option<u64>,
        offset: u64,
    ) -> Result<Vec<OrderRow>, DbError> {
        self.fetch_rows_from(w, ORDER_FROM, order, limit, offset)
            .await
    }

    /// [`Db::fetch_rows`] of orders of some verdicts, through the standing index when the
    /// filter has one channel (see [`Db::by_standing`]).
    async fn fetch_by_standing(
        &self,
        filter: &ListFilter,
        w: &Where,
        order: &str,
        limit: Option<u64>,
        offset: u64,
    ) -> Result<Vec<OrderRow>, DbError> {
        let from = if filter.rules.len() == 1 {
            ORDER_FROM.replacen(
                "FROM orders o",
                &format!("FROM orders o{}", self.by_standing()),
                1,
            )
        } else {
            ORDER_FROM.to_owned()
        };
        self.fetch_rows_from(w, &from, order, limit, offset).await
    }

    async fn fetch_rows_from(
        &self,
        w: &Where,
        from: &str,
        order: &str,
        limit: Option<u64>,
        offset: u64,
    ) -> Result<Vec<OrderRow>, DbError> {
        let mut w = w.clone();
        let mut tail = String::new();
        if let Some(limit) = limit {
            let l = w.placeholder(Param::Int(i64::try_from(limit).unwrap_or(i64::MAX)));
            let o = w.placeholder(Param::Int(i64::try_from(offset).unwrap_or(i64::MAX)));
            tail = format!("LIMIT {l} OFFSET {o}");
        }
        let sql = format!("SELECT {ORDER_COLUMNS} {from} {} {order} {tail}", w.sql());
        let rows = with_pool!(self, pool => {
            bind_params!(sqlx::query_as::<_, OrderRow>(sqlx::AssertSqlSafe(sql)), &w.params)
                .fetch_all(pool)
                .await?
        });
        Ok(rows)
    }

    async fn count_where(&self, w: &Where) -> Result<u64, DbError> {
        let sql = format!("SELECT count(*) FROM orders o {}", w.sql());
        let n: i64 = with_pool!(self, pool => {
            bind_params!(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)), &w.params)
                .fetch_one(pool)
                .await?
        });
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// How many orders each listed channel has (matching the search, if any).
    async fn totals(
        reader: &mut Reader,
        filter: &ListFilter,
    ) -> Result<BTreeMap<Store, u64>, DbError> {
        let base = Where::base(filter);
        // Without a search, the totals kept by triggers answer at once; a search must count.
        let per_channel: Vec<(String, i64)> = if filter.has_search() {
            let sql = format!(
                "SELECT o.channel, count(*) FROM orders o {} GROUP BY o.channel",
                base.sql()
            );
            with_reader!(reader, conn => {
                bind_params!(sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql)), &base.params)
                    .fetch_all(conn)
                    .await?
            })
        } else {
            with_reader!(reader, conn => {
                sqlx::query_as::<_, (String, i64)>("SELECT channel, n FROM order_totals")
                    .fetch_all(conn)
                    .await?
            })
        };
        let mut totals = BTreeMap::new();
        for (channel, n) in per_channel {
            let channel: Store = channel
                .parse()
                .map_err(|e| DbError::Corrupt(format!("{e}")))?;
            if filter.rules_for(channel).is_some() {
                totals.insert(channel, u64::try_from(n).unwrap_or(0));
            }
        }
        Ok(totals)
    }

    /// The standings brought up to date, then the counts; the instant a changed-in-the-future
    /// order enters its window is a next change too.
    async fn counts(&self, filter: &ListFilter) -> Result<VerdictCounts, DbError> {
        self.settle_standings(filter).await?;
        let mut reader = self.reader().await?;
        let totals = Self::totals(&mut reader, filter).await?;
        let (mut counts, to_fold) = self.stored_counts(&mut reader, filter, &totals).await?;
        let future = Where::base(filter).with(">", filter.as_of());
        let sql = format!("SELECT min(o.updated_at) FROM orders o {}", future.sql());
        let entering: Option<DateTime<Utc>> = with_reader!(&mut reader, conn => {
            bind_params!(sqlx::query_scalar::<_, Option<DateTime<Utc>>>(sqlx::AssertSqlSafe(sql)), &future.params)
                .fetch_one(conn)
                .await?
        });
        reader.close().await?;
        if let Some(at) = entering {
            counts.saw_change(at);
        }
        for (window, hours) in to_fold {
            self.fold_tally(&window, hours).await?;
        }
        Ok(counts)
    }

    fn judge(&self, filter: &ListFilter, rows: Vec<OrderRow>) -> Result<Vec<ListedOrder>, DbError> {
        rows.into_iter()
            .map(|row| {
                let stored = StoredOrder::from_row(row)?;
                let rules = filter.rules_for(stored.order.store).ok_or_else(|| {
                    DbError::Corrupt(format!(
                        "order {} of an unlisted channel",
                        stored.order.number
                    ))
                })?;
                let evaluation = rules.evaluate(&stored.order, &stored.remote);
                Ok(ListedOrder { stored, evaluation })
            })
            .collect()
    }

    /// Every target of the listed channels (all verdicts but `ineligible`), newest change first:
    /// the plan of a sync run. Read by the rules' narrowing and judged order by order, so a run
    /// never depends on a stored answer.
    pub async fn targets(&self, filter: &ListFilter) -> Result<Vec<ListedOrder>, DbError> {
        let rows = self
            .fetch_rows(&Where::candidates(filter), NEWEST_FIRST, None, 0)
            .await?;
        Ok(self
            .judge(filter, rows)?
            .into_iter()
            .filter(|r| r.evaluation.verdict != Verdict::Ineligible)
            .collect())
    }

    /// Judges the orders inside the filter's windows whose verdict is not kept yet (after an
    /// import of many, so the first screen does not pay for it); how many were judged.
    pub async fn judge_unjudged(&self, filter: &ListFilter) -> Result<u64, DbError> {
        self.settle_standings(filter).await
    }

    /// The counts per verdict and channel.
    pub async fn verdict_counts(&self, filter: &ListFilter) -> Result<VerdictCounts, DbError> {
        self.counts(filter).await
    }

    /// The numbers of up to `limit` orders of `verdicts`, in `order`, changed before `before`.
    async fn numbers_of(
        &self,
        filter: &ListFilter,
        verdicts: &[Verdict],
        before: Option<DateTime<Utc>>,
        order: &str,
        limit: usize,
    ) -> Result<Vec<String>, DbError> {
        let mut w = Where::base(filter);
        let per_channel: Vec<String> = filter
            .rules
            .iter()
            .map(|r| w.in_window(&r.window(), verdicts))
            .collect();
        w.and(format!("({})", per_channel.join(" OR ")));
        if let Some(before) = before {
            w = w.with("<", before);
        }
        let rows = self
            .fetch_by_standing(filter, &w, order, Some(limit as u64), 0)
            .await?;
        Ok(rows.into_iter().map(|r| r.number).collect())
    }

    /// The counts, with the numbers an alert names: the failed orders, the `pending` or `failed`
    /// ones that last changed before `stale_before` (oldest first), and the drifted ones, at most
    /// `limit` each.
    pub async fn alert_orders(
        &self,
        filter: &ListFilter,
        stale_before: DateTime<Utc>,
        limit: usize,
    ) -> Result<(VerdictCounts, Vec<String>, Vec<String>, Vec<String>), DbError> {
        let counts = self.counts(filter).await?;
        let failed = self
            .numbers_of(filter, &[Verdict::Failed], None, OLDEST_FIRST, limit)
            .await?;
        let stale = self
            .numbers_of(
                filter,
                &[Verdict::Pending, Verdict::Failed],
                Some(stale_before),
                OLDEST_FIRST,
                limit,
            )
            .await?;
        let drifted = self
            .numbers_of(filter, &[Verdict::Drift], None, NEWEST_FIRST, limit)
            .await?;
        Ok((counts, failed, stale, drifted))
    }

    /// One page of the orders matching the filter, newest change first, with the counts per
    /// verdict of all orders of the listed channels (the verdict filter aside).
    pub async fn order_page(
        &self,
        filter: &ListFilter,
        offset: u64,
        limit: u64,
    ) -> Result<OrderPage, DbError> {
        let counts = self.counts(filter).await?;
        let (rows, matching) = match filter.verdict {
            None => {
                let rows = self
                    .fetch_rows(&Where::base(filter), NEWEST_FIRST, Some(limit), offset)
                    .await?;
                (self.judge(filter, rows)?, counts.all())
            }
            Some(verdict) => {
                let w = Where::verdict(filter, verdict);
                let rows = if verdict == Verdict::Ineligible {
                    self.fetch_rows(&w, NEWEST_FIRST, Some(limit), offset)
                        .await?
                } else {
                    self.fetch_by_standing(filter, &w, NEWEST_FIRST, Some(limit), offset)
                        .await?
                };
                // The counts are of every order of the channels: with a search, count the page's
                // own matches.
                let matching = if filter.has_search() {
                    self.count_where(&w).await?
                } else {
                    counts.total(verdict)
                };
                (self.judge(filter, rows)?, matching)
            }
        };
        Ok(OrderPage {
            rows,
            counts,
            matching,
        })
    }

    /// Every order matching the filter, newest change first, handed to `each` in batches read by
    /// key (never one huge result set), so that a million orders stream in constant memory.
    pub async fn for_each_order<F>(&self, filter: &ListFilter, mut each: F) -> Result<(), DbError>
    where
        F: FnMut(ListedOrder) -> Result<(), DbError>,
    {
        const BATCH: u64 = 2000;
        let base = if matches!(filter.verdict, Some(v) if v != Verdict::Ineligible) {
            Where::candidates(filter)
        } else {
            Where::base(filter)
        };
        let mut after: Option<(DateTime<Utc>, i64)> = None;
        loop {
            let mut w = base.clone();
            if let Some((at, id)) = after {
                let a = w.placeholder(Param::Time(at));
                let i = w.placeholder(Param::Int(id));
                w.and(format!("(o.updated_at, o.id) < ({a}, {i})"));
            }
            let rows = self.fetch_rows(&w, NEWEST_FIRST, Some(BATCH), 0).await?;
            let done = (rows.len() as u64) < BATCH;
            if let Some(last) = rows.last() {
                after = Some((last.updated_at, last.id));
            }
            for row in self.judge(filter, rows)? {
                if filter.verdict.is_none_or(|v| v == row.evaluation.verdict) {
                    each(row)?;
                }
            }
            if done {
                return Ok(());
            }
        }
    }
}
