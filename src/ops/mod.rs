//! Operations endpoints: liveness, readiness, Prometheus metrics.

pub mod body;
pub mod middleware;
pub mod server;
pub mod service;

use crate::{api::Tag, state::AppState};
use poem::web::Data;
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    payload::{Json, PlainText},
};

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
        let (ok, r) = service::readiness(&state).await;
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
