//! Liveness without PIDs or host names (issue 23). Every database handle that may hold an order
//! claim or a scheduler lease registers an [`Instance`] — a random id — and renews its
//! `alive_until` by heartbeat. A claim or lease is taken over only when the heartbeat of the
//! instance holding it has expired, never because a process id is missing: two processes with
//! the same host name and PID in different PID namespaces, containers or cloned machines cannot
//! judge each other dead while both beat.
//!
//! The other half of the promise is kept by the holder: it sends a request that may change a
//! store only while its own heartbeat, as last committed to the database, lasts longer than the
//! longest request plus an allowance for clocks ([`SEND_MARGIN`]). A process that lost touch with
//! the database therefore stops sending well before anyone else may take its claims over.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{Db, DbError, Pool, with_pool};

/// How long a heartbeat keeps an instance alive in the eyes of other processes.
pub const INSTANCE_TTL: Duration = Duration::from_secs(30);
/// How often an instance renews its heartbeat.
pub const HEARTBEAT_EVERY: Duration = Duration::from_secs(5);
/// A store-changing request goes only while the committed heartbeat lasts at least this long:
/// the longest single request (7 s) and 8 s for hosts whose clocks disagree.
pub const SEND_MARGIN: Duration = Duration::from_secs(15);
/// Rows of instances that stopped beating are removed after a day (kept a while for `status`).
const FORGET_AFTER: chrono::Duration = chrono::Duration::days(1);

/// This handle's identity in the database.
#[derive(Debug)]
pub struct Instance {
    id: String,
    /// `host/pid`, for people reading `status` (never used to judge liveness).
    label: String,
    /// The committed `alive_until`, in milliseconds since the epoch.
    alive_until_ms: AtomicI64,
}

impl Instance {
    pub fn id(&self) -> &str {
        &self.id
    }

    /// `host/pid/tag`: the holder name people see.
    pub fn holder(&self, tag: &str) -> String {
        format!("{}/{tag}", self.label)
    }

    /// Until when other processes count this one alive (as last committed).
    pub fn alive_until(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(self.alive_until_ms.load(Ordering::SeqCst))
            .unwrap_or_default()
    }

    /// Whether a request that may change a store may start now: the heartbeat others see lasts
    /// longer than such a request can take, clocks allowed for.
    pub fn may_send(&self, now: DateTime<Utc>) -> bool {
        let margin = chrono::Duration::from_std(SEND_MARGIN).unwrap_or_default();
        self.alive_until() - now >= margin
    }

    /// As if the heartbeat had not been renewed for longer than its life (tests).
    #[cfg(test)]
    pub(crate) fn expire_for_tests(&self) {
        self.alive_until_ms.store(0, Ordering::SeqCst);
    }

    fn committed(&self, alive_until: DateTime<Utc>) {
        self.alive_until_ms
            .fetch_max(alive_until.timestamp_millis(), Ordering::SeqCst);
    }
}

/// A random id: 128 bits from the operating system, in hex.
fn random_id() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // No OS randomness (never seen on Linux): the clock and the process id, still unique
        // enough across processes of one database.
        let mut rng = crate::sample::Rng::from_clock(u64::from(std::process::id()));
        for chunk in bytes.chunks_mut(8) {
            chunk.copy_from_slice(&rng.next_u64().to_le_bytes()[..chunk.len()]);
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn ttl() -> chrono::Duration {
    chrono::Duration::from_std(INSTANCE_TTL).unwrap_or_default()
}

impl Db {
    /// This handle's instance: registered in the database on the first call, then kept alive by
    /// a heartbeat every [`HEARTBEAT_EVERY`] for as long as the handle (or a clone) lives.
    pub async fn instance(&self) -> Result<Arc<Instance>, DbError> {
        let cell = self.instance.clone();
        let instance = cell
            .get_or_try_init(|| async {
                let instance = Arc::new(Instance {
                    id: random_id(),
                    label: format!("{}/{}", crate::sync::holder::hostname(), std::process::id()),
                    alive_until_ms: AtomicI64::new(0),
                });
                self.register(&instance).await?;
                tokio::spawn(heartbeat(self.pool.clone(), Arc::downgrade(&instance)));
                Ok::<_, DbError>(instance)
            })
            .await?;
        Ok(instance.clone())
    }

    async fn register(&self, instance: &Instance) -> Result<(), DbError> {
        let now = Utc::now();
        let until = now + ttl();
        with_pool!(self, pool => {
            sqlx::query("DELETE FROM instances WHERE alive_until < $1")
                .bind(now - FORGET_AFTER)
                .execute(pool)
                .await?;
            sqlx::query(
                "INSERT INTO instances (id, holder, started_at, alive_until) VALUES ($1, $2, $3, $4)",
            )
            .bind(instance.id.clone())
            .bind(instance.label.clone())
            .bind(now)
            .bind(until)
            .execute(pool)
            .await?;
        });
        instance.committed(until);
        Ok(())
    }

    /// Whether the instance `id` beats at `now` (tests, `status`).
    pub async fn instance_alive(&self, id: &str, now: DateTime<Utc>) -> Result<bool, DbError> {
        let alive: Option<i64> = with_pool!(self, pool => {
            sqlx::query_scalar("SELECT 1 FROM instances WHERE id = $1 AND alive_until >= $2")
                .bind(id.to_owned())
                .bind(now)
                .fetch_optional(pool)
                .await?
        });
        Ok(alive.is_some())
    }

    /// How many instances beat at `now` (every process that may hold a claim or a lease).
    pub async fn live_instances(&self, now: DateTime<Utc>) -> Result<i64, DbError> {
        Ok(with_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM instances WHERE alive_until >= $1")
                .bind(now)
                .fetch_one(pool)
                .await?
        }))
    }

    /// Registers an instance with a given heartbeat (tests: a foreign process that beats, or one
    /// whose heartbeat ran out).
    pub async fn register_foreign_instance(
        &self,
        id: &str,
        holder: &str,
        alive_until: DateTime<Utc>,
    ) -> Result<(), DbError> {
        with_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO instances (id, holder, started_at, alive_until) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (id) DO UPDATE SET alive_until = excluded.alive_until",
            )
            .bind(id.to_owned())
            .bind(holder.to_owned())
            .bind(Utc::now())
            .bind(alive_until)
            .execute(pool)
            .await?;
        });
        Ok(())
    }
}

/// Renews the heartbeat until the instance is dropped (every handle closed); a failed renewal
/// is tried again at the next beat, and meanwhile [`Instance::may_send`] runs out on its own.
async fn heartbeat(pool: Pool, instance: std::sync::Weak<Instance>) {
    let db = Db {
        pool,
        instance: Arc::default(),
    };
    loop {
        tokio::time::sleep(HEARTBEAT_EVERY).await;
        let Some(instance) = instance.upgrade() else {
            return;
        };
        let until = Utc::now() + ttl();
        let renewed: Result<u64, DbError> = async {
            Ok(with_pool!(db, pool => {
                sqlx::query("UPDATE instances SET alive_until = $1 WHERE id = $2")
                    .bind(until)
                    .bind(instance.id.clone())
                    .execute(pool)
                    .await?
                    .rows_affected()
            }))
        }
        .await;
        match renewed {
            Ok(1) => instance.committed(until),
            // Removed by someone (a day without a beat): register again.
            Ok(_) => {
                if let Err(e) = db.register(&instance).await {
                    tracing::warn!("cannot register this process in the database again: {e}");
                }
            }
            Err(e) => tracing::warn!("heartbeat not recorded (the database did not answer): {e}"),
        }
    }
}
