//! The deadline scheduler: warnings (预警) at a fraction of the limit,
//! overdue (超期) at the deadline with escalation (督办) to the parent unit,
//! and further escalation one level up per further whole limit. Its state is
//! the case rows themselves (`timer_at` and the fields it summarises), so it
//! survives restarts; every event is fired by an UPDATE guarded by the very
//! fields it changes, so several nodes fire each event exactly once.

use super::{
    clock::ClockKind,
    domain::CaseStatus,
    service::{CLOCK_RUNS, Effects, event, notices, status_of, timer_after},
};
use crate::{audit::Actor, infra::time::utc_now, state::AppState};
use anyhow::Context;
use entity::cases;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};

/// What fires next for a case whose timer is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Due {
    AcceptOverdue,
    Warning,
    Overdue,
    Escalate,
}

fn what_is_due(
    c: &cases::Model,
    status: CaseStatus,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> Option<Due> {
    let past = |t: Option<chrono::DateTime<chrono::FixedOffset>>| t.is_some_and(|t| t <= now);
    if status == CaseStatus::Dispatched && c.accept_overdue_at.is_none() && past(c.accept_due_at) {
        Some(Due::AcceptOverdue)
    } else if c.warned_at.is_none() && past(c.warn_at) {
        Some(Due::Warning)
    } else if c.overdue_at.is_none() && past(c.due_at) {
        Some(Due::Overdue)
    } else if past(c.next_escalation_at) {
        Some(Due::Escalate)
    } else {
        None
    }
}

/// Fires everything due now; returns the number of events fired.
pub async fn tick(state: &AppState) -> anyhow::Result<usize> {
    let now = utc_now();
    let running: Vec<&str> = CLOCK_RUNS.iter().map(|s| s.as_str()).collect();
    let due = cases::Entity::find()
        .filter(cases::Column::TimerAt.lte(now))
        .filter(cases::Column::Status.is_in(running))
        .order_by_asc(cases::Column::TimerAt)
        .limit(200)
        .all(&state.db)
        .await
        .context("scheduler: due cases")?;
    let mut fired = 0;
    for c in due {
        // A case may have several things due (aged while the node was down).
        let mut case = c;
        for _ in 0..8 {
            match fire_one(state, &case).await? {
                Some(next) => {
                    fired += 1;
                    case = next;
                }
                None => break,
            }
        }
    }
    Ok(fired)
}

/// Fires the first thing due on this case, if another node has not; returns
/// the case as it is afterwards.
async fn fire_one(state: &AppState, case: &cases::Model) -> anyhow::Result<Option<cases::Model>> {
    let now = utc_now();
    let status = status_of(&case.status).map_err(|e| anyhow::anyhow!("{e}"))?;
    let Some(due) = what_is_due(case, status, now) else {
        // Nothing due (changed meanwhile): refresh the timer so it is not read again.
        let am = cases::ActiveModel {
            timer_at: Set(timer_after(
                Some(case),
                &cases::ActiveModel::default(),
                status,
            )),
            ..Default::default()
        };
        cases::Entity::update_many()
            .set(am)
            .filter(cases::Column::Id.eq(case.id))
            .filter(cases::Column::Version.eq(case.version))
            .filter(cases::Column::TimerAt.eq(case.timer_at))
            .exec(&state.db)
            .await?;
        return Ok(None);
    };
    let dir = state.directory.get();
    let clock = state.clock();
    let mut am = cases::ActiveModel::default();
    let mut q = cases::Entity::update_many()
        .filter(cases::Column::Id.eq(case.id))
        .filter(cases::Column::Status.eq(case.status.clone()));
    let mut fx = Effects::default();
    let unit = case.unit_id;
    let escalate_to =
        |level: i32, am: &mut cases::ActiveModel, fx: &mut Effects, auto_note: &str| {
            let chain = unit.map(|u| dir.ancestors(u)).unwrap_or_default();
            let idx = usize::try_from(level).unwrap_or(usize::MAX);
            if let Some(target) = chain.get(idx).and_then(|u| dir.unit(*u)) {
                am.escalation_level = Set(level + 1);
                am.escalated_unit_id = Set(Some(target.id));
                fx.events.push(event(
                case.id,
                Actor::SYSTEM,
                "escalate",
                Some(status),
                status,
                Some(auto_note.to_owned()),
                false,
                Some(
                    serde_json::json!({"level": level + 1, "unitCode": target.code, "auto": true}),
                ),
                now,
            ));
                fx.units.push((
                    target.id,
                    "escalated",
                    format!("督办：案卷已超期（第 {} 级）", level + 1),
                ));
                // A further level after another whole limit, if there is one.
                let more = chain.len() > idx + 1;
                let next = match (
                    more,
                    case.due_at,
                    case.clock_kind.as_deref(),
                    case.clock_total_minutes,
                ) {
                    (true, Some(_), Some(kind), Some(total)) => {
                        let base = case.next_escalation_at.or(case.due_at).unwrap_or(now);
                        Some(clock.add(ClockKind::parse(kind), base, total.max(1)))
                    }
                    _ => None,
                };
                am.next_escalation_at = Set(next);
                true
            } else {
                am.next_escalation_at = Set(None);
                false
            }
        };
    match due {
        Due::AcceptOverdue => {
            am.accept_overdue_at = Set(Some(now));
            q = q
                .filter(cases::Column::AcceptOverdueAt.is_null())
                .filter(cases::Column::AcceptDueAt.eq(case.accept_due_at));
            fx.events.push(event(
                case.id,
                Actor::SYSTEM,
                "accept_overdue",
                Some(status),
                status,
                Some("超过接单时限".into()),
                false,
                None,
                now,
            ));
            if let Some(u) = unit {
                fx.units
                    .push((u, "accept_overdue", "案卷超过接单时限，请尽快接单".into()));
            }
        }
        Due::Warning => {
            am.warned_at = Set(Some(now));
            q = q
                .filter(cases::Column::WarnedAt.is_null())
                .filter(cases::Column::WarnAt.eq(case.warn_at));
            fx.events.push(event(
                case.id,
                Actor::SYSTEM,
                "warning",
                Some(status),
                status,
                Some("即将超期".into()),
                false,
                Some(serde_json::json!({"dueAt": case.due_at})),
                now,
            ));
            if let Some(u) = unit {
                fx.units.push((u, "warning", "预警：案卷即将超期".into()));
            }
        }
        Due::Overdue => {
            am.overdue_at = Set(Some(now));
            q = q
                .filter(cases::Column::OverdueAt.is_null())
                .filter(cases::Column::DueAt.eq(case.due_at))
                .filter(cases::Column::EscalationLevel.eq(case.escalation_level));
            fx.events.push(event(
                case.id,
                Actor::SYSTEM,
                "overdue",
                Some(status),
                status,
                Some("已超期".into()),
                false,
                Some(serde_json::json!({"dueAt": case.due_at})),
                now,
            ));
            if let Some(u) = unit {
                fx.units
                    .push((u, "overdue", "超期：案卷已超过处置时限".into()));
            }
            escalate_to(case.escalation_level, &mut am, &mut fx, "超期自动督办");
        }
        Due::Escalate => {
            q = q
                .filter(cases::Column::EscalationLevel.eq(case.escalation_level))
                .filter(cases::Column::NextEscalationAt.eq(case.next_escalation_at));
            if !escalate_to(
                case.escalation_level,
                &mut am,
                &mut fx,
                "持续超期，逐级督办",
            ) {
                fx.events.clear();
            }
        }
    }
    am.timer_at = Set(timer_after(Some(case), &am, status));
    let txn = state.db.begin().await?;
    let updated = q.set(am).exec_with_returning(&txn).await?;
    let [after] = updated.as_slice() else {
        // Another node fired it, or the case changed: nothing to do.
        txn.rollback().await?;
        return Ok(None);
    };
    if !fx.events.is_empty() {
        entity::case_event::Entity::insert_many(fx.events.clone())
            .exec(&txn)
            .await?;
    }
    notices(state, &txn, after, &fx)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    txn.commit().await?;
    let label = match due {
        Due::AcceptOverdue => "accept_overdue",
        Due::Warning => "warning",
        Due::Overdue => "overdue",
        Due::Escalate => "escalation",
    };
    state.metrics.case_timers.with_label_values(&[label]).inc();
    Ok(cases::Entity::find_by_id(case.id).one(&state.db).await?)
}
