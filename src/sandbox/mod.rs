//! Sandbox stores: real HTTP servers on 127.0.0.1 that speak the stores' own wire formats, keep
//! state, and inject faults on request. Tests, `hassou demo` and the benchmarks use them; nothing
//! here is used to talk to a real store.

pub mod shopify;
