//! What the sandbox Shopify does for each operation: the orders read (one, several, a page of
//! changed ones) and the fulfillments created or updated, in Shopify's answer shapes.

use super::*;

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

/// A fulfillment as Shopify answers it; `position` (from 1) makes its name, `#1001.1`.
pub(super) fn fulfillment_json(
    order: (&str, &str),
    position: usize,
    f: &SandboxFulfillment,
) -> Value {
    let (order_id, order_name) = order;
    json!({
        "id": f.id,
        "name": format!("{order_name}.{position}"),
        "order": { "id": order_id },
        "status": f.status,
        "createdAt": f.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        "trackingInfo": f.tracking.iter().map(|(company, number, url)| json!({
            "company": company, "number": number, "url": url
        })).collect::<Vec<_>>(),
    })
}

pub(super) fn display_fulfillment_status(o: &SandboxOrder) -> &'static str {
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
pub(super) fn order_json(o: &SandboxOrder) -> Value {
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
        "fulfillments": o.fulfillments.iter().enumerate().map(|(i, f)| fulfillment_json((&o.id, &o.name), i + 1, f)).collect::<Vec<_>>(),
    })
}

pub(super) fn order_query(s: &Shop, variables: &Value) -> Value {
    let id = variables["id"].as_str().unwrap_or_default();
    json!({"order": s.read(id).map(order_json)})
}

/// `nodes(ids:)`: each id's order, or null for an id the shop does not have.
pub(super) fn nodes_query(s: &Shop, variables: &Value) -> Value {
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
pub(super) fn orders_query(s: &Shop, variables: &Value) -> Value {
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

pub(super) fn user_error(root: &str, field: &[&str], message: String) -> Value {
    json!({root: {"fulfillment": null, "userErrors": [{"field": field, "message": message}]}})
}

/// Reads `FulfillmentTrackingInput`, enforcing the schema's exclusivity rules.
pub(super) fn tracking_from(input: &Value) -> Result<Vec<TrackingLine>, String> {
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

pub(super) fn fulfillment_create(s: &mut Shop, variables: &Value) -> Value {
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
    let body = fulfillment_json(
        (&order.id, &order.name),
        order.fulfillments.len() + 1,
        &fulfillment,
    );
    order.fulfillments.push(fulfillment);
    s.mutations_applied += 1;
    json!({ROOT: {"fulfillment": body, "userErrors": []}})
}

pub(super) fn tracking_update(s: &mut Shop, variables: &Value) -> Value {
    const ROOT: &str = "fulfillmentTrackingInfoUpdate";
    let id = variables["fulfillmentId"].as_str().unwrap_or_default();
    let tracking = match tracking_from(&variables["trackingInfoInput"]) {
        Ok(t) => t,
        Err(m) => return user_error(ROOT, &["trackingInfoInput"], m),
    };
    let notify = variables["notifyCustomer"].as_bool() == Some(true);
    let now = Utc::now();
    for order in s.orders.values_mut() {
        if let Some((at, f)) = order
            .fulfillments
            .iter_mut()
            .enumerate()
            .find(|(_, f)| f.id == id)
        {
            // Shopify replaces the whole tracking set, and has no state guard here.
            f.tracking = tracking;
            let body = fulfillment_json((&order.id, &order.name), at + 1, f);
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
