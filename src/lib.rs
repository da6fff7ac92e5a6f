//! hassou (発送): writes shipping information — 伝票番号, 配送会社, 発送済み — from an order
//! database back to Shopify and カラーミーショップ.
//!
//! Architecture, from the inside out (each module may use those above it, never those below):
//! - [`domain`]: pure types and the seed's eligibility rules, carriers, tracking numbers, times,
//!   what a job run is (no I/O).
//! - [`settings`]: each store's operational settings (period, options, schedules) as values.
//! - [`text`]: operator-facing words, Japanese and English.
//! - [`db`]: the repository over SQLite or PostgreSQL; returns domain types.
//! - [`import`]: the order file (CSV / JSON Lines), validated whole before anything is written.
//! - [`channels`]: one module per store API (Shopify GraphQL, カラーミー REST), store addresses.
//! - [`config`]: the TOML configuration, with errors that name the file, line and key.
//! - [`token_file`]: the カラーミー token kept owner-only on disk.
//! - [`sync`]: the store connector trait, one sync run (the engine) and one pull.
//! - [`scheduler`]: a job on its interval with run-now; a store's worker (lease, watch, the
//!   confirmed runs of a console) and the schedule view every screen reads.
//! - [`alerts`]: alert conditions raised once by the lease holder, the outbox and its delivery.
//! - [`stores`]: the one place that builds each configured store's connector and worker.
//! - [`sandbox`]: the sandbox Shopify and カラーミー on 127.0.0.1 (tests, demo, benchmarks).
//! - [`sample`]: sample orders for the sandbox and the demo.
//! - [`console`]: the terminal console (TUI): state, update, view, and a loop tests can drive.
//! - [`logging`]: the tracing pipeline (filter, daily files, lines for a screen).
//! - [`cli`] and [`commands`]: the command line and what each command does.

pub mod alerts;
pub mod channels;
pub mod cli;
pub mod commands;
pub mod config;
pub mod console;
pub mod db;
pub mod domain;
pub mod import;
pub mod logging;
pub mod sample;
pub mod sandbox;
pub mod scheduler;
pub mod settings;
pub mod shipments;
pub mod stores;
pub mod sync;
pub mod text;
pub mod token_file;
