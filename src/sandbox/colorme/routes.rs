//! One handler for every request: log it, route it by method and path (`/v1/sales` and
//! `/v1/sales.json` alike), check the token and its scope, count it against the rate limit,
//! apply a waiting fault, then answer.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::time::Instant;

use super::{ColormeFaultTarget, Fault, RequestRecord, SharedShop, lock, oauth, sales};

/// An answer before faults: status and JSON body (`Value::Null` for an empty body).
pub(super) type Answer = (StatusCode, Value);

/// `{"errors":[{code,message,status}]}` with an optional `field`.
pub(super) fn api_error(
    status: StatusCode,
    code: i64,
    message: &str,
    field: Option<&str>,
) -> Answer {
    let mut error = json!({"code": code, "message": message, "status": status.as_u16()});
    if let Some(field) = field {
        error["field"] = json!(field);
    }
    (status, json!({ "errors": [error] }))
}

/// Form-encoded parameters (a query string or a form body), in the order sent.
pub(super) struct Params(Vec<(String, String)>);

impl Params {
    pub(super) fn parse(text: &str) -> Params {
        Params(
            url::form_urlencoded::parse(text.as_bytes())
                .into_owned()
                .collect(),
        )
    }

    /// The first value of `key`.
    pub(super) fn first(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The last value given under any of `keys` (synonyms; the last one sent wins).
    pub(super) fn last_of(&self, keys: &[&str]) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| keys.contains(&k.as_str()))
            .map(|(_, v)| v.as_str())
    }
}

pub(super) fn not_found() -> Answer {
    api_error(
        StatusCode::NOT_FOUND,
        404_100,
        "データが見つかりません。",
        None,
    )
}

fn respond((status, body): Answer) -> Response {
    if body.is_null() {
        return status.into_response();
    }
    (
        status,
        [("content-type", "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

/// The API route a request names, with `.json` dropped from the last segment.
enum Route {
    Sales,
    Sale(String),
    Mails(String),
    Deliveries,
    Shop,
    Authorize,
    AuthorizedCode(String),
    Token,
    Unknown,
}

fn route(path: &str) -> Route {
    let trimmed = path.trim_end_matches('/');
    let trimmed = trimmed.strip_suffix(".json").unwrap_or(trimmed);
    let segments: Vec<&str> = trimmed.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        ["v1", "sales"] => Route::Sales,
        ["v1", "sales", id] => Route::Sale((*id).to_owned()),
        ["v1", "sales", id, "mails"] => Route::Mails((*id).to_owned()),
        ["v1", "deliveries"] => Route::Deliveries,
        ["v1", "shop"] => Route::Shop,
        ["oauth", "authorize"] => Route::Authorize,
        ["oauth", "authorize", code] => Route::AuthorizedCode((*code).to_owned()),
        ["oauth", "token"] => Route::Token,
        _ => Route::Unknown,
    }
}

pub(super) async fn handle(
    State(shop): State<SharedShop>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let query = uri.query().unwrap_or_default().to_owned();
    let body_text = String::from_utf8_lossy(&body).into_owned();
    let index = {
        let mut s = lock(&shop);
        s.log.push(RequestRecord {
            at: Instant::now(),
            method: method.to_string(),
            path: path.clone(),
            query: query.clone(),
            body: body_text.clone(),
            outcome: String::new(),
        });
        s.log.len() - 1
    };
    let (fault, answer) = answer(&shop, &method, &path, &query, &headers, &body_text);
    if let Some(Fault::Slow(delay)) = &fault {
        tokio::time::sleep(*delay).await;
    }
    let response = match &fault {
        Some(Fault::ServerError) => respond(api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            500_000,
            "Internal Server Error",
            None,
        )),
        Some(Fault::TooManyRequests { retry_after_secs }) => (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", retry_after_secs.to_string())],
            "Too Many Requests",
        )
            .into_response(),
        Some(Fault::Throttled) => {
            (StatusCode::TOO_MANY_REQUESTS, "Too Many Requests").into_response()
        }
        Some(Fault::Malformed) => (
            StatusCode::OK,
            [("content-type", "application/json; charset=utf-8")],
            "{\"sale\": {\"id\"",
        )
            .into_response(),
        Some(Fault::LoseResponse) => {
            (StatusCode::GATEWAY_TIMEOUT, "Gateway Timeout").into_response()
        }
        Some(fault @ (Fault::CutAfterApplied | Fault::UnreadableAfterApplied)) => match answer {
            Ok(answer) => {
                let body = respond(answer);
                let (_, body) = body.into_parts();
                let text = axum::body::to_bytes(body, usize::MAX)
                    .await
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default();
                if *fault == Fault::CutAfterApplied {
                    super::super::cut_off(text)
                } else {
                    super::super::half_json(&text)
                }
            }
            Err(response) => response,
        },
        Some(Fault::Slow(_)) | None => match answer {
            Ok(answer) => respond(answer),
            Err(response) => response,
        },
    };
    let outcome = fault.map_or_else(
        || response.status().as_u16().to_string(),
        |f| format!("{f:?}"),
    );
    if let Some(record) = lock(&shop).log.get_mut(index) {
        record.outcome = outcome;
    }
    response
}

/// The fault that replaces or delays the answer, and the answer (applied already unless the
/// fault says nothing is applied). `Err` carries a non-JSON response (a redirect, a page).
fn answer(
    shop: &SharedShop,
    method: &Method,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: &str,
) -> (Option<Fault>, Result<Answer, Response>) {
    let route = route(path);
    let target = match (&route, method) {
        (Route::Token, _) => ColormeFaultTarget::Token,
        (Route::Sale(_), &Method::PUT) => ColormeFaultTarget::Updates,
        (Route::Mails(_), &Method::POST) => ColormeFaultTarget::Mails,
        (Route::Authorize | Route::AuthorizedCode(_), _) => {
            return (None, Err(oauth::authorize(shop, &route_code(path), query)));
        }
        _ => ColormeFaultTarget::Reads,
    };
    if let Route::Token = route {
        let fault = lock(shop).take_fault(target);
        if applies_nothing(fault.as_ref()) {
            return (fault, Ok((StatusCode::OK, Value::Null)));
        }
        return (fault, Ok(oauth::token(shop, method, body)));
    }
    let mut s = lock(shop);
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| token.trim().to_owned())
        });
    let Some(scopes) = token.as_ref().and_then(|t| s.tokens.get(t)).cloned() else {
        return (None, Ok(unauthorized()));
    };
    if let Err(wait) = s.admit(token.as_deref().unwrap_or_default()) {
        let response = (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", wait.to_string())],
            "Too Many Requests",
        )
            .into_response();
        return (None, Err(response));
    }
    let needs = match (&route, method) {
        (Route::Sales | Route::Sale(_), &Method::GET) => Some("read_sales"),
        (Route::Sale(_) | Route::Mails(_), _) => Some("write_sales"),
        _ => None,
    };
    if let Some(scope) = needs
        && !scopes.iter().any(|s| s == scope)
    {
        return (None, Ok(unauthorized()));
    }
    let fault = s.take_fault(target);
    if applies_nothing(fault.as_ref()) {
        return (fault, Ok((StatusCode::OK, Value::Null)));
    }
    let answer = match (route, method) {
        (Route::Sales, &Method::GET) => sales::list(&s, query),
        (Route::Sale(id), &Method::GET) => sales::read(&s, &id),
        (Route::Sale(id), &Method::PUT) => sales::update(&mut s, &id, body),
        (Route::Mails(id), &Method::POST) => sales::mail(&mut s, &id, body),
        (Route::Deliveries, &Method::GET) => sales::deliveries(),
        (Route::Shop, &Method::GET) => sales::shop(),
        _ => not_found(),
    };
    (fault, Ok(answer))
}

fn route_code(path: &str) -> String {
    match route(path) {
        Route::AuthorizedCode(code) => code,
        _ => String::new(),
    }
}

/// Faults that answer before anything is applied.
fn applies_nothing(fault: Option<&Fault>) -> bool {
    matches!(
        fault,
        Some(
            Fault::ServerError
                | Fault::TooManyRequests { .. }
                | Fault::Malformed
                | Fault::Throttled
        )
    )
}

fn unauthorized() -> Answer {
    api_error(
        StatusCode::UNAUTHORIZED,
        401_010,
        "このリソースにアクセスできません。有効なアクセストークンが指定されていないか、スコープが付与されていません。",
        None,
    )
}
