//! The configuration file as written: every key optional, unknown keys refused, values kept
//! with their place in the file for messages.

use super::*;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub(super) database: Option<RawDatabase>,
    pub(super) shop: Option<RawShop>,
    pub(super) shopify: Option<Spanned<RawShopify>>,
    pub(super) colorme: Option<Spanned<RawColorme>>,
    pub(super) stores: Option<BTreeMap<String, Spanned<super::stores::RawStore>>>,
    pub(super) alerts: Option<RawAlerts>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAlerts {
    pub(super) webhook_url: Option<Spanned<String>>,
    pub(super) webhook_format: Option<Spanned<String>>,
    pub(super) mail_to: Option<Spanned<Vec<String>>>,
    pub(super) mail_from: Option<Spanned<String>>,
    pub(super) smtp_url: Option<Spanned<String>>,
    pub(super) smtp_user: Option<String>,
    pub(super) smtp_password: Option<String>,
    pub(super) stale_after: Option<Spanned<String>>,
    pub(super) bell: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDatabase {
    pub(super) url: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawShop {
    pub(super) timezone: Option<Spanned<String>>,
    pub(super) language: Option<Spanned<String>>,
    pub(super) ascii: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawShopify {
    pub(super) shop_url: Option<Spanned<String>>,
    pub(super) api_version: Option<Spanned<String>>,
    pub(super) access_token: Option<String>,
    pub(super) client_id: Option<String>,
    pub(super) client_secret: Option<String>,
    pub(super) notify_customer: Option<bool>,
    pub(super) tracking_urls: Option<BTreeMap<String, Spanned<String>>>,
    pub(super) sync: Option<RawSync>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawColorme {
    pub(super) api_base: Option<Spanned<String>>,
    pub(super) client_id: Option<String>,
    pub(super) client_secret: Option<String>,
    pub(super) access_token: Option<String>,
    pub(super) token_file: Option<Spanned<String>>,
    pub(super) send_shipping_mail: Option<bool>,
    pub(super) sync: Option<RawSync>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSync {
    pub(super) period_days: Option<Spanned<i64>>,
    pub(super) statuses: Option<Spanned<String>>,
    pub(super) shipped_date_only: Option<Spanned<bool>>,
    pub(super) auto_sync: Option<bool>,
    pub(super) auto_sync_every: Option<Spanned<String>>,
    pub(super) auto_pull: Option<bool>,
    pub(super) auto_pull_every: Option<Spanned<String>>,
    pub(super) watch: Option<bool>,
    pub(super) watch_debounce: Option<Spanned<String>>,
    pub(super) pull_days: Option<Spanned<i64>>,
    pub(super) pull_paid_date: Option<Spanned<bool>>,
    pub(super) active_hours: Option<Spanned<String>>,
    pub(super) active_days: Option<Spanned<String>>,
    pub(super) skip_holidays: Option<bool>,
    pub(super) auto_reconcile_every: Option<Spanned<String>>,
}
