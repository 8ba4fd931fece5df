//! Typed values read back from the database. A stored value that the code
//! does not know is an error that names the row, never a default.

/// A stored value outside its type (a bug or a hand edit of the database).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{table} {row}: unknown {column} {value:?}")]
pub struct UnknownStored {
    pub table: &'static str,
    pub row: String,
    pub column: &'static str,
    pub value: String,
}

/// Parses a stored text column with `parse`, naming the row when it fails.
pub fn parse<T>(
    table: &'static str,
    row: impl std::fmt::Display,
    column: &'static str,
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, UnknownStored> {
    parse(value).ok_or_else(|| UnknownStored {
        table,
        row: row.to_string(),
        column,
        value: value.to_owned(),
    })
}

/// As [`parse`], for a nullable column.
pub fn parse_opt<T>(
    table: &'static str,
    row: impl std::fmt::Display,
    column: &'static str,
    value: Option<&str>,
    f: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, UnknownStored> {
    value.map(|v| parse(table, row, column, v, f)).transpose()
}
