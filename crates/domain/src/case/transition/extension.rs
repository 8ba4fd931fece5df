//! A dispatcher's decision on a unit's extension request (延期): an
//! approval adds the time to the running clock (or to the time left, while
//! 挂账); either way the request is closed, the timeline says so and the
//! unit is told.

use super::{Ctx, Effect, ExtensionRef, Refusal, Transition};
use crate::case::event::EventAction;
use crate::{
    ExtensionStatus,
    case::model::{Case, TimerField as F},
};
use serde_json::json;

pub(super) fn decide(
    case: &Case,
    ext: &ExtensionRef,
    approve: bool,
    note: Option<String>,
    ctx: &Ctx<'_>,
    t: &mut Transition,
) -> Result<(), Refusal> {
    if ext.status != ExtensionStatus::Pending {
        return Err(Refusal::ExtensionDecided { status: ext.status });
    }
    let now = ctx.now;
    if approve {
        let extra = ctx.clock.cal.limit_minutes(i64::from(ext.amount), ext.unit);
        let total = case.clock.total_minutes.unwrap_or(0) + extra;
        let c = &mut t.after.clock;
        c.total_minutes = Some(total);
        t.after.extended = true;
        if let Some(left) = case.clock.left_minutes {
            c.left_minutes = Some(left + extra);
        } else if let (Some(due), Some(kind)) = (case.clock.due_at, case.clock.kind) {
            let new_due = ctx.clock.add(kind, due, extra);
            let left = ctx.clock.between(kind, now, new_due);
            let s = ctx.clock.schedule(kind, now, left, total, false);
            (c.due_at, c.warn_at, c.warned_at) = (Some(new_due), s.warn_at, None);
            let mut fields = vec![F::WarnedAt];
            if new_due > now {
                (c.overdue_at, c.next_escalation_at) = (None, None);
                fields.extend([F::OverdueAt, F::NextEscalationAt]);
            }
            t.assign(&fields);
        }
    }
    let (action, status, said) = if approve {
        (
            EventAction::ExtensionApproved,
            ExtensionStatus::Approved,
            "已批准",
        )
    } else {
        (
            EventAction::ExtensionRefused,
            ExtensionStatus::Refused,
            "未批准",
        )
    };
    let data = json!({"extensionId": ext.id, "amount": ext.amount, "limitUnit": ext.unit.as_str()});
    t.event(
        ctx,
        action,
        (case.status, case.status),
        note.clone(),
        approve,
        Some(data),
    );
    t.effects.push(Effect::DecideExtension {
        id: ext.id,
        status,
        note,
    });
    if let Some(u) = case.unit_id {
        t.notify_unit(u, "extension_decided", format!("延期申请{said}"));
    }
    Ok(())
}
