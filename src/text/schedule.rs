//! The scheduler status in words, for `hassou status` and the console: one line per job and one
//! for who runs the schedule, in Japanese or English. Pure: the caller reads the database.

use std::time::Duration;

use chrono::{DateTime, FixedOffset, Utc};

use crate::db::Lease;
use crate::domain::Language;
use crate::domain::job::JobStatus;

/// "30m", "1h", "1h 30m", "45s".
pub fn every(d: Duration) -> String {
    let secs = d.as_secs();
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(format!("{h}h"));
    }
    if m > 0 {
        parts.push(format!("{m}m"));
    }
    if s > 0 || parts.is_empty() {
        parts.push(format!("{s}s"));
    }
    parts.join(" ")
}

fn clock(at: DateTime<Utc>, tz: FixedOffset) -> String {
    at.with_timezone(&tz).format("%H:%M:%S").to_string()
}

/// Watch mode: on within its debounce, or off.
pub fn watch_line(on: bool, debounce: Duration, lang: Language) -> String {
    match (on, lang) {
        (true, Language::Ja) => format!("オン ({}以内)", every(debounce)),
        (true, Language::En) => format!("on, within {}", every(debounce)),
        (false, _) => crate::text::on_off(false, lang).to_owned(),
    }
}

/// Who runs the schedule of a store: the lease holder, or nobody (or a holder whose lease ran out).
pub fn lease_line(
    lease: Option<&Lease>,
    now: DateTime<Utc>,
    tz: FixedOffset,
    lang: Language,
) -> String {
    match (lease, lang) {
        (Some(l), Language::Ja) if l.expires_at >= now => {
            format!(
                "スケジュール実行中のプロセス: {} (期限 {})",
                l.holder,
                clock(l.expires_at, tz)
            )
        }
        (Some(l), Language::En) if l.expires_at >= now => {
            format!(
                "schedule run by {} (lease until {})",
                l.holder,
                clock(l.expires_at, tz)
            )
        }
        (Some(l), Language::Ja) => format!(
            "スケジュールを実行するプロセスなし ({} の期限切れ {})",
            l.holder,
            clock(l.expires_at, tz)
        ),
        (Some(l), Language::En) => format!(
            "no process runs the schedule ({}'s lease ran out at {})",
            l.holder,
            clock(l.expires_at, tz)
        ),
        (None, Language::Ja) => {
            "スケジュールを実行するプロセスなし (hassou daemon か画面を起動)".into()
        }
        (None, Language::En) => {
            "no process runs the schedule (start `hassou daemon` or a console)".into()
        }
    }
}

/// One job: its setting, what it is doing, when it runs next, how the last run went.
/// `status` is what the lease holder published, if anything; `live` says whether that holder
/// still holds the lease (else its "next run" will not happen and is not shown).
pub fn job_line(
    enabled: bool,
    interval: Duration,
    status: Option<&JobStatus>,
    live: bool,
    tz: FixedOffset,
    lang: Language,
) -> String {
    let ja = lang == Language::Ja;
    let mut parts = vec![match (enabled, ja) {
        (true, true) => format!("自動 {}ごと", every(interval)),
        (true, false) => format!("every {}", every(interval)),
        (false, true) => "自動オフ".into(),
        (false, false) => "off".into(),
    }];
    if let Some(s) = status {
        if s.running && live {
            let since = s.started_at.map(|t| clock(t, tz)).unwrap_or_default();
            let why = s.trigger.map(|t| t.code()).unwrap_or("schedule");
            parts.push(if ja {
                format!("実行中 {since}〜 ({why})")
            } else {
                format!("running since {since} ({why})")
            });
            if s.queued {
                parts.push(if ja {
                    "もう1回予約".into()
                } else {
                    "one more queued".into()
                });
            }
        } else if let Some(next) = s.next_run_at.filter(|_| live && enabled) {
            parts.push(if ja {
                format!("次回 {}", clock(next, tz))
            } else {
                format!("next {}", clock(next, tz))
            });
        }
        if let Some(c) = &s.last_counts {
            // The one run-counts wording the tab, the log and the CLI say too.
            parts.push(crate::text::Say::LastRun(c).get(lang));
        }
        if s.consecutive_failures > 0 {
            // The kind in the catalog's words first; the store's words stay inside this line.
            let error = match s.last_cause {
                Some(cause) => format!(
                    "{}: {}",
                    crate::text::cause_words(cause, lang),
                    crate::text::visible(s.last_error.as_deref().unwrap_or(""))
                ),
                None => crate::text::visible(s.last_error.as_deref().unwrap_or("")),
            };
            parts.push(if ja {
                format!("連続エラー {}回: {error}", s.consecutive_failures)
            } else {
                format!("{} failed in a row: {error}", s.consecutive_failures)
            });
        }
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::RunCounts;
    use crate::scheduler::Trigger;

    fn jst() -> FixedOffset {
        FixedOffset::east_opt(9 * 3600).expect("offset")
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("time")
            .with_timezone(&Utc)
    }

    #[test]
    fn intervals_read_as_an_operator_writes_them() {
        for (secs, text) in [
            (60, "1m"),
            (1800, "30m"),
            (5400, "1h 30m"),
            (86400, "24h"),
            (45, "45s"),
            (0, "0s"),
        ] {
            assert_eq!(every(Duration::from_secs(secs)), text);
        }
    }

    #[test]
    fn a_job_says_what_it_does_next_and_how_the_last_run_went() {
        let status = JobStatus {
            next_run_at: Some(at("2026-11-24T03:30:00Z")),
            last_counts: Some(RunCounts {
                written: 20,
                already_synced: 3,
                ..RunCounts::default()
            }),
            ..JobStatus::default()
        };
        let line = job_line(
            true,
            Duration::from_secs(1800),
            Some(&status),
            true,
            jst(),
            Language::En,
        );
        assert_eq!(
            line,
            "every 30m · next 12:30:00 · last run: 0 failed · 20 written · 3 already synced · 0 waiting"
        );
        let ja = job_line(
            true,
            Duration::from_secs(1800),
            Some(&status),
            true,
            jst(),
            Language::Ja,
        );
        assert_eq!(
            ja,
            "自動 30mごと · 次回 12:30:00 · 前回 失敗 0件 · 書込 20件 · 反映済み 3件 · 伝票待ち 0件"
        );
        // A holder that lost its lease will not run at that time.
        let stale = job_line(
            true,
            Duration::from_secs(1800),
            Some(&status),
            false,
            jst(),
            Language::En,
        );
        assert!(!stale.contains("next"), "{stale}");
    }

    #[test]
    fn a_running_job_shows_since_when_why_and_a_queued_follow_up() {
        let status = JobStatus {
            running: true,
            trigger: Some(Trigger::Watch),
            started_at: Some(at("2026-11-24T03:00:05Z")),
            queued: true,
            consecutive_failures: 2,
            last_error: Some("Shopify answered 503".into()),
            ..JobStatus::default()
        };
        let line = job_line(
            false,
            Duration::from_secs(1800),
            Some(&status),
            true,
            jst(),
            Language::En,
        );
        assert_eq!(
            line,
            "off · running since 12:00:05 (watch) · one more queued · 2 failed in a row: Shopify answered 503"
        );
    }

    #[test]
    fn the_lease_line_names_the_holder_or_says_nobody_runs_it() {
        let lease = Lease {
            name: "schedule:shopify".into(),
            holder: "ops1/4242/daemon-shopify".into(),
            acquired_at: at("2026-11-24T03:00:00Z"),
            expires_at: at("2026-11-24T03:01:00Z"),
        };
        let now = at("2026-11-24T03:00:30Z");
        assert_eq!(
            lease_line(Some(&lease), now, jst(), Language::En),
            "schedule run by ops1/4242/daemon-shopify (lease until 12:01:00)"
        );
        let later = at("2026-11-24T03:05:00Z");
        assert!(lease_line(Some(&lease), later, jst(), Language::En).starts_with("no process"));
        assert!(lease_line(None, now, jst(), Language::Ja).contains("hassou daemon"));
    }
}
