//! Probing the real parts for readiness.

use super::{Readiness, outcome};
use crate::state::AppState;
use sea_orm::ConnectionTrait;

/// Whether the database, Redis and the object store answer within 3 s, each
/// with its outcome; asked at most once a second (callers meanwhile wait
/// for, or share, the last answer).
pub async fn readiness(state: &AppState) -> (bool, Readiness) {
    let mut last = state.readiness.lock().await;
    if let Some((at, ok, r)) = last.as_ref()
        && at.elapsed() < std::time::Duration::from_secs(1)
    {
        return (*ok, r.clone());
    }
    let (ok, r) = probe(state).await;
    *last = Some((std::time::Instant::now(), ok, r.clone()));
    (ok, r)
}

async fn probe(state: &AppState) -> (bool, Readiness) {
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
    let r = Readiness {
        status: String::new(),
        database: outcome(flat(db), "database"),
        redis: if state.shared.is_redis() {
            outcome(flat(redis), "redis")
        } else {
            "in-process".into()
        },
        object_store: outcome(flat(store), "object store"),
    };
    let ok = r.database == "ok" && r.redis != "unavailable" && r.object_store == "ok";
    let r = Readiness {
        status: if ok { "ok" } else { "unavailable" }.into(),
        ..r
    };
    (ok, r)
}
