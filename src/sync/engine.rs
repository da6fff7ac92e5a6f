//! One sync run of one store: plan with the rules, write each pending order through the store's
//! connector, record every request and answer, report progress. Orchestration only: the rules
//! decide, the connector talks to the store, the database remembers.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::holder;
use crate::domain::connector::{
    Connector, FailureKind, PlannedWrite, StoreDown, WriteFailure, WriteOutcome, WriteReport,
};

mod write;
use crate::db::{Db, DbError, ListFilter, ListedOrder, RunCounts, StoredOrder};
use crate::domain::job::{JobKind, Trigger};
use crate::domain::{Cause, ChannelRules, Evaluation, ShippingWrite, Store, Verdict};

/// Orders whose reads a connector may take at once before writing them (カラーミー's page size).
const READ_AHEAD: usize = 100;

/// Until when a claim is shown to last. Liveness is judged by the holder's heartbeat (a claim of
/// a live instance is never taken, a dead one's is taken once its heartbeat ran out); this time
/// only bounds claims written before instances existed.
pub(crate) const CLAIM_TIME: chrono::Duration = chrono::Duration::minutes(5);

/// How a run was asked for, and by whom.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Send nothing; report exactly what would be sent.
    pub dry_run: bool,
    /// `manual`, `schedule`, `watch` or `cli`: kept with the run.
    pub trigger: Trigger,
    /// The machine (and user) running it, for the audit trail.
    pub host: String,
}

/// Progress of a run, for a screen or a log. Owned, so it can cross to any task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncEvent {
    RunStarted {
        channel: Store,
        run_id: i64,
        planned: usize,
        dry_run: bool,
    },
    OrderStarted {
        number: String,
    },
    OrderWritten {
        number: String,
        outcome: WriteOutcome,
    },
    /// Nothing to send: already synced, or waiting for a tracking number.
    OrderSkipped {
        number: String,
        verdict: Verdict,
    },
    WouldWrite {
        number: String,
        request: String,
        /// The same, in plain terms.
        planned: PlannedWrite,
    },
    OrderFailed {
        number: String,
        error: String,
        cause: Cause,
    },
    RunFinished {
        report: RunReport,
    },
}

/// What happened to one order in a run (SPEC §3, `sync --json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultOutcome {
    Fulfilled,
    TrackingUpdated,
    SlipUpdated,
    Delivered,
    AlreadySynced,
    Waiting,
    Failed,
    WouldWrite,
    /// The run was cancelled before this order's turn; it is still pending.
    NotReached,
}

impl From<WriteOutcome> for ResultOutcome {
    fn from(o: WriteOutcome) -> ResultOutcome {
        match o {
            WriteOutcome::Fulfilled => ResultOutcome::Fulfilled,
            WriteOutcome::TrackingUpdated => ResultOutcome::TrackingUpdated,
            WriteOutcome::SlipUpdated => ResultOutcome::SlipUpdated,
            WriteOutcome::Delivered => ResultOutcome::Delivered,
            WriteOutcome::AlreadySynced => ResultOutcome::AlreadySynced,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderResult {
    pub number: String,
    pub outcome: ResultOutcome,
    pub detail: String,
    /// Why it failed (`failed` only), as a kind, for the words and the advice. Not in
    /// `sync --json`: SPEC §3 gives each result exactly `number`, `outcome` and `detail`.
    #[serde(skip)]
    pub cause: Option<Cause>,
}

/// Orders in a row that could not reach the store before a run stops: with each request's
/// own retries (about 30 s), three orders are a minute and a half of a store that is down,
/// not 300 orders × 86 s.
pub const STOP_AFTER_UNREACHABLE: u32 = 3;

/// What a run stopped by the store says of the orders it did not reach.
pub fn stop_words(down: StoreDown) -> &'static str {
    match down {
        StoreDown::Unreachable => {
            "not reached: the store could not be reached for 3 orders in a row; the run stopped"
        }
        StoreDown::TokenRejected => {
            "not reached: the store refused the access token; the run stopped"
        }
    }
}

/// The whole run, in the shape of SPEC §3's `sync --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunReport {
    pub channel: Store,
    pub dry_run: bool,
    /// Targets looked at (every verdict but ineligible).
    pub considered: u64,
    /// Targets that needed a write when the run was planned (pending or failed).
    pub pending: u64,
    pub written: u64,
    pub already_synced: u64,
    pub waiting: u64,
    pub failed: u64,
    /// Orders written whose shipping mail the store refused (not sent; the operator decides).
    pub mail_refused: u64,
    /// Why the run stopped early because of the store (unreached orders stay pending).
    pub stopped: Option<StoreDown>,
    /// Orders in a row the store could not be reached for (the run stops at
    /// [`STOP_AFTER_UNREACHABLE`]); an answer of any kind resets it.
    #[serde(skip)]
    pub unreachable_streak: u32,
    /// True when the run stopped early on request; unreached orders stay pending.
    pub cancelled: bool,
    /// Who asked it to stop, when an operator did from any console (`x`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped_by: Option<String>,
    pub results: Vec<OrderResult>,
}

impl RunReport {
    /// What the run did, in the counts every summary says.
    pub fn counts(&self) -> RunCounts {
        RunCounts {
            considered: self.considered,
            written: self.written,
            already_synced: self.already_synced,
            waiting: self.waiting,
            failed: self.failed,
        }
    }

    fn push(&mut self, number: &str, outcome: ResultOutcome, detail: String) {
        self.results.push(OrderResult {
            number: number.to_owned(),
            outcome,
            detail,
            cause: None,
        });
    }

    fn push_failed(&mut self, number: &str, cause: Cause, detail: String) {
        self.failed += 1;
        self.results.push(OrderResult {
            number: number.to_owned(),
            outcome: ResultOutcome::Failed,
            detail,
            cause: Some(cause),
        });
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Db(#[from] DbError),
    /// The database failed in the middle of a run, after `written` orders were written to the
    /// store (and recorded): not "nothing was changed" (issue 23).
    #[error(
        "the run stopped after writing {written} order(s) to the store: {source}; what was \
         written is recorded, the rest was not sent — run it again when the database answers"
    )]
    Stopped { written: u64, source: DbError },
    #[error("the rules are for {rules} but the connector writes to {connector}")]
    WrongChannel { rules: Store, connector: Store },
}

impl From<SyncError> for crate::domain::Problem {
    /// Every way a run fails as a whole is hassou's database (or its own configuration).
    fn from(e: SyncError) -> crate::domain::Problem {
        crate::domain::Problem::database(e)
    }
}

/// Which orders a plan covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanScope {
    /// Every order that needs a write (pending, and failed ones tried again).
    Pending,
    /// Only the failed ones, tried again.
    Failed,
    /// One order, by its database id.
    Order(i64),
}

/// One order of a plan: exactly what will be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanItem {
    pub order_id: i64,
    pub number: String,
    /// Its last attempt failed: this is a retry.
    pub retry: bool,
    pub wanted: ShippingWrite,
    pub planned: PlannedWrite,
}

/// A run shown to the operator before anything is sent: the orders and their exact values.
/// Confirmed, it is run as it is: an order whose values changed since is not written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncPlan {
    pub channel: Store,
    pub scope_order: Option<i64>,
    pub items: Vec<PlanItem>,
    /// Targets with nothing to send (synced or waiting), for the operator's count.
    pub nothing_to_send: usize,
}

impl SyncPlan {
    /// Customer notifications (Shopify) or 商品発送 mails (カラーミー) the run would send.
    pub fn notifications(&self) -> usize {
        self.items.iter().filter(|i| i.planned.notifies).count()
    }
}

/// Runs syncs of one store.
pub struct SyncEngine<'a, C> {
    db: &'a Db,
    connector: &'a C,
    now: fn() -> DateTime<Utc>,
}

impl<'a, C: Connector> SyncEngine<'a, C> {
    pub fn new(db: &'a Db, connector: &'a C) -> SyncEngine<'a, C> {
        SyncEngine {
            db,
            connector,
            now: Utc::now,
        }
    }

    /// Uses another clock for the records (tests, `HASSOU_NOW`).
    pub fn with_clock(mut self, now: fn() -> DateTime<Utc>) -> SyncEngine<'a, C> {
        self.now = now;
        self
    }

    fn check_channel(&self, rules: &ChannelRules) -> Result<Store, SyncError> {
        let channel = self.connector.store();
        if rules.store != channel {
            return Err(SyncError::WrongChannel {
                rules: rules.store,
                connector: channel,
            });
        }
        Ok(channel)
    }

    /// What a run would send now, order by order, sending nothing and recording nothing.
    pub async fn plan(&self, rules: ChannelRules, scope: PlanScope) -> Result<SyncPlan, SyncError> {
        let channel = self.check_channel(&rules)?;
        let rows = self.db.targets(&ListFilter::new(vec![rules])).await?;
        let mut plan = SyncPlan {
            channel,
            scope_order: match scope {
                PlanScope::Order(id) => Some(id),
                _ => None,
            },
            items: Vec::new(),
            nothing_to_send: 0,
        };
        for row in rows {
            let in_scope = match scope {
                PlanScope::Pending => true,
                PlanScope::Failed => row.evaluation.verdict == Verdict::Failed,
                PlanScope::Order(id) => row.stored.id == id,
            };
            if !in_scope {
                continue;
            }
            match (row.evaluation.verdict, row.evaluation.write) {
                (Verdict::Pending | Verdict::Failed, Some(wanted)) => plan.items.push(PlanItem {
                    order_id: row.stored.id,
                    number: row.stored.order.number.clone(),
                    retry: row.evaluation.verdict == Verdict::Failed,
                    planned: self.connector.planned(&row.stored, &wanted),
                    wanted,
                }),
                _ => plan.nothing_to_send += 1,
            }
        }
        Ok(plan)
    }

    /// Runs a plan the operator confirmed: only its orders, and each only while it still wants
    /// exactly the values confirmed (an order changed since is left pending, with the reason).
    pub async fn run_plan(
        &self,
        rules: ChannelRules,
        plan: &SyncPlan,
        options: &SyncOptions,
        events: Option<&UnboundedSender<SyncEvent>>,
        cancel: &CancellationToken,
    ) -> Result<RunReport, SyncError> {
        self.check_channel(&rules)?;
        let confirmed: HashMap<i64, ShippingWrite> = plan
            .items
            .iter()
            .map(|i| (i.order_id, i.wanted.clone()))
            .collect();
        let mut rows = self.db.targets(&ListFilter::new(vec![rules])).await?;
        rows.retain(|r| confirmed.contains_key(&r.stored.id));
        let mut report = self
            .run_rows(rules, rows, Some(&confirmed), options, events, cancel)
            .await?;
        // Confirmed orders that are no longer targets at all (an edit moved them out). A set,
        // so a plan of many thousand orders is not checked against every result in turn.
        let reached: std::collections::HashSet<String> =
            report.results.iter().map(|r| r.number.clone()).collect();
        for item in &plan.items {
            if !reached.contains(&item.number) {
                report.push(
                    &item.number,
                    ResultOutcome::NotReached,
                    "no longer a target: nothing sent".into(),
                );
            }
        }
        Ok(report)
    }

    /// One run. Cancelling stops it between orders: the order in flight is finished and
    /// recorded, the rest stay pending, and nothing is lost.
    pub async fn run(
        &self,
        rules: ChannelRules,
        options: &SyncOptions,
        events: Option<&UnboundedSender<SyncEvent>>,
        cancel: &CancellationToken,
    ) -> Result<RunReport, SyncError> {
        self.check_channel(&rules)?;
        let plan = self.db.targets(&ListFilter::new(vec![rules])).await?;
        self.run_rows(rules, plan, None, options, events, cancel)
            .await
    }

    async fn run_rows(
        &self,
        rules: ChannelRules,
        plan: Vec<ListedOrder>,
        confirmed: Option<&HashMap<i64, ShippingWrite>>,
        options: &SyncOptions,
        events: Option<&UnboundedSender<SyncEvent>>,
        cancel: &CancellationToken,
    ) -> Result<RunReport, SyncError> {
        let channel = rules.store;
        let emit = |event: SyncEvent| {
            if let Some(tx) = events {
                // A closed screen must not stop the run.
                let _ = tx.send(event);
            }
        };
        let run_id = self
            .db
            .start_run(
                channel,
                JobKind::Sync,
                options.trigger,
                options.dry_run,
                &options.host,
                (self.now)(),
            )
            .await?;
        let holder = self.db.instance().await?.holder(&format!("run{run_id}"));
        let mut report = RunReport {
            channel,
            dry_run: options.dry_run,
            considered: plan.len() as u64,
            pending: plan
                .iter()
                .filter(|r| matches!(r.evaluation.verdict, Verdict::Pending | Verdict::Failed))
                .count() as u64,
            written: 0,
            already_synced: 0,
            waiting: 0,
            failed: 0,
            mail_refused: 0,
            stopped: None,
            unreachable_streak: 0,
            cancelled: false,
            stopped_by: None,
            results: Vec::new(),
        };
        let started = (self.now)();
        emit(SyncEvent::RunStarted {
            channel,
            run_id,
            planned: plan.len(),
            dry_run: options.dry_run,
        });
        let mut read_ahead_from = 0;
        for (index, row) in plan.iter().enumerate() {
            if !options.dry_run
                && index >= read_ahead_from
                && report.stopped.is_none()
                && !cancel.is_cancelled()
            {
                read_ahead_from = index + READ_AHEAD;
                let writes: Vec<&StoredOrder> = plan[index..plan.len().min(read_ahead_from)]
                    .iter()
                    .filter(|r| {
                        matches!(r.evaluation.verdict, Verdict::Pending | Verdict::Failed)
                            && r.evaluation.write.is_some()
                    })
                    .map(|r| &r.stored)
                    .collect();
                if !writes.is_empty() {
                    self.connector.prefetch(&writes).await;
                }
            }
            let number = row.stored.order.number.as_str();
            let wanted = match (row.evaluation.verdict, &row.evaluation.write) {
                (Verdict::Synced, _) => {
                    report.already_synced += 1;
                    report.push(number, ResultOutcome::AlreadySynced, String::new());
                    emit(SyncEvent::OrderSkipped {
                        number: number.to_owned(),
                        verdict: Verdict::Synced,
                    });
                    continue;
                }
                (Verdict::Waiting, _) | (_, None) => {
                    report.waiting += 1;
                    report.push(number, ResultOutcome::Waiting, String::new());
                    emit(SyncEvent::OrderSkipped {
                        number: number.to_owned(),
                        verdict: Verdict::Waiting,
                    });
                    continue;
                }
                (_, Some(wanted)) => wanted,
            };
            if let Some(down) = report.stopped {
                report.push(number, ResultOutcome::NotReached, stop_words(down).into());
                continue;
            }
            // An operator may ask any run of this store to stop, from any console (issue 20).
            if !options.dry_run
                && !report.cancelled
                && let Some(who) = self.db.stop_asked_since(channel, started).await?
            {
                tracing::info!(store = %channel, by = %who, "run stopped on request");
                report.stopped_by = Some(who);
                report.cancelled = true;
            }
            if report.cancelled || cancel.is_cancelled() {
                report.cancelled = true;
                report.push(number, ResultOutcome::NotReached, "run cancelled".into());
                continue;
            }
            let request = self.connector.preview(&row.stored, wanted);
            if options.dry_run {
                report.push(number, ResultOutcome::WouldWrite, request.clone());
                emit(SyncEvent::WouldWrite {
                    number: number.to_owned(),
                    request,
                    planned: self.connector.planned(&row.stored, wanted),
                });
                continue;
            }
            emit(SyncEvent::OrderStarted {
                number: number.to_owned(),
            });
            let expected = confirmed.and_then(|c| c.get(&row.stored.id));
            if let Err(e) = self
                .claimed_write(&rules, &holder, run_id, row, expected, &mut report, &emit)
                .await
            {
                return Err(match e {
                    SyncError::Db(source) if report.written > 0 => SyncError::Stopped {
                        written: report.written,
                        source,
                    },
                    other => other,
                });
            }
        }
        let outcome = if report.stopped.is_some() {
            "stopped"
        } else if report.cancelled {
            "cancelled"
        } else {
            "completed"
        };
        let stopped_by = report
            .stopped_by
            .as_ref()
            .map(|who| format!("stopped on request by {who}"));
        let error = report.stopped.map(stop_words).or(stopped_by.as_deref());
        self.db
            .finish_run(run_id, outcome, report.counts(), error, (self.now)())
            .await?;
        emit(SyncEvent::RunFinished {
            report: report.clone(),
        });
        Ok(report)
    }
}
