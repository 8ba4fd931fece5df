//! Database connection and migrations.

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use std::time::Duration;

/// The file a `sqlite://PATH[?options]` (or `sqlite:PATH`) URL names;
/// `None` for an in-memory database.
pub fn sqlite_path(url: &str) -> Option<&str> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    path.split('?')
        .next()
        .filter(|p| !p.is_empty() && !p.starts_with(":memory:"))
}

/// Connects (creating the SQLite file's folder when needed).
pub async fn connect(url: &str, schema: Option<&str>) -> anyhow::Result<DatabaseConnection> {
    if let Some(dir) = sqlite_path(url).and_then(|p| std::path::Path::new(p).parent())
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
    }
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    if url.starts_with("sqlite:") {
        // SQLite has one writer; a small pool avoids lock churn.
        opts.max_connections(4).min_connections(1);
    } else {
        opts.max_connections(32).min_connections(2);
        if let Some(schema) = schema {
            opts.set_schema_search_path(schema);
        }
    }
    let db = Database::connect(opts)
        .await
        .context("connect to database")?;
    if url.starts_with("sqlite:") {
        use sea_orm::ConnectionTrait;
        db.execute_unprepared(
            "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;",
        )
        .await
        .context("configure sqlite")?;
    }
    Ok(db)
}

pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.context("run migrations")
}

/// Prints which migrations are applied and which are pending.
pub async fn migration_status(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::status(db).await.context("migration status")
}

/// Runs a node's first-start work (migrations, the shipped calendar, the
/// demo city) one node at a time on a shared PostgreSQL database: the work
/// runs under a session advisory lock held by one pinned connection (a
/// transaction that does nothing else), keyed by the schema, so nodes
/// started together queue instead of racing on `CREATE TABLE` and on the
/// first inserts. A node that dies releases the lock with its session.
/// SQLite serves one node: starts in this process queue on a mutex (tests
/// and benchmarks start several nodes on one file).
pub async fn first_start<T, Fut>(
    db: &DatabaseConnection,
    schema: Option<&str>,
    work: impl FnOnce() -> Fut,
) -> anyhow::Result<T>
where
    Fut: Future<Output = anyhow::Result<T>>,
{
    use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
    if db.get_database_backend() != DbBackend::Postgres {
        static IN_PROCESS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
        let _queue = IN_PROCESS.lock().await;
        return work().await;
    }
    // A stable key per schema: FNV-1a of its name.
    let key = schema
        .unwrap_or("public")
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
        .cast_signed();
    let lock = db.begin().await.context("start lock")?;
    let call = |f: &str| {
        Statement::from_sql_and_values(DbBackend::Postgres, format!("SELECT {f}($1)"), [key.into()])
    };
    lock.execute_raw(call("pg_advisory_lock"))
        .await
        .context("take the start lock")?;
    let out = work().await;
    lock.execute_raw(call("pg_advisory_unlock"))
        .await
        .context("release the start lock")?;
    lock.commit().await.context("release the start lock")?;
    out
}
