use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Role,
    Openid,
    Unionid,
    SessionKey,
    Username,
    PasswordHash,
    UnitId,
    DisplayName,
    Phone,
    Disabled,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Units {
    Table,
    Id,
    Code,
    Name,
    Kind,
    ParentId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Areas {
    Table,
    Id,
    Code,
    Name,
    Level,
    ParentId,
    Geometry,
    MinLng,
    MinLat,
    MaxLng,
    MaxLat,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Categories {
    Table,
    Id,
    Code,
    Name,
    ParentId,
    TimeLimit,
    LimitUnit,
    AcceptLimitHours,
    ManualReview,
    CloseCriterion,
    SortOrder,
    Active,
}

#[derive(DeriveIden)]
enum RoutingRules {
    Table,
    Id,
    CategoryId,
    AreaId,
    UnitId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Media {
    Table,
    Id,
    OwnerId,
    Sha256,
    ContentType,
    Width,
    Height,
    Bytes,
    OriginalFormat,
    ObjectKey,
    ThumbKey,
    ExifTakenAt,
    ExifLat,
    ExifLng,
    CaseId,
    EventId,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
    CaseNo,
    ReporterId,
    CategoryId,
    Description,
    Lat,
    Lng,
    Address,
    AreaId,
    Status,
    Version,
    UnitId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CaseEvents {
    Table,
    Id,
    CaseId,
    ActorId,
    ActorRole,
    Action,
    FromStatus,
    ToStatus,
    Note,
    Public,
    Data,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CaseCounters {
    Table,
    Day,
    Value,
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Units::Table)
                    .col(pk_uuid(Units::Id))
                    .col(string_uniq(Units::Code))
                    .col(string(Units::Name))
                    .col(string(Units::Kind))
                    .col(uuid_null(Units::ParentId))
                    .col(timestamp_with_time_zone(Units::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_units_parent",
                        (Units::Table, Units::ParentId),
                        (Units::Table, Units::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(pk_uuid(Users::Id))
                    .col(string(Users::Role))
                    .col(string_null(Users::Openid).unique_key())
                    .col(string_null(Users::Unionid))
                    .col(string_null(Users::SessionKey))
                    .col(string_null(Users::Username).unique_key())
                    .col(string_null(Users::PasswordHash))
                    .col(uuid_null(Users::UnitId))
                    .col(string(Users::DisplayName))
                    .col(string_null(Users::Phone))
                    .col(boolean(Users::Disabled))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone(Users::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_users_unit",
                        (Users::Table, Users::UnitId),
                        (Units::Table, Units::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Areas::Table)
                    .col(pk_uuid(Areas::Id))
                    .col(string_uniq(Areas::Code))
                    .col(string(Areas::Name))
                    .col(string(Areas::Level))
                    .col(uuid_null(Areas::ParentId))
                    .col(text(Areas::Geometry))
                    .col(double(Areas::MinLng))
                    .col(double(Areas::MinLat))
                    .col(double(Areas::MaxLng))
                    .col(double(Areas::MaxLat))
                    .col(timestamp_with_time_zone(Areas::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_areas_parent",
                        (Areas::Table, Areas::ParentId),
                        (Areas::Table, Areas::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Categories::Table)
                    .col(pk_uuid(Categories::Id))
                    .col(string_uniq(Categories::Code))
                    .col(string(Categories::Name))
                    .col(uuid_null(Categories::ParentId))
                    .col(integer_null(Categories::TimeLimit))
                    .col(string_null(Categories::LimitUnit))
                    .col(integer_null(Categories::AcceptLimitHours))
                    .col(boolean(Categories::ManualReview))
                    .col(text(Categories::CloseCriterion))
                    .col(integer(Categories::SortOrder))
                    .col(boolean(Categories::Active))
                    .foreign_key(&mut fk(
                        "fk_categories_parent",
                        (Categories::Table, Categories::ParentId),
                        (Categories::Table, Categories::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RoutingRules::Table)
                    .col(pk_uuid(RoutingRules::Id))
                    .col(uuid_null(RoutingRules::CategoryId))
                    .col(uuid_null(RoutingRules::AreaId))
                    .col(uuid(RoutingRules::UnitId))
                    .col(timestamp_with_time_zone(RoutingRules::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_rules_category",
                        (RoutingRules::Table, RoutingRules::CategoryId),
                        (Categories::Table, Categories::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_rules_area",
                        (RoutingRules::Table, RoutingRules::AreaId),
                        (Areas::Table, Areas::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_rules_unit",
                        (RoutingRules::Table, RoutingRules::UnitId),
                        (Units::Table, Units::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Cases::Table)
                    .col(pk_uuid(Cases::Id))
                    .col(string_uniq(Cases::CaseNo))
                    .col(uuid(Cases::ReporterId))
                    .col(uuid(Cases::CategoryId))
                    .col(text(Cases::Description))
                    .col(double(Cases::Lat))
                    .col(double(Cases::Lng))
                    .col(string_null(Cases::Address))
                    .col(uuid(Cases::AreaId))
                    .col(string(Cases::Status))
                    .col(integer(Cases::Version))
                    .col(uuid_null(Cases::UnitId))
                    .col(timestamp_with_time_zone(Cases::CreatedAt))
                    .col(timestamp_with_time_zone(Cases::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_cases_reporter",
                        (Cases::Table, Cases::ReporterId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_cases_category",
                        (Cases::Table, Cases::CategoryId),
                        (Categories::Table, Categories::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_cases_area",
                        (Cases::Table, Cases::AreaId),
                        (Areas::Table, Areas::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_cases_unit",
                        (Cases::Table, Cases::UnitId),
                        (Units::Table, Units::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_cases_reporter")
                    .table(Cases::Table)
                    .col(Cases::ReporterId)
                    .col(Cases::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_cases_status")
                    .table(Cases::Table)
                    .col(Cases::Status)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CaseEvents::Table)
                    .col(pk_uuid(CaseEvents::Id))
                    .col(uuid(CaseEvents::CaseId))
                    .col(uuid_null(CaseEvents::ActorId))
                    .col(string(CaseEvents::ActorRole))
                    .col(string(CaseEvents::Action))
                    .col(string_null(CaseEvents::FromStatus))
                    .col(string(CaseEvents::ToStatus))
                    .col(text_null(CaseEvents::Note))
                    .col(boolean(CaseEvents::Public))
                    .col(text_null(CaseEvents::Data))
                    .col(timestamp_with_time_zone(CaseEvents::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_events_case",
                        (CaseEvents::Table, CaseEvents::CaseId),
                        (Cases::Table, Cases::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_case_events_case")
                    .table(CaseEvents::Table)
                    .col(CaseEvents::CaseId)
                    .col(CaseEvents::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Media::Table)
                    .col(pk_uuid(Media::Id))
                    .col(uuid(Media::OwnerId))
                    .col(string(Media::Sha256))
                    .col(string(Media::ContentType))
                    .col(integer(Media::Width))
                    .col(integer(Media::Height))
                    .col(big_integer(Media::Bytes))
                    .col(string(Media::OriginalFormat))
                    .col(string(Media::ObjectKey))
                    .col(string(Media::ThumbKey))
                    .col(string_null(Media::ExifTakenAt))
                    .col(double_null(Media::ExifLat))
                    .col(double_null(Media::ExifLng))
                    .col(uuid_null(Media::CaseId))
                    .col(uuid_null(Media::EventId))
                    .col(timestamp_with_time_zone(Media::CreatedAt))
                    .col(timestamp_with_time_zone(Media::ExpiresAt))
                    .foreign_key(&mut fk(
                        "fk_media_owner",
                        (Media::Table, Media::OwnerId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut fk(
                        "fk_media_case",
                        (Media::Table, Media::CaseId),
                        (Cases::Table, Cases::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_media_owner_sha256")
                    .table(Media::Table)
                    .col(Media::OwnerId)
                    .col(Media::Sha256)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_media_case")
                    .table(Media::Table)
                    .col(Media::CaseId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CaseCounters::Table)
                    .col(string(CaseCounters::Day).primary_key())
                    .col(big_integer(CaseCounters::Value))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
