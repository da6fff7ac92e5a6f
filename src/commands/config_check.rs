//! `hassou config check`: validate the configuration and show what is in effect. Secrets are
//! shown as where they come from, never as values.

use super::{Context, Failure, Out};
use crate::config::{Language, Secret, SecretSource, StoreConfig, StoreConnection};
use crate::db::redact_url;
use crate::domain::Channel;
use crate::domain::Store;
use crate::settings::OperationalSettings;

fn secret(s: Option<&Secret>) -> String {
    match s.map(|s| &s.source) {
        None => "not set".into(),
        Some(SecretSource::File) => "set (in the file)".into(),
        Some(SecretSource::Env(var)) => format!("set (from {var})"),
        Some(SecretSource::TokenFile) => "set (from the token file)".into(),
    }
}

/// One store's table as in effect: its connection, where its secrets come from, its settings.
fn store_lines(out: &mut Out, s: &StoreConfig) {
    out.line(format!(
        "{} store {} ({})",
        s.table,
        s.store.name(),
        s.store.channel().code()
    ));
    match &s.connection {
        StoreConnection::Shopify(c) => {
            out.line(format!(
                "  shop_url           {}",
                c.shop_url
                    .as_ref()
                    .map_or("not set".into(), ToString::to_string)
            ));
            out.line(format!("  api_version        {}", c.api_version));
            out.line(format!(
                "  access_token       {}",
                secret(c.access_token.as_ref())
            ));
            out.line(format!("  notify_customer    {}", c.notify_customer));
        }
        StoreConnection::Colorme(c) => {
            out.line(format!("  api_base           {}", c.api_base));
            out.line(format!(
                "  client_id          {}",
                if c.client_id.is_some() {
                    "set"
                } else {
                    "not set"
                }
            ));
            out.line(format!(
                "  client_secret      {}",
                secret(c.client_secret.as_ref())
            ));
            out.line(format!(
                "  access_token       {}",
                secret(c.access_token.as_ref())
            ));
            out.line(format!(
                "  token_file         {}",
                c.token_file
                    .as_ref()
                    .map_or("(none: no config dir)".into(), |p| p.display().to_string())
            ));
            out.line(format!("  send_shipping_mail {}", c.send_shipping_mail));
        }
    }
    settings_lines(out, s.store, &s.sync);
}

fn schedule(on: bool, every: std::time::Duration) -> String {
    format!(
        "{} every {}",
        if on { "on," } else { "off," },
        humantime::format_duration(every)
    )
}

fn settings_lines(out: &mut Out, store: Store, s: &OperationalSettings) {
    out.line(format!("  period_days        {}", s.rules.period));
    match store.channel() {
        Channel::Shopify => {
            out.line(format!("  statuses           {}", s.rules.statuses));
            out.line(format!("  pull_paid_date     {}", s.pull_paid_date));
        }
        Channel::Colorme => out.line(format!(
            "  shipped_date_only  {}",
            s.rules.shipped_date_only
        )),
    }
    out.line(format!(
        "  auto_sync          {}",
        schedule(s.auto_sync, s.auto_sync_every)
    ));
    out.line(format!(
        "  auto_pull          {}",
        schedule(s.auto_pull, s.auto_pull_every)
    ));
    out.line(format!(
        "  watch              {}, debounce {}",
        if s.watch { "on" } else { "off" },
        humantime::format_duration(s.watch_debounce)
    ));
    out.line(format!("  pull_days          {}", s.pull_days));
    out.line(format!(
        "  window             {}",
        if s.window.is_always() {
            "always".to_owned()
        } else {
            crate::text::settings::window_words(&s.window, Language::En)
        }
    ));
}

fn alerts_lines(out: &mut Out, c: &crate::config::Config) {
    use crate::config::{SmtpSecurity, WebhookFormat};
    let a = &c.alerts;
    out.line("[alerts]");
    out.line(format!(
        "  webhook            {}",
        a.webhook.as_ref().map_or("not set".to_owned(), |w| format!(
            "{} ({}; the URL is a secret, not shown)",
            w.host,
            match w.format {
                WebhookFormat::Slack => "slack",
                WebhookFormat::Json => "json",
            }
        ))
    ));
    out.line(format!(
        "  mail               {}",
        a.mail.as_ref().map_or("not set".to_owned(), |m| format!(
            "to {} via {}:{} ({}), password {}",
            m.to.join(", "),
            m.host,
            m.port,
            match m.security {
                SmtpSecurity::Tls => "TLS",
                SmtpSecurity::StartTls => "STARTTLS",
                SmtpSecurity::PlainLoopback => "plain, this machine only",
            },
            secret(m.password.as_ref())
        ))
    ));
    out.line(format!(
        "  stale_after        {}",
        humantime::format_duration(a.stale_after)
    ));
    out.line(format!("  bell               {}", a.bell));
}

pub fn check(ctx: &Context, out: &mut Out) -> Result<u8, Failure> {
    let c = &ctx.config;
    out.line(format!(
        "configuration  {}",
        c.file
            .as_ref()
            .map_or("(no file: defaults)".into(), |f| f.display().to_string())
    ));
    out.line(format!("database       {}", redact_url(&c.database_url)));
    out.line(format!(
        "shop           time zone {}, language {}",
        c.timezone,
        if c.language == Language::Ja {
            "ja"
        } else {
            "en"
        }
    ));
    for store in &c.stores {
        store_lines(out, store);
    }
    alerts_lines(out, c);
    out.line("ok: the configuration is valid (settings above are first values; the database keeps the ones in use)");
    Ok(0)
}
