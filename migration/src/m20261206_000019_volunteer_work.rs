//! Volunteers' work besides patrols: 劝导 records (`persuasions`: what
//! behaviour, where, an optional photo, and whether it stopped; one that
//! did not stop names the case it became), and how each case came in
//! (`cases.channel`: the mini-program, Open311, a failed 劝导 or a
//! 随手治, backfilled from `open311_requests` for the Open311 ones).
//! A photo may belong to a 劝导 record or a moment instead of a case
//! (`media.record_id`), which keeps it from the purge of unattached
//! uploads; a points entry may name the volunteer record that earned it
//! (`points_ledger.record_id`: a patrol, a 劝导 or a moment), once per
//! reason. 文明美好瞬间 (`moments`): good moments anyone files, with their
//! photos (`media.record_id`), reviewed by staff and, once approved,
//! published if staff choose.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000019_volunteer_work"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Persuasions {
    Table,
    Id,
    UserId,
    VolunteerName,
    TeamId,
    CategoryId,
    Lat,
    Lng,
    AreaId,
    Address,
    Note,
    MediaId,
    Persuaded,
    CaseId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Moments {
    Table,
    Id,
    UserId,
    AuthorName,
    Body,
    Lat,
    Lng,
    AreaId,
    Address,
    TextCheck,
    Status,
    Published,
    ReviewNote,
    ReviewedBy,
    ReviewedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Channel,
}

#[derive(DeriveIden)]
enum Media {
    Table,
    RecordId,
}

#[derive(DeriveIden)]
enum PointsLedger {
    Table,
    RecordId,
}

const CHANNELS: &[&str] = &["mini_program", "open311", "persuasion", "self_fix"];
const REASONS_BEFORE: &[&str] = &[
    "case_accepted",
    "solved",
    "case_accepted_reversed",
    "redeem",
];
const REASONS: &[&str] = &[
    "case_accepted",
    "solved",
    "case_accepted_reversed",
    "redeem",
    "patrol_hours",
    "persuasion",
    "self_fix",
    "moment",
];
const MOMENT_STATES: &[&str] = &["pending", "approved", "rejected"];

const TYPED: &[crate::typed::Typed] = &[
    ("cases", "id", "channel", CHANNELS, false),
    ("points_ledger", "id", "reason", REASONS, false),
    ("moments", "id", "status", MOMENT_STATES, false),
    ("moments", "id", "text_check", CHECK_STATES, true),
];
const CHECK_STATES: &[&str] = &["pending", "pass", "review", "risky", "unchecked"];
const REASON_BEFORE: &[crate::typed::Typed] =
    &[("points_ledger", "id", "reason", REASONS_BEFORE, false)];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Cases::Table)
                .add_column(string(Cases::Channel).default("mini_program"))
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "UPDATE cases SET channel = 'open311' WHERE id IN (SELECT case_id FROM open311_requests)",
            )
            .await?;
        m.alter_table(
            Table::alter()
                .table(Media::Table)
                .add_column(uuid_null(Media::RecordId))
                .to_owned(),
        )
        .await?;
        // The public board reads a page of moments' photos by it.
        m.create_index(
            Index::create()
                .name("media_record_idx")
                .table(Media::Table)
                .col(Media::RecordId)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(PointsLedger::Table)
                .add_column(uuid_null(PointsLedger::RecordId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("points_ledger_record_once_idx")
                .table(PointsLedger::Table)
                .col(Alias::new("user_id"))
                .col(PointsLedger::RecordId)
                .col(Alias::new("reason"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Persuasions::Table)
                .col(uuid(Persuasions::Id).primary_key())
                .col(uuid(Persuasions::UserId))
                .col(string(Persuasions::VolunteerName))
                .col(uuid(Persuasions::TeamId))
                .col(uuid(Persuasions::CategoryId))
                .col(double(Persuasions::Lat))
                .col(double(Persuasions::Lng))
                .col(uuid(Persuasions::AreaId))
                .col(string_null(Persuasions::Address))
                .col(text_null(Persuasions::Note))
                .col(uuid_null(Persuasions::MediaId))
                .col(boolean(Persuasions::Persuaded))
                .col(uuid_null(Persuasions::CaseId))
                .col(timestamp_with_time_zone(Persuasions::CreatedAt))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            (
                "persuasions_user_idx",
                [Persuasions::UserId, Persuasions::CreatedAt],
            ),
            (
                "persuasions_team_idx",
                [Persuasions::TeamId, Persuasions::CreatedAt],
            ),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(Persuasions::Table)
                    .col(cols[0])
                    .col(cols[1])
                    .to_owned(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table(Moments::Table)
                .col(uuid(Moments::Id).primary_key())
                .col(uuid(Moments::UserId))
                .col(string(Moments::AuthorName))
                .col(text(Moments::Body))
                .col(double(Moments::Lat))
                .col(double(Moments::Lng))
                .col(uuid(Moments::AreaId))
                .col(string_null(Moments::Address))
                .col(string_null(Moments::TextCheck))
                .col(string(Moments::Status))
                .col(boolean(Moments::Published))
                .col(text_null(Moments::ReviewNote))
                .col(uuid_null(Moments::ReviewedBy))
                .col(timestamp_with_time_zone_null(Moments::ReviewedAt))
                .col(timestamp_with_time_zone(Moments::CreatedAt))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("moments_user_idx", [Moments::UserId, Moments::Id]),
            ("moments_status_idx", [Moments::Status, Moments::Id]),
            ("moments_published_idx", [Moments::Published, Moments::Id]),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(Moments::Table)
                    .col(cols[0])
                    .col(cols[1])
                    .to_owned(),
            )
            .await?;
        }
        crate::typed::drop(m, REASON_BEFORE).await?;
        crate::typed::add(m, TYPED).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        crate::typed::drop(m, TYPED).await?;
        // Volunteers' points go with the work that earned them.
        m.get_connection()
            .execute_unprepared(
                "DELETE FROM points_ledger WHERE reason IN ('patrol_hours', 'persuasion', 'self_fix', 'moment')",
            )
            .await?;
        crate::typed::add(m, REASON_BEFORE).await?;
        m.drop_table(Table::drop().table(Moments::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Persuasions::Table).to_owned())
            .await?;
        m.drop_index(
            Index::drop()
                .name("points_ledger_record_once_idx")
                .table(PointsLedger::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(PointsLedger::Table)
                .drop_column(PointsLedger::RecordId)
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("media_record_idx")
                .table(Media::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Media::Table)
                .drop_column(Media::RecordId)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Cases::Table)
                .drop_column(Cases::Channel)
                .to_owned(),
        )
        .await
    }
}
