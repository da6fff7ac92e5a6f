//! A sandbox Shopify: `POST /admin/api/{version}/graphql.json` with `X-Shopify-Access-Token`,
//! orders with fulfillment orders at one or more locations (open, on hold, closed), fulfillments
//! with tracking, the calculated-cost leaky bucket (THROTTLED as HTTP 200 with Shopify's error
//! shape), and one-shot faults: 5xx, 429 with Retry-After, slow replies, malformed JSON, and a
//! mutation applied whose answer is lost. It answers the documents hassou sends (recognised by
//! their root field) with Shopify's response shapes.

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use tokio::time::Instant;

pub use super::Fault;
pub use operations::supported_actions;
use operations::*;

mod behind;
mod operations;

/// Shopify refuses a single query that requests more (reference §3.1).
pub const MAX_QUERY_COST: f64 = 1000.0;

/// Which requests a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultTarget {
    Any,
    Mutations,
    Reads,
}

#[derive(Debug, Clone)]
pub struct SandboxOptions {
    pub token: String,
    pub bucket_size: f64,
    pub restore_rate: f64,
    /// Time every request takes before it is looked at (a network's round trip).
    pub latency: std::time::Duration,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            token: "shpat_sandbox".into(),
            bucket_size: 2000.0,
            restore_rate: 100.0,
            latency: std::time::Duration::ZERO,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SandboxFulfillmentOrder {
    pub id: String,
    pub status: String,
    pub location_id: String,
    pub location_name: String,
    pub quantity: i64,
    pub remaining: i64,
}

/// One tracking entry of a fulfillment: company, number, url.
pub type TrackingLine = (Option<String>, String, Option<String>);

#[derive(Debug, Clone)]
pub struct SandboxFulfillment {
    pub id: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub tracking: Vec<TrackingLine>,
}

#[derive(Debug, Clone)]
pub struct SandboxOrder {
    pub id: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub paid_at: Option<DateTime<Utc>>,
    pub customer: String,
    /// (都道府県, 市区町村, 番地), shown as the shipping address.
    pub address: (String, String, String),
    pub fulfillment_orders: Vec<SandboxFulfillmentOrder>,
    pub fulfillments: Vec<SandboxFulfillment>,
    /// Shipping-confirmation mails Shopify would have sent.
    pub notifications: u32,
}

struct Bucket {
    available: f64,
    at: Instant,
}

struct Shop {
    options: SandboxOptions,
    orders: BTreeMap<String, SandboxOrder>,
    next_id: u64,
    bucket: Bucket,
    faults: VecDeque<(FaultTarget, Fault)>,
    random_faults: Option<super::RandomFaults>,
    requests: u64,
    /// One line per request: the operation and what the sandbox did with it.
    log: Vec<String>,
    throttled: u64,
    mutations_applied: u64,
    /// Points charged (the actual costs), and by mutations alone.
    points_spent: f64,
    /// Requests received and not yet answered.
    in_flight: u64,
    /// Reads of an order answered with another order (asked → answered), until cleared: a
    /// store or a proxy mixing answers up.
    swapped_reads: BTreeMap<String, String>,
    /// The next mutation's answer names this order instead of its own (once).
    next_answer_about: Option<String>,
    /// The next mutation's answer says its fulfillment has this status (once; applied as asked).
    next_answer_status: Option<String>,
}

/// Counts a request as in flight until it is answered (or its client goes away).
struct InFlight(Arc<Mutex<Shop>>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut shop = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        shop.in_flight = shop.in_flight.saturating_sub(1);
    }
}

/// A running sandbox Shopify. Cloning shares the same shop.
#[derive(Clone)]
pub struct SandboxShopify {
    shop: Arc<Mutex<Shop>>,
    addr: SocketAddr,
}

impl SandboxShopify {
    /// Starts on 127.0.0.1 (`port` 0 picks a free one) and serves until the runtime ends.
    pub async fn start(port: u16, options: SandboxOptions) -> std::io::Result<SandboxShopify> {
        let shop = Arc::new(Mutex::new(Shop {
            bucket: Bucket {
                available: options.bucket_size,
                at: Instant::now(),
            },
            options,
            orders: BTreeMap::new(),
            next_id: 1000,
            faults: VecDeque::new(),
            random_faults: None,
            requests: 0,
            log: Vec::new(),
            throttled: 0,
            points_spent: 0.0,
            mutations_applied: 0,
            in_flight: 0,
            swapped_reads: BTreeMap::new(),
            next_answer_about: None,
            next_answer_status: None,
        }));
        let app = Router::new()
            .route("/admin/api/{version}/graphql.json", post(graphql))
            .route("/sandbox-admin/behind", post(behind::behind))
            .with_state(shop.clone());
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(SandboxShopify { shop, addr })
    }

    /// Changes the order named `name` (`#1004`) behind hassou; `false` when there is none.
    pub fn change_behind(&self, name: &str, change: &super::behind::Behind) -> bool {
        behind::apply(&mut self.shop(), name, change)
    }

    pub fn url(&self) -> url::Url {
        url::Url::parse(&format!("http://{}/", self.addr))
            .expect("a socket address makes a valid URL")
    }

    fn shop(&self) -> MutexGuard<'_, Shop> {
        self.shop
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds an order with one open fulfillment order per location name; returns its GID.
    pub fn add_order(
        &self,
        name: &str,
        customer: &str,
        created_at: DateTime<Utc>,
        locations: &[&str],
    ) -> String {
        let mut shop = self.shop();
        let id = shop.next_id();
        let gid = format!("gid://shopify/Order/{id}");
        let fulfillment_orders = locations
            .iter()
            .map(|location| {
                let fo = shop.next_id();
                SandboxFulfillmentOrder {
                    id: format!("gid://shopify/FulfillmentOrder/{fo}"),
                    status: "OPEN".into(),
                    location_id: format!("gid://shopify/Location/{}", location_number(location)),
                    location_name: (*location).to_owned(),
                    quantity: 1,
                    remaining: 1,
                }
            })
            .collect();
        shop.orders.insert(
            gid.clone(),
            SandboxOrder {
                id: gid.clone(),
                name: name.into(),
                created_at,
                updated_at: created_at,
                cancelled_at: None,
                paid_at: Some(created_at),
                customer: customer.into(),
                address: sample_address(id),
                fulfillment_orders,
                fulfillments: Vec::new(),
                notifications: 0,
            },
        );
        gid
    }

    /// Changes an order in place (hold a fulfillment order, cancel, …).
    pub fn update_order(&self, gid: &str, change: impl FnOnce(&mut SandboxOrder)) {
        if let Some(order) = self.shop().orders.get_mut(gid) {
            change(order);
        }
    }

    pub fn order(&self, gid: &str) -> Option<SandboxOrder> {
        self.shop().orders.get(gid).cloned()
    }

    /// From now on, every request may meet a fault drawn at random (see [`super::RandomFaults`]).
    pub fn fault_randomly(&self, faults: super::RandomFaults) {
        self.shop().random_faults = Some(faults);
    }

    /// Faults drawn at random so far.
    pub fn random_faults_injected(&self) -> u64 {
        self.shop().random_faults.as_ref().map_or(0, |f| f.injected)
    }

    pub fn inject(&self, target: FaultTarget, fault: Fault) {
        self.shop().faults.push_back((target, fault));
    }

    /// Every read of order `asked` (`order(id:)`, `nodes(ids:)`) is answered with order
    /// `answered` instead, until [`SandboxShopify::clear_swaps`].
    pub fn swap_reads(&self, asked: &str, answered: &str) {
        self.shop()
            .swapped_reads
            .insert(asked.to_owned(), answered.to_owned());
    }

    /// The next mutation is applied as asked, but its answer names order `other`.
    pub fn answer_next_mutation_about(&self, other: &str) {
        self.shop().next_answer_about = Some(other.to_owned());
    }

    /// The next mutation is applied as asked, but its answer says its fulfillment is `status`.
    pub fn answer_next_mutation_with_status(&self, status: &str) {
        self.shop().next_answer_status = Some(status.to_owned());
    }

    pub fn clear_swaps(&self) {
        self.shop().swapped_reads.clear();
    }

    pub fn requests(&self) -> u64 {
        self.shop().requests
    }

    /// One line per request answered: `operation fault-or-outcome`.
    pub fn log(&self) -> Vec<String> {
        self.shop().log.clone()
    }

    /// Requests answered THROTTLED.
    pub fn throttled(&self) -> u64 {
        self.shop().throttled
    }

    pub fn mutations_applied(&self) -> u64 {
        self.shop().mutations_applied
    }

    /// Points charged so far (the actual cost of every request that ran).
    pub fn points_spent(&self) -> f64 {
        self.shop().points_spent
    }

    /// Requests received and not yet answered.
    pub fn in_flight(&self) -> u64 {
        self.shop().in_flight
    }
}

/// A plausible Japanese address for sample data, chosen by id.
fn sample_address(id: u64) -> (String, String, String) {
    const PLACES: [(&str, &str, &str); 6] = [
        ("東京都", "渋谷区", "神南1-2-3"),
        ("大阪府", "大阪市北区", "梅田2-4-9"),
        ("北海道", "札幌市中央区", "北1条西3-1"),
        ("福岡県", "福岡市博多区", "博多駅前4-5-6"),
        ("愛知県", "名古屋市中村区", "名駅3-28-12"),
        ("沖縄県", "那覇市", "久茂地1-1-1"),
    ];
    let (province, city, street) = PLACES[usize::try_from(id % 6).unwrap_or(0)];
    (province.into(), city.into(), street.into())
}

fn location_number(name: &str) -> u64 {
    name.bytes()
        .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
        % 1_000_000
}

impl Shop {
    fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    fn refill(&mut self) {
        let now = Instant::now();
        let elapsed = now.saturating_duration_since(self.bucket.at).as_secs_f64();
        self.bucket.available = (self.bucket.available + elapsed * self.options.restore_rate)
            .min(self.options.bucket_size);
        self.bucket.at = now;
    }

    fn cost(&self, requested: f64, actual: Option<f64>) -> Value {
        json!({
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": {
                "maximumAvailable": self.options.bucket_size,
                "currentlyAvailable": self.bucket.available.floor(),
                "restoreRate": self.options.restore_rate,
            }
        })
    }

    /// The order a read of `id` is answered with (another one when told to swap).
    fn read(&self, id: &str) -> Option<&SandboxOrder> {
        let id = self.swapped_reads.get(id).map_or(id, String::as_str);
        self.orders.get(id)
    }

    fn take_fault(&mut self, mutation: bool) -> Option<Fault> {
        let index = self.faults.iter().position(|(target, _)| match target {
            FaultTarget::Any => true,
            FaultTarget::Mutations => mutation,
            FaultTarget::Reads => !mutation,
        });
        match index {
            Some(index) => self.faults.remove(index).map(|(_, f)| f),
            None => self
                .random_faults
                .as_mut()
                .and_then(super::RandomFaults::draw),
        }
    }
}

/// The operations the sandbox answers, by root field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operation {
    Nodes,
    Order,
    Orders,
    FulfillmentCreate,
    TrackingUpdate,
    ApiVersions,
}

impl Operation {
    fn of(query: &str) -> Option<Operation> {
        // Order matters: `fulfillmentCreate(` and `orders(` contain shorter names.
        let ops = [
            ("fulfillmentTrackingInfoUpdate(", Operation::TrackingUpdate),
            ("fulfillmentCreate(", Operation::FulfillmentCreate),
            ("publicApiVersions", Operation::ApiVersions),
            ("nodes(", Operation::Nodes),
            ("orders(", Operation::Orders),
            ("order(", Operation::Order),
        ];
        ops.iter()
            .find(|(needle, _)| query.contains(needle))
            .map(|(_, op)| *op)
    }

    fn is_mutation(self) -> bool {
        matches!(
            self,
            Operation::FulfillmentCreate | Operation::TrackingUpdate
        )
    }
}

fn json_response(status: StatusCode, body: Value) -> Response {
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn graphql(
    State(shop): State<Arc<Mutex<Shop>>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let lock = || {
        shop.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    lock().in_flight += 1;
    let _in_flight = InFlight(shop.clone());
    let latency = lock().options.latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let request: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let query = request["query"].as_str().unwrap_or_default().to_owned();
    let variables = request["variables"].clone();
    let token_ok = {
        let mut s = lock();
        s.requests += 1;
        headers
            .get("x-shopify-access-token")
            .and_then(|v| v.to_str().ok())
            == Some(s.options.token.as_str())
    };
    if !token_ok {
        return json_response(
            StatusCode::UNAUTHORIZED,
            json!({"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}),
        );
    }
    let Some(op) = Operation::of(&query) else {
        return json_response(
            StatusCode::OK,
            json!({"errors": [{"message": "the sandbox does not answer this document", "extensions": {"code": "UNSUPPORTED"}}]}),
        );
    };
    let requested = super::shopify_cost::requested(&query, &variables, op.is_mutation());
    if requested > MAX_QUERY_COST {
        return json_response(
            StatusCode::OK,
            json!({"errors": [{
                "message": format!("Query cost is {requested}, which exceeds the single query max cost limit ({MAX_QUERY_COST})."),
                "extensions": {"code": "MAX_COST_EXCEEDED", "cost": requested, "maxCost": MAX_QUERY_COST}
            }]}),
        );
    }
    let fault = lock().take_fault(op.is_mutation());
    lock().log.push(format!(
        "{op:?} {}",
        fault.as_ref().map_or("ok".to_owned(), |f| format!("{f:?}"))
    ));
    match &fault {
        Some(Fault::ServerError) => {
            return (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response();
        }
        Some(Fault::TooManyRequests { retry_after_secs }) => {
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [("retry-after", retry_after_secs.to_string())],
                "Too Many Requests",
            )
                .into_response();
        }
        Some(Fault::Malformed) => {
            return (
                StatusCode::OK,
                [("content-type", "application/json")],
                "{\"data\": {\"order\"",
            )
                .into_response();
        }
        Some(Fault::Throttled) => {
            let mut s = lock();
            s.throttled += 1;
            let cost = s.cost(requested, None);
            return json_response(
                StatusCode::OK,
                json!({
                    "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
                    "extensions": {"cost": cost}
                }),
            );
        }
        Some(
            Fault::Slow(_)
            | Fault::LoseResponse
            | Fault::CutAfterApplied
            | Fault::UnreadableAfterApplied,
        )
        | None => {}
    }
    let body = {
        let mut s = lock();
        s.refill();
        if s.bucket.available < requested {
            s.throttled += 1;
            let cost = s.cost(requested, None);
            return json_response(
                StatusCode::OK,
                json!({
                    "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
                    "extensions": {"cost": cost}
                }),
            );
        }
        let data = match op {
            Operation::Order => order_query(&s, &variables),
            Operation::Nodes => nodes_query(&s, &variables),
            Operation::Orders => orders_query(&s, &variables),
            Operation::FulfillmentCreate | Operation::TrackingUpdate => {
                let mut data = if op == Operation::FulfillmentCreate {
                    fulfillment_create(&mut s, &variables)
                } else {
                    tracking_update(&mut s, &variables)
                };
                if let Some(other) = s.next_answer_about.take() {
                    let name = s.orders.get(&other).map_or_else(
                        || format!("#{}", other.rsplit('/').next().unwrap_or("0")),
                        |o| o.name.clone(),
                    );
                    if let Some(root) = data.as_object_mut().and_then(|d| d.values_mut().next())
                        && root["fulfillment"].is_object()
                    {
                        root["fulfillment"]["order"] = json!({ "id": other });
                        root["fulfillment"]["name"] = json!(format!("{name}.1"));
                    }
                }
                if let Some(status) = s.next_answer_status.take()
                    && let Some(root) = data.as_object_mut().and_then(|d| d.values_mut().next())
                    && root["fulfillment"].is_object()
                {
                    root["fulfillment"]["status"] = json!(status);
                }
                data
            }
            Operation::ApiVersions => json!({"publicApiVersions": [
                {"handle": "2026-01", "supported": true}, {"handle": "2026-04", "supported": true},
                {"handle": "2026-07", "supported": true}, {"handle": "2026-10", "supported": false}]}),
        };
        let data = selected(&query, &data, &variables);
        let actual = super::shopify_cost::actual(&data, op.is_mutation()).min(requested);
        s.bucket.available -= actual;
        s.points_spent += actual;
        json!({"data": data, "extensions": {"cost": s.cost(requested, Some(actual))}})
    };
    if let Some(Fault::Slow(delay)) = fault {
        // The work is done; only the answer is late (a client that gave up never sees it).
        tokio::time::sleep(delay).await;
    }
    match fault {
        Some(Fault::LoseResponse) => {
            (StatusCode::GATEWAY_TIMEOUT, "Gateway Timeout").into_response()
        }
        Some(Fault::CutAfterApplied) => super::cut_off(body.to_string()),
        Some(Fault::UnreadableAfterApplied) => super::half_json(&body.to_string()),
        _ => json_response(StatusCode::OK, body),
    }
}

/// The answer as Shopify gives it: only the fields the document selected, under their aliases.
fn selected(query: &str, data: &Value, variables: &Value) -> Value {
    Value::Object(
        super::shopify_cost::root_fields(query)
            .iter()
            .map(|f| {
                let value = &data[f.name.as_str()];
                let kept = match &f.selection {
                    Some(inner) => super::shopify_cost::project(value, inner, variables),
                    None => value.clone(),
                };
                (f.key.clone(), kept)
            })
            .collect(),
    )
}
