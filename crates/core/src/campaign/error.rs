//! Every way a 创建日历 operation can fail; the app maps each to its HTTP
//! status (`src/campaign/mod.rs`).

use crate::core::{ErrorCode, Forbidden};
use crate::infra::DbError;
use uuid::Uuid;

/// One bad row of a sheet, or one bad field of an indicator.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RowError {
    /// The sheet's row number, counting the header as 1 (0: not a row).
    pub row: usize,
    /// The column at fault, by its header.
    pub column: String,
    pub code: ErrorCode,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum CampaignError {
    /// Malformed input (400): `code` says which rule.
    #[error("{message}")]
    Invalid { code: ErrorCode, message: String },
    /// A sheet with bad rows (422): each is listed; nothing was imported.
    #[error("{} rows of the sheet are not acceptable; nothing was imported", .0.len())]
    Sheet(Vec<RowError>),
    /// A file that is neither CSV nor XLSX, or does not read (415/400).
    #[error("{0}")]
    UnreadableSheet(String),
    /// A file of a kind not taken as evidence (415).
    #[error("evidence files are PDF, Word, Excel, PowerPoint, plain text, ZIP or images")]
    FileType,
    /// An empty upload (400).
    #[error("the file is empty")]
    EmptyFile,
    /// No such indicator, task or file, or not the caller's to see (404).
    #[error("{what} not found")]
    NotFound { what: &'static str },
    /// A unit code that names no unit (422).
    #[error("no unit with code {code}")]
    UnknownUnit { code: String },
    /// A parent that is unknown, or the indicator itself or below it (422).
    #[error("{0}")]
    Parent(String),
    /// A task not the unit's to do now (409): submitted, or accepted.
    #[error("this task is {status}: it cannot be submitted now")]
    NotOpen { status: &'static str },
    /// A decision on a task not waiting for one (409).
    #[error("only a submitted task is accepted or returned; this one is {status}")]
    NotSubmitted { status: &'static str },
    /// The task changed since the caller read it (409).
    #[error("the task changed meanwhile; read it again")]
    Concurrent,
    /// Photos or files that are not the caller's unattached uploads (422).
    #[error("evidence not usable: {ids:?} (unknown, expired, someone else's or already used)")]
    InvalidEvidence { ids: Vec<Uuid> },
    /// Submitting with no evidence at all (422).
    #[error("a task is done with evidence: a note, a photo or a file")]
    NoEvidence,
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

crate::db_err_into!(CampaignError);

impl CampaignError {
    pub fn invalid(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Invalid {
            code,
            message: message.into(),
        }
    }
}
