//! An area's level refuses any word but `district`, `street` and `grid`,
//! as the other typed columns do (`crate::typed`).

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261205_000017_typed_area_levels"
    }
}

const AREA_LEVELS: &[&str] = &["district", "street", "grid"];

const TYPED: &[crate::typed::Typed] = &[("areas", "id", "level", AREA_LEVELS, false)];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::typed::add(manager, TYPED).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::typed::drop(manager, TYPED).await
    }
}
