//! What the 创建日历's operations take and answer: the indicators
//! (`item`), and the tasks with their completion rates (`task`).

mod item;
mod task;

pub use item::*;
pub use task::*;
