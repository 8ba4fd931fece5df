use domain::{ExtensionStatus, LimitUnit};
use sea_orm::entity::prelude::*;

/// A unit's request for more time (延期), decided by a dispatcher.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "extensions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub unit_id: Uuid,
    pub requested_by: Uuid,
    /// Extra time, in `limit_unit`.
    pub amount: i32,
    pub limit_unit: LimitUnit,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    pub status: ExtensionStatus,
    pub decided_by: Option<Uuid>,
    #[sea_orm(column_type = "Text", nullable)]
    pub decision_note: Option<String>,
    pub decided_at: Option<DateTimeWithTimeZone>,
    pub created_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
