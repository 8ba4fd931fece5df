//! 创建日历: the assessment indicators a city works to (a tree like its
//! 测评体系), the units responsible for each and its key dates; the tasks
//! those give each unit, reminded a number of working days ahead on the
//! city's working calendar, done with evidence and accepted or returned by
//! a supervisor; overdue and escalated to the unit above exactly once,
//! whatever the number of nodes; and the completion rates by unit and by
//! indicator.
//!
//! - `items`: keeping the indicators, one by one;
//! - `sheet`: importing them from a CSV or XLSX sheet, all or nothing;
//! - `tasks`: a unit's tasks, handed in with evidence, a supervisor's decision;
//! - `files`: the evidence files;
//! - `schedule`: generating the tasks, reminding, marking overdue;
//! - `completion`: the rates.

pub mod completion;
pub mod error;
pub mod files;
pub mod items;
pub mod schedule;
pub mod sheet;
pub mod tasks;

/// A key date and an evidence file, as stored.
pub use entity::{key_date::Model as KeyDate, task_file::Model as TaskFile};
pub use error::CampaignError;

use chrono::NaiveDate;

/// How far ahead tasks are generated: a year and a day, so a month view
/// of the coming year shows every task.
pub const HORIZON_DAYS: u64 = 366;

/// Today, on China's calendar, by the node's clock.
pub fn today(state: &crate::state::AppState) -> NaiveDate {
    crate::core::time::china(state.clock.now()).date_naive()
}
