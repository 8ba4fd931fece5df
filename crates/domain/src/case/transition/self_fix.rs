//! 随手治: a volunteer's case filed already resolved, which no unit has
//! had. Its 核查 differs from a unit's resolution: closing it pays the
//! volunteer's 随手治 points; reopening it dispatches it to the routed unit,
//! whose 处置 and 返工 then start with the unit's own work.

use super::{Ctx, Effect, MAX_PHOTOS, Points, Refusal, Transition, deadlines::dispatch_into};
use crate::case::event::EventAction;
use crate::{
    CaseStatus as S,
    case::model::{Case, TimerField as F},
};
use serde_json::json;
use uuid::Uuid;

/// At submission: resolved with the volunteer's after photos; no unit,
/// no clock.
pub(super) fn filed(media_ids: &[Uuid], ctx: &Ctx<'_>, t: &mut Transition) -> Result<S, Refusal> {
    if media_ids.is_empty() || media_ids.len() > MAX_PHOTOS {
        return Err(Refusal::AfterPhotosRequired);
    }
    t.after.resolved_at = Some(ctx.now);
    let event = t.event(
        ctx,
        EventAction::Resolve,
        (S::Submitted, S::Resolved),
        Some("志愿者随手治：已自行处置，待核查".into()),
        true,
        None,
    );
    t.effects.push(Effect::AttachPhotos {
        media_ids: media_ids.to_vec(),
        event,
    });
    Ok(S::Resolved)
}

/// 核查 fails: the case becomes the routed unit's work, as a dispatch.
pub(super) fn reopened(
    case: &Case,
    note: Option<String>,
    ctx: &Ctx<'_>,
    t: &mut Transition,
) -> Result<S, Refusal> {
    let (now, cat) = (ctx.now, ctx.category);
    let unit = case
        .routed_unit_id
        .and_then(|u| ctx.units.unit(u))
        .ok_or(Refusal::NoUnit)?;
    t.after.resolved_at = None;
    t.after.taken_on_at = case.taken_on_at.or(Some(now));
    dispatch_into(&mut t.after, ctx.clock, cat, unit.id, now);
    t.assign(&F::ALL);
    let data = json!({"unitCode": unit.code, "unitName": unit.name});
    t.event(
        ctx,
        EventAction::Reopen,
        (case.status, S::Dispatched),
        note,
        true,
        Some(data),
    );
    let text = format!("随手治未处置到位，派遣：{}", cat.name);
    t.notify_unit(unit.id, "dispatched", text);
    Ok(S::Dispatched)
}

/// 核查 passes: closed, and the volunteer's points.
pub(super) fn closed(case: &Case, note: Option<String>, ctx: &Ctx<'_>, t: &mut Transition) -> S {
    let now = ctx.now;
    t.after.closed_at = Some(now);
    t.after.taken_on_at = case.taken_on_at.or(Some(now));
    t.event(
        ctx,
        EventAction::Close,
        (case.status, S::Closed),
        note.clone(),
        true,
        None,
    );
    t.notify_citizen(S::Closed, note);
    t.effects.push(Effect::Points(Points::SelfFixed));
    S::Closed
}
