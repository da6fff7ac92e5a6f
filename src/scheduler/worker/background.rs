//! What a store's worker does on its own besides its schedules, as the lease holder: judging
//! and delivering alerts (issue 20) and reconciling by itself (`auto_reconcile_every`, issue 21).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use chrono::Utc;
use tokio_util::sync::CancellationToken;

use super::StoreRuntime;
use crate::scheduler::SETTINGS_POLL;

/// `auto_reconcile_every`: the lease holder reconciles the store when the last reconcile (by
/// any process, as the database records it) is that old. Reads only; a drift raises the alert.
pub(super) async fn auto_reconcile(store: Arc<StoreRuntime>, cancel: CancellationToken) {
    loop {
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(SETTINGS_POLL) => {}
        }
        let Ok(settings) = store.settings().await else {
            continue;
        };
        let Some(every) = settings.auto_reconcile_every else {
            continue;
        };
        if !store.leading.load(Ordering::SeqCst) {
            continue;
        }
        let now = Utc::now();
        let due = match store.db.last_reconcile(store.store).await {
            Ok(Some(last)) => {
                now - last.started_at >= chrono::Duration::from_std(every).unwrap_or_default()
            }
            Ok(None) => true,
            Err(_) => false,
        };
        if !due {
            continue;
        }
        let Ok(rules) = store.rules().await else {
            continue;
        };
        let since = now - chrono::Duration::days(i64::from(settings.pull_days));
        tracing::info!(store = %store.store, "reconcile started (auto_reconcile_every)");
        tokio::select! {
            () = cancel.cancelled() => return,
            result = crate::sync::reconcile::reconcile_with(
                &store.db,
                &store.connector,
                &rules,
                since,
                &store.holder,
                store.alerting.as_ref().map_or(crate::sync::reconcile::DEFAULT_STALE_AFTER, |a| a.rules.stale_after),
            ) => {
                match result {
                    Ok(r) => tracing::info!(store = %store.store, checked = r.checked, drift = r.drift.len(), "reconcile finished"),
                    Err(e) => tracing::warn!(store = %store.store, "reconcile failed: {e}"),
                }
                store.judge_alerts.notify_one();
            }
        }
    }
}

/// Judges the store's alert conditions as the schedule now stands (the lease holder only).
pub(super) async fn raise_alerts(store: &StoreRuntime) {
    let Some(alerting) = &store.alerting else {
        return;
    };
    match alerting
        .evaluate(
            &store.db,
            store.store,
            &store.initial,
            &store.holder,
            Utc::now(),
        )
        .await
    {
        Ok(raised) => {
            for m in &raised {
                tracing::info!("alert raised: {}", m.summary);
            }
            if !raised.is_empty() {
                store.alerts_queued.notify_one();
            }
        }
        Err(e) => tracing::warn!(store = %store.store, "cannot judge the alert conditions: {e}"),
    }
}

/// Sends the store's due alerts while this process holds the lease, on its own task: a slow or
/// dead destination never delays a run, and a quit does not wait for it.
pub(super) async fn deliver_alerts(store: Arc<StoreRuntime>, cancel: CancellationToken) {
    let Some(alerting) = store.alerting.clone() else {
        return;
    };
    loop {
        tokio::select! {
            () = cancel.cancelled() => return,
            () = store.alerts_queued.notified() => {}
            () = tokio::time::sleep(Duration::from_secs(2)) => {}
        }
        if !store.leading.load(Ordering::SeqCst) {
            continue;
        }
        tokio::select! {
            () = cancel.cancelled() => return,
            result = alerting.deliver_due(&store.db, store.store, Utc::now()) => {
                if let Err(e) = result {
                    tracing::warn!(store = %store.store, "alert outbox: {e}");
                }
            }
        }
    }
}
