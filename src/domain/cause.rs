//! Why something failed, as a kind ([`Cause`]), with the words of whoever failed beside it
//! ([`Problem`]): the console, the CLI, `status` and the log choose their words and their advice
//! by the kind, never by reading the text of a message. The raw words stay for support.

use serde::{Deserialize, Serialize};

/// Why something failed: a write to a store, a run, a request of the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// hassou's own database failed or could not be reached.
    Database,
    /// The order is no longer in the database (deleted by another process).
    OrderGone,
    /// A file could not be read or is not what it should be.
    File,
    /// Someone else changed the order since it was read: the edit was not saved.
    EditConflict,
    /// The store was never reached, or did not answer in time: nothing changed.
    Unreachable,
    /// The store refused the token (HTTP 401/403): revoked, expired or lacking a scope.
    TokenRejected,
    /// Sent, and the answer was lost or unreadable: it may have been applied, so the next
    /// attempt reads the store before sending anything.
    Uncertain,
    /// Shopify: the order's fulfillment is on hold.
    OnHold,
    /// The order is closed at the store (nothing left to fulfill).
    Closed,
    /// The order is cancelled at the store.
    Cancelled,
    /// The store answered and refused, in its own words.
    Refused,
}

impl Cause {
    pub const ALL: [Cause; 11] = [
        Cause::Database,
        Cause::OrderGone,
        Cause::File,
        Cause::EditConflict,
        Cause::Unreachable,
        Cause::TokenRejected,
        Cause::Uncertain,
        Cause::OnHold,
        Cause::Closed,
        Cause::Cancelled,
        Cause::Refused,
    ];

    /// As stored and as `--json` writes it.
    pub fn code(self) -> &'static str {
        match self {
            Cause::Database => "database",
            Cause::OrderGone => "order_gone",
            Cause::File => "file",
            Cause::EditConflict => "edit_conflict",
            Cause::Unreachable => "unreachable",
            Cause::TokenRejected => "token_rejected",
            Cause::Uncertain => "uncertain",
            Cause::OnHold => "on_hold",
            Cause::Closed => "closed",
            Cause::Cancelled => "cancelled",
            Cause::Refused => "refused",
        }
    }

    /// The cause stored as `code` (a failure recorded before causes were: `refused`).
    pub fn from_code(code: Option<&str>) -> Cause {
        Cause::ALL
            .into_iter()
            .find(|c| Some(c.code()) == code)
            .unwrap_or(Cause::Refused)
    }
}

/// A failure: its kind, and the words of whoever failed (the store's message, the database's
/// error, the file's problem), kept as said for the detail and for support.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{words}")]
pub struct Problem {
    pub cause: Cause,
    pub words: String,
}

impl Problem {
    pub fn new(cause: Cause, words: impl Into<String>) -> Problem {
        Problem {
            cause,
            words: words.into(),
        }
    }

    /// hassou's database failed.
    pub fn database(error: impl std::fmt::Display) -> Problem {
        Problem::new(Cause::Database, error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cause_reads_back_from_its_code_and_old_rows_are_refusals() {
        for cause in Cause::ALL {
            assert_eq!(Cause::from_code(Some(cause.code())), cause);
        }
        assert_eq!(Cause::from_code(None), Cause::Refused);
        assert_eq!(Cause::from_code(Some("something else")), Cause::Refused);
    }
}
