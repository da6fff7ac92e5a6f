//! カラーミーショップ's REST API (`{api_base}/v1/…`, `Authorization: Bearer`).

pub mod client;
pub mod connector;
pub mod model;
pub mod oauth;
pub mod plan;
