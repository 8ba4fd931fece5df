//! Operations endpoints: liveness, readiness, Prometheus metrics.

pub mod middleware;

use crate::{api::Tag, state::AppState};
use poem::web::Data;
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    payload::{Json, PlainText},
};
use sea_orm::ConnectionTrait;

/// Liveness.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct Health {
    /// Always `ok` when the process answers.
    pub status: String,
}

/// The state of each dependency.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct Readiness {
    /// `ok` when every part answers.
    pub status: String,
    /// `ok` or `unavailable`.
    pub database: String,
    /// `ok`, or `in-process` in the embedded default.
    pub redis: String,
    /// `ok` or `unavailable`.
    pub object_store: String,
}

#[derive(ApiResponse)]
pub enum ReadyResponse {
    /// Every dependency answers.
    #[oai(status = 200)]
    Ready(Json<Readiness>),
    /// At least one dependency does not answer.
    #[oai(status = 503)]
    NotReady(Json<Readiness>),
}

pub struct OpsApi;

fn outcome(r: anyhow::Result<()>, what: &str) -> String {
    match r {
        Ok(()) => "ok".into(),
        Err(e) => {
            tracing::warn!(error = %format!("{e:#}"), "{what} not ready");
            "unavailable".into()
        }
    }
}

#[OpenApi(tag = "Tag::Operations")]
impl OpsApi {
    /// Liveness
    #[oai(path = "/healthz", method = "get", operation_id = "healthz")]
    async fn healthz(&self) -> Json<Health> {
        Json(Health {
            status: "ok".into(),
        })
    }

    /// Readiness: database, Redis and object store reachable
    #[oai(path = "/readyz", method = "get", operation_id = "readyz")]
    async fn readyz(&self, state: Data<&AppState>) -> ReadyResponse {
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
        let store = tokio::time::timeout(timeout, state.store.ping());
        let (db, redis, store) = tokio::join!(db, redis, store);
        let flat = |r: Result<anyhow::Result<()>, _>| {
            r.unwrap_or_else(|_| Err(anyhow::anyhow!("timed out")))
        };
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
        if ok {
            ReadyResponse::Ready(Json(r))
        } else {
            ReadyResponse::NotReady(Json(r))
        }
    }

    /// Prometheus metrics
    ///
    /// Requests and latency by route and status, photos processed, abuse-limit rejections.
    #[oai(path = "/metrics", method = "get", operation_id = "metrics")]
    async fn metrics(&self, state: Data<&AppState>) -> PlainText<String> {
        PlainText(state.metrics.render())
    }
}
