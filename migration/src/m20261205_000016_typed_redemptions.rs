//! A redemption's status refuses any word but `issued` and `used`, as the
//! other typed columns do (`crate::typed`).

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261205_000016_typed_redemptions"
    }
}

const REDEMPTION_STATES: &[&str] = &["issued", "used"];

const TYPED: &[crate::typed::Typed] = &[("redemptions", "id", "status", REDEMPTION_STATES, false)];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::typed::add(manager, TYPED).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::typed::drop(manager, TYPED).await
    }
}
