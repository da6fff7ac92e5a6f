//! hassou (発送): writes shipping information — 伝票番号, 配送会社, 発送済み — from an order
//! database back to Shopify and カラーミーショップ.
//!
//! Architecture, from the inside out:
//! - [`domain`]: pure types and the seed's eligibility rules (no I/O).
//! - [`db`]: the repository over SQLite or PostgreSQL; returns domain types.
//! - [`import`]: the order file (CSV / JSON Lines), validated whole before anything is written.
//! - [`config`]: the TOML configuration, with errors that name the file, line and key.
//! - [`cli`]: the command line.
//! - [`console`]: the terminal console (TUI).

pub mod channels;
pub mod cli;
pub mod commands;
pub mod config;
pub mod console;
pub mod daemon;
pub mod db;
pub mod domain;
pub mod import;
pub mod sample;
pub mod sandbox;
pub mod scheduler;
pub mod settings;
pub mod sync;
pub mod text;
pub mod token_file;
