//! `hassou daemon`: the scheduled pull and sync of every configured store with no screen (for
//! systemd). Logs go to daily files (never dropping a line) and, with `--stderr`, to standard
//! error. SIGTERM, SIGINT and SIGHUP finish the order in flight, record it, and exit 0.

use std::path::PathBuf;

use tokio::signal::unix::{SignalKind, signal};
use tokio_util::sync::CancellationToken;
use tracing_subscriber::Layer;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use super::{Context, Failure};
use crate::cli::DaemonArgs;
use crate::db::redact_url;
use crate::scheduler::WorkerOptions;

fn log_dir(args: &DaemonArgs) -> Result<PathBuf, Failure> {
    match &args.log_dir {
        Some(dir) => Ok(dir.clone()),
        None => directories::ProjectDirs::from("", "", "hassou")
            .map(|d| d.data_dir().join("logs"))
            .ok_or_else(|| Failure::input("no default log directory (no home): use --log-dir")),
    }
}

pub async fn run(ctx: &Context, args: &DaemonArgs) -> Result<u8, Failure> {
    let dir = log_dir(args)?;
    let (file_writer, _guard) =
        crate::logging::daily_file(&dir).map_err(|e| Failure::input(format!("--log-dir {e}")))?;
    let filter = crate::logging::filter;
    let file_layer = tracing_subscriber::fmt::layer()
        .with_writer(crate::logging::Escaped(file_writer))
        .with_ansi(false)
        .with_filter(filter());
    let stderr_layer = args.stderr.then(|| {
        tracing_subscriber::fmt::layer()
            .with_writer(crate::logging::Escaped(std::io::stderr))
            .with_ansi(false)
            .with_filter(filter())
    });
    let _ = tracing_subscriber::registry()
        .with(file_layer)
        .with(stderr_layer)
        .try_init();

    let db = ctx.open_db().await?;
    let cancel = CancellationToken::new();
    let (workers, missing) =
        crate::stores::start_workers(&ctx.config, &db, &cancel, |_| WorkerOptions {
            role: "daemon",
            events: None,
            alerting: None,
        });
    for (channel, why) in missing {
        tracing::info!(store = %channel, "not scheduled: {why}");
    }
    if workers.is_empty() {
        return Err(Failure::input(
            crate::text::Tell::DaemonNoStore.get(ctx.config.language),
        ));
    }
    let metrics = match args.metrics {
        Some(addr) => {
            let served =
                super::metrics::serve(addr, db.clone(), ctx.config.clone(), cancel.clone()).await?;
            tracing::info!(%addr, "metrics served at /metrics and /healthz");
            Some(served)
        }
        None => None,
    };
    // systemd (Type=notify): ready now; the watchdog is fed at half its period while the
    // schedulers run. Outside systemd these do nothing.
    let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Ready]);
    let mut watchdog_usec = 0;
    if sd_notify::watchdog_enabled(false, &mut watchdog_usec) {
        let every = std::time::Duration::from_micros(watchdog_usec / 2);
        let stop = cancel.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = stop.cancelled() => return,
                    () = tokio::time::sleep(every) => {
                        let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Watchdog]);
                    }
                }
            }
        });
    }
    tracing::info!(
        database = %redact_url(&ctx.config.database_url),
        logs = %dir.display(),
        stores = ?workers.iter().map(|w| w.channel.name()).collect::<Vec<_>>(),
        "hassou daemon started"
    );
    let mut terminate = signal(SignalKind::terminate())
        .map_err(|e| Failure::input(format!("cannot listen for SIGTERM: {e}")))?;
    let mut interrupt = signal(SignalKind::interrupt())
        .map_err(|e| Failure::input(format!("cannot listen for SIGINT: {e}")))?;
    let mut hangup = signal(SignalKind::hangup())
        .map_err(|e| Failure::input(format!("cannot listen for SIGHUP: {e}")))?;
    let name = tokio::select! {
        _ = terminate.recv() => "SIGTERM",
        _ = interrupt.recv() => "SIGINT",
        _ = hangup.recv() => "SIGHUP",
    };
    tracing::info!("{name}: finishing the order in flight, then stopping");
    let _ = sd_notify::notify(false, &[sd_notify::NotifyState::Stopping]);
    cancel.cancel();
    for worker in workers {
        worker.finish().await;
    }
    if let Some(served) = metrics {
        let _ = served.await;
    }
    tracing::info!("hassou daemon stopped");
    Ok(0)
}
