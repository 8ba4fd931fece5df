//! Request bodies, bounded while they stream: a byte limit per operation,
//! and for photo uploads (which are read into memory) the node's budget of
//! upload bytes in flight over all requests (`media.upload_budget_bytes`).

use crate::{auth::jwt::TokenKind, error::ApiError, state::AppState};
use futures_util::StreamExt;
use poem::{Body, Request};
use std::sync::{Arc, Mutex};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Largest body for JSON endpoints; uploads get `media.max_bytes` + 64 KiB.
const JSON_BODY_LIMIT: u64 = 256 * 1024;

/// A request's body, bounded; `finish` once the answer is made.
pub struct Bound {
    drawn: Arc<Mutex<Drawn>>,
}

/// Why the body was cut while it streamed, and the budget bytes it holds.
#[derive(Default)]
struct Drawn {
    cut: Option<ApiError>,
    held: Option<OwnedSemaphorePermit>,
}

impl Bound {
    /// Gives the budget bytes back; the answer to give instead of the
    /// handler's when the body was cut (whatever the handler made of it).
    pub fn finish(self) -> Option<ApiError> {
        let mut d = self
            .drawn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        d.held = None;
        d.cut.take()
    }
}

/// Takes the request's body under its bounds, or refuses it before a byte
/// is read: a Content-Length over the limit is `413`; an upload without a
/// valid access token is `401` (the handler checks the account and role;
/// this keeps anonymous clients off the budget); an upload whose declared
/// length does not fit in the budget is `503 media_busy`.
///
/// Then, whatever the body declared (chunked HTTP/1.1, HTTP/2 frames), once
/// `max` bytes have passed reading fails and the answer is `413`: nothing
/// reads past the bound, however long the client goes on. A multipart
/// upload without a length draws each chunk from the budget as it arrives
/// (`503 media_busy` once it is spent). Bytes buffered below the stream
/// (hyper's read buffer, HTTP/2 flow-control windows) are not counted.
pub fn admit(state: &AppState, req: &mut Request) -> Result<Bound, ApiError> {
    let path = req.uri().path();
    let upload_route = path == "/api/v1/media" || path.starts_with("/open311/v2/requests.");
    let max = if upload_route {
        state.config.media.body_max() as u64
    } else {
        JSON_BODY_LIMIT
    };
    let declared: Option<u64> = req.header("content-length").and_then(|v| v.parse().ok());
    if declared.is_some_and(|len| len > max) {
        return Err(too_large(max));
    }
    let multipart = req
        .header("content-type")
        .is_some_and(|t| t.to_ascii_lowercase().starts_with("multipart/"));
    let mut drawn = Drawn::default();
    let mut budget = None;
    if upload_route && multipart {
        if path == "/api/v1/media" {
            signed_in(state, req)?;
        }
        match declared {
            Some(len) => drawn.held = Some(draw(&state.upload_budget, len)?),
            None => budget = Some(state.upload_budget.clone()),
        }
    }
    let drawn = Arc::new(Mutex::new(drawn));
    let inner = drawn.clone();
    let mut seen: u64 = 0;
    let stream = req.take_body().into_bytes_stream().map(move |chunk| {
        let chunk = chunk?;
        seen += chunk.len() as u64;
        let mut d = inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if seen > max {
            d.cut = Some(too_large(max));
            return Err(std::io::Error::other(format!(
                "request body larger than {max} bytes"
            )));
        }
        if let Some(budget) = &budget {
            match draw(budget, chunk.len() as u64) {
                Ok(more) => match &mut d.held {
                    Some(held) => held.merge(more),
                    held @ None => *held = Some(more),
                },
                Err(e) => {
                    d.cut = Some(e);
                    return Err(std::io::Error::other("the node's upload budget is spent"));
                }
            }
        }
        Ok(chunk)
    });
    req.set_body(Body::from_bytes_stream(stream));
    Ok(Bound { drawn })
}

/// `bytes` from the budget, now or `503 media_busy`.
fn draw(budget: &Arc<Semaphore>, bytes: u64) -> Result<OwnedSemaphorePermit, ApiError> {
    u32::try_from(bytes)
        .ok()
        .and_then(|n| budget.clone().try_acquire_many_owned(n).ok())
        .ok_or_else(|| ApiError::Unavailable {
            code: "media_busy",
            message:
                "this node is taking in as many uploads as it holds at once; try again shortly"
                    .into(),
            retry_after_secs: 2,
        })
}

/// A signature-valid access token in `Authorization: Bearer`, read by the
/// typed header the handler's security scheme reads it with.
fn signed_in(state: &AppState, req: &Request) -> Result<(), ApiError> {
    use poem::web::headers::{Authorization, HeaderMapExt, authorization::Bearer};
    let Some(auth) = req.headers().typed_get::<Authorization<Bearer>>() else {
        return Err(ApiError::unauthorized("a bearer token is required"));
    };
    match state.jwt.verify(auth.token(), TokenKind::Access) {
        Some(_) => Ok(()),
        None => Err(ApiError::unauthorized(
            "the bearer token is invalid or expired",
        )),
    }
}

fn too_large(max: u64) -> ApiError {
    ApiError::PayloadTooLarge(format!(
        "the request body is larger than {max} bytes, the most this operation accepts"
    ))
}
