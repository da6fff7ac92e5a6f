//! The eligibility rules of both stores (SPEC §2, seeds 000_c79503eeb2ac93e3 for Shopify and
//! 003_b31dfce307c90554 for カラーミー) and the verdict of every order. Pure: no I/O, no clock —
//! the "as of" instant comes in.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::channel::Channel;
use super::order::{Order, RemoteState, ShippingWrite};
use super::period::{Period, ShopTimeZone, one_year_after, one_year_before, period_start};
use super::status::OrderStatus;
use super::store::Store;
use super::tracking::Tracking;

/// Shopify's export-status option (API書出).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum StatusOption {
    /// 【処理済み】のみ: only `processed` orders (the default).
    #[default]
    #[serde(rename = "processed")]
    ProcessedOnly,
    /// 【処理済み】以外も書き出す: every status but `new` and `cancelled`.
    #[serde(rename = "all-but-new-cancelled")]
    AllButNewCancelled,
}

impl StatusOption {
    pub fn code(self) -> &'static str {
        match self {
            StatusOption::ProcessedOnly => "processed",
            StatusOption::AllButNewCancelled => "all-but-new-cancelled",
        }
    }

    fn admits(self, status: OrderStatus) -> bool {
        match self {
            StatusOption::ProcessedOnly => status == OrderStatus::Processed,
            StatusOption::AllButNewCancelled => !new_or_cancelled(status),
        }
    }
}

impl fmt::Display for StatusOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown status option {0:?} (expected processed or all-but-new-cancelled)")]
pub struct UnknownStatusOption(pub String);

impl FromStr for StatusOption {
    type Err = UnknownStatusOption;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "processed" | "【処理済み】のみ" => Ok(StatusOption::ProcessedOnly),
            "all-but-new-cancelled" | "【処理済み】以外も書き出す" => {
                Ok(StatusOption::AllButNewCancelled)
            }
            _ => Err(UnknownStatusOption(s.to_owned())),
        }
    }
}

fn new_or_cancelled(status: OrderStatus) -> bool {
    matches!(status, OrderStatus::New | OrderStatus::Cancelled)
}

/// The rule settings of one channel (SPEC §3 operational settings that affect eligibility).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleSettings {
    pub period: Period,
    /// Shopify only.
    pub statuses: StatusOption,
    /// カラーミー only: 出荷日が入力された注文のみ「配送済み」に更新.
    pub shipped_date_only: bool,
}

impl Default for RuleSettings {
    fn default() -> Self {
        RuleSettings {
            period: Period::DEFAULT,
            statuses: StatusOption::ProcessedOnly,
            shipped_date_only: true,
        }
    }
}

/// Why an order is not a target. Declared in the order SPEC §2 lists them, which is the order
/// they are reported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// An operator held the order (`order N hold`, `h`): never written until released.
    Held,
    Status,
    BundleChild,
    TooOld,
    OutsidePeriod,
    NoShippedDate,
    NoTracking,
}

impl Reason {
    pub const ALL: [Reason; 7] = [
        Reason::Held,
        Reason::Status,
        Reason::BundleChild,
        Reason::TooOld,
        Reason::OutsidePeriod,
        Reason::NoShippedDate,
        Reason::NoTracking,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Reason::Held => "held",
            Reason::Status => "status",
            Reason::BundleChild => "bundle_child",
            Reason::TooOld => "too_old",
            Reason::OutsidePeriod => "outside_period",
            Reason::NoShippedDate => "no_shipped_date",
            Reason::NoTracking => "no_tracking",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Exactly one per order, channel and settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// A target, and what would be written differs from what the store last confirmed.
    Pending,
    /// A target, and the store already has exactly these values.
    Synced,
    /// A target with nothing to write yet (カラーミー, no tracking).
    Waiting,
    /// A target whose last attempt with the current values failed.
    Failed,
    /// Not a target; the reasons say why.
    Ineligible,
    /// A target whose store changed behind hassou (found by `hassou reconcile`): never written
    /// until the operator settles it (`order N resolve`).
    Drift,
}

impl Verdict {
    pub const ALL: [Verdict; 6] = [
        Verdict::Pending,
        Verdict::Synced,
        Verdict::Waiting,
        Verdict::Failed,
        Verdict::Ineligible,
        Verdict::Drift,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Verdict::Pending => "pending",
            Verdict::Synced => "synced",
            Verdict::Waiting => "waiting",
            Verdict::Failed => "failed",
            Verdict::Ineligible => "ineligible",
            Verdict::Drift => "drift",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown verdict {0:?} (expected pending, synced, waiting, failed, ineligible or drift)")]
pub struct UnknownVerdict(pub String);

impl FromStr for Verdict {
    type Err = UnknownVerdict;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Verdict::ALL
            .into_iter()
            .find(|v| v.code() == s.trim())
            .ok_or_else(|| UnknownVerdict(s.to_owned()))
    }
}

/// The verdict of one order, with everything needed to explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub verdict: Verdict,
    /// Every reason that applies when ineligible; empty otherwise.
    pub reasons: Vec<Reason>,
    /// カラーミー: whether this sync marks the sale 配送済み. `None` for Shopify.
    pub delivered: Option<bool>,
    /// What a sync would write (for `pending` and `failed`), or does hold (`synced`).
    pub write: Option<ShippingWrite>,
    /// The store's error, for `failed`.
    pub error: Option<String>,
    /// Why it failed, for `failed`.
    pub cause: Option<super::Cause>,
}

/// Conditions that every target of a channel meets, for the database to narrow the candidates
/// with. Necessary, not sufficient: every candidate is still judged by [`ChannelRules::evaluate`],
/// and an order that fails them is certainly ineligible. Derived from the rules below, and tested
/// against them, so the rules stay in one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Narrowing {
    /// The window every target lies in.
    pub window: TargetWindow,
    pub needs_shipped_on: bool,
    pub needs_tracking: bool,
    pub excludes_bundle_children: bool,
}

impl Narrowing {
    /// Whether `order` meets every condition (the in-memory twin of the SQL the database runs).
    pub fn admits(&self, order: &Order) -> bool {
        self.window.admits(order)
            && (!self.needs_shipped_on || order.shipped_on.is_some())
            && (!self.needs_tracking || !order.tracking.is_empty())
            && (!self.excludes_bundle_children || !order.is_bundle_child())
    }
}

/// What a target meets that the clock or a setting decides, on the order's own columns: a
/// status the settings admit, a last change inside the period window, and (カラーミー) an order
/// date inside the year. An order is a target exactly when its channel's window admits it and
/// its [`standing`] is not `ineligible`; its verdict is then its standing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetWindow {
    pub store: Store,
    pub statuses: Vec<OrderStatus>,
    pub updated_from: DateTime<Utc>,
    pub updated_to: DateTime<Utc>,
    pub ordered_from: Option<DateTime<Utc>>,
}

impl TargetWindow {
    /// Whether `order` lies inside (the in-memory twin of the SQL the database runs).
    pub fn admits(&self, order: &Order) -> bool {
        order.store == self.store
            && self.statuses.contains(&order.status)
            && order.updated_at >= self.updated_from
            && order.updated_at <= self.updated_to
            && self
                .ordered_from
                .is_none_or(|from| order.ordered_at >= from)
    }

    /// The verdict of an order whose standing is `standing`.
    pub fn verdict(&self, order: &Order, standing: Verdict) -> Verdict {
        if self.admits(order) {
            standing
        } else {
            Verdict::Ineligible
        }
    }
}

/// The rules of one channel at one instant: the windows are computed once and every order of
/// the channel is judged against them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelRules {
    /// Whose orders these rules judge; its channel says which rules.
    pub store: Store,
    pub settings: RuleSettings,
    pub as_of: DateTime<Utc>,
    /// First instant inside the period window.
    pub period_start: DateTime<Utc>,
    /// First instant inside the one-year window (カラーミー).
    pub one_year_start: DateTime<Utc>,
    pub timezone: ShopTimeZone,
}

impl ChannelRules {
    pub fn new(
        store: Store,
        settings: RuleSettings,
        as_of: DateTime<Utc>,
        tz: ShopTimeZone,
    ) -> ChannelRules {
        ChannelRules {
            store,
            settings,
            as_of,
            period_start: period_start(as_of, settings.period, tz),
            one_year_start: one_year_before(as_of, tz),
            timezone: tz,
        }
    }

    /// The next instant after as-of at which this channel's window moves past an order: the
    /// shop's next midnight (the period's first day moves on), or the instant the order dated
    /// `earliest_ordered` (the oldest order date among the window's targets) turns a year old.
    /// A screen reads its counts again then, so no verdict is shown stale by the clock.
    pub fn next_change(&self, earliest_ordered: Option<DateTime<Utc>>) -> DateTime<Utc> {
        let midnight =
            self.period_start + chrono::Duration::days(i64::from(self.settings.period.days()) + 1);
        let year_old = earliest_ordered
            .filter(|_| self.store.channel() == Channel::Colorme)
            .map(|ordered| one_year_after(ordered, self.timezone))
            .filter(|at| *at > self.as_of);
        year_old.map_or(midnight, |at| at.min(midnight))
    }

    /// Whether a last change at `updated_at` lies inside the period window. Orders outside it
    /// are ineligible in every channel, which is what lets the database narrow the candidates.
    pub fn in_period(&self, updated_at: DateTime<Utc>) -> bool {
        updated_at >= self.period_start && updated_at <= self.as_of
    }

    /// What every target of this channel meets (see [`Narrowing`]).
    pub fn narrowing(&self) -> Narrowing {
        let shopify = self.store.channel() == Channel::Shopify;
        Narrowing {
            window: self.window(),
            needs_shipped_on: shopify,
            needs_tracking: shopify,
            excludes_bundle_children: !shopify,
        }
    }

    /// What every target of this channel meets that the clock or a setting decides: the
    /// database tests it on the order's own columns (see [`TargetWindow`]).
    pub fn window(&self) -> TargetWindow {
        let statuses = OrderStatus::ALL
            .into_iter()
            .filter(|s| match self.store.channel() {
                Channel::Shopify => self.settings.statuses.admits(*s),
                Channel::Colorme => !new_or_cancelled(*s),
            })
            .collect();
        TargetWindow {
            store: self.store,
            statuses,
            updated_from: self.period_start,
            updated_to: self.as_of,
            ordered_from: (self.store.channel() == Channel::Colorme).then_some(self.one_year_start),
        }
    }

    /// Every reason the order is not a target, in SPEC order; empty when it is a target.
    pub fn ineligibility(&self, order: &Order) -> Vec<Reason> {
        let mut reasons = self.windowed_reasons(order);
        reasons.extend(timeless_reasons(self.store.channel(), order));
        // The enum is declared in SPEC order, which is the order reasons are reported in.
        reasons.sort();
        reasons
    }

    /// The reasons that the clock or the status option decide (what [`TargetWindow`] tests).
    fn windowed_reasons(&self, order: &Order) -> Vec<Reason> {
        let mut reasons = Vec::new();
        match self.store.channel() {
            // Seed 000 (Shopify) 書出し対象: 【5】で指定をしたステータスにある下記条件を満たした注文
            // ・受注更新日時がデータ書出画面の作成期間内の注文
            Channel::Shopify => {
                if !self.settings.statuses.admits(order.status) {
                    reasons.push(Reason::Status);
                }
            }
            // Seed 003 (カラーミー) 書出し対象: 「新規受付」「キャンセル」ステータス以外の下記条件を満たした注文
            // ・注文日が1年以内かつ、最終更新日がデータ書出の作成期間内の注文
            Channel::Colorme => {
                if new_or_cancelled(order.status) {
                    reasons.push(Reason::Status);
                }
                if order.ordered_at < self.one_year_start {
                    reasons.push(Reason::TooOld);
                }
            }
        }
        if !self.in_period(order.updated_at) {
            reasons.push(Reason::OutsidePeriod);
        }
        reasons
    }

    /// What a sync would write for a target, or `None` when there is nothing to write yet.
    pub fn wanted_write(&self, order: &Order) -> Option<ShippingWrite> {
        wanted_write(self.store.channel(), &self.settings, order)
    }

    /// The verdict of one order, given what its store holds.
    pub fn evaluate(&self, order: &Order, remote: &RemoteState) -> Evaluation {
        conclude(
            self.store.channel(),
            &self.settings,
            order,
            remote,
            self.ineligibility(order),
        )
    }
}

/// The reasons that depend on the order's values alone (never on the clock or a setting).
fn timeless_reasons(channel: Channel, order: &Order) -> Vec<Reason> {
    let mut reasons = Vec::new();
    match channel {
        // Seed 000 (Shopify): ・「出荷日」「伝票番号」が入力済みの注文
        Channel::Shopify => {
            if order.shipped_on.is_none() {
                reasons.push(Reason::NoShippedDate);
            }
            if order.tracking.is_empty() {
                reasons.push(Reason::NoTracking);
            }
        }
        // Seed 003 (カラーミー): ・同梱ではない注文または同梱の親注文
        Channel::Colorme => {
            if order.is_bundle_child() {
                reasons.push(Reason::BundleChild);
            }
        }
    }
    reasons
}

/// The verdict an order has whenever its channel's [`TargetWindow`] admits it: what the database
/// keeps per order (issue 24), so that counts and pages are an indexed query instead of a judge
/// of every order in the window. It depends on the order's values, what its store holds, the
/// hold, the drift and (カラーミー) the 出荷日 option — never on the clock, the period or the
/// status option. `ineligible` here means ineligible whatever the window says.
pub fn standing(
    channel: Channel,
    settings: &RuleSettings,
    order: &Order,
    remote: &RemoteState,
) -> Verdict {
    conclude(
        channel,
        settings,
        order,
        remote,
        timeless_reasons(channel, order),
    )
    .verdict
}

/// The verdict, given every reason the order is not a target.
fn conclude(
    channel: Channel,
    settings: &RuleSettings,
    order: &Order,
    remote: &RemoteState,
    mut reasons: Vec<Reason>,
) -> Evaluation {
    // A hold comes first: whatever else holds, the operator said "not this one".
    if remote.hold.is_some() {
        reasons.insert(0, Reason::Held);
    }
    let is_target = reasons.is_empty();
    let delivered = match channel {
        Channel::Shopify => None,
        Channel::Colorme => Some(is_target && colorme_delivered(order, settings.shipped_date_only)),
    };
    let unwritten = |verdict, reasons| Evaluation {
        verdict,
        reasons,
        delivered,
        write: None,
        error: None,
        cause: None,
    };
    if !is_target {
        return unwritten(Verdict::Ineligible, reasons);
    }
    if remote.drift.is_some() {
        // The store changed behind hassou: nothing is written until the operator settles it.
        return unwritten(Verdict::Drift, reasons);
    }
    let Some(wanted) = wanted_write(channel, settings, order) else {
        return unwritten(Verdict::Waiting, reasons);
    };
    let (verdict, failure) = if remote
        .confirmed
        .as_ref()
        .is_some_and(|held| held.covers(&wanted))
    {
        (Verdict::Synced, None)
    } else {
        match &remote.last_failure {
            Some(failure) if failure.write == wanted => (Verdict::Failed, Some(failure)),
            _ => (Verdict::Pending, None),
        }
    };
    Evaluation {
        verdict,
        reasons,
        delivered,
        write: Some(wanted),
        error: failure.map(|f| f.error.clone()),
        cause: failure.map(|f| f.cause),
    }
}

/// What a sync would write for a target, or `None` when there is nothing to write yet.
fn wanted_write(channel: Channel, settings: &RuleSettings, order: &Order) -> Option<ShippingWrite> {
    if order.tracking.is_empty() {
        return None;
    }
    let write = match channel {
        // 更新される項目: 伝票番号, 配送会社. Free text goes as the number with no company.
        Channel::Shopify => ShippingWrite::Shopify {
            tracking: order.tracking.values(),
            carrier: match order.tracking {
                Tracking::FreeText(_) => None,
                _ => order.carrier.clone(),
            },
        },
        // 更新される項目: 伝票番号, 「配送済み」に更新をするか否か.
        Channel::Colorme => ShippingWrite::Colorme {
            slips: order.tracking.values(),
            delivered: colorme_delivered(order, settings.shipped_date_only),
        },
    };
    Some(write)
}

/// カラーミー 配送済み decision (seed 003):
/// - option ON: 伝票番号と出荷日が入っていれば配送済みにする; otherwise not.
/// - option OFF: 伝票番号が入っていれば配送済みにする; otherwise not.
pub fn colorme_delivered(order: &Order, shipped_date_only: bool) -> bool {
    let has_tracking = !order.tracking.is_empty();
    if shipped_date_only {
        has_tracking && order.shipped_on.is_some()
    } else {
        has_tracking
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod standing_tests;
