use sea_orm::entity::prelude::*;

/// A 劝导 record: a volunteer persuaded someone out of an uncivil act (the
/// behaviour is a small category), or tried and failed, in which case the
/// act became a case (`case_id`) for the routed unit.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "persuasions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    /// The name the volunteer serves under, as it was then.
    pub volunteer_name: String,
    pub team_id: Uuid,
    pub category_id: Uuid,
    /// WGS-84.
    pub lat: f64,
    pub lng: f64,
    pub area_id: Uuid,
    pub address: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    /// The photo, if one was taken.
    pub media_id: Option<Uuid>,
    /// Stopped on the spot (劝导成功); otherwise `case_id` is the case.
    pub persuaded: bool,
    pub case_id: Option<Uuid>,
    pub created_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
