//! Database failures, classified by what the database itself reports: its
//! error code, and for a constraint violation the constraint's name (which
//! SQLite gives only as the `table.column` list of its message). The error
//! module maps a classified failure to its HTTP status in one place
//! (`on_constraint`).

use sea_orm::{DbErr, RuntimeErr, sqlx};

/// A database failure.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// Two writers met: SQLite busy or locked (SQLITE_BUSY 5 and its extended
    /// codes 261/517/773, SQLITE_LOCKED 6 and 262/518), a
    /// PostgreSQL serialization failure or deadlock (40001, 40P01). The same
    /// situation as a lost version race: reload and retry.
    #[error("another change was written at the same moment")]
    Busy(#[source] DbErr),
    /// A unique, foreign-key, not-null or check constraint refused a row.
    /// `constraint` is its name on PostgreSQL; SQLite names no constraint,
    /// only its columns (`table.column, …`) or, for CHECK, its name.
    #[error("constraint {constraint} refused the row")]
    Constraint {
        constraint: String,
        #[source]
        source: DbErr,
    },
    /// The database cannot be reached or dropped the connection (restart,
    /// failover, pool exhausted): nothing was written; retry shortly.
    #[error("the database is unavailable")]
    Unavailable(#[source] DbErr),
    /// Anything else: a bug or an infrastructure failure.
    #[error("database: {0}")]
    Other(#[source] DbErr),
}

/// Whether the failure is the connection's, not the statement's.
fn unreachable(e: &DbErr) -> bool {
    let x = match e {
        DbErr::ConnectionAcquire(_) => return true,
        DbErr::Exec(RuntimeErr::SqlxError(x))
        | DbErr::Query(RuntimeErr::SqlxError(x))
        | DbErr::Conn(RuntimeErr::SqlxError(x)) => x,
        _ => return false,
    };
    match x.as_ref() {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_) => true,
        // admin_shutdown, crash_shutdown, cannot_connect_now,
        // connection_failure, too_many_connections.
        sqlx::Error::Database(db) => matches!(
            db.code().as_deref(),
            Some("57P01" | "57P02" | "57P03" | "08006" | "08001" | "08004" | "53300")
        ),
        _ => false,
    }
}

impl From<DbErr> for DbError {
    fn from(e: DbErr) -> Self {
        if unreachable(&e) {
            return Self::Unavailable(e);
        }
        let db = match &e {
            DbErr::Exec(RuntimeErr::SqlxError(x))
            | DbErr::Query(RuntimeErr::SqlxError(x))
            | DbErr::Conn(RuntimeErr::SqlxError(x)) => match x.as_ref() {
                sqlx::Error::Database(db) => Some(db),
                _ => None,
            },
            _ => None,
        };
        let Some(db) = db else {
            return Self::Other(e);
        };
        let code = db.code().unwrap_or_default().into_owned();
        let busy = [
            "5", "261", "517", "773", "6", "262", "518", "40001", "40P01",
        ];
        if busy.contains(&code.as_str()) {
            return Self::Busy(e);
        }
        if matches!(
            db.kind(),
            sqlx::error::ErrorKind::UniqueViolation
                | sqlx::error::ErrorKind::ForeignKeyViolation
                | sqlx::error::ErrorKind::NotNullViolation
                | sqlx::error::ErrorKind::CheckViolation
        ) {
            let constraint = match db.constraint() {
                Some(name) => name.to_owned(),
                // SQLite: "UNIQUE constraint failed: users.username" — the
                // part after the colon is how SQLite identifies it.
                None => db
                    .message()
                    .split_once(": ")
                    .map_or_else(String::new, |(_, c)| c.trim().to_owned()),
            };
            return Self::Constraint {
                constraint,
                source: e,
            };
        }
        Self::Other(e)
    }
}

/// `impl From<sea_orm::DbErr>` for feature errors that have a `Db(DbError)`
/// variant, so that services can use `?` on sea-orm calls.
#[macro_export]
macro_rules! db_err_into {
    ($($t:ty),* $(,)?) => {$(
        impl From<sea_orm::DbErr> for $t {
            fn from(e: sea_orm::DbErr) -> Self {
                Self::Db(e.into())
            }
        }
    )*};
}
