//! The console as an operator meets it: `hassou demo` in a real terminal (tmux, 80×24), driven
//! by keys — a write confirmed before anything is sent, a dropped connection — and `hassou`
//! refusing to start without a terminal. Each waits for text, never for a fixed time.
#![allow(clippy::panic)] // a test fails by panicking

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux")
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("tmux is needed for the console tests (.ci/run installs it): {e}")
        });
    String::from_utf8_lossy(&out.stdout).into_owned()
}

struct Session(String);

impl Drop for Session {
    fn drop(&mut self) {
        tmux(&["kill-session", "-t", &self.0]);
    }
}

impl Session {
    fn screen(&self) -> String {
        tmux(&["capture-pane", "-p", "-t", &self.0])
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.0];
        args.extend_from_slice(keys);
        tmux(&args);
    }

    /// Waits until the screen shows `text`.
    fn wait_for(&self, text: &str, limit: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                start.elapsed() < limit,
                "{text:?} not on screen within {limit:?}:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// `hassou demo` in tmux at 80×24, with its temporary files under `tmp`; the shell writes the
/// exit status to `tmp/exit`.
fn start_demo(name: &str, tmp: &std::path::Path) -> Session {
    let command = format!(
        "env -u HASSOU_CONFIG TMPDIR={} NO_COLOR=1 {} demo --lang en; echo $? > {}; sleep 60",
        tmp.display(),
        env!("CARGO_BIN_EXE_hassou"),
        tmp.join("exit").display()
    );
    tmux(&[
        "new-session",
        "-d",
        "-s",
        name,
        "-x",
        "80",
        "-y",
        "24",
        &command,
    ]);
    Session(name.to_owned())
}

/// The demo's own configuration file (it names the demo's database).
fn demo_config(tmp: &std::path::Path) -> std::path::PathBuf {
    std::fs::read_dir(tmp)
        .expect("tmp")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("hassou-demo-"))
        })
        .map(|dir| dir.join("hassou.toml"))
        .expect("the demo's directory")
}

/// The Shopify orders the demo's database holds as pending, read by a second process.
fn pending_shopify(config: &std::path::Path) -> usize {
    pending_in(config, "shopify")
}

/// The orders of `store` the demo's database holds as pending, read by a second process.
fn pending_in(config: &std::path::Path, store: &str) -> usize {
    let out = common::hassou_command(config)
        .args(["orders", "list", "--store", store, "--json"])
        .env_remove("HASSOU_NOW")
        .output()
        .expect("orders list");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("\"verdict\":\"pending\""))
        .count()
}

fn wait_for_file(path: &std::path::Path, limit: Duration) -> String {
    let start = Instant::now();
    while !path.exists() {
        assert!(start.elapsed() < limit, "{} never appeared", path.display());
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(100));
    std::fs::read_to_string(path)
        .expect("read")
        .trim()
        .to_owned()
}

/// The write flow: a dry run sends nothing; `s` shows the plan and sends nothing; `n` cancels;
/// `s` then `y` writes every order shown — checked from another process on the demo's database.
#[test]
fn a_sync_is_sent_only_after_the_plan_is_confirmed() {
    let tmp = tempfile::tempdir().expect("dir");
    let session = start_demo(
        &format!("hassou-confirm-{}", std::process::id()),
        tmp.path(),
    );
    let screen = session.wait_for("#1001", Duration::from_secs(30));
    assert!(
        screen.contains("DEMO"),
        "the demo says it is one:\n{screen}"
    );
    // The store's line comes with the schedules, read just after the first page.
    let screen = session.wait_for("watch off", Duration::from_secs(10));
    assert!(screen.lines().count() <= 24);
    let config = demo_config(tmp.path());
    let pending = pending_shopify(&config);
    assert!(pending > 0, "the demo has pending Shopify orders");

    // The Shopify tab (the first), only the pending orders, then a dry run.
    session.keys(&["1"]);
    session.wait_for("1pending", Duration::from_secs(10));
    session.keys(&["d"]);
    session.wait_for("nothing was sent", Duration::from_secs(20));

    // The plan: shown, nothing sent; n cancels.
    session.keys(&["s"]);
    let screen = session.wait_for("Send to Shopify?", Duration::from_secs(20));
    assert!(screen.contains("[ Cancel ]"), "{screen}");
    assert!(screen.contains(&format!("{pending} orders")), "{screen}");
    assert_eq!(pending_shopify(&config), pending, "nothing sent before y");
    session.keys(&["n"]);
    session.wait_for("cancelled (nothing was sent)", Duration::from_secs(10));
    assert_eq!(pending_shopify(&config), pending, "nothing sent after n");

    // Confirmed: every order shown is written.
    session.keys(&["s"]);
    session.wait_for("Send to Shopify?", Duration::from_secs(20));
    session.keys(&["y"]);
    let screen = session.wait_for("sync done", Duration::from_secs(60));
    assert!(screen.contains(&format!("{pending} written")), "{screen}");
    assert!(screen.contains("0 failed"), "{screen}");
    assert_eq!(pending_shopify(&config), 0, "everything shown was sent");

    session.keys(&["q"]);
    assert_eq!(
        wait_for_file(&tmp.path().join("exit"), Duration::from_secs(20)),
        "0"
    );
}

/// The SSH connection drops (SIGHUP): the console stops like a quit — exit 0, the terminal out
/// of the alternate screen, and the demo's temporary database and configuration removed.
#[test]
fn sighup_restores_the_terminal_and_leaves_no_files() {
    let tmp = tempfile::tempdir().expect("dir");
    let session = start_demo(&format!("hassou-hup-{}", std::process::id()), tmp.path());
    session.wait_for("#1001", Duration::from_secs(30));
    assert!(demo_config(tmp.path()).exists());
    let shell = tmux(&["display", "-p", "-t", &session.0, "#{pane_pid}"]);
    let out = Command::new("pgrep")
        .args(["-P", shell.trim()])
        .output()
        .expect("pgrep");
    let pid = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(!pid.is_empty(), "the console's process");
    let status = Command::new("kill")
        .args(["-HUP", &pid])
        .status()
        .expect("kill");
    assert!(status.success());
    assert_eq!(
        wait_for_file(&tmp.path().join("exit"), Duration::from_secs(20)),
        "0"
    );
    let alternate = tmux(&["display", "-p", "-t", &session.0, "#{alternate_on}"]);
    assert_eq!(
        alternate.trim(),
        "0",
        "the terminal left the alternate screen"
    );
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("tmp")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "exit")
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

/// The terminal itself goes away (`tmux kill-session`, as when SSH drops: the pty is gone, not
/// only signalled): the console never writes to the dead terminal, stops as a quit does and
/// exits 0 with the demo's files removed (issue 20: it used to die on the failed draw).
#[test]
fn the_terminal_going_away_is_a_quit() {
    let tmp = tempfile::tempdir().expect("dir");
    let name = format!("hassou-gone-{}", std::process::id());
    // The shell ignores the hang-up so that it outlives the pane and says how hassou ended.
    let command = format!(
        "sh -c \"trap '' HUP; env -u HASSOU_CONFIG TMPDIR={} NO_COLOR=1 {} demo --lang en 2>{}; echo \\$? > {}\"",
        tmp.path().display(),
        env!("CARGO_BIN_EXE_hassou"),
        tmp.path().join("stderr").display(),
        tmp.path().join("exit").display()
    );
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &name,
        "-x",
        "80",
        "-y",
        "24",
        &command,
    ]);
    let session = Session(name);
    session.wait_for("#1001", Duration::from_secs(30));
    assert!(demo_config(tmp.path()).exists());
    tmux(&["kill-session", "-t", &session.0]);
    let exit = wait_for_file(&tmp.path().join("exit"), Duration::from_secs(20));
    let stderr = std::fs::read_to_string(tmp.path().join("stderr")).unwrap_or_default();
    assert_eq!(exit, "0", "{stderr}");
    assert!(!stderr.contains("cannot draw"), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("tmp")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "exit" && n != "stderr")
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

#[test]
fn the_console_needs_a_terminal() {
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("c.toml");
    common::write_config(
        &config,
        format!(
            "[database]\nurl = \"sqlite://{}\"\n",
            dir.path().join("h.db").display()
        ),
    )
    .expect("config");
    let out = common::hassou_command(&config).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the console needs a terminal"));
    assert!(!dir.path().join("h.db").exists(), "nothing was created");
}

/// Issue 20: the terminal goes away (`tmux kill-session`) during a confirmed run of a slow
/// store. The console finishes the order in flight, records it, and exits 0: every order the
/// store holds a fulfillment for is `synced` here, none has two, and none was abandoned
/// half-written.
#[test]
fn the_terminal_going_away_mid_run_finishes_and_records_the_order_in_flight() {
    use hassou::sandbox::shopify::{SandboxOptions, SandboxShopify};
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sandbox = runtime
        .block_on(SandboxShopify::start(
            0,
            SandboxOptions {
                bucket_size: 1e9,
                restore_rate: 1e9,
                latency: Duration::from_millis(400),
                ..SandboxOptions::default()
            },
        ))
        .expect("sandbox");
    let tmp = tempfile::tempdir().expect("dir");
    let config = tmp.path().join("config.toml");
    common::write_config(
        &config,
        format!(
            "[database]\nurl = \"sqlite://{}\"\n[shop]\nlanguage = \"en\"\n\
             [shopify]\nshop_url = \"{}\"\naccess_token = \"shpat_sandbox\"\n",
            tmp.path().join("h.db").display(),
            sandbox.url()
        ),
    )
    .expect("config");
    let now = chrono::Utc::now();
    let mut lines = String::from(
        "channel,remote_id,number,status,ordered_at,updated_at,shipped_on,carrier,tracking\n",
    );
    let mut gids = Vec::new();
    for i in 0..8 {
        let number = format!("#{}", 7000 + i);
        let gid = sandbox.add_order(
            &number,
            "鈴木 一郎",
            now - chrono::Duration::days(2),
            &["東京倉庫"],
        );
        lines.push_str(&format!(
            "shopify,{gid},{number},processed,{},{},{},yamato,444413758703\n",
            (now - chrono::Duration::days(2)).to_rfc3339(),
            now.to_rfc3339(),
            now.date_naive()
        ));
        gids.push(gid);
    }
    let orders = tmp.path().join("orders.csv");
    std::fs::write(&orders, lines).expect("orders");
    let out = common::hassou_command(&config)
        .args(["orders", "import"])
        .arg(&orders)
        .output()
        .expect("import");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let name = format!("hassou-gone-mid-run-{}", std::process::id());
    let command = format!(
        "sh -c \"trap '' HUP; NO_COLOR=1 {} --config {} 2>{}; echo \\$? > {}\"",
        env!("CARGO_BIN_EXE_hassou"),
        config.display(),
        tmp.path().join("stderr").display(),
        tmp.path().join("exit").display()
    );
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &name,
        "-x",
        "80",
        "-y",
        "24",
        &command,
    ]);
    let session = Session(name);
    session.wait_for("#7000", Duration::from_secs(30));
    session.keys(&["s"]);
    session.wait_for("Send to Shopify?", Duration::from_secs(20));
    session.keys(&["y"]);
    let fulfilled = || {
        gids.iter()
            .filter(|g| sandbox.order(g).is_some_and(|o| !o.fulfillments.is_empty()))
            .count()
    };
    let start = Instant::now();
    while fulfilled() == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the run never wrote"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Mid-run: the pty goes away.
    tmux(&["kill-session", "-t", &session.0]);
    let exit = wait_for_file(&tmp.path().join("exit"), Duration::from_secs(30));
    let stderr = std::fs::read_to_string(tmp.path().join("stderr")).unwrap_or_default();
    assert_eq!(exit, "0", "{stderr}");
    let written = fulfilled();
    assert!(
        written < gids.len(),
        "the run stopped early ({written} of {})",
        gids.len()
    );
    for gid in &gids {
        let at_store = sandbox.order(gid).map_or(0, |o| o.fulfillments.len());
        assert!(at_store <= 1, "{gid}: {at_store} fulfillments");
    }
    // What the store holds is what hassou recorded: no order written there and pending here.
    let out = common::hassou_command(&config)
        .args(["orders", "list", "--json"])
        .output()
        .expect("list");
    let synced = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("\"verdict\":\"synced\""))
        .count();
    assert_eq!(synced, written, "{}", String::from_utf8_lossy(&out.stdout));
    drop(runtime);
}

/// Issue 21's flow in the demo: staff fulfilled one order by hand at the sandbox store;
/// `:reconcile` finds it (writing nothing), the drift filter shows it, its detail shows both
/// sides, and `T` then `y` takes the store's values — the store tab is ok again.
#[test]
fn reconcile_finds_the_demos_drift_and_the_detail_settles_it() {
    let tmp = tempfile::tempdir().expect("dir");
    let session = start_demo(&format!("hassou-drift-{}", std::process::id()), tmp.path());
    session.wait_for("#1001", Duration::from_secs(30));
    session.keys(&[":"]);
    session.keys(&["reconcile", "Enter"]);
    session.wait_for("1 drift", Duration::from_secs(20));
    session.keys(&["6"]);
    // The filtered list: the drifted order alone.
    session.wait_for("1–1/1", Duration::from_secs(10));
    session.keys(&["Enter"]);
    // The finding's words are in the log first; the detail's own line shows both sides.
    let screen = session.wait_for("Shopify: 111122223333", Duration::from_secs(10));
    assert!(
        screen.contains("hassou: 539110011764"),
        "both sides:\n{screen}"
    );
    session.keys(&["T"]);
    session.wait_for(
        "take the store's values into hassou",
        Duration::from_secs(10),
    );
    session.keys(&["y"]);
    session.wait_for("drift settled", Duration::from_secs(10));
    // The log's note comes first; the detail is read again right after it.
    session.wait_for("verdict     synced", Duration::from_secs(10));
    session.keys(&["Escape"]);
    session.keys(&["q"]);
    assert_eq!(
        wait_for_file(&tmp.path().join("exit"), Duration::from_secs(20)),
        "0"
    );
}

/// Issue 22: the demo's second Shopify store has its own tab; `:tab out` + Tab completes to it,
/// and a sync confirmed there writes that store's pending orders and no other store's.
#[test]
fn the_second_shopify_stores_tab_syncs_its_own_orders() {
    let tmp = tempfile::tempdir().expect("dir");
    let session = start_demo(&format!("hassou-stores-{}", std::process::id()), tmp.path());
    let screen = session.wait_for("#1001", Duration::from_secs(30));
    assert!(
        screen.contains("outlet · Shopify"),
        "a tab a store:\n{screen}"
    );
    session.wait_for("watch off", Duration::from_secs(10));
    let config = demo_config(tmp.path());
    let (outlet, shopify) = (pending_in(&config, "outlet"), pending_shopify(&config));
    assert!(
        outlet > 0 && shopify > 0,
        "pending orders in both Shopify stores"
    );

    session.keys(&[":"]);
    session.keys(&["tab out"]);
    session.keys(&["Tab"]);
    session.wait_for("tab outlet", Duration::from_secs(10));
    session.keys(&["Enter"]);
    session.keys(&["1"]);
    session.wait_for("1pending", Duration::from_secs(10));
    session.keys(&["s"]);
    let screen = session.wait_for("Send to outlet · Shopify?", Duration::from_secs(20));
    assert!(screen.contains(&format!("{outlet} orders")), "{screen}");
    session.keys(&["y"]);
    let screen = session.wait_for("sync done", Duration::from_secs(60));
    assert!(screen.contains(&format!("{outlet} written")), "{screen}");
    assert_eq!(
        pending_in(&config, "outlet"),
        0,
        "the outlet's orders written"
    );
    assert_eq!(
        pending_shopify(&config),
        shopify,
        "the other store's untouched"
    );

    session.keys(&["q"]);
    assert_eq!(
        wait_for_file(&tmp.path().join("exit"), Duration::from_secs(20)),
        "0"
    );
}
