//! The scheduler's timers: the accept deadline (接单时限), the warning (预警)
//! at a fraction of the limit, the overdue mark (超期) at the deadline with
//! escalation (督办) to the parent unit, and a further level up per further
//! whole limit.

use super::{Ctx, Refusal, Transition};
use crate::case::event::EventAction;
use crate::{CaseStatus, Ts, case::model::Case};
use serde_json::json;

/// What fires next for a case whose timer is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    AcceptOverdue,
    Warning,
    Overdue,
    Escalate,
}

impl Due {
    /// The event it writes (an escalation is the same event a supervisor's is).
    pub fn action(self) -> EventAction {
        match self {
            Self::AcceptOverdue => EventAction::AcceptOverdue,
            Self::Warning => EventAction::Warning,
            Self::Overdue => EventAction::Overdue,
            Self::Escalate => EventAction::Escalate,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.action().as_str()
    }
}

/// The first timer due at `now`, if any.
pub fn what_is_due(c: &Case, now: Ts) -> Option<Due> {
    if !c.status.clock_runs() {
        return None;
    }
    let k = &c.clock;
    let past = |t: Option<Ts>| t.is_some_and(|t| t <= now);
    if c.status == CaseStatus::Dispatched && k.accept_overdue_at.is_none() && past(k.accept_due_at)
    {
        Some(Due::AcceptOverdue)
    } else if k.warned_at.is_none() && past(k.warn_at) {
        Some(Due::Warning)
    } else if k.overdue_at.is_none() && past(k.due_at) {
        Some(Due::Overdue)
    } else if past(k.next_escalation_at) {
        Some(Due::Escalate)
    } else {
        None
    }
}

/// Fires the first timer due.
pub(super) fn fire(case: &Case, ctx: &Ctx<'_>, t: &mut Transition) -> Result<(), Refusal> {
    let due = what_is_due(case, ctx.now).ok_or(Refusal::NothingDue)?;
    t.as_timer();
    let (now, status, unit) = (ctx.now, case.status, case.unit_id);
    match due {
        Due::AcceptOverdue => {
            t.after.clock.accept_overdue_at = Some(now);
            t.event(
                ctx,
                EventAction::AcceptOverdue,
                (status, status),
                Some("超过接单时限".into()),
                false,
                None,
            );
            if let Some(u) = unit {
                t.notify_unit(u, "accept_overdue", "案卷超过接单时限，请尽快接单".into());
            }
        }
        Due::Warning => {
            t.after.clock.warned_at = Some(now);
            let data = json!({"dueAt": case.clock.due_at});
            t.event(
                ctx,
                EventAction::Warning,
                (status, status),
                Some("即将超期".into()),
                false,
                Some(data),
            );
            if let Some(u) = unit {
                t.notify_unit(u, "warning", "预警：案卷即将超期".into());
            }
        }
        Due::Overdue => {
            t.after.clock.overdue_at = Some(now);
            let data = json!({"dueAt": case.clock.due_at});
            t.event(
                ctx,
                EventAction::Overdue,
                (status, status),
                Some("已超期".into()),
                false,
                Some(data),
            );
            if let Some(u) = unit {
                t.notify_unit(u, "overdue", "超期：案卷已超过处置时限".into());
            }
            escalate(case, ctx, t, "超期自动督办");
        }
        Due::Escalate => {
            if !escalate(case, ctx, t, "持续超期，逐级督办") {
                // Nothing above: the timer is cleared without an event.
                t.events.clear();
            }
        }
    }
    Ok(())
}

/// Escalates one level up from the current level; arms the next level
/// after another whole limit when there is a unit above that. Returns
/// whether there was a unit to escalate to.
fn escalate(case: &Case, ctx: &Ctx<'_>, t: &mut Transition, note: &str) -> bool {
    let chain = case
        .unit_id
        .map(|u| ctx.units.ancestors(u))
        .unwrap_or_default();
    let level = case.clock.escalation_level;
    let idx = usize::try_from(level).unwrap_or(usize::MAX);
    let Some(target) = chain.get(idx).and_then(|u| ctx.units.unit(*u)) else {
        t.after.clock.next_escalation_at = None;
        return false;
    };
    let k = &case.clock;
    t.after.clock.escalation_level = level + 1;
    t.after.clock.escalated_unit_id = Some(target.id);
    let (status, now) = (case.status, ctx.now);
    let data = json!({"level": level + 1, "unitCode": target.code, "auto": true});
    t.event(
        ctx,
        EventAction::Escalate,
        (status, status),
        Some(note.to_owned()),
        false,
        Some(data),
    );
    let text = format!("督办：案卷已超期（第 {} 级）", level + 1);
    t.notify_unit(target.id, "escalated", text);
    t.after.clock.next_escalation_at =
        match (chain.len() > idx + 1, k.due_at, k.kind, k.total_minutes) {
            (true, Some(_), Some(kind), Some(total)) => {
                let base = k.next_escalation_at.or(k.due_at).unwrap_or(now);
                Some(ctx.clock.add(kind, base, total.max(1)))
            }
            _ => None,
        };
    true
}
