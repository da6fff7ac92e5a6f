//! Orders with their verdicts: a page, the counts per verdict, and every order as a stream.
//!
//! The rules say what every target necessarily meets ([`Narrowing`]: inside the period window,
//! an exported status, and so on), so the database reads only those candidates, through the
//! `updated_at` index, and the pure rules judge each of them. Every other order is ineligible:
//! the counts take their number from the per-channel totals that triggers keep, and a page of
//! all orders reads straight from the index. No query loads every order.

use std::collections::BTreeMap;
use unicode_normalization::UnicodeNormalization;

use chrono::{DateTime, Utc};

use super::orders::StoredOrder;
use super::rows::{ORDER_COLUMNS, ORDER_FROM, OrderRow};
use super::{Db, DbError, with_pool};
use crate::domain::{Channel, ChannelRules, Evaluation, Narrowing, Verdict};

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

    fn lists_every_channel(&self) -> bool {
        Channel::ALL
            .iter()
            .all(|c| self.rules.iter().any(|r| r.channel == *c))
    }

    fn has_search(&self) -> bool {
        self.search.as_deref().is_some_and(|s| !s.trim().is_empty())
    }

    fn rules_for(&self, channel: Channel) -> Option<&ChannelRules> {
        self.rules.iter().find(|r| r.channel == channel)
    }

    fn as_of(&self) -> DateTime<Utc> {
        self.rules.iter().map(|r| r.as_of).max().unwrap_or_default()
    }

    /// The earliest instant at which any included channel's period window opens.
    fn near_start(&self) -> DateTime<Utc> {
        self.rules
            .iter()
            .map(|r| r.period_start)
            .min()
            .unwrap_or_default()
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
    by_channel: BTreeMap<Channel, [u64; 6]>,
    /// The oldest change among each channel's `pending` and `failed` orders: how long an order
    /// has waited to be written (SPEC §3 `oldest_pending_at`, `stale_after`).
    oldest_pending: BTreeMap<Channel, DateTime<Utc>>,
}

impl VerdictCounts {
    fn slot(verdict: Verdict) -> usize {
        Verdict::ALL.iter().position(|v| *v == verdict).unwrap_or(0)
    }

    pub fn add(&mut self, channel: Channel, verdict: Verdict, n: u64) {
        self.by_channel.entry(channel).or_default()[Self::slot(verdict)] += n;
    }

    pub fn get(&self, channel: Channel, verdict: Verdict) -> u64 {
        self.by_channel
            .get(&channel)
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
    pub fn oldest_pending(&self, channel: Channel) -> Option<DateTime<Utc>> {
        self.oldest_pending.get(&channel).copied()
    }

    fn saw_pending(&mut self, channel: Channel, changed: DateTime<Utc>) {
        let oldest = self.oldest_pending.entry(channel).or_insert(changed);
        *oldest = (*oldest).min(changed);
    }

    pub fn channels(&self) -> impl Iterator<Item = Channel> + '_ {
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

#[derive(Debug, Clone)]
enum Param {
    Text(String),
    Time(DateTime<Utc>),
    Int(i64),
}

/// A WHERE clause under construction, numbering its `$N` placeholders.
#[derive(Debug, Clone, Default)]
struct Where {
    clauses: Vec<String>,
    params: Vec<Param>,
}

impl Where {
    fn placeholder(&mut self, param: Param) -> String {
        self.params.push(param);
        format!("${}", self.params.len())
    }

    fn and(&mut self, clause: String) {
        self.clauses.push(clause);
    }

    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }

    /// Channels and search: the part of the filter that does not depend on the rules.
    fn base(filter: &ListFilter) -> Where {
        let mut w = Where::default();
        // With every channel listed there is nothing to filter; leaving the clause out lets the
        // `updated_at` index serve "newest first" instead of sorting every order.
        if !filter.lists_every_channel() {
            let placeholders: Vec<String> = filter
                .rules
                .iter()
                .map(|r| w.placeholder(Param::Text(r.channel.code().to_owned())))
                .collect();
            if let [one] = placeholders.as_slice() {
                w.and(format!("o.channel = {one}"));
            } else {
                w.and(format!("o.channel IN ({})", placeholders.join(", ")));
            }
        }
        if let Some(search) = filter
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            // Only what the list shows (number, tracking), each folded as it is stored: a
            // full-width ＃１００３ finds #1003, 1234-5678 finds 12345678. Never the store's ids.
            let folded: String = search.nfkc().collect::<String>().to_lowercase();
            let number = format!("%{}%", escape_like(folded.trim()));
            let tracking = format!(
                "%{}%",
                escape_like(&crate::domain::TrackingNumber::search_form(search))
            );
            let n = w.placeholder(Param::Text(number));
            let t = w.placeholder(Param::Text(tracking));
            w.and(format!(
                "(lower(o.number) LIKE {n} ESCAPE '\\' OR lower(o.tracking) LIKE {t} ESCAPE '\\')"
            ));
        }
        w
    }

    /// The orders that may be targets: for each channel, the conjunction of its [`Narrowing`].
    fn candidates(filter: &ListFilter) -> Where {
        let mut w = Where::base(filter);
        let per_channel: Vec<String> = filter
            .rules
            .iter()
            .map(|r| w.narrowing(&r.narrowing()))
            .collect();
        w.and(format!("({})", per_channel.join(" OR ")));
        w
    }

    fn narrowing(&mut self, n: &Narrowing) -> String {
        let channel = self.placeholder(Param::Text(n.channel.code().to_owned()));
        let mut terms = vec![format!("o.channel = {channel}")];
        if n.statuses.is_empty() {
            terms.push("1 = 0".into());
        } else {
            let statuses: Vec<String> = n
                .statuses
                .iter()
                .map(|s| self.placeholder(Param::Text(s.code().to_owned())))
                .collect();
            terms.push(format!("o.status IN ({})", statuses.join(", ")));
        }
        let from = self.placeholder(Param::Time(n.updated_from));
        let to = self.placeholder(Param::Time(n.updated_to));
        terms.push(format!("o.updated_at >= {from} AND o.updated_at <= {to}"));
        if let Some(ordered_from) = n.ordered_from {
            let p = self.placeholder(Param::Time(ordered_from));
            terms.push(format!("o.ordered_at >= {p}"));
        }
        if n.needs_shipped_on {
            terms.push("o.shipped_on IS NOT NULL".into());
        }
        if n.needs_tracking {
            terms.push("o.tracking <> ''".into());
        }
        if n.excludes_bundle_children {
            terms.push("o.bundle_parent IS NULL".into());
        }
        format!("({})", terms.join(" AND "))
    }

    fn with(mut self, op: &str, at: DateTime<Utc>) -> Where {
        let p = self.placeholder(Param::Time(at));
        self.and(format!("o.updated_at {op} {p}"));
        self
    }
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

macro_rules! bind_params {
    ($query:expr, $params:expr) => {{
        let mut query = $query;
        for param in $params {
            query = match param {
                Param::Text(v) => query.bind(v.clone()),
                Param::Time(v) => query.bind(*v),
                Param::Int(v) => query.bind(*v),
            };
        }
        query
    }};
}

const NEWEST_FIRST: &str = "ORDER BY o.updated_at DESC, o.id DESC";

/// The rows read and judged, and how many orders each channel has in all.
struct Survey {
    /// Either the candidates (every target among them) or every order inside the widest period
    /// window (every target, plus the ineligible ones changed in the window).
    near: Vec<ListedOrder>,
    totals: BTreeMap<Channel, u64>,
}

impl Survey {
    fn counts(&self, filter: &ListFilter) -> VerdictCounts {
        let mut counts = VerdictCounts::default();
        let mut targets: BTreeMap<Channel, u64> = BTreeMap::new();
        for rules in &filter.rules {
            counts.by_channel.entry(rules.channel).or_default();
        }
        for row in &self.near {
            let channel = row.stored.order.channel;
            if matches!(row.evaluation.verdict, Verdict::Pending | Verdict::Failed) {
                counts.saw_pending(channel, row.stored.order.updated_at);
            }
            if row.evaluation.verdict != Verdict::Ineligible {
                counts.add(channel, row.evaluation.verdict, 1);
                *targets.entry(channel).or_default() += 1;
            }
        }
        // Whatever is not a target is ineligible, read or not.
        for (channel, total) in &self.totals {
            let targets = targets.get(channel).copied().unwrap_or(0);
            counts.add(*channel, Verdict::Ineligible, total.saturating_sub(targets));
        }
        counts
    }
}

impl Db {
    async fn fetch_rows(
        &self,
        w: &Where,
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
        let sql = format!(
            "SELECT {ORDER_COLUMNS} {ORDER_FROM} {} {NEWEST_FIRST} {tail}",
            w.sql()
        );
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

    async fn survey(&self, filter: &ListFilter, whole_window: bool) -> Result<Survey, DbError> {
        let base = Where::base(filter);
        // Without a search, the totals kept by triggers answer at once; a search must count.
        let per_channel: Vec<(String, i64)> = if filter.has_search() {
            let sql = format!(
                "SELECT o.channel, count(*) FROM orders o {} GROUP BY o.channel",
                base.sql()
            );
            with_pool!(self, pool => {
                bind_params!(sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql)), &base.params)
                    .fetch_all(pool)
                    .await?
            })
        } else {
            with_pool!(self, pool => {
                sqlx::query_as::<_, (String, i64)>("SELECT channel, n FROM order_totals")
                    .fetch_all(pool)
                    .await?
            })
        };
        let mut totals = BTreeMap::new();
        for (channel, n) in per_channel {
            let channel: Channel = channel
                .parse()
                .map_err(|e| DbError::Corrupt(format!("{e}")))?;
            if filter.rules_for(channel).is_some() {
                totals.insert(channel, u64::try_from(n).unwrap_or(0));
            }
        }
        let near_where = if whole_window {
            base.with(">=", filter.near_start())
                .with("<=", filter.as_of())
        } else {
            Where::candidates(filter)
        };
        let near = self.judge(filter, self.fetch_rows(&near_where, None, 0).await?)?;
        Ok(Survey { near, totals })
    }

    fn judge(&self, filter: &ListFilter, rows: Vec<OrderRow>) -> Result<Vec<ListedOrder>, DbError> {
        rows.into_iter()
            .map(|row| {
                let stored = StoredOrder::from_row(row)?;
                let rules = filter.rules_for(stored.order.channel).ok_or_else(|| {
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
    /// the plan of a sync run.
    pub async fn targets(&self, filter: &ListFilter) -> Result<Vec<ListedOrder>, DbError> {
        let survey = self.survey(filter, false).await?;
        Ok(survey
            .near
            .into_iter()
            .filter(|r| r.evaluation.verdict != Verdict::Ineligible)
            .collect())
    }

    /// The counts per verdict and channel.
    pub async fn verdict_counts(&self, filter: &ListFilter) -> Result<VerdictCounts, DbError> {
        Ok(self.survey(filter, false).await?.counts(filter))
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
        let survey = self.survey(filter, false).await?;
        let counts = survey.counts(filter);
        let mut waiting: Vec<&ListedOrder> = survey
            .near
            .iter()
            .filter(|r| matches!(r.evaluation.verdict, Verdict::Pending | Verdict::Failed))
            .collect();
        waiting.sort_by_key(|r| (r.stored.order.updated_at, r.stored.id));
        let oldest_first = waiting.into_iter();
        let failed = oldest_first
            .clone()
            .filter(|r| r.evaluation.verdict == Verdict::Failed)
            .take(limit)
            .map(|r| r.stored.order.number.clone())
            .collect();
        let stale = oldest_first
            .filter(|r| r.stored.order.updated_at < stale_before)
            .take(limit)
            .map(|r| r.stored.order.number.clone())
            .collect();
        let drifted = survey
            .near
            .iter()
            .filter(|r| r.evaluation.verdict == Verdict::Drift)
            .take(limit)
            .map(|r| r.stored.order.number.clone())
            .collect();
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
        // Only a page of ineligible orders needs every row of the window (to interleave them by
        // time with those outside it); everything else needs the candidates alone.
        let survey = self
            .survey(filter, filter.verdict == Some(Verdict::Ineligible))
            .await?;
        let counts = survey.counts(filter);
        let base = Where::base(filter);
        let (rows, matching) = match filter.verdict {
            None => {
                let rows = self.fetch_rows(&base, Some(limit), offset).await?;
                (self.judge(filter, rows)?, counts.all())
            }
            Some(Verdict::Ineligible) => {
                // Newest first, the ineligible orders are: those changed after as-of, then the
                // near ones the rules rejected, then those changed before the earliest window.
                let future = base.clone().with(">", filter.as_of());
                let past = base.with("<", filter.near_start());
                let near: Vec<ListedOrder> = survey
                    .near
                    .into_iter()
                    .filter(|r| r.evaluation.verdict == Verdict::Ineligible)
                    .collect();
                let future_count = self.count_where(&future).await?;
                let mut rows = Vec::new();
                let mut skip = offset;
                let mut want = limit;
                if skip < future_count {
                    let got = self
                        .fetch_rows(&future, Some(want.min(future_count - skip)), skip)
                        .await?;
                    want -= got.len() as u64;
                    rows.extend(self.judge(filter, got)?);
                    skip = 0;
                } else {
                    skip -= future_count;
                }
                let near_len = near.len() as u64;
                if want > 0 && skip < near_len {
                    let taken: Vec<ListedOrder> = near
                        .into_iter()
                        .skip(usize::try_from(skip).unwrap_or(usize::MAX))
                        .take(usize::try_from(want).unwrap_or(usize::MAX))
                        .collect();
                    want -= taken.len() as u64;
                    rows.extend(taken);
                    skip = 0;
                } else {
                    skip = skip.saturating_sub(near_len);
                }
                if want > 0 {
                    let got = self.fetch_rows(&past, Some(want), skip).await?;
                    rows.extend(self.judge(filter, got)?);
                }
                (rows, counts.total(Verdict::Ineligible))
            }
            Some(verdict) => {
                let matching: Vec<ListedOrder> = survey
                    .near
                    .into_iter()
                    .filter(|r| r.evaluation.verdict == verdict)
                    .collect();
                let total = matching.len() as u64;
                let rows = matching
                    .into_iter()
                    .skip(usize::try_from(offset).unwrap_or(usize::MAX))
                    .take(usize::try_from(limit).unwrap_or(usize::MAX))
                    .collect();
                (rows, total)
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
            let rows = self.fetch_rows(&w, Some(BATCH), 0).await?;
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
