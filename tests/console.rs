//! The console as an operator meets it: `hassou demo` in a real terminal (tmux, 80×24), driven
//! by keys — the list, the pending filter, a dry run, sync now, quitting cleanly — and `hassou`
//! refusing to start without a terminal.
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

#[test]
fn the_demo_lists_dry_runs_syncs_and_quits_in_80_by_24() {
    let name = format!("hassou-test-{}", std::process::id());
    let dir = tempfile::tempdir().expect("dir");
    let exit_file = dir.path().join("exit");
    let command = format!(
        "env -u HASSOU_CONFIG NO_COLOR=1 {} demo --lang en; echo $? > {}; sleep 60",
        env!("CARGO_BIN_EXE_hassou"),
        exit_file.display()
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
    let screen = session.wait_for("#1001", Duration::from_secs(30));
    assert!(screen.contains("run by console-shopify"), "{screen}");
    assert!(screen.lines().count() <= 24);

    // Only the pending orders, then what a sync would send (nothing sent).
    session.keys(&["1"]);
    let screen = session.wait_for("1pending", Duration::from_secs(10));
    assert!(screen.contains("pending"), "{screen}");
    session.keys(&["d"]);
    session.wait_for("nothing was sent", Duration::from_secs(20));

    // Sync now: the orders are written and the list empties.
    session.keys(&["s"]);
    let screen = session.wait_for("sync done", Duration::from_secs(30));
    assert!(
        screen.contains("fulfilled") || screen.contains("marked delivered"),
        "{screen}"
    );
    assert!(!screen.contains("failed:"), "{screen}");

    session.keys(&["q"]);
    let start = Instant::now();
    while !exit_file.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the console did not quit"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        std::fs::read_to_string(&exit_file).expect("exit").trim(),
        "0"
    );
}

#[test]
fn the_console_needs_a_terminal() {
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("c.toml");
    std::fs::write(
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
