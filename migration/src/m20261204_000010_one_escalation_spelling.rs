//! One spelling of the escalation event (督办): `escalate`, as the case loop
//! writes it when the scheduler or a supervisor escalates. The seed wrote
//! `escalation`; its rows are renamed.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000010_one_escalation_spelling"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared(
                "UPDATE case_events SET action = 'escalate' WHERE action = 'escalation'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        // Which rows the seed wrote is not kept; `escalate` is right for all.
        Ok(())
    }
}
