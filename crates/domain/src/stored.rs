//! A stored value the code cannot use is an error that names the row, never
//! a default. (The stored enums are their columns' types, so an unknown
//! word never reaches the code; this is for values that are missing where
//! the code needs them, such as a 小类 without its time limit.)

/// A stored value outside its type (a bug or a hand edit of the database).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{table} {row}: unknown {column} {value:?}")]
pub struct UnknownStored {
    pub table: &'static str,
    pub row: String,
    pub column: &'static str,
    pub value: String,
}
