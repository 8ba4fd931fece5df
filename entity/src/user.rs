use domain::Role;
use sea_orm::entity::prelude::*;

/// A person who can log in: a citizen (by WeChat openid) or a staff or unit
/// account (by username and password).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub role: Role,
    #[sea_orm(unique)]
    pub openid: Option<String>,
    pub unionid: Option<String>,
    /// WeChat session_key: kept server-side only, never serialised out.
    pub session_key: Option<String>,
    #[sea_orm(unique)]
    pub username: Option<String>,
    pub password_hash: Option<String>,
    pub unit_id: Option<Uuid>,
    pub display_name: String,
    pub phone: Option<String>,
    pub disabled: bool,
    /// The WeChat (openid) a staff or unit account is bound to, for the
    /// mini-program's one-tap login; cleared by a password reset.
    #[sea_orm(unique)]
    pub wechat_openid: Option<String>,
    /// Tokens issued before this instant are refused (password reset,
    /// "log out everywhere").
    pub tokens_valid_after: Option<DateTimeWithTimeZone>,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
    /// When the citizen deleted the account (or its identity expired):
    /// the identity is gone, the records stay.
    pub deleted_at: Option<DateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
