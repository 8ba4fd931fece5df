use domain::points::RedemptionStatus;
use sea_orm::entity::prelude::*;

/// A reward a citizen redeemed: the code they show, until staff check it off.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "redemptions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub code: String,
    pub user_id: Uuid,
    pub reward_id: Uuid,
    pub cost: i32,
    pub status: RedemptionStatus,
    /// The client's Idempotency-Key, unique per citizen.
    pub idempotency_key: Option<String>,
    pub created_at: DateTimeWithTimeZone,
    pub used_at: Option<DateTimeWithTimeZone>,
    pub used_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
