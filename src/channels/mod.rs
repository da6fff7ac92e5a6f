//! One module per store API. Each implements [`crate::sync::Connector`]; DTOs keep the API's own
//! field names and are mapped to domain types at this edge.

pub mod colorme;
pub mod shopify;
