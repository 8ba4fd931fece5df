//! Two records that must survive a crash or span nodes:
//! `users.tokens_valid_after`, before which no token of the account is
//! accepted (a password reset or an admin's "log out everywhere"), and
//! `idempotency_keys`, the Idempotency-Key of a report written in the
//! report's own transaction, so that a crash can never leave a key
//! "in progress" without its report.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000005_sessions_and_keys"
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    TokensValidAfter,
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Key,
    Fingerprint,
    CaseId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .add_column(timestamp_with_time_zone_null(Users::TokensValidAfter))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(IdempotencyKeys::Table)
                .col(string(IdempotencyKeys::Key).primary_key())
                .col(string(IdempotencyKeys::Fingerprint))
                .col(uuid(IdempotencyKeys::CaseId))
                .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idempotency_keys_created_at_idx")
                .table(IdempotencyKeys::Table)
                .col(IdempotencyKeys::CreatedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(IdempotencyKeys::Table).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .drop_column(Users::TokensValidAfter)
                .to_owned(),
        )
        .await
    }
}
