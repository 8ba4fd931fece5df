//! Every way an administration change or read can fail; the app's `error`
//! module (`src/error/mapping.rs`) maps each to its HTTP status. The CLI prints
//! the same messages.

use crate::core::ErrorCode;
use crate::{
    core::{Forbidden, page::BadCursor},
    infra::DbError,
};

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// Malformed input (400): `code` says which rule; `details` name the
    /// GeoJSON feature at fault, when there is one.
    #[error("{message}")]
    Invalid {
        code: ErrorCode,
        message: String,
        details: Option<serde_json::Value>,
    },
    /// No unit has this code (422).
    #[error("no unit with code {code}")]
    UnknownUnit { code: String },
    /// No category has this code (422).
    #[error("no category with code {code}")]
    UnknownCategory { code: String },
    /// No area has this code (422).
    #[error("no area with code {code}")]
    UnknownArea { code: String },
    /// The parent would break the two levels of categories (422).
    #[error("{0}")]
    InvalidParent(&'static str),
    /// The parent unit is the unit itself or below it (422).
    #[error("a unit cannot be under itself")]
    UnitCycle,
    /// Citizens have no password account (422).
    #[error("citizens log in with WeChat")]
    CitizenAccount,
    /// A unit member without a unit, or another role with one (422).
    #[error("unit members need a unit; other roles have none")]
    AccountUnit,
    /// A password shorter than 8 characters (422).
    #[error("passwords need at least 8 characters")]
    WeakPassword,
    /// An admin disabling or demoting their own account (409).
    #[error("you cannot disable your own account or change its role")]
    OwnAccount,
    /// A rule for this category and area exists (409).
    #[error("a rule for this category and area exists; delete it first")]
    RuleExists,
    /// Not there (404): `what` says what, e.g. `routing rule`.
    #[error("{what} not found")]
    NotFound { what: &'static str },
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error(transparent)]
    Cursor(#[from] BadCursor),
    /// A database failure; a unique violation becomes its client error (e.g.
    /// `username_taken`) in the app's `error` module (`src/error/mapping.rs`).
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

crate::db_err_into!(AdminError);

impl AdminError {
    /// Malformed input (400) with no details.
    pub fn invalid(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Invalid {
            code,
            message: message.into(),
            details: None,
        }
    }

    /// Malformed input (400) in feature `i` of a GeoJSON import.
    pub fn in_feature(i: usize, code: ErrorCode, message: impl std::fmt::Display) -> Self {
        Self::Invalid {
            code,
            message: format!("feature {i}: {message}"),
            details: Some(serde_json::json!({ "feature": i })),
        }
    }
}
