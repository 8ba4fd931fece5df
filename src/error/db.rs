//! Database failures to their HTTP status: a busy database is a conflict
//! to retry, an unreachable one 503, and a constraint a client can violate
//! its own client error.

use super::{ApiError, ErrorCode};
use crate::infra::DbError;

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Busy(_) => Self::Conflict {
                code: ErrorCode::ConcurrentUpdate,
                message: "another change was written at the same moment; reload and retry".into(),
            },
            DbError::Constraint { constraint, source } => on_constraint(&constraint)
                .unwrap_or_else(|| {
                    Self::Internal(anyhow::Error::new(source).context(format!(
                        "constraint {constraint} with no mapping to a client error"
                    )))
                }),
            DbError::Unavailable(e) => {
                tracing::error!(error = %e, "database unavailable");
                Self::Unavailable {
                    code: ErrorCode::DatabaseUnavailable,
                    message: "the service cannot reach its database right now; try again shortly"
                        .into(),
                    retry_after_secs: 2,
                }
            }
            DbError::Other(e) => Self::Internal(anyhow::Error::new(e).context("database")),
        }
    }
}

/// The constraint violations a client can cause, by constraint: the
/// PostgreSQL name, or how SQLite identifies it (its columns).
const CONSTRAINTS: &[(&[&str], u16, ErrorCode, &str)] = &[
    (
        &["users_username_key", "users.username"],
        409,
        ErrorCode::UsernameTaken,
        "an account with this username exists",
    ),
    (
        &["api_keys_name_key", "api_keys.name"],
        409,
        ErrorCode::ApiKeyNameTaken,
        "an integrator with this name has a key",
    ),
    (
        &["units_code_key", "units.code"],
        409,
        ErrorCode::ConcurrentUpdate,
        "a unit with this code was created at the same moment; retry",
    ),
    (
        &["categories_code_key", "categories.code"],
        409,
        ErrorCode::ConcurrentUpdate,
        "a category with this code was created at the same moment; retry",
    ),
    (
        &["areas_code_key", "areas.code"],
        409,
        ErrorCode::ConcurrentUpdate,
        "an area with this code was created at the same moment; retry",
    ),
    (
        &[
            "assessment_items_code_key",
            "assessment_items.code",
            "item_units_pkey",
            "item_units.item_id, item_units.unit_id",
        ],
        409,
        ErrorCode::ConcurrentUpdate,
        "this indicator was saved at the same moment; retry",
    ),
];

/// Maps a constraint violation to the client error it means, if any.
fn on_constraint(constraint: &str) -> Option<ApiError> {
    let (_, status, code, message) = CONSTRAINTS
        .iter()
        .find(|(names, ..)| names.contains(&constraint))?;
    Some(match status {
        409 => ApiError::Conflict {
            code: *code,
            message: (*message).into(),
        },
        _ => ApiError::Unprocessable {
            code: *code,
            message: (*message).into(),
            details: None,
        },
    })
}
