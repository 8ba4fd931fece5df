//! Every way a case operation can fail; the app's `error` module
//! (`src/error/mapping.rs`) maps each to its HTTP status.

use super::transition::Refusal;
use crate::core::ErrorCode;
use crate::{
    core::{Forbidden, UnknownStored, page::BadCursor},
    infra::DbError,
};

#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// The transition core refused the command.
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    /// Not there, or not visible to the caller (`what`: case, report, …).
    #[error("{what} not found")]
    NotFound { what: &'static str },
    /// The guarded write found the case changed after it was read.
    #[error("someone else acted on this case at the same time; reload it")]
    LostRace,
    /// Photos that are unknown, expired, someone else's or attached
    /// elsewhere (422, naming them).
    #[error("some photos are unknown, expired, not yours, or already attached elsewhere")]
    InvalidMedia { ids: Vec<uuid::Uuid> },
    /// Every photo looks usable again: a concurrent claim rolled back (409).
    #[error("a photo was being attached elsewhere at the same time; try again")]
    MediaRace,
    /// A list filter names nothing (400): `code` says which.
    #[error("{message}")]
    BadFilter { code: ErrorCode, message: String },
    /// The reporter's identity asked for without a proper reason.
    #[error("say why you need the reporter's identity (2–200 characters)")]
    ReasonRequired,
    /// WeChat's content security refused the citizen's text (422).
    #[error(transparent)]
    ContentRejected(#[from] crate::content::Rejected),
    #[error(transparent)]
    Cursor(#[from] BadCursor),
    #[error(transparent)]
    Stored(#[from] UnknownStored),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

crate::db_err_into!(CaseError);

/// A case view reads the case's content flags.
impl From<crate::content::error::ContentError> for CaseError {
    fn from(e: crate::content::error::ContentError) -> Self {
        use crate::content::error::ContentError as C;
        match e {
            C::Db(d) => Self::Db(d),
            other => Self::Internal(other.into()),
        }
    }
}

impl CaseError {
    pub fn not_found() -> Self {
        Self::NotFound { what: "case" }
    }
}
