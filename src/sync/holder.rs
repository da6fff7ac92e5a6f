//! Who holds a scheduler lease or an order claim — `host/pid/tag` — and whether such a holder is
//! known to be gone, so that a process restarted on the same machine takes over at once instead
//! of waiting for the dead one's lease or claim to expire.

use std::path::Path;

/// This machine's name.
pub fn hostname() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

/// The holder name of this process for `tag` (a run, a scheduler).
pub fn holder(tag: &str) -> String {
    format!("{}/{}/{tag}", hostname(), std::process::id())
}

/// Whether `holder` names a process on this machine that no longer runs. Holders on other
/// machines are never judged here: theirs wait for expiry.
pub fn is_gone(holder: &str) -> bool {
    let mut parts = holder.splitn(3, '/');
    let (Some(host), Some(pid)) = (parts.next(), parts.next()) else {
        return false;
    };
    let Ok(pid) = pid.parse::<u32>() else {
        return false;
    };
    // Only where /proc tells which processes run (Linux).
    host == hostname()
        && pid != std::process::id()
        && Path::new("/proc/self").exists()
        && !Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_process_is_not_gone_and_a_foreign_host_is_never_judged() {
        assert!(!is_gone(&holder("run1")), "this process runs");
        assert!(!is_gone("elsewhere.example/1/run1"));
        assert!(!is_gone("garbage"));
        if Path::new("/proc/self").exists() {
            // Beyond pid_max: no such process.
            assert!(is_gone(&format!("{}/4194305/run1", hostname())));
        }
    }
}
