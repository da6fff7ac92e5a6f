//! The stores one configuration reaches: the one place that builds a store's connector from the
//! configuration, and starts a [`StoreWorker`] for each configured store (the daemon's and the
//! console's alike). A store without its address or token is simply not configured: the reason
//! is returned, in words.

use tokio_util::sync::CancellationToken;

use crate::channels::StoreConnector;
use crate::channels::colorme::client::{ClientOptions as ColormeClientOptions, ColormeClient};
use crate::channels::colorme::connector::ColormeConnector;
use crate::channels::shopify::carriers::UrlTemplates;
use crate::channels::shopify::client::{ClientOptions, ShopifyClient};
use crate::channels::shopify::connector::ShopifyConnector;
use crate::config::{ColormeConfig, Config, ShopifyConfig, StoreConnection};
use crate::db::Db;
use crate::domain::Store;
use crate::scheduler::{StoreWorker, WorkerOptions};

/// The Shopify connector of a store's table (`table` names it in the reasons).
pub fn shopify_connector(
    table: &str,
    variables: &str,
    config: &ShopifyConfig,
) -> Result<ShopifyConnector, String> {
    let shop_url = config.shop_url.as_ref().ok_or_else(|| {
        format!("{table} shop_url is not set (e.g. https://example.myshopify.com)")
    })?;
    let token = config.access_token.as_ref().ok_or_else(|| {
        format!("no Shopify access token: set {variables} or {table} access_token")
    })?;
    let client = ShopifyClient::new(
        shop_url,
        &config.api_version,
        token.value.clone(),
        ClientOptions::default(),
    )?;
    Ok(ShopifyConnector::new(client, config.notify_customer)
        .with_tracking_urls(UrlTemplates::with(&config.tracking_urls)))
}

/// The カラーミー connector of a store's table.
pub fn colorme_connector(
    table: &str,
    variables: &str,
    config: &ColormeConfig,
) -> Result<ColormeConnector, String> {
    let token = config.access_token.as_ref().ok_or_else(|| {
        format!(
            "no カラーミー access token: run hassou auth, or set {variables} or {table} access_token"
        )
    })?;
    let client = ColormeClient::new(
        &config.api_base,
        token.value.clone(),
        ColormeClientOptions::default(),
    )?;
    Ok(ColormeConnector::new(client, config.send_shipping_mail))
}

/// The connector of this configuration's `store`, or why it is not configured. Each store its
/// own client: its own address, token, pace and bucket.
pub fn connector(config: &Config, store: Store) -> Result<StoreConnector, String> {
    let Some(table) = config.store_config(store) else {
        return Err(format!("the configuration has no store {:?}", store.name()));
    };
    let variables = table.token_variables().join(" or ");
    let connector = match &table.connection {
        StoreConnection::Shopify(c) => {
            StoreConnector::from(shopify_connector(&table.table, &variables, c)?)
        }
        StoreConnection::Colorme(c) => {
            StoreConnector::from(colorme_connector(&table.table, &variables, c)?)
        }
    };
    Ok(connector.for_store(store))
}

/// Starts one worker per configured store; `options` says who runs each and who hears of its
/// runs. Returns the workers and, for each store left out, why.
pub fn start_workers(
    config: &Config,
    db: &Db,
    cancel: &CancellationToken,
    mut options: impl FnMut(Store) -> WorkerOptions,
) -> (Vec<StoreWorker>, Vec<(Store, String)>) {
    let mut workers = Vec::new();
    let mut missing = Vec::new();
    let alerting = std::sync::Arc::new(crate::alerts::Alerting::new(config));
    for channel in config.store_list() {
        let initial = config.initial_settings(channel);
        let (db, tz, cancel) = (db.clone(), config.timezone, cancel.clone());
        let worker = connector(config, channel).map(|c| {
            let mut options = options(channel);
            options.alerting.get_or_insert_with(|| alerting.clone());
            StoreWorker::start_with(db, c, initial, tz, cancel, options)
        });
        match worker {
            Ok(worker) => workers.push(worker),
            Err(why) => missing.push((channel, why)),
        }
    }
    (workers, missing)
}
