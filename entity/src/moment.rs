use domain::{content::CheckStatus, volunteers::MomentStatus};
use sea_orm::entity::prelude::*;

/// A good moment (文明美好瞬间): a few words, a place and photos (the media
/// rows whose `record_id` is this id), reviewed by staff; an approved one
/// may be published on the public board.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "moments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    /// The name it is shown under (a volunteer's, else 市民).
    pub author_name: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// WGS-84.
    pub lat: f64,
    pub lng: f64,
    pub area_id: Uuid,
    pub address: Option<String>,
    /// WeChat's verdict on the text when it was not a plain pass.
    pub text_check: Option<CheckStatus>,
    pub status: MomentStatus,
    /// On the public board (approved ones only).
    pub published: bool,
    #[sea_orm(column_type = "Text", nullable)]
    pub review_note: Option<String>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTimeWithTimeZone>,
    pub created_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
