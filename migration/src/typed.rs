//! Text columns that hold an enumeration refuse any other value: CHECK
//! constraints on PostgreSQL; on SQLite, which cannot add one to an
//! existing table, triggers that abort the insert or update. Existing rows
//! are kept as they are; if one already holds an unknown value, the
//! migration stops with an error naming the rows, rather than change or
//! drop data. (Migrations 3, 14, 15, 16 and 17.)

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

/// (table, id column, column, allowed values, nullable)
pub type Typed = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    bool,
);

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

/// Refuses, from now on, any value of each column but those listed; stops
/// with an error naming the rows if one already holds another.
pub async fn add(manager: &SchemaManager<'_>, typed: &[Typed]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = db.get_database_backend();
    for (table, id, column, values, _) in typed {
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
    for (table, _, column, values, nullable) in typed {
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
                let when = format!("NEW.{column} IS NOT NULL AND NEW.{column} NOT IN ({allowed})");
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

/// Lifts what [`add`] set.
pub async fn drop(manager: &SchemaManager<'_>, typed: &[Typed]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for (table, _, column, _, _) in typed {
        let ck = name(table, column);
        let sql = match db.get_database_backend() {
            DbBackend::Postgres => {
                format!("ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {ck}")
            }
            _ => format!("DROP TRIGGER IF EXISTS {ck}_insert; DROP TRIGGER IF EXISTS {ck}_update;"),
        };
        db.execute_unprepared(&sql).await?;
    }
    Ok(())
}

/// A migration that only adds checks: `up` adds them, `down` drops them.
pub struct Checks {
    pub name: &'static str,
    pub typed: &'static [Typed],
}

impl MigrationName for Checks {
    fn name(&self) -> &str {
        self.name
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Checks {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add(manager, self.typed).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, self.typed).await
    }
}
