use sea_orm::entity::prelude::*;

/// One login's session: every token issued from it carries its id. A
/// refresh token is good once: each refresh replaces `refresh_id`, and a
/// refresh token used again (an old `refresh_id`) ends the session.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    /// The id of the one refresh token that continues the session (none:
    /// a citizen's session, which has no refresh token).
    pub refresh_id: Option<Uuid>,
    pub created_at: DateTimeWithTimeZone,
    pub expires_at: DateTimeWithTimeZone,
    pub ended_at: Option<DateTimeWithTimeZone>,
    /// logout | refresh_reused
    pub ended_why: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
