//! Writing shipping information to the stores: one engine for every store, and the connector
//! trait each store implements. The engine plans with the pure rules, writes each pending order
//! through the connector, records what was sent and what the store said, and reports progress as
//! owned events that a screen or a log can follow.

mod engine;
pub mod holder;
pub mod mail;
pub mod pull;
pub mod read_ahead;
pub mod reconcile;

pub use crate::domain::connector::{
    Connector, Exchange, FailureKind, MailFailure, MailSent, PlannedWrite, StoreDown, StoreError,
    WriteFailure, WriteOutcome, WriteReport,
};
pub use engine::{
    OrderResult, PlanItem, PlanScope, ResultOutcome, RunReport, STOP_AFTER_UNREACHABLE, SyncEngine,
    SyncError, SyncEvent, SyncOptions, SyncPlan, stop_words,
};
