//! Issue 23: two live writers with the same host name in separate PID namespaces (containers
//! sharing a host name, cloned machines) must not judge each other dead. Before, a holder was
//! `host/pid/tag` and counted as dead when `/proc/<pid>` was missing in the caller's namespace:
//! both processes took over each other's claims and every カラーミー sale was mailed twice.
//!
//! The processes run under `unshare --pid --fork --mount-proc` where that works (root on Linux),
//! with the same `HOSTNAME`, and each hassou at a PID the other namespace does not have. Where it
//! does not work they run side by side (the simulated foreign PID is in `tests/repository.rs`).
#![allow(clippy::panic)] // a test fails by panicking

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use hassou::sandbox::colorme::{ColormeSandboxOptions, SandboxColorme};
use tokio::process::{Child, Command};

const SALES: i64 = 8;

fn namespaces_work() -> bool {
    std::process::Command::new("unshare")
        .args(["--pid", "--fork", "--kill-child", "--mount-proc", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `hassou ARGS` in a PID namespace of its own with host name `twin`; `padding` short-lived
/// processes start first, so the two hassou processes have different PIDs, each missing from
/// the other's namespace.
fn twin(config: &Path, args: &[&str], padding: usize, isolated: bool) -> Child {
    let exe = env!("CARGO_BIN_EXE_hassou");
    let mut script = "/bin/true; ".repeat(padding);
    script.push_str("\"$0\" \"$@\"; exit $?");
    let mut command = if isolated {
        let mut c = Command::new("unshare");
        c.args([
            "--pid",
            "--fork",
            "--kill-child",
            "--mount-proc",
            "sh",
            "-c",
        ]);
        c
    } else {
        let mut c = Command::new("sh");
        c.arg("-c");
        c
    };
    command
        .arg(script)
        .arg(exe)
        .arg("--config")
        .arg(config)
        .args(args)
        .env("HOSTNAME", "twin")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // A group of its own, so that the wrapper and hassou stop together (`stop`).
        .process_group(0)
        .kill_on_drop(true);
    for (key, _) in std::env::vars() {
        if key.starts_with("HASSOU_") {
            command.env_remove(key);
        }
    }
    command.spawn().expect("start hassou")
}

/// A sandbox カラーミー with `SALES` sales waiting for their slips, and a config on `database`
/// (SQLite in the folder when `None`) with the 商品発送 mail on.
async fn shop(
    database: Option<String>,
    auto_sync: bool,
) -> (SandboxColorme, tempfile::TempDir, PathBuf) {
    let sandbox = SandboxColorme::start(
        0,
        ColormeSandboxOptions {
            // Two processes share the token: the store's 120 a minute would only slow them.
            rate_limit: None,
            ..ColormeSandboxOptions::default()
        },
    )
    .await
    .expect("sandbox");
    let dir = tempfile::tempdir().expect("dir");
    let url = database.unwrap_or_else(|| format!("sqlite://{}", dir.path().join("h.db").display()));
    let config = dir.path().join("config.toml");
    let schedule = if auto_sync {
        "[colorme.sync]\nauto_sync = true\nauto_sync_every = \"30m\"\n"
    } else {
        ""
    };
    common::write_config(&config,
        format!(
            "[database]\nurl = \"{url}\"\n[colorme]\napi_base = \"{}\"\naccess_token = \"colorme_sandbox\"\n\
             send_shipping_mail = true\n{schedule}",
            sandbox.url()
        ),
    )
    .expect("config");
    let now = chrono::Utc::now();
    let made = now - chrono::Duration::days(1);
    let mut csv = String::from(
        "channel,remote_id,number,status,ordered_at,updated_at,shipped_on,carrier,tracking\n",
    );
    for i in 0..SALES {
        let id = 60_000 + i;
        sandbox.add_sale(id, "山田 太郎", made, 1);
        csv.push_str(&format!(
            "colorme,{id},{id},processed,{},{},{},yamato,4444{:08}\n",
            made.to_rfc3339(),
            now.to_rfc3339(),
            now.date_naive(),
            13_758_000 + i
        ));
    }
    let file = dir.path().join("orders.csv");
    std::fs::write(&file, csv).expect("orders");
    let out = common::hassou_command(&config)
        .args(["orders", "import"])
        .arg(&file)
        .output()
        .expect("import");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (sandbox, dir, config)
}

fn mails(sandbox: &SandboxColorme) -> (usize, usize, usize) {
    let (mut none, mut once, mut twice) = (0, 0, 0);
    for i in 0..SALES {
        match sandbox.sale(60_000 + i).expect("sale").mails.len() {
            0 => none += 1,
            1 => once += 1,
            _ => twice += 1,
        }
    }
    (none, once, twice)
}

async fn two_syncs_mail_each_sale_once(database: Option<String>) {
    let isolated = namespaces_work();
    if !isolated {
        eprintln!("unshare --pid is not available here: the two processes share a namespace");
    }
    let (sandbox, _dir, config) = shop(database, false).await;
    let a = twin(&config, &["sync", "colorme"], 0, isolated);
    let b = twin(&config, &["sync", "colorme"], 3, isolated);
    let (a, b) = tokio::join!(a.wait_with_output(), b.wait_with_output());
    let mut not_reached = 0;
    for out in [a.expect("a"), b.expect("b")] {
        let stdout = String::from_utf8_lossy(&out.stdout);
        not_reached += stdout.matches("another process is writing").count();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Whatever each one left to the other, a third run finishes the rest.
    let out = common::hassou_command(&config)
        .args(["sync", "colorme"])
        .output()
        .expect("third run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let (none, once, twice) = mails(&sandbox);
    eprintln!(
        "two processes in {} PID namespaces, one host name: {once} sales mailed once, {twice} \
         twice, {none} never ({not_reached} orders left to the other process)",
        if isolated { "separate" } else { "one" }
    );
    assert_eq!((none, once, twice), (0, SALES as usize, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_two_processes_in_separate_pid_namespaces_mail_each_sale_once() {
    two_syncs_mail_each_sale_once(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_two_processes_in_separate_pid_namespaces_mail_each_sale_once() {
    if let Some(url) = common::postgres_database().await {
        two_syncs_mail_each_sale_once(Some(url)).await;
    }
}

/// SIGKILL to the whole process group of `child` (the wrapper, and hassou under it).
async fn stop(child: &Child) {
    if let Some(pid) = child.id() {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pid}")])
            .status()
            .await;
    }
}

async fn until(limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "not within {limit:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn log_of(dir: &Path) -> String {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_two_daemons_in_separate_pid_namespaces_hold_one_lease() {
    two_daemons_hold_one_lease(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_two_daemons_in_separate_pid_namespaces_hold_one_lease() {
    if let Some(url) = common::postgres_database().await {
        two_daemons_hold_one_lease(Some(url)).await;
    }
}

async fn two_daemons_hold_one_lease(database: Option<String>) {
    let isolated = namespaces_work();
    let (sandbox, dir, config) = shop(database, true).await;
    let logs: Vec<PathBuf> = (0..2)
        .map(|i| dir.path().join(format!("logs{i}")))
        .collect();
    let daemons: Vec<Child> = logs
        .iter()
        .enumerate()
        .map(|(i, log)| {
            let log = log.to_str().expect("path");
            twin(&config, &["daemon", "--log-dir", log], i * 3, isolated)
        })
        .collect();
    // Each daemon has made its first attempt at the lease (taken, or seen held by the other).
    until(Duration::from_secs(60), || {
        logs.iter().all(|l| {
            let log = log_of(l);
            log.contains("scheduler lease taken") || log.contains("scheduler lease held by")
        })
    })
    .await;
    // The leader's scheduled sync writes every sale once.
    until(Duration::from_secs(60), || {
        mails(&sandbox).1 == SALES as usize
    })
    .await;
    let leaders = logs
        .iter()
        .filter(|l| log_of(l).contains("scheduler lease taken"))
        .count();
    for daemon in &daemons {
        stop(daemon).await;
    }
    assert_eq!(
        leaders,
        1,
        "{}\n---\n{}",
        log_of(&logs[0]),
        log_of(&logs[1])
    );
    assert_eq!(mails(&sandbox), (0, SALES as usize, 0));
}
