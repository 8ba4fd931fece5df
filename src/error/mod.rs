//! The one place an HTTP status is chosen. Every error leaves the server as
//! `{"code", "message", "details"?}`; a 5xx carries only a request id.

use poem::{Response, http::StatusCode};
use poem_openapi::Object;
use serde::Serialize;

mod code;
mod db;
mod mapping;
mod spec;

pub use code::ErrorCode;

pub use spec::{ErrorSet, Errors, IntoApiError, Res};

/// The JSON body of every error response.
#[derive(Debug, Clone, Object, Serialize)]
#[oai(rename_all = "camelCase")]
pub struct ErrorBody {
    /// Stable machine-readable code, snake_case (e.g. `outside_service_area`).
    pub code: ErrorCode,
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
        code: ErrorCode,
        message: String,
        details: Option<serde_json::Value>,
    },
    /// 401: no, or no valid, credentials.
    #[error("{message}")]
    Unauthorized { code: ErrorCode, message: String },
    /// 403: authenticated but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// 404: not there, or not yours.
    #[error("{0}")]
    NotFound(String),
    /// 409: conflicts with the current state.
    #[error("{message}")]
    Conflict { code: ErrorCode, message: String },
    /// 408: the body did not arrive in time (stalled, or too slow).
    #[error("{0}")]
    BodyTimeout(String),
    /// 413: the body is too large.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 415: a media type we do not take.
    #[error("{message}")]
    UnsupportedMedia { code: ErrorCode, message: String },
    /// 422: well-formed but not acceptable.
    #[error("{message}")]
    Unprocessable {
        code: ErrorCode,
        message: String,
        details: Option<serde_json::Value>,
    },
    /// 429: slow down.
    #[error("{message}")]
    TooManyRequests {
        code: ErrorCode,
        message: String,
        retry_after_secs: u64,
    },
    /// 503: a dependency or capacity is unavailable for now.
    #[error("{message}")]
    Unavailable {
        code: ErrorCode,
        message: String,
        retry_after_secs: u64,
    },
    /// 500: a bug or an infrastructure failure; the cause is logged, never sent.
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn bad_request(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            message: message.into(),
            details: None,
        }
    }

    pub fn unprocessable(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Unprocessable {
            code,
            message: message.into(),
            details: None,
        }
    }

    pub fn conflict(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }

    /// A dependency is down for now: 503 with Retry-After.
    pub fn unavailable(code: ErrorCode, message: impl Into<String>, secs: u64) -> Self {
        Self::Unavailable {
            code,
            message: message.into(),
            retry_after_secs: secs,
        }
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::Unauthorized {
            code: ErrorCode::Unauthorized,
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
            Self::BodyTimeout(_) => StatusCode::REQUEST_TIMEOUT,
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
            Self::Forbidden(_) => (ErrorCode::Forbidden, None),
            Self::NotFound(_) => (ErrorCode::NotFound, None),
            Self::PayloadTooLarge(_) => (ErrorCode::PayloadTooLarge, None),
            Self::BodyTimeout(_) => (ErrorCode::BodyTimeout, None),
            Self::Internal(_) => {
                return ErrorBody {
                    code: ErrorCode::InternalError,
                    message: format!("internal error; quote request id {request_id}"),
                    details: Some(serde_json::json!({ "requestId": request_id })),
                };
            }
        };
        ErrorBody {
            code,
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

/// Result type of every service and handler.
pub type ApiResult<T> = Result<T, ApiError>;
