//! The `[alerts]` table (SPEC §3 "Health and alerts"): where alerts go — a webhook (Slack's
//! `{"text"}` or hassou's JSON event), mail over SMTP — how long an order may wait before it is
//! `stale`, and the console's bell. The webhook's URL and the SMTP password are secrets: never
//! shown, only their host.

use std::ops::Range;
use std::time::Duration;

use secrecy::SecretString;
use toml::Spanned;

use super::raw::RawAlerts;
use super::{ConfigError, Secret};

/// The body a webhook receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookFormat {
    /// `{"text": "…"}`, which Slack, Mattermost, Rocket.Chat and Teams' Slack-compatible hooks take.
    Slack,
    /// The event object of SPEC §3.
    Json,
}

#[derive(Debug, Clone)]
pub struct WebhookAlerts {
    pub url: SecretString,
    /// The URL's host, the only part ever shown.
    pub host: String,
    pub format: WebhookFormat,
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// `smtps://`: TLS from the first byte (port 465).
    Tls,
    /// `smtp://`: STARTTLS required (port 587).
    StartTls,
    /// `smtp://` to a loopback host: plain (a local relay, the sandbox's sink).
    PlainLoopback,
}

#[derive(Debug, Clone)]
pub struct MailAlerts {
    pub to: Vec<String>,
    pub from: String,
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub user: Option<String>,
    pub password: Option<Secret>,
}

#[derive(Debug, Clone)]
pub struct AlertsConfig {
    pub webhook: Option<WebhookAlerts>,
    pub mail: Option<MailAlerts>,
    /// An order pending (or failed) longer than this, while auto sync or watch is on, makes the
    /// store `degraded` and raises `stale`.
    pub stale_after: Duration,
    /// The console rings the terminal bell when a run fails.
    pub bell: bool,
}

impl Default for AlertsConfig {
    fn default() -> Self {
        AlertsConfig {
            webhook: None,
            mail: None,
            stale_after: Duration::from_secs(2 * 3600),
            bell: true,
        }
    }
}

impl AlertsConfig {
    /// Whether any alert leaves the machine.
    pub fn any_destination(&self) -> bool {
        self.webhook.is_some() || self.mail.is_some()
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

type Locate<'a> = super::Locate<'a>;

fn located<T>(
    value: &Spanned<T>,
    key: &str,
    locate: &Locate<'_>,
) -> impl Fn(String) -> ConfigError {
    let span: Range<usize> = value.span();
    let key = format!("[alerts] {key}");
    move |m| locate(Some(span.clone()), Some(&key), m)
}

pub(super) fn alerts(
    raw: Option<RawAlerts>,
    env_password: Option<&str>,
    locate: &Locate<'_>,
) -> Result<AlertsConfig, ConfigError> {
    let mut a = AlertsConfig::default();
    let Some(raw) = raw else {
        return Ok(a);
    };
    if let Some(url) = &raw.webhook_url {
        let err = located(url, "webhook_url", locate);
        // The URL is never echoed: it is the hook's credential.
        let parsed = url::Url::parse(url.get_ref()).map_err(|_| err("is not a URL".into()))?;
        let host = parsed.host_str().unwrap_or_default().to_owned();
        match parsed.scheme() {
            "https" => {}
            "http" if is_loopback(&host) => {}
            _ => {
                return Err(err(
                    "must be https:// (http:// only to this machine: 127.0.0.1, localhost)".into(),
                ));
            }
        }
        let format = match raw.webhook_format.as_ref().map(|f| f.get_ref().as_str()) {
            None | Some("slack") => WebhookFormat::Slack,
            Some("json") => WebhookFormat::Json,
            Some(other) => {
                let f = raw.webhook_format.as_ref().expect("present");
                return Err(located(f, "webhook_format", locate)(format!(
                    "must be \"slack\" or \"json\", got {other:?}"
                )));
            }
        };
        a.webhook = Some(WebhookAlerts {
            url: SecretString::from(url.get_ref().clone()),
            host,
            format,
        });
    }
    match (&raw.mail_to, &raw.mail_from, &raw.smtp_url) {
        (None, None, None) => {}
        (Some(to), Some(from), Some(smtp)) => {
            for address in to.get_ref() {
                address
                    .parse::<lettre::Address>()
                    .map_err(|e| located(to, "mail_to", locate)(format!("{address:?}: {e}")))?;
            }
            if to.get_ref().is_empty() {
                return Err(located(to, "mail_to", locate)("names no address".into()));
            }
            from.get_ref()
                .parse::<lettre::message::Mailbox>()
                .map_err(|e| located(from, "mail_from", locate)(format!("{e}")))?;
            let err = located(smtp, "smtp_url", locate);
            let parsed = url::Url::parse(smtp.get_ref()).map_err(|e| {
                err(format!(
                    "is not a URL such as smtp://smtp.example.jp:587 ({e})"
                ))
            })?;
            let host = parsed
                .host_str()
                .filter(|h| !h.is_empty())
                .ok_or_else(|| err("names no host".into()))?
                .to_owned();
            if parsed.password().is_some() {
                return Err(err(
                    "holds a password; give it as smtp_password or HASSOU_SMTP_PASSWORD".into(),
                ));
            }
            let (security, port) = match parsed.scheme() {
                "smtps" => (SmtpSecurity::Tls, parsed.port().unwrap_or(465)),
                "smtp" if is_loopback(&host) => {
                    (SmtpSecurity::PlainLoopback, parsed.port().unwrap_or(25))
                }
                "smtp" => (SmtpSecurity::StartTls, parsed.port().unwrap_or(587)),
                other => {
                    return Err(err(format!(
                        "must be smtp:// (STARTTLS) or smtps:// (TLS), got {other}://"
                    )));
                }
            };
            let password = env_password
                .map(|p| Secret {
                    value: SecretString::from(p.to_owned()),
                    source: super::SecretSource::Env("HASSOU_SMTP_PASSWORD".into()),
                })
                .or_else(|| {
                    raw.smtp_password
                        .as_ref()
                        .filter(|p| !p.is_empty())
                        .map(|p| Secret {
                            value: SecretString::from(p.clone()),
                            source: super::SecretSource::File,
                        })
                });
            a.mail = Some(MailAlerts {
                to: to.get_ref().clone(),
                from: from.get_ref().clone(),
                host,
                port,
                security,
                user: raw.smtp_user.clone().filter(|u| !u.is_empty()),
                password,
            });
        }
        _ => {
            return Err(locate(
                None,
                Some("[alerts] mail_to"),
                "mail alerts need mail_to, mail_from and smtp_url together".into(),
            ));
        }
    }
    if let Some(v) = &raw.stale_after {
        a.stale_after = crate::settings::parse_duration(v.get_ref())
            .and_then(|d| {
                if d >= Duration::from_secs(60) {
                    Ok(d)
                } else {
                    Err("must be at least 1m".into())
                }
            })
            .map_err(located(v, "stale_after", locate))?;
    }
    a.bell = raw.bell.unwrap_or(true);
    Ok(a)
}
