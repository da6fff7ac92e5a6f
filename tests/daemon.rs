//! `hassou daemon` as a process against the sandbox stores: scheduled sync at start, watch mode
//! writing a newly pending order within the debounce, the schedule's status as `hassou status`
//! shows it, a clean stop on SIGTERM, a SIGKILL in the middle of a run followed by a restart
//! that finishes the work with no order written twice, and カラーミー kept in sync unattended
//! (scheduled pull, the operator's slip entry written by watch mode, one shipping mail).
#![allow(clippy::panic)] // a test fails by panicking

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use hassou::db::Db;
use hassou::domain::Store;
use hassou::sandbox::colorme::{ColormeSandboxOptions, SandboxColorme};
use hassou::sandbox::shopify::{SandboxOptions, SandboxShopify};
use serde_json::Value;
use tokio::process::{Child, Command};

struct Setup {
    dir: tempfile::TempDir,
    config: PathBuf,
    sandbox: SandboxShopify,
    gids: Vec<String>,
}

fn hassou(config: &Path) -> Command {
    Command::from(common::hassou_command(config))
}

fn csv_line(gid: &str, number: &str) -> String {
    let now = chrono::Utc::now();
    let updated = now.to_rfc3339();
    let ordered = (now - chrono::Duration::days(2)).to_rfc3339();
    let day = now.date_naive();
    format!("shopify,{gid},{number},processed,{ordered},{updated},{day},yamato,444413758703\n")
}

async fn import(config: &Path, dir: &Path, lines: &str) {
    let file = dir.join(format!(
        "orders-{}.csv",
        chrono::Utc::now().timestamp_micros()
    ));
    std::fs::write(
        &file,
        format!("channel,remote_id,number,status,ordered_at,updated_at,shipped_on,carrier,tracking\n{lines}"),
    )
    .expect("orders");
    let out = hassou(config)
        .args(["orders", "import"])
        .arg(&file)
        .output()
        .await
        .expect("import");
    succeeded(&out);
}

async fn setup(orders: usize, latency: Duration, debounce: &str) -> Setup {
    let sandbox = SandboxShopify::start(
        0,
        SandboxOptions {
            bucket_size: 1e9,
            restore_rate: 1e9,
            latency,
            ..SandboxOptions::default()
        },
    )
    .await
    .expect("sandbox");
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("config.toml");
    common::write_config(&config,
        format!(
            "[database]\nurl = \"sqlite://{}\"\n[shopify]\nshop_url = \"{}\"\naccess_token = \"shpat_sandbox\"\n\
             [shopify.sync]\nauto_sync = true\nauto_sync_every = \"30m\"\nwatch = true\nwatch_debounce = \"{debounce}\"\n",
            dir.path().join("h.db").display(),
            sandbox.url()
        ),
    )
    .expect("config");
    let created = chrono::Utc::now() - chrono::Duration::days(2);
    let mut lines = String::new();
    let mut gids = Vec::new();
    for i in 0..orders {
        let number = format!("#{}", 7000 + i);
        let gid = sandbox.add_order(&number, "鈴木 一郎", created, &["東京倉庫"]);
        lines.push_str(&csv_line(&gid, &number));
        gids.push(gid);
    }
    import(&config, dir.path(), &lines).await;
    Setup {
        dir,
        config,
        sandbox,
        gids,
    }
}

fn start_daemon(s: &Setup) -> Child {
    daemon(&s.config, s.dir.path())
}

fn daemon(config: &Path, dir: &Path) -> Child {
    hassou(config)
        .args(["daemon", "--log-dir"])
        .arg(dir.join("logs"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start the daemon")
}

async fn signal(child: &Child, name: &str) {
    let pid = child.id().expect("pid").to_string();
    let status = Command::new("kill")
        .args([format!("-{name}"), pid])
        .status()
        .await
        .expect("kill");
    assert!(status.success());
}

/// A hassou command exited 0; else its standard error says why.
fn succeeded(out: &std::process::Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `hassou status --json`: one object per store, by channel code.
async fn status_of(config: &Path) -> std::collections::BTreeMap<String, Value> {
    let out = hassou(config)
        .args(["status", "--json"])
        .output()
        .await
        .expect("status");
    succeeded(&out);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("json line");
            (v["channel"].as_str().expect("channel").to_owned(), v)
        })
        .collect()
}

/// Asks `hassou status` until `done` holds for the store's object, at most `limit`.
async fn status_until(
    config: &Path,
    channel: &str,
    limit: Duration,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let start = Instant::now();
    loop {
        let now = status_of(config).await.remove(channel).expect("store");
        if done(&now) {
            return now;
        }
        assert!(
            start.elapsed() < limit,
            "status not within {limit:?}: {now}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until `done` holds, at most `limit`.
async fn until(limit: Duration, mut done: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "not within {limit:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    start.elapsed()
}

fn fulfilled(s: &Setup) -> usize {
    s.gids
        .iter()
        .filter(|g| {
            s.sandbox
                .order(g)
                .is_some_and(|o| !o.fulfillments.is_empty())
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schedules_watches_and_stops_cleanly() {
    let mut s = setup(20, Duration::ZERO, "4s").await;
    let mut daemon = start_daemon(&s);
    // The first scheduled run comes at start.
    until(Duration::from_secs(30), || fulfilled(&s) == 20).await;
    // Any process sharing the database sees who runs the schedule and how its run went.
    let pid = daemon.id().expect("pid");
    let shown = status_until(&s.config, "shopify", Duration::from_secs(10), |v| {
        v["sync"]["status"]["last_counts"]["written"] == 20
    })
    .await;
    assert!(
        shown["lease"]["holder"]
            .as_str()
            .is_some_and(|h| h.contains(&format!("/{pid}/"))),
        "{shown}"
    );
    assert_eq!(shown["lease"]["live"], true, "{shown}");
    assert_eq!(shown["sync"]["live"], true, "{shown}");
    assert_eq!(shown["sync"]["enabled"], true, "{shown}");
    assert_eq!(shown["sync"]["every_secs"], 1800, "{shown}");
    assert_eq!(shown["sync"]["status"]["running"], false, "{shown}");
    assert!(
        shown["sync"]["status"]["next_run_at"].is_string(),
        "{shown}"
    );
    assert_eq!(shown["orders"]["synced"], 20, "{shown}");
    assert_eq!(shown["orders"]["pending"], 0, "{shown}");
    // SPEC §3: the store's operational settings, its own rule option only.
    assert_eq!(shown["settings"]["period_days"], 3, "{shown}");
    assert_eq!(shown["settings"]["statuses"], "processed", "{shown}");
    assert_eq!(shown["settings"]["auto_sync"], true, "{shown}");
    assert!(shown["settings"]["shipped_date_only"].is_null(), "{shown}");
    assert!(shown["settings"]["pull_days"].is_u64(), "{shown}");
    // The words an operator reads say the same.
    let out = hassou(&s.config)
        .args(["status"])
        .output()
        .await
        .expect("status");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("/{pid}/daemon-shopify")), "{text}");
    assert!(text.contains("前回 失敗 0件 · 書込 20件"), "{text}");

    // Watch mode: a newly pending order is written within the debounce.
    let created = chrono::Utc::now() - chrono::Duration::days(1);
    let gid = s
        .sandbox
        .add_order("#7999", "中村 陽子", created, &["東京倉庫"]);
    s.gids.push(gid.clone());
    import(&s.config, s.dir.path(), &csv_line(&gid, "#7999")).await;
    let latency = until(Duration::from_secs(4), || {
        s.sandbox
            .order(&gid)
            .is_some_and(|o| !o.fulfillments.is_empty())
    })
    .await;
    eprintln!("watch mode: pending → held by the store in {latency:?} (debounce 4 s)");

    signal(&daemon, "TERM").await;
    let status = tokio::time::timeout(Duration::from_secs(20), daemon.wait())
        .await
        .expect("stops")
        .expect("exit status");
    assert_eq!(status.code(), Some(0));
    let logs: String = std::fs::read_dir(s.dir.path().join("logs"))
        .expect("log dir")
        .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("log"))
        .collect();
    assert!(logs.contains("hassou daemon started"), "{logs}");
    assert!(logs.contains("sync (watch)"), "{logs}");
    assert!(logs.contains("hassou daemon stopped"), "{logs}");
    assert!(!logs.contains("shpat_sandbox"), "the token is never logged");
    for gid in &s.gids {
        assert_eq!(s.sandbox.order(gid).expect("order").fulfillments.len(), 1);
    }
    // Stopped: the lease is given up, and nobody is shown as running the schedule.
    let shown = status_of(&s.config).await.remove("shopify").expect("store");
    assert!(shown["lease"].is_null(), "{shown}");
    assert_eq!(shown["sync"]["live"], false, "{shown}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_run_then_restarted_finishes_without_writing_twice() {
    // Each request takes 150 ms, so the run is long enough to be killed in its middle.
    let s = setup(30, Duration::from_millis(150), "60s").await;
    let mut first = start_daemon(&s);
    // Killed while a request is at the store: an attempt is open.
    until(Duration::from_secs(60), || {
        fulfilled(&s) >= 8 && s.sandbox.in_flight() > 0
    })
    .await;
    signal(&first, "KILL").await;
    let _ = first.wait().await;
    let done_before = fulfilled(&s);
    assert!(
        done_before < 30,
        "killed before the end ({done_before} done)"
    );

    let db = Db::open(&format!("sqlite://{}", s.dir.path().join("h.db").display()))
        .await
        .expect("db");
    let lease = db.lease("schedule:shopify").await.expect("lease");
    let dead_holder = lease.expect("the dead daemon's lease").holder;

    let mut second = start_daemon(&s);
    // The lease and the claim in flight are taken over once the dead daemon's heartbeat has run
    // out (30 s), never because its PID is gone.
    until(Duration::from_secs(120), || fulfilled(&s) == 30).await;
    // Exactly one fulfillment per order: the one in flight at the kill was read, not re-sent.
    for gid in &s.gids {
        assert_eq!(
            s.sandbox.order(gid).expect("order").fulfillments.len(),
            1,
            "{gid}"
        );
    }
    // The new process took the lease over.
    let lease = db.lease("schedule:shopify").await.expect("lease");
    let holder = lease.expect("lease").holder;
    assert_ne!(holder, dead_holder);
    assert!(
        holder.contains(&format!("/{}/", second.id().expect("pid"))),
        "{holder}"
    );
    // The audit trail keeps the interrupted attempt: a request with no answer recorded.
    let mut interrupted = 0;
    for i in 0..30 {
        let found = db
            .find_orders(&format!("#{}", 7000 + i), Some(Store::SHOPIFY))
            .await
            .expect("find");
        for attempt in db.attempts_for_order(found[0].id).await.expect("attempts") {
            if attempt.outcome.is_none() {
                interrupted += 1;
            }
        }
    }
    assert!(
        interrupted >= 1,
        "the attempt in flight at the kill is kept"
    );
    signal(&second, "TERM").await;
    let status = second.wait().await.expect("exit");
    assert_eq!(status.code(), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keeps_colorme_in_sync_unattended() {
    let sandbox = SandboxColorme::start(0, ColormeSandboxOptions::default())
        .await
        .expect("sandbox");
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("config.toml");
    common::write_config(&config,
        format!(
            "[database]\nurl = \"sqlite://{}\"\n[colorme]\napi_base = \"{}\"\naccess_token = \"colorme_sandbox\"\n\
             send_shipping_mail = true\n[colorme.sync]\nauto_pull = true\nauto_pull_every = \"1m\"\n\
             auto_sync = true\nauto_sync_every = \"30m\"\nwatch = true\nwatch_debounce = \"4s\"\n",
            dir.path().join("h.db").display(),
            sandbox.url()
        ),
    )
    .expect("config");
    let made = chrono::Utc::now() - chrono::Duration::days(1);
    sandbox.add_sale(40_001, "田中 健", made, 1);
    sandbox.add_sale(40_002, "伊藤 さくら", made, 2);
    let mut child = daemon(&config, dir.path());

    // The scheduled pull at start brings both sales in.
    let shown = status_until(&config, "colorme", Duration::from_secs(30), |v| {
        v["pull"]["status"]["last_counts"]["considered"] == 2
    })
    .await;
    assert_eq!(shown["pull"]["live"], true, "{shown}");
    assert_eq!(shown["watch"]["enabled"], true, "{shown}");

    // The operator enters the slips; watch mode writes them without anyone pressing sync.
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).expect("JST"))
        .date_naive()
        .to_string();
    for (number, tracking) in [
        ("40001", "444413758703"),
        ("40002", "390459983082;483484399683"),
    ] {
        let out = hassou(&config)
            .args([
                "order",
                number,
                "set",
                "--status",
                "processed",
                "--carrier",
                "yamato",
            ])
            .args(["--tracking", tracking, "--shipped-on", &today])
            .output()
            .await
            .expect("order set");
        succeeded(&out);
    }
    let latency = until(Duration::from_secs(8), || {
        [40_001, 40_002].iter().all(|id| {
            sandbox.sale(*id).is_some_and(|s| {
                s.deliveries
                    .iter()
                    .all(|d| d.delivered && d.slip_number.is_some())
            })
        })
    })
    .await;
    eprintln!(
        "カラーミー watch mode: slip entered → 配送済み at the store in {latency:?} (debounce 4 s)"
    );
    let sale = sandbox.sale(40_002).expect("sale");
    let slips: Vec<_> = sale
        .deliveries
        .iter()
        .map(|d| d.slip_number.clone().unwrap_or_default())
        .collect();
    assert_eq!(slips, ["390459983082", "483484399683"]);
    // One shipping mail per sale, however many runs follow.
    let shown = status_until(&config, "colorme", Duration::from_secs(10), |v| {
        v["orders"]["synced"] == 2
    })
    .await;
    assert_eq!(shown["orders"]["pending"], 0, "{shown}");
    for id in [40_001, 40_002] {
        assert_eq!(
            sandbox.sale(id).expect("sale").mails,
            ["delivered"],
            "sale {id}"
        );
    }

    signal(&child, "TERM").await;
    let exit = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .expect("stops")
        .expect("exit status");
    assert_eq!(exit.code(), Some(0));
    let logs: String = std::fs::read_dir(dir.path().join("logs"))
        .expect("log dir")
        .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("log"))
        .collect();
    assert!(logs.contains("pull finished"), "{logs}");
    assert!(
        !logs.contains("colorme_sandbox"),
        "the token is never logged"
    );
}

/// Issue 20: `hassou sync` stopped by SIGTERM (systemd) or SIGHUP (a closed SSH session) finishes
/// the order in flight and records it: every order the store fulfilled is synced here, the rest
/// stay pending, and nothing is written twice by the next run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_stopped_by_a_signal_records_the_order_in_flight() {
    for name in ["TERM", "HUP"] {
        let s = setup(12, Duration::from_millis(150), "4s").await;
        let sync = hassou(&s.config)
            .args(["sync", "shopify"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("sync");
        until(Duration::from_secs(30), || fulfilled(&s) >= 2).await;
        signal(&sync, name).await;
        let out = sync.wait_with_output().await.expect("exit");
        let said = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(said.contains(&format!("SIG{name}")), "{said}");
        let written = fulfilled(&s);
        assert!(written < 12, "stopped before the end: {written} ({said})");
        let shown = status_of(&s.config).await.remove("shopify").expect("store");
        assert_eq!(
            shown["orders"]["synced"], written,
            "SIG{name}: every fulfilled order recorded: {shown}"
        );
        // The next run writes the rest, each once.
        let out = hassou(&s.config)
            .args(["sync", "shopify"])
            .output()
            .await
            .expect("sync");
        succeeded(&out);
        assert_eq!(fulfilled(&s), 12);
        assert_eq!(s.sandbox.mutations_applied(), 12, "nothing written twice");
    }
}

/// Issue 20: `x` in a console stops a run another process is making — here a `hassou sync` —
/// after its order in flight, through the database; the run says who asked, every order the
/// store fulfilled is recorded, and the rest stay pending.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_asked_in_the_database_stops_another_process_run() {
    let s = setup(12, Duration::from_millis(150), "4s").await;
    let sync = hassou(&s.config)
        .args(["sync", "shopify"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("sync");
    until(Duration::from_secs(30), || fulfilled(&s) >= 2).await;
    let db = Db::open(&format!("sqlite://{}", s.dir.path().join("h.db").display()))
        .await
        .expect("db");
    db.request_stop(Store::SHOPIFY, "ops1/console", chrono::Utc::now())
        .await
        .expect("ask");
    let out = sync.wait_with_output().await.expect("exit");
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(said.contains("ops1/console"), "{said}");
    let written = fulfilled(&s);
    assert!(written < 12, "stopped before the end: {written}");
    let shown = status_of(&s.config).await.remove("shopify").expect("store");
    assert_eq!(shown["orders"]["synced"], written, "{shown}");
    // A run started after the request is not stopped by it.
    let out = hassou(&s.config)
        .args(["sync", "shopify"])
        .output()
        .await
        .expect("sync");
    succeeded(&out);
    assert_eq!(fulfilled(&s), 12);
    db.close().await;
}

/// `hassou daemon --metrics ADDR`: Prometheus text whose numbers are `hassou status --json`'s,
/// and /healthz 200 while every store is ok (SPEC §3).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_say_what_status_says() {
    let s = setup(20, Duration::ZERO, "4s").await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a free port")
        .local_addr()
        .expect("addr")
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut daemon = hassou(&s.config)
        .args(["daemon", "--metrics", &addr, "--log-dir"])
        .arg(s.dir.path().join("logs"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("daemon");
    until(Duration::from_secs(30), || fulfilled(&s) == 20).await;
    let shown = status_until(&s.config, "shopify", Duration::from_secs(10), |v| {
        v["sync"]["status"]["last_counts"]["written"] == 20
    })
    .await;
    let client = reqwest::Client::new();
    let text = client
        .get(format!("http://{addr}/metrics"))
        .send()
        .await
        .expect("scrape")
        .text()
        .await
        .expect("text");
    let value = |name: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{name} not in:\n{text}"))
    };
    for verdict in ["pending", "synced", "waiting", "failed", "ineligible"] {
        assert_eq!(
            value(&format!(
                "hassou_orders{{store=\"shopify\",verdict=\"{verdict}\"}}"
            )),
            shown["orders"][verdict].as_f64().expect("count"),
            "{verdict}"
        );
    }
    assert_eq!(
        value("hassou_writes_total{store=\"shopify\",outcome=\"fulfilled\"}"),
        20.0
    );
    assert_eq!(
        value("hassou_consecutive_failures{store=\"shopify\",job=\"sync\"}"),
        0.0
    );
    assert!(value("hassou_last_success_timestamp_seconds{store=\"shopify\",job=\"sync\"}") > 0.0);
    let health = client
        .get(format!("http://{addr}/healthz"))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status().as_u16(), 200);
    signal(&daemon, "TERM").await;
    assert_eq!(daemon.wait().await.expect("exit").code(), Some(0));
}

/// Issue 20: a store whose token is refused, two daemons on one database, then one restarted:
/// the `run_failed` alert arrives once — not once per run, not once per process — with the cause
/// in words and no token; fixed, `recovered` arrives once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_daemons_alert_once_per_condition_and_once_when_it_recovers() {
    two_daemons_alert_once(None).await;
    if let Some(url) = common::postgres_database().await {
        two_daemons_alert_once(Some(url)).await;
    }
}

/// On the setup's SQLite file, or on the PostgreSQL database at `postgres`.
async fn two_daemons_alert_once(postgres: Option<String>) {
    let s = setup(3, Duration::ZERO, "4s").await;
    let sink = hassou::sandbox::alerts::AlertSink::start()
        .await
        .expect("sink");
    let mut text = std::fs::read_to_string(&s.config).expect("config");
    if let Some(url) = &postgres {
        // The same orders, in PostgreSQL.
        let sqlite = format!("sqlite://{}", s.dir.path().join("h.db").display());
        text = text.replace(&sqlite, url);
        common::write_config(&s.config, &text).expect("config");
        let lines: String = s
            .gids
            .iter()
            .enumerate()
            .map(|(i, gid)| csv_line(gid, &format!("#{}", 7000 + i)))
            .collect();
        import(&s.config, s.dir.path(), &lines).await;
    }
    let refused = text.replace("shpat_sandbox", "shpat_revoked_token")
        + &format!(
            "[alerts]\nwebhook_url = \"{}\"\nwebhook_format = \"json\"\n",
            sink.webhook_url()
        );
    common::write_config(&s.config, &refused).expect("config");
    let events = |sink: &hassou::sandbox::alerts::AlertSink| -> Vec<String> {
        sink.received()
            .iter()
            .map(|r| {
                let v: Value = serde_json::from_str(&r.text()).expect("json");
                v["event"].as_str().unwrap_or_default().to_owned()
            })
            .collect()
    };
    let mut a = start_daemon(&s);
    let mut b = start_daemon(&s);
    until(Duration::from_secs(30), || !sink.received().is_empty()).await;
    // Both go on (the lease holder judging on every change); a restart runs again at start.
    tokio::time::sleep(Duration::from_secs(3)).await;
    signal(&a, "TERM").await;
    assert_eq!(a.wait().await.expect("exit").code(), Some(0));
    let mut c = start_daemon(&s);
    status_until(&s.config, "shopify", Duration::from_secs(60), |v| {
        v["health"]["consecutive_failures"].as_u64().unwrap_or(0) >= 1
    })
    .await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    // The refused run also failed the order it was writing: that is a condition of its own.
    let raised = events(&sink);
    assert_eq!(
        raised.iter().filter(|e| *e == "run_failed").count(),
        1,
        "{raised:?}"
    );
    assert!(
        !raised.contains(&"recovered".to_owned()),
        "no recovery before a run did: {raised:?}"
    );
    let mut distinct = raised.clone();
    distinct.dedup();
    assert_eq!(distinct, raised, "each condition once: {raised:?}");
    for r in sink.received() {
        assert!(
            !r.text().contains("shpat_"),
            "no token in an alert: {}",
            r.text()
        );
    }
    let v: Value = sink
        .received()
        .iter()
        .map(|r| serde_json::from_str::<Value>(&r.text()).expect("json"))
        .find(|v| v["event"] == "run_failed")
        .expect("run_failed");
    assert_eq!(v["severity"], "critical", "{v}");
    assert_eq!(v["store"], "shopify", "{v}");
    // The token is fixed: the next run succeeds, and `recovered` comes once.
    signal(&b, "TERM").await;
    signal(&c, "TERM").await;
    assert_eq!(b.wait().await.expect("exit").code(), Some(0));
    assert_eq!(c.wait().await.expect("exit").code(), Some(0));
    common::write_config(
        &s.config,
        refused.replace("shpat_revoked_token", "shpat_sandbox"),
    )
    .expect("config");
    let mut d = start_daemon(&s);
    until(Duration::from_secs(30), || {
        sink.received().len() >= 2 * raised.len()
    })
    .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let all = events(&sink);
    assert_eq!(&all[..raised.len()], &raised[..]);
    assert!(
        all[raised.len()..].iter().all(|e| e == "recovered"),
        "{all:?}"
    );
    assert_eq!(
        all.len(),
        2 * raised.len(),
        "one recovery per condition: {all:?}"
    );
    signal(&d, "TERM").await;
    assert_eq!(d.wait().await.expect("exit").code(), Some(0));
}

/// Issue 21: `auto_reconcile_every` — the daemon (the lease holder) reconciles the store by
/// itself; a tracking number corrected in the store's admin after the daemon wrote it becomes a
/// `drift` that `status` counts, and the `drift` alert goes out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daemon_reconciles_by_itself_and_alerts_a_drift() {
    let s = setup(3, Duration::ZERO, "4s").await;
    let sink = hassou::sandbox::alerts::AlertSink::start()
        .await
        .expect("sink");
    let text = std::fs::read_to_string(&s.config).expect("config").replace(
        "watch = true\n",
        "watch = true\nauto_reconcile_every = \"1m\"\n",
    ) + &format!(
        "[alerts]\nwebhook_url = \"{}\"\nwebhook_format = \"json\"\n",
        sink.webhook_url()
    );
    common::write_config(&s.config, &text).expect("config");
    let mut daemon = start_daemon(&s);
    until(Duration::from_secs(30), || fulfilled(&s) == 3).await;
    s.sandbox.update_order(&s.gids[0], |o| {
        o.fulfillments[0].tracking =
            vec![(Some("Sagawa (JA)".into()), "512547514334".into(), None)];
    });
    let shown = status_until(&s.config, "shopify", Duration::from_secs(60), |v| {
        v["orders"]["drift"] == 1
    })
    .await;
    assert_eq!(shown["reconcile"]["drift"], 1, "{shown}");
    until(Duration::from_secs(20), || {
        sink.received()
            .iter()
            .any(|r| r.text().contains("\"event\":\"drift\""))
    })
    .await;
    signal(&daemon, "TERM").await;
    assert_eq!(daemon.wait().await.expect("exit").code(), Some(0));
}
