//! Shared test fixtures: databases on both backends, times, orders.
#![allow(dead_code)]

use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, Utc};
use hassou::db::Db;
use hassou::domain::{
    Carrier, ChannelRules, Order, OrderStatus, RuleSettings, ShopTimeZone, Store, Tracking,
};
use hassou::sync::{Connector, RunReport, SyncEngine, SyncOptions};
use sqlx::postgres::PgConnectOptions;
use tokio_util::sync::CancellationToken;

pub mod fake_store;
pub mod scripted;

/// The hassou binary with `--config config` and none of this environment's `HASSOU_*`
/// variables (a developer's token or database must not reach a test).
pub fn hassou_command(config: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_hassou"));
    cmd.arg("--config").arg(config);
    for (key, _) in std::env::vars() {
        if key.starts_with("HASSOU_") {
            cmd.env_remove(key);
        }
    }
    cmd
}

/// Writes a configuration file as an operator must: only its owner may read or change it
/// (hassou refuses one others can change, or read while it holds a token).
pub fn write_config(path: &std::path::Path, text: impl AsRef<[u8]>) -> std::io::Result<()> {
    std::fs::write(path, text)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// `TEST_DATABASE_URL`, or `None` (the test is skipped) when it is not given; CI sets
/// `HASSOU_REQUIRE_POSTGRES=1` so that a missing URL fails instead.
fn test_database_url() -> Option<String> {
    let url = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty());
    if url.is_none() {
        assert!(
            std::env::var_os("HASSOU_REQUIRE_POSTGRES").is_none(),
            "HASSOU_REQUIRE_POSTGRES is set but TEST_DATABASE_URL is not"
        );
        eprintln!("skipped: TEST_DATABASE_URL is not set");
    }
    url
}

/// A name no other test of any process has used: `prefix`, the process, a counter, the clock.
fn fresh_name(prefix: &str) -> String {
    format!(
        "{prefix}{}_{}_{}",
        std::process::id(),
        SCHEMA_COUNTER.fetch_add(1, Ordering::SeqCst),
        Utc::now().timestamp_micros()
    )
}

/// Runs one `CREATE …` on the server of `url`.
async fn create_on(url: &str, statement: &str) {
    let admin = sqlx::PgPool::connect(url)
        .await
        .expect("connect to TEST_DATABASE_URL");
    sqlx::query(sqlx::AssertSqlSafe(statement.to_owned()))
        .execute(&admin)
        .await
        .expect(statement);
    admin.close().await;
}

/// The URL of a fresh PostgreSQL database on `TEST_DATABASE_URL` (for tests that run the
/// binary), or `None` when no URL is given (`HASSOU_REQUIRE_POSTGRES` makes that a failure).
pub async fn postgres_database() -> Option<String> {
    let url = test_database_url()?;
    let name = fresh_name("h");
    create_on(&url, &format!("CREATE DATABASE {name}")).await;
    let mut fresh = url::Url::parse(&url).expect("TEST_DATABASE_URL");
    fresh.set_path(&format!("/{name}"));
    Some(fresh.to_string())
}

/// The clock the command-line tests edit and import at, so a later `--as-of` (or a sync at
/// the same clock) sees their changes inside the period.
pub const EDIT_CLOCK: &str = "2026-11-24T11:00:00+09:00";

/// [`hassou_command`] with `args`, at [`EDIT_CLOCK`].
pub fn hassou_at_edit_clock(config: &std::path::Path, args: &[&str]) -> std::process::Command {
    let mut cmd = hassou_command(config);
    cmd.args(args);
    cmd.env("HASSOU_NOW", EDIT_CLOCK);
    cmd
}

/// The instant the store tests run at.
pub const AS_OF: &str = "2026-11-24T12:00:00+09:00";

pub fn as_of() -> DateTime<Utc> {
    t(AS_OF)
}

/// One sync run (not a dry run) of the connector's store with `settings` at [`as_of`], recorded
/// as run from `host`.
pub async fn sync_run(
    db: &Db,
    connector: &impl Connector,
    settings: RuleSettings,
    host: &str,
) -> RunReport {
    let rules = ChannelRules::new(connector.store(), settings, as_of(), ShopTimeZone::jst());
    let options = SyncOptions {
        dry_run: false,
        trigger: hassou::domain::job::Trigger::Cli,
        host: host.into(),
    };
    SyncEngine::new(db, connector)
        .with_clock(as_of)
        .run(rules, &options, None, &CancellationToken::new())
        .await
        .expect("run")
}

pub fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .expect("test time")
}

/// A target in both channels on 2026-11-24: processed, ordered on the 20th, changed and shipped
/// on the 23rd, Yamato, with this tracking. Its remote id is `r-{number}`.
pub fn target_order(channel: Store, number: &str, tracking: &str) -> Order {
    Order {
        store: channel,
        remote_id: format!("r-{number}"),
        number: number.into(),
        status: OrderStatus::Processed,
        ordered_at: t("2026-11-20T10:00:00+09:00"),
        updated_at: t("2026-11-23T10:00:00+09:00"),
        shipped_on: Some("2026-11-23".parse().expect("date")),
        carrier: Some(Carrier::Yamato),
        tracking: Tracking::parse(tracking),
        bundle_parent: None,
    }
}

pub async fn sqlite_db() -> Db {
    Db::in_memory().await.expect("in-memory SQLite")
}

static SCHEMA_COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh, migrated PostgreSQL schema on `TEST_DATABASE_URL`, or `None` (the test is skipped)
/// when no URL is given. CI sets `HASSOU_REQUIRE_POSTGRES=1` so that a missing URL fails instead.
pub async fn postgres_db() -> Option<Db> {
    postgres_dbs(1).await.map(|mut dbs| dbs.remove(0))
}

/// `n` separate connections pools (as `n` processes would have) to one fresh schema.
pub async fn postgres_dbs(n: usize) -> Option<Vec<Db>> {
    let url = test_database_url()?;
    let schema = fresh_name("t");
    create_on(&url, &format!("CREATE SCHEMA {schema}")).await;
    let mut dbs = Vec::new();
    for _ in 0..n {
        let options = PgConnectOptions::from_str(&url)
            .expect("TEST_DATABASE_URL")
            .options([("search_path", schema.as_str())]);
        dbs.push(
            Db::open_postgres(options, "TEST_DATABASE_URL")
                .await
                .expect("open PostgreSQL"),
        );
    }
    Some(dbs)
}

/// Generates `mod sqlite` and `mod postgres`, each with one `#[tokio::test]` per named async
/// function `fn(Db)`, so the log names the backend every test ran on.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::common::sqlite_db().await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    if let Some(db) = $crate::common::postgres_db().await {
                        super::$name(db).await;
                    }
                }
            )*
        }
    };
}

/// A Shopify connector to `url` with `token` whose client gives up after 150 ms and retries at
/// once (the fault proofs: a reply slower than that is abandoned, its write left uncertain).
pub fn impatient_shopify(
    url: &url::Url,
    token: &str,
) -> hassou::channels::shopify::connector::ShopifyConnector {
    use hassou::channels::shopify::client::{ClientOptions, ShopifyClient};
    let client = ShopifyClient::new(
        url,
        "2026-07",
        secrecy::SecretString::from(token.to_owned()),
        ClientOptions {
            timeout: std::time::Duration::from_millis(150),
            retry_delay: std::time::Duration::from_millis(2),
            ..ClientOptions::default()
        },
    )
    .expect("client");
    hassou::channels::shopify::connector::ShopifyConnector::new(client, true)
}

/// The カラーミー twin of [`impatient_shopify`] (no gap between requests), the mail on.
pub fn impatient_colorme(
    url: &url::Url,
    token: &str,
) -> hassou::channels::colorme::connector::ColormeConnector {
    use hassou::channels::colorme::client::{ClientOptions, ColormeClient};
    let client = ColormeClient::new(
        url,
        secrecy::SecretString::from(token.to_owned()),
        ClientOptions {
            timeout: std::time::Duration::from_millis(150),
            gap: std::time::Duration::ZERO,
            retry_delay: std::time::Duration::from_millis(2),
            ..ClientOptions::default()
        },
    )
    .expect("client");
    hassou::channels::colorme::connector::ColormeConnector::new(client, true)
}
