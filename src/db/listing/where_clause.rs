//! The WHERE clauses of the order listings, with their `$N` placeholders numbered as they are
//! added: the channels and the search, the candidates the rules narrow to, and the window a
//! stored standing counts in (see [`super::standing`]).

use chrono::{DateTime, Utc};
use unicode_normalization::UnicodeNormalization;

use super::ListFilter;
use crate::domain::{Narrowing, TargetWindow, Verdict};

#[derive(Debug, Clone)]
pub(super) enum Param {
    Text(String),
    Time(DateTime<Utc>),
    Int(i64),
}

/// Which order dates a span of a window takes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Ordered {
    /// Inside the one-year window (カラーミー), or any (Shopify).
    InYear,
    /// Before it: the orders a whole hour of the tally counted although the rule excludes them.
    TooOld,
}

/// A WHERE clause under construction, numbering its `$N` placeholders.
#[derive(Debug, Clone, Default)]
pub(super) struct Where {
    clauses: Vec<String>,
    pub(super) params: Vec<Param>,
}

impl Where {
    pub(super) fn placeholder(&mut self, param: Param) -> String {
        self.params.push(param);
        format!("${}", self.params.len())
    }

    pub(super) fn and(&mut self, clause: String) {
        self.clauses.push(clause);
    }

    pub(super) fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }

    /// Channels and search: the part of the filter that does not depend on the rules.
    pub(super) fn base(filter: &ListFilter) -> Where {
        let mut w = Where::default();
        // With every channel listed there is nothing to filter; leaving the clause out lets the
        // `updated_at` index serve "newest first" instead of sorting every order.
        if !filter.lists_every_channel() {
            let placeholders: Vec<String> = filter
                .rules
                .iter()
                .map(|r| w.placeholder(Param::Text(r.store.name().to_owned())))
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
    pub(super) fn candidates(filter: &ListFilter) -> Where {
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
        let window = &n.window;
        let span = (window.updated_from, window.updated_to, false);
        let mut terms = self.window_terms(window, None, span, Ordered::InYear);
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

    pub(super) fn with(mut self, op: &str, at: DateTime<Utc>) -> Where {
        let p = self.placeholder(Param::Time(at));
        self.and(format!("o.updated_at {op} {p}"));
        self
    }
}

pub(super) fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

macro_rules! bind_params {
    ($query:expr, $params:expr) => {{
        use $crate::db::listing::where_clause::Param;
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
pub(super) use bind_params;

impl Where {
    /// The terms of `window`'s channel and statuses: orders changed in `[from, to]` (`to`
    /// excluded when `open`), their order dates as `ordered` says, and — when `standings` are
    /// given — a kept standing among them.
    pub(super) fn window_terms(
        &mut self,
        window: &TargetWindow,
        standings: Option<&[Verdict]>,
        (from, to, open): (DateTime<Utc>, DateTime<Utc>, bool),
        ordered: Ordered,
    ) -> Vec<String> {
        let channel = self.placeholder(Param::Text(window.store.name().to_owned()));
        let mut terms = vec![format!("o.channel = {channel}")];
        if let Some(standings) = standings {
            let codes: Vec<String> = standings
                .iter()
                .map(|v| self.placeholder(Param::Text(v.code().to_owned())))
                .collect();
            terms.push(format!("o.standing IN ({})", codes.join(", ")));
        }
        if window.statuses.is_empty() {
            terms.push("1 = 0".into());
        } else {
            let statuses: Vec<String> = window
                .statuses
                .iter()
                .map(|s| self.placeholder(Param::Text(s.code().to_owned())))
                .collect();
            terms.push(format!("o.status IN ({})", statuses.join(", ")));
        }
        let from = self.placeholder(Param::Time(from));
        let to = self.placeholder(Param::Time(to));
        let below = if open { "<" } else { "<=" };
        terms.push(format!(
            "o.updated_at >= {from} AND o.updated_at {below} {to}"
        ));
        if let Some(ordered_from) = window.ordered_from {
            let p = self.placeholder(Param::Time(ordered_from));
            terms.push(match ordered {
                Ordered::InYear => format!("o.ordered_at >= {p}"),
                Ordered::TooOld => format!("o.ordered_at < {p}"),
            });
        }
        terms
    }

    /// One channel's orders inside its window whose stored standing is one of `standings`.
    pub(super) fn in_window(&mut self, window: &TargetWindow, standings: &[Verdict]) -> String {
        let span = (window.updated_from, window.updated_to, false);
        let terms = self.window_terms(window, Some(standings), span, Ordered::InYear);
        format!("({})", terms.join(" AND "))
    }

    /// A clause of [`Where::window_terms`] alone.
    pub(super) fn spanned(
        window: &TargetWindow,
        standings: &[Verdict],
        span: (DateTime<Utc>, DateTime<Utc>, bool),
        ordered: Ordered,
    ) -> Where {
        let mut w = Where::default();
        let terms = w.window_terms(window, Some(standings), span, ordered);
        w.and(terms.join(" AND "));
        w
    }

    /// The orders of the filter whose verdict is `verdict`, by their stored standings: inside a
    /// window with that standing, or (`ineligible`) anything else.
    pub(super) fn verdict(filter: &ListFilter, verdict: Verdict) -> Where {
        let mut w = Where::base(filter);
        let targets: Vec<Verdict> = Verdict::ALL
            .into_iter()
            .filter(|v| *v != Verdict::Ineligible)
            .collect();
        let standings = if verdict == Verdict::Ineligible {
            targets.as_slice()
        } else {
            std::slice::from_ref(&verdict)
        };
        let per_channel: Vec<String> = filter
            .rules
            .iter()
            .map(|r| w.in_window(&r.window(), standings))
            .collect();
        let any = format!("({})", per_channel.join(" OR "));
        if verdict == Verdict::Ineligible {
            // A standing not judged yet (NULL) makes the condition unknown: COALESCE keeps such
            // a row out of the target side instead of out of both.
            w.and(format!("NOT COALESCE({any}, FALSE)"));
        } else {
            w.and(any);
        }
        w
    }
}
