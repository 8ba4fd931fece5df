//! Request bodies, bounded while they stream: a byte limit per operation,
//! a pace (every body, in every request state), and for photo uploads
//! (which are read into memory) the node's budget of upload bytes in
//! flight over all requests (`media.upload_budget_bytes`) and a bound on
//! the uploads one client address has in flight.

use crate::error::ErrorCode;
use crate::{auth::jwt::TokenKind, error::ApiError, infra::slots::Slot, state::AppState};
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use poem::{Body, Request};
use std::{
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::{
    sync::{OwnedSemaphorePermit, Semaphore},
    time::Instant,
};

/// Largest body for JSON and URL-encoded endpoints (Open311's form posts
/// too); multipart uploads get `media.max_bytes` + 64 KiB.
const JSON_BODY_LIMIT: u64 = 256 * 1024;
/// What an Open311 multipart post may send before its api_key is known:
/// its text fields. The photo draws from the budget only under a valid key.
const BEFORE_KEY: u64 = 64 * 1024;

/// A request's body, bounded; `finish` once the answer is made.
pub struct Bound {
    drawn: Arc<Mutex<Drawn>>,
}

/// Why the body was cut while it streamed, and what it holds.
#[derive(Default)]
struct Drawn {
    cut: Option<ApiError>,
    held: Option<OwnedSemaphorePermit>,
    /// Draw each chunk from this budget as it arrives.
    budget: Option<Arc<Semaphore>>,
    /// An Open311 post: the budget is given once its key is checked
    /// (`web::UploadGate`); until then at most `BEFORE_KEY` bytes.
    gated: Option<Arc<Semaphore>>,
    address: Option<Slot>,
}

fn lock(d: &Mutex<Drawn>) -> std::sync::MutexGuard<'_, Drawn> {
    d.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Bound {
    /// Gives what the body holds back; the answer to give instead of the
    /// handler's when the body was cut (whatever the handler made of it).
    pub fn finish(self) -> Option<ApiError> {
        let mut d = lock(&self.drawn);
        d.held = None;
        d.address = None;
        d.cut.take()
    }
}

/// Takes the request's body under its bounds, or refuses it before a byte
/// is read: a Content-Length over the limit is `413`; an upload without a
/// valid access token is `401` (the handler checks the account and role;
/// this keeps anonymous clients off the budget); an address with
/// `limits.uploads_per_address` uploads in flight is `429`; an upload
/// whose declared length does not fit in the budget is `503 media_busy`.
///
/// Then, whatever the body declared (chunked HTTP/1.1, HTTP/2 frames):
/// once `max` bytes have passed reading fails and the answer is `413`;
/// a body that sends nothing for `limits.body_idle_secs`, or falls behind
/// `limits.body_min_bytes_per_sec`, is cut with `408` and gives back what
/// it holds, whether the handler is reading it or not. A multipart upload
/// without a length, and an Open311 post once its key is checked, draw
/// each chunk from the budget as it arrives (`503 media_busy` once it is
/// spent). Bytes buffered below the stream (hyper's read buffer, HTTP/2
/// flow-control windows) are not counted.
pub fn admit(state: &AppState, req: &mut Request) -> Result<Bound, ApiError> {
    let path = req.uri().path();
    let open311 = path.starts_with("/open311/v2/requests.");
    let upload_route = path == "/api/v1/media"
        || path == "/api/v1/calendar/files"
        || path == "/api/v1/admin/assessment-items/import"
        || open311;
    let multipart = req
        .header("content-type")
        .is_some_and(|t| t.to_ascii_lowercase().starts_with("multipart/"));
    let upload = upload_route && multipart;
    let max = if upload {
        state.config.media.body_max() as u64
    } else {
        JSON_BODY_LIMIT
    };
    let declared: Option<u64> = req.header("content-length").and_then(|v| v.parse().ok());
    if declared.is_some_and(|len| len > max) {
        return Err(too_large(max));
    }
    let mut drawn = Drawn::default();
    if upload {
        if !open311 {
            signed_in(state, req)?;
        }
        let address = crate::web::client_ip(state, req);
        let most = state.config.limits.uploads_per_address;
        drawn.address = Some(state.media.upload_slots.take(&address, most).ok_or_else(|| {
            ApiError::TooManyRequests {
                code: ErrorCode::TooManyUploads,
                message: format!(
                    "this address has {most} uploads in flight already; send the next when one is done"
                ),
                retry_after_secs: 2,
            }
        })?);
        match (open311, declared) {
            (true, _) => drawn.gated = Some(state.media.upload_budget.clone()),
            (false, Some(len)) => drawn.held = Some(draw(&state.media.upload_budget, len)?),
            (false, None) => drawn.budget = Some(state.media.upload_budget.clone()),
        }
    }
    let drawn = Arc::new(Mutex::new(drawn));
    if open311 && upload {
        let gate = drawn.clone();
        let open = move || {
            let mut d = lock(&gate);
            if let Some(b) = d.gated.take() {
                d.budget = Some(b);
            }
        };
        req.extensions_mut()
            .insert(crate::web::UploadGate(Arc::new(open)));
    }
    let limits = &state.config.limits;
    let pace = Pace {
        idle: Duration::from_secs(limits.body_idle_secs.max(1)),
        min_rate: limits.body_min_bytes_per_sec.max(1),
    };
    let stream = paced(
        req.take_body().into_bytes_stream(),
        pace,
        max,
        drawn.clone(),
    );
    req.set_body(Body::from_bytes_stream(stream));
    Ok(Bound { drawn })
}

/// How fast a body must come.
#[derive(Clone, Copy)]
struct Pace {
    idle: Duration,
    min_rate: u64,
}

/// The body's chunks under its bounds: each chunk counted, drawn and
/// timed; the first failure ends the stream.
fn paced<S>(
    inner: S,
    pace: Pace,
    max: u64,
    drawn: Arc<Mutex<Drawn>>,
) -> impl Stream<Item = std::io::Result<Bytes>> + Send + 'static
where
    S: Stream<Item = std::io::Result<Bytes>> + Send + Unpin + 'static,
{
    struct Read<S> {
        inner: S,
        seen: u64,
        started: Instant,
        done: bool,
    }
    let start = Read {
        inner,
        seen: 0,
        started: Instant::now(),
        done: false,
    };
    futures_util::stream::unfold(start, move |mut r| {
        let drawn = drawn.clone();
        async move {
            if r.done {
                return None;
            }
            // Nothing for `idle`, or behind the average pace: cut.
            let behind = r.started + pace.idle + Duration::from_secs((r.seen + 1) / pace.min_rate);
            let wait = (Instant::now() + pace.idle).min(behind.max(Instant::now()));
            let next = match tokio::time::timeout_at(wait, r.inner.next()).await {
                Err(_) => Err(cut(&drawn, slow(pace))),
                Ok(None) => return None,
                Ok(Some(Err(e))) => Err(e),
                Ok(Some(Ok(chunk))) => {
                    r.seen += chunk.len() as u64;
                    take(&drawn, r.seen, max, chunk)
                }
            };
            r.done = next.is_err();
            Some((next, r))
        }
    })
    .boxed()
}

/// Records why the body was cut; the error that ends its stream.
fn cut(drawn: &Mutex<Drawn>, why: ApiError) -> std::io::Error {
    let message = why.to_string();
    let mut d = lock(drawn);
    d.cut = Some(why);
    // What it held goes back now, not when the handler gives up.
    d.held = None;
    d.address = None;
    std::io::Error::other(message)
}

/// One chunk under the byte limit and the budget.
fn take(drawn: &Mutex<Drawn>, seen: u64, max: u64, chunk: Bytes) -> std::io::Result<Bytes> {
    if seen > max {
        return Err(cut(drawn, too_large(max)));
    }
    let mut d = lock(drawn);
    if d.gated.is_some() && seen > BEFORE_KEY {
        drop(d);
        let why = ApiError::Forbidden(
            "send api_key before the photo: a post's photo is taken only under a valid key".into(),
        );
        return Err(cut(drawn, why));
    }
    if let Some(budget) = d.budget.clone() {
        match draw(&budget, chunk.len() as u64) {
            Ok(more) => match &mut d.held {
                Some(held) => held.merge(more),
                held @ None => *held = Some(more),
            },
            Err(e) => {
                drop(d);
                return Err(cut(drawn, e));
            }
        }
    }
    Ok(chunk)
}

fn slow(pace: Pace) -> ApiError {
    ApiError::BodyTimeout(format!(
        "the request body stalled for {} s or came slower than {} bytes/s; send it again",
        pace.idle.as_secs(),
        pace.min_rate
    ))
}

/// `bytes` from the budget, now or `503 media_busy`.
fn draw(budget: &Arc<Semaphore>, bytes: u64) -> Result<OwnedSemaphorePermit, ApiError> {
    u32::try_from(bytes)
        .ok()
        .and_then(|n| budget.clone().try_acquire_many_owned(n).ok())
        .ok_or_else(|| ApiError::Unavailable {
            code: ErrorCode::MediaBusy,
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
    match state.auth.jwt.verify(auth.token(), TokenKind::Access) {
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
