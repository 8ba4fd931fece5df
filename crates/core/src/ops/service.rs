//! Probing the real parts for readiness.

use crate::state::AppState;
use sea_orm::ConnectionTrait;

/// What each part answered: `ok` or `unavailable` (Redis: `in-process` in
/// the embedded default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probed {
    /// Every part answers.
    pub ok: bool,
    pub database: &'static str,
    pub redis: &'static str,
    pub object_store: &'static str,
}

fn outcome(r: anyhow::Result<()>, what: &str) -> &'static str {
    match r {
        Ok(()) => "ok",
        Err(e) => {
            tracing::warn!(error = %format!("{e:#}"), "{what} not ready");
            "unavailable"
        }
    }
}

/// Whether the database, Redis and the object store answer within 3 s, each
/// with its outcome; asked at most once a second (callers meanwhile wait
/// for, or share, the last answer).
pub async fn readiness(state: &AppState) -> Probed {
    let mut last = state.ops.readiness.lock().await;
    if let Some((at, r)) = last.as_ref()
        && at.elapsed() < std::time::Duration::from_secs(1)
    {
        return *r;
    }
    let r = probe(state).await;
    *last = Some((std::time::Instant::now(), r));
    r
}

async fn probe(state: &AppState) -> Probed {
    let timeout = std::time::Duration::from_secs(3);
    let db = tokio::time::timeout(timeout, async {
        state
            .db
            .execute_unprepared("SELECT 1")
            .await
            .map(|_| ())
            .map_err(anyhow::Error::from)
    });
    let redis = tokio::time::timeout(timeout, state.shared.ping());
    let store = tokio::time::timeout(timeout, async { state.store.ping().await.map_err(|e| e.0) });
    let (db, redis, store) = tokio::join!(db, redis, store);
    let flat =
        |r: Result<anyhow::Result<()>, _>| r.unwrap_or_else(|_| Err(anyhow::anyhow!("timed out")));
    let database = outcome(flat(db), "database");
    let redis = if state.shared.is_redis() {
        outcome(flat(redis), "redis")
    } else {
        "in-process"
    };
    let object_store = outcome(flat(store), "object store");
    Probed {
        ok: database == "ok" && redis != "unavailable" && object_store == "ok",
        database,
        redis,
        object_store,
    }
}
