//! Completion rates (创建任务完成率), by unit and by indicator, over the
//! tasks due in a range of dates up to today (a task not yet due does not
//! count against anyone):
//!
//! - 完成率 = accepted ÷ due;
//! - 按时完成率 = accepted and handed in by its date ÷ due;
//! - 超期 = marked overdue (whatever happened after).

use super::{CampaignError, today};
use crate::{
    core::{Caller, Role},
    state::AppState,
};
use chrono::NaiveDate;
use domain::campaign::TaskStatus;
use entity::{assessment_item as item, calendar_task as task};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The counts of one unit or one indicator.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Due in the range, up to today.
    pub due: u64,
    /// Handed in (waiting for a decision, or accepted).
    pub submitted: u64,
    pub accepted: u64,
    /// Accepted, and handed in by its date.
    pub on_time: u64,
    /// Marked overdue.
    pub overdue: u64,
    /// Returned and not handed in again.
    pub returned: u64,
}

impl Tally {
    fn add(&mut self, t: &task::Model) {
        self.due += 1;
        match t.status {
            TaskStatus::Submitted => self.submitted += 1,
            TaskStatus::Accepted => {
                self.submitted += 1;
                self.accepted += 1;
                if !t.late {
                    self.on_time += 1;
                }
            }
            TaskStatus::Returned => self.returned += 1,
            TaskStatus::Pending => {}
        }
        if t.overdue_at.is_some() {
            self.overdue += 1;
        }
    }

    /// 完成率: accepted ÷ due; none when nothing was due.
    pub fn rate(&self) -> Option<f64> {
        ratio(self.accepted, self.due)
    }

    /// 按时完成率: accepted and on time ÷ due.
    pub fn on_time_rate(&self) -> Option<f64> {
        ratio(self.on_time, self.due)
    }
}

fn ratio(n: u64, d: u64) -> Option<f64> {
    #[allow(clippy::cast_precision_loss)]
    (d > 0).then(|| (n as f64 / d as f64 * 10_000.0).round() / 10_000.0)
}

/// The rates over `from..=to` (capped at today).
#[derive(Debug, Clone)]
pub struct Completion {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub total: Tally,
    /// By unit id, in code order of the units.
    pub by_unit: Vec<(Uuid, Tally)>,
    /// By indicator, in code order.
    pub by_item: Vec<(item::Model, Tally)>,
}

/// Most days one range covers.
pub const MAX_DAYS: i64 = 400;

/// Counts the tasks due in `from..=to`; staff only.
pub async fn rates(
    state: &AppState,
    caller: &Caller,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Completion, CampaignError> {
    caller.require(&[Role::Dispatcher, Role::Supervisor, Role::Admin])?;
    if to < from || (to - from).num_days() > MAX_DAYS {
        return Err(CampaignError::invalid(
            crate::core::ErrorCode::InvalidPeriod,
            format!("from is on or before to, at most {MAX_DAYS} days apart"),
        ));
    }
    let upto = to.min(today(state));
    let rows = task::Entity::find()
        .filter(task::Column::DueOn.gte(from))
        .filter(task::Column::DueOn.lte(upto))
        .all(&state.db)
        .await?;
    let mut total = Tally::default();
    let mut units: BTreeMap<Uuid, Tally> = BTreeMap::new();
    let mut items: BTreeMap<Uuid, Tally> = BTreeMap::new();
    for t in &rows {
        total.add(t);
        units.entry(t.unit_id).or_default().add(t);
        items.entry(t.item_id).or_default().add(t);
    }
    let dir = state.directory.get();
    let mut by_unit: Vec<(Uuid, Tally)> = units.into_iter().collect();
    by_unit.sort_by_key(|(u, _)| dir.unit(*u).map(|x| x.code.clone()));
    let models = item::Entity::find()
        .filter(item::Column::Id.is_in(items.keys().copied()))
        .all(&state.db)
        .await?;
    let mut by_item: Vec<(item::Model, Tally)> = models
        .into_iter()
        .filter_map(|m| items.remove(&m.id).map(|t| (m, t)))
        .collect();
    by_item.sort_by(|a, b| a.0.code.cmp(&b.0.code));
    Ok(Completion {
        from,
        to,
        total,
        by_unit,
        by_item,
    })
}
