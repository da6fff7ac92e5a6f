//! A shipping mail sent by hand: the one way a mail the store refused during a sync goes out
//! (`hassou order N send-mail --yes`, the console's `m` in the detail, after its question). It is
//! never sent when one was sent, or perhaps sent, before; the request and the store's answer go
//! to the order's audit trail, and what came of it to the order's state.

use chrono::{DateTime, Utc};

use super::{Connector, MailSent};
use crate::db::{Db, DbError, RunCounts, StoredOrder};
use crate::domain::job::{JobKind, Trigger};

/// What came of it, in words for the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailOutcome {
    Sent,
    /// The answer was lost or could not be read: recorded as perhaps sent, never sent again.
    PerhapsSent(String),
    /// Not sent: the store's words. `unreachable`: it could not be reached at all.
    NotSent {
        message: String,
        unreachable: bool,
    },
    /// Refused before anything was sent: it went (or perhaps went) already.
    AlreadySent(DateTime<Utc>),
    /// Not sent: the store says the mail went already (perhaps on an answer hassou could not
    /// read); now recorded.
    StoreSaysSent,
    /// Not sent: another process is writing this order now.
    Busy,
}

/// Sends the order's shipping mail now and records it; `host` and `trigger` go to the trail.
/// The order is claimed first, as a write is, and read again under the claim; the connector
/// reads the sale and sends only when the store does not say it was sent.
pub async fn send_now<C: Connector>(
    db: &Db,
    connector: &C,
    order: &StoredOrder,
    trigger: Trigger,
    host: &str,
    now: DateTime<Utc>,
) -> Result<MailOutcome, DbError> {
    let channel = order.order.store;
    let instance = db.instance().await?;
    let holder = instance.holder("send-mail");
    let claimed_at = Utc::now();
    if !db
        .claim_order(
            order.id,
            channel,
            &holder,
            claimed_at,
            claimed_at + super::engine::CLAIM_TIME,
        )
        .await?
    {
        return Ok(MailOutcome::Busy);
    }
    let outcome = match db.order_by_id(order.id).await? {
        Some(current) => send_claimed(db, connector, &current, trigger, host, now).await,
        None => Ok(MailOutcome::NotSent {
            message: "the order was deleted".into(),
            unreachable: false,
        }),
    };
    db.release_order(order.id, channel, &holder).await?;
    outcome
}

async fn send_claimed<C: Connector>(
    db: &Db,
    connector: &C,
    order: &StoredOrder,
    trigger: Trigger,
    host: &str,
    now: DateTime<Utc>,
) -> Result<MailOutcome, DbError> {
    if let Some(at) = order.remote.mail_sent_at {
        return Ok(MailOutcome::AlreadySent(at));
    }
    let channel = order.order.store;
    let run = db
        .start_run(channel, JobKind::Sync, trigger, false, host, now)
        .await?;
    let instance = db.instance().await?;
    let answer = super::holder::sending_for(instance, connector.send_mail(order)).await;
    let (outcome_code, exchange, error) = match &answer {
        Ok(MailSent::Sent(exchange)) => ("mail_sent", Some(exchange), None),
        Ok(MailSent::StoreSaysSent(exchange)) => (
            "mail_already_sent",
            Some(exchange),
            Some("the store says the mail was already sent: not sent again".to_owned()),
        ),
        Err(f) => (
            if f.perhaps_sent {
                "mail_unknown"
            } else {
                "mail_refused"
            },
            f.exchange.as_ref(),
            Some(f.message.clone()),
        ),
    };
    let request = exchange.map_or_else(|| "shipping mail".to_owned(), |e| e.request.clone());
    let response = exchange.map(|e| e.response.clone());
    db.record_mail_attempt(
        run,
        order.id,
        channel,
        &request,
        response.as_deref(),
        outcome_code,
        error.as_deref(),
        now,
    )
    .await?;
    let outcome = match answer {
        Ok(MailSent::Sent(_)) => {
            db.record_mail_sent(order.id, channel, now).await?;
            MailOutcome::Sent
        }
        Ok(MailSent::StoreSaysSent(_)) => {
            db.record_mail_sent(order.id, channel, now).await?;
            MailOutcome::StoreSaysSent
        }
        Err(f) if f.perhaps_sent => {
            db.record_mail_uncertain(order.id, channel, now).await?;
            MailOutcome::PerhapsSent(f.message)
        }
        Err(f) => {
            db.record_mail_refused(order.id, channel, &f.message)
                .await?;
            MailOutcome::NotSent {
                message: f.message,
                unreachable: f.unreachable,
            }
        }
    };
    let sent = matches!(outcome, MailOutcome::Sent | MailOutcome::PerhapsSent(_));
    let counts = RunCounts {
        considered: 1,
        written: u64::from(sent),
        failed: u64::from(matches!(outcome, MailOutcome::NotSent { .. })),
        ..RunCounts::default()
    };
    db.finish_run(run, outcome_code, counts, error.as_deref(), now)
        .await?;
    Ok(outcome)
}
