use sea_orm::entity::prelude::*;

/// A 挂包点位 a team is assigned: a WGS-84 point with a radius (and the
/// area it stands for, if any), and its patrol times (JSON, checked
/// `domain::volunteers::PatrolTime`s).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "spots")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub team_id: Uuid,
    pub name: String,
    pub lat: f64,
    pub lng: f64,
    pub radius_m: i32,
    pub area_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub times: String,
    pub created_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
