//! `hassou daemon --metrics ADDR` (SPEC §3 "Health and alerts"): Prometheus text at `/metrics`
//! and `/healthz`, read from the database at each scrape — so every number is what
//! `hassou status --json` says, whichever process ran the stores.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use chrono::Utc;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use tokio_util::sync::CancellationToken;

use super::Failure;
use crate::config::Config;
use crate::db::{Db, ListFilter};
use crate::domain::health::HealthState;
use crate::domain::job::JobKind;
use crate::domain::{ChannelRules, Verdict};
use crate::scheduler::ScheduleView;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StoreVerdict {
    store: String,
    verdict: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StoreOutcome {
    store: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StoreJob {
    store: String,
    job: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StoreLabel {
    store: String,
}

struct Scrape {
    db: Db,
    config: Arc<Config>,
}

/// The metrics text, and whether every store is `ok`.
pub async fn gather(db: &Db, config: &Config) -> Result<(String, bool), Failure> {
    let now = Utc::now();
    let orders = Family::<StoreVerdict, Gauge>::default();
    let writes = Family::<StoreOutcome, Counter>::default();
    let last_success = Family::<StoreJob, Gauge>::default();
    let failures = Family::<StoreJob, Gauge>::default();
    let health = Family::<StoreLabel, Gauge>::default();
    let mut all_ok = true;
    for channel in config.store_list() {
        let store = channel.name().to_owned();
        let view = ScheduleView::read(db, channel, &config.initial_settings(channel)).await?;
        let rules = ChannelRules::new(channel, view.settings.rules, now, config.timezone);
        let counts = db.verdict_counts(&ListFilter::new(vec![rules])).await?;
        for verdict in Verdict::ALL {
            let n = counts.get(channel, verdict);
            orders
                .get_or_create(&StoreVerdict {
                    store: store.clone(),
                    verdict: verdict.code().to_owned(),
                })
                .set(i64::try_from(n).unwrap_or(i64::MAX));
        }
        for (outcome, n) in db.write_outcomes(channel).await? {
            writes
                .get_or_create(&StoreOutcome {
                    store: store.clone(),
                    outcome,
                })
                .inc_by(n);
        }
        for job in [JobKind::Pull, JobKind::Sync] {
            let labels = StoreJob {
                store: store.clone(),
                job: job.code().to_owned(),
            };
            let status = view.job(job, now).map(|(p, _)| &p.status);
            if let Some(at) = status.and_then(|s| s.last_ok_at) {
                last_success.get_or_create(&labels).set(at.timestamp());
            }
            failures
                .get_or_create(&labels)
                .set(i64::from(status.map_or(0, |s| s.consecutive_failures)));
        }
        let state = view.health(&counts, config.health_rules(), now).state;
        all_ok &= state == HealthState::Ok;
        health
            .get_or_create(&StoreLabel { store })
            .set(match state {
                HealthState::Ok => 0,
                HealthState::Degraded => 1,
                HealthState::Failing => 2,
            });
    }
    let mut registry = Registry::default();
    registry.register("hassou_orders", "Orders by verdict", orders);
    registry.register("hassou_writes", "Write attempts by outcome", writes);
    registry.register(
        "hassou_last_success_timestamp_seconds",
        "When a scheduled job last succeeded (Unix seconds)",
        last_success,
    );
    registry.register(
        "hassou_consecutive_failures",
        "Scheduled runs failed in a row",
        failures,
    );
    registry.register(
        "hassou_health",
        "StoreLabel health: 0 ok, 1 degraded, 2 failing",
        health,
    );
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &registry)
        .map_err(|e| Failure::input(format!("cannot encode the metrics: {e}")))?;
    Ok((text, all_ok))
}

async fn metrics(State(s): State<Arc<Scrape>>) -> (StatusCode, String) {
    match gather(&s.db, &s.config).await {
        Ok((text, _)) => (StatusCode::OK, text),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, e.message),
    }
}

async fn healthz(State(s): State<Arc<Scrape>>) -> (StatusCode, &'static str) {
    match gather(&s.db, &s.config).await {
        Ok((_, true)) => (StatusCode::OK, "ok\n"),
        Ok((_, false)) => (StatusCode::SERVICE_UNAVAILABLE, "not ok\n"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database\n"),
    }
}

/// Binds `addr` (now, so a port in use is an error at start) and serves until `cancel`.
pub async fn serve(
    addr: SocketAddr,
    db: Db,
    config: Config,
    cancel: CancellationToken,
) -> Result<tokio::task::JoinHandle<()>, Failure> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Failure::input(format!("--metrics {addr}: {e}")))?;
    let app = Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .with_state(Arc::new(Scrape {
            db,
            config: Arc::new(config),
        }));
    Ok(tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(cancel.cancelled_owned())
            .await;
    }))
}
