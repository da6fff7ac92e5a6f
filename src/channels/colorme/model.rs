//! カラーミー's sale shapes, with the API's own field names (`reference/colorme-api.md` §2.2).
//! The spec marks nothing required, so every field hassou does not need is left out and the
//! ones it reads are optional where the API has been seen to omit or null them.

use serde::{Deserialize, Serialize};

/// `GET /v1/sales/{id}` and the PUT answer: `{"sale": {…}}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct SaleEnvelope {
    pub sale: Sale,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Sale {
    pub id: i64,
    /// 受注日時, unix seconds.
    pub make_date: Option<i64>,
    /// 更新日時, unix seconds.
    pub update_date: Option<i64>,
    #[serde(default)]
    pub paid: bool,
    #[serde(default)]
    pub delivered: bool,
    #[serde(default)]
    pub canceled: bool,
    /// `not_yet` | `sent` | `pass`.
    pub delivered_mail_state: Option<String>,
    #[serde(default)]
    pub sale_deliveries: Vec<SaleDelivery>,
}

/// お届け先: one per destination; its `id` is the key of an update.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct SaleDelivery {
    pub id: i64,
    pub slip_number: Option<String>,
    #[serde(default)]
    pub delivered: bool,
    pub tracking_url: Option<String>,
}

/// One item of `PUT /v1/sales/{id}`: only the keys that change. `delivered` is sent only as
/// `true` — hassou never unmarks a delivery — and omitted otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryUpdate {
    pub id: i64,
    pub slip_number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivered: Option<bool>,
}

/// `{"errors":[{"code":404100,"message":"…","status":404,"field":"…"}]}`, read leniently.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ApiErrors {
    #[serde(default)]
    pub errors: Vec<ApiError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ApiError {
    pub code: Option<i64>,
    pub message: Option<String>,
    pub status: Option<i64>,
    pub field: Option<String>,
}

/// `GET /v1/sales`: `{"sales":[…], "meta":{"total","limit","offset"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct SalesPage {
    #[serde(default)]
    pub sales: Vec<Sale>,
    pub meta: Meta,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub struct Meta {
    pub total: u64,
    pub limit: u64,
    pub offset: u64,
}
