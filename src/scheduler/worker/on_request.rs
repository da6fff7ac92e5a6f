//! What a console asks of a store besides its schedule (a dry run, a plan, a confirmed run, a
//! read of one order, a mail), type-erased over the connector.

use super::*;

/// What a console asks of a store besides its schedule: a dry run, a plan, and the run of a
/// plan the operator confirmed (type-erased over the connector).
pub(super) trait OnRequest: Send + Sync {
    fn dry_run(
        &self,
        scope: PlanScope,
        events: UnboundedSender<SyncEvent>,
    ) -> JoinHandle<Result<(), Problem>>;
    fn plan(&self, scope: PlanScope) -> JoinHandle<Result<SyncPlan, Problem>>;
    fn reread(&self, order_id: i64) -> JoinHandle<Result<Option<ShippingWrite>, Problem>>;
    fn send_mail(
        &self,
        order_id: i64,
    ) -> JoinHandle<Result<crate::sync::mail::MailOutcome, Problem>>;
    fn run_plan(
        &self,
        plan: SyncPlan,
        events: UnboundedSender<SyncEvent>,
        cancel: CancellationToken,
    ) -> JoinHandle<Result<RunReport, Problem>>;
}

impl<C: Connector + Send + Sync + 'static> Store<C> {
    pub(super) async fn rules(&self) -> Result<ChannelRules, Problem> {
        let settings = self.settings().await?;
        Ok(ChannelRules::new(
            self.channel,
            settings.rules,
            Utc::now(),
            self.timezone,
        ))
    }
}

impl<C: Connector + Send + Sync + 'static> OnRequest for Arc<Store<C>> {
    fn dry_run(
        &self,
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

    fn plan(&self, scope: PlanScope) -> JoinHandle<Result<SyncPlan, Problem>> {
        let store = self.clone();
        tokio::spawn(async move {
            let rules = store.rules().await?;
            Ok(SyncEngine::new(&store.db, &store.connector)
                .plan(rules, scope)
                .await?)
        })
    }

    fn reread(&self, order_id: i64) -> JoinHandle<Result<Option<ShippingWrite>, Problem>> {
        let store = self.clone();
        tokio::spawn(async move {
            let order = store.order(order_id).await?;
            let held = store.connector.read_held(&order).await?;
            let now = Utc::now();
            let recorded = match &held {
                Some(held) => {
                    store
                        .db
                        .record_confirmed(order_id, store.channel, held, None, now)
                        .await
                }
                None => {
                    store
                        .db
                        .record_store_holds_nothing(order_id, store.channel, now)
                        .await
                }
            };
            recorded?;
            Ok(held)
        })
    }

    fn send_mail(
        &self,
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

    fn run_plan(
        &self,
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
            tracing::info!(store = %store.channel, orders = plan.items.len(), "confirmed sync started");
            let report = SyncEngine::new(&store.db, &store.connector)
                .run_plan(rules, &plan, &options, Some(&events), &cancel)
                .await?;
            log_report(store.channel, &report);
            Ok(report)
        })
    }
}
