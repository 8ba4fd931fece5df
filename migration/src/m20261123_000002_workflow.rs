//! The case workflow: routing, deadlines, escalation, extensions, duplicate
//! candidates, ratings, the notification outbox, the audit log and the
//! working calendar.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Cases {
    Table,
    Id,
    RoutedUnitId,
    RuleId,
    DispatchedAt,
    AcceptDueAt,
    AcceptOverdueAt,
    ClockKind,
    ClockTotalMinutes,
    ClockLeftMinutes,
    DueAt,
    WarnAt,
    WarnedAt,
    OverdueAt,
    EscalationLevel,
    EscalatedUnitId,
    NextEscalationAt,
    TimerAt,
    SuspendedFrom,
    DuplicateOf,
    Extended,
    ReopenCount,
    ResolvedAt,
    ClosedAt,
    Rating,
    RatingComment,
    RatedAt,
    UnitId,
    CategoryId,
    Lat,
}

#[derive(DeriveIden, Clone, Copy)]
enum Units {
    Table,
    WebhookKind,
    WebhookUrl,
    WebhookSecret,
}

#[derive(DeriveIden, Clone, Copy)]
enum Categories {
    Table,
    UnsatisfiedMax,
}

#[derive(DeriveIden)]
enum Extensions {
    Table,
    Id,
    CaseId,
    UnitId,
    RequestedBy,
    Amount,
    LimitUnit,
    Reason,
    Status,
    DecidedBy,
    DecisionNote,
    DecidedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CaseLinks {
    Table,
    Id,
    CaseId,
    CandidateId,
    DistanceM,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    Kind,
    CaseId,
    Target,
    Payload,
    Status,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    LastError,
    CreatedAt,
    DoneAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    ActorId,
    ActorRole,
    Action,
    ObjectType,
    ObjectId,
    Reason,
    Data,
    At,
}

#[derive(DeriveIden)]
enum HolidayDays {
    Table,
    Date,
    Year,
    OffDay,
    Name,
}

#[derive(DeriveIden)]
enum Settings {
    Table,
    Key,
    Value,
}

/// SQLite takes one column per ALTER TABLE.
async fn add_columns<T: IntoIden + Copy + 'static>(
    manager: &SchemaManager<'_>,
    table: T,
    cols: Vec<ColumnDef>,
) -> Result<(), DbErr> {
    for mut c in cols {
        manager
            .alter_table(Table::alter().table(table).add_column(&mut c).to_owned())
            .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_columns(
            manager,
            Cases::Table,
            vec![
                uuid_null(Cases::RoutedUnitId),
                uuid_null(Cases::RuleId),
                timestamp_with_time_zone_null(Cases::DispatchedAt),
                timestamp_with_time_zone_null(Cases::AcceptDueAt),
                timestamp_with_time_zone_null(Cases::AcceptOverdueAt),
                string_null(Cases::ClockKind),
                big_integer_null(Cases::ClockTotalMinutes),
                big_integer_null(Cases::ClockLeftMinutes),
                timestamp_with_time_zone_null(Cases::DueAt),
                timestamp_with_time_zone_null(Cases::WarnAt),
                timestamp_with_time_zone_null(Cases::WarnedAt),
                timestamp_with_time_zone_null(Cases::OverdueAt),
                integer(Cases::EscalationLevel).default(0).to_owned(),
                uuid_null(Cases::EscalatedUnitId),
                timestamp_with_time_zone_null(Cases::NextEscalationAt),
                timestamp_with_time_zone_null(Cases::TimerAt),
                string_null(Cases::SuspendedFrom),
                uuid_null(Cases::DuplicateOf),
                boolean(Cases::Extended).default(false).to_owned(),
                integer(Cases::ReopenCount).default(0).to_owned(),
                timestamp_with_time_zone_null(Cases::ResolvedAt),
                timestamp_with_time_zone_null(Cases::ClosedAt),
                integer_null(Cases::Rating),
                text_null(Cases::RatingComment),
                timestamp_with_time_zone_null(Cases::RatedAt),
            ],
        )
        .await?;
        for (name, cols) in [
            ("idx_cases_timer", vec![Cases::TimerAt]),
            ("idx_cases_unit", vec![Cases::UnitId, Cases::Id]),
            ("idx_cases_dup", vec![Cases::CategoryId, Cases::Lat]),
        ] {
            let mut idx = Index::create();
            idx.name(name).table(Cases::Table);
            for c in cols {
                idx.col(c);
            }
            manager.create_index(idx.to_owned()).await?;
        }
        add_columns(
            manager,
            Units::Table,
            vec![
                string_null(Units::WebhookKind),
                string_null(Units::WebhookUrl),
                string_null(Units::WebhookSecret),
            ],
        )
        .await?;
        add_columns(
            manager,
            Categories::Table,
            vec![integer(Categories::UnsatisfiedMax).default(2).to_owned()],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Extensions::Table)
                    .col(pk_uuid(Extensions::Id))
                    .col(uuid(Extensions::CaseId))
                    .col(uuid(Extensions::UnitId))
                    .col(uuid(Extensions::RequestedBy))
                    .col(integer(Extensions::Amount))
                    .col(string(Extensions::LimitUnit))
                    .col(text(Extensions::Reason))
                    .col(string(Extensions::Status))
                    .col(uuid_null(Extensions::DecidedBy))
                    .col(text_null(Extensions::DecisionNote))
                    .col(timestamp_with_time_zone_null(Extensions::DecidedAt))
                    .col(timestamp_with_time_zone(Extensions::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_extensions_case")
                            .from(Extensions::Table, Extensions::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_extensions_case")
                    .table(Extensions::Table)
                    .col(Extensions::CaseId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CaseLinks::Table)
                    .col(pk_uuid(CaseLinks::Id))
                    .col(uuid(CaseLinks::CaseId))
                    .col(uuid(CaseLinks::CandidateId))
                    .col(double(CaseLinks::DistanceM))
                    .col(timestamp_with_time_zone(CaseLinks::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_links_case")
                            .from(CaseLinks::Table, CaseLinks::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_links_case")
                    .table(CaseLinks::Table)
                    .col(CaseLinks::CaseId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(pk_uuid(Outbox::Id))
                    .col(string(Outbox::Kind))
                    .col(uuid_null(Outbox::CaseId))
                    .col(string(Outbox::Target))
                    .col(text(Outbox::Payload))
                    .col(string(Outbox::Status))
                    .col(integer(Outbox::Attempts))
                    .col(timestamp_with_time_zone(Outbox::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(Outbox::LockedUntil))
                    .col(text_null(Outbox::LastError))
                    .col(timestamp_with_time_zone(Outbox::CreatedAt))
                    .col(timestamp_with_time_zone_null(Outbox::DoneAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_due")
                    .table(Outbox::Table)
                    .col(Outbox::Status)
                    .col(Outbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(pk_uuid(AuditLog::Id))
                    .col(uuid_null(AuditLog::ActorId))
                    .col(string(AuditLog::ActorRole))
                    .col(string(AuditLog::Action))
                    .col(string(AuditLog::ObjectType))
                    .col(string_null(AuditLog::ObjectId))
                    .col(text_null(AuditLog::Reason))
                    .col(text_null(AuditLog::Data))
                    .col(timestamp_with_time_zone(AuditLog::At))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_object")
                    .table(AuditLog::Table)
                    .col(AuditLog::ObjectId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(HolidayDays::Table)
                    .col(string(HolidayDays::Date).primary_key())
                    .col(integer(HolidayDays::Year))
                    .col(boolean(HolidayDays::OffDay))
                    .col(string(HolidayDays::Name))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Settings::Table)
                    .col(string(Settings::Key).primary_key())
                    .col(text(Settings::Value))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
