//! The one place an HTTP status is chosen. Every error leaves the server as
//! `{"code", "message", "details"?}`; a 5xx carries only a request id.

use poem::{Response, http::StatusCode};
use poem_openapi::{
    Object,
    registry::{MetaHeader, MetaMediaType, MetaResponse, MetaResponses, Registry},
    types::Type,
};
use serde::Serialize;

use crate::{
    cases::{error::CaseError, transition::Refusal},
    categories::service::CategoryError,
    core::{Forbidden, UnknownStored, page::BadCursor},
    infra::DbError,
    reports::error::ReportError,
};

/// The JSON body of every error response.
#[derive(Debug, Clone, Object, Serialize)]
#[oai(rename_all = "camelCase")]
pub struct ErrorBody {
    /// Stable machine-readable code, snake_case (e.g. `outside_service_area`).
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
    /// Extra structured details, when there are any.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: malformed input.
    #[error("{message}")]
    BadRequest {
        code: &'static str,
        message: String,
        details: Option<serde_json::Value>,
    },
    /// 401: no, or no valid, credentials.
    #[error("{message}")]
    Unauthorized { code: &'static str, message: String },
    /// 403: authenticated but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// 404: not there, or not yours.
    #[error("{0}")]
    NotFound(String),
    /// 409: conflicts with the current state.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// 413: the body is too large.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 415: a media type we do not take.
    #[error("{message}")]
    UnsupportedMedia { code: &'static str, message: String },
    /// 422: well-formed but not acceptable.
    #[error("{message}")]
    Unprocessable {
        code: &'static str,
        message: String,
        details: Option<serde_json::Value>,
    },
    /// 429: slow down.
    #[error("{message}")]
    TooManyRequests {
        code: &'static str,
        message: String,
        retry_after_secs: u64,
    },
    /// 503: a dependency or capacity is unavailable for now.
    #[error("{message}")]
    Unavailable {
        code: &'static str,
        message: String,
        retry_after_secs: u64,
    },
    /// 500: a bug or an infrastructure failure; the cause is logged, never sent.
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            message: message.into(),
            details: None,
        }
    }

    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        Self::Unprocessable {
            code,
            message: message.into(),
            details: None,
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::Unauthorized {
            code: "unauthorized",
            message: message.into(),
        }
    }

    pub fn not_found(what: &str) -> Self {
        Self::NotFound(format!("{what} not found"))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMedia { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The body sent to the client. Internal errors say nothing but the id.
    pub fn body(&self, request_id: &str) -> ErrorBody {
        let (code, details) = match self {
            Self::BadRequest { code, details, .. } | Self::Unprocessable { code, details, .. } => {
                (*code, details.clone())
            }
            Self::Unauthorized { code, .. }
            | Self::Conflict { code, .. }
            | Self::UnsupportedMedia { code, .. } => (*code, None),
            Self::TooManyRequests {
                code,
                retry_after_secs,
                ..
            }
            | Self::Unavailable {
                code,
                retry_after_secs,
                ..
            } => (
                *code,
                Some(serde_json::json!({ "retryAfter": retry_after_secs })),
            ),
            Self::Forbidden(_) => ("forbidden", None),
            Self::NotFound(_) => ("not_found", None),
            Self::PayloadTooLarge(_) => ("payload_too_large", None),
            Self::Internal(_) => {
                return ErrorBody {
                    code: "internal_error".into(),
                    message: format!("internal error; quote request id {request_id}"),
                    details: Some(serde_json::json!({ "requestId": request_id })),
                };
            }
        };
        ErrorBody {
            code: code.into(),
            message: self.to_string(),
            details,
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            Self::TooManyRequests {
                retry_after_secs, ..
            }
            | Self::Unavailable {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// Renders the response; the request-id middleware fills in the id.
    pub fn to_response(&self, request_id: &str) -> Response {
        let body = serde_json::to_vec(&self.body(request_id)).unwrap_or_default();
        let mut resp = Response::builder()
            .status(self.status())
            .content_type("application/json; charset=utf-8")
            .body(body);
        if let Some(secs) = self.retry_after()
            && let Ok(v) = secs.to_string().parse()
        {
            resp.headers_mut().insert("retry-after", v);
        }
        resp
    }
}

impl poem::error::ResponseError for ApiError {
    fn status(&self) -> StatusCode {
        ApiError::status(self)
    }

    fn as_response(&self) -> Response {
        self.to_response("-")
    }
}

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
            Refusal::SystemOnly { .. } => Self::Forbidden(message),
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
            ReportError::Case(c) => c.into(),
            ReportError::Forbidden(f) => f.into(),
            ReportError::Cursor(c) => c.into(),
            ReportError::Stored(s) => s.into(),
            ReportError::Db(d) => d.into(),
            ReportError::Internal(e) => Self::Internal(e),
        }
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

/// Result type of every service and handler.
pub type ApiResult<T> = Result<T, ApiError>;

const ERROR_STATUSES: &[(u16, &str)] = &[
    (
        400,
        "Malformed input: body, parameter or multipart that does not parse or validate",
    ),
    (401, "Missing, expired or invalid credentials"),
    (403, "Authenticated, but this role may not do this"),
    (404, "Not found, or not visible to the caller"),
    (409, "Conflicts with the current state"),
    (413, "Request body too large"),
    (415, "Unsupported media type"),
    (
        422,
        "Well-formed but not acceptable (unknown category, foreign photo, reused idempotency key …)",
    ),
    (
        429,
        "Abuse limit reached; retry after the Retry-After header's seconds",
    ),
    (
        500,
        "Internal error; the body carries only a request id, which is in the log",
    ),
    (
        503,
        "A dependency or capacity is unavailable for now; see Retry-After",
    ),
];

/// The error statuses one operation can answer, for its spec.
pub trait ErrorSet: Send + Sync + 'static {
    const STATUSES: &'static [u16];
}

/// Declares an [`ErrorSet`]: `error_set!(UploadErrors: 400, 401, 413);`
/// (500 is always added).
#[macro_export]
macro_rules! error_set {
    ($name:ident: $($status:literal),*) => {
        #[doc = "Error statuses of one group of operations."]
        pub struct $name;
        impl $crate::error::ErrorSet for $name {
            const STATUSES: &'static [u16] = &[$($status,)* 500];
        }
    };
}

/// An [`ApiError`] from an operation whose spec lists only the statuses of `S`.
pub struct Errors<S: ErrorSet>(pub ApiError, std::marker::PhantomData<S>);

/// What handlers return: the spec lists exactly the statuses of `S`.
pub type Res<T, S> = Result<T, Errors<S>>;

/// An error that a handler may return with `?`: every feature's error type
/// (each converts into an [`ApiError`] below, the one place a status is chosen).
pub trait IntoApiError: Into<ApiError> {}

impl IntoApiError for ApiError {}
impl IntoApiError for anyhow::Error {}
impl IntoApiError for Forbidden {}
impl IntoApiError for BadCursor {}
impl IntoApiError for DbError {}
impl IntoApiError for sea_orm::DbErr {}
impl IntoApiError for Refusal {}
impl IntoApiError for CaseError {}
impl IntoApiError for ReportError {}
impl IntoApiError for CategoryError {}

impl<S: ErrorSet, E: IntoApiError> From<E> for Errors<S> {
    fn from(e: E) -> Self {
        Self(e.into(), std::marker::PhantomData)
    }
}

impl<S: ErrorSet> From<Errors<S>> for poem::Error {
    fn from(e: Errors<S>) -> Self {
        e.0.into()
    }
}

impl<S: ErrorSet> poem_openapi::ApiResponse for Errors<S> {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: meta_for(S::STATUSES),
        }
    }

    fn register(registry: &mut Registry) {
        ErrorBody::register(registry);
    }
}

fn meta_for(statuses: &[u16]) -> Vec<MetaResponse> {
    ERROR_STATUSES
        .iter()
        .filter(|(s, _)| statuses.contains(s))
        .map(|(status, description)| MetaResponse {
            description,
            status: Some(*status),
            status_range: None,
            content: vec![MetaMediaType {
                content_type: "application/json; charset=utf-8",
                schema: ErrorBody::schema_ref(),
            }],
            headers: if matches!(status, 429 | 503) {
                vec![MetaHeader {
                    name: "Retry-After".into(),
                    description: Some("Seconds to wait before retrying".into()),
                    required: false,
                    deprecated: false,
                    schema: u64::schema_ref(),
                }]
            } else {
                vec![]
            },
        })
        .collect()
}

use crate::admin::error::AdminError;

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
            AdminError::NotFound { .. } => Self::NotFound(message),
            AdminError::Forbidden(f) => f.into(),
            AdminError::Cursor(c) => c.into(),
            AdminError::Stored(s) => s.into(),
            AdminError::Db(d) => d.into(),
            AdminError::Internal(e) => Self::Internal(e),
        }
    }
}

impl IntoApiError for AdminError {}
