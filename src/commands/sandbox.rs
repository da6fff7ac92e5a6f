//! `hassou sandbox`: both sandbox stores on 127.0.0.1 with sample orders, until Ctrl-C.

use chrono::{DateTime, Duration, Utc};

use super::{Failure, Out, clock};
use crate::cli::SandboxArgs;
use crate::domain::{Order, Store};
use crate::sample::{SampleSpec, sample_orders};
use crate::sandbox::colorme::{
    ColormeSandboxOptions, SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_TOKEN, SandboxColorme,
};
use crate::sandbox::shopify::{SandboxOptions, SandboxShopify};

/// Japanese names for sample customers.
const CUSTOMERS: [&str; 8] = [
    "山田 太郎",
    "佐藤 花子",
    "鈴木 一郎",
    "高橋 美咲",
    "田中 健",
    "伊藤 さくら",
    "渡辺 大輔",
    "中村 陽子",
];
const LOCATIONS: [&str; 2] = ["東京倉庫", "大阪倉庫"];

/// The sandbox stores, running, with the sample orders they were filled from.
pub struct RunningStores {
    pub shopify: SandboxShopify,
    pub colorme: SandboxColorme,
    pub orders: Vec<Order>,
}

/// Starts both sandbox stores and fills them with the sample orders of `args.seed` (the same
/// orders `hassou demo` imports into its database).
pub async fn start_stores(args: &SandboxArgs) -> Result<RunningStores, Failure> {
    if !(args.bucket_size >= 1.0 && args.restore_rate > 0.0) {
        return Err(Failure::input(format!(
            "--bucket-size {} / --restore-rate {}: both must be positive (the bucket at least 1 point)",
            args.bucket_size, args.restore_rate
        )));
    }
    let options = SandboxOptions {
        bucket_size: args.bucket_size,
        restore_rate: args.restore_rate,
        ..SandboxOptions::default()
    };
    let shopify = SandboxShopify::start(args.shopify_port, options)
        .await
        .map_err(|e| {
            Failure::input(format!(
                "--shopify-port {}: cannot listen: {e}",
                args.shopify_port
            ))
        })?;
    let colorme_options = ColormeSandboxOptions {
        rate_limit: (args.colorme_rate_limit > 0).then_some(args.colorme_rate_limit),
        ..ColormeSandboxOptions::default()
    };
    let colorme = SandboxColorme::start(args.colorme_port, colorme_options)
        .await
        .map_err(|e| {
            Failure::input(format!(
                "--colorme-port {}: cannot listen: {e}",
                args.colorme_port
            ))
        })?;
    let now = clock();
    let mut orders = sample_orders(SampleSpec {
        count: args.orders,
        newest: now,
        spread_days: 10,
        seed: args.seed,
    });
    // Never in the future of the real clock, whatever HASSOU_NOW says.
    let past = |t: DateTime<Utc>| t.min(now - Duration::minutes(1)).min(Utc::now());
    for (i, order) in orders
        .iter_mut()
        .filter(|o| o.store == Store::SHOPIFY)
        .enumerate()
    {
        // Every tenth order ships from two warehouses.
        let locations: &[&str] = if i % 10 == 9 {
            &LOCATIONS
        } else {
            &LOCATIONS[..1]
        };
        let gid = shopify.add_order(
            &order.number,
            CUSTOMERS[i % CUSTOMERS.len()],
            past(order.ordered_at),
            locations,
        );
        // Changed recently at the store, so that a pull of the last days finds it.
        let updated = past(order.updated_at);
        shopify.update_order(&gid, |o| o.updated_at = updated.max(o.created_at));
        // The order as hassou keeps it points to the store's order.
        order.remote_id = gid;
    }
    let mut previous: Option<i64> = None;
    for (i, order) in orders
        .iter()
        .filter(|o| o.store == Store::COLORME)
        .enumerate()
    {
        let Ok(id) = order.remote_id.parse::<i64>() else {
            continue;
        };
        // Orders with several numbers go to as many お届け先; so does every eighth sale.
        let deliveries = order
            .tracking
            .numbers()
            .len()
            .max(if i % 8 == 7 { 2 } else { 1 });
        colorme.add_sale(
            id,
            CUSTOMERS[i % CUSTOMERS.len()],
            past(order.ordered_at),
            deliveries,
        );
        let updated = past(order.updated_at);
        colorme.update_sale(id, |s| s.update_date = updated.max(s.make_date));
        // Every twelfth sale was split (分割受注) from the one before it.
        if i % 12 == 11
            && let Some(parent) = previous
        {
            colorme.split(parent, &[id]);
        }
        previous = Some(id);
    }
    Ok(RunningStores {
        shopify,
        colorme,
        orders,
    })
}

/// A second sandbox Shopify for `store` (the demo's outlet): `count` sample Shopify orders of
/// another seed, numbered as the first store's are (`#1001`…), so the same number is in two
/// stores. Returns the store and its orders as hassou keeps them.
pub async fn start_second_shopify(
    store: Store,
    count: usize,
    seed: u64,
) -> Result<(SandboxShopify, Vec<Order>), Failure> {
    let shopify = SandboxShopify::start(0, SandboxOptions::default())
        .await
        .map_err(|e| Failure::input(format!("cannot start a second sandbox Shopify: {e}")))?;
    let now = clock();
    let past = |t: DateTime<Utc>| t.min(now - Duration::minutes(1)).min(Utc::now());
    let mut orders: Vec<Order> = sample_orders(SampleSpec {
        count: count * 2,
        newest: now,
        spread_days: 10,
        seed,
    })
    .into_iter()
    .filter(|o| o.store == Store::SHOPIFY)
    .take(count)
    .collect();
    for (i, order) in orders.iter_mut().enumerate() {
        let gid = shopify.add_order(
            &order.number,
            CUSTOMERS[(i + 3) % CUSTOMERS.len()],
            past(order.ordered_at),
            &LOCATIONS[..1],
        );
        let updated = past(order.updated_at);
        shopify.update_order(&gid, |o| o.updated_at = updated.max(o.created_at));
        order.remote_id = gid;
        order.store = store;
    }
    Ok((shopify, orders))
}

pub async fn run(args: &SandboxArgs, out: &mut Out) -> Result<u8, Failure> {
    let stores = start_stores(args).await?;
    let count = |channel| stores.orders.iter().filter(|o| o.store == channel).count();
    out.line(format!(
        "sandbox Shopify: {} ({} orders)",
        stores.shopify.url(),
        count(Store::SHOPIFY)
    ));
    out.line(format!(
        "sandbox カラーミーショップ: {} ({} sales)",
        stores.colorme.url(),
        count(Store::COLORME)
    ));
    out.line("use them with:");
    out.line(format!(
        "  [shopify]\n  shop_url = \"{}\"\n  access_token = \"{}\"",
        stores.shopify.url(),
        SandboxOptions::default().token
    ));
    out.line(format!(
        "  [colorme]\n  api_base = \"{}\"\n  access_token = \"{SANDBOX_TOKEN}\"\n  client_id = \"{SANDBOX_CLIENT_ID}\"\n  client_secret = \"{SANDBOX_CLIENT_SECRET}\"",
        stores.colorme.url(),
    ));
    out.line(format!(
        "or sign in: hassou auth colorme (the sandbox approves {}oauth/authorize at once)",
        stores.colorme.url()
    ));
    out.line("Ctrl-C stops them.");
    out.flush();
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| Failure::input(format!("cannot wait for Ctrl-C: {e}")))?;
    Ok(0)
}
