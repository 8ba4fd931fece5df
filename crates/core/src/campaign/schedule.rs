//! The 创建日历's clock: tasks are generated a year ahead (every node may
//! generate the same ones; a unique index keeps one), units are reminded
//! on their working day, and a task whose date passed undone is marked
//! overdue and escalated to the unit above. Each reminder and each mark is
//! a conditional UPDATE of a column that is empty before it, so it
//! happens exactly once across nodes, with its messages queued in the same
//! transaction (the outbox delivers them).

use super::{CampaignError, HORIZON_DAYS, today};
use crate::{calendar::WorkCalendar, core::Ts, notify as outbox, state::AppState};
use chrono::{Days, NaiveDate};
use domain::campaign::{DateRule, TaskStatus, remind_on};
use entity::{assessment_item as item, calendar_task as task, item_unit, key_date, unit, user};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    Set, TransactionTrait,
    sea_query::{Expr, ExprTrait, OnConflict},
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a unit's webhook receives about a task (its `event` tells it from
/// a case's message).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskMessage {
    /// calendar_reminder | calendar_overdue | calendar_escalated | calendar_returned
    pub event: String,
    pub task_id: Uuid,
    pub item_code: String,
    pub item_name: String,
    /// The key date's title.
    pub title: String,
    pub unit_code: String,
    pub unit_name: String,
    pub due_on: NaiveDate,
    pub status: TaskStatus,
    pub text: String,
}

/// Generates the tasks of the active key dates (of one indicator, or all)
/// from `today` to the horizon, and moves the reminder day of those not
/// yet reminded to what the lead and working calendar now give; returns
/// how many rows were written.
pub async fn generate<C: ConnectionTrait>(
    db: &C,
    cal: &WorkCalendar,
    now: Ts,
    today: NaiveDate,
    only: Option<Uuid>,
) -> Result<u64, CampaignError> {
    let mut q = key_date::Entity::find().filter(key_date::Column::Active.eq(true));
    if let Some(id) = only {
        q = q.filter(key_date::Column::ItemId.eq(id));
    }
    let dates = q.all(db).await?;
    let active: Vec<Uuid> = item::Entity::find()
        .filter(item::Column::Active.eq(true))
        .apply_if(only, |q, id| q.filter(item::Column::Id.eq(id)))
        .select_only()
        .column(item::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let links = item_unit::Entity::find()
        .apply_if(only, |q, id| q.filter(item_unit::Column::ItemId.eq(id)))
        .all(db)
        .await?;
    let until = today
        .checked_add_days(Days::new(HORIZON_DAYS))
        .unwrap_or(today);
    let mut rows = vec![];
    for k in dates.iter().filter(|k| active.contains(&k.item_id)) {
        let Some(rule) = DateRule::from_parts(k.rule_kind, k.rule_date, k.rule_n) else {
            continue;
        };
        let lead = u32::try_from(k.lead_working_days).unwrap_or(0);
        for due in rule.dates(today, until) {
            let remind = remind_on(cal, due, lead);
            for l in links.iter().filter(|l| l.item_id == k.item_id) {
                rows.push(task::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    key_date_id: Set(k.id),
                    item_id: Set(k.item_id),
                    unit_id: Set(l.unit_id),
                    due_on: Set(due),
                    remind_on: Set(remind),
                    status: Set(TaskStatus::Pending),
                    reminded_at: Set(None),
                    overdue_at: Set(None),
                    escalated_unit_id: Set(None),
                    note: Set(None),
                    submitted_at: Set(None),
                    submitted_by: Set(None),
                    late: Set(false),
                    decided_at: Set(None),
                    decided_by: Set(None),
                    decision_note: Set(None),
                    version: Set(1),
                    created_at: Set(now),
                });
            }
        }
    }
    let mut added = 0;
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(500));
        let chunk = std::mem::replace(&mut rows, rest);
        added += task::Entity::insert_many(chunk)
            .on_conflict(
                // A task there already keeps its state; its reminder day
                // follows the lead and working calendar of now, until the
                // reminder went out.
                OnConflict::columns([
                    task::Column::KeyDateId,
                    task::Column::DueOn,
                    task::Column::UnitId,
                ])
                .update_column(task::Column::RemindOn)
                .action_and_where(Expr::col((task::Entity, task::Column::RemindedAt)).is_null())
                .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(added)
}

/// One round of the calendar's clock: tasks generated once a day (and at
/// start), reminders due, overdue marks due. Returns (reminded, overdue).
pub async fn tick(state: &AppState) -> Result<(usize, usize), CampaignError> {
    let day = today(state);
    let stale = state
        .campaign_day
        .lock()
        .map(|d| *d != Some(day))
        .unwrap_or(true);
    if stale {
        generate(
            &state.db,
            &state.calendar.get(),
            state.clock.now(),
            day,
            None,
        )
        .await?;
        if let Ok(mut d) = state.campaign_day.lock() {
            *d = Some(day);
        }
    }
    Ok((remind(state, day).await?, mark_overdue(state, day).await?))
}

/// Of `tasks`, those that still follow from an active key date of an
/// active indicator and a unit still responsible for it. The others (a key
/// date retired, a unit removed, while another node generated them) are
/// deleted while open and not marked overdue, and never reminded nor
/// marked.
async fn live(
    state: &AppState,
    tasks: Vec<task::Model>,
) -> Result<Vec<task::Model>, CampaignError> {
    if tasks.is_empty() {
        return Ok(tasks);
    }
    let kd_ids: Vec<Uuid> = tasks.iter().map(|t| t.key_date_id).collect();
    let active: Vec<Uuid> = key_date::Entity::find()
        .filter(key_date::Column::Id.is_in(kd_ids))
        .filter(key_date::Column::Active.eq(true))
        .select_only()
        .column(key_date::Column::Id)
        .into_tuple()
        .all(&state.db)
        .await?;
    let item_ids: Vec<Uuid> = tasks.iter().map(|t| t.item_id).collect();
    let links: Vec<(Uuid, Uuid)> = item_unit::Entity::find()
        .filter(item_unit::Column::ItemId.is_in(item_ids))
        .select_only()
        .column(item_unit::Column::ItemId)
        .column(item_unit::Column::UnitId)
        .into_tuple()
        .all(&state.db)
        .await?;
    let (keep, gone): (Vec<_>, Vec<_>) = tasks
        .into_iter()
        .partition(|t| active.contains(&t.key_date_id) && links.contains(&(t.item_id, t.unit_id)));
    if !gone.is_empty() {
        // Open and never marked overdue: a duty the city dropped. (Left,
        // they would fill the scheduler's batches for ever.)
        task::Entity::delete_many()
            .filter(task::Column::Id.is_in(gone.iter().map(|t| t.id)))
            .filter(task::Column::Status.is_in([TaskStatus::Pending, TaskStatus::Returned]))
            .filter(task::Column::OverdueAt.is_null())
            .exec(&state.db)
            .await?;
    }
    Ok(keep)
}

/// Reminds the units of the open tasks whose reminder day has come.
async fn remind(state: &AppState, day: NaiveDate) -> Result<usize, CampaignError> {
    let due = task::Entity::find()
        .filter(task::Column::RemindedAt.is_null())
        .filter(task::Column::RemindOn.lte(day))
        .filter(task::Column::DueOn.gte(day))
        .filter(task::Column::Status.is_in([TaskStatus::Pending, TaskStatus::Returned]))
        .order_by_asc(task::Column::RemindOn)
        .limit(200)
        .all(&state.db)
        .await?;
    let due = live(state, due).await?;
    let mut sent = 0;
    for t in due {
        let now = state.clock.now();
        let txn = state.db.begin().await?;
        let claimed = task::Entity::update_many()
            .col_expr(task::Column::RemindedAt, Expr::value(now))
            .filter(task::Column::Id.eq(t.id))
            .filter(task::Column::RemindedAt.is_null())
            .filter(task::Column::Status.is_in([TaskStatus::Pending, TaskStatus::Returned]))
            .exec(&txn)
            .await?;
        if claimed.rows_affected != 1 {
            txn.rollback().await?;
            continue;
        }
        let days = (t.due_on - day).num_days();
        let when = if days == 0 {
            "今天".to_owned()
        } else {
            format!("{days} 天后")
        };
        announce(state, &txn, &t, t.unit_id, "calendar_reminder", |m| {
            format!("创建日历提醒：「{}」{when}到期（{}）", m.title, m.item_name)
        })
        .await?;
        txn.commit().await?;
        sent += 1;
    }
    Ok(sent)
}

/// Marks the tasks whose date passed undone overdue, and escalates each to
/// the unit above its unit (督办), once.
async fn mark_overdue(state: &AppState, day: NaiveDate) -> Result<usize, CampaignError> {
    let due = task::Entity::find()
        .filter(task::Column::OverdueAt.is_null())
        .filter(task::Column::DueOn.lt(day))
        .filter(task::Column::Status.is_in([TaskStatus::Pending, TaskStatus::Returned]))
        .order_by_asc(task::Column::DueOn)
        .limit(200)
        .all(&state.db)
        .await?;
    let due = live(state, due).await?;
    let mut marked = 0;
    for t in due {
        let above = state.directory.get().ancestors(t.unit_id).first().copied();
        let now = state.clock.now();
        let txn = state.db.begin().await?;
        let claimed = task::Entity::update_many()
            .col_expr(task::Column::OverdueAt, Expr::value(now))
            .col_expr(task::Column::EscalatedUnitId, Expr::value(above))
            .col_expr(
                task::Column::Version,
                Expr::col(task::Column::Version).add(1),
            )
            .filter(task::Column::Id.eq(t.id))
            .filter(task::Column::OverdueAt.is_null())
            .filter(task::Column::Status.is_in([TaskStatus::Pending, TaskStatus::Returned]))
            .exec(&txn)
            .await?;
        if claimed.rows_affected != 1 {
            txn.rollback().await?;
            continue;
        }
        announce(state, &txn, &t, t.unit_id, "calendar_overdue", |m| {
            format!(
                "创建日历超期：「{}」已过期未完成（{}）",
                m.title, m.item_name
            )
        })
        .await?;
        if let Some(up) = above {
            announce(state, &txn, &t, up, "calendar_escalated", |m| {
                format!(
                    "创建日历督办：{}的「{}」已超期（{}）",
                    m.unit_name, m.title, m.item_name
                )
            })
            .await?;
        }
        crate::audit::record(
            &txn,
            crate::audit::Actor::SYSTEM,
            "calendar_task.overdue",
            "calendar_task",
            Some(t.id.to_string()),
            None,
            Some(serde_json::json!({"escalatedTo": above})),
        )
        .await?;
        txn.commit().await?;
        marked += 1;
    }
    Ok(marked)
}

/// Queues a task's message to unit `to`: its webhook, and a subscribe
/// message to each of its members whose WeChat is bound, when the city
/// configured the calendar's template.
pub(super) async fn announce<C: ConnectionTrait>(
    state: &AppState,
    db: &C,
    t: &task::Model,
    to: Uuid,
    event: &str,
    text: impl Fn(&TaskMessage) -> String,
) -> Result<(), CampaignError> {
    let it = item::Entity::find_by_id(t.item_id).one(db).await?;
    let kd = key_date::Entity::find_by_id(t.key_date_id).one(db).await?;
    let dir = state.directory.get();
    let of = dir.unit(t.unit_id);
    let mut msg = TaskMessage {
        event: event.to_owned(),
        task_id: t.id,
        item_code: it.as_ref().map(|i| i.code.clone()).unwrap_or_default(),
        item_name: it.map(|i| i.name).unwrap_or_default(),
        title: kd.map(|k| k.title).unwrap_or_default(),
        unit_code: of.map(|u| u.code.clone()).unwrap_or_default(),
        unit_name: of.map(|u| u.name.clone()).unwrap_or_default(),
        due_on: t.due_on,
        status: t.status,
        text: String::new(),
    };
    msg.text = text(&msg);
    let target = unit::Entity::find_by_id(to).one(db).await?;
    if target.as_ref().is_some_and(|u| u.webhook_url.is_some()) {
        outbox::enqueue(
            db,
            outbox::UNIT,
            None,
            to.to_string(),
            serde_json::to_string(&msg).map_err(anyhow::Error::from)?,
        )
        .await?;
    }
    let Some(template) = state.config.wechat.calendar_template_id.as_deref() else {
        return Ok(());
    };
    let bound: Vec<String> = user::Entity::find()
        .filter(user::Column::UnitId.eq(to))
        .filter(user::Column::Disabled.eq(false))
        .filter(user::Column::WechatOpenid.is_not_null())
        .select_only()
        .column(user::Column::WechatOpenid)
        .into_tuple::<Option<String>>()
        .all(db)
        .await?
        .into_iter()
        .flatten()
        .collect();
    for openid in bound {
        // Template fields: thing1 (the task), time2 (its date), thing3
        // (the indicator), thing4 (what happened).
        let payload = serde_json::json!({
            "touser": openid,
            "template_id": template,
            "page": format!("pages/field/tasks/index?id={}", t.id),
            "miniprogram_state": state.config.wechat.miniprogram_state,
            "lang": "zh_CN",
            "data": {
                "thing1": {"value": outbox::fit(&msg.title, 20)},
                "time2": {"value": msg.due_on.format("%Y-%m-%d").to_string()},
                "thing3": {"value": outbox::fit(&msg.item_name, 20)},
                "thing4": {"value": outbox::fit(&msg.text, 20)},
            }
        });
        outbox::enqueue(db, outbox::WECHAT, None, openid, payload.to_string()).await?;
    }
    Ok(())
}
