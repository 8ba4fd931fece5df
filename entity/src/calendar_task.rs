use domain::campaign::TaskStatus;
use sea_orm::entity::prelude::*;

/// One unit's task on one date of a key date: reminded ahead, done with
/// evidence, accepted or returned; overdue and escalated at most once.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "calendar_tasks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub key_date_id: Uuid,
    pub item_id: Uuid,
    pub unit_id: Uuid,
    /// The date it is due (China's calendar).
    pub due_on: Date,
    /// The working day the unit is reminded on.
    pub remind_on: Date,
    pub status: TaskStatus,
    pub reminded_at: Option<DateTimeWithTimeZone>,
    /// Marked overdue (and escalated) once, when its date passed undone.
    pub overdue_at: Option<DateTimeWithTimeZone>,
    /// The unit above, told of it when it went overdue.
    pub escalated_unit_id: Option<Uuid>,
    /// The unit's note with its evidence.
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    pub submitted_at: Option<DateTimeWithTimeZone>,
    pub submitted_by: Option<Uuid>,
    /// Done after its date.
    pub late: bool,
    pub decided_at: Option<DateTimeWithTimeZone>,
    pub decided_by: Option<Uuid>,
    #[sea_orm(column_type = "Text", nullable)]
    pub decision_note: Option<String>,
    /// Bumped by every change (optimistic concurrency).
    pub version: i32,
    pub created_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
