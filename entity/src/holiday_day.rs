use sea_orm::entity::prelude::*;

/// A day that differs from Monday–Friday: a statutory day off, or a
/// make-up working day (调休), from a holiday-cn year file.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "holiday_days")]
pub struct Model {
    /// YYYY-MM-DD
    #[sea_orm(primary_key, auto_increment = false)]
    pub date: String,
    pub year: i32,
    pub off_day: bool,
    pub name: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
