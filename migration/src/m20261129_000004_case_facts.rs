//! The facts the command centre counts, kept on the case row by the case
//! transaction itself so that indicators never need the timeline:
//! how often the case was returned (回退), when the unit claimed it (接单),
//! and its handling time in working minutes (dispatch to resolution).
//! Existing cases get their return count and claim time from their
//! timelines. Plus an index on `updated_at`, which nodes read to catch up on changes
//! they did not hear about on the live feed.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000004_case_facts"
    }
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    ReturnCount,
    ClaimedAt,
    HandlingMinutes,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        let columns = [
            ColumnDef::new(Cases::ReturnCount)
                .integer()
                .not_null()
                .default(0)
                .to_owned(),
            ColumnDef::new(Cases::ClaimedAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new(Cases::HandlingMinutes)
                .big_integer()
                .null()
                .to_owned(),
        ];
        for mut c in columns {
            m.alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .add_column(&mut c)
                    .to_owned(),
            )
            .await?;
        }
        // The facts of the cases already there, from their timelines (the
        // handling time needs the working calendar and stays empty for them).
        let db = m.get_connection();
        db.execute_unprepared(
            "UPDATE cases SET \
               return_count = (SELECT COUNT(*) FROM case_events e \
                 WHERE e.case_id = cases.id AND e.action = 'return'), \
               claimed_at = (SELECT MAX(e.created_at) FROM case_events e \
                 WHERE e.case_id = cases.id AND e.action = 'claim')",
        )
        .await?;
        m.create_index(
            Index::create()
                .name("cases_updated_at_idx")
                .table(Cases::Table)
                .col(Cases::UpdatedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("cases_updated_at_idx")
                .table(Cases::Table)
                .to_owned(),
        )
        .await?;
        for c in [Cases::ReturnCount, Cases::ClaimedAt, Cases::HandlingMinutes] {
            m.alter_table(Table::alter().table(Cases::Table).drop_column(c).to_owned())
                .await?;
        }
        Ok(())
    }
}
