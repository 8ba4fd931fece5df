use domain::LimitUnit;
use sea_orm::entity::prelude::*;

/// A problem category: a 大类 (parent_id none) or a 小类 under one.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "categories")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub parent_id: Option<Uuid>,
    /// Handling time limit, in `limit_unit`; none on 大类.
    pub time_limit: Option<i32>,
    pub limit_unit: Option<LimitUnit>,
    /// Accept (接单) limit in working hours.
    pub accept_limit_hours: Option<i32>,
    pub manual_review: bool,
    #[sea_orm(column_type = "Text")]
    pub close_criterion: String,
    pub sort_order: i32,
    pub active: bool,
    /// A rating at or below this reopens the case for verification.
    pub unsatisfied_max: i32,
    /// Extra questions a report of this 小类 answers (JSON array; its
    /// Open311 service definition).
    #[sea_orm(column_type = "Text", nullable)]
    pub attributes: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
