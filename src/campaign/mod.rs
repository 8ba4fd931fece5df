//! 创建日历: the indicators the city works to, their key dates, and the
//! units' tasks (reminded ahead, done with evidence, accepted or returned,
//! overdue and escalated once), with completion rates. The services are
//! the core crate's `campaign`.

pub mod dto;
mod items_api;
mod tasks_api;

pub use items_api::CampaignAdminApi;
pub use tasks_api::CalendarApi;

pub use suishoupai_core::campaign::*;

use crate::{
    auth::BearerAuth,
    core::{Actor, Role},
    error::{ApiError, ErrorCode},
};
use poem_openapi::types::multipart::Upload;

crate::error_set!(ItemErrors: 400, 401, 403, 404, 409, 415, 422);
crate::error_set!(SheetErrors: 400, 401, 403, 408, 409, 413, 415, 422);
crate::error_set!(TaskErrors: 400, 401, 403, 404, 409, 415, 422);
crate::error_set!(TaskReadErrors: 400, 401, 403, 404);
crate::error_set!(FileErrors: 400, 401, 403, 404, 408, 413, 415, 429);

impl From<CampaignError> for ApiError {
    fn from(e: CampaignError) -> Self {
        let message = e.to_string();
        match e {
            CampaignError::Invalid { code, message } => ApiError::bad_request(code, message),
            CampaignError::Sheet(rows) => ApiError::Unprocessable {
                code: ErrorCode::InvalidSheet,
                message,
                details: Some(serde_json::json!({ "rows": rows })),
            },
            CampaignError::UnreadableSheet(m) => ApiError::bad_request(ErrorCode::InvalidSheet, m),
            CampaignError::FileType => ApiError::UnsupportedMedia {
                code: ErrorCode::UnsupportedMediaType,
                message,
            },
            CampaignError::EmptyFile => ApiError::bad_request(ErrorCode::EmptyFile, message),
            CampaignError::NotFound { .. } => ApiError::NotFound(message),
            CampaignError::UnknownUnit { .. } => {
                ApiError::unprocessable(ErrorCode::UnknownUnit, message)
            }
            CampaignError::Parent(m) => ApiError::unprocessable(ErrorCode::InvalidParent, m),
            CampaignError::NotOpen { .. } => ApiError::conflict(ErrorCode::NotOpen, message),
            CampaignError::NotSubmitted { .. } => {
                ApiError::conflict(ErrorCode::NotSubmitted, message)
            }
            CampaignError::Concurrent => ApiError::conflict(ErrorCode::ConcurrentUpdate, message),
            CampaignError::InvalidEvidence { ids } => ApiError::Unprocessable {
                code: ErrorCode::InvalidMedia,
                message,
                details: Some(serde_json::json!({ "ids": ids })),
            },
            CampaignError::NoEvidence => ApiError::unprocessable(ErrorCode::NoEvidence, message),
            CampaignError::Forbidden(f) => f.into(),
            CampaignError::Db(d) => d.into(),
            CampaignError::Internal(e) => ApiError::Internal(e),
        }
    }
}

impl crate::error::IntoApiError for CampaignError {}

pub(crate) fn admin(auth: &BearerAuth) -> Result<Actor, CampaignError> {
    auth.0.require(&[Role::Admin])?;
    Ok(Actor::of(&auth.0))
}

pub(crate) async fn read_upload(
    u: Upload,
) -> Result<(Option<String>, Option<String>, Vec<u8>), ApiError> {
    let name = u.file_name().map(str::to_owned);
    let ct = u.content_type().map(str::to_owned);
    let bytes = u
        .into_vec()
        .await
        .map_err(|e| ApiError::bad_request(ErrorCode::InvalidBody, e.to_string()))?;
    Ok((name, ct, bytes))
}
