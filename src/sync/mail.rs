//! A shipping mail sent by hand: the one way a mail the store refused during a sync goes out
//! (`hassou order N send-mail --yes`, the console's `m` in the detail, after its question). It is
//! never sent when one was sent, or perhaps sent, before; the request and the store's answer go
//! to the order's audit trail, and what came of it to the order's state.

use chrono::{DateTime, Utc};

use super::Connector;
use crate::db::{Db, DbError, RunCounts, StoredOrder};
use crate::domain::job::{JobKind, Trigger};

/// What came of it, in words for the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailOutcome {
    Sent,
    /// The answer was lost: recorded as sent, never sent again.
    PerhapsSent(String),
    /// Not sent: the store's words. `unreachable`: it could not be reached at all.
    NotSent {
        message: String,
        unreachable: bool,
    },
    /// Refused before anything was sent: it went (or perhaps went) already.
    AlreadySent(DateTime<Utc>),
}

/// Sends the order's shipping mail now and records it; `host` and `trigger` go to the trail.
pub async fn send_now<C: Connector>(
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
    let channel = order.order.channel;
    let run = db
        .start_run(channel, JobKind::Sync, trigger, false, host, now)
        .await?;
    let answer = connector.send_mail(order).await;
    let (outcome_code, response, error) = match &answer {
        Ok(exchange) => ("mail_sent", Some(exchange.response.clone()), None),
        Err(f) => (
            if f.perhaps_sent {
                "mail_unknown"
            } else {
                "mail_refused"
            },
            f.exchange.as_ref().map(|e| e.response.clone()),
            Some(f.message.clone()),
        ),
    };
    let request = match &answer {
        Ok(exchange) => exchange.request.clone(),
        Err(f) => f
            .exchange
            .as_ref()
            .map_or_else(|| "shipping mail".to_owned(), |e| e.request.clone()),
    };
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
        Ok(_) => {
            db.record_mail_sent(order.id, channel, now).await?;
            MailOutcome::Sent
        }
        Err(f) if f.perhaps_sent => {
            db.record_mail_sent(order.id, channel, now).await?;
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
        failed: u64::from(!sent),
        ..RunCounts::default()
    };
    db.finish_run(run, outcome_code, counts, error.as_deref(), now)
        .await?;
    Ok(outcome)
}
