use sea_orm::entity::prelude::*;

/// What an Open311 integrator sent with a case beyond the report itself.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "open311_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub case_id: Uuid,
    pub api_key_id: Uuid,
    /// The person's contact as the integrator gave it (JSON): private,
    /// shown to staff only like a citizen's identity.
    #[sea_orm(column_type = "Text", nullable)]
    pub contact: Option<String>,
    /// A photo URL the integrator gave (never fetched).
    #[sea_orm(column_type = "Text", nullable)]
    pub media_url: Option<String>,
    /// Answers to the category's attributes (JSON object, code → values).
    #[sea_orm(column_type = "Text", nullable)]
    pub attributes: Option<String>,
    pub created_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
