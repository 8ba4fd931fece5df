//! Typed values: the text columns that hold an enumeration (statuses, roles,
//! limit units, clock kinds, extension states) refuse any other value, so
//! that an unknown value can never be written. Existing rows are kept as
//! they are; if one already holds an unknown value, the migration stops
//! with an error naming the rows, rather than change or drop data.
//!
//! PostgreSQL gets CHECK constraints; SQLite cannot add one to an existing
//! table, so it gets triggers that abort the insert or update.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

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

/// (table, id column, column, allowed values, nullable)
const TYPED: &[(&str, &str, &str, &[&str], bool)] = &[
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

fn list(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn name(table: &str, column: &str) -> String {
    format!("ck_{table}_{column}")
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = db.get_database_backend();
        for (table, id, column, values, _) in TYPED {
            // SQLite keeps UUIDs as blobs: show them as hex.
            let id = match backend {
                DbBackend::Postgres => format!("CAST({id} AS TEXT)"),
                _ => format!("CASE WHEN typeof({id}) = 'blob' THEN lower(hex({id})) ELSE {id} END"),
            };
            let bad = db
                .query_all_raw(Statement::from_string(
                    backend,
                    format!(
                        "SELECT {id} AS id, {column} AS value FROM {table} \
                         WHERE {column} IS NOT NULL AND {column} NOT IN ({}) LIMIT 10",
                        list(values)
                    ),
                ))
                .await?;
            if !bad.is_empty() {
                let rows: Vec<String> = bad
                    .iter()
                    .map(|r| {
                        let id: String = r.try_get("", "id").unwrap_or_default();
                        let v: String = r.try_get("", "value").unwrap_or_default();
                        format!("{id} ({v:?})")
                    })
                    .collect();
                return Err(DbErr::Migration(format!(
                    "{table}.{column} holds values the code does not know, in rows {}; \
                     correct them, then migrate again",
                    rows.join(", ")
                )));
            }
        }
        for (table, _, column, values, nullable) in TYPED {
            let ck = name(table, column);
            let allowed = list(values);
            let sql = match backend {
                DbBackend::Postgres => {
                    let null = if *nullable {
                        format!("{column} IS NULL OR ")
                    } else {
                        String::new()
                    };
                    format!(
                        "ALTER TABLE {table} ADD CONSTRAINT {ck} CHECK ({null}{column} IN ({allowed}))"
                    )
                }
                _ => {
                    let when =
                        format!("NEW.{column} IS NOT NULL AND NEW.{column} NOT IN ({allowed})");
                    let abort = format!("SELECT RAISE(ABORT, 'CHECK constraint failed: {ck}')");
                    format!(
                        "CREATE TRIGGER IF NOT EXISTS {ck}_insert BEFORE INSERT ON {table} WHEN {when} BEGIN {abort}; END; \
                         CREATE TRIGGER IF NOT EXISTS {ck}_update BEFORE UPDATE OF {column} ON {table} WHEN {when} BEGIN {abort}; END;"
                    )
                }
            };
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (table, _, column, _, _) in TYPED {
            let ck = name(table, column);
            let sql = match db.get_database_backend() {
                DbBackend::Postgres => {
                    format!("ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {ck}")
                }
                _ => format!(
                    "DROP TRIGGER IF EXISTS {ck}_insert; DROP TRIGGER IF EXISTS {ck}_update;"
                ),
            };
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }
}
