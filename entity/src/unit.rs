use sea_orm::entity::prelude::*;

/// A responsible unit (城管, 环卫, 交警, 街道办 …); units form a tree whose
/// parent is where escalation goes.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "units")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    /// chengguan | huanwei | jiaojing | street_office | property | other
    pub kind: String,
    pub parent_id: Option<Uuid>,
    pub created_at: DateTimeWithTimeZone,
    /// wecom (group-robot markdown) | hmac (signed JSON POST); none: no notifications.
    pub webhook_kind: Option<String>,
    pub webhook_url: Option<String>,
    /// HMAC-SHA256 key of `hmac` webhooks.
    pub webhook_secret: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
