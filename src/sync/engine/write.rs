//! One order's write inside a run: claimed, read again, judged again, recorded before it is sent
//! and after the store answered.

use super::*;

impl<C: Connector> SyncEngine<'_, C> {
    /// Claims the order, reads it again (another process may have written it, or the operator
    /// changed it, since the plan was made), writes what it wants now, and ends the claim. An
    /// order another process is writing is left to it.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn claimed_write(
        &self,
        rules: &ChannelRules,
        holder: &str,
        run_id: i64,
        row: &ListedOrder,
        expected: Option<&ShippingWrite>,
        report: &mut RunReport,
        emit: &impl Fn(SyncEvent),
    ) -> Result<(), SyncError> {
        let order_id = row.stored.id;
        let channel = row.stored.order.store;
        let number = row.stored.order.number.as_str();
        // Claims live in real time, whatever clock the records use (a fixed HASSOU_NOW would
        // otherwise never let a claim expire).
        let now = Utc::now();
        let until = now + CLAIM_TIME;
        let claimed = self
            .db
            .claim_order(order_id, channel, holder, now, until)
            .await?;
        if !claimed {
            report.push(
                number,
                ResultOutcome::NotReached,
                "another process is writing this order".into(),
            );
            return Ok(());
        }
        let result = self
            .write_current(rules, run_id, row, expected, report, emit)
            .await;
        self.db.release_order(order_id, channel, holder).await?;
        result
    }

    /// Writes the order as the database holds it now, if it still needs writing.
    pub(super) async fn write_current(
        &self,
        rules: &ChannelRules,
        run_id: i64,
        row: &ListedOrder,
        expected: Option<&ShippingWrite>,
        report: &mut RunReport,
        emit: &impl Fn(SyncEvent),
    ) -> Result<(), SyncError> {
        let number = row.stored.order.number.as_str();
        let Some(current) = self.db.order_by_id(row.stored.id).await? else {
            report.push(
                number,
                ResultOutcome::NotReached,
                "the order was deleted".into(),
            );
            return Ok(());
        };
        let evaluation = rules.evaluate(&current.order, &current.remote);
        let wanted = match (evaluation.verdict, evaluation.write) {
            (Verdict::Pending | Verdict::Failed, Some(wanted)) => wanted,
            (Verdict::Synced, _) => {
                report.already_synced += 1;
                report.push(
                    number,
                    ResultOutcome::AlreadySynced,
                    "written by another process meanwhile".into(),
                );
                return Ok(());
            }
            (verdict, _) => {
                // Judged again at this instant: an order edited during the run may only be newer
                // than the plan's instant, not ineligible (issue 23's wording).
                report.push(
                    number,
                    ResultOutcome::NotReached,
                    format!(
                        "edited since the plan: now {} — not sent; the next run judges it again",
                        verdict.code()
                    ),
                );
                return Ok(());
            }
        };
        if let Some(expected) = expected
            && *expected != wanted
        {
            // The operator confirmed other values: sending these would be a write nobody saw.
            report.push(
                number,
                ResultOutcome::NotReached,
                "changed since the plan was confirmed: nothing sent, still pending".into(),
            );
            return Ok(());
        }
        let listed = ListedOrder {
            stored: current,
            evaluation: Evaluation {
                write: Some(wanted.clone()),
                ..evaluation
            },
        };
        let request = self.connector.preview(&listed.stored, &wanted);
        self.write_one(run_id, &listed, &wanted, &request, report, emit)
            .await
    }

    /// Sends one write, recording the request before it goes out (so an interrupted run leaves a
    /// trace and marks the order in flight) and the answer after.
    pub(super) async fn write_one(
        &self,
        run_id: i64,
        row: &ListedOrder,
        wanted: &ShippingWrite,
        request: &str,
        report: &mut RunReport,
        emit: &impl Fn(SyncEvent),
    ) -> Result<(), SyncError> {
        let order = &row.stored;
        let channel = order.order.store;
        let number = order.order.number.as_str();
        let attempt = self
            .db
            .start_attempt(run_id, order.id, channel, request, (self.now)())
            .await?;
        let instance = self.db.instance().await?;
        match holder::sending_for(instance, self.connector.write(order, wanted)).await {
            Ok(WriteReport {
                outcome,
                held,
                remote_ref,
                exchanges,
                warnings,
                mail_sent,
                mail_uncertain,
                mail_refused,
            }) => {
                if mail_uncertain {
                    self.db
                        .record_mail_uncertain(order.id, channel, (self.now)())
                        .await?;
                } else if mail_sent {
                    self.db
                        .record_mail_sent(order.id, channel, (self.now)())
                        .await?;
                }
                report.unreachable_streak = 0;
                if let Some(error) = &mail_refused {
                    self.db
                        .record_mail_refused(order.id, channel, error)
                        .await?;
                    report.mail_refused += 1;
                }
                let response = serde_json::to_string(&exchanges).unwrap_or_default();
                self.db
                    .finish_attempt(attempt, outcome.code(), Some(&response), None, (self.now)())
                    .await?;
                self.db
                    .record_confirmed(
                        order.id,
                        channel,
                        &held,
                        remote_ref.as_deref(),
                        (self.now)(),
                    )
                    .await?;
                if outcome == WriteOutcome::AlreadySynced {
                    report.already_synced += 1;
                } else {
                    report.written += 1;
                }
                report.push(number, outcome.into(), warnings.join("; "));
                emit(SyncEvent::OrderWritten {
                    number: number.to_owned(),
                    outcome,
                });
            }
            Err(WriteFailure {
                kind,
                message,
                exchanges,
                down,
                cause,
            }) => {
                match (down, kind) {
                    (Some(StoreDown::TokenRejected), _) => {
                        report.stopped = Some(StoreDown::TokenRejected);
                    }
                    (Some(StoreDown::Unreachable), _) => {
                        report.unreachable_streak += 1;
                        if report.unreachable_streak >= STOP_AFTER_UNREACHABLE {
                            report.stopped = Some(StoreDown::Unreachable);
                        }
                    }
                    // The store answered (a refusal): it is there.
                    (None, FailureKind::Refused) => report.unreachable_streak = 0,
                    (None, FailureKind::Unknown) => {}
                }
                let response = serde_json::to_string(&exchanges).unwrap_or_default();
                // The audit trail says how it failed: never reached is not refused.
                let code = match cause {
                    Cause::Uncertain => "unknown",
                    Cause::Unreachable | Cause::TokenRejected => cause.code(),
                    _ => "failed",
                };
                self.db
                    .finish_attempt(attempt, code, Some(&response), Some(&message), (self.now)())
                    .await?;
                self.db
                    .record_failure(order.id, channel, wanted, &message, cause, (self.now)())
                    .await?;
                report.push_failed(number, cause, message.clone());
                emit(SyncEvent::OrderFailed {
                    number: number.to_owned(),
                    error: message,
                    cause,
                });
            }
        }
        Ok(())
    }
}
