use domain::points::Reason;
use sea_orm::entity::prelude::*;

/// One entry of a citizen's points (积分): an award, its reversal or a
/// redemption. Never edited; a correction is an entry of its own.
/// (user_id, case_id, reason) is unique: an award happens once.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "points_ledger")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub case_id: Option<Uuid>,
    pub reason: Reason,
    /// Positive for awards, negative for reversals and redemptions.
    pub points: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    pub redemption_id: Option<Uuid>,
    /// The volunteer record that earned the points (a patrol, a 劝导);
    /// (user_id, record_id, reason) is unique.
    pub record_id: Option<Uuid>,
    pub created_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
