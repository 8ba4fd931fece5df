use sea_orm::entity::prelude::*;

/// A file a unit uploaded as a task's evidence (a PDF, a document, a
/// sheet); unattached until the task is submitted with it.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "task_files")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub task_id: Option<Uuid>,
    /// The file's name as uploaded.
    pub name: String,
    pub content_type: String,
    pub bytes: i64,
    pub object_key: String,
    pub uploaded_by: Uuid,
    pub created_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
