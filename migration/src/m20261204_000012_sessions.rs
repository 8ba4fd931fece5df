//! Sessions kept on the server (`sessions`): a logout ends one for every
//! token it issued, and a refresh token is good once; one used again ends
//! its whole session (a stolen token and its thief's tokens with it).

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000012_sessions"
    }
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    RefreshId,
    CreatedAt,
    ExpiresAt,
    EndedAt,
    EndedWhy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(uuid(Sessions::Id).primary_key())
                .col(uuid(Sessions::UserId))
                .col(uuid_null(Sessions::RefreshId))
                .col(timestamp_with_time_zone(Sessions::CreatedAt))
                .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                .col(timestamp_with_time_zone_null(Sessions::EndedAt))
                .col(string_null(Sessions::EndedWhy))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("sessions_user_id_idx")
                .table(Sessions::Table)
                .col(Sessions::UserId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("sessions_expires_at_idx")
                .table(Sessions::Table)
                .col(Sessions::ExpiresAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Sessions::Table).to_owned())
            .await
    }
}
