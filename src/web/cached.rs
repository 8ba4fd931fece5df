//! Cacheable public reads: a page rendered once (`board::BoardCache`) and
//! served as its stored bytes with an ETag and Cache-Control; a client
//! that sends the ETag back in `If-None-Match` gets `304` with no body.

use crate::board::Rendered;
use poem::{IntoResponse, Response, http::header};
use poem_openapi::{
    ApiResponse,
    payload::Payload,
    registry::{MetaSchemaRef, Registry},
    types::Type,
};
use std::{marker::PhantomData, sync::Arc};

/// JSON already rendered; in the spec, the schema of `T`.
pub struct CachedJson<T>(pub Arc<Rendered>, PhantomData<fn() -> T>);

impl<T> CachedJson<T> {
    pub fn new(page: Arc<Rendered>) -> Self {
        Self(page, PhantomData)
    }
}

impl<T: Type> Payload for CachedJson<T> {
    const CONTENT_TYPE: &'static str = "application/json; charset=utf-8";

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: Send> IntoResponse for CachedJson<T> {
    fn into_response(self) -> Response {
        Response::builder()
            .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
            .body(self.0.body.clone())
    }
}

/// A cacheable page, or `304` when the client holds it already.
#[derive(ApiResponse)]
pub enum Cached<T: Type + Send> {
    /// The page.
    #[oai(status = 200)]
    Ok(
        CachedJson<T>,
        /// A validator of this page: send it back in `If-None-Match`.
        #[oai(header = "ETag")]
        String,
        /// `public, max-age=N`: anyone (a phone, a CDN) may keep the page
        /// for N seconds (`publication.board_cache_secs`).
        #[oai(header = "Cache-Control")]
        String,
    ),
    /// Not modified: the `If-None-Match` validator is this page's.
    #[oai(status = 304)]
    NotModified(
        /// The page's validator.
        #[oai(header = "ETag")]
        String,
        /// As on `200`.
        #[oai(header = "Cache-Control")]
        String,
    ),
}

/// Whether an `If-None-Match` header names `etag` (`*`, a list, weak or
/// strong).
pub fn held(if_none_match: Option<&str>, etag: &str) -> bool {
    if_none_match.is_some_and(|h| {
        h.split(',')
            .map(str::trim)
            .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag)
    })
}

/// The page under `key` from the node's board cache (`render` makes it
/// when missing), answered as `200` or `304`.
pub async fn page<T, E, F>(
    state: &crate::state::AppState,
    key: &str,
    if_none_match: Option<&str>,
    render: F,
) -> Result<Cached<T>, E>
where
    T: Type + Send,
    F: std::future::Future<Output = Result<Vec<u8>, E>>,
{
    let page = state.board.get_or_render(key, render).await?;
    Ok(Cached::of(page, if_none_match, state.board.ttl.as_secs()))
}

impl<T: Type + Send> Cached<T> {
    /// The page, or `304` when `if_none_match` names its ETag.
    pub fn of(page: Arc<Rendered>, if_none_match: Option<&str>, max_age: u64) -> Self {
        let cache = format!("public, max-age={max_age}");
        if held(if_none_match, &page.etag) {
            Self::NotModified(page.etag.clone(), cache)
        } else {
            Self::Ok(CachedJson::new(page.clone()), page.etag.clone(), cache)
        }
    }
}

/// Renders a response object to JSON bytes, as `Json` would send it.
pub fn render<T: poem_openapi::types::ToJSON>(v: &T) -> Vec<u8> {
    serde_json::to_vec(&v.to_json()).unwrap_or_default()
}
