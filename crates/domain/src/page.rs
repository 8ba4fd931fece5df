//! Cursor pagination: lists are ordered by id (UUIDv7, so by time), and a
//! cursor is the last id of a page, opaque to clients.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use uuid::Uuid;

/// A cursor this API did not issue (400).
#[derive(Debug, Clone, thiserror::Error)]
#[error("the cursor is not one this API issued")]
pub struct BadCursor;

pub fn encode_cursor(id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(id.as_bytes())
}

pub fn decode_cursor(s: &str) -> Result<Uuid, BadCursor> {
    URL_SAFE_NO_PAD
        .decode(s)
        .ok()
        .and_then(|b| Uuid::from_slice(&b).ok())
        .ok_or(BadCursor)
}

/// Trims a page read with `limit + 1` rows to `limit`, and returns the
/// cursor of the next page when there is one.
pub fn split_page<T>(rows: &mut Vec<T>, limit: u64, id: impl Fn(&T) -> Uuid) -> Option<String> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| encode_cursor(id(r)))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_garbage_is_refused() {
        let id = Uuid::now_v7();
        assert_eq!(decode_cursor(&encode_cursor(id)).ok(), Some(id));
        assert!(decode_cursor("not-a-cursor").is_err());
    }

    #[test]
    fn a_full_page_has_a_next_cursor_of_its_last_row() {
        let ids: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
        let mut rows = ids.clone();
        assert_eq!(
            split_page(&mut rows, 2, |u| *u),
            Some(encode_cursor(ids[1]))
        );
        assert_eq!(rows.len(), 2);
        let mut rows = ids.clone();
        assert_eq!(split_page(&mut rows, 3, |u| *u), None);
    }
}
