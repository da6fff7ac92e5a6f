//! What a console asks of a store besides its schedule (a dry run, a plan, a confirmed run, a
//! read of one order, a mail).

use super::*;

impl StoreRuntime {
    pub(super) async fn rules(&self) -> Result<ChannelRules, Problem> {
        let settings = self.settings().await?;
        Ok(ChannelRules::new(
            self.store,
            settings.rules,
            Utc::now(),
            self.timezone,
        ))
    }
}

/// What a console asks of a store besides its schedule: a dry run, a plan, the run of a plan
/// the operator confirmed, a read of one order, a mail — each a task of its own.
impl StoreRuntime {
    pub(super) fn dry_run(
        self: &Arc<Self>,
        scope: PlanScope,
        events: UnboundedSender<SyncEvent>,
    ) -> JoinHandle<Result<(), Problem>> {
        let store = self.clone();
        tokio::spawn(async move {
            if scope == PlanScope::Pending {
                return store
                    .sync(Trigger::Manual, true, Some(&events))
                    .await
                    .map(|_| ());
            }
            // One order (or the failed ones): planned as `s` would, then run without sending.
            let rules = store.rules().await?;
            let engine = SyncEngine::new(&store.db, &store.connector);
            let plan = engine.plan(rules, scope).await?;
            let options = SyncOptions {
                dry_run: true,
                trigger: Trigger::Manual,
                host: store.holder.clone(),
            };
            engine
                .run_plan(rules, &plan, &options, Some(&events), &store.cancel)
                .await?;
            Ok(())
        })
    }

    pub(super) fn plan(
        self: &Arc<Self>,
        scope: PlanScope,
    ) -> JoinHandle<Result<SyncPlan, Problem>> {
        let store = self.clone();
        tokio::spawn(async move {
            let rules = store.rules().await?;
            Ok(SyncEngine::new(&store.db, &store.connector)
                .plan(rules, scope)
                .await?)
        })
    }

    /// Reads back the store's orders changed in its pull window and records what differs
    /// (`hassou reconcile`); nothing is written to the store.
    pub(super) fn reconcile(
        self: &Arc<Self>,
        by: String,
    ) -> JoinHandle<Result<crate::sync::reconcile::ReconcileReport, Problem>> {
        let store = self.clone();
        tokio::spawn(async move {
            let settings = store.settings().await?;
            let rules = store.rules().await?;
            let since = Utc::now() - chrono::Duration::days(i64::from(settings.pull_days));
            let stale_after = store
                .alerting
                .as_ref()
                .map_or(crate::sync::reconcile::DEFAULT_STALE_AFTER, |a| {
                    a.rules.stale_after
                });
            let report = crate::sync::reconcile::reconcile_with(
                &store.db,
                &store.connector,
                &rules,
                since,
                &by,
                stale_after,
            )
            .await?;
            store.judge_alerts.notify_one();
            Ok(report)
        })
    }

    pub(super) fn reread(
        self: &Arc<Self>,
        order_id: i64,
    ) -> JoinHandle<Result<Option<ShippingWrite>, Problem>> {
        let store = self.clone();
        tokio::spawn(async move {
            let order = store.order(order_id).await?;
            let held = store.connector.read_held(&order).await?;
            let now = Utc::now();
            let recorded = match &held {
                Some(held) => {
                    store
                        .db
                        .record_confirmed(order_id, store.store, held, None, now)
                        .await
                }
                None => {
                    store
                        .db
                        .record_store_holds_nothing(order_id, store.store, now)
                        .await
                }
            };
            recorded?;
            Ok(held)
        })
    }

    pub(super) fn send_mail(
        self: &Arc<Self>,
        order_id: i64,
    ) -> JoinHandle<Result<crate::sync::mail::MailOutcome, Problem>> {
        let store = self.clone();
        tokio::spawn(async move {
            let order = store.order(order_id).await?;
            crate::sync::mail::send_now(
                &store.db,
                &store.connector,
                &order,
                Trigger::Manual,
                &store.holder,
                Utc::now(),
            )
            .await
            .map_err(Problem::from)
        })
    }

    pub(super) fn run_plan(
        self: &Arc<Self>,
        plan: SyncPlan,
        events: UnboundedSender<SyncEvent>,
        cancel: CancellationToken,
    ) -> JoinHandle<Result<RunReport, Problem>> {
        let store = self.clone();
        tokio::spawn(async move {
            let rules = store.rules().await?;
            let options = SyncOptions {
                dry_run: false,
                trigger: Trigger::Manual,
                host: store.holder.clone(),
            };
            tracing::info!(store = %store.store, orders = plan.items.len(), "confirmed sync started");
            let report = SyncEngine::new(&store.db, &store.connector)
                .run_plan(rules, &plan, &options, Some(&events), &cancel)
                .await?;
            log_report(store.store, &report);
            // Judge the store's alert conditions now, not at the next renewal.
            store.judge_alerts.notify_one();
            Ok(report)
        })
    }
}
