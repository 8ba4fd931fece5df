use domain::volunteers::PatrolEnd;
use sea_orm::entity::prelude::*;

/// A patrol (巡访): a volunteer's check-in at a spot to its end.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "patrols")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    /// The name the volunteer served under then (it stays with the
    /// record if they leave the team).
    pub volunteer_name: String,
    pub team_id: Uuid,
    pub spot_id: Uuid,
    pub started_at: DateTimeWithTimeZone,
    /// None while open (one open patrol per volunteer).
    pub ended_at: Option<DateTimeWithTimeZone>,
    pub ended_by: Option<PatrolEnd>,
    /// Where the check-in was (WGS-84), and how far from the spot's centre.
    pub start_lat: f64,
    pub start_lng: f64,
    pub start_distance_m: i32,
    pub end_lat: Option<f64>,
    pub end_lng: Option<f64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
