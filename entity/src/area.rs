use sea_orm::entity::prelude::*;

/// A district (区), street (街道) or grid (单元网格) with its polygon.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "areas")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    /// district | street | grid
    pub level: domain::geo::AreaLevel,
    pub parent_id: Option<Uuid>,
    /// GeoJSON Polygon or MultiPolygon geometry, WGS-84.
    #[sea_orm(column_type = "Text")]
    pub geometry: String,
    pub min_lng: f64,
    pub min_lat: f64,
    pub max_lng: f64,
    pub max_lat: f64,
    pub created_at: DateTimeWithTimeZone,
    /// 常住人口, when the city gives it: the public board's cases per
    /// 10,000 people.
    pub population: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
