//! Content security and points (积分).
//!
//! `content_checks`: what WeChat's content security said of a report's
//! description, a rating's comment or a photo, and what is still waiting
//! for a verdict; a flag stays open for the dispatcher until a person
//! reviews it. `media.blocked_at`: a photo WeChat found risky is served
//! to nobody.
//!
//! `points_ledger`: every award, reversal and redemption as a row of its
//! own, unique on (citizen, case, reason) so that an award happens once
//! however many nodes and retries try it. `rewards`, the catalogue with
//! its stock, and `redemptions`, the codes citizens show.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000007_content_and_points"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum ContentChecks {
    Table,
    Id,
    Subject,
    CaseId,
    MediaId,
    Openid,
    Status,
    Label,
    TraceId,
    Sends,
    SentAt,
    CreatedAt,
    DecidedAt,
    ReviewedAt,
    ReviewedBy,
    ReviewNote,
}

#[derive(DeriveIden)]
enum Media {
    Table,
    BlockedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PointsLedger {
    Table,
    Id,
    UserId,
    CaseId,
    Reason,
    Points,
    Note,
    RedemptionId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Rewards {
    Table,
    Id,
    Name,
    Description,
    Cost,
    Stock,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Redemptions {
    Table,
    Id,
    Code,
    UserId,
    RewardId,
    Cost,
    Status,
    IdempotencyKey,
    CreatedAt,
    UsedAt,
    UsedBy,
}

fn index(name: &str, table: impl IntoIden, cols: &[&'static str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(Alias::new(*c));
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ContentChecks::Table)
                .col(uuid(ContentChecks::Id).primary_key())
                .col(string(ContentChecks::Subject))
                .col(uuid_null(ContentChecks::CaseId))
                .col(uuid_null(ContentChecks::MediaId))
                .col(string_null(ContentChecks::Openid))
                .col(string(ContentChecks::Status))
                .col(integer_null(ContentChecks::Label))
                .col(string_null(ContentChecks::TraceId))
                .col(integer(ContentChecks::Sends).default(0))
                .col(timestamp_with_time_zone_null(ContentChecks::SentAt))
                .col(timestamp_with_time_zone(ContentChecks::CreatedAt))
                .col(timestamp_with_time_zone_null(ContentChecks::DecidedAt))
                .col(timestamp_with_time_zone_null(ContentChecks::ReviewedAt))
                .col(uuid_null(ContentChecks::ReviewedBy))
                .col(text_null(ContentChecks::ReviewNote))
                .to_owned(),
        )
        .await?;
        let t = ContentChecks::Table;
        m.create_index(index("content_checks_case_idx", t, &["case_id"]))
            .await?;
        m.create_index(index("content_checks_media_idx", t, &["media_id"]))
            .await?;
        m.create_index(index(
            "content_checks_status_idx",
            t,
            &["status", "sent_at"],
        ))
        .await?;
        m.create_index(
            index("content_checks_trace_idx", t, &["trace_id"])
                .unique()
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Media::Table)
                .add_column(timestamp_with_time_zone_null(Media::BlockedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PointsLedger::Table)
                .col(uuid(PointsLedger::Id).primary_key())
                .col(uuid(PointsLedger::UserId))
                .col(uuid_null(PointsLedger::CaseId))
                .col(string(PointsLedger::Reason))
                .col(integer(PointsLedger::Points))
                .col(text_null(PointsLedger::Note))
                .col(uuid_null(PointsLedger::RedemptionId))
                .col(timestamp_with_time_zone(PointsLedger::CreatedAt))
                .to_owned(),
        )
        .await?;
        let t = PointsLedger::Table;
        m.create_index(
            index(
                "points_ledger_once_idx",
                t,
                &["user_id", "case_id", "reason"],
            )
            .unique()
            .to_owned(),
        )
        .await?;
        m.create_index(index(
            "points_ledger_user_idx",
            t,
            &["user_id", "created_at"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(Rewards::Table)
                .col(uuid(Rewards::Id).primary_key())
                .col(string(Rewards::Name).unique_key())
                .col(text_null(Rewards::Description))
                .col(integer(Rewards::Cost))
                .col(integer(Rewards::Stock))
                .col(boolean(Rewards::Active))
                .col(timestamp_with_time_zone(Rewards::CreatedAt))
                .col(timestamp_with_time_zone(Rewards::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Redemptions::Table)
                .col(uuid(Redemptions::Id).primary_key())
                .col(string(Redemptions::Code).unique_key())
                .col(uuid(Redemptions::UserId))
                .col(uuid(Redemptions::RewardId))
                .col(integer(Redemptions::Cost))
                .col(string(Redemptions::Status))
                .col(string_null(Redemptions::IdempotencyKey))
                .col(timestamp_with_time_zone(Redemptions::CreatedAt))
                .col(timestamp_with_time_zone_null(Redemptions::UsedAt))
                .col(uuid_null(Redemptions::UsedBy))
                .to_owned(),
        )
        .await?;
        let t = Redemptions::Table;
        m.create_index(
            index("redemptions_key_idx", t, &["user_id", "idempotency_key"])
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            Redemptions::Table.into_iden(),
            Rewards::Table.into_iden(),
            PointsLedger::Table.into_iden(),
            ContentChecks::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table(Media::Table)
                .drop_column(Media::BlockedAt)
                .to_owned(),
        )
        .await
    }
}
