//! Every way a GeoReport read can fail; the app's `error` module
//! (`src/error/mapping.rs`) maps each to its HTTP status (and the app's
//! `open311/wire.rs` writes it as Open311 shows errors).

use crate::{core::ErrorCode, infra::DbError};

#[derive(Debug, thiserror::Error)]
pub enum GeoReportError {
    /// A filter the client sent is malformed or out of bounds (400);
    /// `code` says which rule.
    #[error("{message}")]
    Invalid { code: ErrorCode, message: String },
    /// No such request, or the public may not read it; no such token (404).
    #[error("{what} not found")]
    NotFound { what: &'static str },
    #[error(transparent)]
    Db(#[from] DbError),
}

crate::db_err_into!(GeoReportError);
