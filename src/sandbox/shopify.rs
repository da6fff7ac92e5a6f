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
        }));
        let app = Router::new()
            .route("/admin/api/{version}/graphql.json", post(graphql))
            .with_state(shop.clone());
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(SandboxShopify { shop, addr })
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
                if let Some(other) = s.next_answer_about.take()
                    && let Some(root) = data.as_object_mut().and_then(|d| d.values_mut().next())
                    && root["fulfillment"].is_object()
                {
                    root["fulfillment"]["order"] = json!({ "id": other });
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

/// `supportedActions` of a merchant-managed fulfillment order by status, as observed on Shopify
/// (`reference/shopify-admin-api.md` §2.1).
pub fn supported_actions(status: &str) -> &'static [&'static str] {
    match status {
        "OPEN" => &["CREATE_FULFILLMENT", "REPORT_PROGRESS", "MOVE", "HOLD"],
        "IN_PROGRESS" => &[
            "CREATE_FULFILLMENT",
            "REPORT_PROGRESS",
            "HOLD",
            "MARK_AS_OPEN",
        ],
        "ON_HOLD" => &["RELEASE_HOLD", "HOLD", "MOVE"],
        _ => &[],
    }
}

fn fulfillment_json(order_id: &str, f: &SandboxFulfillment) -> Value {
    json!({
        "id": f.id,
        "order": { "id": order_id },
        "status": f.status,
        "createdAt": f.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        "trackingInfo": f.tracking.iter().map(|(company, number, url)| json!({
            "company": company, "number": number, "url": url
        })).collect::<Vec<_>>(),
    })
}

fn display_fulfillment_status(o: &SandboxOrder) -> &'static str {
    let remaining: i64 = o.fulfillment_orders.iter().map(|f| f.remaining).sum();
    let live = o.fulfillments.iter().any(|f| f.status == "SUCCESS");
    match (live, remaining) {
        (true, 0) => "FULFILLED",
        (true, _) => "PARTIALLY_FULFILLED",
        _ if o.fulfillment_orders.iter().any(|f| f.status == "ON_HOLD") => "ON_HOLD",
        _ => "UNFULFILLED",
    }
}

/// Everything the sandbox knows of an order, in Shopify's shapes; each answer keeps what its
/// document selected.
fn order_json(o: &SandboxOrder) -> Value {
    let time = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    json!({
        "id": o.id,
        "name": o.name,
        "createdAt": time(o.created_at),
        "updatedAt": time(o.updated_at),
        "cancelledAt": o.cancelled_at.map(time),
        "displayFinancialStatus": if o.paid_at.is_some() { "PAID" } else { "PENDING" },
        "displayFulfillmentStatus": display_fulfillment_status(o),
        "shippingAddress": {"name": o.customer, "province": o.address.0, "city": o.address.1, "address1": o.address.2, "countryCodeV2": "JP"},
        "transactions": o.paid_at.map(|t| vec![json!({"kind": "SALE", "status": "SUCCESS", "processedAt": time(t)})]).unwrap_or_default(),
        "fulfillmentOrders": {
            "pageInfo": {"hasNextPage": false, "endCursor": null},
            "nodes": o.fulfillment_orders.iter().map(|fo| json!({
                "id": fo.id,
                "status": fo.status,
                "requestStatus": "UNSUBMITTED",
                "assignedLocation": {"name": fo.location_name, "location": {"id": fo.location_id}},
                "deliveryMethod": {"methodType": "SHIPPING"},
                "supportedActions": supported_actions(&fo.status)
                    .iter()
                    .map(|a| json!({"action": a}))
                    .collect::<Vec<_>>(),
                "lineItems": {"nodes": [{
                    "id": format!("{}-1", fo.id.replace("FulfillmentOrder", "FulfillmentOrderLineItem")),
                    "totalQuantity": fo.quantity,
                    "remainingQuantity": fo.remaining,
                }]},
            })).collect::<Vec<_>>(),
        },
        "fulfillments": o.fulfillments.iter().map(|f| fulfillment_json(&o.id, f)).collect::<Vec<_>>(),
    })
}

fn order_query(s: &Shop, variables: &Value) -> Value {
    let id = variables["id"].as_str().unwrap_or_default();
    json!({"order": s.read(id).map(order_json)})
}

/// `nodes(ids:)`: each id's order, or null for an id the shop does not have.
fn nodes_query(s: &Shop, variables: &Value) -> Value {
    let nodes: Vec<Value> = variables["ids"]
        .as_array()
        .map(|ids| {
            ids.iter()
                .map(|id| {
                    id.as_str()
                        .and_then(|id| s.read(id))
                        .map_or(Value::Null, order_json)
                })
                .collect()
        })
        .unwrap_or_default();
    json!({ "nodes": nodes })
}

/// `updated_at:>='…'` (the only filter hassou sends), sorted by update, cursor = position.
fn orders_query(s: &Shop, variables: &Value) -> Value {
    let since = variables["query"]
        .as_str()
        .and_then(|q| q.split(">=").nth(1))
        .map(|t| t.trim_matches(|c| c == '\'' || c == '"' || c == ' '))
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc));
    let first = usize::try_from(variables["first"].as_u64().unwrap_or(50).min(250)).unwrap_or(50);
    let after: usize = variables["after"]
        .as_str()
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let mut matching: Vec<&SandboxOrder> = s
        .orders
        .values()
        .filter(|o| since.is_none_or(|t| o.updated_at >= t))
        .collect();
    matching.sort_by_key(|o| (o.updated_at, o.id.clone()));
    let page: Vec<Value> = matching
        .iter()
        .skip(after)
        .take(first)
        .map(|o| order_json(o))
        .collect();
    let end = after + page.len();
    json!({"orders": {
        "pageInfo": {"hasNextPage": end < matching.len(), "endCursor": end.to_string()},
        "nodes": page,
    }})
}

fn user_error(root: &str, field: &[&str], message: String) -> Value {
    json!({root: {"fulfillment": null, "userErrors": [{"field": field, "message": message}]}})
}

/// Reads `FulfillmentTrackingInput`, enforcing the schema's exclusivity rules.
fn tracking_from(input: &Value) -> Result<Vec<TrackingLine>, String> {
    if input.is_null() {
        return Ok(Vec::new());
    }
    let company = input["company"].as_str().map(str::to_owned);
    let strings = |key: &str| -> Vec<String> {
        input[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (mut numbers, mut urls) = (strings("numbers"), strings("urls"));
    if let Some(n) = input["number"].as_str() {
        if !numbers.is_empty() {
            return Err("number and numbers cannot both be given".into());
        }
        numbers.push(n.to_owned());
    }
    if let Some(u) = input["url"].as_str() {
        if !urls.is_empty() {
            return Err("url and urls cannot both be given".into());
        }
        urls.push(u.to_owned());
    }
    if !urls.is_empty() && urls.len() != numbers.len() {
        return Err("urls must pair with numbers".into());
    }
    Ok(numbers
        .into_iter()
        .enumerate()
        .map(|(i, n)| (company.clone(), n, urls.get(i).cloned()))
        .collect())
}

fn fulfillment_create(s: &mut Shop, variables: &Value) -> Value {
    const ROOT: &str = "fulfillmentCreate";
    let input = &variables["fulfillment"];
    let tracking = match tracking_from(&input["trackingInfo"]) {
        Ok(t) => t,
        Err(m) => return user_error(ROOT, &["fulfillment", "trackingInfo"], m),
    };
    let ids: Vec<String> = input["lineItemsByFulfillmentOrder"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x["fulfillmentOrderId"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let Some(order_id) = s
        .orders
        .values()
        .find(|o| o.fulfillment_orders.iter().any(|fo| ids.contains(&fo.id)))
        .map(|o| o.id.clone())
    else {
        return user_error(
            ROOT,
            &["fulfillment"],
            "Fulfillment order does not exist.".into(),
        );
    };
    let id = s.next_id();
    let now = Utc::now();
    let Some(order) = s.orders.get_mut(&order_id) else {
        return user_error(
            ROOT,
            &["fulfillment"],
            "Fulfillment order does not exist.".into(),
        );
    };
    let chosen: Vec<&SandboxFulfillmentOrder> = order
        .fulfillment_orders
        .iter()
        .filter(|fo| ids.contains(&fo.id))
        .collect();
    if chosen.len() != ids.len() {
        return user_error(
            ROOT,
            &["fulfillment"],
            "Fulfillment order does not exist.".into(),
        );
    }
    if chosen
        .iter()
        .any(|fo| fo.location_id != chosen[0].location_id)
    {
        return user_error(
            ROOT,
            &["fulfillment"],
            "All fulfillment orders must be assigned to a single location.".into(),
        );
    }
    if let Some(fo) = chosen
        .iter()
        .find(|fo| !matches!(fo.status.as_str(), "OPEN" | "IN_PROGRESS") || fo.remaining == 0)
    {
        let number = fo.id.rsplit('/').next().unwrap_or_default();
        return user_error(
            ROOT,
            &["fulfillment"],
            format!(
                "Fulfillment order {number} has an unfulfillable status= {}.",
                fo.status.to_lowercase()
            ),
        );
    }
    for fo in order
        .fulfillment_orders
        .iter_mut()
        .filter(|fo| ids.contains(&fo.id))
    {
        fo.remaining = 0;
        fo.status = "CLOSED".into();
    }
    let fulfillment = SandboxFulfillment {
        id: format!("gid://shopify/Fulfillment/{id}"),
        status: "SUCCESS".into(),
        created_at: now,
        tracking,
    };
    if input["notifyCustomer"].as_bool() == Some(true) {
        order.notifications += 1;
    }
    order.updated_at = now;
    let body = fulfillment_json(&order.id, &fulfillment);
    order.fulfillments.push(fulfillment);
    s.mutations_applied += 1;
    json!({ROOT: {"fulfillment": body, "userErrors": []}})
}

fn tracking_update(s: &mut Shop, variables: &Value) -> Value {
    const ROOT: &str = "fulfillmentTrackingInfoUpdate";
    let id = variables["fulfillmentId"].as_str().unwrap_or_default();
    let tracking = match tracking_from(&variables["trackingInfoInput"]) {
        Ok(t) => t,
        Err(m) => return user_error(ROOT, &["trackingInfoInput"], m),
    };
    let notify = variables["notifyCustomer"].as_bool() == Some(true);
    let now = Utc::now();
    for order in s.orders.values_mut() {
        if let Some(f) = order.fulfillments.iter_mut().find(|f| f.id == id) {
            // Shopify replaces the whole tracking set, and has no state guard here.
            f.tracking = tracking;
            let body = fulfillment_json(&order.id, f);
            if notify {
                order.notifications += 1;
            }
            order.updated_at = now;
            s.mutations_applied += 1;
            return json!({ROOT: {"fulfillment": body, "userErrors": []}});
        }
    }
    user_error(
        ROOT,
        &["fulfillmentId"],
        "Fulfillment does not exist.".into(),
    )
}
