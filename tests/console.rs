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
    let out = common::hassou_command(config)
        .args(["orders", "list", "--channel", "shopify", "--json"])
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
