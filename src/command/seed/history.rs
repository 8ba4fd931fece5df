//! One seeded case and its timeline, step by step through the case loop
//! (the proportions are in the parent module's documentation).

use super::{Ctx, point};
use crate::core::{CaseStatus as S, ClockKind, LimitUnit, Ts, time::shanghai};
use chrono::Duration;
use entity::{case_event, cases};
use rand::{Rng, rngs::StdRng};
use sea_orm::ActiveValue::Set;
use uuid::Uuid;

/// One step of a seeded timeline.
struct Step {
    action: &'static str,
    from: Option<S>,
    to: S,
    role: &'static str,
    at: Ts,
}

#[allow(clippy::too_many_lines)]
pub(super) fn one_case(
    ctx: &Ctx,
    rng: &mut StdRng,
    days: i64,
    seq: usize,
) -> Option<(cases::ActiveModel, Vec<case_event::ActiveModel>)> {
    let (lat, lng, area_id) = point(ctx, rng)?;
    let cat = ctx.cats.get(rng.random_range(0..ctx.cats.len()))?;
    let containing = ctx.areas.containing(lng, lat);
    let route = ctx.dir.route(&containing, cat)?;
    let created = ctx.now - Duration::seconds(rng.random_range(0..days.max(1) * 86_400));
    let id = Uuid::now_v7();
    let day = created.with_timezone(&shanghai()).format("%Y%m%d");
    let mut c = blank(
        id,
        format!("SSP-{day}-9{seq:06}"),
        cat.id,
        lat,
        lng,
        area_id,
        created,
    );
    c.reporter_id = Set(ctx.citizens[rng.random_range(0..ctx.citizens.len())]);
    c.routed_unit_id = Set(Some(route.unit_id));
    c.rule_id = Set(Some(route.rule_id));
    let mut steps = vec![Step {
        action: "submit",
        from: None,
        to: S::Submitted,
        role: "citizen",
        at: created,
    }];
    let past = |t: Ts| t <= ctx.now;
    let mins = |m: i64| Duration::minutes(m);
    let fate: f64 = rng.random();
    let review = created + mins(rng.random_range(5..180));
    if !past(review) {
        return Some(finish(c, S::Submitted, created, steps));
    }
    if fate < 0.04 || fate < 0.07 {
        let (to, action) = if fate < 0.04 {
            (S::Rejected, "reject")
        } else {
            (S::Duplicate, "mark_duplicate")
        };
        steps.push(Step {
            action,
            from: Some(S::Submitted),
            to,
            role: "dispatcher",
            at: review,
        });
        return Some(finish(c, to, review, steps));
    }
    // Accepted and dispatched.
    steps.push(Step {
        action: "accept",
        from: Some(S::Submitted),
        to: S::Accepted,
        role: "dispatcher",
        at: review,
    });
    steps.push(Step {
        action: "dispatch",
        from: Some(S::Accepted),
        to: S::Dispatched,
        role: "dispatcher",
        at: review,
    });
    let unit_limit = LimitUnit::parse(cat.limit_unit.as_deref().unwrap_or("work_hours"))
        .unwrap_or(LimitUnit::WorkHours);
    let kind = ClockKind::of(unit_limit);
    let total = ctx
        .clock
        .cal
        .limit_minutes(i64::from(cat.time_limit.unwrap_or(8).max(1)), unit_limit);
    let mut dispatched = review;
    if rng.random_bool(0.05) {
        // Returned once, dispatched again an hour later.
        let back = dispatched + mins(rng.random_range(10..120));
        if past(back + mins(60)) {
            steps.push(Step {
                action: "return",
                from: Some(S::Dispatched),
                to: S::Returned,
                role: "unit_member",
                at: back,
            });
            dispatched = back + mins(60);
            steps.push(Step {
                action: "dispatch",
                from: Some(S::Returned),
                to: S::Dispatched,
                role: "dispatcher",
                at: dispatched,
            });
            c.return_count = Set(1);
        }
    }
    let accept_limit = i64::from(cat.accept_limit_hours.unwrap_or(2).max(1)) * 60;
    let accept_due = ctx.clock.add(ClockKind::Work, dispatched, accept_limit);
    let mut due = ctx.clock.add(kind, dispatched, total);
    let warn = ctx.clock.add(kind, dispatched, (total as f64 * 0.8) as i64);
    c.unit_id = Set(Some(route.unit_id));
    c.dispatched_at = Set(Some(dispatched));
    c.clock_kind = Set(Some(kind.as_str().into()));
    c.clock_total_minutes = Set(Some(total));
    if rng.random_bool(0.04) {
        due = ctx.clock.add(kind, due, total);
        c.extended = Set(true);
    }
    c.due_at = Set(Some(due));
    c.warn_at = Set(Some(warn));
    // Claim: in time 90 %.
    let late_claim = rng.random_bool(0.10);
    let claim = if late_claim {
        accept_due + mins(rng.random_range(10..240))
    } else {
        dispatched + mins(rng.random_range(1..accept_limit.max(2)))
    };
    if !past(claim) {
        c.accept_due_at = Set(Some(accept_due));
        c.timer_at = Set(Some(warn.min(accept_due)));
        return Some(finish(c, S::Dispatched, dispatched, steps));
    }
    if late_claim {
        c.accept_overdue_at = Set(Some(accept_due));
        steps.push(Step {
            action: "accept_overdue",
            from: Some(S::Dispatched),
            to: S::Dispatched,
            role: "system",
            at: accept_due,
        });
    }
    c.claimed_at = Set(Some(claim));
    steps.push(Step {
        action: "claim",
        from: Some(S::Dispatched),
        to: S::InProgress,
        role: "unit_member",
        at: claim,
    });
    // Handling: 82 % within the deadline.
    let span = (due - claim).num_minutes().max(30);
    let never = (0.95..0.98).contains(&fate);
    let late = rng.random_bool(0.18) || never;
    let resolve = if late {
        due + mins(rng.random_range(30..(span * 2).max(60)))
    } else {
        claim + mins(rng.random_range(10..span))
    };
    let warned = past(warn) && (late || resolve > warn);
    if warned {
        c.warned_at = Set(Some(warn));
        steps.push(Step {
            action: "warning",
            from: Some(S::InProgress),
            to: S::InProgress,
            role: "system",
            at: warn,
        });
    }
    if late && past(due) {
        c.overdue_at = Set(Some(due));
        steps.push(Step {
            action: "overdue",
            from: Some(S::InProgress),
            to: S::InProgress,
            role: "system",
            at: due,
        });
        if rng.random_bool(0.5) && past(due + mins(60)) {
            let parent = ctx.dir.ancestors(route.unit_id).first().copied();
            c.escalation_level = Set(1);
            c.escalated_unit_id = Set(parent);
            steps.push(Step {
                action: "escalate",
                from: Some(S::InProgress),
                to: S::InProgress,
                role: "system",
                at: due + mins(60),
            });
        }
    }
    if !past(resolve) || never {
        // Still being handled (3 % of the old cases never got resolved).
        let timer = [Some(warn), Some(due)]
            .into_iter()
            .flatten()
            .find(|t| !past(*t));
        c.timer_at = Set(timer);
        return Some(finish(c, S::InProgress, claim, steps));
    }
    if fate > 0.98 {
        c.clock_left_minutes = Set(Some(total / 2));
        c.due_at = Set(None);
        c.warn_at = Set(None);
        c.suspended_from = Set(Some(S::InProgress.as_str().into()));
        let at = claim + mins(30);
        steps.push(Step {
            action: "suspend",
            from: Some(S::InProgress),
            to: S::Suspended,
            role: "dispatcher",
            at,
        });
        return Some(finish(c, S::Suspended, at, steps));
    }
    let mut resolved = resolve;
    steps.push(Step {
        action: "resolve",
        from: Some(S::InProgress),
        to: S::Resolved,
        role: "unit_member",
        at: resolved,
    });
    if rng.random_bool(0.06) {
        let again = resolved + mins(rng.random_range(30..600));
        if past(again + mins(240)) {
            steps.push(Step {
                action: "reopen",
                from: Some(S::Resolved),
                to: S::Reopened,
                role: "dispatcher",
                at: again,
            });
            resolved = again + mins(240);
            steps.push(Step {
                action: "resolve",
                from: Some(S::Reopened),
                to: S::Resolved,
                role: "unit_member",
                at: resolved,
            });
            c.reopen_count = Set(1);
        }
    }
    c.resolved_at = Set(Some(resolved));
    c.handling_minutes = Set(Some(ctx.clock.between(
        ClockKind::Work,
        dispatched,
        resolved,
    )));
    let close = resolved + mins(rng.random_range(30..1440));
    if !past(close) {
        return Some(finish(c, S::Resolved, resolved, steps));
    }
    c.closed_at = Set(Some(close));
    steps.push(Step {
        action: "close",
        from: Some(S::Resolved),
        to: S::Closed,
        role: "dispatcher",
        at: close,
    });
    let rate_at = close + mins(rng.random_range(10..2880));
    let mut last = close;
    if rng.random_bool(0.6) && past(rate_at) {
        let r: f64 = rng.random();
        let score = if r < 0.5 {
            5
        } else if r < 0.75 {
            4
        } else if r < 0.87 {
            3
        } else if r < 0.95 {
            2
        } else {
            1
        };
        c.rating = Set(Some(score));
        c.rated_at = Set(Some(rate_at));
        steps.push(Step {
            action: "rate",
            from: Some(S::Closed),
            to: S::Closed,
            role: "citizen",
            at: rate_at,
        });
        last = rate_at;
    }
    Some(finish(c, S::Closed, last, steps))
}

fn blank(
    id: Uuid,
    case_no: String,
    category_id: Uuid,
    lat: f64,
    lng: f64,
    area_id: Uuid,
    created: Ts,
) -> cases::ActiveModel {
    cases::ActiveModel {
        id: Set(id),
        case_no: Set(case_no),
        reporter_id: Set(Uuid::nil()),
        category_id: Set(category_id),
        description: Set("随手拍：路边有问题，请处理".into()),
        lat: Set(lat),
        lng: Set(lng),
        address: Set(None),
        area_id: Set(area_id),
        status: Set(S::Submitted.as_str().into()),
        version: Set(1),
        unit_id: Set(None),
        created_at: Set(created),
        updated_at: Set(created),
        routed_unit_id: Set(None),
        rule_id: Set(None),
        dispatched_at: Set(None),
        accept_due_at: Set(None),
        accept_overdue_at: Set(None),
        clock_kind: Set(None),
        clock_total_minutes: Set(None),
        clock_left_minutes: Set(None),
        due_at: Set(None),
        warn_at: Set(None),
        warned_at: Set(None),
        overdue_at: Set(None),
        escalation_level: Set(0),
        escalated_unit_id: Set(None),
        next_escalation_at: Set(None),
        timer_at: Set(None),
        suspended_from: Set(None),
        duplicate_of: Set(None),
        extended: Set(false),
        reopen_count: Set(0),
        resolved_at: Set(None),
        closed_at: Set(None),
        rating: Set(None),
        rating_comment: Set(None),
        rated_at: Set(None),
        return_count: Set(0),
        claimed_at: Set(None),
        handling_minutes: Set(None),
        taken_on_at: Set(None),
    }
}

fn finish(
    mut c: cases::ActiveModel,
    status: S,
    updated: Ts,
    steps: Vec<Step>,
) -> (cases::ActiveModel, Vec<case_event::ActiveModel>) {
    let case_id = match &c.id {
        sea_orm::ActiveValue::Set(id) | sea_orm::ActiveValue::Unchanged(id) => *id,
        sea_orm::ActiveValue::NotSet => Uuid::nil(),
    };
    c.status = Set(status.as_str().into());
    c.updated_at = Set(updated);
    c.version = Set(i32::try_from(steps.len()).unwrap_or(1));
    c.taken_on_at = Set(steps
        .iter()
        .find(|s| s.role != "system" && matches!(s.action, "accept" | "dispatch" | "claim"))
        .map(|s| s.at));
    let events = steps
        .into_iter()
        .map(|s| case_event::ActiveModel {
            id: Set(event_id(s.at)),
            case_id: Set(case_id),
            actor_id: Set(None),
            actor_role: Set(s.role.into()),
            action: Set(s.action.into()),
            from_status: Set(s.from.map(|f| f.as_str().into())),
            to_status: Set(s.to.as_str().into()),
            note: Set(None),
            public: Set(!matches!(s.role, "system")),
            data: Set(None),
            created_at: Set(s.at),
        })
        .collect();
    (c, events)
}

/// A UUIDv7 of the event's own time, so the timeline keeps its order.
fn event_id(at: Ts) -> Uuid {
    let ms = u64::try_from(at.timestamp_millis()).unwrap_or(0);
    let ts = uuid::Timestamp::from_unix(
        uuid::NoContext,
        ms / 1000,
        u32::try_from(ms % 1000).unwrap_or(0) * 1_000_000,
    );
    Uuid::new_v7(ts)
}
