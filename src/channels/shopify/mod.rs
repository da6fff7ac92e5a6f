//! Shopify's GraphQL Admin API (`POST {shop_url}/admin/api/{version}/graphql.json`).

pub mod carriers;
pub mod client;
pub mod connector;
pub mod documents;
pub mod model;
pub mod plan;
