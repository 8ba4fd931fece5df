//! Photos: upload (one multipart `file` per request, as `wx.uploadFile`
//! sends it) and signed, expiring URLs to read them back.

pub use suishoupai_core::media::*;

mod review_api;
pub use review_api::PhotoReviewApi;

use crate::core::photos::Variant;
use crate::{
    api::Tag,
    auth::{BearerAuth, Role},
    error::{ApiError, Res},
    state::AppState,
    web,
};
use poem::{Request, web::Data};
use poem_openapi::{
    ApiResponse, Multipart, Object, OpenApi,
    param::{Path, Query},
    payload::{Binary, Json},
};
use uuid::Uuid;

/// The upload form of `wx.uploadFile`: one file field named `file`.
/// The field is read into memory as it arrives (no temporary file): the
/// body limit of the route (`media.max_bytes` and 64 KiB) bounds each
/// request's share, and the node's `media.upload_budget_bytes` all of them
/// together (`ops::body`).
#[derive(Debug, Multipart)]
pub struct UploadForm {
    /// The photo: JPEG, PNG or WebP (judged by its bytes).
    pub file: poem_openapi::types::Binary<Vec<u8>>,
}

/// A stored photo.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct MediaView {
    pub id: Uuid,
    /// Width of the stored image, after orientation and the long-edge cap.
    pub width: i32,
    /// Height of the stored image.
    pub height: i32,
    /// Size of the stored image in bytes.
    pub bytes: i64,
    /// Always `image/jpeg`: every photo is re-encoded without metadata.
    pub content_type: String,
    /// Signed URL of the image; expires at `urlExpiresAt`.
    pub url: String,
    /// Signed URL of the thumbnail.
    pub thumbnail_url: String,
    /// When the signed URLs stop working.
    pub url_expires_at: chrono::DateTime<chrono::FixedOffset>,
    /// An unattached upload is deleted at this time unless a report uses it.
    #[oai(skip_serializing_if_is_none)]
    pub expires_at: Option<chrono::DateTime<chrono::FixedOffset>>,
}

#[derive(ApiResponse)]
pub enum PhotoResponse {
    /// The JPEG bytes.
    #[oai(status = 200, content_type = "image/jpeg")]
    Ok(
        Binary<Vec<u8>>,
        /// Private caching until the URL expires.
        #[oai(header = "Cache-Control")]
        String,
    ),
}

pub fn view(state: &AppState, m: &service::Upload) -> MediaView {
    let ttl = state.config.media.url_ttl_secs;
    MediaView {
        id: m.id,
        width: m.width,
        height: m.height,
        bytes: m.bytes,
        content_type: m.content_type.clone(),
        url: state.media.signer.url(m.id, Variant::Full.as_str(), ttl),
        thumbnail_url: state.media.signer.url(m.id, Variant::Thumb.as_str(), ttl),
        url_expires_at: url_expiry(ttl),
        expires_at: m.case_id.is_none().then_some(m.expires_at),
    }
}

fn url_expiry(ttl: u64) -> chrono::DateTime<chrono::FixedOffset> {
    let now = chrono::Utc::now().timestamp();
    let exp = (now + i64::try_from(ttl).unwrap_or(600)) / 60 * 60 + 60;
    chrono::DateTime::from_timestamp(exp, 0)
        .unwrap_or_default()
        .fixed_offset()
}

pub struct MediaApi;

#[OpenApi(prefix_path = "/api/v1", tag = "Tag::Media")]
impl MediaApi {
    /// Upload a photo
    ///
    /// One multipart field named `file`, as `wx.uploadFile` sends it. JPEG,
    /// PNG and WebP are accepted, judged by content; anything else is `415`
    /// (HEIC has a message of its own). Too many bytes is `413`; too many
    /// pixels (read from the header, before decoding) is `422`. The stored
    /// image is oriented by its EXIF tag, capped on its long edge, re-encoded
    /// without any metadata, and gets a thumbnail; EXIF time and GPS are kept
    /// as private hints for staff. The same bytes uploaded twice by the same
    /// user give the same media. When every decoding slot is busy, or the
    /// node already holds its budget of upload bytes in flight: `503`
    /// `media_busy` with Retry-After.
    #[oai(path = "/media", method = "post", operation_id = "uploadMedia")]
    async fn upload(
        &self,
        state: Data<&AppState>,
        req: &Request,
        auth: BearerAuth,
        form: UploadForm,
    ) -> Res<Json<MediaView>, UploadErrors> {
        let caller = auth.0;
        caller.require(&[
            Role::Citizen,
            Role::UnitMember,
            Role::Dispatcher,
            Role::Admin,
        ])?;
        web::limit_write(&state, req, caller.user_id, web::Write::Upload).await?;
        let m = service::upload(&state, &caller, form.file.0).await?;
        Ok(Json(view(&state, &m)))
    }

    /// Read a photo through a signed URL
    ///
    /// The URLs in `url` and `thumbnailUrl` carry their own signature and
    /// expiry; no bearer token is needed, and an expired or altered URL is `403`.
    #[oai(
        path = "/media/:id/:variant",
        method = "get",
        operation_id = "getMediaContent"
    )]
    async fn content(
        &self,
        state: Data<&AppState>,
        id: Path<Uuid>,
        variant: Path<Variant>,
        /// Unix time the URL expires at.
        expires: Query<i64>,
        /// HMAC signature of the URL.
        sig: Query<String>,
    ) -> Res<PhotoResponse, ContentErrors> {
        let v = variant.0;
        if !state
            .media
            .signer
            .verify(id.0, v.as_str(), expires.0, &sig.0)
        {
            return Err(ApiError::Forbidden("the photo URL is expired or invalid".into()).into());
        }
        let bytes = service::read(&state, id.0, v).await?;
        let max_age = (expires.0 - chrono::Utc::now().timestamp()).max(0);
        Ok(PhotoResponse::Ok(
            Binary(bytes.to_vec()),
            format!("private, max-age={max_age}"),
        ))
    }
}

crate::error_set!(UploadErrors: 400, 401, 403, 413, 415, 422, 429, 503);
crate::error_set!(ContentErrors: 400, 403, 404, 503);

impl From<service::MediaError> for ApiError {
    fn from(e: service::MediaError) -> Self {
        let message = e.to_string();
        match e {
            service::MediaError::TooLarge { .. } => ApiError::PayloadTooLarge(message),
            service::MediaError::Empty => {
                ApiError::bad_request(crate::error::ErrorCode::EmptyFile, message)
            }
            service::MediaError::Pipeline(p) => p.into(),
            service::MediaError::Busy => ApiError::Unavailable {
                code: crate::error::ErrorCode::MediaBusy,
                message,
                retry_after_secs: 2,
            },
            service::MediaError::NotFound => ApiError::NotFound(message),
            service::MediaError::Forbidden(f) => f.into(),
            service::MediaError::Cursor(c) => c.into(),
            service::MediaError::Invalid { code, .. } => ApiError::bad_request(code, message),
            service::MediaError::Conflict { code, .. } => ApiError::conflict(code, message),
            service::MediaError::Store(e) => {
                tracing::error!(error = %format!("{:#}", e.0), "object store failed");
                ApiError::Unavailable {
                    code: crate::error::ErrorCode::StorageUnavailable,
                    message: "photos cannot be stored or read right now; try again shortly".into(),
                    retry_after_secs: 5,
                }
            }
            service::MediaError::Db(d) => d.into(),
            service::MediaError::Internal(e) => ApiError::Internal(e),
        }
    }
}
