//! Every feature's error, and every database failure, to its HTTP status:
//! the one place a status is chosen.

use super::ApiError;
use super::ErrorCode;
use crate::{
    admin::error::AdminError,
    auth::{error::AuthError, wechat::WechatError},
    cases::{error::CaseError, transition::Refusal},
    categories::service::CategoryError,
    content::{error::ContentError, push::PushError},
    core::{Forbidden, UnknownStored, page::BadCursor},
    media::pipeline::PipelineError,
    open311::error::GeoReportError,
    points::error::PointsError,
    privacy::error::PrivacyError,
    reports::error::ReportError,
    volunteers::error::VolunteerError,
};

impl From<Forbidden> for ApiError {
    fn from(e: Forbidden) -> Self {
        Self::Forbidden(e.to_string())
    }
}

impl From<BadCursor> for ApiError {
    fn from(e: BadCursor) -> Self {
        Self::bad_request(ErrorCode::InvalidCursor, e.to_string())
    }
}

impl From<UnknownStored> for ApiError {
    fn from(e: UnknownStored) -> Self {
        Self::Internal(anyhow::Error::new(e))
    }
}

impl From<Refusal> for ApiError {
    fn from(e: Refusal) -> Self {
        let message = e.to_string();
        let bad = |code| Self::BadRequest {
            code,
            message: message.clone(),
            details: None,
        };
        let conflict = |code| Self::Conflict {
            code,
            message: message.clone(),
        };
        let unprocessable = |code| Self::Unprocessable {
            code,
            message: message.clone(),
            details: None,
        };
        match e {
            Refusal::Forbidden(f) => f.into(),
            Refusal::SystemOnly { .. } | Refusal::NotOwnUnit => Self::Forbidden(message),
            Refusal::NoteRequired { .. } => bad(ErrorCode::NoteRequired),
            Refusal::NoteTooLong => bad(ErrorCode::NoteTooLong),
            Refusal::AfterPhotosRequired => bad(ErrorCode::AfterPhotosRequired),
            Refusal::ReasonRequired => bad(ErrorCode::ReasonRequired),
            Refusal::VersionConflict { .. } => conflict(ErrorCode::VersionConflict),
            Refusal::IllegalTransition { .. } => conflict(ErrorCode::IllegalTransition),
            Refusal::NoHigherUnit => conflict(ErrorCode::NoHigherUnit),
            Refusal::ExtensionPending => conflict(ErrorCode::ExtensionPending),
            Refusal::ExtensionDecided { .. } => conflict(ErrorCode::ExtensionDecided),
            Refusal::AlreadyRated => conflict(ErrorCode::AlreadyRated),
            Refusal::NotClosed => conflict(ErrorCode::NotClosed),
            Refusal::NothingDue => conflict(ErrorCode::NothingDue),
            Refusal::UnknownUnit { .. } => unprocessable(ErrorCode::UnknownUnit),
            Refusal::NoUnit => unprocessable(ErrorCode::NoUnit),
            Refusal::UnknownCase => unprocessable(ErrorCode::UnknownCase),
            Refusal::NotACarrier { .. } => unprocessable(ErrorCode::NotACarrier),
        }
    }
}

impl From<CaseError> for ApiError {
    fn from(e: CaseError) -> Self {
        let message = e.to_string();
        match e {
            CaseError::Refused(r) => r.into(),
            CaseError::Forbidden(f) => f.into(),
            CaseError::NotFound { .. } => Self::NotFound(message),
            CaseError::LostRace => Self::Conflict {
                code: ErrorCode::VersionConflict,
                message,
            },
            CaseError::InvalidMedia { ids } => Self::Unprocessable {
                code: ErrorCode::InvalidMedia,
                message,
                details: Some(serde_json::json!({ "mediaIds": ids })),
            },
            CaseError::MediaRace => Self::Conflict {
                code: ErrorCode::MediaAlreadyAttached,
                message,
            },
            CaseError::BadFilter { code, .. } => Self::BadRequest {
                code,
                message,
                details: None,
            },
            CaseError::ReasonRequired => Self::bad_request(ErrorCode::ReasonRequired, message),
            CaseError::ContentRejected(r) => Self::Unprocessable {
                code: ErrorCode::ContentRejected,
                message,
                details: Some(serde_json::json!({
                    "subject": r.subject.as_str(),
                    "label": r.label,
                })),
            },
            CaseError::Cursor(c) => c.into(),
            CaseError::Stored(s) => s.into(),
            CaseError::Db(d) => d.into(),
            CaseError::Internal(e) => Self::Internal(e),
        }
    }
}

impl From<ReportError> for ApiError {
    fn from(e: ReportError) -> Self {
        let message = e.to_string();
        match e {
            ReportError::Invalid { code, details, .. } => Self::BadRequest {
                code,
                message,
                details,
            },
            ReportError::UnknownCategory { .. } => {
                Self::unprocessable(ErrorCode::UnknownCategory, message)
            }
            ReportError::KeyTaken => Self::conflict(ErrorCode::IdempotencyInProgress, message),
            ReportError::KeyReused => Self::unprocessable(ErrorCode::IdempotencyKeyReused, message),
            ReportError::Conflict { code, .. } => Self::conflict(code, message),
            ReportError::Case(c) => c.into(),
            ReportError::Forbidden(f) => f.into(),
            ReportError::Cursor(c) => c.into(),
            ReportError::Stored(s) => s.into(),
            ReportError::Db(d) => d.into(),
            ReportError::Internal(e) => Self::Internal(e),
        }
    }
}

impl From<PointsError> for ApiError {
    fn from(e: PointsError) -> Self {
        let message = e.to_string();
        match e {
            PointsError::NotFound { .. } => Self::NotFound(message),
            PointsError::InsufficientPoints { .. } => {
                Self::conflict(ErrorCode::InsufficientPoints, message)
            }
            PointsError::OutOfStock { .. } => Self::conflict(ErrorCode::OutOfStock, message),
            PointsError::NameTaken { .. } => Self::conflict(ErrorCode::NameTaken, message),
            PointsError::InvalidName => Self::bad_request(ErrorCode::InvalidName, message),
            PointsError::KeyReused => Self::unprocessable(ErrorCode::IdempotencyKeyReused, message),
            PointsError::AlreadyUsed { .. } => Self::conflict(ErrorCode::AlreadyUsed, message),
            PointsError::Cursor(c) => c.into(),
            PointsError::Forbidden(f) => f.into(),
            PointsError::Db(d) => d.into(),
            PointsError::Internal(e) => Self::Internal(e),
        }
    }
}

impl From<ContentError> for ApiError {
    fn from(e: ContentError) -> Self {
        let message = e.to_string();
        match e {
            ContentError::Off | ContentError::NotFound => Self::NotFound(message),
            ContentError::Push(PushError::BadSignature | PushError::Stale) => Self::Unauthorized {
                code: ErrorCode::InvalidSignature,
                message,
            },
            ContentError::Push(PushError::Replayed) => Self::Unauthorized {
                code: ErrorCode::ReplayedPush,
                message,
            },
            ContentError::Unavailable(_) => {
                Self::unavailable(ErrorCode::PushUnavailable, message, 5)
            }
            ContentError::Push(_) | ContentError::Invalid(_) => {
                Self::bad_request(ErrorCode::InvalidMessage, message)
            }
            ContentError::NoteRequired => Self::bad_request(ErrorCode::NoteRequired, message),
            ContentError::NotAPhoto => Self::bad_request(ErrorCode::NotAPhoto, message),
            ContentError::AlreadyReviewed => Self::conflict(ErrorCode::AlreadyReviewed, message),
            ContentError::Cursor(c) => c.into(),
            ContentError::Forbidden(f) => f.into(),
            ContentError::Db(d) => d.into(),
            ContentError::Internal(e) => Self::Internal(e),
        }
    }
}

impl From<PushError> for ApiError {
    fn from(e: PushError) -> Self {
        ContentError::from(e).into()
    }
}

impl From<CategoryError> for ApiError {
    fn from(e: CategoryError) -> Self {
        match e {
            CategoryError::Stored(s) => s.into(),
            CategoryError::Db(d) => d.into(),
        }
    }
}

impl From<WechatError> for ApiError {
    fn from(e: WechatError) -> Self {
        match e {
            WechatError::InvalidCode(_) => Self::Unauthorized {
                code: ErrorCode::WechatCodeInvalid,
                message: e.to_string(),
            },
            WechatError::RateLimited => Self::TooManyRequests {
                code: ErrorCode::WechatRateLimited,
                message: e.to_string(),
                retry_after_secs: 60,
            },
            WechatError::Busy => Self::Unavailable {
                code: ErrorCode::WechatBusy,
                message: e.to_string(),
                retry_after_secs: 2,
            },
            WechatError::Unreachable(ref why) => {
                tracing::warn!(why, "wechat unreachable");
                Self::Unavailable {
                    code: ErrorCode::WechatUnavailable,
                    message: "WeChat could not be reached; try again shortly".into(),
                    retry_after_secs: 5,
                }
            }
            WechatError::Other { code, ref msg } => {
                tracing::warn!(code, msg, "wechat refused login");
                Self::Unavailable {
                    code: ErrorCode::WechatError,
                    message: e.to_string(),
                    retry_after_secs: 5,
                }
            }
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        let message = e.to_string();
        let unauthorized = |code| Self::Unauthorized {
            code,
            message: message.clone(),
        };
        match e {
            AuthError::Wechat(w) => w.into(),
            AuthError::InvalidCredentials => unauthorized(ErrorCode::InvalidCredentials),
            AuthError::Disabled => Self::Forbidden(message),
            AuthError::Busy => Self::Unavailable {
                code: ErrorCode::LoginBusy,
                message,
                retry_after_secs: 1,
            },
            AuthError::AccountGone => Self::unauthorized(message),
            AuthError::TokenOfDisabled => unauthorized(ErrorCode::AccountDisabled),
            AuthError::TokenRevoked => unauthorized(ErrorCode::TokenRevoked),
            AuthError::SessionEnded => unauthorized(ErrorCode::SessionEnded),
            AuthError::RefreshReused => unauthorized(ErrorCode::RefreshReused),
            AuthError::BadRefresh => unauthorized(ErrorCode::InvalidRefreshToken),
            AuthError::BadLogout => Self::unauthorized(message),
            AuthError::NotStaff => Self::Forbidden(message),
            AuthError::WechatNotBound => unauthorized(ErrorCode::WechatNotBound),
            AuthError::WechatBoundElsewhere => {
                Self::conflict(ErrorCode::WechatBoundElsewhere, message)
            }
            AuthError::Db(d) => d.into(),
            AuthError::Internal(e) => Self::Internal(e),
        }
    }
}

impl From<PipelineError> for ApiError {
    fn from(e: PipelineError) -> Self {
        match e {
            PipelineError::Heic => Self::UnsupportedMedia {
                code: ErrorCode::HeicNotSupported,
                message: e.to_string(),
            },
            PipelineError::Unsupported => Self::UnsupportedMedia {
                code: ErrorCode::UnsupportedMediaType,
                message: e.to_string(),
            },
            PipelineError::TooManyPixels { width, height, max } => Self::Unprocessable {
                code: ErrorCode::ImageTooManyPixels,
                message: e.to_string(),
                details: Some(
                    serde_json::json!({"width": width, "height": height, "maxPixels": max}),
                ),
            },
            PipelineError::Corrupt(_) => {
                Self::unprocessable(ErrorCode::ImageCorrupt, e.to_string())
            }
            PipelineError::TooManyScans { .. } => {
                Self::unprocessable(ErrorCode::TooManyScans, e.to_string())
            }
            PipelineError::TooCostly { .. } => {
                Self::unprocessable(ErrorCode::ImageTooCostly, e.to_string())
            }
            PipelineError::TooSlow(_) => {
                Self::unprocessable(ErrorCode::DecodeTimeout, e.to_string())
            }
        }
    }
}

impl From<AdminError> for ApiError {
    fn from(e: AdminError) -> Self {
        let message = e.to_string();
        match e {
            AdminError::Invalid { code, details, .. } => Self::BadRequest {
                code,
                message,
                details,
            },
            AdminError::UnknownUnit { .. } => Self::unprocessable(ErrorCode::UnknownUnit, message),
            AdminError::UnknownCategory { .. } => {
                Self::unprocessable(ErrorCode::UnknownCategory, message)
            }
            AdminError::UnknownArea { .. } => Self::unprocessable(ErrorCode::UnknownArea, message),
            AdminError::InvalidParent(_) => Self::unprocessable(ErrorCode::InvalidParent, message),
            AdminError::UnitCycle => Self::unprocessable(ErrorCode::UnitCycle, message),
            AdminError::CitizenAccount => Self::unprocessable(ErrorCode::InvalidRole, message),
            AdminError::AccountUnit => Self::unprocessable(ErrorCode::InvalidUnit, message),
            AdminError::WeakPassword => Self::unprocessable(ErrorCode::WeakPassword, message),
            AdminError::RuleExists => Self::conflict(ErrorCode::RuleExists, message),
            AdminError::OwnAccount => Self::conflict(ErrorCode::OwnAccount, message),
            AdminError::NotFound { .. } => Self::NotFound(message),
            AdminError::Forbidden(f) => f.into(),
            AdminError::Cursor(c) => c.into(),
            AdminError::Db(d) => d.into(),
            AdminError::Internal(e) => Self::Internal(e),
        }
    }
}

impl From<GeoReportError> for ApiError {
    fn from(e: GeoReportError) -> Self {
        let message = e.to_string();
        match e {
            GeoReportError::Invalid { code, .. } => Self::bad_request(code, message),
            GeoReportError::NotFound { .. } => Self::NotFound(message),
            GeoReportError::Db(d) => d.into(),
        }
    }
}

impl From<PrivacyError> for ApiError {
    fn from(e: PrivacyError) -> Self {
        let message = e.to_string();
        match e {
            PrivacyError::NoAccount => Self::NotFound(message),
            PrivacyError::Report(r) => r.into(),
            PrivacyError::Points(p) => p.into(),
            PrivacyError::Forbidden(f) => f.into(),
            PrivacyError::Db(d) => d.into(),
            PrivacyError::Internal(e) => Self::Internal(e),
        }
    }
}

impl From<VolunteerError> for ApiError {
    fn from(e: VolunteerError) -> Self {
        let message = e.to_string();
        match e {
            VolunteerError::NotFound { .. } => Self::NotFound(message),
            VolunteerError::InvalidName { .. } => {
                Self::bad_request(ErrorCode::InvalidName, message)
            }
            VolunteerError::NameTaken { .. } => Self::conflict(ErrorCode::NameTaken, message),
            VolunteerError::InvalidPatrolTime(_) => {
                Self::bad_request(ErrorCode::InvalidPatrolTime, message)
            }
            VolunteerError::AlreadyInTeam { .. } => {
                Self::conflict(ErrorCode::AlreadyInTeam, message)
            }
            VolunteerError::LeaderCannotLeave => {
                Self::conflict(ErrorCode::LeaderCannotLeave, message)
            }
            VolunteerError::NotAMember => Self::conflict(ErrorCode::NotAMember, message),
            VolunteerError::PatrolOpen { .. } => Self::conflict(ErrorCode::PatrolOpen, message),
            VolunteerError::PatrolEnded => Self::conflict(ErrorCode::PatrolEnded, message),
            VolunteerError::TooFar {
                distance_m,
                allowed_m,
                ..
            } => Self::Unprocessable {
                code: ErrorCode::TooFarFromSpot,
                message,
                details: Some(
                    serde_json::json!({ "distanceM": distance_m, "allowedM": allowed_m }),
                ),
            },
            VolunteerError::NotAVolunteer => Self::Forbidden(message),
            VolunteerError::AlreadyReviewed => Self::conflict(ErrorCode::AlreadyReviewed, message),
            VolunteerError::NotApproved | VolunteerError::AuthorGone => {
                Self::conflict(ErrorCode::NotApproved, message)
            }
            VolunteerError::InvalidMedia { ids } => Self::Unprocessable {
                code: ErrorCode::InvalidMedia,
                message,
                details: Some(serde_json::json!({ "mediaIds": ids })),
            },
            VolunteerError::Report(r) => r.into(),
            VolunteerError::Cursor(c) => c.into(),
            VolunteerError::Forbidden(f) => f.into(),
            VolunteerError::Db(d) => d.into(),
            VolunteerError::Internal(e) => Self::Internal(e),
        }
    }
}
