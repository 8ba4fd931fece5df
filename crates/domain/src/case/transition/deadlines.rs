//! Starting the clocks of a case: on dispatch (the accept clock and the
//! handling clock) and on reopening (the handling clock afresh).

use crate::{
    ClockKind, Ts,
    case::{clock::Clock, model::Case, model::CategoryRules},
};
use uuid::Uuid;

/// The limit of a category as (clock kind, total clock minutes).
fn limit_of(clock: &Clock, cat: &CategoryRules) -> (ClockKind, i64) {
    let amount = cat.time_limit.max(1);
    (
        ClockKind::of(cat.limit_unit),
        clock.cal.limit_minutes(amount, cat.limit_unit),
    )
}

/// Starts a fresh handling clock (dispatch, reopen).
pub(super) fn start_clock(case: &mut Case, clock: &Clock, cat: &CategoryRules, now: Ts) {
    let (kind, total) = limit_of(clock, cat);
    let s = clock.schedule(kind, now, total, total, false);
    let c = &mut case.clock;
    (c.kind, c.total_minutes, c.left_minutes) = (Some(kind), Some(total), None);
    (c.due_at, c.warn_at, c.warned_at, c.overdue_at) = (Some(s.due), s.warn_at, None, None);
    (
        c.next_escalation_at,
        c.escalation_level,
        c.escalated_unit_id,
    ) = (None, 0, None);
}

/// Sets the unit and starts the accept and handling clocks.
pub(super) fn dispatch_into(
    case: &mut Case,
    clock: &Clock,
    cat: &CategoryRules,
    unit: Uuid,
    now: Ts,
) {
    case.unit_id = Some(unit);
    case.dispatched_at = Some(now);
    let accept_minutes = cat.accept_limit_hours.max(1) * 60;
    case.clock.accept_due_at = Some(clock.add(ClockKind::Work, now, accept_minutes));
    case.clock.accept_overdue_at = None;
    case.suspended_from = None;
    start_clock(case, clock, cat, now);
}
