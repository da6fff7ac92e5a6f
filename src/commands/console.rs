//! `hassou` (the console) and `hassou demo` (the console on a throwaway SQLite database and the
//! sandbox stores, filled with sample orders: no account needed).

use std::io::IsTerminal;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::sandbox::start_stores;
use super::{Context, Failure, Out, clock, operator};
use crate::cli::{DemoArgs, SandboxArgs};
use crate::config::{self, ConfigSources, Language};
use crate::console::runtime::{Backend, forward_events, run};
use crate::console::state::App;
use crate::console::update::Msg;
use crate::db::{Db, redact_url};
use crate::domain::Store;
use crate::sandbox::colorme::SANDBOX_TOKEN;
use crate::sandbox::shopify::SandboxOptions;
use crate::scheduler::{StoreWorker, WorkerOptions};

/// Colour unless `NO_COLOR` is set to anything non-empty (no-color.org).
fn color_allowed() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The tracing pipeline of the console: warnings and errors to the log pane, and every event to
/// daily files in `HASSOU_LOG_DIR` when it is set (as the daemon's). Never to the terminal.
fn install_logging(
    tx: &mpsc::UnboundedSender<Msg>,
) -> Result<Option<tracing_appender::non_blocking::WorkerGuard>, Failure> {
    use tracing_subscriber::Layer;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let screen = {
        let tx = tx.clone();
        crate::logging::ScreenLayer::new(Box::new(move |error, text| {
            let _ = tx.send(Msg::Log(vec![(error, text)]));
        }))
        // The pane already tells each run order by order; from the log it takes what went
        // wrong in the background (lease, settings, publishing), which nothing else shows.
        .with_filter(tracing_subscriber::filter::LevelFilter::WARN)
    };
    let (file, guard) = match std::env::var_os("HASSOU_LOG_DIR") {
        Some(dir) => {
            let (writer, guard) = crate::logging::daily_file(std::path::Path::new(&dir))
                .map_err(|e| Failure::input(format!("HASSOU_LOG_DIR {e}")))?;
            let layer = tracing_subscriber::fmt::layer()
                .with_writer(crate::logging::Escaped(writer))
                .with_ansi(false)
                .with_filter(crate::logging::filter());
            (Some(layer), Some(guard))
        }
        None => (None, None),
    };
    let _ = tracing_subscriber::registry()
        .with(screen)
        .with(file)
        .try_init();
    Ok(guard)
}

/// The console on the configured database and stores.
pub async fn console(ctx: &Context, demo: bool) -> Result<u8, Failure> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(Failure::input(
            "the console needs a terminal; for scripts use the commands (hassou --help)",
        ));
    }
    let db = ctx.open_db().await?;
    let cancel = CancellationToken::new();
    let (tx, rx) = mpsc::unbounded_channel();
    // Kept until the console has stopped: dropping it flushes the log file.
    let log_guard = install_logging(&tx)?;
    // Every store with a tab (an old configuration's two, reachable or not), in the tabs' order.
    let initial: Vec<_> = crate::console::state::tab_stores_of(&ctx.config.store_list())
        .into_iter()
        .map(|store| (store, ctx.config.initial_settings(store)))
        .collect();
    // One for the workers and the log's notes alike.
    let alerting = std::sync::Arc::new(crate::alerts::Alerting::new(&ctx.config));
    // Each store's scheduled runs report to the screen, order by order.
    let (workers, missing) =
        crate::stores::start_workers(&ctx.config, &db, &cancel, |channel| WorkerOptions {
            role: "console",
            events: Some(forward_events(channel, &tx)),
            alerting: Some(alerting.clone()),
        });
    for (channel, why) in missing {
        tracing::info!(store = %channel, "not configured: {why}");
    }
    let mut app = App::new(
        ctx.config.language,
        color_allowed(),
        ctx.config.timezone.offset(),
        redact_url(&ctx.config.database_url),
        workers.iter().map(|w| w.channel).collect(),
        clock(),
    );
    app.demo = demo;
    app.declared = ctx.config.store_list();
    app.operator = operator();
    app.hosts = ctx
        .config
        .store_list()
        .into_iter()
        .filter_map(|c| ctx.config.store_host(c).map(|h| (c, h)))
        .collect();
    app.ascii = ctx.config.ascii;
    app.health_rules = ctx.config.health_rules();
    app.bell = ctx.config.alerts.bell;
    app.mails = ctx
        .config
        .stores
        .iter()
        .map(|s| (s.store, s.mails()))
        .collect();
    let mut backend = Backend::new(
        db.clone(),
        ctx.config.timezone,
        initial,
        workers.iter().map(StoreWorker::handle).collect(),
        operator(),
        cancel.clone(),
    );
    backend.alerting = Some(alerting);
    let result = run(app, backend, tx, rx).await;
    // Finish the order in flight, give the leases up.
    cancel.cancel();
    for worker in workers {
        worker.finish().await;
    }
    db.close().await;
    drop(log_guard);
    result.map(|()| 0).map_err(Failure::input)
}

/// The demo: sandbox stores on free ports, a throwaway database with the same sample orders,
/// and the console on them. Everything is removed on exit.
pub async fn demo(args: &DemoArgs, out: &mut Out) -> Result<u8, Failure> {
    let stores = start_stores(&SandboxArgs {
        shopify_port: 0,
        colorme_port: 0,
        orders: args.orders,
        seed: args.seed,
        bucket_size: 2000.0,
        restore_rate: 100.0,
        colorme_rate_limit: 120,
    })
    .await?;
    // Alerts go to the sandbox's sinks: the log shows them arrive, nothing leaves the machine.
    let sink = crate::sandbox::alerts::AlertSink::start()
        .await
        .map_err(|e| Failure::input(format!("cannot start the sandbox's alert sinks: {e}")))?;
    let dir = tempfile::Builder::new()
        .prefix("hassou-demo-")
        .tempdir()
        .map_err(|e| {
            Failure::input(format!(
                "cannot make a directory for the demo database: {e}"
            ))
        })?;
    // A second Shopify store beside the first, with some of the same order numbers: one tab
    // each, and `--store` needed for a number in both.
    let outlet = Store::register("outlet", crate::domain::Channel::Shopify)
        .map_err(|e| Failure::input(e.to_string()))?;
    let (outlet_store, outlet_orders) =
        super::sandbox::start_second_shopify(outlet, (args.orders / 4).max(4), args.seed + 1)
            .await?;
    let file = dir.path().join("hassou.toml");
    let language = match args.lang {
        Language::Ja => "ja",
        Language::En => "en",
    };
    let text = format!(
        "[database]\nurl = \"sqlite://{}\"\n[shop]\nlanguage = \"{language}\"\n\
         [shopify]\nshop_url = \"{}\"\naccess_token = \"{}\"\n\
         [shopify.sync]\nwatch = false\n\
         [stores.outlet]\nchannel = \"shopify\"\nshop_url = \"{}\"\naccess_token = \"{}\"\n\
         [stores.outlet.sync]\nwatch = false\n\
         [colorme]\napi_base = \"{}\"\naccess_token = \"{SANDBOX_TOKEN}\"\nsend_shipping_mail = true\n\
         [colorme.sync]\nwatch = false\n\
         [alerts]\nwebhook_url = \"{}\"\nmail_to = [\"ops@example.jp\"]\n\
         mail_from = \"hassou@example.jp\"\nsmtp_url = \"{}\"\n",
        dir.path().join("hassou.db").display(),
        stores.shopify.url(),
        SandboxOptions::default().token,
        outlet_store.url(),
        SandboxOptions::default().token,
        stores.colorme.url(),
        sink.webhook_url(),
        sink.smtp_url(),
    );
    // Owner-only: it holds the sandbox tokens, and a readable config with a secret is refused.
    crate::token_file::write_owner_only(&file, &text)
        .map_err(|e| Failure::input(format!("{}: {e}", file.display())))?;
    // Only the demo's file: a real token in the environment never goes to the sandbox.
    let mut config = config::load(&ConfigSources {
        explicit: Some(file),
        ..ConfigSources::default()
    })?;
    config.ascii = args.ascii;
    let db = Db::open(&config.database_url).await?;
    db.adopt_stores(&config.store_list()).await?;
    db.upsert_orders(&stores.orders, clock()).await?;
    db.upsert_orders(&outlet_orders, clock()).await?;
    if args.trouble {
        hold_one_at_the_store(&db, &config, &stores).await?;
    }
    fulfil_one_by_hand(&db, &config, &stores).await?;
    db.close().await;
    out.line(
        crate::text::Tell::DemoStarted {
            orders: stores.orders.len() + outlet_orders.len(),
            shopify: stores.shopify.url().as_str(),
            outlet: outlet_store.url().as_str(),
            colorme: stores.colorme.url().as_str(),
        }
        .get(config.language),
    );
    out.flush();
    let ctx = Context {
        config,
        now: clock(),
    };
    let result = console(&ctx, true).await;
    drop(sink);
    drop(outlet_store);
    result
}

/// The demo's drift: staff fulfilled the oldest pending Shopify order by hand in the store's
/// admin, with other tracking — `:reconcile` finds it (`fulfilled_elsewhere`), and the detail
/// settles it (`O` / `T`).
async fn fulfil_one_by_hand(
    db: &Db,
    config: &config::Config,
    stores: &super::sandbox::RunningStores,
) -> Result<(), Failure> {
    let rules = crate::domain::ChannelRules::new(
        Store::SHOPIFY,
        config.initial_settings(Store::SHOPIFY).rules,
        clock(),
        config.timezone,
    );
    let targets = db.targets(&crate::db::ListFilter::new(vec![rules])).await?;
    let pending: Vec<_> = targets
        .iter()
        .filter(|t| t.evaluation.verdict == crate::domain::Verdict::Pending)
        .collect();
    // Not the one --trouble holds (the newest), when there are two.
    if let Some(order) = pending.last().filter(|_| pending.len() > 1) {
        stores.shopify.change_behind(
            &order.stored.order.number,
            &crate::sandbox::behind::Behind::FulfilByHand {
                number: "111122223333".into(),
                company: Some("Sagawa (JA)".into()),
            },
        );
    }
    Ok(())
}

/// `demo --trouble`: the newest pending Shopify order is put on hold at the sandbox store (its
/// fulfillment orders `ON_HOLD`), so the store refuses its write.
async fn hold_one_at_the_store(
    db: &Db,
    config: &config::Config,
    stores: &super::sandbox::RunningStores,
) -> Result<(), Failure> {
    let rules = crate::domain::ChannelRules::new(
        Store::SHOPIFY,
        config.initial_settings(Store::SHOPIFY).rules,
        clock(),
        config.timezone,
    );
    let targets = db.targets(&crate::db::ListFilter::new(vec![rules])).await?;
    if let Some(order) = targets
        .iter()
        .find(|t| t.evaluation.verdict == crate::domain::Verdict::Pending)
    {
        stores
            .shopify
            .update_order(&order.stored.order.remote_id, |o| {
                for f in &mut o.fulfillment_orders {
                    f.status = "ON_HOLD".into();
                }
            });
    }
    Ok(())
}
