use sea_orm::entity::prelude::*;

/// An Idempotency-Key of a report, written in the report's transaction:
/// `key` is scoped to the citizen (`report:{user}:{key}`), `fingerprint`
/// hashes the request body, `case_id` is the case it created.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub fingerprint: String,
    pub case_id: Uuid,
    pub created_at: DateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
