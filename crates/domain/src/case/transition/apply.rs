//! What each allowed command changes: the case after, its events, its
//! effects.

use super::{
    Command, Ctx, Effect, Guard, MAX_PHOTOS, Points, Refusal, Transition,
    deadlines::{dispatch_into, start_clock},
    extension, self_fix, timers,
};
use crate::case::event::EventAction;
use crate::{
    CaseStatus as S, ClockKind,
    case::model::{Case, TimerField as F},
};
use serde_json::json;

/// Applies an allowed command to `t.after`.
pub(super) fn apply(
    case: &Case,
    cmd: &Command,
    note: Option<String>,
    ctx: &Ctx<'_>,
    t: &mut Transition,
) -> Result<(), Refusal> {
    let from = case.status;
    let (now, cat) = (ctx.now, ctx.category);
    let to = match cmd {
        Command::Accept => {
            t.event(
                ctx,
                EventAction::Accept,
                (from, S::Accepted),
                note.clone(),
                true,
                None,
            );
            t.notify_citizen(S::Accepted, note.clone());
            S::Accepted
        }
        Command::Reject => {
            withdraw(case, t, ctx);
            t.event(
                ctx,
                EventAction::Reject,
                (from, S::Rejected),
                note.clone(),
                true,
                None,
            );
            t.notify_citizen(S::Rejected, note.clone());
            t.effects.push(Effect::Points(Points::Reverse));
            S::Rejected
        }
        Command::MarkDuplicate { target } => {
            let target = target
                .as_ref()
                .filter(|x| x.id != case.id)
                .ok_or(Refusal::UnknownCase)?;
            if matches!(target.status, S::Rejected | S::Duplicate) {
                return Err(Refusal::NotACarrier {
                    case_no: target.case_no.clone(),
                    status: target.status,
                });
            }
            withdraw(case, t, ctx);
            t.after.duplicate_of = Some(target.id);
            let msg = format!("与案件 {} 重复，由该案件继续办理", target.case_no);
            let public_note = match &note {
                Some(n) => format!("{msg}（{n}）"),
                None => msg.clone(),
            };
            let data = json!({"duplicateOf": target.id, "caseNo": target.case_no});
            t.event(
                ctx,
                EventAction::MarkDuplicate,
                (from, S::Duplicate),
                Some(public_note),
                true,
                Some(data),
            );
            t.notify_citizen(S::Duplicate, Some(msg));
            t.effects
                .push(Effect::Points(if case.created_at < target.created_at {
                    Points::FirstOfDuplicate
                } else {
                    Points::Reverse
                }));
            S::Duplicate
        }
        Command::Dispatch { unit_code } => {
            let unit = match unit_code {
                Some(code) => ctx
                    .units
                    .unit_by_code(code)
                    .ok_or_else(|| Refusal::UnknownUnit { code: code.clone() })?,
                None => case
                    .routed_unit_id
                    .and_then(|u| ctx.units.unit(u))
                    .ok_or(Refusal::NoUnit)?,
            };
            let mut before = from;
            if case.self_fixed() {
                // A 随手治 sent to a unit: its 处置 starts with the unit.
                t.after.resolved_at = None;
                t.after.taken_on_at = case.taken_on_at.or(Some(now));
            }
            if from == S::Submitted {
                t.event(
                    ctx,
                    EventAction::Accept,
                    (from, S::Accepted),
                    None,
                    true,
                    None,
                );
                before = S::Accepted;
            }
            let action = if matches!(from, S::Submitted | S::Accepted) {
                EventAction::Dispatch
            } else {
                EventAction::Redispatch
            };
            dispatch_into(&mut t.after, ctx.clock, cat, unit.id, now);
            t.assign(&F::ALL);
            let data = json!({"unitCode": unit.code, "unitName": unit.name});
            t.event(
                ctx,
                action,
                (before, S::Dispatched),
                note.clone(),
                true,
                Some(data),
            );
            t.notify_unit(unit.id, "dispatched", format!("新派遣案卷：{}", cat.name));
            t.notify_citizen(S::Dispatched, Some(format!("已派遣至{}", unit.name)));
            S::Dispatched
        }
        Command::AutoDispatch { unit_id } => {
            let unit = ctx.units.unit(*unit_id).ok_or(Refusal::NoUnit)?;
            t.event(
                ctx,
                EventAction::Accept,
                (from, S::Accepted),
                Some("自动受理".into()),
                true,
                None,
            );
            dispatch_into(&mut t.after, ctx.clock, cat, unit.id, now);
            t.assign(&F::ALL);
            let data = json!({"unitCode": unit.code, "unitName": unit.name, "auto": true});
            let text = format!("自动派遣至{}", unit.name);
            t.event(
                ctx,
                EventAction::Dispatch,
                (S::Accepted, S::Dispatched),
                Some(text),
                true,
                Some(data),
            );
            t.notify_unit(unit.id, "dispatched", format!("新派遣案卷：{}", cat.name));
            t.notify_citizen(S::Dispatched, Some(format!("已派遣至{}", unit.name)));
            S::Dispatched
        }
        Command::Claim => {
            t.after.clock.accept_due_at = None;
            t.after.claimed_at = Some(now);
            t.event(
                ctx,
                EventAction::Claim,
                (from, S::InProgress),
                note.clone(),
                true,
                None,
            );
            S::InProgress
        }
        Command::Return => {
            t.after.return_count = case.return_count + 1;
            let c = &mut t.after.clock;
            (c.due_at, c.warn_at, c.accept_due_at) = (None, None, None);
            (c.next_escalation_at, c.left_minutes) = (None, None);
            t.assign(&[F::NextEscalationAt]);
            t.event(
                ctx,
                EventAction::Return,
                (from, S::Returned),
                note.clone(),
                false,
                None,
            );
            S::Returned
        }
        Command::Resolve { media_ids } => {
            if media_ids.is_empty() || media_ids.len() > MAX_PHOTOS {
                return Err(Refusal::AfterPhotosRequired);
            }
            t.after.resolved_at = Some(now);
            t.after.handling_minutes = case
                .dispatched_at
                .map(|d| ctx.clock.between(ClockKind::Work, d, now).max(0));
            let event = t.event(
                ctx,
                EventAction::Resolve,
                (from, S::Resolved),
                note.clone(),
                true,
                None,
            );
            t.effects.push(Effect::AttachPhotos {
                media_ids: media_ids.clone(),
                event,
            });
            t.notify_citizen(S::Resolved, note.clone());
            S::Resolved
        }
        Command::SelfFixed { media_ids } => self_fix::filed(media_ids, ctx, t)?,
        Command::Verify { close: false } if case.self_fixed() => {
            self_fix::reopened(case, note.clone(), ctx, t)?
        }
        Command::Verify { close: true } if case.self_fixed() => {
            self_fix::closed(case, note.clone(), ctx, t)
        }
        Command::Verify { close: true } => {
            t.after.closed_at = Some(now);
            t.event(
                ctx,
                EventAction::Close,
                (from, S::Closed),
                note.clone(),
                true,
                None,
            );
            t.notify_citizen(S::Closed, note.clone());
            t.effects.push(Effect::Points(Points::Closed));
            S::Closed
        }
        Command::Verify { close: false } => {
            t.after.reopen_count = case.reopen_count + 1;
            t.after.clock.accept_due_at = None;
            start_clock(&mut t.after, ctx.clock, cat, now);
            t.assign(&F::HANDLING);
            t.event(
                ctx,
                EventAction::Reopen,
                (from, S::Reopened),
                note.clone(),
                true,
                None,
            );
            if let Some(u) = case.unit_id {
                let text = format!("案卷返工：{}", note.clone().unwrap_or_default());
                t.notify_unit(u, "reopened", text);
            }
            S::Reopened
        }
        Command::Suspend => {
            let c = &mut t.after.clock;
            if from.clock_runs()
                && let (Some(due), Some(kind)) = (case.clock.due_at, case.clock.kind)
            {
                c.left_minutes = Some(ctx.clock.between(kind, now, due));
            }
            (c.due_at, c.warn_at, c.accept_due_at, c.next_escalation_at) = (None, None, None, None);
            t.assign(&[F::NextEscalationAt]);
            t.after.suspended_from = Some(from);
            t.event(
                ctx,
                EventAction::Suspend,
                (from, S::Suspended),
                note.clone(),
                true,
                None,
            );
            S::Suspended
        }
        Command::Resume => {
            let back = case.suspended_from.unwrap_or(S::Accepted);
            let c = &mut t.after.clock;
            if let (Some(left), Some(kind)) = (case.clock.left_minutes, case.clock.kind) {
                let total = case.clock.total_minutes.unwrap_or(left);
                let warned = case.clock.warned_at.is_some();
                let s = ctx.clock.schedule(kind, now, left, total, warned);
                (c.due_at, c.warn_at, c.left_minutes) = (Some(s.due), s.warn_at, None);
                if case.clock.overdue_at.is_some() && s.due > now {
                    c.overdue_at = None;
                    t.assign(&[F::OverdueAt]);
                }
            }
            t.after.suspended_from = None;
            t.event(
                ctx,
                EventAction::Resume,
                (from, back),
                note.clone(),
                true,
                None,
            );
            back
        }
        Command::Escalate => {
            let unit = case.unit_id.ok_or(Refusal::IllegalTransition {
                action: "escalate",
                from,
            })?;
            let level = case.clock.escalation_level;
            let target = usize::try_from(level)
                .ok()
                .and_then(|l| ctx.units.ancestors(unit).get(l).copied())
                .and_then(|u| ctx.units.unit(u))
                .ok_or(Refusal::NoHigherUnit)?;
            t.after.clock.escalation_level = level + 1;
            t.after.clock.escalated_unit_id = Some(target.id);
            t.assign(&[F::EscalationLevel, F::EscalatedUnitId]);
            let data = json!({"level": level + 1, "unitCode": target.code, "auto": false});
            t.event(
                ctx,
                EventAction::Escalate,
                (from, from),
                note.clone(),
                false,
                Some(data),
            );
            let text = format!(
                "督办：{}",
                note.clone().unwrap_or_else(|| "请督促办理".into())
            );
            t.notify_unit(target.id, "escalated", text);
            from
        }
        Command::RequestExtension {
            id,
            amount,
            unit,
            pending,
        } => {
            if *pending {
                return Err(Refusal::ExtensionPending);
            }
            let unit = unit.unwrap_or(cat.limit_unit);
            let reason = note.clone().unwrap_or_default();
            let data = json!({"extensionId": id, "amount": amount, "limitUnit": unit.as_str()});
            t.event(
                ctx,
                EventAction::RequestExtension,
                (from, from),
                note.clone(),
                false,
                Some(data),
            );
            t.effects.push(Effect::OpenExtension {
                id: *id,
                amount: *amount,
                unit,
                reason,
            });
            from
        }
        Command::DecideExtension { extension, approve } => {
            extension::decide(case, extension, *approve, note.clone(), ctx, t)?;
            from
        }
        Command::Rate { score } => {
            let unsatisfied = *score <= cat.unsatisfied_max;
            let to = if unsatisfied { S::Resolved } else { S::Closed };
            t.after.rating = Some(crate::case::model::Rating {
                score: *score,
                comment: note.clone(),
                at: now,
            });
            let data = json!({"score": score, "reopenedForVerification": unsatisfied});
            t.event(
                ctx,
                EventAction::Rate,
                (from, to),
                note.clone(),
                true,
                Some(data),
            );
            if !unsatisfied {
                t.effects.push(Effect::Points(Points::Solved));
            }
            to
        }
        Command::Tick => {
            timers::fire(case, ctx, t)?;
            from
        }
    };
    t.after.status = to;
    if let Some(who) = audited(cmd) {
        t.effects.push(Effect::Audit {
            action: format!("case.{who}"),
            note,
        });
    }
    Ok(())
}

/// The audit action of a person's command on a case (citizens' ratings and
/// the system's moves are in the timeline only).
fn audited(cmd: &Command) -> Option<&'static str> {
    match cmd {
        Command::Rate { .. }
        | Command::AutoDispatch { .. }
        | Command::SelfFixed { .. }
        | Command::Tick => None,
        _ => Some(cmd.name()),
    }
}

impl Transition {
    /// A timer's change: guarded by the fields it changes, version not bumped.
    pub(super) fn as_timer(&mut self) {
        self.guard = Guard::Timer;
    }
}

/// A case rejected or merged after dispatch leaves its unit's work: every
/// clock stops, and the unit is told (its inbox no longer holds it).
fn withdraw(case: &Case, t: &mut Transition, ctx: &Ctx<'_>) {
    let Some(unit) = case.unit_id.filter(|_| case.status != S::Accepted) else {
        return;
    };
    let c = &mut t.after.clock;
    (c.due_at, c.warn_at, c.accept_due_at) = (None, None, None);
    (c.next_escalation_at, c.left_minutes) = (None, None);
    t.assign(&[F::NextEscalationAt]);
    t.notify_unit(
        unit,
        "withdrawn",
        format!("案卷已撤回：{}", ctx.category.name),
    );
}
