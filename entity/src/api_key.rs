use sea_orm::entity::prelude::*;

/// An Open311 integrator's key (a 12345 hotline, an app): only its SHA-256
/// is kept. Its `user_id` is the account its reports are filed under.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The integrator, unique.
    #[sea_orm(unique)]
    pub name: String,
    /// SHA-256 of the key, hex.
    #[sea_orm(unique)]
    pub key_hash: String,
    /// The key's first characters, to tell keys apart in lists.
    pub key_prefix: String,
    pub user_id: Uuid,
    /// Posts per minute this integrator may make.
    pub rate_per_minute: i32,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeWithTimeZone,
    pub revoked_at: Option<DateTimeWithTimeZone>,
    pub last_used_at: Option<DateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
