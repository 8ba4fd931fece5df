//! What allowed commands change.

use super::*;
use crate::CaseStatus as S;

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
    let actions: Vec<_> = tr
        .events
        .iter()
        .map(|e| (e.action.as_str(), e.from, e.to))
        .collect();
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
    assert_eq!(
        (w.events[0].action.as_str(), w.guard),
        ("warning", Guard::Timer)
    );
    let o = decide(
        &w.after,
        &Command::Tick,
        None,
        &at("2026-11-25T10:01:00+08:00"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let actions: Vec<_> = o.events.iter().map(|e| e.action.as_str()).collect();
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

#[test]
fn actions_that_reset_a_timer_field_assign_it_so_that_a_concurrent_timer_cannot_keep_it() {
    use crate::case::model::TimerField as F;
    let d = caller(Role::Dispatcher);
    // Re-dispatch restarts every clock: every timer-owned field is written.
    let redispatch = Command::Dispatch { unit_code: None };
    let tr = run(&case_in(S::InProgress), &redispatch, &d, None, Some(3))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(tr.assigned, F::ALL);
    // Suspension stops further escalation.
    let tr = run(
        &case_in(S::InProgress),
        &Command::Suspend,
        &d,
        Some("施工".into()),
        Some(3),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(tr.assigned, [F::NextEscalationAt]);
    // A claim leaves the scheduler's marks alone.
    let tr = run(
        &case_in(S::Dispatched),
        &Command::Claim,
        &caller(Role::UnitMember),
        None,
        Some(3),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(tr.assigned.is_empty());
}

#[test]
fn points_follow_the_case_a_report_becomes() {
    let d = caller(Role::Dispatcher);
    let has = |tr: &Transition, p: Points| tr.effects.contains(&Effect::Points(p));
    let sub = case_in(S::Submitted);
    let ok = |r: Result<Transition, Refusal>| r.unwrap_or_else(|e| panic!("{e}"));
    // A person taking the case on earns (and records when); the system's
    // automatic dispatch does not; a second taking-on earns nothing new.
    let accepted = ok(run(&sub, &Command::Accept, &d, None, Some(3)));
    assert!(has(&accepted, Points::CaseAccepted));
    assert!(accepted.after.taken_on_at.is_some());
    let auto = ok(run(
        &sub,
        &Command::AutoDispatch { unit_id: id(1) },
        &Who::System,
        None,
        None,
    ));
    assert!(!has(&auto, Points::CaseAccepted));
    assert_eq!(auto.after.taken_on_at, None);
    let claimed = ok(run(
        &auto.after,
        &Command::Claim,
        &caller(Role::UnitMember),
        None,
        Some(auto.after.version),
    ));
    assert!(
        has(&claimed, Points::CaseAccepted),
        "the unit's claim is a person's"
    );
    assert!(claimed.after.taken_on_at.is_some());
    let again = ok(run(
        &claimed.after,
        &Command::Dispatch { unit_code: None },
        &d,
        None,
        Some(claimed.after.version),
    ));
    assert!(!has(&again, Points::CaseAccepted));
    assert_eq!(again.after.taken_on_at, claimed.after.taken_on_at);
    // Closing says so (the rules may award then); a rejection takes back,
    // after dispatch too.
    let resolved = case_in(S::Resolved);
    assert!(has(
        &ok(run(
            &resolved,
            &Command::Verify { close: true },
            &d,
            None,
            Some(3)
        )),
        Points::Closed
    ));
    let withdrawn = ok(run(
        &case_in(S::InProgress),
        &Command::Reject,
        &d,
        Some("虚假上报".into()),
        Some(3),
    ));
    assert!(has(&withdrawn, Points::Reverse));
    assert_eq!(
        withdrawn.after.clock.due_at, None,
        "no clock runs on a rejected case"
    );
    let rejected = ok(run(
        &sub,
        &Command::Reject,
        &d,
        Some("不在受理范围".into()),
        Some(3),
    ));
    assert!(has(&rejected, Points::Reverse));
    // Merged into a group whose first report came later: this one was first.
    let later = CaseRef {
        id: id(101),
        case_no: "SSP-20261124-000002".into(),
        status: S::Dispatched,
        created_at: sub.created_at + chrono::Duration::minutes(5),
    };
    let earlier = CaseRef {
        created_at: sub.created_at - chrono::Duration::minutes(5),
        ..later.clone()
    };
    let merge = |target: CaseRef| Command::MarkDuplicate {
        target: Some(target),
    };
    assert!(has(
        &ok(run(&sub, &merge(later), &d, None, Some(3))),
        Points::FirstOfDuplicate
    ));
    assert!(has(
        &ok(run(&sub, &merge(earlier), &d, None, Some(3))),
        Points::Reverse
    ));
    // A "solved" rating earns the bonus; an unsatisfied one does not.
    let closed = case_in(S::Closed);
    let c = caller(Role::Citizen);
    assert!(has(
        &ok(run(&closed, &Command::Rate { score: 5 }, &c, None, None)),
        Points::Solved
    ));
    assert!(!has(
        &ok(run(&closed, &Command::Rate { score: 1 }, &c, None, None)),
        Points::Solved
    ));
}

#[test]
fn a_self_fix_waits_for_verification_and_a_reopening_sends_it_to_the_routed_unit() {
    let mut filed = case_in(S::Submitted);
    filed.channel = crate::channel::Channel::SelfFix;
    let cmd = Command::SelfFixed {
        media_ids: vec![id(701)],
    };
    let fixed = run(&filed, &cmd, &Who::System, None, None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(fixed.after.status, S::Resolved);
    assert_eq!(fixed.after.unit_id, None, "no unit has it");
    assert_eq!(fixed.after.dispatched_at, None, "the unit never had it");
    assert_eq!(fixed.after.clock.due_at, None, "no clock runs");

    // 核查 passes: closed, and the volunteer's self-fix points.
    let d = caller(Role::Dispatcher);
    let closed = run(
        &fixed.after,
        &Command::Verify { close: true },
        &d,
        None,
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(closed.after.status, S::Closed);
    assert!(closed.effects.contains(&Effect::Points(Points::SelfFixed)));
    assert!(!closed.effects.contains(&Effect::Points(Points::Closed)));

    // 核查 fails: the routed unit gets it, with both clocks running.
    let note = Some("仍有小广告".to_string());
    let reopened = run(
        &fixed.after,
        &Command::Verify { close: false },
        &d,
        note,
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(reopened.after.status, S::Dispatched);
    assert_eq!(reopened.after.unit_id, Some(id(1)));
    assert_eq!(reopened.after.dispatched_at, Some(t(NOW)));
    assert!(reopened.after.clock.accept_due_at.is_some());
    assert!(reopened.after.clock.due_at.is_some());
    assert_eq!(reopened.after.reopen_count, 0, "not the unit's 返工");
    assert_eq!(reopened.after.resolved_at, None, "not the unit's 处置");
    assert!(!reopened.after.self_fixed(), "now the unit's work");

    // Or to a unit the dispatcher names.
    let to = Command::Dispatch {
        unit_code: Some("district".into()),
    };
    let sent = run(&fixed.after, &to, &d, None, None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (sent.after.status, sent.after.unit_id),
        (S::Dispatched, Some(id(2)))
    );
    assert_eq!(sent.after.resolved_at, None);

    // The volunteer does not rate their own 随手治.
    let c = caller(Role::Citizen);
    let rated = run(&closed.after, &Command::Rate { score: 5 }, &c, None, None);
    assert!(rated.is_err(), "{rated:?}");

    // A bogus one can be refused while it waits, and only then.
    let note = Some("照片不实".to_string());
    let rejected = run(&fixed.after, &Command::Reject, &d, note.clone(), None)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rejected.after.status, S::Rejected);
    assert!(run(&case_in(S::Resolved), &Command::Reject, &d, note, None).is_err());
}
