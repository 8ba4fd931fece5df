//! The public board (曝光台 and 红黑榜), read by anyone without logging in:
//! closed cases with their before and after photos (`cases`), each
//! district's month ranked (`districts`), and the published moments
//! (`volunteers::moments`). What it shows follows the publication rules
//! (`cases::publication`); identities never.
//!
//! A whole city may read it at once, so each page is rendered once per
//! node every `publication.board_cache_secs` and served from memory
//! (`BoardCache`); the HTTP layer adds an ETag and Cache-Control so that
//! phones and any CDN in front keep it too.

pub mod cases;
pub mod districts;

use bytes::Bytes;
use std::{sync::Arc, time::Duration};

/// Every way a board read can fail.
#[derive(Debug, thiserror::Error)]
pub enum BoardError {
    #[error("the cursor is not one this API issued")]
    Cursor,
    #[error("a month is YYYY-MM, in the years 2000–2100")]
    Month,
    #[error("no district has this code")]
    UnknownDistrict,
    #[error(transparent)]
    Cases(#[from] crate::cases::error::CaseError),
    #[error(transparent)]
    Db(#[from] crate::infra::DbError),
}

crate::db_err_into!(BoardError);

/// A rendered page: its body and its entity tag.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub body: Bytes,
    /// A strong validator: a hash of the body, quoted.
    pub etag: String,
}

impl Rendered {
    pub fn new(body: Vec<u8>) -> Self {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(&body);
        Self {
            etag: format!("\"{}\"", hex::encode(&digest[..12])),
            body: Bytes::from(body),
        }
    }
}

/// The node's rendered board pages by request (path and query), each kept
/// for the cache's time to live. A cache, never the only copy: every node
/// renders from the database.
#[derive(Clone)]
pub struct BoardCache {
    pages: moka::sync::Cache<String, Arc<Rendered>>,
    pub ttl: Duration,
}

impl BoardCache {
    pub fn new(ttl: Duration) -> Self {
        Self {
            pages: moka::sync::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(ttl.max(Duration::from_millis(1)))
                .build(),
            ttl,
        }
    }

    /// The page under `key`, rendered by `render` when it is missing or
    /// stale (a zero time to live renders every time).
    pub async fn get_or_render<E, F>(&self, key: &str, render: F) -> Result<Arc<Rendered>, E>
    where
        F: std::future::Future<Output = Result<Vec<u8>, E>>,
    {
        if !self.ttl.is_zero()
            && let Some(hit) = self.pages.get(key)
        {
            return Ok(hit);
        }
        let page = Arc::new(Rendered::new(render.await?));
        if !self.ttl.is_zero() {
            self.pages.insert(key.to_owned(), page.clone());
        }
        Ok(page)
    }
}
