//! Runs the one-shot commands of the command line and maps their outcome to the exit status of
//! SPEC §3: 0 success, 1 ran but some orders failed, 2 bad usage, input or configuration, 3 a
//! temporary condition (the database locked, a store out of reach).

mod alerts;
mod auth;
mod config_check;
mod console;
mod daemon;
mod metrics;
mod order;
mod orders;
mod output;
mod reconcile;
mod sandbox;
mod settings;
mod shipments;
mod status;
mod sync;

pub use output::stderr_line;

use crate::domain::Channel;
use std::process::ExitCode;

use chrono::{DateTime, TimeZone, Utc};

use crate::cli::StoreArg;
use crate::cli::{
    Cli, Command, ConfigCommand, OrderAction, OrdersCommand, RuleOverrides, ShipmentsCommand,
};
use crate::config::{self, Config, ConfigSources};
use crate::db::Db;
use crate::domain::time::parse_time;
use crate::domain::{ChannelRules, ShopTimeZone, Store};

pub use output::Out;

/// Why a command stopped, and with which exit status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    /// Bad usage, input or configuration: exit 2.
    pub fn input(message: impl Into<String>) -> Failure {
        Failure {
            code: 2,
            message: message.into(),
        }
    }

    /// A temporary condition (the database locked by another process, a store that cannot be
    /// reached at all): exit 3, nothing changed, try again later.
    pub fn temporary(message: impl Into<String>) -> Failure {
        Failure {
            code: 3,
            message: message.into(),
        }
    }
}

impl From<config::ConfigError> for Failure {
    fn from(e: config::ConfigError) -> Failure {
        Failure::input(e.to_string())
    }
}

impl From<crate::db::DbError> for Failure {
    fn from(e: crate::db::DbError) -> Failure {
        if e.is_temporary() {
            Failure::temporary(format!("{e} (nothing was changed; try again later)"))
        } else {
            Failure::input(e.to_string())
        }
    }
}

impl From<crate::import::stream::StreamError> for Failure {
    fn from(e: crate::import::stream::StreamError) -> Failure {
        match e {
            crate::import::stream::StreamError::File(e) => Failure::from(e),
            crate::import::stream::StreamError::Db(e) => Failure::from(e),
        }
    }
}

impl From<crate::import::ImportError> for Failure {
    fn from(e: crate::import::ImportError) -> Failure {
        Failure::input(e.to_string())
    }
}

/// Waits for SIGTERM or SIGINT and says which came (a signal that cannot be listened for is
/// never reported).
pub async fn termination() -> &'static str {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut terminate), Ok(mut interrupt), Ok(mut hangup)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
        signal(SignalKind::hangup()),
    ) else {
        return std::future::pending().await;
    };
    // SIGHUP: the SSH session the command ran in closed; systemd sends SIGTERM.
    tokio::select! {
        _ = terminate.recv() => "SIGTERM",
        _ = interrupt.recv() => "SIGINT",
        _ = hangup.recv() => "SIGHUP",
    }
}

/// What every command needs: the configuration, the clock, and (opened on demand) the database.
pub struct Context {
    pub config: Config,
    /// The instant the command runs at: now, or `$HASSOU_NOW` (RFC 3339) for reproducible runs.
    pub now: DateTime<Utc>,
}

impl Context {
    /// The store a command names (SPEC §3: a store's name, or a channel's name when exactly one
    /// store of it is configured); otherwise exit 2 naming the configured ones.
    pub fn store(&self, arg: &StoreArg) -> Result<Store, Failure> {
        self.config.store_named(&arg.0).map_err(|e| {
            Failure::input(crate::text::Tell::NoSuchStore(&e).get(self.config.language))
        })
    }

    /// [`Context::store`] of an optional `--store`.
    pub fn maybe_store(&self, arg: &Option<StoreArg>) -> Result<Option<Store>, Failure> {
        arg.as_ref().map(|a| self.store(a)).transpose()
    }

    pub async fn open_db(&self) -> Result<Db, Failure> {
        let url = &self.config.database_url;
        if !self.config.database_is_default
            && let Some(dir) = crate::db::sqlite_folder(url)
            && !dir.is_dir()
        {
            return Err(Failure::input(format!(
                "database {}: the folder {} does not exist (a mistyped path would start an empty \
                 database); create it first or correct [database] url",
                crate::db::redact_url(url),
                dir.display()
            )));
        }
        let db = Db::open(url).await?;
        db.adopt_stores(&self.config.store_list()).await?;
        Ok(db)
    }

    /// The rules of each channel: the settings stored in the database (seeded from the
    /// configuration on first use), overridden by the command's own flags.
    pub async fn rules(
        &self,
        db: &Db,
        channels: &[Store],
        overrides: &RuleOverrides,
    ) -> Result<Vec<ChannelRules>, Failure> {
        let as_of = match &overrides.as_of {
            Some(text) => parse_as_of(text, self.config.timezone)
                .map_err(|m| Failure::input(format!("--as-of: {m}")))?,
            None => self.now,
        };
        let mut rules = Vec::new();
        for channel in channels {
            let stored = db
                .settings_or_init(
                    *channel,
                    &self.config.initial_settings(*channel),
                    "config",
                    self.now,
                )
                .await?;
            let mut settings = stored.rules;
            if let Some(period) = overrides.period {
                settings.period = period;
            }
            if let Some(statuses) = overrides.statuses {
                settings.statuses = statuses;
            }
            if let Some(only) = overrides.shipped_date_only() {
                settings.shipped_date_only = only;
            }
            rules.push(ChannelRules::new(
                *channel,
                settings,
                as_of,
                self.config.timezone,
            ));
        }
        Ok(rules)
    }
}

/// The stores a command named (each once, in the order named), or with `--all` every configured
/// one; a store that is not configured is refused when it is named, left out when `--all`.
pub fn chosen_stores(ctx: &Context, named: &[StoreArg], all: bool) -> Result<Vec<Store>, Failure> {
    if all {
        let configured: Vec<Store> = ctx
            .config
            .store_list()
            .into_iter()
            .filter(|c| crate::stores::connector(&ctx.config, *c).is_ok())
            .collect();
        if configured.is_empty() {
            return Err(Failure::input(
                crate::text::Say::NoStoreConfigured.get(ctx.config.language),
            ));
        }
        return Ok(configured);
    }
    let mut stores = Vec::new();
    for arg in named {
        let store = ctx.store(arg)?;
        if !stores.contains(&store) {
            stores.push(store);
        }
    }
    Ok(stores)
}

/// Runs `one` for each store — several at once, as they share no pace, lease or bucket — and
/// writes their outputs in the order the stores were named. One store: exactly as before. The
/// exit status is the gravest of them; each failure's words go to standard error.
pub async fn each_store<F, Fut>(stores: &[Store], out: &mut Out, one: F) -> Result<u8, Failure>
where
    F: Fn(Store, Out) -> Fut,
    Fut: std::future::Future<Output = (Out, Result<u8, Failure>)>,
{
    let results =
        futures_util::future::join_all(stores.iter().map(|store| one(*store, Out::memory()))).await;
    // One store: its own exit and failure, exactly as before.
    let single = results.len() == 1;
    let mut code = 0;
    for (buffer, result) in results {
        out.append(buffer);
        if single {
            return result;
        }
        match result {
            Ok(c) => code = code.max(c),
            Err(failure) => {
                output::stderr_line(&failure.message);
                code = code.max(failure.code);
            }
        }
    }
    Ok(code)
}

/// An instant (RFC 3339, or a local time), or a date alone meaning the end of that day in the
/// shop's time zone ("as of 2026-11-24" includes everything changed that day).
pub fn parse_as_of(text: &str, tz: ShopTimeZone) -> Result<DateTime<Utc>, String> {
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        let end = date.and_hms_opt(23, 59, 59).unwrap_or_default();
        return tz
            .offset()
            .from_local_datetime(&end)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| format!("{text:?} is not a day in the shop's time zone"));
    }
    parse_time(text, tz)
}

/// The clock of this process: `$HASSOU_NOW` when set (tests, demos), else the system clock.
pub fn process_now() -> Result<DateTime<Utc>, Failure> {
    match std::env::var("HASSOU_NOW") {
        Ok(text) if !text.trim().is_empty() => DateTime::parse_from_rfc3339(text.trim())
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| {
                Failure::input(format!("HASSOU_NOW={text:?} is not an RFC 3339 time: {e}"))
            }),
        _ => Ok(Utc::now()),
    }
}

/// The clock handed to long-running work: `$HASSOU_NOW` if valid, else the system clock.
pub fn clock() -> DateTime<Utc> {
    process_now().unwrap_or_else(|_| Utc::now())
}

/// Who runs a command, for the audit trail: `user@host`.
pub fn operator() -> String {
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into());
    format!("{user}@{host}")
}

/// Runs a parsed command line and returns the process exit status.
pub async fn run(cli: Cli) -> ExitCode {
    let mut out = Out::stdout();
    let result = dispatch(cli, &mut out).await;
    out.flush();
    match result {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            output::stderr_line(&failure.message);
            ExitCode::from(failure.code)
        }
    }
}

async fn dispatch(cli: Cli, out: &mut Out) -> Result<u8, Failure> {
    let mut config = config::load(&ConfigSources::from_process(cli.config.clone()))?;
    config.ascii |= cli.ascii;
    let ctx = Context {
        config,
        now: process_now()?,
    };
    let Some(command) = cli.command else {
        return console::console(&ctx, false).await;
    };
    match command {
        Command::Demo(args) => console::demo(&args, out).await,
        Command::Orders(OrdersCommand::Import { file, dry_run }) => {
            orders::import(&ctx, &file, dry_run, out).await
        }
        Command::Orders(OrdersCommand::List(args)) => orders::list(&ctx, &args, out).await,
        Command::Shipments(ShipmentsCommand::Import(args)) => {
            shipments::import(&ctx, &args, out).await
        }
        Command::Order(args) => match args.action {
            OrderAction::Show { rules, json } => {
                order::show(
                    &ctx,
                    &args.number,
                    ctx.maybe_store(&args.channel)?,
                    &rules,
                    json,
                    out,
                )
                .await
            }
            OrderAction::Set(set) => {
                order::set(
                    &ctx,
                    &args.number,
                    ctx.maybe_store(&args.channel)?,
                    &set,
                    out,
                )
                .await
            }
            OrderAction::SendMail { yes } => {
                order::send_mail(
                    &ctx,
                    &args.number,
                    ctx.maybe_store(&args.channel)?,
                    yes,
                    out,
                )
                .await
            }
            OrderAction::Hold { reason } => {
                order::hold(
                    &ctx,
                    &args.number,
                    ctx.maybe_store(&args.channel)?,
                    reason.as_deref(),
                    out,
                )
                .await
            }
            OrderAction::Release => {
                order::release(&ctx, &args.number, ctx.maybe_store(&args.channel)?, out).await
            }
            OrderAction::Resolve { ours, yes, .. } => {
                reconcile::resolve(
                    &ctx,
                    &args.number,
                    ctx.maybe_store(&args.channel)?,
                    ours,
                    yes,
                    out,
                )
                .await
            }
        },
        Command::Config(ConfigCommand::Check) => config_check::check(&ctx, out),
        Command::Sync(args) => sync::sync(&ctx, &args, out).await,
        Command::Pull(args) => sync::pull(&ctx, &args, out).await,
        Command::Sandbox(args) => sandbox::run(&args, out).await,
        Command::Auth(args) => match ctx.store(&args.store)? {
            store if store.channel() == Channel::Colorme => auth::colorme(&ctx, store, out).await,
            // Shopify's custom-app token comes from its admin, not from a sign-in here.
            _ => Err(Failure::input(
                crate::text::Say::ShopifySignsInWithAToken.get(ctx.config.language),
            )),
        },
        Command::Daemon(args) => daemon::run(&ctx, &args).await,
        Command::Status(args) => status::status(&ctx, &args, out).await,
        Command::Settings(args) => settings::settings(&ctx, &args, out).await,
        Command::Alerts(crate::cli::AlertsCommand::Test) => alerts::test(&ctx, out).await,
        Command::Reconcile(args) => reconcile::reconcile(&ctx, &args, out).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_of_accepts_a_date_as_the_end_of_that_day() {
        let tz = ShopTimeZone::jst();
        let end = parse_as_of("2026-11-24", tz).expect("date");
        assert_eq!(end.to_rfc3339(), "2026-11-24T14:59:59+00:00");
        assert!(parse_as_of("2026-11-24T12:00:00+09:00", tz).is_ok());
        assert!(parse_as_of("tomorrow", tz).is_err());
    }
}
