//! Schema migrations, portable across PostgreSQL and SQLite.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_init;
mod m20261123_000002_workflow;
mod m20261129_000003_typed_values;
mod m20261129_000004_case_facts;
mod m20261130_000005_sessions_and_keys;
mod m20261130_000006_open311;
mod m20261130_000007_content_and_points;
mod m20261204_000008_whole_minute_deadlines;
mod m20261204_000009_staff_wechat;
mod m20261204_000010_one_escalation_spelling;
mod m20261204_000011_taken_on;
mod m20261204_000012_sessions;
mod m20261204_000013_deleted_accounts;
mod m20261204_000014_typed_jobs;
mod m20261204_000015_typed_events;
mod m20261205_000016_typed_redemptions;
mod m20261205_000017_typed_area_levels;
mod m20261206_000018_volunteers;
mod m20261206_000019_volunteer_work;
mod m20261207_000020_photo_review;
mod m20261208_000021_campaign_calendar;
mod m20261209_000022_status_queues;
mod typed;

pub struct Migrator;

/// A migration applied atomically on every backend: its changes and its
/// row in `seaql_migrations` commit together or not at all. PostgreSQL
/// does this by default; SQLite (whose DDL is transactional too) does not,
/// and a process killed mid-migration left a half-applied schema that no
/// start could get past ("duplicate column name …").
struct Atomic(Box<dyn MigrationTrait>);

impl MigrationName for Atomic {
    fn name(&self) -> &str {
        self.0.name()
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Atomic {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        self.0.up(m).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        self.0.down(m).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

/// `m`, applied atomically (see `Atomic`): every migration of `Migrator`
/// is, and a test can make one that fails half-way to see it undone.
pub fn atomic(m: Box<dyn MigrationTrait>) -> Box<dyn MigrationTrait> {
    Box::new(Atomic(m))
}

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let all: Vec<Box<dyn MigrationTrait>> = vec![
            Box::new(m20261123_000001_init::Migration),
            Box::new(m20261123_000002_workflow::Migration),
            Box::new(m20261129_000003_typed_values::Migration),
            Box::new(m20261129_000004_case_facts::Migration),
            Box::new(m20261130_000005_sessions_and_keys::Migration),
            Box::new(m20261130_000006_open311::Migration),
            Box::new(m20261130_000007_content_and_points::Migration),
            Box::new(m20261204_000008_whole_minute_deadlines::Migration),
            Box::new(m20261204_000009_staff_wechat::Migration),
            Box::new(m20261204_000010_one_escalation_spelling::Migration),
            Box::new(m20261204_000011_taken_on::Migration),
            Box::new(m20261204_000012_sessions::Migration),
            Box::new(m20261204_000013_deleted_accounts::Migration),
            Box::new(m20261204_000014_typed_jobs::MIGRATION),
            Box::new(m20261204_000015_typed_events::MIGRATION),
            Box::new(m20261205_000016_typed_redemptions::MIGRATION),
            Box::new(m20261205_000017_typed_area_levels::MIGRATION),
            Box::new(m20261206_000018_volunteers::Migration),
            Box::new(m20261206_000019_volunteer_work::Migration),
            Box::new(m20261207_000020_photo_review::Migration),
            Box::new(m20261208_000021_campaign_calendar::Migration),
            Box::new(m20261209_000022_status_queues::Migration),
        ];
        all.into_iter().map(atomic).collect()
    }
}
