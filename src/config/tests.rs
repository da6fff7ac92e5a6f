use std::path::Path;
use std::time::Duration;

use secrecy::ExposeSecret;

use super::*;
use crate::channels::store_url;
use crate::domain::{Channel, StatusOption, Store};

fn sources() -> ConfigSources {
    ConfigSources {
        data_dir: Some("/home/op/.local/share/hassou".into()),
        ..ConfigSources::default()
    }
}

/// The old form's Shopify store (`[shopify]`).
fn shopify(c: &Config) -> &ShopifyConfig {
    c.store_config(Store::SHOPIFY)
        .and_then(StoreConfig::shopify)
        .expect("the shopify store")
}

/// The old form's カラーミー store (`[colorme]`).
fn colorme(c: &Config) -> &ColormeConfig {
    c.store_config(Store::COLORME)
        .and_then(StoreConfig::colorme)
        .expect("the colorme store")
}

fn sync_of(c: &Config, store: Store) -> OperationalSettings {
    c.initial_settings(store)
}

fn err(text: &str) -> ConfigError {
    match parse(text, Some(Path::new("hassou.toml")), &sources()) {
        Ok(_) => panic!("expected an error for {text:?}"),
        Err(e) => e,
    }
}

#[test]
fn defaults_without_a_file() {
    let c = parse("", None, &sources()).expect("defaults");
    assert_eq!(
        c.database_url,
        "sqlite:///home/op/.local/share/hassou/hassou.db"
    );
    assert_eq!(c.timezone, ShopTimeZone::jst());
    assert_eq!(c.language, Language::Ja);
    assert_eq!(shopify(&c).api_version, "2026-07");
    assert_eq!(colorme(&c).api_base.as_str(), "https://api.shop-pro.jp/");
    assert_eq!(sync_of(&c, Store::SHOPIFY), OperationalSettings::default());
    assert!(!shopify(&c).notify_customer && !colorme(&c).send_shipping_mail);
}

#[test]
fn the_example_file_is_valid_and_documents_every_key() {
    let text = include_str!("../../config/hassou.example.toml");
    let c = parse(
        text,
        Some(Path::new("config/hassou.example.toml")),
        &sources(),
    )
    .expect("example");
    assert_eq!(
        sync_of(&c, Store::SHOPIFY).rules.statuses,
        StatusOption::ProcessedOnly
    );
    let names: Vec<&str> = c.stores.iter().map(|s| s.store.name()).collect();
    assert_eq!(names, ["shopify", "colorme", "outlet"]);
    for key in [
        "channel",
        "token_file",
        "url",
        "timezone",
        "language",
        "shop_url",
        "api_version",
        "access_token",
        "notify_customer",
        "api_base",
        "client_id",
        "client_secret",
        "send_shipping_mail",
        "period_days",
        "statuses",
        "shipped_date_only",
        "auto_sync",
        "auto_sync_every",
        "auto_pull",
        "auto_pull_every",
        "watch",
        "watch_debounce",
        "pull_days",
        "pull_paid_date",
        "active_hours",
        "active_days",
        "skip_holidays",
        "auto_reconcile_every",
        "webhook_url",
        "webhook_format",
        "mail_to",
        "mail_from",
        "smtp_url",
        "smtp_user",
        "smtp_password",
        "stale_after",
        "bell",
    ] {
        assert!(
            text.contains(&format!("{key} =")),
            "example does not document {key}"
        );
    }
}

#[test]
fn settings_sections_apply() {
    let c = parse(
        "[shopify.sync]\nperiod_days = 13\nstatuses = \"all-but-new-cancelled\"\nauto_sync_every = \"5m\"\n\
         [colorme.sync]\nperiod_days = 1\nshipped_date_only = false\nwatch = true\nwatch_debounce = \"30s\"\n",
        None,
        &sources(),
    )
    .expect("valid");
    assert_eq!(sync_of(&c, Store::SHOPIFY).rules.period.days(), 13);
    assert_eq!(
        sync_of(&c, Store::SHOPIFY).rules.statuses,
        StatusOption::AllButNewCancelled
    );
    assert_eq!(
        sync_of(&c, Store::SHOPIFY).auto_sync_every,
        Duration::from_secs(300)
    );
    assert_eq!(sync_of(&c, Store::COLORME).rules.period.days(), 1);
    assert!(!sync_of(&c, Store::COLORME).rules.shipped_date_only);
    assert!(sync_of(&c, Store::COLORME).watch);
}

#[test]
fn windows_and_alerts_read_with_their_errors_located() {
    let c = parse(
        "[colorme.sync]\nactive_hours = \"08:00-21:00\"\nactive_days = \"mon-sat\"\nskip_holidays = true\n\
         [alerts]\nwebhook_url = \"https://hooks.slack.com/services/T/B/x\"\nwebhook_format = \"json\"\n\
         mail_to = [\"ops@example.jp\"]\nmail_from = \"hassou@example.jp\"\nsmtp_url = \"smtp://smtp.example.jp\"\n\
         stale_after = \"90m\"\nbell = false\n",
        None,
        &sources(),
    )
    .expect("valid");
    let w = sync_of(&c, Store::COLORME).window;
    assert_eq!(
        w.hours.map(|h| h.to_string()).as_deref(),
        Some("08:00-21:00")
    );
    assert_eq!(w.days.to_string(), "mon-sat");
    assert!(w.skip_holidays);
    assert!(sync_of(&c, Store::SHOPIFY).window.is_always());
    let hook = c.alerts.webhook.as_ref().expect("webhook");
    assert_eq!(
        (hook.host.as_str(), hook.format),
        ("hooks.slack.com", WebhookFormat::Json)
    );
    let mail = c.alerts.mail.as_ref().expect("mail");
    assert_eq!((mail.port, mail.security), (587, SmtpSecurity::StartTls));
    assert_eq!(c.alerts.stale_after, Duration::from_secs(5400));
    assert!(!c.alerts.bell);
    // The hook's URL is never shown, even in a debug print.
    assert!(!format!("{c:?}").contains("services/T/B/x"));
    for (text, line, key, says) in [
        (
            "[shopify.sync]\nactive_hours = \"8-21\"\n",
            2,
            "[shopify.sync] active_hours",
            "08:00-21:00",
        ),
        (
            "[shopify.sync]\nactive_days = \"weekdays\"\n",
            2,
            "[shopify.sync] active_days",
            "mon-sat",
        ),
        (
            "[alerts]\nwebhook_url = \"http://hooks.example.jp/x\"\n",
            2,
            "[alerts] webhook_url",
            "https",
        ),
        (
            "[alerts]\nwebhook_url = \"https://h.example.jp/x\"\nwebhook_format = \"xml\"\n",
            3,
            "[alerts] webhook_format",
            "slack",
        ),
        (
            "[alerts]\nmail_to = [\"ops@example.jp\"]\nmail_from = \"h@example.jp\"\nsmtp_url = \"http://smtp.example.jp\"\n",
            4,
            "[alerts] smtp_url",
            "smtps://",
        ),
        (
            "[alerts]\nmail_to = [\"not an address\"]\nmail_from = \"h@example.jp\"\nsmtp_url = \"smtp://smtp.example.jp\"\n",
            2,
            "[alerts] mail_to",
            "not an address",
        ),
        (
            "[alerts]\nstale_after = \"10s\"\n",
            2,
            "[alerts] stale_after",
            "1m",
        ),
        (
            "[alerts]\nsmtp_url = \"smtp://smtp.example.jp\"\n",
            0,
            "[alerts] mail_to",
            "together",
        ),
    ] {
        let e = err(text);
        assert_eq!(e.key.as_deref(), Some(key), "{text}: {e}");
        if line > 0 {
            assert_eq!(e.line, Some(line), "{text}: {e}");
        }
        assert!(e.message.contains(says), "{text}: {e}");
    }
    // Loopback may be plain: the sandbox's sinks.
    let local = parse(
        "[alerts]\nwebhook_url = \"http://127.0.0.1:9/hooks\"\nmail_to = [\"a@example.jp\"]\nmail_from = \"b@example.jp\"\nsmtp_url = \"smtp://127.0.0.1:2525\"\n",
        None,
        &sources(),
    )
    .expect("loopback");
    assert_eq!(
        local.alerts.mail.expect("mail").security,
        SmtpSecurity::PlainLoopback
    );
}

#[test]
fn errors_name_file_line_and_key() {
    let e = err("[shop]\ntimezone = \"+09:00\"\n\n[shopify.sync]\nperiod_days = 14\n");
    assert_eq!(
        (e.line, e.key.as_deref()),
        (Some(5), Some("[shopify.sync] period_days"))
    );
    assert_eq!(
        e.to_string(),
        "hassou.toml:5: [shopify.sync] period_days: must be 1 to 13 days, got 14"
    );

    let e = err("[shopify.sync]\nperiod_days = 0\n");
    assert_eq!(e.line, Some(2));

    let e = err("[colorme]\napi_base = \"http://api.example.com\"\n");
    assert_eq!(
        (e.line, e.key.as_deref()),
        (Some(2), Some("[colorme] api_base"))
    );

    let e = err("[shopify.sync]\nauto_sync_every = \"10s\"\n");
    assert!(e.to_string().contains("between 1m and 24h"), "{e}");

    let e = err("[colorme.sync]\nstatuses = \"processed\"\n");
    assert_eq!(e.key.as_deref(), Some("[colorme.sync] statuses"));

    let e = err("[shopify]\napi_version = \"2026-05\"\n");
    assert_eq!(e.line, Some(2));

    let e = err("[shop]\nlanguage = \"fr\"\n");
    assert!(
        e.to_string().starts_with("hassou.toml:2: [shop] language"),
        "{e}"
    );
}

/// Issue 13: "config type errors name the line but not the key".
#[test]
fn type_errors_name_the_key_and_its_table() {
    let e = err("[shop]\nlanguage = \"ja\"\n\n[shopify.sync]\nperiod_days = \"3\"\n");
    assert_eq!(e.line, Some(5));
    assert_eq!(e.key.as_deref(), Some("[shopify.sync] period_days"), "{e}");
    assert!(e.to_string().contains("[shopify.sync] period_days"), "{e}");
}

#[test]
fn unknown_keys_and_bad_syntax_are_located() {
    let e = err("[shopify]\nshop_url = \"https://a.myshopify.com\"\nnotify_custmer = true\n");
    assert_eq!(e.line, Some(3));
    assert!(e.message.contains("notify_custmer"), "{e}");
    let e = err("[shop]\ntimezone = +09:00\n");
    assert_eq!(e.line, Some(2));
    let e = err("[database]\nurl = \"mysql://x\"\n");
    assert_eq!(
        (e.line, e.key.as_deref()),
        (Some(2), Some("[database] url"))
    );
}

#[test]
fn loopback_http_is_accepted_for_sandboxes() {
    assert!(store_url("http://127.0.0.1:8080").is_ok());
    assert!(store_url("http://localhost:8080").is_ok());
    assert!(store_url("https://shop.myshopify.com").is_ok());
    assert!(store_url("http://shop.myshopify.com").is_err());
    assert!(store_url("ftp://127.0.0.1").is_err());
}

#[test]
fn secrets_come_from_the_environment_first_and_never_show() {
    let mut s = sources();
    s.env
        .push(("HASSOU_SHOPIFY_TOKEN".into(), "shpat_from_env".into()));
    let c = parse(
        "[shopify]\naccess_token = \"shpat_from_file\"\n[colorme]\naccess_token = \"cm_file\"\n",
        None,
        &s,
    )
    .expect("valid");
    let token = shopify(&c).access_token.as_ref().expect("token");
    assert_eq!(token.value.expose_secret(), "shpat_from_env");
    assert_eq!(
        token.source,
        SecretSource::Env("HASSOU_SHOPIFY_TOKEN".into())
    );
    let colorme = colorme(&c).access_token.as_ref().expect("token");
    assert_eq!(colorme.source, SecretSource::File);
    let shown = format!("{c:?}");
    assert!(
        !shown.contains("shpat_from_env") && !shown.contains("cm_file"),
        "{shown}"
    );
}

#[test]
fn database_url_from_the_environment_wins() {
    let mut s = sources();
    s.env.push((
        "HASSOU_DATABASE_URL".into(),
        "postgres://hassou@127.0.0.1/hassou".into(),
    ));
    let c = parse("[database]\nurl = \"sqlite:///tmp/x.db\"\n", None, &s).expect("valid");
    assert_eq!(c.database_url, "postgres://hassou@127.0.0.1/hassou");
}

#[test]
fn missing_explicit_file_is_an_error_naming_it() {
    let s = ConfigSources {
        explicit: Some("/nonexistent/hassou.toml".into()),
        ..sources()
    };
    let e = load(&s).expect_err("missing file");
    assert_eq!(
        e.file.as_deref(),
        Some(Path::new("/nonexistent/hassou.toml"))
    );
    assert!(e.to_string().contains("--config"), "{e}");
}

#[test]
fn tracking_url_templates_are_checked() {
    let c = parse(
        "[shopify.tracking_urls]\n\"DHL Express\" = \"https://www.dhl.com/track?id={number}\"\n",
        None,
        &sources(),
    )
    .expect("valid");
    assert_eq!(shopify(&c).tracking_urls.len(), 1);
    let e = err("[shopify.tracking_urls]\nseino = \"https://example.jp/track\"\n");
    assert_eq!(
        (e.line, e.key.as_deref()),
        (Some(2), Some("[shopify.tracking_urls] seino"))
    );
}

/// SPEC §3 "Several shops": `[stores.NAME]` tables in the file's order, beside the old tables;
/// each store's own token variable.
#[test]
fn stores_by_name_beside_the_old_tables() {
    let s = ConfigSources {
        env: vec![("HASSOU_TOKEN_CFG_OUTLET".into(), "cm_outlet".into())],
        config_dir: Some("/home/op/.config/hassou".into()),
        ..sources()
    };
    let c = parse(
        "[stores.cfg-jp]\nchannel = \"shopify\"\nshop_url = \"https://jp.myshopify.com\"\naccess_token = \"t\"\n\
         [stores.cfg-jp.sync]\nperiod_days = 5\n\
         [colorme]\naccess_token = \"c\"\n\
         [stores.cfg-outlet]\nchannel = \"colorme\"\n",
        Some(Path::new("hassou.toml")),
        &s,
    )
    .expect("valid");
    let names: Vec<&str> = c.stores.iter().map(|s| s.store.name()).collect();
    assert_eq!(names, ["cfg-jp", "colorme", "cfg-outlet"]);
    let jp = c.store_named("cfg-jp").expect("jp");
    assert_eq!(jp.channel(), Channel::Shopify);
    assert_eq!(c.initial_settings(jp).rules.period.days(), 5);
    // The one Shopify store answers to the channel's name; カラーミー has two.
    assert_eq!(c.store_named("shopify"), Ok(jp));
    let e = c.store_named("カラーミー").expect_err("two stores");
    assert_eq!(
        e,
        crate::domain::NoSuchStore::SeveralOfChannel {
            channel: Channel::Colorme,
            stores: vec!["colorme", "cfg-outlet"]
        }
    );
    assert!(c.store_named("amazon").is_err());
    let outlet = c
        .store_config(c.store_named("cfg-outlet").expect("outlet"))
        .expect("outlet");
    let token = outlet
        .colorme()
        .and_then(|c| c.access_token.as_ref())
        .expect("token");
    assert_eq!(
        token.source,
        SecretSource::Env("HASSOU_TOKEN_CFG_OUTLET".into())
    );
    assert_eq!(
        outlet.colorme().and_then(|c| c.token_file.clone()),
        Some("/home/op/.config/hassou/cfg-outlet-colorme-token".into())
    );
    // A file with store tables has no implicit old stores.
    assert!(c.store_config(Store::SHOPIFY).is_none());
}

/// `config check` names the line of a duplicate or invalid store name, a missing or unknown
/// channel, and a key of the other channel.
#[test]
fn bad_store_tables_are_refused_at_their_line() {
    let cases: [(&str, usize, &str, &str); 7] = [
        (
            "[shop]\n[stores.\"a b\"]\nchannel = \"shopify\"\n",
            2,
            "[stores.a b]",
            "not a store name",
        ),
        (
            "[shopify]\n\n[stores.shopify]\nchannel = \"shopify\"\n",
            3,
            "[stores.shopify]",
            "second store",
        ),
        (
            "[stores.cfg-dup]\nchannel = \"colorme\"\n[stores.CFG_DUP]\nchannel = \"colorme\"\n",
            3,
            "[stores.CFG_DUP]",
            "HASSOU_TOKEN_CFG_DUP",
        ),
        (
            "[stores.cfg-x]\nshop_url = \"https://x.myshopify.com\"\n",
            1,
            "[stores.cfg-x]",
            "needs channel",
        ),
        (
            "[stores.cfg-y]\nchannel = \"amazon\"\n",
            2,
            "[stores.cfg-y] channel",
            "\"shopify\" or \"colorme\"",
        ),
        (
            "[stores.cfg-z]\nchannel = \"colorme\"\nshop_url = \"https://z.myshopify.com\"\n",
            3,
            "[stores.cfg-z] shop_url",
            "Shopify key",
        ),
        (
            "[stores.colorme]\nchannel = \"shopify\"\n",
            1,
            "[stores.colorme]",
            "old [colorme] table",
        ),
    ];
    for (text, line, key, words) in cases {
        let e = err(text);
        assert_eq!(
            (e.line, e.key.as_deref()),
            (Some(line), Some(key)),
            "{text}: {e}"
        );
        assert!(e.message.contains(words), "{text}: {e}");
    }
    // The same table twice is TOML's own error, at the second.
    let e = err(
        "[stores.cfg-twice]\nchannel = \"colorme\"\n[stores.cfg-twice]\nchannel = \"colorme\"\n",
    );
    assert_eq!(e.line, Some(3), "{e}");
}
