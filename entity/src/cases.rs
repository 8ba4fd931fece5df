use sea_orm::entity::prelude::*;

/// A case (案卷): one citizen report and everything that happens to it.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "cases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub case_no: String,
    pub reporter_id: Uuid,
    pub category_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    /// WGS-84.
    pub lat: f64,
    pub lng: f64,
    pub address: Option<String>,
    /// The most specific area containing the point.
    pub area_id: Uuid,
    pub status: String,
    /// Optimistic-concurrency version, bumped on every transition.
    pub version: i32,
    pub unit_id: Option<Uuid>,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
