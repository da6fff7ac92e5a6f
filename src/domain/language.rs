//! The language operator-facing text is in (`[shop] language`): Japanese by default.

/// The language of operator-facing text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    #[default]
    Ja,
    En,
}
