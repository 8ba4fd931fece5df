//! Volunteers (志愿者): teams (志愿服务队) with a leader and a join code,
//! their members (one team per person, with the name they serve under), the spots they are assigned
//! (挂包点位: a point and a radius, optionally an area, with patrol
//! times), and patrols (巡访: check-in to check-out, the volunteer hours).
//! One open patrol per volunteer is a unique index (partial: only while
//! `ended_at` is null), so two check-ins at once cannot both open one.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000018_volunteers"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Teams {
    Table,
    Id,
    Name,
    LeaderId,
    JoinCode,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum TeamMembers {
    Table,
    UserId,
    TeamId,
    Name,
    JoinedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Spots {
    Table,
    Id,
    TeamId,
    Name,
    Lat,
    Lng,
    RadiusM,
    AreaId,
    Times,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Patrols {
    Table,
    Id,
    UserId,
    VolunteerName,
    TeamId,
    SpotId,
    StartedAt,
    EndedAt,
    EndedBy,
    StartLat,
    StartLng,
    StartDistanceM,
    EndLat,
    EndLng,
}

const TYPED: &[crate::typed::Typed] = &[(
    "patrols",
    "id",
    "ended_by",
    &["checked_out", "capped"],
    true,
)];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Teams::Table)
                .col(uuid(Teams::Id).primary_key())
                .col(string(Teams::Name).unique_key())
                .col(uuid_null(Teams::LeaderId))
                .col(string(Teams::JoinCode).unique_key())
                .col(boolean(Teams::Active))
                .col(timestamp_with_time_zone(Teams::CreatedAt))
                .col(timestamp_with_time_zone(Teams::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(TeamMembers::Table)
                .col(uuid(TeamMembers::UserId).primary_key())
                .col(uuid(TeamMembers::TeamId))
                .col(string(TeamMembers::Name))
                .col(timestamp_with_time_zone(TeamMembers::JoinedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("team_members_team_idx")
                .table(TeamMembers::Table)
                .col(TeamMembers::TeamId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Spots::Table)
                .col(uuid(Spots::Id).primary_key())
                .col(uuid(Spots::TeamId))
                .col(string(Spots::Name))
                .col(double(Spots::Lat))
                .col(double(Spots::Lng))
                .col(integer(Spots::RadiusM))
                .col(uuid_null(Spots::AreaId))
                .col(text(Spots::Times))
                .col(timestamp_with_time_zone(Spots::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("spots_team_idx")
                .table(Spots::Table)
                .col(Spots::TeamId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Patrols::Table)
                .col(uuid(Patrols::Id).primary_key())
                .col(uuid(Patrols::UserId))
                .col(string(Patrols::VolunteerName))
                .col(uuid(Patrols::TeamId))
                .col(uuid(Patrols::SpotId))
                .col(timestamp_with_time_zone(Patrols::StartedAt))
                .col(timestamp_with_time_zone_null(Patrols::EndedAt))
                .col(string_null(Patrols::EndedBy))
                .col(double(Patrols::StartLat))
                .col(double(Patrols::StartLng))
                .col(integer(Patrols::StartDistanceM))
                .col(double_null(Patrols::EndLat))
                .col(double_null(Patrols::EndLng))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            (
                "patrols_user_idx",
                &[Patrols::UserId, Patrols::StartedAt][..],
            ),
            (
                "patrols_team_idx",
                &[Patrols::TeamId, Patrols::StartedAt][..],
            ),
            (
                "patrols_spot_idx",
                &[Patrols::SpotId, Patrols::StartedAt][..],
            ),
        ] {
            let mut i = Index::create();
            i.name(name).table(Patrols::Table);
            for c in cols {
                i.col(*c);
            }
            m.create_index(i.to_owned()).await?;
        }
        // One open patrol per volunteer (both backends know partial indexes).
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX patrols_one_open_idx ON patrols (user_id) WHERE ended_at IS NULL",
            )
            .await?;
        crate::typed::add(m, TYPED).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        crate::typed::drop(m, TYPED).await?;
        for t in [
            Patrols::Table.into_iden(),
            Spots::Table.into_iden(),
            TeamMembers::Table.into_iden(),
            Teams::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
