//! Who holds a scheduler lease or an order claim, as people read it (`host/pid/tag`), and the
//! gate every store-changing request passes. Names are for reading only: whether a holder lives
//! is judged by its instance's heartbeat in the database ([`crate::db::Instance`]), never by a
//! host name or a process id — those repeat across PID namespaces, containers and cloned
//! machines sharing one database (issue 23).

use std::future::Future;
use std::sync::Arc;

use chrono::Utc;

use crate::db::Instance;

/// This machine's name.
pub fn hostname() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

/// The holder name of this process for `tag` (a run, a scheduler), for people.
pub fn holder(tag: &str) -> String {
    format!("{}/{}/{tag}", hostname(), std::process::id())
}

tokio::task_local! {
    /// The instance whose claim a write runs under.
    static SENDING_FOR: Arc<Instance>;
}

/// Runs `write` under `instance`'s claim: every store-changing request inside it first asks
/// [`may_send`].
pub async fn sending_for<F: Future>(instance: Arc<Instance>, write: F) -> F::Output {
    SENDING_FOR.scope(instance, write).await
}

/// Why a store-changing request must not start now, if it must not: the claim it runs under
/// belongs to an instance whose heartbeat (as the database last took it) could run out before
/// the request ends, after which another process may take the claim over and write the same
/// order. Outside [`sending_for`] (reads, tools) it always may.
pub fn may_send() -> Result<(), String> {
    match SENDING_FOR.try_with(|instance| instance.may_send(Utc::now())) {
        Ok(false) => Err(
            "not sent: this process could not renew its heartbeat in the database, \
                          so another process may take this order over; the next run writes it"
                .into(),
        ),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_write_may_send_only_while_its_heartbeat_lasts() {
        assert!(may_send().is_ok(), "outside a claimed write");
        let db = crate::db::Db::in_memory().await.expect("db");
        let instance = db.instance().await.expect("instance");
        assert!(
            sending_for(instance.clone(), async { may_send() })
                .await
                .is_ok()
        );
        // The heartbeat the database holds ran out (as after minutes without the database).
        let stale = crate::db::Db::in_memory().await.expect("db");
        let stale_instance = stale.instance().await.expect("instance");
        stale_instance.expire_for_tests();
        let refused = sending_for(stale_instance, async { may_send() }).await;
        assert!(refused.is_err(), "{refused:?}");
    }
}
