//! A sandbox カラーミーショップ on 127.0.0.1, built from `reference/colorme-api.md`: `/v1/sales`
//! (list, read, update), `/v1/sales/{id}/mails`, `/v1/deliveries`, `/v1/shop`, and the OAuth
//! endpoints `/oauth/authorize` and `/oauth/token`. It keeps the live API's quirks — the 7-day
//! default window, silent clamping of `limit`, 200 for parameters it cannot read, unix dates,
//! `errors[]` bodies, RFC 6749 token errors, a code that works once — holds sales with several
//! お届け先 and split (segment) sales, counts requests per token in a sliding window (and answers
//! 429 past a limit when asked to), and injects one-shot faults.

mod oauth;
mod routes;
mod sales;

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use chrono::{DateTime, Utc};
use tokio::time::Instant;

use super::Fault;

/// The access token the sandbox accepts from the start (scopes `read_sales write_sales`).
pub const SANDBOX_TOKEN: &str = "colorme_sandbox";
/// The OAuth application registered in the sandbox, with the out-of-band redirect.
pub const SANDBOX_CLIENT_ID: &str = "sandbox_client";
pub const SANDBOX_CLIENT_SECRET: &str = "sandbox_secret";
pub const OOB_REDIRECT: &str = "urn:ietf:wg:oauth:2.0:oob";

/// Which requests a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColormeFaultTarget {
    Any,
    /// GET requests under `/v1`.
    Reads,
    /// `PUT /v1/sales/{id}`.
    Updates,
    /// `POST /v1/sales/{id}/mails`.
    Mails,
    /// `POST /oauth/token`.
    Token,
}

#[derive(Debug, Clone)]
pub struct ColormeSandboxOptions {
    pub token: String,
    pub client_id: String,
    pub client_secret: String,
    /// Requests one token may make per `rate_window` before the sandbox answers 429. The live API
    /// documents 120 a minute as guidance and does not enforce it today; `None` does the same.
    pub rate_limit: Option<usize>,
    pub rate_window: Duration,
}

impl Default for ColormeSandboxOptions {
    fn default() -> Self {
        ColormeSandboxOptions {
            token: SANDBOX_TOKEN.into(),
            client_id: SANDBOX_CLIENT_ID.into(),
            client_secret: SANDBOX_CLIENT_SECRET.into(),
            rate_limit: Some(120),
            rate_window: Duration::from_secs(60),
        }
    }
}

/// One お届け先 of a sale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxDelivery {
    pub id: i64,
    /// 配送方法 (`/v1/deliveries`), read-only through the API.
    pub delivery_id: i64,
    pub name: String,
    pub slip_number: Option<String>,
    pub tracking_url: Option<String>,
    pub delivered: bool,
}

/// 分割受注: the sale was split from `parent_sale_id` together with `siblings`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxSegment {
    pub parent_sale_id: i64,
    pub siblings: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxSale {
    pub id: i64,
    pub make_date: DateTime<Utc>,
    pub update_date: DateTime<Utc>,
    pub paid: bool,
    pub canceled: bool,
    pub customer: String,
    /// `not_yet` | `sent` | `pass`.
    pub delivered_mail_state: String,
    pub delivered_mail_sent_date: Option<DateTime<Utc>>,
    pub deliveries: Vec<SandboxDelivery>,
    pub segment: Option<SandboxSegment>,
    /// Mails sent through the API, by type, in order.
    pub mails: Vec<String>,
}

impl SandboxSale {
    /// 発送済み at the sale level: every お届け先 is (the sandbox's answer to an open question).
    pub fn delivered(&self) -> bool {
        !self.deliveries.is_empty() && self.deliveries.iter().all(|d| d.delivered)
    }
}

/// One request as the sandbox received it (the token is not kept).
#[derive(Debug, Clone)]
pub struct RequestRecord {
    pub at: Instant,
    pub method: String,
    pub path: String,
    pub query: String,
    pub body: String,
    /// The HTTP status answered, or the fault that replaced the answer.
    pub outcome: String,
}

struct IssuedCode {
    client_id: String,
    redirect_uri: String,
    scopes: Vec<String>,
    issued: Instant,
    used: bool,
}

pub(crate) struct Shop {
    options: ColormeSandboxOptions,
    sales: BTreeMap<i64, SandboxSale>,
    next_delivery_id: i64,
    /// Access token → its scopes.
    tokens: BTreeMap<String, Vec<String>>,
    codes: BTreeMap<String, IssuedCode>,
    faults: VecDeque<(ColormeFaultTarget, Fault)>,
    random_faults: Option<crate::sandbox::RandomFaults>,
    log: Vec<RequestRecord>,
    /// Per token, when its recent requests were served (for the rate limit).
    recent: BTreeMap<String, VecDeque<Instant>>,
    rate_limited: u64,
    /// Seed of the codes and tokens it issues.
    minted: u64,
}

/// A running sandbox カラーミー. Cloning shares the same shop.
#[derive(Clone)]
pub struct SandboxColorme {
    shop: Arc<Mutex<Shop>>,
    addr: SocketAddr,
}

type SharedShop = Arc<Mutex<Shop>>;

fn lock(shop: &SharedShop) -> MutexGuard<'_, Shop> {
    shop.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl SandboxColorme {
    /// Starts on 127.0.0.1 (`port` 0 picks a free one) and serves until the runtime ends.
    pub async fn start(
        port: u16,
        options: ColormeSandboxOptions,
    ) -> std::io::Result<SandboxColorme> {
        let mut tokens = BTreeMap::new();
        tokens.insert(
            options.token.clone(),
            vec!["read_sales".to_owned(), "write_sales".to_owned()],
        );
        let shop = Arc::new(Mutex::new(Shop {
            options,
            sales: BTreeMap::new(),
            next_delivery_id: 11_000_000,
            tokens,
            codes: BTreeMap::new(),
            faults: VecDeque::new(),
            random_faults: None,
            log: Vec::new(),
            recent: BTreeMap::new(),
            rate_limited: 0,
            minted: u64::from(std::process::id()) << 32,
        }));
        let app = Router::new()
            .route("/sandbox-admin/behind", axum::routing::post(behind))
            .fallback(routes::handle)
            .with_state(shop.clone());
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(SandboxColorme { shop, addr })
    }

    /// The API base (`[colorme] api_base`).
    pub fn url(&self) -> url::Url {
        url::Url::parse(&format!("http://{}/", self.addr))
            .expect("a socket address makes a valid URL")
    }

    fn shop(&self) -> MutexGuard<'_, Shop> {
        lock(&self.shop)
    }

    /// Changes sale `id` behind hassou; `false` when there is none.
    pub fn change_behind(&self, id: i64, change: &super::behind::Behind) -> bool {
        apply_behind(&mut self.shop(), id, change)
    }

    /// Adds a paid, unshipped sale with `deliveries` お届け先 (ヤマト), the ids given in order.
    pub fn add_sale(
        &self,
        id: i64,
        customer: &str,
        make_date: DateTime<Utc>,
        deliveries: usize,
    ) -> SandboxSale {
        let mut shop = self.shop();
        let deliveries = (0..deliveries.max(1))
            .map(|i| {
                shop.next_delivery_id += 1;
                SandboxDelivery {
                    id: shop.next_delivery_id,
                    delivery_id: 1,
                    name: if i == 0 {
                        customer.to_owned()
                    } else {
                        format!("{customer} 様ご家族 {i}")
                    },
                    slip_number: None,
                    tracking_url: None,
                    delivered: false,
                }
            })
            .collect();
        let sale = SandboxSale {
            id,
            make_date,
            update_date: make_date,
            paid: true,
            canceled: false,
            customer: customer.to_owned(),
            delivered_mail_state: "not_yet".into(),
            delivered_mail_sent_date: None,
            deliveries,
            segment: None,
            mails: Vec::new(),
        };
        shop.sales.insert(id, sale.clone());
        sale
    }

    /// Marks `children` as split (分割受注) from `parent`.
    pub fn split(&self, parent: i64, children: &[i64]) {
        let mut shop = self.shop();
        let mut family = vec![parent];
        family.extend_from_slice(children);
        for id in &family {
            if let Some(sale) = shop.sales.get_mut(id) {
                sale.segment = Some(SandboxSegment {
                    parent_sale_id: parent,
                    siblings: family.iter().copied().filter(|s| s != id).collect(),
                });
            }
        }
    }

    /// Changes a sale in place (cancel it, mark its mail sent, …).
    pub fn update_sale(&self, id: i64, change: impl FnOnce(&mut SandboxSale)) {
        if let Some(sale) = self.shop().sales.get_mut(&id) {
            change(sale);
        }
    }

    pub fn sale(&self, id: i64) -> Option<SandboxSale> {
        self.shop().sales.get(&id).cloned()
    }

    /// From now on, every request may meet a fault drawn at random (see
    /// [`crate::sandbox::RandomFaults`]).
    pub fn fault_randomly(&self, faults: crate::sandbox::RandomFaults) {
        self.shop().random_faults = Some(faults);
    }

    /// Faults drawn at random so far.
    pub fn random_faults_injected(&self) -> u64 {
        self.shop().random_faults.as_ref().map_or(0, |f| f.injected)
    }

    pub fn inject(&self, target: ColormeFaultTarget, fault: Fault) {
        self.shop().faults.push_back((target, fault));
    }

    /// What the shop owner's approval in the browser produces: a fresh authorization code for
    /// the registered application and the out-of-band redirect.
    pub fn issue_code(&self, scopes: &[&str]) -> String {
        let mut shop = self.shop();
        let client_id = shop.options.client_id.clone();
        shop.issue_code(
            &client_id,
            OOB_REDIRECT,
            scopes.iter().map(|s| (*s).to_owned()).collect(),
        )
    }

    /// Whether the sandbox would accept `token` (issued through `/oauth/token`, or the default).
    pub fn token_scopes(&self, token: &str) -> Option<Vec<String>> {
        self.shop().tokens.get(token).cloned()
    }

    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shop().log.clone()
    }

    /// The most requests under `/v1` received within any `window` (sliding, half-open).
    pub fn max_requests_in(&self, window: Duration) -> usize {
        let times: Vec<Instant> = self
            .shop()
            .log
            .iter()
            .filter(|r| r.path.starts_with("/v1/"))
            .map(|r| r.at)
            .collect();
        times
            .iter()
            .enumerate()
            .map(|(i, start)| {
                times[i..]
                    .iter()
                    .take_while(|t| **t < *start + window)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    /// Requests answered 429 because a token went over the rate limit.
    pub fn rate_limited(&self) -> u64 {
        self.shop().rate_limited
    }
}

impl Shop {
    fn take_fault(&mut self, target: ColormeFaultTarget) -> Option<Fault> {
        let index = self
            .faults
            .iter()
            .position(|(t, _)| *t == ColormeFaultTarget::Any || *t == target);
        match index {
            Some(index) => self.faults.remove(index).map(|(_, f)| f),
            None => self
                .random_faults
                .as_mut()
                .and_then(crate::sandbox::RandomFaults::draw),
        }
    }

    /// A hard-to-guess string for codes and tokens (a sandbox needs no more).
    fn mint(&mut self) -> String {
        self.minted = self.minted.wrapping_add(1);
        let mut rng = crate::sample::Rng::from_clock(self.minted);
        format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64())
    }

    fn issue_code(&mut self, client_id: &str, redirect_uri: &str, scopes: Vec<String>) -> String {
        let code = self.mint();
        self.codes.insert(
            code.clone(),
            IssuedCode {
                client_id: client_id.to_owned(),
                redirect_uri: redirect_uri.to_owned(),
                scopes,
                issued: Instant::now(),
                used: false,
            },
        );
        code
    }

    /// Counts a request of `token`; `Err(seconds)` when it goes over the limit.
    fn admit(&mut self, token: &str) -> Result<(), u64> {
        let Some(limit) = self.options.rate_limit else {
            return Ok(());
        };
        let window = self.options.rate_window;
        let now = Instant::now();
        let recent = self.recent.entry(token.to_owned()).or_default();
        while recent.front().is_some_and(|t| *t + window <= now) {
            recent.pop_front();
        }
        if recent.len() >= limit {
            self.rate_limited += 1;
            let oldest = recent.front().copied().unwrap_or(now);
            let wait = (oldest + window).saturating_duration_since(now);
            return Err(wait.as_secs().max(1));
        }
        recent.push_back(now);
        Ok(())
    }
}

/// `POST /sandbox-admin/behind`: a change made in the shop's admin, not through its API.
async fn behind(
    axum::extract::State(shop): axum::extract::State<Arc<Mutex<Shop>>>,
    axum::Json(request): axum::Json<super::behind::BehindRequest>,
) -> axum::http::StatusCode {
    let id = request.order.trim().parse::<i64>().unwrap_or(-1);
    if apply_behind(&mut lock(&shop), id, &request.change) {
        axum::http::StatusCode::NO_CONTENT
    } else {
        axum::http::StatusCode::NOT_FOUND
    }
}

fn apply_behind(shop: &mut Shop, id: i64, change: &super::behind::Behind) -> bool {
    use super::behind::Behind;
    let Some(sale) = shop.sales.get_mut(&id) else {
        return false;
    };
    match change {
        Behind::Tracking { number, .. } => {
            for d in &mut sale.deliveries {
                d.slip_number = Some(number.clone());
            }
        }
        Behind::FulfilByHand { number, .. } => {
            for d in &mut sale.deliveries {
                d.slip_number = Some(number.clone());
                d.delivered = true;
            }
        }
        Behind::CancelFulfillment => {
            for d in &mut sale.deliveries {
                d.slip_number = None;
                d.delivered = false;
            }
        }
        Behind::Cancel => sale.canceled = true,
    }
    sale.update_date = Utc::now();
    true
}
