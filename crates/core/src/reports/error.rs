//! Every way a report operation can fail; the app's `error` module
//! (`src/error/mapping.rs`) maps each to its HTTP status.

use crate::core::ErrorCode;
use crate::{
    cases::error::CaseError,
    core::{Forbidden, UnknownStored, page::BadCursor},
    infra::DbError,
};

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Malformed input (400): `code` says which rule.
    #[error("{message}")]
    Invalid {
        code: ErrorCode,
        message: String,
        details: Option<serde_json::Value>,
    },
    /// Not a reportable 小类 (422).
    #[error("{code} is not a reportable category; see GET /api/v1/categories")]
    UnknownCategory { code: String },
    /// The Idempotency-Key was recorded by another request (committed
    /// while this one ran): answered with that request's report.
    #[error("a request with this Idempotency-Key is still being processed")]
    KeyTaken,
    /// The Idempotency-Key was used with another body (422).
    #[error("this Idempotency-Key was used with a different request body")]
    KeyReused,
    /// Conflicts with the case as it is (409): following one's own
    /// report, or a case no longer open.
    #[error("{message}")]
    Conflict { code: ErrorCode, message: String },
    /// The case loop refused or failed (photos, rating, not found, …).
    #[error(transparent)]
    Case(#[from] CaseError),
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error(transparent)]
    Cursor(#[from] BadCursor),
    #[error(transparent)]
    Stored(#[from] UnknownStored),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

crate::db_err_into!(ReportError);

impl ReportError {
    pub fn invalid(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Invalid {
            code,
            message: message.into(),
            details: None,
        }
    }

    pub fn not_found() -> Self {
        CaseError::NotFound { what: "report" }.into()
    }
}
