//! Every feature's error, and every database failure, to its HTTP status:
//! the one place a status is chosen.

use super::ApiError;
use crate::{
    admin::error::AdminError,
    auth::{error::AuthError, wechat::WechatError},
    cases::{error::CaseError, transition::Refusal},
    categories::service::CategoryError,
    content::{error::ContentError, push::PushError},
    core::{Forbidden, UnknownStored, page::BadCursor},
    infra::DbError,
    media::{pipeline::PipelineError, service::MediaError},
    points::error::PointsError,
    reports::error::ReportError,
};

impl From<sea_orm::DbErr> for ApiError {
    fn from(e: sea_orm::DbErr) -> Self {
        DbError::from(e).into()
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Busy(_) => Self::Conflict {
                code: "concurrent_update",
                message: "another change was written at the same moment; reload and retry".into(),
            },
            DbError::Constraint { constraint, source } => on_constraint(&constraint)
                .unwrap_or_else(|| {
                    Self::Internal(anyhow::Error::new(source).context(format!(
                        "constraint {constraint} with no mapping to a client error"
                    )))
                }),
            DbError::Unavailable(e) => {
                tracing::error!(error = %e, "database unavailable");
                Self::Unavailable {
                    code: "database_unavailable",
                    message: "the service cannot reach its database right now; try again shortly"
                        .into(),
                    retry_after_secs: 2,
                }
            }
            DbError::Other(e) => Self::Internal(anyhow::Error::new(e).context("database")),
        }
    }
}

/// The constraint violations a client can cause, by constraint: the
/// PostgreSQL name, or how SQLite identifies it (its columns).
const CONSTRAINTS: &[(&[&str], u16, &str, &str)] = &[
    (
        &["users_username_key", "users.username"],
        409,
        "username_taken",
        "an account with this username exists",
    ),
    (
        &["api_keys_name_key", "api_keys.name"],
        409,
        "api_key_name_taken",
        "an integrator with this name has a key",
    ),
    (
        &["units_code_key", "units.code"],
        409,
        "concurrent_update",
        "a unit with this code was created at the same moment; retry",
    ),
    (
        &["categories_code_key", "categories.code"],
        409,
        "concurrent_update",
        "a category with this code was created at the same moment; retry",
    ),
    (
        &["areas_code_key", "areas.code"],
        409,
        "concurrent_update",
        "an area with this code was created at the same moment; retry",
    ),
];

/// Maps a constraint violation to the client error it means, if any.
fn on_constraint(constraint: &str) -> Option<ApiError> {
    let (_, status, code, message) = CONSTRAINTS
        .iter()
        .find(|(names, ..)| names.contains(&constraint))?;
    Some(match status {
        409 => ApiError::Conflict {
            code,
            message: (*message).into(),
        },
        _ => ApiError::Unprocessable {
            code,
            message: (*message).into(),
            details: None,
        },
    })
}

impl From<Forbidden> for ApiError {
    fn from(e: Forbidden) -> Self {
        Self::Forbidden(e.to_string())
    }
}

impl From<BadCursor> for ApiError {
    fn from(e: BadCursor) -> Self {
        Self::bad_request("invalid_cursor", e.to_string())
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
            Refusal::NoteRequired { .. } => bad("note_required"),
            Refusal::NoteTooLong => bad("note_too_long"),
            Refusal::AfterPhotosRequired => bad("after_photos_required"),
            Refusal::ReasonRequired => bad("reason_required"),
            Refusal::VersionConflict { .. } => conflict("version_conflict"),
            Refusal::IllegalTransition { .. } => conflict("illegal_transition"),
            Refusal::NoHigherUnit => conflict("no_higher_unit"),
            Refusal::ExtensionPending => conflict("extension_pending"),
            Refusal::ExtensionDecided { .. } => conflict("extension_decided"),
            Refusal::AlreadyRated => conflict("already_rated"),
            Refusal::NotClosed => conflict("not_closed"),
            Refusal::NothingDue => conflict("nothing_due"),
            Refusal::UnknownUnit { .. } => unprocessable("unknown_unit"),
            Refusal::NoUnit => unprocessable("no_unit"),
            Refusal::UnknownCase => unprocessable("unknown_case"),
            Refusal::NotACarrier { .. } => unprocessable("not_a_carrier"),
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
                code: "version_conflict",
                message,
            },
            CaseError::InvalidMedia { ids } => Self::Unprocessable {
                code: "invalid_media",
                message,
                details: Some(serde_json::json!({ "mediaIds": ids })),
            },
            CaseError::MediaRace => Self::Conflict {
                code: "media_already_attached",
                message,
            },
            CaseError::BadFilter { code, .. } => Self::BadRequest {
                code,
                message,
                details: None,
            },
            CaseError::ReasonRequired => Self::bad_request("reason_required", message),
            CaseError::ContentRejected(r) => Self::Unprocessable {
                code: "content_rejected",
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
            ReportError::UnknownCategory { .. } => Self::unprocessable("unknown_category", message),
            ReportError::KeyTaken => Self::conflict("idempotency_in_progress", message),
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
                Self::conflict("insufficient_points", message)
            }
            PointsError::OutOfStock { .. } => Self::conflict("out_of_stock", message),
            PointsError::NameTaken { .. } => Self::conflict("name_taken", message),
            PointsError::InvalidName => Self::bad_request("invalid_name", message),
            PointsError::KeyReused => Self::unprocessable("idempotency_key_reused", message),
            PointsError::AlreadyUsed { .. } => Self::conflict("already_used", message),
            PointsError::Cursor(c) => c.into(),
            PointsError::Forbidden(f) => f.into(),
            PointsError::Stored(s) => s.into(),
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
                code: "invalid_signature",
                message,
            },
            ContentError::Push(PushError::Replayed) => Self::Unauthorized {
                code: "replayed_push",
                message,
            },
            ContentError::Unavailable(_) => Self::unavailable("push_unavailable", message, 5),
            ContentError::Push(_) | ContentError::Invalid(_) => {
                Self::bad_request("invalid_message", message)
            }
            ContentError::NoteRequired => Self::bad_request("note_required", message),
            ContentError::NotAPhoto => Self::bad_request("not_a_photo", message),
            ContentError::AlreadyReviewed => Self::conflict("already_reviewed", message),
            ContentError::Cursor(c) => c.into(),
            ContentError::Forbidden(f) => f.into(),
            ContentError::Stored(s) => s.into(),
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
                code: "wechat_code_invalid",
                message: e.to_string(),
            },
            WechatError::RateLimited => Self::TooManyRequests {
                code: "wechat_rate_limited",
                message: e.to_string(),
                retry_after_secs: 60,
            },
            WechatError::Busy => Self::Unavailable {
                code: "wechat_busy",
                message: e.to_string(),
                retry_after_secs: 2,
            },
            WechatError::Unreachable(ref why) => {
                tracing::warn!(why, "wechat unreachable");
                Self::Unavailable {
                    code: "wechat_unavailable",
                    message: "WeChat could not be reached; try again shortly".into(),
                    retry_after_secs: 5,
                }
            }
            WechatError::Other { code, ref msg } => {
                tracing::warn!(code, msg, "wechat refused login");
                Self::Unavailable {
                    code: "wechat_error",
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
            AuthError::InvalidCredentials => unauthorized("invalid_credentials"),
            AuthError::Disabled => Self::Forbidden(message),
            AuthError::Busy => Self::Unavailable {
                code: "login_busy",
                message,
                retry_after_secs: 1,
            },
            AuthError::AccountGone => Self::unauthorized(message),
            AuthError::TokenOfDisabled => unauthorized("account_disabled"),
            AuthError::TokenRevoked => unauthorized("token_revoked"),
            AuthError::SessionEnded => unauthorized("session_ended"),
            AuthError::RefreshReused => unauthorized("refresh_reused"),
            AuthError::BadRefresh => unauthorized("invalid_refresh_token"),
            AuthError::BadLogout => Self::unauthorized(message),
            AuthError::NotStaff => Self::Forbidden(message),
            AuthError::WechatNotBound => unauthorized("wechat_not_bound"),
            AuthError::WechatBoundElsewhere => Self::conflict("wechat_bound_elsewhere", message),
            AuthError::Stored(s) => s.into(),
            AuthError::Db(d) => d.into(),
            AuthError::Internal(e) => Self::Internal(e),
        }
    }
}

impl From<PipelineError> for ApiError {
    fn from(e: PipelineError) -> Self {
        match e {
            PipelineError::Heic => Self::UnsupportedMedia {
                code: "heic_not_supported",
                message: e.to_string(),
            },
            PipelineError::Unsupported => Self::UnsupportedMedia {
                code: "unsupported_media_type",
                message: e.to_string(),
            },
            PipelineError::TooManyPixels { width, height, max } => Self::Unprocessable {
                code: "image_too_many_pixels",
                message: e.to_string(),
                details: Some(
                    serde_json::json!({"width": width, "height": height, "maxPixels": max}),
                ),
            },
            PipelineError::Corrupt(_) => Self::unprocessable("image_corrupt", e.to_string()),
            PipelineError::TooManyScans { .. } => {
                Self::unprocessable("too_many_scans", e.to_string())
            }
            PipelineError::TooCostly { .. } => {
                Self::unprocessable("image_too_costly", e.to_string())
            }
            PipelineError::TooSlow(_) => Self::unprocessable("decode_timeout", e.to_string()),
        }
    }
}

impl From<MediaError> for ApiError {
    fn from(e: MediaError) -> Self {
        let message = e.to_string();
        match e {
            MediaError::TooLarge { .. } => Self::PayloadTooLarge(message),
            MediaError::Empty => Self::bad_request("empty_file", message),
            MediaError::Pipeline(p) => p.into(),
            MediaError::Busy => Self::Unavailable {
                code: "media_busy",
                message,
                retry_after_secs: 2,
            },
            MediaError::NotFound => Self::NotFound(message),
            MediaError::Store(e) => {
                tracing::error!(error = %format!("{:#}", e.0), "object store failed");
                Self::Unavailable {
                    code: "storage_unavailable",
                    message: "photos cannot be stored or read right now; try again shortly".into(),
                    retry_after_secs: 5,
                }
            }
            MediaError::Db(d) => d.into(),
            MediaError::Internal(e) => Self::Internal(e),
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
            AdminError::UnknownUnit { .. } => Self::unprocessable("unknown_unit", message),
            AdminError::UnknownCategory { .. } => Self::unprocessable("unknown_category", message),
            AdminError::UnknownArea { .. } => Self::unprocessable("unknown_area", message),
            AdminError::InvalidParent(_) => Self::unprocessable("invalid_parent", message),
            AdminError::UnitCycle => Self::unprocessable("unit_cycle", message),
            AdminError::CitizenAccount => Self::unprocessable("invalid_role", message),
            AdminError::AccountUnit => Self::unprocessable("invalid_unit", message),
            AdminError::WeakPassword => Self::unprocessable("weak_password", message),
            AdminError::RuleExists => Self::conflict("rule_exists", message),
            AdminError::OwnAccount => Self::conflict("own_account", message),
            AdminError::NotFound { .. } => Self::NotFound(message),
            AdminError::Forbidden(f) => f.into(),
            AdminError::Cursor(c) => c.into(),
            AdminError::Stored(s) => s.into(),
            AdminError::Db(d) => d.into(),
            AdminError::Internal(e) => Self::Internal(e),
        }
    }
}
