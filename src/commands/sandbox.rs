//! `hassou sandbox`: the sandbox stores on 127.0.0.1 with sample orders, until Ctrl-C.

use chrono::{Duration, Utc};

use super::{Failure, Out, clock};
use crate::cli::SandboxArgs;
use crate::domain::Channel;
use crate::sample::{SampleSpec, sample_orders};
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

pub async fn run(args: &SandboxArgs, out: &mut Out) -> Result<u8, Failure> {
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
    let token = options.token.clone();
    let shopify = SandboxShopify::start(args.shopify_port, options)
        .await
        .map_err(|e| {
            Failure::input(format!(
                "--shopify-port {}: cannot listen: {e}",
                args.shopify_port
            ))
        })?;
    let now = clock();
    let orders = sample_orders(SampleSpec {
        count: args.orders,
        newest: now,
        spread_days: 10,
        seed: args.seed,
    });
    let mut seeded = 0;
    for (i, order) in orders
        .iter()
        .filter(|o| o.channel == Channel::Shopify)
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
            order
                .ordered_at
                .min(now - Duration::minutes(1))
                .min(Utc::now()),
            locations,
        );
        // Changed recently at the store, so that a pull of the last days finds it.
        let updated = order.updated_at.min(Utc::now());
        shopify.update_order(&gid, |o| o.updated_at = updated.max(o.created_at));
        seeded += 1;
    }
    out.line(format!(
        "sandbox Shopify: {} ({seeded} orders)",
        shopify.url()
    ));
    out.line("use it with:");
    out.line(format!(
        "  [shopify]\n  shop_url = \"{}\"\n  access_token = \"{token}\"",
        shopify.url()
    ));
    out.line("Ctrl-C stops it.");
    out.flush();
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| Failure::input(format!("cannot wait for Ctrl-C: {e}")))?;
    Ok(0)
}
