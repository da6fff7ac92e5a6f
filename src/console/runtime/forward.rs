//! What background work says, forwarded to the screen as owned messages: a run's events, and
//! each worker's job status and pull progress.

use std::time::Duration;

use tokio::sync::mpsc::{self, UnboundedSender};
use tokio_util::sync::CancellationToken;

use super::super::update::Msg;
use crate::domain::Store;
use crate::domain::job::JobKind;
use crate::scheduler::WorkerHandle;

/// Sends the events of a sync run to the screen as they come.
pub fn forward_events(
    store: Store,
    tx: &UnboundedSender<Msg>,
) -> UnboundedSender<crate::sync::SyncEvent> {
    let (events, mut rx) = mpsc::unbounded_channel();
    let tx = tx.clone();
    tokio::spawn(async move {
        while let Some(event) = rx.recv().await {
            let _ = tx.send(Msg::Sync(store, event));
        }
    });
    events
}

/// job's status (a pull's end, a failure).
pub fn forward_worker_status(
    worker: &WorkerHandle,
    tx: &UnboundedSender<Msg>,
    cancel: &CancellationToken,
) {
    {
        let (tx, channel, cancel) = (tx.clone(), worker.channel, cancel.clone());
        let mut progress = worker.pull_progress();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = cancel.cancelled() => return,
                    changed = progress.changed() => if changed.is_err() { return },
                }
                let now = *progress.borrow();
                let _ = tx.send(Msg::PullProgress(channel, now));
                // At most a few reports a second: a page is read in well under that.
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        });
    }
    for (job, scheduler) in [
        (JobKind::Pull, worker.pull.clone()),
        (JobKind::Sync, worker.sync.clone()),
    ] {
        let tx = tx.clone();
        let channel = worker.channel;
        let cancel = cancel.clone();
        tokio::spawn(async move {
            let mut changes = scheduler.watch();
            loop {
                tokio::select! {
                    () = cancel.cancelled() => return,
                    changed = changes.changed() => if changed.is_err() { return },
                }
                let status = changes.borrow().clone();
                let _ = tx.send(Msg::Job {
                    store: channel,
                    job,
                    status,
                });
            }
        });
    }
}
