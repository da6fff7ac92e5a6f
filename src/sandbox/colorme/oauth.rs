//! The sandbox's OAuth 2.0 authorization-code grant (`reference/colorme-api.md` §1): the
//! authorize page approves at once (there is no shop owner to ask) and, for the out-of-band
//! redirect, lands on `/oauth/authorize/{code}`; the token endpoint takes a code once, within 10
//! minutes, and answers errors in RFC 6749's shape with Japanese descriptions.

use std::time::Duration;

use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::routes::{Answer, Params};
use super::{OOB_REDIRECT, SharedShop, lock};

/// How long a code may be exchanged.
const CODE_LIFETIME: Duration = Duration::from_secs(600);

/// The scopes カラーミー knows.
const SCOPES: [&str; 9] = [
    "read_products",
    "write_products",
    "read_sales",
    "write_sales",
    "read_shop_coupons",
    "write_shop_coupons",
    "read_templates",
    "write_templates",
    "read_analytics",
];

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Answer {
    (
        status,
        json!({"error": error, "error_description": description}),
    )
}

fn page(status: StatusCode, title: &str, text: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        format!(
            "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
             <body><h1>{title}</h1><p>{text}</p></body></html>"
        ),
    )
        .into_response()
}

/// `GET /oauth/authorize?…` (approves and redirects) and `GET /oauth/authorize/{code}` (the
/// out-of-band landing page showing the code).
pub(super) fn authorize(shop: &SharedShop, code: &str, query: &str) -> Response {
    if !code.is_empty() {
        return page(
            StatusCode::OK,
            "認可コード",
            &format!("このコードをアプリケーションに貼り付けてください: <code>{code}</code>"),
        );
    }
    let params = Params::parse(query);
    let get = |key: &str| params.first(key).unwrap_or_default().to_owned();
    let mut s = lock(shop);
    if get("client_id") != s.options.client_id {
        return page(
            StatusCode::UNAUTHORIZED,
            "エラー",
            "クライアントが不明か、クライアント認証が含まれていないか、サポートされていない認証方法のため、クライアント認証が失敗しました。",
        );
    }
    if get("response_type") != "code" {
        return page(
            StatusCode::BAD_REQUEST,
            "エラー",
            "認可サーバーは、このレスポンスタイプをサポートしていません。",
        );
    }
    let scopes: Vec<String> = get("scope").split_whitespace().map(str::to_owned).collect();
    if scopes.is_empty() || scopes.iter().any(|s| !SCOPES.contains(&s.as_str())) {
        return page(
            StatusCode::BAD_REQUEST,
            "エラー",
            "要求されたスコープが正しくないか、不明です。",
        );
    }
    let redirect_uri = get("redirect_uri");
    let client_id = s.options.client_id.clone();
    let code = s.issue_code(&client_id, &redirect_uri, scopes);
    let location = if redirect_uri == OOB_REDIRECT {
        format!("/oauth/authorize/{code}")
    } else {
        let mut target = match url::Url::parse(&redirect_uri) {
            Ok(url) => url,
            Err(_) => {
                return page(
                    StatusCode::BAD_REQUEST,
                    "エラー",
                    "リダイレクトURIが正しくありません。",
                );
            }
        };
        target.query_pairs_mut().append_pair("code", &code);
        let state = get("state");
        if !state.is_empty() {
            target.query_pairs_mut().append_pair("state", &state);
        }
        target.to_string()
    };
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

/// `POST /oauth/token` (form-encoded, `grant_type=authorization_code`).
pub(super) fn token(shop: &SharedShop, method: &Method, body: &str) -> Answer {
    if method != Method::POST {
        return (StatusCode::NOT_FOUND, Value::Null);
    }
    let params = Params::parse(body);
    let get = |key: &str| params.first(key).filter(|v| !v.is_empty());
    // An unsupported grant type is refused with an empty body, as observed.
    if get("grant_type") != Some("authorization_code") {
        return (StatusCode::FORBIDDEN, Value::Null);
    }
    let mut s = lock(shop);
    if get("client_id") != Some(s.options.client_id.as_str())
        || get("client_secret") != Some(s.options.client_secret.as_str())
    {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "クライアントが不明か、クライアント認証が含まれていないか、サポートされていない認証方法のため、クライアント認証が失敗しました。",
        );
    }
    let Some(code) = get("code") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "リクエストに必要なパラメーターが不足しているか、サポートされていないパラメーターが含まれているか、もしくはパラメーターが不正であるため、リクエストを処理できませんでした。",
        );
    };
    let redirect_uri = get("redirect_uri").unwrap_or_default().to_owned();
    let client_id = s.options.client_id.clone();
    let usable = s.codes.get_mut(code).and_then(|issued| {
        let fresh = issued.issued.elapsed() < CODE_LIFETIME;
        let ok = !issued.used
            && fresh
            && issued.client_id == client_id
            && issued.redirect_uri == redirect_uri;
        // A code is spent by any attempt that names it rightly or not.
        issued.used = true;
        ok.then(|| issued.scopes.clone())
    });
    let Some(scopes) = usable else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "指定された認可グラントは不正か、有効期限切れか、取り消されたか、リダイレクトURIが異なるか、もしくは別のクライアントに適用されています。",
        );
    };
    let token = s.mint();
    s.tokens.insert(token.clone(), scopes.clone());
    (
        StatusCode::OK,
        json!({
            "access_token": token,
            "token_type": "Bearer",
            "scope": scopes.join(" "),
            "created_at": chrono::Utc::now().timestamp(),
        }),
    )
}
