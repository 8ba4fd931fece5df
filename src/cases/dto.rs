//! Request and response shapes of the staff and unit case endpoints.

use crate::{
    cases::{source::CaseSource, views::CaseList},
    core::Ts,
    geo::coords::{CoordSystem, Wgs84},
    routing::Directory,
    state::AppState,
    web::{
        dto::{AreaRef, CategoryRef, Location, Photo},
        enums::CaseStatus,
    },
};
use poem_openapi::{Enum, Object};
use uuid::Uuid;

pub use super::bodies::*;

/// A unit reference.
#[derive(Debug, Object, Clone)]
#[oai(rename = "UnitRef", rename_all = "camelCase")]
pub struct UnitLink {
    pub id: Uuid,
    /// Unit code.
    pub code: String,
    /// Unit name.
    pub name: String,
}

impl UnitLink {
    /// The unit of an id in the directory (none if it vanished).
    pub fn of(dir: &Directory, id: Option<Uuid>) -> Option<Self> {
        id.and_then(|u| dir.unit(u)).map(|u| Self {
            id: u.id,
            code: u.code.clone(),
            name: u.name.clone(),
        })
    }
}

/// Another case, by number.
#[derive(Debug, Object)]
#[oai(rename = "CaseRef", rename_all = "camelCase")]
pub struct CaseLink {
    pub id: Uuid,
    /// Its case number.
    pub case_no: String,
    pub status: CaseStatus,
}

/// An open case nearby of the same category, found at submission.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct DuplicateCandidate {
    pub id: Uuid,
    /// Its case number.
    pub case_no: String,
    pub status: CaseStatus,
    /// Distance between the two pins, metres.
    pub distance_m: f64,
}

/// One entry of the full timeline.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct StaffTimelineEntry {
    pub id: Uuid,
    /// When it happened.
    pub at: Ts,
    /// What happened.
    pub action: crate::core::EventAction,
    /// The status before.
    #[oai(skip_serializing_if_is_none)]
    pub from_status: Option<CaseStatus>,
    /// The status after.
    pub status: CaseStatus,
    /// citizen | dispatcher | unit_member | supervisor | admin | system
    pub actor_role: String,
    /// The staff or unit account that acted (never shown for citizens).
    #[oai(skip_serializing_if_is_none)]
    pub actor_name: Option<String>,
    /// The note given with the action.
    #[oai(skip_serializing_if_is_none)]
    pub note: Option<String>,
    /// Whether the citizen sees this entry.
    pub public: bool,
    /// Structured details: the routing decision, the escalation level, …
    #[oai(skip_serializing_if_is_none)]
    pub data: Option<serde_json::Value>,
    /// Photos attached with this step (after-photos).
    pub photos: Vec<Photo>,
}

/// The citizen's rating (评单).
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct RatingView {
    /// 1–5.
    pub score: i32,
    /// The citizen's comment.
    #[oai(skip_serializing_if_is_none)]
    pub comment: Option<String>,
    /// When it was given.
    pub at: Ts,
}

/// An action on a case, by the operation that takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum CaseAction {
    /// `POST /cases/{id}/accept` (受理/立案).
    Accept,
    /// `POST /cases/{id}/reject` (不予受理).
    Reject,
    /// `POST /cases/{id}/mark-duplicate` (重复).
    MarkDuplicate,
    /// `POST /cases/{id}/dispatch` (派遣/改派).
    Dispatch,
    /// `POST /cases/{id}/claim` (接单).
    Claim,
    /// `POST /cases/{id}/return` (回退).
    Return,
    /// `POST /cases/{id}/resolve` (处置反馈).
    Resolve,
    /// `POST /cases/{id}/verify` with `close` (结案).
    Close,
    /// `POST /cases/{id}/verify` with `reopen` (返工).
    Reopen,
    /// `POST /cases/{id}/suspend` (挂账).
    Suspend,
    /// `POST /cases/{id}/resume`.
    Resume,
    /// `POST /cases/{id}/escalate` (督办).
    Escalate,
    /// `POST /cases/{id}/extensions` (延期申请).
    RequestExtension,
    /// `POST /cases/{id}/extensions/{eid}/decision` on the waiting request.
    DecideExtension,
}

impl CaseAction {
    pub const ALL: [CaseAction; 14] = [
        Self::Accept,
        Self::Reject,
        Self::MarkDuplicate,
        Self::Dispatch,
        Self::Claim,
        Self::Return,
        Self::Resolve,
        Self::Close,
        Self::Reopen,
        Self::Suspend,
        Self::Resume,
        Self::Escalate,
        Self::RequestExtension,
        Self::DecideExtension,
    ];

    /// The action in words, as a button says it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Accept => "受理立案",
            Self::Reject => "不予受理",
            Self::MarkDuplicate => "标记重复",
            Self::Dispatch => "派遣",
            Self::Claim => "接单",
            Self::Return => "回退",
            Self::Resolve => "处置反馈",
            Self::Close => "核查结案",
            Self::Reopen => "返工",
            Self::Suspend => "挂账",
            Self::Resume => "恢复",
            Self::Escalate => "督办",
            Self::RequestExtension => "申请延期",
            Self::DecideExtension => "审批延期",
        }
    }

    /// The action of a command template (see `transition::available`).
    pub fn of(c: &crate::cases::transition::Command) -> Option<Self> {
        use crate::cases::transition::Command as K;
        Some(match c {
            K::Accept => Self::Accept,
            K::Reject => Self::Reject,
            K::MarkDuplicate { .. } => Self::MarkDuplicate,
            K::Dispatch { .. } => Self::Dispatch,
            K::Claim => Self::Claim,
            K::Return => Self::Return,
            K::Resolve { .. } => Self::Resolve,
            K::Verify { close: true } => Self::Close,
            K::Verify { close: false } => Self::Reopen,
            K::Suspend => Self::Suspend,
            K::Resume => Self::Resume,
            K::Escalate => Self::Escalate,
            K::RequestExtension { .. } => Self::RequestExtension,
            K::DecideExtension { .. } => Self::DecideExtension,
            K::Rate { .. } | K::AutoDispatch { .. } | K::SelfFixed { .. } | K::Tick => {
                return None;
            }
        })
    }
}

/// Deadlines and escalation of a case.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct Deadlines {
    /// 接单时限: the unit must claim before this.
    #[oai(skip_serializing_if_is_none)]
    pub accept_due_at: Option<Ts>,
    /// Handling deadline (none while no clock runs).
    #[oai(skip_serializing_if_is_none)]
    pub due_at: Option<Ts>,
    /// When the warning (预警) fires or fired.
    #[oai(skip_serializing_if_is_none)]
    pub warn_at: Option<Ts>,
    /// When the warning was sent.
    #[oai(skip_serializing_if_is_none)]
    pub warned_at: Option<Ts>,
    /// Whether the case is past its deadline and not yet resolved.
    pub overdue: bool,
    /// When it became overdue.
    #[oai(skip_serializing_if_is_none)]
    pub overdue_at: Option<Ts>,
    /// Levels escalated (督办) up the unit tree.
    pub escalation_level: i32,
    /// The unit it was escalated to last.
    #[oai(skip_serializing_if_is_none)]
    pub escalated_to: Option<UnitLink>,
    /// Clock minutes left while suspended.
    #[oai(skip_serializing_if_is_none)]
    pub minutes_left_when_suspended: Option<i64>,
    /// An extension was approved.
    pub extended: bool,
    /// Minutes left to `dueAt` on the case's clock (working minutes for
    /// 工作时 and 工作日 limits, natural minutes otherwise); negative:
    /// minutes past it. Absent while no clock runs.
    #[oai(skip_serializing_if_is_none)]
    pub minutes_left: Option<i64>,
}

/// A case as staff and units see it (never the reporter's identity).
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct CaseView {
    pub id: Uuid,
    /// Human case number.
    pub case_no: String,
    pub status: CaseStatus,
    /// The status in Chinese.
    pub status_label: String,
    /// Bumped by every action; send it back as `expectedVersion`.
    pub version: i32,
    pub category: CategoryRef,
    /// What the citizen wrote.
    pub description: String,
    pub location: Location,
    /// Street address, when the citizen gave one.
    #[oai(skip_serializing_if_is_none)]
    pub address: Option<String>,
    pub area: AreaRef,
    /// The unit routing chose.
    #[oai(skip_serializing_if_is_none)]
    pub routed_unit: Option<UnitLink>,
    /// The unit it is dispatched to.
    #[oai(skip_serializing_if_is_none)]
    pub unit: Option<UnitLink>,
    pub deadlines: Deadlines,
    /// The status to return to on resume.
    #[oai(skip_serializing_if_is_none)]
    pub suspended_from: Option<CaseStatus>,
    /// The case this one was merged into.
    #[oai(skip_serializing_if_is_none)]
    pub duplicate_of: Option<CaseLink>,
    /// Open cases nearby of the same category (for the dispatcher).
    pub duplicate_candidates: Vec<DuplicateCandidate>,
    /// What the caller may do now, given its role, the status and, for a
    /// unit member, whether the case is its own unit's. Each still checks
    /// its input (a note, photos, the target) and the version.
    pub actions: Vec<CaseAction>,
    /// Extension requests, oldest first.
    pub extensions: Vec<ExtensionView>,
    /// The citizen's rating.
    #[oai(skip_serializing_if_is_none)]
    pub rating: Option<RatingView>,
    /// The citizen's photos.
    pub photos: Vec<Photo>,
    /// How the report came in: the mini-program, or an Open311 integrator.
    pub source: CaseSource,
    /// Citizens who follow the case (附议) besides its reporter.
    pub followers: i64,
    /// Open content-security flags of its text and photos (empty while
    /// content security is off).
    pub content_flags: Vec<crate::content::dto::ContentFlag>,
    /// The whole timeline, oldest first.
    pub timeline: Vec<StaffTimelineEntry>,
    /// When it was submitted.
    pub created_at: Ts,
    /// When it last changed.
    pub updated_at: Ts,
}

/// One line of the case list.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct CaseSummary {
    pub id: Uuid,
    /// Human case number.
    pub case_no: String,
    pub status: CaseStatus,
    /// Bumped by every action.
    pub version: i32,
    pub category: CategoryRef,
    pub area: AreaRef,
    /// The unit it is dispatched to.
    #[oai(skip_serializing_if_is_none)]
    pub unit: Option<UnitLink>,
    pub location: Location,
    /// Handling deadline.
    #[oai(skip_serializing_if_is_none)]
    pub due_at: Option<Ts>,
    /// Past its deadline and not yet resolved.
    pub overdue: bool,
    /// Levels escalated.
    pub escalation_level: i32,
    /// When it was submitted.
    pub created_at: Ts,
}

/// A page of cases, newest first.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct CasePage {
    /// This page.
    pub items: Vec<CaseSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

impl CasePage {
    /// A page of the case list, its locations in `system`.
    pub fn of(state: &AppState, list: CaseList, system: CoordSystem) -> Self {
        let (dir, cats, areas) = (
            state.directory.get(),
            state.categories.get(),
            state.areas.get(),
        );
        let items = list
            .items
            .into_iter()
            .map(|c| CaseSummary {
                overdue: c.is_overdue(),
                id: c.id,
                status: c.status,
                version: c.version,
                category: CategoryRef::of(&cats, c.category_id),
                area: AreaRef::of(&areas, c.area_id),
                unit: UnitLink::of(&dir, c.unit_id),
                location: Location::of(Wgs84::from_stored(c.lat, c.lng), system),
                due_at: c.clock.due_at,
                escalation_level: c.clock.escalation_level,
                created_at: c.created_at,
                case_no: c.case_no,
            })
            .collect();
        Self {
            items,
            next_cursor: list.next_cursor,
        }
    }
}

/// The reporter's identity, shown to staff only with a recorded reason.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct ReporterView {
    /// The reporter's account id.
    pub user_id: Uuid,
    /// WeChat openid.
    #[oai(skip_serializing_if_is_none)]
    pub openid: Option<String>,
    /// Phone number, when known.
    #[oai(skip_serializing_if_is_none)]
    pub phone: Option<String>,
    /// Display name.
    pub display_name: String,
}

/// A unit of the directory.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct UnitEntry {
    pub id: Uuid,
    /// Code (what `unitCode` and the `unit` filters take).
    pub code: String,
    /// Name.
    pub name: String,
    /// chengguan | huanwei | jiaojing | street_office | property | other
    pub kind: String,
    /// The parent unit (where escalation goes); absent at the top.
    #[oai(skip_serializing_if_is_none)]
    pub parent_id: Option<Uuid>,
}

impl UnitEntry {
    /// A unit as the directory holds it.
    pub fn of(u: crate::cases::views::Unit) -> Self {
        Self {
            id: u.id,
            code: u.code,
            name: u.name,
            kind: u.kind,
            parent_id: u.parent_id,
        }
    }
}
