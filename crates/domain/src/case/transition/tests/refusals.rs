//! The refusals that do not depend on the status.

use super::*;
use crate::CaseStatus as S;

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
        created_at: sub.created_at,
    };
    assert_eq!(
        run(&sub, &dup(Some(me)), &d, None, Some(3)),
        Err(Refusal::UnknownCase)
    );
    let rejected = CaseRef {
        id: id(5),
        case_no: "X".into(),
        status: S::Rejected,
        created_at: sub.created_at,
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
