//! A case as the code sees it: typed, with no I/O. The app's `cases::repo` reads it
//! from its row (whose stored enums are already typed) and
//! writes back the fields a transition changed.

use crate::{CaseStatus, ClockKind, LimitUnit, Ts};
use uuid::Uuid;

/// A case (案卷).
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub id: Uuid,
    pub case_no: String,
    pub reporter_id: Uuid,
    pub category_id: Uuid,
    pub description: String,
    /// WGS-84.
    pub lat: f64,
    pub lng: f64,
    pub address: Option<String>,
    pub area_id: Uuid,
    pub status: CaseStatus,
    /// How the report came in.
    pub channel: crate::channel::Channel,
    /// Optimistic-concurrency version, bumped by every action.
    pub version: i32,
    pub unit_id: Option<Uuid>,
    pub routed_unit_id: Option<Uuid>,
    pub rule_id: Option<Uuid>,
    pub clock: CaseClock,
    /// The status to return to on resume.
    pub suspended_from: Option<CaseStatus>,
    pub duplicate_of: Option<Uuid>,
    pub extended: bool,
    pub reopen_count: i32,
    /// How many times the unit returned the case (回退).
    pub return_count: i32,
    /// When the unit last claimed the case (接单).
    pub claimed_at: Option<Ts>,
    /// Working minutes from the last dispatch to the last resolution.
    pub handling_minutes: Option<i64>,
    /// When a person first took the case on (a dispatcher's accept or
    /// dispatch, a unit member's claim): what publication and points wait
    /// for (api-docs/contract.md, "Publication").
    pub taken_on_at: Option<Ts>,
    pub dispatched_at: Option<Ts>,
    pub resolved_at: Option<Ts>,
    pub closed_at: Option<Ts>,
    pub rating: Option<Rating>,
    pub created_at: Ts,
    pub updated_at: Ts,
}

/// 评单.
#[derive(Debug, Clone, PartialEq)]
pub struct Rating {
    pub score: i32,
    pub comment: Option<String>,
    pub at: Ts,
}

/// The deadlines of a case: the accept clock (接单时限) and the handling
/// clock, its warning (预警), overdue mark (超期) and escalation (督办).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseClock {
    pub accept_due_at: Option<Ts>,
    pub accept_overdue_at: Option<Ts>,
    pub kind: Option<ClockKind>,
    /// The whole handling limit in clock minutes (extensions included).
    pub total_minutes: Option<i64>,
    /// Clock minutes left while suspended.
    pub left_minutes: Option<i64>,
    pub due_at: Option<Ts>,
    pub warn_at: Option<Ts>,
    pub warned_at: Option<Ts>,
    pub overdue_at: Option<Ts>,
    pub escalation_level: i32,
    pub escalated_unit_id: Option<Uuid>,
    pub next_escalation_at: Option<Ts>,
}

/// What a report says, from which [`Case::reported`] makes the case.
#[derive(Debug, Clone)]
pub struct Report {
    pub id: Uuid,
    pub case_no: String,
    pub reporter_id: Uuid,
    pub category_id: Uuid,
    pub description: String,
    pub address: Option<String>,
    /// WGS-84.
    pub lat: f64,
    pub lng: f64,
    pub area_id: Uuid,
    /// The routed unit and the rule that chose it.
    pub route: Option<(Uuid, Uuid)>,
    /// How it came in.
    pub channel: crate::channel::Channel,
    pub at: Ts,
}

impl Case {
    /// A case as a report makes it: submitted, version 1, no clock yet.
    pub fn reported(r: Report) -> Self {
        Self {
            id: r.id,
            case_no: r.case_no,
            reporter_id: r.reporter_id,
            category_id: r.category_id,
            description: r.description,
            lat: r.lat,
            lng: r.lng,
            address: r.address,
            area_id: r.area_id,
            status: CaseStatus::Submitted,
            channel: r.channel,
            version: 1,
            unit_id: None,
            routed_unit_id: r.route.map(|x| x.0),
            rule_id: r.route.map(|x| x.1),
            clock: CaseClock::default(),
            suspended_from: None,
            duplicate_of: None,
            extended: false,
            reopen_count: 0,
            return_count: 0,
            claimed_at: None,
            handling_minutes: None,
            taken_on_at: None,
            dispatched_at: None,
            resolved_at: None,
            closed_at: None,
            rating: None,
            created_at: r.at,
            updated_at: r.at,
        }
    }

    /// A 随手治 case the units never had: filed resolved by a volunteer,
    /// not yet sent to a unit (its reopening dispatches it).
    pub fn self_fixed(&self) -> bool {
        self.channel == crate::channel::Channel::SelfFix && self.dispatched_at.is_none()
    }

    /// Whether the case counts as overdue now (超期 while its clock runs or
    /// is suspended).
    pub fn is_overdue(&self) -> bool {
        self.clock.overdue_at.is_some() && self.status.overdue_counts()
    }

    /// The earliest pending timer: the scheduler's index (`timer_at`).
    pub fn timer_at(&self) -> Option<Ts> {
        if !self.status.clock_runs() {
            return None;
        }
        let c = &self.clock;
        [
            c.warn_at.filter(|_| c.warned_at.is_none()),
            c.due_at.filter(|_| c.overdue_at.is_none()),
            c.next_escalation_at,
            c.accept_due_at
                .filter(|_| c.accept_overdue_at.is_none() && self.status == CaseStatus::Dispatched),
        ]
        .into_iter()
        .flatten()
        .min()
    }
}

/// What a transition needs of the case's category (小类).
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryRules {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub parent_id: Option<Uuid>,
    pub time_limit: i64,
    pub limit_unit: LimitUnit,
    /// 接单时限, working hours.
    pub accept_limit_hours: i64,
    pub manual_review: bool,
    /// Ratings at or below this reopen the case for verification.
    pub unsatisfied_max: i32,
}

/// A clock field the scheduler writes. An action that assigns one writes it
/// even when the value it read is the same, since a timer may have changed
/// it meanwhile (timers do not bump the version an action is guarded by).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerField {
    AcceptOverdueAt,
    WarnedAt,
    OverdueAt,
    EscalationLevel,
    EscalatedUnitId,
    NextEscalationAt,
}

impl TimerField {
    /// Every one: a dispatch restarts every clock.
    pub const ALL: [TimerField; 6] = [
        Self::AcceptOverdueAt,
        Self::WarnedAt,
        Self::OverdueAt,
        Self::EscalationLevel,
        Self::EscalatedUnitId,
        Self::NextEscalationAt,
    ];
    /// What a fresh handling clock resets.
    pub const HANDLING: [TimerField; 5] = [
        Self::WarnedAt,
        Self::OverdueAt,
        Self::EscalationLevel,
        Self::EscalatedUnitId,
        Self::NextEscalationAt,
    ];
}
