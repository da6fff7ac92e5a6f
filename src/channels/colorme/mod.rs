//! カラーミーショップ's REST API (`{api_base}/v1/…`, `Authorization: Bearer`).

pub mod model;
pub mod plan;
