use sea_orm::entity::prelude::*;

/// One processed photo: the stored (metadata-free) image and its thumbnail.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "media")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub owner_id: Uuid,
    /// SHA-256 of the uploaded bytes, hex; unique per owner.
    pub sha256: String,
    pub content_type: String,
    pub width: i32,
    pub height: i32,
    pub bytes: i64,
    pub original_format: String,
    pub object_key: String,
    pub thumb_key: String,
    /// Private hints for staff, read from EXIF before it was stripped.
    pub exif_taken_at: Option<String>,
    pub exif_lat: Option<f64>,
    pub exif_lng: Option<f64>,
    /// The case this photo is attached to; none while unattached.
    pub case_id: Option<Uuid>,
    pub event_id: Option<Uuid>,
    /// The volunteer record (a 劝导) this photo belongs to, when it is not
    /// a case's; kept like an attached photo.
    pub record_id: Option<Uuid>,
    pub created_at: DateTimeWithTimeZone,
    /// Unattached uploads are deleted after this time.
    pub expires_at: DateTimeWithTimeZone,
    /// WeChat's content security found the photo risky: served to nobody.
    pub blocked_at: Option<DateTimeWithTimeZone>,
    /// A reviewer looked at it before publication: when, and who.
    pub reviewed_at: Option<DateTimeWithTimeZone>,
    pub reviewed_by: Option<Uuid>,
    /// The regions the reviewer marked to blur (faces, number plates), as
    /// JSON `[{x, y, width, height}]` in fractions of the stored image.
    #[sea_orm(column_type = "Text", nullable)]
    pub review_boxes: Option<String>,
    /// Revision of the blurred derivative the public sees; none when the
    /// photo has no review or was withheld.
    pub public_rev: Option<i32>,
    /// Reviews begun: each claims the next number as its revision.
    pub review_seq: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
