use sea_orm::entity::prelude::*;

/// An assessment indicator the city works to (测评体系), in a tree by
/// `parent_id`: its code, its name and what counts as done.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "assessment_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub parent_id: Option<Uuid>,
    /// What counts as done (完成标准).
    #[sea_orm(column_type = "Text", nullable)]
    pub criterion: Option<String>,
    /// Retired indicators keep their tasks but give no new ones.
    pub active: bool,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
