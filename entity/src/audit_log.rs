use sea_orm::entity::prelude::*;

/// One staff or unit action, or one view of a reporter's identity.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// None for the system (scheduler, CLI).
    pub actor_id: Option<Uuid>,
    pub actor_role: String,
    pub action: String,
    /// case | category | unit | area | routing_rule | calendar | account | reporter
    pub object_type: String,
    pub object_id: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub data: Option<String>,
    pub at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
