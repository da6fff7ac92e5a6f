//! The stores of a configuration (SPEC §3 "Several shops"): `[stores.NAME] channel = …` tables
//! and the old `[shopify]` / `[colorme]` tables, which are the stores `shopify` and `colorme`.
//! Each store's connection, its secrets (its own `HASSOU_TOKEN_NAME`, and for the two old stores
//! their old variables too) and its `sync` table; every error names the table or key and line.

use super::sync::sync_settings;
use super::*;
use crate::domain::{Store, StoreNameError};

/// How a store is reached: its channel's connection settings.
#[derive(Debug, Clone)]
pub enum StoreConnection {
    Shopify(ShopifyConfig),
    Colorme(ColormeConfig),
}

/// One store of the configuration.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    pub store: Store,
    /// How the file names its table (`[stores.jp]`, `[shopify]`), for messages.
    pub table: String,
    pub connection: StoreConnection,
    /// The first values of its operational settings (`[….sync]`).
    pub sync: OperationalSettings,
}

impl StoreConfig {
    pub fn shopify(&self) -> Option<&ShopifyConfig> {
        match &self.connection {
            StoreConnection::Shopify(c) => Some(c),
            StoreConnection::Colorme(_) => None,
        }
    }

    pub fn colorme(&self) -> Option<&ColormeConfig> {
        match &self.connection {
            StoreConnection::Colorme(c) => Some(c),
            StoreConnection::Shopify(_) => None,
        }
    }

    /// The environment variables its token may come from, first found wins.
    pub fn token_variables(&self) -> Vec<String> {
        match self.store.channel() {
            Channel::Shopify => token_vars(self.store, "HASSOU_SHOPIFY_TOKEN"),
            Channel::Colorme => token_vars(self.store, "HASSOU_COLORME_TOKEN"),
        }
    }

    /// Whether the store sends the customer its mail on a write (Shopify's notification,
    /// カラーミー's 商品発送 mail).
    pub fn mails(&self) -> bool {
        match &self.connection {
            StoreConnection::Shopify(c) => c.notify_customer,
            StoreConnection::Colorme(c) => c.send_shipping_mail,
        }
    }
}

/// A `[stores.NAME]` table as written: the channel and the keys of either channel (a key of the
/// other channel is refused with its line).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStore {
    pub(super) channel: Option<Spanned<String>>,
    pub(super) shop_url: Option<Spanned<String>>,
    pub(super) api_version: Option<Spanned<String>>,
    pub(super) api_base: Option<Spanned<String>>,
    pub(super) access_token: Option<String>,
    pub(super) client_id: Option<String>,
    pub(super) client_secret: Option<String>,
    pub(super) token_file: Option<Spanned<String>>,
    pub(super) notify_customer: Option<Spanned<bool>>,
    pub(super) send_shipping_mail: Option<Spanned<bool>>,
    pub(super) tracking_urls: Option<Spanned<BTreeMap<String, Spanned<String>>>>,
    pub(super) sync: Option<RawSync>,
}

/// Everything a store's table is read with.
pub(super) struct Reading<'a> {
    pub(super) file: Option<&'a Path>,
    pub(super) sources: &'a ConfigSources,
    pub(super) locate: &'a Locate<'a>,
}

/// The stores of the file, in the order written: `[shopify]`, `[colorme]` and each
/// `[stores.NAME]`. A file with no store table at all has the two old stores (their tokens may
/// come from the environment or the token file alone, as before stores had names).
pub(super) fn stores(
    shopify: Option<Spanned<RawShopify>>,
    colorme: Option<Spanned<RawColorme>>,
    named: Option<BTreeMap<String, Spanned<RawStore>>>,
    r: &Reading<'_>,
) -> Result<Vec<StoreConfig>, ConfigError> {
    let named = named.unwrap_or_default();
    let old_form = named.is_empty();
    // (position in the file, store) so tabs and reports follow the file.
    let mut found: Vec<(usize, StoreConfig)> = Vec::new();
    if shopify.is_some() || old_form {
        let at = shopify.as_ref().map_or(0, |s| s.span().start);
        let raw = shopify.map(Spanned::into_inner).unwrap_or_default();
        found.push((
            at,
            shopify_store(Store::SHOPIFY, "[shopify]".into(), raw, r)?,
        ));
    }
    if colorme.is_some() || old_form {
        let at = colorme.as_ref().map_or(1, |s| s.span().start);
        let raw = colorme.map(Spanned::into_inner).unwrap_or_default();
        found.push((
            at,
            colorme_store(Store::COLORME, "[colorme]".into(), raw, r)?,
        ));
    }
    // In the file's order, so "a second store" is the later of two.
    let mut named: Vec<(String, Spanned<RawStore>)> = named.into_iter().collect();
    named.sort_by_key(|(_, table)| table.span().start);
    for (name, table) in named {
        let span = table.span();
        let table_name = format!("[stores.{name}]");
        let raw = table.into_inner();
        let Some(channel_text) = raw.channel.clone() else {
            return Err((r.locate)(
                Some(span),
                Some(&table_name),
                "needs channel = \"shopify\" or \"colorme\"".into(),
            ));
        };
        let channel = channel_text.get_ref().parse::<Channel>().map_err(|_| {
            (r.locate)(
                Some(channel_text.span()),
                Some(&format!("{table_name} channel")),
                format!(
                    "must be \"shopify\" or \"colorme\", got {:?}",
                    channel_text.get_ref()
                ),
            )
        })?;
        let store = Store::register(&name, channel).map_err(|e| {
            let message = match e {
                StoreNameError::Invalid(_) => format!(
                    "{name:?} is not a store name: 1–32 letters, digits, - or _ (it also names \
                     the store's token variable)"
                ),
                StoreNameError::OtherChannel { known, .. } => format!(
                    "the name {name:?} is the {known} store of the old [{name}] table; name this \
                     {} store otherwise",
                    channel.code()
                ),
            };
            (r.locate)(Some(span.clone()), Some(&table_name), message)
        })?;
        if let Some((_, first)) = found
            .iter()
            .find(|(_, s)| s.store == store || s.store.token_variable() == store.token_variable())
        {
            return Err((r.locate)(
                Some(span),
                Some(&table_name),
                format!(
                    "a second store named like {} (names must differ, and not only in case or \
                     - and _: each names its token variable, {})",
                    first.table,
                    store.token_variable()
                ),
            ));
        }
        let config = match channel {
            Channel::Shopify => shopify_store(store, table_name, raw.into_shopify(r, &name)?, r)?,
            Channel::Colorme => colorme_store(store, table_name, raw.into_colorme(r, &name)?, r)?,
        };
        found.push((span.start, config));
    }
    found.sort_by_key(|(at, _)| *at);
    Ok(found.into_iter().map(|(_, s)| s).collect())
}

impl RawStore {
    /// The keys that belong to a Shopify store; any カラーミー key is refused with its line.
    fn into_shopify(self, r: &Reading<'_>, name: &str) -> Result<RawShopify, ConfigError> {
        let table = format!("[stores.{name}]");
        for (key, span) in [
            ("api_base", self.api_base.as_ref().map(Spanned::span)),
            ("token_file", self.token_file.as_ref().map(Spanned::span)),
            (
                "send_shipping_mail",
                self.send_shipping_mail.as_ref().map(Spanned::span),
            ),
        ] {
            if let Some(span) = span {
                return Err(other_channel_key(r, &table, key, span, "カラーミー"));
            }
        }
        Ok(RawShopify {
            shop_url: self.shop_url,
            api_version: self.api_version,
            access_token: self.access_token,
            client_id: self.client_id,
            client_secret: self.client_secret,
            notify_customer: self.notify_customer.map(Spanned::into_inner),
            tracking_urls: self.tracking_urls.map(Spanned::into_inner),
            sync: self.sync,
        })
    }

    /// The keys that belong to a カラーミー store; any Shopify key is refused with its line.
    fn into_colorme(self, r: &Reading<'_>, name: &str) -> Result<RawColorme, ConfigError> {
        let table = format!("[stores.{name}]");
        for (key, span) in [
            ("shop_url", self.shop_url.as_ref().map(Spanned::span)),
            ("api_version", self.api_version.as_ref().map(Spanned::span)),
            (
                "notify_customer",
                self.notify_customer.as_ref().map(Spanned::span),
            ),
            (
                "tracking_urls",
                self.tracking_urls.as_ref().map(Spanned::span),
            ),
        ] {
            if let Some(span) = span {
                return Err(other_channel_key(r, &table, key, span, "Shopify"));
            }
        }
        Ok(RawColorme {
            api_base: self.api_base,
            client_id: self.client_id,
            client_secret: self.client_secret,
            access_token: self.access_token,
            token_file: self.token_file,
            send_shipping_mail: self.send_shipping_mail.map(Spanned::into_inner),
            sync: self.sync,
        })
    }
}

fn other_channel_key(
    r: &Reading<'_>,
    table: &str,
    key: &str,
    span: Range<usize>,
    other: &str,
) -> ConfigError {
    (r.locate)(
        Some(span),
        Some(&format!("{table} {key}")),
        format!("is a {other} key; this store's channel is another"),
    )
}

/// A secret from the first environment variable set among `vars`, else from the file; a
/// control character in it (a pasted CR LF, a NUL) would fail every request as "builder error":
/// refused here, naming where it came from, never showing it.
fn secret(
    r: &Reading<'_>,
    vars: &[String],
    file_key: &str,
    from_file: Option<String>,
) -> Result<Option<Secret>, ConfigError> {
    let from_env = vars
        .iter()
        .find_map(|var| r.sources.env(var).map(|v| (var.clone(), v.to_owned())));
    let found = match from_env {
        Some((var, value)) => Some((
            Secret {
                value: SecretString::from(value),
                source: SecretSource::Env(var.clone()),
            },
            var,
        )),
        None => from_file.filter(|v| !v.is_empty()).map(|v| {
            (
                Secret {
                    value: SecretString::from(v),
                    source: SecretSource::File,
                },
                file_key.to_owned(),
            )
        }),
    };
    match found {
        Some((secret, key)) if has_control(secret.value.expose_secret()) => {
            Err((r.locate)(None, Some(&key), CONTROL_IN_SECRET.into()))
        }
        found => Ok(found.map(|(secret, _)| secret)),
    }
}

/// The environment variables of a store's token, first found wins: the old store's own
/// variable (`HASSOU_SHOPIFY_TOKEN`), then the store's name (`HASSOU_TOKEN_JP`).
fn token_vars(store: Store, old: &str) -> Vec<String> {
    let mut vars = Vec::new();
    if store.is_default() {
        vars.push(old.to_owned());
    }
    vars.push(store.token_variable());
    vars
}

/// A variable only the old store reads (client ids and secrets of `[shopify]`/`[colorme]`).
fn old_only(store: Store, var: &str) -> Vec<String> {
    if store.is_default() {
        vec![var.to_owned()]
    } else {
        Vec::new()
    }
}

fn shopify_store(
    store: Store,
    table: String,
    raw: RawShopify,
    r: &Reading<'_>,
) -> Result<StoreConfig, ConfigError> {
    let key = |name: &str| format!("{table} {name}");
    let shopify = ShopifyConfig {
        shop_url: raw
            .shop_url
            .map(|u| {
                crate::channels::store_url(u.get_ref())
                    .map_err(|m| (r.locate)(Some(u.span()), Some(&key("shop_url")), m))
            })
            .transpose()?,
        api_version: match raw.api_version {
            Some(v) => {
                check_api_version(v.get_ref())
                    .map_err(|m| (r.locate)(Some(v.span()), Some(&key("api_version")), m))?;
                v.into_inner()
            }
            None => DEFAULT_SHOPIFY_API_VERSION.to_owned(),
        },
        access_token: secret(
            r,
            &token_vars(store, "HASSOU_SHOPIFY_TOKEN"),
            &key("access_token"),
            raw.access_token,
        )?,
        client_id: raw.client_id.filter(|v| !v.is_empty()),
        client_secret: secret(
            r,
            &old_only(store, "HASSOU_SHOPIFY_CLIENT_SECRET"),
            &key("client_secret"),
            raw.client_secret,
        )?,
        notify_customer: raw.notify_customer.unwrap_or(false),
        tracking_urls: {
            let section = tracking_section(&table);
            let mut urls = BTreeMap::new();
            for (carrier, template) in raw.tracking_urls.unwrap_or_default() {
                crate::channels::shopify::carriers::check_template(template.get_ref()).map_err(
                    |m| {
                        (r.locate)(
                            Some(template.span()),
                            Some(&format!("{section} {carrier}")),
                            m,
                        )
                    },
                )?;
                urls.insert(carrier, template.into_inner());
            }
            urls
        },
    };
    Ok(StoreConfig {
        sync: sync_settings(raw.sync, &sub_table(&table), Channel::Shopify, r.locate)?,
        store,
        table,
        connection: StoreConnection::Shopify(shopify),
    })
}

fn colorme_store(
    store: Store,
    table: String,
    raw: RawColorme,
    r: &Reading<'_>,
) -> Result<StoreConfig, ConfigError> {
    let key = |name: &str| format!("{table} {name}");
    // A relative token_file is relative to the configuration file's directory; `~/` is the home.
    let token_file = match &raw.token_file {
        Some(path) if path.get_ref().trim().is_empty() => {
            return Err((r.locate)(
                Some(path.span()),
                Some(&key("token_file")),
                "must name a file".into(),
            ));
        }
        Some(path) => {
            let written = path.get_ref();
            let path = match written.strip_prefix("~/") {
                Some(rest) => home_dir()
                    .ok_or_else(|| {
                        (r.locate)(
                            Some(path.span()),
                            Some(&key("token_file")),
                            "starts with ~/ but there is no home directory".into(),
                        )
                    })?
                    .join(rest),
                None => PathBuf::from(written),
            };
            Some(match r.file.and_then(Path::parent) {
                Some(dir) if path.is_relative() => dir.join(path),
                _ => path,
            })
        }
        // Each カラーミー store its own token file: the old store's keeps its old name.
        None => r.sources.config_dir.as_ref().map(|d| {
            if store == Store::COLORME {
                d.join("colorme-token")
            } else {
                d.join(format!("{}-colorme-token", store.name()))
            }
        }),
    };
    let stored_token = match &token_file {
        Some(path) => {
            let span = raw.token_file.as_ref().map(Spanned::span);
            let token = crate::token_file::read_owner_only(path)
                .map_err(|m| (r.locate)(span.clone(), Some(&key("token_file")), m))?;
            if token.as_deref().is_some_and(has_control) {
                return Err((r.locate)(
                    span,
                    Some(&key("token_file")),
                    CONTROL_IN_SECRET.into(),
                ));
            }
            token
        }
        None => None,
    };
    let colorme = ColormeConfig {
        api_base: match raw.api_base {
            Some(u) => crate::channels::store_url(u.get_ref())
                .map_err(|m| (r.locate)(Some(u.span()), Some(&key("api_base")), m))?,
            None => url::Url::parse(DEFAULT_COLORME_API_BASE)
                .map_err(|e| (r.locate)(None, Some(&key("api_base")), e.to_string()))?,
        },
        client_id: old_only(store, "HASSOU_COLORME_CLIENT_ID")
            .iter()
            .find_map(|var| r.sources.env(var).map(str::to_owned))
            .or(raw.client_id.filter(|v| !v.is_empty())),
        client_secret: secret(
            r,
            &old_only(store, "HASSOU_COLORME_CLIENT_SECRET"),
            &key("client_secret"),
            raw.client_secret,
        )?,
        access_token: secret(
            r,
            &token_vars(store, "HASSOU_COLORME_TOKEN"),
            &key("access_token"),
            raw.access_token,
        )?
        .or_else(|| {
            stored_token.map(|t| Secret {
                value: SecretString::from(t),
                source: SecretSource::TokenFile,
            })
        }),
        token_file,
        send_shipping_mail: raw.send_shipping_mail.unwrap_or(false),
    };
    Ok(StoreConfig {
        sync: sync_settings(raw.sync, &sub_table(&table), Channel::Colorme, r.locate)?,
        store,
        table,
        connection: StoreConnection::Colorme(colorme),
    })
}

/// `[stores.jp]` → `stores.jp`, the prefix of its sub-tables (`[stores.jp.sync]`).
fn sub_table(table: &str) -> String {
    table
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned()
}

fn tracking_section(table: &str) -> String {
    format!("[{}.tracking_urls]", sub_table(table))
}

fn home_dir() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf())
}
