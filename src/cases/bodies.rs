//! Request bodies of the staff and unit case actions, and the extension
//! view (re-exported from `dto`).

use crate::{
    core::{ExtensionStatus, Ts},
    web::enums::LimitUnit,
};
use poem_openapi::{Enum, Object};
use uuid::Uuid;

/// The body of an action that needs nothing but the version and a note.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct ActionBody {
    /// The case `version` the caller acted on; another version is `409 version_conflict`.
    pub expected_version: i32,
    /// A note for the timeline (required where the action says so), ≤ 500 characters.
    #[oai(nullable)]
    pub note: Option<String>,
}

/// The body of an action that needs a reason: reject, return, suspend.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct NotedBody {
    /// The case `version` the caller acted on; another version is `409 version_conflict`.
    pub expected_version: i32,
    /// Why (required), for the timeline; 1–500 characters, not all spaces.
    #[oai(validator(min_length = 1, max_length = 500))]
    pub note: String,
}

/// Dispatch (派遣) or re-dispatch (改派).
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct DispatchBody {
    /// The case `version` the caller acted on.
    pub expected_version: i32,
    /// The unit to send the case to; default: the unit routing chose.
    #[oai(nullable)]
    pub unit_code: Option<String>,
    /// A note for the timeline.
    #[oai(nullable)]
    pub note: Option<String>,
}

/// Merge this case into another (重复).
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct DuplicateBody {
    /// The case `version` the caller acted on.
    pub expected_version: i32,
    /// The case that carries on.
    pub duplicate_of: Uuid,
    /// A note for the timeline.
    #[oai(nullable)]
    pub note: Option<String>,
}

/// Report the work done (处置反馈) with after-photos.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct ResolveBody {
    /// The case `version` the caller acted on.
    pub expected_version: i32,
    /// What was done.
    #[oai(nullable)]
    pub note: Option<String>,
    /// 1–9 after-photos uploaded by the caller through `POST /media`.
    #[oai(validator(min_items = 1, max_items = 9))]
    pub media_ids: Vec<Uuid>,
}

/// The outcome of verification (核查).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum VerifyOutcome {
    /// 核查通过: close the case (结案).
    Close,
    /// 返工: send it back to the unit (a note is required).
    Reopen,
}

/// Verify a resolved case.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct VerifyBody {
    /// The case `version` the caller acted on.
    pub expected_version: i32,
    pub outcome: VerifyOutcome,
    /// A note for the timeline (required to reopen).
    #[oai(nullable)]
    pub note: Option<String>,
}

/// A unit's request for more time (延期).
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct ExtensionRequest {
    /// The case `version` the caller acted on.
    pub expected_version: i32,
    /// Extra time, 1–1000, in `limitUnit`.
    #[oai(validator(minimum(value = "1"), maximum(value = "1000")))]
    pub amount: i32,
    /// Default: the category's limit unit.
    #[oai(nullable)]
    pub limit_unit: Option<LimitUnit>,
    /// Why more time is needed (required), 1–500 characters, not all spaces.
    #[oai(validator(min_length = 1, max_length = 500))]
    pub reason: String,
}

/// A dispatcher's decision on an extension request.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct ExtensionDecision {
    /// The case `version` the caller acted on.
    pub expected_version: i32,
    /// Approve (the deadline moves) or refuse.
    pub approve: bool,
    /// A note for the timeline.
    #[oai(nullable)]
    pub note: Option<String>,
}

/// An extension request and its decision.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct ExtensionView {
    pub id: Uuid,
    /// Extra time asked for, in `limitUnit`.
    pub amount: i32,
    pub limit_unit: LimitUnit,
    /// Why the unit asked.
    pub reason: String,
    /// Where the request stands.
    pub status: ExtensionStatus,
    /// The dispatcher's note.
    #[oai(skip_serializing_if_is_none)]
    pub decision_note: Option<String>,
    /// When it was asked for.
    pub created_at: Ts,
    /// When it was decided.
    #[oai(skip_serializing_if_is_none)]
    pub decided_at: Option<Ts>,
}
