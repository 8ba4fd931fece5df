//! When a person first took a case on (`cases.taken_on_at`): a dispatcher's
//! accept or dispatch, or a unit member's claim. Publication and points
//! follow it (api-docs/contract.md, "Publication" and "Points"): an
//! automatic dispatch is not a person's judgement. Cases already taken on
//! get the time of the first such event by a person.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000011_taken_on"
    }
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    TakenOnAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Cases::Table)
                .add_column(timestamp_with_time_zone_null(Cases::TakenOnAt))
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "UPDATE cases SET taken_on_at = (SELECT MIN(e.created_at) FROM case_events e \
                 WHERE e.case_id = cases.id AND e.actor_role <> 'system' \
                 AND e.action IN ('accept', 'dispatch', 'claim'))",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Cases::Table)
                .drop_column(Cases::TakenOnAt)
                .to_owned(),
        )
        .await
    }
}
