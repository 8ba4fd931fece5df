use domain::outbox::{Job, JobStatus};
use sea_orm::entity::prelude::*;

/// A notification to deliver, written in the transaction of the change it
/// announces and delivered at least once by the outbox worker.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: Job,
    pub case_id: Option<Uuid>,
    /// openid, or unit id.
    pub target: String,
    /// The message, JSON.
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    pub status: JobStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTimeWithTimeZone,
    /// A worker holds the row until then.
    pub locked_until: Option<DateTimeWithTimeZone>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub created_at: DateTimeWithTimeZone,
    pub done_at: Option<DateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
