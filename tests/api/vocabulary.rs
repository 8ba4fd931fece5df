//! The database and the code agree on every enumerated column: the values
//! a migrated database allows (PostgreSQL's CHECK constraints, SQLite's
//! triggers) are exactly the values of the Rust enum the column maps to.
//! A variant added to an enum without a migration, or a migration that
//! forgets one, fails here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use domain::{
    case::event::EventAction,
    content::{CheckStatus, Subject},
    geo::AreaLevel,
    outbox::{Job, JobStatus},
    points::{Reason, RedemptionStatus},
};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use std::collections::{BTreeMap, BTreeSet};
use suishoupai::core::{CaseStatus, ClockKind, ExtensionStatus, LimitUnit, Role};

/// Every quoted lowercase word of a constraint's text.
fn quoted(text: &str) -> BTreeSet<String> {
    text.split('\'')
        .skip(1)
        .step_by(2)
        .filter(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
        .map(str::to_owned)
        .collect()
}

/// Each check's name (`ck_<table>_<column>`) and the values it allows.
async fn checks(app: &common::TestApp) -> BTreeMap<String, BTreeSet<String>> {
    let db = &app.state.db;
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT c.conname AS name, pg_get_constraintdef(c.oid) AS def \
             FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace \
             WHERE c.contype = 'c' AND n.nspname = current_schema() AND c.conname LIKE 'ck\\_%'"
        }
        _ => {
            "SELECT substr(name, 1, length(name) - 7) AS name, sql AS def FROM sqlite_master \
             WHERE type = 'trigger' AND name LIKE 'ck\\_%\\_insert' ESCAPE '\\'"
        }
    };
    let rows = db
        .query_all_raw(Statement::from_string(backend, sql))
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            let name: String = r.try_get("", "name").unwrap();
            let def: String = r.try_get("", "def").unwrap();
            (name, quoted(&def))
        })
        .collect()
}

fn of<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> BTreeSet<String> {
    all.iter().map(|v| as_str(*v).to_owned()).collect()
}

#[tokio::test]
async fn the_databases_checks_allow_exactly_the_enums_values() {
    // Arrange
    let app = common::spawn_app().await;
    let statuses = of(&CaseStatus::ALL, CaseStatus::as_str);
    let units = of(&LimitUnit::ALL, LimitUnit::as_str);
    let expected: BTreeMap<&str, BTreeSet<String>> = [
        ("ck_cases_status", statuses.clone()),
        ("ck_cases_suspended_from", statuses.clone()),
        ("ck_case_events_to_status", statuses.clone()),
        ("ck_case_events_from_status", statuses),
        (
            "ck_cases_clock_kind",
            of(&ClockKind::ALL, ClockKind::as_str),
        ),
        ("ck_users_role", of(&Role::ALL, Role::as_str)),
        ("ck_categories_limit_unit", units.clone()),
        ("ck_extensions_limit_unit", units),
        (
            "ck_extensions_status",
            of(&ExtensionStatus::ALL, ExtensionStatus::as_str),
        ),
        ("ck_outbox_kind", of(&Job::ALL, Job::as_str)),
        ("ck_outbox_status", of(&JobStatus::ALL, JobStatus::as_str)),
        (
            "ck_content_checks_status",
            of(&CheckStatus::ALL, CheckStatus::as_str),
        ),
        (
            "ck_content_checks_subject",
            of(&Subject::ALL, Subject::as_str),
        ),
        ("ck_points_ledger_reason", of(&Reason::ALL, Reason::as_str)),
        ("ck_areas_level", of(&AreaLevel::ALL, AreaLevel::as_str)),
        (
            "ck_redemptions_status",
            of(&RedemptionStatus::ALL, RedemptionStatus::as_str),
        ),
        (
            "ck_case_events_action",
            of(&EventAction::ALL, EventAction::as_str),
        ),
        (
            "ck_cases_channel",
            of(
                &domain::channel::Channel::ALL,
                domain::channel::Channel::as_str,
            ),
        ),
        (
            "ck_moments_status",
            of(
                &domain::volunteers::MomentStatus::ALL,
                domain::volunteers::MomentStatus::as_str,
            ),
        ),
        (
            "ck_moments_text_check",
            of(&CheckStatus::ALL, CheckStatus::as_str),
        ),
        (
            "ck_patrols_ended_by",
            of(
                &domain::volunteers::PatrolEnd::ALL,
                domain::volunteers::PatrolEnd::as_str,
            ),
        ),
    ]
    .into_iter()
    .collect();

    // Act
    let found = checks(&app).await;

    // Assert: every typed column is checked, against the enum's values.
    for (name, values) in &expected {
        let allowed = found
            .get(*name)
            .unwrap_or_else(|| panic!("no check {name} in the database: {found:?}"));
        assert_eq!(allowed, values, "{name}: the database and the enum differ");
    }
}
