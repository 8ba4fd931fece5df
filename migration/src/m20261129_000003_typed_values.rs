//! Typed values: the text columns that hold an enumeration (statuses, roles,
//! limit units, clock kinds, extension states) refuse any other value, so
//! that an unknown value can never be written. Existing rows are kept as
//! they are; if one already holds an unknown value, the migration stops
//! with an error naming the rows, rather than change or drop data.
//!
//! PostgreSQL gets CHECK constraints; SQLite cannot add one to an existing
//! table, so it gets triggers that abort the insert or update.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000003_typed_values"
    }
}

const CASE_STATUSES: &[&str] = &[
    "submitted",
    "rejected",
    "duplicate",
    "accepted",
    "dispatched",
    "returned",
    "in_progress",
    "resolved",
    "closed",
    "reopened",
    "suspended",
];
const ROLES: &[&str] = &[
    "citizen",
    "admin",
    "dispatcher",
    "supervisor",
    "unit_member",
];
const LIMIT_UNITS: &[&str] = &["work_hours", "work_days", "natural_hours"];
const CLOCK_KINDS: &[&str] = &["work", "natural"];
const EXTENSION_STATES: &[&str] = &["pending", "approved", "refused"];

const TYPED: &[crate::typed::Typed] = &[
    ("cases", "id", "status", CASE_STATUSES, false),
    ("cases", "id", "suspended_from", CASE_STATUSES, true),
    ("cases", "id", "clock_kind", CLOCK_KINDS, true),
    ("case_events", "id", "to_status", CASE_STATUSES, false),
    ("case_events", "id", "from_status", CASE_STATUSES, true),
    ("users", "id", "role", ROLES, false),
    ("categories", "code", "limit_unit", LIMIT_UNITS, true),
    ("extensions", "id", "status", EXTENSION_STATES, false),
    ("extensions", "id", "limit_unit", LIMIT_UNITS, false),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::typed::add(manager, TYPED).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::typed::drop(manager, TYPED).await
    }
}
