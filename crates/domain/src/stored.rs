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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_stored_value_names_its_row_and_column() {
        let e = parse("case", "0190-abc", "status", "bogus", |_| None::<()>).err();
        assert_eq!(
            e.map(|e| e.to_string()),
            Some("case 0190-abc: unknown status \"bogus\"".to_owned())
        );
        assert_eq!(
            parse("case", 1, "status", "ok", |s| Some(s.len())).ok(),
            Some(2)
        );
        assert_eq!(
            parse_opt("case", 1, "clock_kind", None, |_| Some(1)).ok(),
            Some(None)
        );
    }
}
