//! The command line (SPEC §3). Only parsing lives here; `commands` runs what was asked.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::Language;
use crate::domain::{Period, StatusOption, Store, Verdict};

#[derive(Debug, Parser)]
#[command(
    name = "hassou",
    version,
    about = "発送: write tracking, carrier and shipped state back to Shopify and カラーミーショップ",
    long_about = "発送: write tracking, carrier and shipped state back to Shopify and カラーミーショップ.\n\nWith no command: the console (a terminal screen). `hassou demo` tries it on sample orders and the sandbox stores."
)]
pub struct Cli {
    /// Configuration file (else $HASSOU_CONFIG, else ~/.config/hassou/config.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The console's borders and separators in ASCII (also `[shop] ascii`).
    #[arg(long)]
    pub ascii: bool,

    /// None: the console.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The console on a throwaway database and the sandbox stores, with sample orders.
    Demo(DemoArgs),
    /// Orders: import a file, list with verdicts.
    #[command(subcommand)]
    Orders(OrdersCommand),
    /// Carrier files: tracking numbers, carrier and 出荷日 from the label software's export.
    #[command(subcommand)]
    Shipments(ShipmentsCommand),
    /// One order: show it and why it is (not) written, or change its shipping fields.
    Order(OrderArgs),
    /// Configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// 発送情報の更新: write tracking and shipped state of every pending order to a store.
    Sync(SyncArgs),
    /// 受注取得: import orders changed at a store in the last days.
    Pull(PullArgs),
    /// Run the sandbox stores on 127.0.0.1 (real HTTP, the stores' wire formats, sample orders).
    Sandbox(SandboxArgs),
    /// Sign in to a カラーミー store (`auth colorme`).
    Auth(AuthArgs),
    /// Scheduled pull and sync of every configured store, no screen (for systemd).
    Daemon(DaemonArgs),
    /// What each store's schedule is doing: who runs it, next and last run, failures, orders.
    Status(StatusArgs),
    /// A store's operational settings; KEY=VALUE pairs change them (the console's `:` names).
    Settings(SettingsArgs),
    /// Alerts (`[alerts]`): send a test alert to every configured destination.
    #[command(subcommand)]
    Alerts(AlertsCommand),
    /// Read back what the store holds for every order changed in the last days and compare it
    /// with what hassou confirmed: each difference is a drift (never written until settled with
    /// `order N resolve`). Writes nothing to the store. Exit 0: all agree; 1: some drift.
    Reconcile(PullArgs),
}

#[derive(Debug, Subcommand)]
pub enum AlertsCommand {
    /// Send one test alert to every configured destination now, and say how each went.
    Test,
}

#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// shopify | colorme
    #[arg(value_parser = parse_channel)]
    pub channel: StoreArg,
    /// Changes: period=5, statuses=processed, shipped-date-only=on, auto-sync=on,
    /// auto-sync-every=30m, auto-pull=on, watch=on, active-hours=08:00-21:00,
    /// active-days=mon-sat, skip-holidays=on.
    #[arg(value_name = "KEY=VALUE")]
    pub changes: Vec<String>,
    /// Turning auto sync or watch on writes the plan shown: --yes confirms it.
    #[arg(long)]
    pub yes: bool,
    /// One JSON object: the store, its settings, what changed, and the plan when one is shown.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many sample orders.
    #[arg(long, default_value_t = 60)]
    pub orders: usize,
    /// Seed of the sample orders.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// ja | en
    #[arg(long, default_value = "ja", value_parser = parse_language)]
    pub lang: Language,
    /// Borders and separators in ASCII (for terminals that draw ─ │ · … two cells wide).
    #[arg(long)]
    pub ascii: bool,
    /// One pending Shopify order is on hold at the sandbox store, so a sync fails it: the
    /// health line, the bell and an alert arriving in the sandbox's sinks (shown in the log).
    #[arg(long)]
    pub trouble: bool,
}

fn parse_language(text: &str) -> Result<Language, String> {
    match text {
        "ja" => Ok(Language::Ja),
        "en" => Ok(Language::En),
        other => Err(format!("{other:?}: ja or en")),
    }
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// One JSON object per store.
    #[arg(long)]
    pub json: bool,
    /// For cron and Nagios-style checks: one line per problem; exit 0 only when every store is ok.
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct DaemonArgs {
    /// Where the daily log files go (default: the user's data dir, logs/).
    #[arg(long, value_name = "DIR")]
    pub log_dir: Option<PathBuf>,
    /// Also log to standard error.
    #[arg(long)]
    pub stderr: bool,
    /// Serve Prometheus text at /metrics and /healthz (200 when every store is ok) on ADDR,
    /// e.g. 127.0.0.1:9464.
    #[arg(long, value_name = "ADDR")]
    pub metrics: Option<std::net::SocketAddr>,
}

#[derive(Debug, Args)]
pub struct AuthArgs {
    /// The カラーミー store to sign in (OAuth with an out-of-band code: works over SSH, and piped).
    #[arg(value_parser = parse_channel, value_name = "STORE")]
    pub store: StoreArg,
}

#[derive(Debug, Clone, Args)]
pub struct SyncArgs {
    /// The stores: shopify | colorme, one or several (each store's run goes at once).
    #[arg(value_parser = parse_channel, value_name = "STORE", required_unless_present = "all")]
    pub stores: Vec<StoreArg>,
    /// Every configured store.
    #[arg(long, conflicts_with = "stores")]
    pub all: bool,
    /// The store of this run (one of `stores`).
    #[arg(skip = Store::SHOPIFY)]
    pub channel: Store,
    /// Send nothing; show exactly what would be sent.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub rules: RuleOverrides,
    /// One JSON object with the counts and every order's result.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct PullArgs {
    /// The stores: shopify | colorme, one or several (each store's goes at once).
    #[arg(value_parser = parse_channel, value_name = "STORE", required_unless_present = "all")]
    pub stores: Vec<StoreArg>,
    /// Every configured store.
    #[arg(long, conflicts_with = "stores")]
    pub all: bool,
    /// The store of this run (one of `stores`).
    #[arg(skip = Store::SHOPIFY)]
    pub channel: Store,
    /// 受注を取得する日数 (default: the channel's pull_days setting).
    #[arg(long, value_name = "N")]
    pub days: Option<u32>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Port of the sandbox Shopify on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8701)]
    pub shopify_port: u16,
    /// Port of the sandbox カラーミーショップ on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8702)]
    pub colorme_port: u16,
    /// How many sample orders to create.
    #[arg(long, default_value_t = 50)]
    pub orders: usize,
    /// Seed of the sample orders (the same seed gives the same orders).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Size of the sandbox Shopify's cost bucket, in points.
    #[arg(long, default_value_t = 2000.0)]
    pub bucket_size: f64,
    /// Points restored per second.
    #[arg(long, default_value_t = 100.0)]
    pub restore_rate: f64,
    /// Requests a カラーミー token may make per minute before the sandbox answers 429 (0: no
    /// limit, as the live API today).
    #[arg(long, default_value_t = 120)]
    pub colorme_rate_limit: usize,
}

#[derive(Debug, Subcommand)]
pub enum ShipmentsCommand {
    /// Read a B2クラウド, e飛伝Ⅱ, ゆうプリR or generic file (CP932 or UTF-8) and set the matching
    /// orders' tracking, carrier and 出荷日 (all or nothing).
    Import(ShipmentsImportArgs),
}

#[derive(Debug, Args)]
pub struct ShipmentsImportArgs {
    pub file: PathBuf,
    /// auto | b2 | ehiden | yupri | generic
    #[arg(long, default_value = "auto")]
    pub format: String,
    /// Match only this store's orders (a key found in two stores is otherwise ambiguous).
    #[arg(long, visible_alias = "store", value_parser = parse_channel)]
    pub channel: Option<StoreArg>,
    /// Also move each changed order that is 発送待ち (awaiting_shipment) to 処理済み (processed).
    #[arg(long)]
    pub mark_processed: bool,
    /// Show everything, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// One JSON object (SPEC §3).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum OrdersCommand {
    /// Load orders from a CSV or JSON Lines file (all or nothing).
    Import {
        file: PathBuf,
        /// Check the file and show what would change, without writing.
        #[arg(long)]
        dry_run: bool,
    },
    /// List orders with their verdicts and reasons.
    List(ListArgs),
}

/// The rule settings a command may override for itself (not saved).
#[derive(Debug, Clone, Args, Default)]
pub struct RuleOverrides {
    /// Judge as of this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<String>,
    /// 作成期間 in days, 1–13.
    #[arg(long, value_name = "N", value_parser = parse_period)]
    pub period: Option<Period>,
    /// Shopify's export-status option: processed | all-but-new-cancelled.
    #[arg(long, value_name = "O", value_parser = parse_status_option)]
    pub statuses: Option<StatusOption>,
    /// カラーミー: mark 配送済み only when 出荷日 is entered.
    #[arg(long, overrides_with = "no_shipped_date_only")]
    pub shipped_date_only: bool,
    /// カラーミー: mark 配送済み whenever a tracking number is entered.
    #[arg(long, overrides_with = "shipped_date_only")]
    pub no_shipped_date_only: bool,
}

impl RuleOverrides {
    pub fn shipped_date_only(&self) -> Option<bool> {
        if self.shipped_date_only {
            Some(true)
        } else if self.no_shipped_date_only {
            Some(false)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// Only this channel: shopify | colorme.
    #[arg(long, visible_alias = "store", value_name = "C", value_parser = parse_channel)]
    pub channel: Option<StoreArg>,
    #[command(flatten)]
    pub rules: RuleOverrides,
    /// Only orders with this verdict: pending | synced | waiting | failed | ineligible | drift.
    #[arg(long, value_name = "V", value_parser = parse_verdict)]
    pub verdict: Option<Verdict>,
    /// Only orders whose number, remote id or tracking contains this text.
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// At most this many orders (newest change first).
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
    /// One JSON object per order and line.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct OrderArgs {
    /// The order number (#1001, a sale id).
    pub number: String,
    /// The channel, when the number exists in both.
    #[arg(long, visible_alias = "store", global = true, value_name = "C", value_parser = parse_channel)]
    pub channel: Option<StoreArg>,
    #[command(subcommand)]
    pub action: OrderAction,
}

#[derive(Debug, Subcommand)]
pub enum OrderAction {
    /// Show the order, its verdict with reasons, what its store holds and its audit trail.
    Show {
        #[command(flatten)]
        rules: RuleOverrides,
        #[arg(long)]
        json: bool,
    },
    /// Change shipping fields. An empty value clears a field.
    Set(SetArgs),
    /// Send カラーミー's 商品発送 mail for this sale now, by hand (after the store refused it during
    /// a sync). Shows what it would send; sends only with --yes. Never sends a mail twice.
    SendMail {
        #[arg(long)]
        yes: bool,
    },
    /// Hold the order: never written (verdict ineligible, reason held) until released. Pulls,
    /// imports and carrier files leave the hold in place.
    Hold {
        /// Why, for whoever looks next (shown with who held it and when).
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
    },
    /// Release a hold: the next run writes the order if the rules say so.
    Release,
    /// Settle a drift `hassou reconcile` found: --ours makes hassou's values pending again (the
    /// next confirmed run writes them: a Shopify correction updates the fulfillment, never a
    /// second one); --store-values takes the store's values into hassou (nothing is sent). Shows
    /// what it will do; acts only with --yes.
    Resolve {
        #[arg(
            long,
            conflicts_with = "store_values",
            required_unless_present = "store_values"
        )]
        ours: bool,
        #[arg(long)]
        store_values: bool,
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Args)]
pub struct SetArgs {
    /// new | awaiting_payment | awaiting_shipment | on_hold | processed | cancelled (or 処理済み …).
    #[arg(long, value_name = "S")]
    pub status: Option<String>,
    /// yamato | sagawa | japan_post | seino | fukuyama | any other name.
    #[arg(long, value_name = "C")]
    pub carrier: Option<String>,
    /// One or more numbers separated by , or ; — or free text such as 定形外郵便.
    #[arg(long, value_name = "T")]
    pub tracking: Option<String>,
    /// 出荷日, YYYY-MM-DD.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub shipped_on: Option<String>,
    /// 同梱: the number of the parent order in the same channel.
    #[arg(long, value_name = "NUMBER")]
    pub bundle_parent: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Read and validate the configuration; show what is in effect (never secrets).
    Check,
}

/// A store as the command line names it: a store's name, or a channel's name meaning its one
/// store. Which stores exist is the configuration's to say (`Context::store`), read after the
/// arguments; only the spelling is checked here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreArg(pub String);

impl std::fmt::Display for StoreArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn parse_channel(s: &str) -> Result<StoreArg, String> {
    let s = s.trim();
    if Store::is_valid_name(s) || s.parse::<crate::domain::Channel>().is_ok() {
        Ok(StoreArg(s.to_owned()))
    } else {
        Err(format!(
            "{s:?} is not a store name (letters, digits, - and _)"
        ))
    }
}

fn parse_period(s: &str) -> Result<Period, String> {
    s.parse().map_err(|e| format!("{e}"))
}

fn parse_status_option(s: &str) -> Result<StatusOption, String> {
    s.parse().map_err(|e| format!("{e}"))
}

fn parse_verdict(s: &str) -> Result<Verdict, String> {
    s.parse().map_err(|e| format!("{e}"))
}
