//! Issue 22: a database made by the previous release (before stores had names) opens with every
//! order, setting, hold and audit row under the stores `shopify` and `colorme`, on both backends.
//! The fixtures were made by that release's binary (commit 9d77983) against its sandbox stores:
//! 8 Shopify orders and 4 カラーミー sales pulled; #1001, #1002 and 20000005 edited and synced;
//! #1003 held ("customer asked to wait"); Shopify's period set to 7 days with auto pull on,
//! カラーミー's to 5 days (the PostgreSQL dump by pg_dump --inserts, its psql-only `\restrict` lines
//! taken out). A configuration naming a new store then adds it beside them.

mod common;

use std::path::Path;

use serde_json::Value;

/// When the fixture's edits (2026-12-07 09:07 JST) are inside both periods.
const NOW: &str = "2026-12-07T12:00:00+09:00";

fn run(config: &Path, args: &[&str]) -> std::process::Output {
    let out = common::hassou_command(config)
        .args(args)
        .env("HASSOU_NOW", NOW)
        .output()
        .expect("run hassou");
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn lines_json(out: &std::process::Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

fn config(dir: &Path, database: &str, extra: &str) -> std::path::PathBuf {
    let path = dir.join("config.toml");
    common::write_config(
        &path,
        format!(
            "[database]\nurl = \"{database}\"\n[shop]\nlanguage = \"en\"\n\
             [shopify]\nshop_url = \"https://example.myshopify.com\"\n[colorme]\n{extra}"
        ),
    )
    .expect("config");
    path
}

/// Everything the previous release left is there, under its store.
fn everything_is_kept(config: &Path) {
    let orders = lines_json(&run(config, &["orders", "list", "--json"]));
    assert_eq!(orders.len(), 12, "{orders:?}");
    let of = |store: &str| orders.iter().filter(|o| o["store"] == store).count();
    assert_eq!((of("shopify"), of("colorme")), (8, 4));
    let verdict = |number: &str| {
        orders
            .iter()
            .find(|o| o["number"] == number)
            .map(|o| o["verdict"].as_str().unwrap_or_default().to_owned())
    };
    assert_eq!(verdict("#1001").as_deref(), Some("synced"));
    assert_eq!(verdict("#1002").as_deref(), Some("synced"));
    assert_eq!(verdict("20000005").as_deref(), Some("synced"));

    let status = lines_json(&run(config, &["status", "--json"]));
    let settings = |store: &str| {
        status
            .iter()
            .find(|s| s["store"] == store)
            .map(|s| s["settings"].clone())
            .expect("the store's status")
    };
    assert_eq!(settings("shopify")["period_days"], 7);
    assert_eq!(settings("shopify")["auto_pull"], true);
    assert_eq!(settings("colorme")["period_days"], 5);

    let held = run(config, &["order", "#1003", "show"]);
    let held = String::from_utf8_lossy(&held.stdout);
    assert!(held.contains("customer asked to wait"), "{held}");
    let audited = run(config, &["order", "#1001", "show"]);
    let audited = String::from_utf8_lossy(&audited.stdout);
    assert!(audited.contains("fulfilled"), "the audit trail: {audited}");
    let audited = run(config, &["order", "20000005", "--store", "colorme", "show"]);
    assert!(String::from_utf8_lossy(&audited.stdout).contains("delivered"));
}

/// A store added by name sits beside the old ones; the old ones keep their rows.
fn a_new_store_joins_them(dir: &Path, database: &str) {
    let named = config(
        dir,
        database,
        "[stores.upgrade-outlet]\nchannel = \"colorme\"\naccess_token = \"t\"\n",
    );
    everything_is_kept(&named);
    let status = lines_json(&run(&named, &["status", "--json"]));
    let stores: Vec<&str> = status.iter().filter_map(|s| s["store"].as_str()).collect();
    assert_eq!(stores, ["shopify", "colorme", "upgrade-outlet"]);
    // The name now means a カラーミー store in this database: another channel is refused.
    let other = config(
        dir,
        database,
        "[stores.upgrade-outlet]\nchannel = \"shopify\"\n",
    );
    let out = common::hassou_command(&other)
        .args(["orders", "list"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("upgrade-outlet"), "{stderr}");
    assert!(
        stderr.contains("is a colorme store in this database"),
        "{stderr}"
    );
}

#[test]
fn a_sqlite_database_of_the_previous_release_keeps_everything() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("hassou.db");
    std::fs::copy("tests/fixtures/upgrade/previous-release.sqlite3", &file).expect("fixture");
    let database = format!("sqlite://{}", file.display());
    everything_is_kept(&config(dir.path(), &database, ""));
    a_new_store_joins_them(dir.path(), &database);
}

#[tokio::test]
async fn a_postgres_database_of_the_previous_release_keeps_everything() {
    let Some(database) = common::postgres_database().await else {
        return;
    };
    let dump = std::fs::read_to_string("tests/fixtures/upgrade/previous-release.postgres.sql")
        .expect("fixture");
    let pool = sqlx::PgPool::connect(&database).await.expect("connect");
    sqlx::raw_sql(sqlx::AssertSqlSafe(dump))
        .execute(&pool)
        .await
        .expect("load the previous release's dump");
    pool.close().await;
    let dir = tempfile::tempdir().expect("dir");
    everything_is_kept(&config(dir.path(), &database, ""));
    a_new_store_joins_them(dir.path(), &database);
}
