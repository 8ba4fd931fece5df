//! The transition table, exhaustively and without a database: every status
//! × every command, allowed or refused with its precise reason; then the
//! refusals that do not depend on the status, and what the allowed ones do.

use super::*;
use crate::{
    calendar::WorkCalendar,
    cases::model::{CaseClock, Rating},
    core::{CaseStatus as S, ClockKind},
};
use std::{collections::HashMap, sync::Arc};

fn t(s: &str) -> Ts {
    chrono::DateTime::parse_from_rfc3339(s).unwrap_or_default()
}

/// A street office under a district bureau under the city bureau.
struct Tree(HashMap<Uuid, (&'static str, &'static str, Option<Uuid>)>);

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn tree() -> Tree {
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

fn category() -> CategoryRules {
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

fn clock() -> Clock {
    Clock {
        cal: Arc::new(WorkCalendar::default_city()),
        warn_fraction: 0.8,
    }
}

const NOW: &str = "2026-11-24T10:00:00+08:00";

/// A case in `status` with what that status implies: a unit and a running
/// clock once dispatched, the status it came from when suspended.
fn case_in(status: S) -> Case {
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
        dispatched_at: None,
        resolved_at: None,
        closed_at: None,
        rating: None,
        created_at: t("2026-11-24T09:00:00+08:00"),
        updated_at: t("2026-11-24T09:00:00+08:00"),
    }
}

fn caller(role: Role) -> Who {
    Who::Caller(Caller {
        user_id: id(900),
        role,
        unit_id: (role == Role::UnitMember).then_some(id(1)),
    })
}

/// Each command with the role that gives it, its note, and arguments that
/// pass every check but the status.
fn commands() -> Vec<(&'static str, Command, Who, Option<String>)> {
    let note = Some("原因".to_string());
    let target = CaseRef {
        id: id(101),
        case_no: "SSP-20261124-000002".into(),
        status: S::Dispatched,
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
        // The clock of `case_in` is past its warning (and accept) point at NOW.
        ("timer", Command::Tick, Who::System, None),
    ]
}

/// Which statuses each command is allowed from; `.`: refused with
/// 409 illegal_transition (rating: not_closed).
const TABLE: &str = "
                    sub rej dup acc dis ret inp res clo reo sus
accept              Y   .   .   .   .   .   .   .   .   .   .
reject              Y   .   .   Y   .   .   .   .   .   .   .
mark_duplicate      Y   .   .   Y   .   .   .   .   .   .   .
dispatch            Y   .   .   Y   Y   Y   Y   .   .   Y   .
claim               .   .   .   .   Y   .   .   .   .   Y   .
return              .   .   .   .   Y   .   Y   .   .   .   .
resolve             .   .   .   .   .   .   Y   .   .   .   .
close               .   .   .   .   .   .   .   Y   .   .   .
reopen              .   .   .   .   .   .   .   Y   .   .   .
suspend             .   .   .   Y   Y   Y   Y   .   .   Y   .
resume              .   .   .   .   .   .   .   .   .   .   Y
escalate            .   .   .   .   Y   .   Y   .   .   Y   .
request_extension   .   .   .   .   Y   .   Y   .   .   Y   .
extension_approved  Y   Y   Y   Y   Y   Y   Y   Y   Y   Y   Y
rate                .   .   .   .   .   .   .   .   Y   .   .
auto_dispatch       Y   .   .   .   .   .   .   .   .   .   .
timer               .   .   .   .   Y   .   Y   .   .   Y   .
";

const COLUMNS: [S; 11] = [
    S::Submitted,
    S::Rejected,
    S::Duplicate,
    S::Accepted,
    S::Dispatched,
    S::Returned,
    S::InProgress,
    S::Resolved,
    S::Closed,
    S::Reopened,
    S::Suspended,
];

fn run(
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

#[test]
fn every_status_times_every_command_is_allowed_or_refused_as_the_table_says() {
    let rows: HashMap<&str, Vec<bool>> = TABLE
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut parts = l.split_whitespace();
            let name = parts.next().unwrap_or_default();
            (name, parts.map(|c| c == "Y").collect())
        })
        .collect();
    let mut checked = 0;
    for (name, cmd, who, note) in commands() {
        let row = &rows[name];
        assert_eq!(row.len(), COLUMNS.len(), "row {name}");
        for (status, allowed) in COLUMNS.iter().zip(row) {
            let case = case_in(*status);
            let got = run(&case, &cmd, &who, note.clone(), Some(case.version));
            match (allowed, got) {
                (true, Ok(tr)) => {
                    assert_eq!(tr.after.id, case.id);
                    assert!(
                        !tr.events.is_empty(),
                        "{name} from {status:?} writes no event"
                    );
                }
                (true, Err(e)) => panic!("{name} from {status:?} refused: {e}"),
                (false, Ok(_)) => panic!("{name} from {status:?} allowed"),
                (false, Err(e)) => {
                    let want = if name == "rate" {
                        Refusal::NotClosed
                    } else {
                        Refusal::IllegalTransition {
                            action: cmd.name(),
                            from: *status,
                        }
                    };
                    assert_eq!(e, want, "{name} from {status:?}");
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 17 * 11);
}

#[test]
fn each_command_is_refused_to_every_other_role_with_403() {
    for (name, cmd, who, note) in commands() {
        let Who::Caller(c) = &who else { continue };
        for role in Role::ALL.into_iter().filter(|r| *r != c.role) {
            let case = case_in(S::Submitted);
            let got = run(&case, &cmd, &caller(role), note.clone(), Some(3));
            assert_eq!(
                got,
                Err(Refusal::Forbidden(Forbidden { role })),
                "{name} as {role:?}"
            );
        }
        // And the system's commands to every person.
    }
    for role in Role::ALL {
        let got = run(
            &case_in(S::Dispatched),
            &Command::Tick,
            &caller(role),
            None,
            None,
        );
        assert_eq!(got, Err(Refusal::SystemOnly { action: "timer" }));
    }
}

#[test]
fn refusals_that_do_not_depend_on_the_status() {
    let d = caller(Role::Dispatcher);
    let u = caller(Role::UnitMember);
    let sub = case_in(S::Submitted);
    let inp = case_in(S::InProgress);
    // Notes.
    assert_eq!(
        run(&sub, &Command::Reject, &d, Some("  ".into()), Some(3)),
        Err(Refusal::NoteRequired { action: "reject" })
    );
    assert_eq!(
        run(&sub, &Command::Accept, &d, Some("长".repeat(501)), Some(3)),
        Err(Refusal::NoteTooLong)
    );
    let req = Command::RequestExtension {
        id: id(1),
        amount: 2,
        unit: None,
        pending: false,
    };
    assert_eq!(
        run(&inp, &req, &u, None, Some(3)),
        Err(Refusal::ReasonRequired)
    );
    // Versions.
    assert_eq!(
        run(&sub, &Command::Accept, &d, None, Some(2)),
        Err(Refusal::VersionConflict {
            current: 3,
            expected: 2
        })
    );
    // Dispatch targets.
    let to = |code: &str| Command::Dispatch {
        unit_code: Some(code.into()),
    };
    assert_eq!(
        run(&sub, &to("nope"), &d, None, Some(3)),
        Err(Refusal::UnknownUnit {
            code: "nope".into()
        })
    );
    let mut unrouted = sub.clone();
    unrouted.routed_unit_id = None;
    assert_eq!(
        run(
            &unrouted,
            &Command::Dispatch { unit_code: None },
            &d,
            None,
            Some(3)
        ),
        Err(Refusal::NoUnit)
    );
    // Merge targets.
    let dup = |target: Option<CaseRef>| Command::MarkDuplicate { target };
    assert_eq!(
        run(&sub, &dup(None), &d, None, Some(3)),
        Err(Refusal::UnknownCase)
    );
    let me = CaseRef {
        id: sub.id,
        case_no: sub.case_no.clone(),
        status: S::Submitted,
    };
    assert_eq!(
        run(&sub, &dup(Some(me)), &d, None, Some(3)),
        Err(Refusal::UnknownCase)
    );
    let rejected = CaseRef {
        id: id(5),
        case_no: "X".into(),
        status: S::Rejected,
    };
    assert_eq!(
        run(&sub, &dup(Some(rejected)), &d, None, Some(3)),
        Err(Refusal::NotACarrier {
            case_no: "X".into(),
            status: S::Rejected
        })
    );
    // Photos.
    let resolve = |n: usize| Command::Resolve {
        media_ids: (0..n).map(|i| id(i as u128)).collect(),
    };
    assert_eq!(
        run(&inp, &resolve(0), &u, None, Some(3)),
        Err(Refusal::AfterPhotosRequired)
    );
    assert_eq!(
        run(&inp, &resolve(10), &u, None, Some(3)),
        Err(Refusal::AfterPhotosRequired)
    );
    // Escalation at the top of the tree.
    let mut top = case_in(S::InProgress);
    top.clock.escalation_level = 2;
    let s = caller(Role::Supervisor);
    assert_eq!(
        run(&top, &Command::Escalate, &s, None, Some(3)),
        Err(Refusal::NoHigherUnit)
    );
    // Extensions.
    let pending = Command::RequestExtension {
        id: id(1),
        amount: 2,
        unit: None,
        pending: true,
    };
    assert_eq!(
        run(&inp, &pending, &u, Some("r".into()), Some(3)),
        Err(Refusal::ExtensionPending)
    );
    let decided = ExtensionRef {
        id: id(2),
        status: ExtensionStatus::Refused,
        amount: 1,
        unit: LimitUnit::WorkHours,
    };
    assert_eq!(
        run(
            &inp,
            &Command::DecideExtension {
                extension: decided,
                approve: true
            },
            &d,
            None,
            Some(3)
        ),
        Err(Refusal::ExtensionDecided {
            status: ExtensionStatus::Refused
        })
    );
    // Ratings.
    let mut rated = case_in(S::Closed);
    rated.rating = Some(Rating {
        score: 5,
        comment: None,
        at: t(NOW),
    });
    assert_eq!(
        run(
            &rated,
            &Command::Rate { score: 4 },
            &caller(Role::Citizen),
            None,
            None
        ),
        Err(Refusal::AlreadyRated)
    );
    // Timers with nothing due.
    let mut fresh = case_in(S::InProgress);
    fresh.clock.accept_due_at = None;
    fresh.clock.warn_at = Some(t("2026-11-25T08:30:00+08:00"));
    assert_eq!(
        run(&fresh, &Command::Tick, &Who::System, None, None),
        Err(Refusal::NothingDue)
    );
}

#[test]
fn dispatch_from_submitted_accepts_first_and_starts_both_clocks() {
    let case = case_in(S::Submitted);
    let tr = run(
        &case,
        &Command::Dispatch {
            unit_code: Some("district".into()),
        },
        &caller(Role::Dispatcher),
        None,
        Some(3),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let actions: Vec<_> = tr.events.iter().map(|e| (e.action, e.from, e.to)).collect();
    assert_eq!(
        actions,
        [
            ("accept", Some(S::Submitted), S::Accepted),
            ("dispatch", Some(S::Accepted), S::Dispatched)
        ]
    );
    assert_eq!(tr.after.status, S::Dispatched);
    assert_eq!(tr.after.unit_id, Some(id(2)));
    // 8 working hours from Tuesday 10:00; 接单 within 2 working hours.
    // (Tuesday 10:00–12:00 and 13:30–17:30 are 6 h; 2 more on Wednesday.)
    assert_eq!(tr.after.clock.due_at, Some(t("2026-11-25T10:30:00+08:00")));
    assert_eq!(
        tr.after.clock.accept_due_at,
        Some(t("2026-11-24T12:00:00+08:00"))
    );
    assert_eq!(tr.after.timer_at(), tr.after.clock.accept_due_at);
    assert_eq!(tr.guard, Guard::Version);
    assert_eq!(tr.after.updated_at, t(NOW));
    assert!(tr.effects.contains(&Effect::NotifyUnit {
        unit_id: id(2),
        event: "dispatched",
        text: "新派遣案卷：非法小广告".into()
    }));
    assert!(tr.effects.contains(&Effect::NotifyCitizen {
        status: S::Dispatched,
        note: Some("已派遣至区城管局".into())
    }));
    assert!(tr.effects.contains(&Effect::Audit {
        action: "case.dispatch".into(),
        note: None
    }));
}

#[test]
fn suspension_keeps_the_time_left_and_resumption_restores_it() {
    let d = caller(Role::Dispatcher);
    let running = case_in(S::InProgress);
    let s = run(
        &running,
        &Command::Suspend,
        &d,
        Some("施工".into()),
        Some(3),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // 10:00 Tuesday to 10:00 Wednesday: 6 + 1.5 working hours.
    assert_eq!(s.after.clock.left_minutes, Some(450));
    assert_eq!((s.after.clock.due_at, s.after.timer_at()), (None, None));
    assert_eq!(s.after.suspended_from, Some(S::InProgress));
    let mut suspended = s.after.clone();
    suspended.version = 4;
    let r = run(&suspended, &Command::Resume, &d, None, Some(4)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.after.status, S::InProgress);
    assert_eq!(r.after.clock.due_at, Some(t("2026-11-25T10:00:00+08:00")));
    assert_eq!(r.after.clock.left_minutes, None);
}

#[test]
fn an_unsatisfied_rating_sends_the_case_back_to_verification() {
    let closed = case_in(S::Closed);
    let c = caller(Role::Citizen);
    let low = run(
        &closed,
        &Command::Rate { score: 2 },
        &c,
        Some("没修好".into()),
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(low.after.status, S::Resolved);
    assert_eq!(low.after.rating.as_ref().map(|r| r.score), Some(2));
    assert!(
        low.effects.is_empty(),
        "a rating is not audited and tells no one"
    );
    let high =
        run(&closed, &Command::Rate { score: 3 }, &c, None, None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(high.after.status, S::Closed);
}

#[test]
fn timers_fire_in_order_and_escalate_up_the_tree() {
    let sys = Who::System;
    let (clock, units, cat) = (clock(), tree(), category());
    let at = |now: &str| Ctx {
        who: &sys,
        now: t(now),
        clock: &clock,
        units: &units,
        category: &cat,
        expected_version: None,
    };
    let mut case = case_in(S::InProgress);
    case.clock.accept_due_at = None;
    // Warning at 80 %, then overdue with escalation to the district, then
    // one more level a whole limit later, then nothing.
    let w = decide(
        &case,
        &Command::Tick,
        None,
        &at("2026-11-25T08:40:00+08:00"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((w.events[0].action, w.guard), ("warning", Guard::Timer));
    assert_eq!(
        w.after.version, case.version,
        "a timer does not bump the version"
    );
    let o = decide(
        &w.after,
        &Command::Tick,
        None,
        &at("2026-11-25T10:01:00+08:00"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let actions: Vec<_> = o.events.iter().map(|e| e.action).collect();
    assert_eq!(actions, ["overdue", "escalate"]);
    assert_eq!(o.after.clock.escalated_unit_id, Some(id(2)));
    assert_eq!(
        o.after.clock.next_escalation_at,
        Some(t("2026-11-26T10:30:00+08:00"))
    );
    let e = decide(
        &o.after,
        &Command::Tick,
        None,
        &at("2026-11-26T10:30:00+08:00"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(e.after.clock.escalated_unit_id, Some(id(3)));
    assert_eq!(
        e.after.clock.next_escalation_at, None,
        "nothing above the city"
    );
    assert_eq!(e.after.timer_at(), None);
}
