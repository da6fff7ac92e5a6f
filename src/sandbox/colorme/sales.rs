//! The sales endpoints of the sandbox カラーミー, with the live API's behaviour: the list's 7-day
//! default window and silent fallbacks, the full sale shape with unix dates, a PUT that changes
//! only the keys sent (and `tracking_url` with the slip), and the mail POST answering 201 with no
//! body.

use axum::http::StatusCode;
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde_json::{Value, json};

use super::routes::{Answer, Params, api_error, not_found};
use super::{SandboxDelivery, SandboxSale, Shop};

const ACCOUNT: &str = "PA01234567";

/// 配送方法: (id, name, method_type, slip_number_use, slip_number_url).
const METHODS: [(i64, &str, &str, bool, &str); 4] = [
    (
        1,
        "ヤマト運輸 宅急便",
        "yamato",
        true,
        "https://jizen.kuronekoyamato.co.jp/jizen/servlet/crjz.b.NQ0010?id=",
    ),
    (
        2,
        "佐川急便 飛脚宅配便",
        "sagawa",
        true,
        "https://k2k.sagawa-exp.co.jp/p/web/okurijosearch.do?okurijoNo=",
    ),
    (
        3,
        "ゆうパック",
        "jp",
        true,
        "https://trackings.post.japanpost.jp/services/srv/search/direct?reqCodeNo1=",
    ),
    (4, "メール便", "other", false, ""),
];

fn jst() -> FixedOffset {
    crate::domain::ShopTimeZone::jst().offset()
}

/// `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`, JST; anything else is not a date (and is ignored, as the
/// live API does).
fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })?;
    jst()
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

fn flag(text: &str) -> Option<bool> {
    match text {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

fn unix(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

fn tracking_url(delivery_id: i64, slip: Option<&str>) -> Option<String> {
    let slip = slip.filter(|s| !s.is_empty())?;
    METHODS
        .iter()
        .find(|m| m.0 == delivery_id && m.3)
        .map(|m| format!("{}{slip}", m.4))
}

fn delivery_json(sale: &SandboxSale, d: &SandboxDelivery, index: usize) -> Value {
    json!({
        "id": d.id, "account_id": ACCOUNT, "sale_id": sale.id, "delivery_id": d.delivery_id,
        "detail_ids": [sale.id * 10 + i64::try_from(index).unwrap_or(0)],
        "name": d.name, "furigana": null, "postal": "150-0041", "pref_id": 13, "pref_name": "東京都",
        "address1": "渋谷区神南1-2-3", "address2": "", "tel": "03-1234-5678",
        "preferred_date": null, "preferred_period": null,
        "slip_number": d.slip_number, "tracking_url": d.tracking_url, "delivered": d.delivered,
        "noshi_text": null, "noshi_charge": 0, "card_name": null, "card_text": null, "card_charge": 0,
        "wrapping_name": null, "wrapping_charge": 0, "delivery_charge": 660, "total_charge": 660,
        "memo": null
    })
}

/// The whole sale as the API shows it.
pub(super) fn sale_json(sale: &SandboxSale) -> Value {
    let products = 3_300 * i64::try_from(sale.deliveries.len()).unwrap_or(1);
    let charges = 660 * i64::try_from(sale.deliveries.len()).unwrap_or(1);
    let mut value = json!({
        "id": sale.id, "account_id": ACCOUNT,
        "make_date": unix(sale.make_date), "update_date": unix(sale.update_date),
        "memo": null, "payment_id": 1, "mobile": false,
        "paid": sale.paid, "delivered": sale.delivered(), "canceled": sale.canceled,
        "accepted_mail_state": "sent", "accepted_mail_sent_date": unix(sale.make_date),
        "paid_mail_state": if sale.paid { "sent" } else { "not_yet" },
        "paid_mail_sent_date": sale.paid.then(|| unix(sale.make_date)),
        "delivered_mail_state": sale.delivered_mail_state,
        "delivered_mail_sent_date": sale.delivered_mail_sent_date.map(unix),
    });
    let money = json!({
        "point_state": "assumed", "gmo_point_state": null, "yahoo_point_state": null,
        "granted_points": 33, "use_points": 0,
        "product_total_price": products, "delivery_total_charge": charges, "fee": 0,
        "tax": (products + charges) / 11, "noshi_total_charge": 0, "card_total_charge": 0,
        "wrapping_total_charge": 0, "point_discount": 0, "other_discount": 0,
        "other_discount_name": null, "total_price": products + charges, "external_order_id": "",
        "totals": null,
    });
    if let (Some(all), Value::Object(more)) = (value.as_object_mut(), money) {
        all.extend(more);
    }
    value["customer"] = json!({
        "id": sale.id + 500_000, "account_id": ACCOUNT, "name": sale.customer, "furigana": null,
        "postal": "150-0041", "pref_id": 13, "pref_name": "東京都", "address1": "渋谷区神南1-2-3",
        "address2": "", "mail": format!("customer{}@example.jp", sale.id), "tel": "03-1234-5678"
    });
    value["details"] = sale
        .deliveries
        .iter()
        .enumerate()
        .map(|(i, d)| {
            json!({
                "id": sale.id * 10 + i64::try_from(i).unwrap_or(0), "sale_id": sale.id,
                "account_id": ACCOUNT, "product_id": 90_001, "sale_delivery_id": d.id,
                "product_model_number": null, "product_name": "有機ほうじ茶 100g",
                "pristine_product_full_name": "有機ほうじ茶 100g", "price": 3_000,
                "price_with_tax": 3_300, "product_num": 1, "unit": null, "subtotal_price": 3_300
            })
        })
        .collect();
    value["sale_deliveries"] = sale
        .deliveries
        .iter()
        .enumerate()
        .map(|(i, d)| delivery_json(sale, d, i))
        .collect();
    value["segment"] = sale.segment.as_ref().map_or(Value::Null, |s| {
        json!({
            "id": sale.id, "name": format!("分割{}", sale.id), "parent_sale_id": s.parent_sale_id,
            "splitted": true, "siblings_sale_ids": s.siblings
        })
    });
    value
}

/// `GET /v1/sales`.
pub(super) fn list(shop: &Shop, query: &str) -> Answer {
    let params = Params::parse(query);
    let get = |keys: &[&str]| params.last_of(keys).map(str::to_owned);
    let date = |keys: &[&str]| get(keys).and_then(|v| parse_date(&v));
    let now = Utc::now();
    let make_max = date(&["before", "make_date_max"]);
    // Without a lower bound the window starts at 00:00 (JST) seven days before the upper bound.
    let make_min = date(&["after", "make_date_min"]).unwrap_or_else(|| {
        let end = make_max.unwrap_or(now).with_timezone(&jst());
        let day = (end - Duration::days(7)).date_naive();
        day.and_hms_opt(0, 0, 0)
            .and_then(|d| jst().from_local_datetime(&d).single())
            .map_or(now, |t| t.with_timezone(&Utc))
    });
    let update_min = date(&["update_date_min"]);
    let update_max = date(&["update_date_max"]);
    let ids: Option<Vec<i64>> =
        get(&["ids"]).map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect());
    let canceled = get(&["canceled"]).and_then(|v| flag(&v));
    let delivered = get(&["delivered"]).and_then(|v| flag(&v));
    let paid = get(&["paid"]).and_then(|v| flag(&v));
    // Out of range or unreadable: silently the default, or clamped to 100.
    let limit = get(&["limit"])
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|l| *l > 0)
        .map_or(10, |l| l.min(100));
    let offset = get(&["offset"])
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|o| *o >= 0)
        .unwrap_or(0);
    let mut matching: Vec<&SandboxSale> = shop
        .sales
        .values()
        .filter(|s| s.make_date >= make_min && make_max.is_none_or(|m| s.make_date <= m))
        .filter(|s| update_min.is_none_or(|m| s.update_date >= m))
        .filter(|s| update_max.is_none_or(|m| s.update_date <= m))
        .filter(|s| ids.as_ref().is_none_or(|ids| ids.contains(&s.id)))
        .filter(|s| canceled.is_none_or(|c| s.canceled == c))
        .filter(|s| delivered.is_none_or(|d| s.delivered() == d))
        .filter(|s| paid.is_none_or(|p| s.paid == p))
        .collect();
    // Newest first; the order is not documented, so clients must not rely on it.
    matching.sort_by_key(|s| (std::cmp::Reverse(s.make_date), std::cmp::Reverse(s.id)));
    let total = matching.len();
    let page: Vec<Value> = matching
        .iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(0))
        .map(|s| sale_json(s))
        .collect();
    (
        StatusCode::OK,
        json!({"sales": page, "meta": {"total": total, "limit": limit, "offset": offset}}),
    )
}

fn find<'a>(shop: &'a Shop, id: &str) -> Option<&'a SandboxSale> {
    shop.sales.get(&id.parse::<i64>().ok()?)
}

/// `GET /v1/sales/{id}`.
pub(super) fn read(shop: &Shop, id: &str) -> Answer {
    match find(shop, id) {
        Some(sale) => (StatusCode::OK, json!({ "sale": sale_json(sale) })),
        None => not_found(),
    }
}

fn malformed_body() -> Answer {
    api_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        500_000,
        "Internal Server Error",
        None,
    )
}

fn missing(root: &str) -> Answer {
    api_error(
        StatusCode::UNPROCESSABLE_ENTITY,
        422_210,
        "パラメータが指定されていません。",
        Some(root),
    )
}

/// The object under `root` in a JSON body, and the sale the path names — or the store's answer
/// to a body it cannot read (500), a missing root key (422) or an unknown sale (404), in that
/// order.
fn body_and_sale<'a>(
    shop: &'a mut Shop,
    id: &str,
    body: &str,
    root: &str,
) -> Result<(serde_json::Map<String, Value>, &'a mut SandboxSale), Answer> {
    let request = serde_json::from_str::<Value>(body).map_err(|_| malformed_body())?;
    let Some(Value::Object(fields)) = request.get(root).cloned() else {
        return Err(missing(root));
    };
    let sale = id
        .parse::<i64>()
        .ok()
        .and_then(|id| shop.sales.get_mut(&id))
        .ok_or_else(not_found)?;
    Ok((fields, sale))
}

/// `PUT /v1/sales/{id}`: only the keys sent change; the path's id decides which sale.
pub(super) fn update(shop: &mut Shop, id: &str, body: &str) -> Answer {
    let (fields, sale) = match body_and_sale(shop, id, body, "sale") {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let before = sale.clone();
    let items = match fields.get("sale_deliveries") {
        None => Vec::new(),
        Some(Value::Array(items)) => items.clone(),
        Some(_) => {
            return api_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                422_007,
                "お届け先の形式が正しくありません。",
                Some("sale_deliveries"),
            );
        }
    };
    // Everything is checked before anything changes.
    for item in &items {
        let known = item
            .get("id")
            .and_then(Value::as_i64)
            .is_some_and(|d| sale.deliveries.iter().any(|x| x.id == d));
        if !known {
            return api_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                422_007,
                "お届け先が見つかりません。",
                Some("sale_deliveries.id"),
            );
        }
        let slip_ok = item
            .get("slip_number")
            .is_none_or(|v| v.is_null() || v.as_str().is_some_and(|s| s.chars().count() <= 100));
        let delivered_ok = item.get("delivered").is_none_or(Value::is_boolean);
        if !slip_ok || !delivered_ok {
            return api_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                422_007,
                if slip_ok {
                    "発送済みの値が正しくありません。"
                } else {
                    "配送伝票番号は100文字以内で入力してください。"
                },
                Some(if slip_ok {
                    "sale_deliveries.delivered"
                } else {
                    "sale_deliveries.slip_number"
                }),
            );
        }
    }
    if let Some(paid) = fields.get("paid").and_then(Value::as_bool) {
        sale.paid = paid;
    }
    for item in &items {
        let Some(delivery) = item
            .get("id")
            .and_then(Value::as_i64)
            .and_then(|d| sale.deliveries.iter_mut().find(|x| x.id == d))
        else {
            continue;
        };
        if let Some(slip) = item.get("slip_number") {
            delivery.slip_number = slip.as_str().map(str::to_owned);
            delivery.tracking_url =
                tracking_url(delivery.delivery_id, delivery.slip_number.as_deref());
        }
        if let Some(url) = item.get("tracking_url") {
            delivery.tracking_url = url.as_str().map(str::to_owned);
        }
        if let Some(delivered) = item.get("delivered").and_then(Value::as_bool) {
            delivery.delivered = delivered;
        }
    }
    // Re-sending the current values changes nothing, not even update_date.
    if *sale != before {
        sale.update_date = Utc::now().max(before.update_date);
    }
    (StatusCode::OK, json!({ "sale": sale_json(sale) }))
}

/// `POST /v1/sales/{id}/mails`: 201 with an empty body; the mail state becomes `sent`.
pub(super) fn mail(shop: &mut Shop, id: &str, body: &str) -> Answer {
    let (mail, sale) = match body_and_sale(shop, id, body, "mail") {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let kind = mail.get("type").and_then(Value::as_str).unwrap_or_default();
    if !["accepted", "paid", "delivered"].contains(&kind) {
        return api_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            422_007,
            "メールの種類が正しくありません。",
            Some("mail.type"),
        );
    }
    // Split sales: 受注 and 入金確認 mails only from the parent; 商品発送 per sale.
    if kind != "delivered"
        && sale
            .segment
            .as_ref()
            .is_some_and(|s| s.parent_sale_id != sale.id)
    {
        return api_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            422_007,
            "分割された受注では親受注からのみ送信できます。",
            Some("mail.type"),
        );
    }
    if kind == "delivered" {
        sale.delivered_mail_state = "sent".into();
        sale.delivered_mail_sent_date = Some(Utc::now());
    }
    sale.mails.push(kind.to_owned());
    (StatusCode::CREATED, Value::Null)
}

/// `GET /v1/deliveries`.
pub(super) fn deliveries() -> Answer {
    let list: Vec<Value> = METHODS
        .iter()
        .enumerate()
        .map(|(i, (id, name, method_type, slip_use, slip_url))| {
            json!({
                "id": id, "account_id": ACCOUNT, "name": name, "method_type": method_type,
                "image_url": null, "charge_free_type": "not_free", "charge_free_limit": null,
                "charge_type": "fixed", "charge": {"charge_fixed": 660, "charge_ranges_by_price": null,
                "charge_ranges_by_area": null, "charge_ranges_by_weight": null},
                "tax_included": true, "slip_number_use": slip_use, "slip_number_url": slip_url,
                "memo": null, "sort": i, "display_state": "showing", "preferred_date_use": true,
                "preferred_period_use": true, "unavailable_payment_ids": [],
                "make_date": 1_700_000_000, "update_date": 1_700_000_000
            })
        })
        .collect();
    (StatusCode::OK, json!({ "deliveries": list }))
}

/// `GET /v1/shop`.
pub(super) fn shop() -> Answer {
    (
        StatusCode::OK,
        json!({"shop": {
            "id": ACCOUNT, "state": "enabled", "domain_plan": "sandbox", "contract_plan": "regular",
            "contract_start_date": 1_700_000_000, "contract_end_date": null, "contract_term": 12,
            "last_login_date": 1_700_000_000, "setup_date": 1_700_000_000, "make_date": 1_700_000_000,
            "url": "https://sandbox.shop-pro.jp", "open_state": "opened", "mobile_open_state": "opened",
            "login_id": "sandbox", "name1": "hassou", "name2": "サンドボックス店",
            "title": "hassou サンドボックス店", "admin_mail": "owner@example.jp"
        }}),
    )
}
