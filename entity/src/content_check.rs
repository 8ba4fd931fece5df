use domain::content::{CheckStatus, Subject};
use sea_orm::entity::prelude::*;

/// What WeChat's content security said of one piece of a citizen's
/// content (a description, a rating's comment, a photo), or that it is
/// still waiting for a verdict. A `review`, `risky` or `unchecked` row
/// stays a flag for the dispatcher until a person reviews it.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "content_checks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub subject: Subject,
    /// The case the text belongs to (photos: found through the media row).
    pub case_id: Option<Uuid>,
    pub media_id: Option<Uuid>,
    /// The citizen's openid, which the checks need.
    pub openid: Option<String>,
    pub status: CheckStatus,
    /// WeChat's label (10001 ads, 20001 politics, 20002 porn, …).
    pub label: Option<i32>,
    /// mediaCheckAsync's trace id, which its verdict names.
    pub trace_id: Option<String>,
    /// How many times the photo was sent to mediaCheckAsync.
    pub sends: i32,
    pub sent_at: Option<DateTimeWithTimeZone>,
    pub created_at: DateTimeWithTimeZone,
    pub decided_at: Option<DateTimeWithTimeZone>,
    pub reviewed_at: Option<DateTimeWithTimeZone>,
    pub reviewed_by: Option<Uuid>,
    #[sea_orm(column_type = "Text", nullable)]
    pub review_note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
