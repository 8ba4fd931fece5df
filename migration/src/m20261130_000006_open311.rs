//! Open311 GeoReport v2: `api_keys`, one per integrator (a 12345 hotline,
//! an app), stored as a SHA-256 of the key; `open311_requests`, what an
//! integrator sent with a case that the case row has no place for (its
//! contact, `media_url`, attribute answers); and `categories.attributes`,
//! the extra questions a 小类 asks (its GeoReport service definition).
//! Also `case_followers`: citizens who follow a case someone else
//! reported (附议) instead of filing a duplicate.

use sea_orm_migration::{
    prelude::*,
    schema::*,
    sea_orm::{ConnectionTrait, DbBackend},
};

/// `users.role`'s allowed values (migration 3's check), now with
/// `integrator`.
fn role_check(roles: &str) -> String {
    const CK: &str = "ck_users_role";
    let when = format!("NEW.role NOT IN ({roles})");
    let abort = format!("SELECT RAISE(ABORT, 'CHECK constraint failed: {CK}')");
    format!(
        "DROP TRIGGER IF EXISTS {CK}_insert; DROP TRIGGER IF EXISTS {CK}_update; \
         CREATE TRIGGER {CK}_insert BEFORE INSERT ON users WHEN {when} BEGIN {abort}; END; \
         CREATE TRIGGER {CK}_update BEFORE UPDATE OF role ON users WHEN {when} BEGIN {abort}; END;"
    )
}

async fn set_roles(m: &SchemaManager<'_>, roles: &str) -> Result<(), DbErr> {
    let db = m.get_connection();
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => format!(
            "ALTER TABLE users DROP CONSTRAINT IF EXISTS ck_users_role; \
             ALTER TABLE users ADD CONSTRAINT ck_users_role CHECK (role IN ({roles}))"
        ),
        _ => role_check(roles),
    };
    db.execute_unprepared(&sql).await.map(|_| ())
}

const ROLES: &str = "'citizen', 'admin', 'dispatcher', 'supervisor', 'unit_member'";

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000006_open311"
    }
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    Name,
    KeyHash,
    KeyPrefix,
    UserId,
    RatePerMinute,
    CreatedBy,
    CreatedAt,
    RevokedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum Open311Requests {
    Table,
    CaseId,
    ApiKeyId,
    Contact,
    MediaUrl,
    Attributes,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CaseFollowers {
    Table,
    CaseId,
    UserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Categories {
    Table,
    Attributes,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        set_roles(m, &format!("{ROLES}, 'integrator'")).await?;
        m.create_table(
            Table::create()
                .table(ApiKeys::Table)
                .col(uuid(ApiKeys::Id).primary_key())
                .col(string(ApiKeys::Name).unique_key())
                .col(string(ApiKeys::KeyHash).unique_key())
                .col(string(ApiKeys::KeyPrefix))
                .col(uuid(ApiKeys::UserId))
                .col(integer(ApiKeys::RatePerMinute))
                .col(uuid_null(ApiKeys::CreatedBy))
                .col(timestamp_with_time_zone(ApiKeys::CreatedAt))
                .col(timestamp_with_time_zone_null(ApiKeys::RevokedAt))
                .col(timestamp_with_time_zone_null(ApiKeys::LastUsedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Open311Requests::Table)
                .col(uuid(Open311Requests::CaseId).primary_key())
                .col(uuid(Open311Requests::ApiKeyId))
                .col(text_null(Open311Requests::Contact))
                .col(text_null(Open311Requests::MediaUrl))
                .col(text_null(Open311Requests::Attributes))
                .col(timestamp_with_time_zone(Open311Requests::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("open311_requests_api_key_idx")
                .table(Open311Requests::Table)
                .col(Open311Requests::ApiKeyId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CaseFollowers::Table)
                .col(uuid(CaseFollowers::CaseId))
                .col(uuid(CaseFollowers::UserId))
                .col(timestamp_with_time_zone(CaseFollowers::CreatedAt))
                .primary_key(
                    Index::create()
                        .col(CaseFollowers::CaseId)
                        .col(CaseFollowers::UserId),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("case_followers_user_idx")
                .table(CaseFollowers::Table)
                .col(CaseFollowers::UserId)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Categories::Table)
                .add_column(text_null(Categories::Attributes))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CaseFollowers::Table).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(Categories::Table)
                .drop_column(Categories::Attributes)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(Open311Requests::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(ApiKeys::Table).to_owned())
            .await?;
        set_roles(m, ROLES).await
    }
}
