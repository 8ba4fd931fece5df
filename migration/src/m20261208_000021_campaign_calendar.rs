//! 创建日历: the assessment indicators a city works to (`assessment_items`,
//! a tree by `parent_id`, each with what counts as done), the units
//! responsible for each (`item_units`), each indicator's key dates
//! (`key_dates`: a rule, a lead time in working days) and the tasks they
//! give, one per unit and date (`calendar_tasks`: reminded, done with
//! evidence, accepted or returned, overdue and escalated at most once),
//! with the files a unit attaches as evidence (`task_files`; photos are
//! `media` rows whose `record_id` is the task).

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261208_000021_campaign_calendar"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum AssessmentItems {
    Table,
    Id,
    Code,
    Name,
    ParentId,
    Criterion,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ItemUnits {
    Table,
    ItemId,
    UnitId,
}

#[derive(DeriveIden, Clone, Copy)]
enum KeyDates {
    Table,
    Id,
    ItemId,
    Title,
    RuleKind,
    RuleDate,
    RuleN,
    LeadWorkingDays,
    Active,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum CalendarTasks {
    Table,
    Id,
    KeyDateId,
    ItemId,
    UnitId,
    DueOn,
    RemindOn,
    Status,
    RemindedAt,
    OverdueAt,
    EscalatedUnitId,
    Note,
    SubmittedAt,
    SubmittedBy,
    Late,
    DecidedAt,
    DecidedBy,
    DecisionNote,
    Version,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum TaskFiles {
    Table,
    Id,
    TaskId,
    Name,
    ContentType,
    Bytes,
    ObjectKey,
    UploadedBy,
    CreatedAt,
}

const RULES: &[&str] = &["once", "monthly", "weekly", "before_window"];
const TASK_STATES: &[&str] = &["pending", "submitted", "accepted", "returned"];
const TYPED: &[crate::typed::Typed] = &[
    ("key_dates", "id", "rule_kind", RULES, false),
    ("calendar_tasks", "id", "status", TASK_STATES, false),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AssessmentItems::Table)
                .col(uuid(AssessmentItems::Id).primary_key())
                .col(string(AssessmentItems::Code).unique_key())
                .col(string(AssessmentItems::Name))
                .col(uuid_null(AssessmentItems::ParentId))
                .col(text_null(AssessmentItems::Criterion))
                .col(boolean(AssessmentItems::Active).default(true))
                .col(timestamp_with_time_zone(AssessmentItems::CreatedAt))
                .col(timestamp_with_time_zone(AssessmentItems::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ItemUnits::Table)
                .col(uuid(ItemUnits::ItemId))
                .col(uuid(ItemUnits::UnitId))
                .primary_key(
                    Index::create()
                        .col(ItemUnits::ItemId)
                        .col(ItemUnits::UnitId),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(KeyDates::Table)
                .col(uuid(KeyDates::Id).primary_key())
                .col(uuid(KeyDates::ItemId))
                .col(string(KeyDates::Title))
                .col(string(KeyDates::RuleKind))
                .col(date_null(KeyDates::RuleDate))
                .col(integer_null(KeyDates::RuleN))
                .col(integer(KeyDates::LeadWorkingDays))
                .col(boolean(KeyDates::Active).default(true))
                .col(timestamp_with_time_zone(KeyDates::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("key_dates_item_idx")
                .table(KeyDates::Table)
                .col(KeyDates::ItemId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CalendarTasks::Table)
                .col(uuid(CalendarTasks::Id).primary_key())
                .col(uuid(CalendarTasks::KeyDateId))
                .col(uuid(CalendarTasks::ItemId))
                .col(uuid(CalendarTasks::UnitId))
                .col(date(CalendarTasks::DueOn))
                .col(date(CalendarTasks::RemindOn))
                .col(string(CalendarTasks::Status))
                .col(timestamp_with_time_zone_null(CalendarTasks::RemindedAt))
                .col(timestamp_with_time_zone_null(CalendarTasks::OverdueAt))
                .col(uuid_null(CalendarTasks::EscalatedUnitId))
                .col(text_null(CalendarTasks::Note))
                .col(timestamp_with_time_zone_null(CalendarTasks::SubmittedAt))
                .col(uuid_null(CalendarTasks::SubmittedBy))
                .col(boolean(CalendarTasks::Late).default(false))
                .col(timestamp_with_time_zone_null(CalendarTasks::DecidedAt))
                .col(uuid_null(CalendarTasks::DecidedBy))
                .col(text_null(CalendarTasks::DecisionNote))
                .col(integer(CalendarTasks::Version).default(1))
                .col(timestamp_with_time_zone(CalendarTasks::CreatedAt))
                .to_owned(),
        )
        .await?;
        // One task per key date, date and unit: every node may generate
        // the same occurrences; the index keeps one.
        m.create_index(
            Index::create()
                .name("calendar_tasks_once_idx")
                .table(CalendarTasks::Table)
                .col(CalendarTasks::KeyDateId)
                .col(CalendarTasks::DueOn)
                .col(CalendarTasks::UnitId)
                .unique()
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            (
                "calendar_tasks_due_idx",
                [CalendarTasks::DueOn, CalendarTasks::UnitId],
            ),
            (
                "calendar_tasks_unit_idx",
                [CalendarTasks::UnitId, CalendarTasks::DueOn],
            ),
            (
                "calendar_tasks_remind_idx",
                [CalendarTasks::RemindOn, CalendarTasks::Status],
            ),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(CalendarTasks::Table)
                    .col(cols[0])
                    .col(cols[1])
                    .to_owned(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table(TaskFiles::Table)
                .col(uuid(TaskFiles::Id).primary_key())
                .col(uuid_null(TaskFiles::TaskId))
                .col(string(TaskFiles::Name))
                .col(string(TaskFiles::ContentType))
                .col(big_integer(TaskFiles::Bytes))
                .col(string(TaskFiles::ObjectKey))
                .col(uuid(TaskFiles::UploadedBy))
                .col(timestamp_with_time_zone(TaskFiles::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("task_files_task_idx")
                .table(TaskFiles::Table)
                .col(TaskFiles::TaskId)
                .to_owned(),
        )
        .await?;
        crate::typed::add(m, TYPED).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        crate::typed::drop(m, TYPED).await?;
        for t in [
            TaskFiles::Table.into_iden(),
            CalendarTasks::Table.into_iden(),
            KeyDates::Table.into_iden(),
            ItemUnits::Table.into_iden(),
            AssessmentItems::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
