//! The work queues by status, newest first (`GET /cases?status=accepted`,
//! the dispatcher's 待派遣, 待核查 …): an index on `(status, id)` in place
//! of the one on `status` alone. With only `status` indexed, PostgreSQL
//! read a rare status's queue by walking the whole primary key backwards
//! and filtering: 361 ms for the 6 accepted cases of 1,000,000 (the load
//! test, benches/README.md); with this index, 0.07 ms.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261209_000022_status_queues"
    }
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Status,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_cases_status_id")
                .table(Cases::Table)
                .col(Cases::Status)
                .col(Cases::Id)
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("idx_cases_status")
                .table(Cases::Table)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_cases_status")
                .table(Cases::Table)
                .col(Cases::Status)
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("idx_cases_status_id")
                .table(Cases::Table)
                .to_owned(),
        )
        .await
    }
}
