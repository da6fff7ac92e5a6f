//! Configuration: the TOML file (SPEC §3), environment overrides for secrets, and the defaults.
//! Every error names the file, the line and the key, so an operator can fix it without guessing.
//! Secrets are kept as `SecretString` and never printed: `Debug` shows them redacted.

use crate::domain::Channel;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use toml::Spanned;

use crate::domain::{ShopTimeZone, Store};
use crate::settings::OperationalSettings;
use raw::*;
use secrets::{CONTROL_IN_SECRET, check_file_mode, has_control};

mod alerts;
mod raw;
mod stores;
mod sync;

mod secrets;

pub use alerts::{AlertsConfig, MailAlerts, SmtpSecurity, WebhookAlerts, WebhookFormat};
pub use stores::{StoreConfig, StoreConnection};

pub use crate::domain::Language;

impl Config {
    /// The host of a store's API as configured (named in errors where it helps), if any.
    pub fn store_host(&self, store: Store) -> Option<String> {
        match &self.store_config(store)?.connection {
            StoreConnection::Shopify(c) => c.shop_url.as_ref()?.host_str(),
            StoreConnection::Colorme(c) => c.api_base.host_str(),
        }
        .map(str::to_owned)
    }

    /// The store's table, if the configuration has this store.
    pub fn store_config(&self, store: Store) -> Option<&StoreConfig> {
        self.stores.iter().find(|s| s.store == store)
    }

    /// Every store of the configuration, in the file's order.
    pub fn store_list(&self) -> Vec<Store> {
        self.stores.iter().map(|s| s.store).collect()
    }

    /// The store a command or a file names: a store's name, or a channel's name when exactly
    /// one store of that channel is configured (SPEC §3). The error says what is configured.
    pub fn store_named(&self, text: &str) -> Result<Store, crate::domain::NoSuchStore> {
        Store::choose(text, &self.store_list())
    }
}

/// Where a secret came from, for `config check` (which shows the source, never the value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    File,
    Env(String),
    /// The token file `hassou auth colorme` wrote (`ColormeConfig::token_file`).
    TokenFile,
}

#[derive(Debug, Clone)]
pub struct Secret {
    pub value: SecretString,
    pub source: SecretSource,
}

#[derive(Debug, Clone)]
pub struct ShopifyConfig {
    pub shop_url: Option<url::Url>,
    pub api_version: String,
    pub access_token: Option<Secret>,
    pub client_id: Option<String>,
    pub client_secret: Option<Secret>,
    pub notify_customer: bool,
    /// Tracking-page URL templates by carrier code or name (`{number}` is replaced).
    pub tracking_urls: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct ColormeConfig {
    pub api_base: url::Url,
    pub client_id: Option<String>,
    pub client_secret: Option<Secret>,
    pub access_token: Option<Secret>,
    /// Where `hassou auth colorme` keeps the token (owner-only); read when no token is set in
    /// the environment or the file.
    pub token_file: Option<PathBuf>,
    pub send_shipping_mail: bool,
}

/// The whole configuration, resolved and validated.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from; `None` when no file exists and defaults apply.
    pub file: Option<PathBuf>,
    pub database_url: String,
    /// The database is the default one in the user's data dir (its folder is made if missing);
    /// a configured SQLite path must be in a folder that exists (a typo is not a new database).
    pub database_is_default: bool,
    pub timezone: ShopTimeZone,
    pub language: Language,
    /// The console's borders and separators in ASCII (terminals that draw East Asian Ambiguous
    /// glyphs two cells wide).
    pub ascii: bool,
    /// Every store, in the order the file names them (SPEC §3 "Several shops").
    pub stores: Vec<StoreConfig>,
    pub alerts: AlertsConfig,
}

impl Config {
    /// What a store's health is judged by besides its facts.
    pub fn health_rules(&self) -> crate::domain::health::HealthRules {
        crate::domain::health::HealthRules {
            timezone: self.timezone,
            stale_after: self.alerts.stale_after,
        }
    }

    /// The first values of a store's operational settings.
    pub fn initial_settings(&self, store: Store) -> OperationalSettings {
        self.store_config(store).map(|s| s.sync).unwrap_or_default()
    }
}

/// A configuration problem, located as precisely as possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: Option<PathBuf>,
    pub line: Option<usize>,
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{}:{line}: ", file.display())?,
            (Some(file), None) => write!(f, "{}: ", file.display())?,
            (None, _) => f.write_str("configuration: ")?,
        }
        if let Some(key) = &self.key {
            write!(f, "{key}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

/// Where to look, and what the environment says.
#[derive(Debug, Clone, Default)]
pub struct ConfigSources {
    /// `--config FILE`: must exist.
    pub explicit: Option<PathBuf>,
    /// `$HASSOU_CONFIG`: must exist when set.
    pub env_file: Option<PathBuf>,
    /// The user's config dir (`hassou/config.toml`): used when it exists.
    pub default_file: Option<PathBuf>,
    /// The user's data dir, for the default SQLite database.
    pub data_dir: Option<PathBuf>,
    /// The user's config dir (`hassou/`), for the default カラーミー token file.
    pub config_dir: Option<PathBuf>,
    /// Environment variables (`HASSOU_*`), injected so tests need not touch the process's.
    pub env: Vec<(String, String)>,
}

impl ConfigSources {
    /// The real sources of this process: `--config`, `$HASSOU_CONFIG`, the user's directories.
    pub fn from_process(explicit: Option<PathBuf>) -> ConfigSources {
        let dirs = directories::ProjectDirs::from("", "", "hassou");
        ConfigSources {
            explicit,
            env_file: std::env::var_os("HASSOU_CONFIG")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            default_file: dirs.as_ref().map(|d| d.config_dir().join("config.toml")),
            data_dir: dirs.as_ref().map(|d| d.data_dir().to_path_buf()),
            config_dir: dirs.as_ref().map(|d| d.config_dir().to_path_buf()),
            env: std::env::vars()
                .filter(|(k, _)| k.starts_with("HASSOU_"))
                .collect(),
        }
    }

    fn env(&self, key: &str) -> Option<&str> {
        self.env
            .iter()
            .find(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }
}

/// Finds, reads and validates the configuration.
pub fn load(sources: &ConfigSources) -> Result<Config, ConfigError> {
    let chosen = if let Some(path) = &sources.explicit {
        Some((path.clone(), "--config"))
    } else if let Some(path) = &sources.env_file {
        Some((path.clone(), "HASSOU_CONFIG"))
    } else {
        sources
            .default_file
            .as_ref()
            .filter(|p| p.exists())
            .map(|p| (p.clone(), ""))
    };
    let (file, text) = match chosen {
        Some((path, named_by)) => {
            let text = std::fs::read_to_string(&path).map_err(|e| ConfigError {
                file: Some(path.clone()),
                line: None,
                key: None,
                message: if named_by.is_empty() {
                    format!("cannot read: {e}")
                } else {
                    format!("cannot read the file named by {named_by}: {e}")
                },
            })?;
            check_file_mode(&path, &text).map_err(|message| ConfigError {
                file: Some(path.clone()),
                line: None,
                key: None,
                message,
            })?;
            (Some(path), text)
        }
        None => (None, String::new()),
    };
    parse(&text, file.as_deref(), sources)
}

/// Parses configuration text (from `file`, for messages) and resolves it against `sources`.
pub fn parse(
    text: &str,
    file: Option<&Path>,
    sources: &ConfigSources,
) -> Result<Config, ConfigError> {
    let locate = |span: Option<Range<usize>>, key: Option<&str>, message: String| ConfigError {
        file: file.map(Path::to_path_buf),
        line: span.map(|s| line_of(text, s.start)),
        key: key.map(str::to_owned),
        message,
    };
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let key = e.span().and_then(|span| key_at(text, span.start));
        locate(e.span(), key.as_deref(), e.message().trim().to_owned())
    })?;

    let mut database_is_default = false;
    let database_url = match sources.env("HASSOU_DATABASE_URL") {
        Some(url) => url.to_owned(),
        None => match raw.database.and_then(|d| d.url) {
            Some(url) => {
                check_database_url(url.get_ref())
                    .map_err(|m| locate(Some(url.span()), Some("[database] url"), m))?;
                url.into_inner()
            }
            None => {
                database_is_default = true;
                default_database_url(sources)
                    .map_err(|m| locate(None, Some("[database] url"), m))?
            }
        },
    };
    check_database_url(&database_url).map_err(|m| locate(None, Some("HASSOU_DATABASE_URL"), m))?;

    let shop = raw.shop.unwrap_or_default();
    let timezone = match shop.timezone {
        Some(tz) => tz
            .get_ref()
            .parse::<ShopTimeZone>()
            .map_err(|e| locate(Some(tz.span()), Some("[shop] timezone"), e.to_string()))?,
        None => ShopTimeZone::default(),
    };
    let language = match shop.language {
        Some(lang) => match lang.get_ref().as_str() {
            "ja" => Language::Ja,
            "en" => Language::En,
            other => {
                return Err(locate(
                    Some(lang.span()),
                    Some("[shop] language"),
                    format!("must be \"ja\" or \"en\", got {other:?}"),
                ));
            }
        },
        None => Language::default(),
    };

    let stores = stores::stores(
        raw.shopify,
        raw.colorme,
        raw.stores,
        &stores::Reading {
            file,
            sources,
            locate: &locate,
        },
    )?;

    let smtp_password = sources.env("HASSOU_SMTP_PASSWORD");
    if smtp_password.is_some_and(has_control) {
        return Err(locate(
            None,
            Some("HASSOU_SMTP_PASSWORD"),
            CONTROL_IN_SECRET.into(),
        ));
    }
    let alerts = alerts::alerts(raw.alerts, smtp_password, &locate)?;

    Ok(Config {
        file: file.map(Path::to_path_buf),
        database_url,
        database_is_default,
        timezone,
        language,
        ascii: shop.ascii.unwrap_or(false),
        stores,
        alerts,
    })
}

pub const DEFAULT_SHOPIFY_API_VERSION: &str = "2026-07";
pub const DEFAULT_COLORME_API_BASE: &str = "https://api.shop-pro.jp";

/// The key written on the line at `offset`, with its table (`[shopify.sync] period_days`), so a
/// type error names the key and not only the line.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let before = text.get(..offset.min(text.len()))?;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = text[start..].lines().next()?;
    let key = line.split_once('=')?.0.trim();
    if key.is_empty() || key.starts_with('[') {
        return None;
    }
    let table = before[..start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('[') && !l.starts_with("[["))
        .map(|l| l.split(']').next().unwrap_or(l).to_owned() + "]");
    Some(match table {
        Some(table) => format!("{table} {key}"),
        None => key.to_owned(),
    })
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map_or(1, |before| before.matches('\n').count() + 1)
}

fn default_database_url(sources: &ConfigSources) -> Result<String, String> {
    let dir = sources.data_dir.as_ref().ok_or_else(|| {
        "no default location for the database (no home directory); set [database] url".to_owned()
    })?;
    Ok(format!("sqlite://{}", dir.join("hassou.db").display()))
}

fn check_database_url(url: &str) -> Result<(), String> {
    if url.starts_with("sqlite:")
        || url.starts_with("postgres://")
        || url.starts_with("postgresql://")
    {
        Ok(())
    } else {
        Err(format!(
            "{:?} is not a database URL (expected sqlite://PATH or postgres://USER@HOST/DB)",
            crate::db::redact_url(url)
        ))
    }
}

fn check_api_version(version: &str) -> Result<(), String> {
    let ok = version.len() == 7
        && version.as_bytes()[4] == b'-'
        && version[..4].bytes().all(|b| b.is_ascii_digit())
        && matches!(&version[5..], "01" | "04" | "07" | "10");
    if ok {
        Ok(())
    } else {
        Err(format!(
            "must be a Shopify API version such as \"2026-07\" (YYYY-01, -04, -07 or -10), got {version:?}"
        ))
    }
}

/// Builds an error located at a span of the file, for a key.
type Locate<'a> = dyn Fn(Option<Range<usize>>, Option<&str>, String) -> ConfigError + 'a;

#[cfg(test)]
mod tests;
