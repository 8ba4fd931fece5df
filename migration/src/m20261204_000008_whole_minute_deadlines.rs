//! Deadlines in whole minutes.
//!
//! A deadline is stored and shown in whole minutes, rounded up (the app's
//! `core::time::deadline`), so that every view of it (the API's RFC 3339,
//! Open311's whole seconds, the exports' and messages' minutes) shows the
//! same instant. Before, a deadline that stayed inside one working period
//! kept the clock's nanoseconds. This rounds the timers already stored the
//! same way: up to the next whole minute where any seconds are left.

use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000008_whole_minute_deadlines"
    }
}

/// Every timer column of a case; `timer_at` is the earliest of the others.
const COLUMNS: [&str; 5] = [
    "accept_due_at",
    "due_at",
    "warn_at",
    "next_escalation_at",
    "timer_at",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for c in COLUMNS {
            let sql = match m.get_database_backend() {
                DatabaseBackend::Postgres => format!(
                    "UPDATE cases SET {c} = date_trunc('minute', {c}) + interval '1 minute' \
                     WHERE {c} <> date_trunc('minute', {c})"
                ),
                // SQLite holds RFC 3339 text, always in UTC (+00:00):
                // `YYYY-MM-DDTHH:MM:SS[.fraction]+00:00`.
                _ => format!(
                    "UPDATE cases SET {c} = \
                       strftime('%Y-%m-%dT%H:%M:00', substr({c}, 1, 16) || ':00', '+1 minute') || '+00:00' \
                     WHERE {c} LIKE '%+00:00' AND (substr({c}, 18, 2) <> '00' OR substr({c}, 20, 1) = '.')"
                ),
            };
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        // The seconds dropped are not kept; whole minutes stay valid.
        Ok(())
    }
}
