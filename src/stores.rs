//! The stores one configuration reaches: the one place that builds a store's connector from the
//! configuration, and starts a [`StoreWorker`] for each configured store (the daemon's and the
//! console's alike). A store without its address or token is simply not configured: the reason
//! is returned, in words.

use crate::domain::Channel;
use tokio_util::sync::CancellationToken;

use crate::channels::StoreConnector;
use crate::channels::colorme::client::{ClientOptions as ColormeClientOptions, ColormeClient};
use crate::channels::colorme::connector::ColormeConnector;
use crate::channels::shopify::carriers::UrlTemplates;
use crate::channels::shopify::client::{ClientOptions, ShopifyClient};
use crate::channels::shopify::connector::ShopifyConnector;
use crate::config::Config;
use crate::db::Db;
use crate::domain::Store;
use crate::scheduler::{StoreWorker, WorkerOptions};

/// The Shopify connector of this configuration.
pub fn shopify_connector(config: &Config) -> Result<ShopifyConnector, String> {
    let shop_url = config
        .shopify
        .shop_url
        .as_ref()
        .ok_or("[shopify] shop_url is not set (e.g. https://example.myshopify.com)")?;
    let token = config
        .shopify
        .access_token
        .as_ref()
        .ok_or("no Shopify access token: set HASSOU_SHOPIFY_TOKEN or [shopify] access_token")?;
    let client = ShopifyClient::new(
        shop_url,
        &config.shopify.api_version,
        token.value.clone(),
        ClientOptions::default(),
    )?;
    Ok(
        ShopifyConnector::new(client, config.shopify.notify_customer)
            .with_tracking_urls(UrlTemplates::with(&config.shopify.tracking_urls)),
    )
}

/// The カラーミー connector of this configuration.
pub fn colorme_connector(config: &Config) -> Result<ColormeConnector, String> {
    let token =
        config.colorme.access_token.as_ref().ok_or(
            "no カラーミー access token: set HASSOU_COLORME_TOKEN or [colorme] access_token",
        )?;
    let client = ColormeClient::new(
        &config.colorme.api_base,
        token.value.clone(),
        ColormeClientOptions::default(),
    )?;
    Ok(ColormeConnector::new(
        client,
        config.colorme.send_shipping_mail,
    ))
}

/// The connector of this configuration's store of `channel`, or why it is not configured.
pub fn connector(config: &Config, channel: Store) -> Result<StoreConnector, String> {
    match channel.channel() {
        Channel::Shopify => shopify_connector(config).map(StoreConnector::from),
        Channel::Colorme => colorme_connector(config).map(StoreConnector::from),
    }
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
    for channel in Store::DEFAULTS {
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
