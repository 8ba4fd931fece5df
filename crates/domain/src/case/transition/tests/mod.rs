//! The transition core, exhaustively and without a database: every status
//! × every command, allowed or refused with its precise reason (`table`);
//! the refusals that do not depend on the status (`refusals`); and what the
//! allowed commands do (`behaviour`). Shared fixtures here.

mod behaviour;
mod refusals;
mod table;

use super::*;
use crate::{
    CaseStatus as S, ClockKind,
    calendar::WorkCalendar,
    case::model::{CaseClock, Rating},
};
use std::{collections::HashMap, sync::Arc};

pub(super) fn t(s: &str) -> Ts {
    chrono::DateTime::parse_from_rfc3339(s).unwrap_or_default()
}

/// A street office under a district bureau under the city bureau.
pub(super) struct Tree(HashMap<Uuid, (&'static str, &'static str, Option<Uuid>)>);

pub(super) fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

pub(super) fn tree() -> Tree {
    Tree(HashMap::from([
        (id(1), ("street", "街道办", Some(id(2)))),
        (id(2), ("district", "区城管局", Some(id(3)))),
        (id(3), ("city", "市城管局", None)),
    ]))
}

impl Units for Tree {
    fn unit(&self, u: Uuid) -> Option<UnitRef<'_>> {
        self.0
            .get(&u)
            .map(|(code, name, _)| UnitRef { id: u, code, name })
    }
    fn unit_by_code(&self, code: &str) -> Option<UnitRef<'_>> {
        self.0
            .iter()
            .find(|(_, (c, ..))| *c == code)
            .map(|(u, (code, name, _))| UnitRef { id: *u, code, name })
    }
    fn ancestors(&self, u: Uuid) -> Vec<Uuid> {
        let mut out = vec![];
        let mut cur = self.0.get(&u).and_then(|x| x.2);
        while let Some(p) = cur {
            out.push(p);
            cur = self.0.get(&p).and_then(|x| x.2);
        }
        out
    }
}

pub(super) fn category() -> CategoryRules {
    CategoryRules {
        id: id(50),
        code: "0201".into(),
        name: "非法小广告".into(),
        parent_id: Some(id(51)),
        time_limit: 8,
        limit_unit: LimitUnit::WorkHours,
        accept_limit_hours: 2,
        manual_review: true,
        unsatisfied_max: 2,
    }
}

pub(super) fn clock() -> Clock {
    Clock {
        cal: Arc::new(WorkCalendar::default_city()),
        warn_fraction: 0.8,
    }
}

pub(super) const NOW: &str = "2026-11-24T10:00:00+08:00";

/// A case in `status` with what that status implies: a unit and a running
/// clock once dispatched, the status it came from when suspended.
pub(super) fn case_in(status: S) -> Case {
    let dispatched = !matches!(
        status,
        S::Submitted | S::Accepted | S::Rejected | S::Duplicate
    );
    Case {
        id: id(100),
        case_no: "SSP-20261124-000001".into(),
        reporter_id: id(200),
        category_id: id(50),
        description: "小广告".into(),
        lat: 40.8,
        lng: 111.7,
        address: None,
        area_id: id(300),
        status,
        channel: crate::channel::Channel::MiniProgram,
        version: 3,
        unit_id: dispatched.then_some(id(1)),
        routed_unit_id: Some(id(1)),
        rule_id: None,
        clock: if status.clock_runs() {
            CaseClock {
                kind: Some(ClockKind::Work),
                total_minutes: Some(480),
                due_at: Some(t("2026-11-25T10:00:00+08:00")),
                // Both past at NOW: something is due in every running status.
                warn_at: Some(t("2026-11-24T09:45:00+08:00")),
                accept_due_at: Some(t("2026-11-24T09:30:00+08:00")),
                ..CaseClock::default()
            }
        } else if status == S::Suspended {
            CaseClock {
                kind: Some(ClockKind::Work),
                total_minutes: Some(480),
                left_minutes: Some(120),
                ..CaseClock::default()
            }
        } else {
            CaseClock::default()
        },
        suspended_from: (status == S::Suspended).then_some(S::InProgress),
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
        created_at: t("2026-11-24T09:00:00+08:00"),
        updated_at: t("2026-11-24T09:00:00+08:00"),
    }
}

pub(super) fn caller(role: Role) -> Who {
    Who::Caller(Caller {
        user_id: id(900),
        role,
        unit_id: (role == Role::UnitMember).then_some(id(1)),
    })
}

/// Each command with the role that gives it, its note, and arguments that
/// pass every check but the status.
pub(super) fn commands() -> Vec<(&'static str, Command, Who, Option<String>)> {
    let note = Some("原因".to_string());
    let target = CaseRef {
        id: id(101),
        case_no: "SSP-20261124-000002".into(),
        status: S::Dispatched,
        created_at: chrono::DateTime::UNIX_EPOCH.fixed_offset(),
    };
    let ext = ExtensionRef {
        id: id(400),
        status: ExtensionStatus::Pending,
        amount: 4,
        unit: LimitUnit::WorkHours,
    };
    vec![
        ("accept", Command::Accept, caller(Role::Dispatcher), None),
        (
            "reject",
            Command::Reject,
            caller(Role::Dispatcher),
            note.clone(),
        ),
        (
            "mark_duplicate",
            Command::MarkDuplicate {
                target: Some(target),
            },
            caller(Role::Dispatcher),
            None,
        ),
        (
            "dispatch",
            Command::Dispatch { unit_code: None },
            caller(Role::Dispatcher),
            None,
        ),
        ("claim", Command::Claim, caller(Role::UnitMember), None),
        (
            "return",
            Command::Return,
            caller(Role::UnitMember),
            note.clone(),
        ),
        (
            "resolve",
            Command::Resolve {
                media_ids: vec![id(700)],
            },
            caller(Role::UnitMember),
            None,
        ),
        (
            "close",
            Command::Verify { close: true },
            caller(Role::Dispatcher),
            None,
        ),
        (
            "reopen",
            Command::Verify { close: false },
            caller(Role::Dispatcher),
            note.clone(),
        ),
        (
            "suspend",
            Command::Suspend,
            caller(Role::Dispatcher),
            note.clone(),
        ),
        ("resume", Command::Resume, caller(Role::Dispatcher), None),
        (
            "escalate",
            Command::Escalate,
            caller(Role::Supervisor),
            None,
        ),
        (
            "request_extension",
            Command::RequestExtension {
                id: id(401),
                amount: 4,
                unit: None,
                pending: false,
            },
            caller(Role::UnitMember),
            note.clone(),
        ),
        (
            "extension_approved",
            Command::DecideExtension {
                extension: ext,
                approve: true,
            },
            caller(Role::Dispatcher),
            None,
        ),
        (
            "rate",
            Command::Rate { score: 5 },
            caller(Role::Citizen),
            None,
        ),
        (
            "auto_dispatch",
            Command::AutoDispatch { unit_id: id(1) },
            Who::System,
            None,
        ),
        (
            "self_fixed",
            Command::SelfFixed {
                media_ids: vec![id(701)],
            },
            Who::System,
            None,
        ),
        // The clock of `case_in` is past its warning (and accept) point at NOW.
        ("timer", Command::Tick, Who::System, None),
    ]
}

pub(super) fn run(
    case: &Case,
    cmd: &Command,
    who: &Who,
    note: Option<String>,
    expected: Option<i32>,
) -> Result<Transition, Refusal> {
    let (clock, units, cat) = (clock(), tree(), category());
    let ctx = Ctx {
        who,
        now: t(NOW),
        clock: &clock,
        units: &units,
        category: &cat,
        expected_version: expected,
    };
    decide(case, cmd, note, &ctx)
}
