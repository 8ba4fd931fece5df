//! Every way a content-security operation can fail; the app's `error` module
//! (`src/error/mapping.rs`) maps each to its HTTP status.

use super::push::PushError;
use crate::{
    core::{Forbidden, page::BadCursor},
    infra::DbError,
};

#[derive(Debug, thiserror::Error)]
pub enum ContentError {
    /// Content security is off: the callback is not there (404).
    #[error("content security is off here: there is no push callback")]
    Off,
    /// The push's signature or timestamp (401), or its encryption (400).
    #[error(transparent)]
    Push(#[from] PushError),
    /// A push this deployment does not take (400).
    #[error("{0}")]
    Invalid(String),
    /// No such flag (404).
    #[error("flag not found")]
    NotFound,
    /// A note of spaces only (400).
    #[error("say what was decided (2–200 characters)")]
    NoteRequired,
    /// `blockPhoto` on a text flag (400).
    #[error("blockPhoto applies to photo flags only")]
    NotAPhoto,
    /// Reviewed before (409).
    #[error("this flag was already reviewed")]
    AlreadyReviewed,
    /// Where nonces are kept (Redis) cannot be reached: WeChat retries (503).
    #[error("the push cannot be checked for replay right now; try again")]
    Unavailable(#[source] anyhow::Error),
    #[error(transparent)]
    Cursor(#[from] BadCursor),
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

crate::db_err_into!(ContentError);
