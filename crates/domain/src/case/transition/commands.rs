//! The commands of the case loop: who may give each, from which statuses,
//! and how each is named.

use super::{CaseRef, ExtensionRef, Refusal};
use crate::{Caller, CaseStatus, CaseStatus as S, LimitUnit, Role, case::model::Case};
use uuid::Uuid;

/// A command on a case.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// 受理/立案 — dispatcher.
    Accept,
    /// 不予受理 — dispatcher; the note is the reason the citizen sees.
    Reject,
    /// 重复 — dispatcher; `target` is the case that carries on, as loaded
    /// (none: no such case).
    MarkDuplicate { target: Option<CaseRef> },
    /// 派遣/改派 — dispatcher; to the unit with this code, or routing's.
    Dispatch { unit_code: Option<String> },
    /// 接单 — unit member.
    Claim,
    /// 回退 — unit member.
    Return,
    /// 处置反馈 — unit member, with after-photos.
    Resolve { media_ids: Vec<Uuid> },
    /// 核查: 结案 (`close`) or 返工 — dispatcher.
    Verify { close: bool },
    /// 挂账 — dispatcher.
    Suspend,
    /// Back from 挂账 — dispatcher.
    Resume,
    /// 督办 one level up — supervisor.
    Escalate,
    /// 延期 request — unit member; `id` is the new request's id, `pending`
    /// whether one is already waiting.
    RequestExtension {
        id: Uuid,
        amount: i32,
        unit: Option<LimitUnit>,
        pending: bool,
    },
    /// 延期 decision — dispatcher.
    DecideExtension {
        extension: ExtensionRef,
        approve: bool,
    },
    /// 评单 — the reporter, once the case is closed.
    Rate { score: i32 },
    /// Automatic 立案 and dispatch at submission — the system.
    AutoDispatch { unit_id: Uuid },
    /// 随手治 at submission: the volunteer fixed it, with these after
    /// photos; the case waits for 核查 — the system.
    SelfFixed { media_ids: Vec<Uuid> },
    /// Whatever timer is due (warning, overdue, escalation, accept
    /// overdue) — the system's scheduler.
    Tick,
}

const OPEN_FOR_SUSPENSION: &[CaseStatus] = &[
    S::Accepted,
    S::Dispatched,
    S::Returned,
    S::InProgress,
    S::Reopened,
];
const WITHDRAWABLE: &[CaseStatus] = &[
    S::Submitted,
    S::Accepted,
    S::Dispatched,
    S::Returned,
    S::InProgress,
    S::Reopened,
];
const DISPATCHABLE: &[CaseStatus] = &[
    S::Submitted,
    S::Accepted,
    S::Returned,
    S::Dispatched,
    S::InProgress,
    S::Reopened,
];

impl Command {
    /// The roles that may give it; none: the system only.
    pub fn roles(&self) -> Option<&'static [Role]> {
        Some(match self {
            Self::Claim | Self::Return | Self::Resolve { .. } | Self::RequestExtension { .. } => {
                &[Role::UnitMember]
            }
            Self::Escalate => &[Role::Supervisor],
            Self::Rate { .. } => &[Role::Citizen],
            Self::AutoDispatch { .. } | Self::SelfFixed { .. } | Self::Tick => return None,
            _ => &[Role::Dispatcher],
        })
    }

    /// The statuses it applies to; none: any.
    pub fn from(&self) -> Option<&'static [CaseStatus]> {
        Some(match self {
            Self::Accept | Self::AutoDispatch { .. } | Self::SelfFixed { .. } => &[S::Submitted],
            // Found out after dispatch too: the case leaves the unit's work,
            // and what its reporter earned is taken back.
            Self::Reject | Self::MarkDuplicate { .. } => WITHDRAWABLE,
            Self::Dispatch { .. } => DISPATCHABLE,
            Self::Claim => &[S::Dispatched, S::Reopened],
            Self::Return => &[S::Dispatched, S::InProgress],
            Self::Resolve { .. } => &[S::InProgress],
            Self::Verify { .. } => &[S::Resolved],
            Self::Suspend => OPEN_FOR_SUSPENSION,
            Self::Resume => &[S::Suspended],
            Self::Escalate | Self::RequestExtension { .. } | Self::Tick => &S::CLOCK_RUNS,
            Self::Rate { .. } => &[S::Closed],
            Self::DecideExtension { .. } => return None,
        })
    }

    pub(super) fn note_required(&self) -> bool {
        matches!(
            self,
            Self::Reject | Self::Return | Self::Verify { close: false } | Self::Suspend
        )
    }

    /// The name in refusals and in the audit log (`case.<name>`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Reject => "reject",
            Self::MarkDuplicate { .. } => "mark_duplicate",
            Self::Dispatch { .. } => "dispatch",
            Self::Claim => "claim",
            Self::Return => "return",
            Self::Resolve { .. } => "resolve",
            Self::Verify { close: true } => "close",
            Self::Verify { close: false } => "reopen",
            Self::Suspend => "suspend",
            Self::Resume => "resume",
            Self::Escalate => "escalate",
            Self::RequestExtension { .. } => "request_extension",
            Self::DecideExtension { approve: true, .. } => "extension_approved",
            Self::DecideExtension { approve: false, .. } => "extension_refused",
            Self::Rate { .. } => "rate",
            Self::AutoDispatch { .. } => "auto_dispatch",
            Self::SelfFixed { .. } => "self_fixed",
            Self::Tick => "timer",
        }
    }

    /// 不予受理 of a 随手治 case still waiting for 核查 (nothing was
    /// fixed, or not by this volunteer), or its 派遣 to a unit the
    /// dispatcher chooses (routing found none): allowed although it is
    /// resolved.
    fn rejects_self_fix(&self, case: &Case) -> bool {
        matches!(self, Self::Reject | Self::Dispatch { .. })
            && case.status == S::Resolved
            && case.self_fixed()
    }

    pub(super) fn check_from(&self, case: &Case) -> Result<(), Refusal> {
        // A rated case says so before it says it is not closed.
        if matches!(self, Self::Rate { .. }) && case.rating.is_some() {
            return Err(Refusal::AlreadyRated);
        }
        // A volunteer does not rate their own 随手治 (its points are the
        // 随手治's; a low score would reopen a case nobody else handled).
        if matches!(self, Self::Rate { .. }) && case.self_fixed() {
            return Err(Refusal::IllegalTransition {
                action: self.name(),
                from: case.status,
            });
        }
        if self.rejects_self_fix(case) {
            return Ok(());
        }
        match self.from() {
            Some(from) if !from.contains(&case.status) => Err(match self {
                Self::Rate { .. } => Refusal::NotClosed,
                _ => Refusal::IllegalTransition {
                    action: self.name(),
                    from: case.status,
                },
            }),
            _ => Ok(()),
        }
    }
}

/// The commands a person may give on a case as it is now: the role, the
/// status and, for a unit member, that the case is its own unit's. What
/// depends on the input (a note, photos, the target unit or case) is left
/// to the command itself. `extension_pending`: a request waits for a
/// decision. Templates only: their arguments are placeholders.
pub fn available(case: &Case, caller: &Caller, extension_pending: bool) -> Vec<Command> {
    let candidates = [
        Command::Accept,
        Command::Reject,
        Command::MarkDuplicate { target: None },
        Command::Dispatch { unit_code: None },
        Command::Claim,
        Command::Return,
        Command::Resolve { media_ids: vec![] },
        Command::Verify { close: true },
        Command::Verify { close: false },
        Command::Suspend,
        Command::Resume,
        Command::Escalate,
        Command::RequestExtension {
            id: Uuid::nil(),
            amount: 0,
            unit: None,
            pending: extension_pending,
        },
    ];
    let own =
        caller.role != Role::UnitMember || case.unit_id.is_some_and(|u| Some(u) == caller.unit_id);
    candidates
        .into_iter()
        .filter(|c| c.roles().is_some_and(|r| r.contains(&caller.role)))
        .filter(|c| c.from().is_none_or(|f| f.contains(&case.status)) || c.rejects_self_fix(case))
        .filter(|c| own && !(matches!(c, Command::RequestExtension { .. }) && extension_pending))
        .collect()
}
