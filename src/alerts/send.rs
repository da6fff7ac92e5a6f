//! Delivering alerts: a webhook POST (Slack's `{"text"}` or the JSON event) with reqwest, a mail
//! over SMTP (STARTTLS or TLS; plain only to this machine) with lettre. Each due outbox row is
//! claimed, sent, and marked delivered — or tried again later, for an hour. Errors are said
//! without the webhook's URL (it is the hook's key).

use std::time::Duration;

use chrono::{DateTime, Utc};
use lettre::message::SinglePart;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

use super::{Alerting, MAIL, WEBHOOK};
use crate::config::{SmtpSecurity, WebhookFormat};
use crate::db::{Db, DbError, OutboxRow};
use crate::domain::Store;
use crate::domain::alert::AlertMessage;

/// How long an alert is retried before hassou gives up on it.
pub const RETRY_FOR: Duration = Duration::from_secs(3600);

/// How long an attempt may take before another process may try the row again.
const ATTEMPT_CLAIM: Duration = Duration::from_secs(60);

/// The wait after the `attempts`-th failed attempt: 5 s, 15 s, 30 s, 1 min, 2 min, 5 min, then
/// every 10 min.
pub fn retry_delay(attempts: i64) -> Duration {
    const STEPS: [u64; 6] = [5, 15, 30, 60, 120, 300];
    let i = usize::try_from(attempts.max(1) - 1).unwrap_or(0);
    Duration::from_secs(STEPS.get(i).copied().unwrap_or(600))
}

fn later(at: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    at + chrono::Duration::from_std(d).unwrap_or_default()
}

impl Alerting {
    /// Sends one alert to one destination now.
    pub async fn send(&self, destination: &str, m: &AlertMessage) -> Result<(), String> {
        let at =
            m.at.with_timezone(&self.rules.timezone.offset())
                .format("%Y-%m-%d %H:%M")
                .to_string();
        let text =
            crate::text::alerts::body(&m.summary, &m.orders, m.count, &at, &m.host, self.language);
        match destination {
            WEBHOOK => {
                let hook = self
                    .config
                    .webhook
                    .as_ref()
                    .ok_or("no webhook configured")?;
                let body = match hook.format {
                    WebhookFormat::Slack => serde_json::json!({ "text": text }),
                    WebhookFormat::Json => serde_json::to_value(m).unwrap_or_default(),
                };
                let answer = self
                    .http
                    .post(hook.url.expose_secret())
                    .json(&body)
                    .send()
                    .await
                    .map_err(|e| {
                        let e = e.without_url();
                        if e.is_timeout() {
                            "no answer within 10 s".to_owned()
                        } else if e.is_connect() {
                            format!("cannot connect to {}", hook.host)
                        } else {
                            e.to_string()
                        }
                    })?;
                if answer.status().is_success() {
                    Ok(())
                } else {
                    Err(format!(
                        "{} answered HTTP {}",
                        hook.host,
                        answer.status().as_u16()
                    ))
                }
            }
            MAIL => {
                let mail = self.config.mail.as_ref().ok_or("no mail configured")?;
                let mut message = Message::builder()
                    .from(mail.from.parse().map_err(|e| format!("mail_from: {e}"))?)
                    .subject(crate::text::alerts::subject(&m.summary));
                for to in &mail.to {
                    message = message.to(to.parse().map_err(|e| format!("mail_to: {e}"))?);
                }
                // Base64, which every server takes whatever the text (Japanese included).
                let part = SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .header(ContentTransferEncoding::Base64)
                    .body(text);
                let message = message.singlepart(part).map_err(|e| e.to_string())?;
                let builder = match mail.security {
                    SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&mail.host)
                        .map_err(|e| e.to_string())?,
                    SmtpSecurity::StartTls => {
                        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&mail.host)
                            .map_err(|e| e.to_string())?
                    }
                    SmtpSecurity::PlainLoopback => {
                        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&mail.host)
                    }
                };
                let mut builder = builder
                    .port(mail.port)
                    .timeout(Some(Duration::from_secs(20)));
                if let (Some(user), Some(password)) = (&mail.user, &mail.password) {
                    builder = builder.credentials(Credentials::new(
                        user.clone(),
                        password.value.expose_secret().to_owned(),
                    ));
                }
                builder
                    .build()
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| format!("{}:{}: {e}", mail.host, mail.port))
            }
            other => Err(format!("unknown destination {other}")),
        }
    }

    /// Sends the store's due alerts (the lease holder calls it), each claimed first; returns the
    /// rows that finished — delivered, or given up on — with the error if any.
    pub async fn deliver_due(
        &self,
        db: &Db,
        channel: Store,
        now: DateTime<Utc>,
    ) -> Result<Vec<(OutboxRow, Option<String>)>, DbError> {
        let mut finished = Vec::new();
        for row in db.due_alerts(channel, now).await? {
            if !db
                .claim_alert(row.id, row.attempts, now, later(now, ATTEMPT_CLAIM))
                .await?
            {
                continue;
            }
            let result = match serde_json::from_str::<AlertMessage>(&row.payload) {
                Ok(m) => self.send(&row.destination, &m).await,
                Err(e) => Err(format!("unreadable alert: {e}")),
            };
            let done = Utc::now();
            match result {
                Ok(()) => {
                    db.alert_delivered(row.id, done).await?;
                    tracing::info!(store = %channel, event = %row.event, destination = %self.label(&row.destination), "alert delivered");
                    finished.push((row, None));
                }
                Err(error) => {
                    let retry = later(done, retry_delay(row.attempts + 1));
                    let give_up = retry > later(row.created_at, RETRY_FOR);
                    tracing::warn!(store = %channel, event = %row.event, destination = %self.label(&row.destination), attempt = row.attempts + 1, "alert not delivered: {error}");
                    db.alert_failed(row.id, &error, (!give_up).then_some(retry), done)
                        .await?;
                    if give_up {
                        finished.push((row, Some(error)));
                    }
                }
            }
        }
        Ok(finished)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_space_out_and_stop_within_the_hour() {
        let delays: Vec<u64> = (1..=8).map(|n| retry_delay(n).as_secs()).collect();
        assert_eq!(delays, [5, 15, 30, 60, 120, 300, 600, 600]);
        // An hour holds about a dozen attempts, not thousands.
        let mut total = 0;
        let mut attempts = 0;
        while total < RETRY_FOR.as_secs() {
            attempts += 1;
            total += retry_delay(attempts).as_secs();
        }
        assert!((8..=14).contains(&attempts), "{attempts}");
    }
}
