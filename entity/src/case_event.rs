use domain::{CaseStatus, case::event::EventAction};
use sea_orm::entity::prelude::*;

/// One entry of a case's append-only timeline.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "case_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub actor_id: Option<Uuid>,
    pub actor_role: String,
    /// What happened: submit, accept, dispatch, …
    pub action: EventAction,
    pub from_status: Option<CaseStatus>,
    pub to_status: CaseStatus,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    /// Whether the citizen sees this entry.
    pub public: bool,
    /// Structured details (routing decision, …) as JSON text.
    #[sea_orm(column_type = "Text", nullable)]
    pub data: Option<String>,
    pub created_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
