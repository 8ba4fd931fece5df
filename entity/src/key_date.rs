use domain::campaign::RuleKind;
use sea_orm::entity::prelude::*;

/// A key date of an indicator (关键时间节点): a rule giving its dates, and
/// how many working days ahead the units are reminded.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "key_dates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub item_id: Uuid,
    /// What is due on the date (节点说明).
    pub title: String,
    pub rule_kind: RuleKind,
    /// The date (once), or the day an inspection window opens.
    pub rule_date: Option<Date>,
    /// The day of the month, the weekday (1 = Monday), or the days before
    /// the window.
    pub rule_n: Option<i32>,
    pub lead_working_days: i32,
    /// Replaced key dates give no new tasks.
    pub active: bool,
    pub created_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
