//! Every way the download or the deletion can fail; the app's `error` module
//! (`src/error/mapping.rs`) maps each to its HTTP status.

use crate::{
    core::Forbidden, infra::DbError, points::error::PointsError, reports::error::ReportError,
};

#[derive(Debug, thiserror::Error)]
pub enum PrivacyError {
    /// No such citizen account, or it was deleted (404).
    #[error("account not found")]
    NoAccount,
    /// Reading the citizen's reports or follows failed.
    #[error(transparent)]
    Report(#[from] ReportError),
    /// Reading the citizen's points or redemptions failed.
    #[error(transparent)]
    Points(#[from] PointsError),
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

crate::db_err_into!(PrivacyError);
