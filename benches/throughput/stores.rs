//! Issue 22's figure: a slow store never delays a fast one. Two Shopify stores in one database —
//! `fast` at the bucket of issue 14 (1000 points, 100 a second) and `slow`, throttled hard (a
//! 300-point bucket restored at 15 points a second: an order every two seconds) — each with the
//! same number of pending orders. `hassou sync --all` runs both; the fast store's run (from its
//! sandbox's last write, timed from the start of the process) must take no longer than
//! the same run alone, within 20 %.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use hassou::sandbox::shopify::{SandboxOptions, SandboxShopify};

use super::{Report, hassou, rfc3339, shipped_on, tracking};

const ORDERS: usize = 30;

fn fast() -> SandboxOptions {
    SandboxOptions {
        bucket_size: 1000.0,
        restore_rate: 100.0,
        latency: Duration::from_millis(30),
        ..SandboxOptions::default()
    }
}

fn slow() -> SandboxOptions {
    SandboxOptions {
        bucket_size: 300.0,
        restore_rate: 15.0,
        latency: Duration::from_millis(30),
        ..SandboxOptions::default()
    }
}

/// A database with `stores` (name and sandbox), each holding `ORDERS` pending orders.
async fn shop(dir: &Path, stores: &[(&str, SandboxOptions)]) -> (PathBuf, Vec<SandboxShopify>) {
    let mut config = format!(
        "[database]\nurl = \"sqlite://{}\"\n[shop]\nlanguage = \"en\"\n",
        dir.join("h.db").display()
    );
    let mut csv = String::from(
        "channel,remote_id,number,status,ordered_at,updated_at,shipped_on,carrier,tracking\n",
    );
    let created = super::now() - chrono::Duration::days(2);
    let shipped = shipped_on();
    let mut sandboxes = Vec::new();
    for (name, options) in stores {
        let sandbox = SandboxShopify::start(0, options.clone())
            .await
            .expect("sandbox");
        config.push_str(&format!(
            "[stores.{name}]\nchannel = \"shopify\"\nshop_url = \"{}\"\naccess_token = \"shpat_sandbox\"\n",
            sandbox.url()
        ));
        for i in 0..ORDERS {
            let number = format!("#{}", 60_000 + i);
            let gid = sandbox.add_order(&number, "佐藤 花子", created, &["東京倉庫"]);
            csv.push_str(&format!(
                "{name},{gid},{number},processed,{0},{0},{shipped},yamato,{1}\n",
                rfc3339(created),
                tracking(i)
            ));
        }
        sandboxes.push(sandbox);
    }
    let path = dir.join("config.toml");
    hassou::token_file::write_owner_only(&path, &config).expect("config");
    let file = dir.join("orders.csv");
    std::fs::write(&file, csv).expect("orders");
    hassou(&path, &["orders", "import", file.to_str().expect("path")]).await;
    (path, sandboxes)
}

/// Seconds from `started` until `sandbox` holds every order's fulfillment (polled every 10 ms).
async fn all_written(sandbox: &SandboxShopify, started: Instant) -> f64 {
    while sandbox.mutations_applied() < ORDERS as u64 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    started.elapsed().as_secs_f64()
}

/// Runs `hassou args` and times, from its start, when each sandbox has all its orders written.
async fn timed_sync(config: &Path, args: &[&str], sandboxes: &[SandboxShopify]) -> Vec<f64> {
    let started = Instant::now();
    let mut child = super::hassou_command(config, args)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("hassou");
    let times = futures_util::future::join_all(
        sandboxes
            .iter()
            .map(|sandbox| all_written(sandbox, started)),
    )
    .await;
    assert!(
        child.wait().await.expect("wait").success(),
        "hassou {args:?}"
    );
    times
}

pub(super) async fn stores(report: &mut Report) {
    println!("Several stores: {ORDERS} orders in each of two Shopify stores, one throttled hard");
    let alone_dir = tempfile::tempdir().expect("dir");
    let (config, alone_sandboxes) = shop(alone_dir.path(), &[("fast", fast())]).await;
    let alone = timed_sync(&config, &["sync", "fast"], &alone_sandboxes).await[0];

    let both_dir = tempfile::tempdir().expect("dir");
    let (config, sandboxes) = shop(both_dir.path(), &[("fast", fast()), ("slow", slow())]).await;
    let both = timed_sync(&config, &["sync", "--all"], &sandboxes).await;
    let (fast_beside_slow, slow_run) = (both[0], both[1]);
    for sandbox in &sandboxes {
        assert_eq!(
            sandbox.mutations_applied(),
            ORDERS as u64,
            "every order once"
        );
    }
    println!(
        "  fast alone {alone:.2} s; beside slow: fast {fast_beside_slow:.2} s, slow {slow_run:.2} s"
    );
    report.add(
        "`sync --all`: the fast store's run beside a throttled one ÷ alone",
        format!(
            "{:.2} ({fast_beside_slow:.2} s ÷ {alone:.2} s; the slow store's run {slow_run:.1} s)",
            fast_beside_slow / alone
        ),
        "≤ 1.2",
        fast_beside_slow <= alone * 1.2,
    );
}
