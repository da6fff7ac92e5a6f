//! The console (TUI): the orders with their verdicts and reasons, an order's detail and audit
//! trail, editing its shipping fields, sync now / dry run / pull, each store's schedule and
//! settings, and a log of what this process did — in 80×24 over SSH, keyboard only, Japanese or
//! English, `NO_COLOR` honoured.
//!
//! Elm-shaped: [`state::App`] is the state, [`update::update`] turns each owned
//! [`update::Msg`] into state changes and [`update::Cmd`]s, [`view::draw`] only reads, and
//! [`runtime`] owns the terminal, the workers and the database.

pub mod command_line;
pub mod edit_form;
pub mod keymap;
pub mod runtime;
pub mod settings_form;
pub mod state;
pub mod update;
pub mod view;
